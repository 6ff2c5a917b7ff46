"""``manage.py ensure_demo``: make sure the local demo tenant and an operator exist, print logins.

For local development only (`make run`). Secrets are shown once by the services that create
them, so the ones made here are kept in the git-ignored .local/demo.json to print them again on
the next run; if that file is lost, the passwords are reset and written anew.
"""

import json
import secrets

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from apikeys.models import ApiKey
from apikeys.selectors import api_key_secret_is_usable
from apikeys.services import api_key_create
from organisations.services import organisation_provision
from tenants.models import User
from tenants.selectors import tenant_get_live

DEMO_SLUG = "demo"
DEMO_OWNER_EMAIL = "owner@demo.example.com"
OPERATOR_EMAIL = "operator@openchance.example.com"


class Command(BaseCommand):
    help = "Ensure the demo tenant (with its owner) and an operator account exist; print logins."

    def add_arguments(self, parser):
        parser.add_argument("--port", default="8000")

    def handle(self, *args, **options):
        if settings.IS_PRODUCTION:
            raise CommandError("ensure_demo is for local development only")
        state_file = settings.LOCAL_DIR / "demo.json"
        state = json.loads(state_file.read_text()) if state_file.exists() else {}

        if tenant_get_live(slug=DEMO_SLUG) is None:
            provisioned = organisation_provision(
                slug=DEMO_SLUG,
                name="Demo Org",
                plan_code="pro",
                owner_email=DEMO_OWNER_EMAIL,
                owner_name="Demo Owner",
            )
            if provisioned.owner_password:
                state["owner_password"] = provisioned.owner_password
            state.update(live_key=provisioned.live_key, test_key=provisioned.test_key)
        state["owner_password"] = self._ensure_password(
            DEMO_OWNER_EMAIL, state.get("owner_password")
        )
        state["test_key"] = self._ensure_test_key(state.get("test_key"))

        operator = User.objects.filter(email=OPERATOR_EMAIL).first()
        if operator is None:
            state["operator_password"] = secrets.token_urlsafe(12)
            User.objects.create_superuser(OPERATOR_EMAIL, state["operator_password"])
        state["operator_password"] = self._ensure_password(
            OPERATOR_EMAIL, state.get("operator_password")
        )

        settings.LOCAL_DIR.mkdir(exist_ok=True)
        state_file.write_text(json.dumps(state, indent=2))
        state_file.chmod(0o600)
        self._print(state, port=options["port"])

    def _ensure_password(self, email: str, known: str | None) -> str:
        user = User.objects.get(email=email)
        if known and user.check_password(known):
            return known
        password = secrets.token_urlsafe(12)
        user.set_password(password)
        user.save(update_fields=["password"])
        return password

    def _ensure_test_key(self, known: str | None) -> str:
        """The demo's test key from the state file while it still works, else a new one."""
        if known and api_key_secret_is_usable(known):
            return known
        demo = tenant_get_live(slug=DEMO_SLUG)
        return api_key_create(tenant=demo, name="Demo test key", mode=ApiKey.Mode.TEST).secret

    def _print(self, state: dict, *, port: str) -> None:
        base = settings.BASE_DOMAIN
        lines = [
            "",
            "OpenChance is running. Open:",
            f"  Public site & operator admin  http://{base}:{port}/admin/",
            f"      operator login            {OPERATOR_EMAIL} / {state['operator_password']}",
            f"  Demo tenant portal & API      http://{DEMO_SLUG}.{base}:{port}/",
            f"      owner login               {DEMO_OWNER_EMAIL} / {state['owner_password']}",
            f"  Shared API host               http://api.{base}:{port}/",
            f"  Health                        http://{base}:{port}/healthz",
            f"  Demo test (sandbox) API key   {state['test_key']}",
            "",
            "  Your first API call:",
            f"    curl -H 'Host: {DEMO_SLUG}.{base}' "
            f"-H 'Authorization: Bearer {state['test_key']}' http://127.0.0.1:{port}/v1/me",
            "",
        ]
        banner = "\n".join(lines)
        # scripts/run.py prints it again once the web server answers, below the start-up logs.
        (settings.LOCAL_DIR / "banner.txt").write_text(banner)
        self.stdout.write(banner)
