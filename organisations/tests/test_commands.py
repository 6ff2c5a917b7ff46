"""``provision_tenant`` and ``ensure_demo``: the provisioning CLI of the public contract."""

import json
from io import StringIO

import pytest
from django.core.management import call_command

from api.gateway import key_authenticate

pytestmark = pytest.mark.django_db


def test_provision_tenant_json_prints_a_working_live_and_test_key(django_assert_num_queries):
    # when
    out = StringIO()
    call_command(
        "provision_tenant", "gamma", "--name", "Gamma", "--plan", "free",
        "--owner-email", "owner@gamma.test", "--json", stdout=out,
    )  # fmt: skip

    # then
    result = json.loads(out.getvalue())
    live = key_authenticate(result["live_key"], host_tenant=None)
    test = key_authenticate(result["test_key"], host_tenant=None)
    assert (live.tenant.schema_name, live.mode) == (result["schema"], "live")
    assert (test.tenant.schema_name, test.mode) == (result["sandbox_schema"], "test")
    assert result["live_key"].startswith("oc_live_") and result["test_key"].startswith("oc_test_")


def test_ensure_demo_prints_the_test_key_and_a_curl_of_v1_me(settings, tmp_path):
    # given
    settings.LOCAL_DIR = tmp_path

    # when
    out = StringIO()
    call_command("ensure_demo", "--port", "8000", stdout=out)
    again = StringIO()
    call_command("ensure_demo", "--port", "8000", stdout=again)

    # then
    state = json.loads((tmp_path / "demo.json").read_text())
    key = state["test_key"]
    assert key_authenticate(key, host_tenant=None).mode == "test"
    curl = (
        f"curl -H 'Host: demo.localhost' -H 'Authorization: Bearer {key}' "
        "http://127.0.0.1:8000/v1/me"
    )
    assert curl in out.getvalue()
    assert curl in again.getvalue()  # the same key on later runs, from the state file
