"""The operator admin changes a tenant's name, slug, plan and status through services only."""

import pytest
from django.contrib import admin
from django.db import connection
from django.test import RequestFactory

from billing.models import Plan
from tenants.models import Domain, Tenant, User

pytestmark = pytest.mark.django_db


@pytest.fixture
def change(tenant):
    """``change(**fields)``: submit the tenant's admin change form with ``fields`` changed and
    return the tenant as stored afterwards."""
    operator = User.objects.create_superuser("ops@openchance.test", "ops-password-123")
    request = RequestFactory().post("/admin/tenants/tenant/", HTTP_HOST="localhost")
    request.user = operator
    model_admin = admin.site._registry[Tenant]

    def submit(**fields):
        obj = Tenant.objects.get(pk=tenant.pk)
        data = {
            "slug": obj.slug,
            "name": obj.name,
            "plan": obj.plan_id,
            "status": obj.status,
            "suspended_reason": obj.suspended_reason,
            **fields,
        }
        form = model_admin.get_form(request, obj, change=True)(data=data, instance=obj)
        if not form.is_valid():
            return form.errors
        model_admin.save_model(request, form.instance, form, change=True)
        return Tenant.objects.get(pk=tenant.pk)

    return submit


def _schemas() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT nspname FROM pg_namespace")
        return {row[0] for row in cursor.fetchall()}


def test_a_slug_change_moves_the_sandbox_twin_the_schemas_and_the_domain(change, tenant):
    # when
    renamed = change(slug="alpha-two")

    # then
    sandbox = Tenant.objects.get(live_tenant=renamed)
    assert (renamed.slug, renamed.schema_name) == ("alpha-two", "t_alpha_two")
    assert (sandbox.slug, sandbox.schema_name) == ("alpha-two", "t_alpha_two_test")
    assert {"t_alpha_two", "t_alpha_two_test"} <= _schemas()
    assert not {"t_alpha", "t_alpha_test"} & _schemas()
    assert list(Domain.objects.filter(tenant=renamed).values_list("domain", flat=True)) == [
        "alpha-two.localhost"
    ]


@pytest.mark.parametrize(
    "slug, message",
    [("beta", "is taken"), ("bad_slug", "Invalid slug"), ("admin", "is reserved")],
)
def test_a_bad_slug_is_a_form_error_and_changes_nothing(
    change, tenant, other_tenant, slug, message
):
    errors = change(slug=slug)

    assert message in str(errors["slug"])
    stored = Tenant.objects.get(pk=tenant.pk)
    assert (stored.slug, stored.schema_name) == ("alpha", "t_alpha")


def test_suspending_through_the_form_sets_suspended_at_and_the_reason(change, tenant):
    suspended = change(status="suspended", suspended_reason="unpaid")

    assert suspended.status == "suspended" and suspended.suspended_at is not None
    assert suspended.suspended_reason == "unpaid"
    reactivated = change(status="active")
    assert reactivated.suspended_at is None and reactivated.suspended_reason == ""


def test_a_plan_change_goes_through_billing(change, tenant, api_client):
    assert api_client.get("/v1/me").json()["plan"]["code"] == "pro"  # warm caches

    changed = change(plan=Plan.objects.get(code="business").pk)

    assert changed.plan.code == "business"
    assert api_client.get("/v1/me").json()["plan"]["code"] == "business"
