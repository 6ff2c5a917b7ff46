"""Billing's refusals on both WebSocket endpoints (``/v1/ws``, GraphQL's ``/v1/graphql``), through
a real ASGI server: a restricted organisation (an invoice past due) and a reached spend cap are
closed with 4402 and REST's code and words (``payment_required``, ``spend_cap_reached``) — not as
a rate limit — while its sandbox key keeps connecting; a used-up quota is 4429 ``quota_exceeded``.

The organisations are committed (the server is another process) and deleted afterwards."""

import json
import socket
import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.conf import settings
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect

from api.testing import uvicorn_server

pytestmark = pytest.mark.slow

INCLUDED = 2


@pytest.fixture(scope="module")
def port(_session_tenants, tmp_path_factory):
    with uvicorn_server(log_dir=tmp_path_factory.mktemp("ws-billing")) as base_url:
        yield int(base_url.rsplit(":", 1)[1])


@pytest.fixture
def organisation(_session_tenants, django_db_blocker):
    """An organisation on a plan of 2 included calls at 1 cent each past them (committed)."""
    from billing.models import Plan
    from organisations.services import organisation_provision
    from tenants.services import tenant_delete

    with django_db_blocker.unblock():
        plan = Plan.objects.create(
            code=f"wscap-{uuid.uuid4().hex[:8]}",
            name="Capped",
            rate_per_second=100,
            burst=100,
            included_calls=INCLUDED,
            overage_unit_price=Decimal("1"),
            monthly_price=0,
            is_public=False,
        )
        slug = f"wscap-{uuid.uuid4().hex[:8]}"
        provisioned = organisation_provision(
            slug=slug, name="Capped", plan_code=plan.code, owner_email=f"{slug}@cap.test"
        )
    yield SimpleNamespace(
        tenant=provisioned.tenant,
        host=f"{slug}.{settings.BASE_DOMAIN}",
        live=provisioned.live_key,
        sandbox=provisioned.test_key,
    )
    with django_db_blocker.unblock():
        tenant_delete(tenant=provisioned.tenant)
        plan.delete()


def _stream(port, host, key) -> tuple[dict, int | None]:
    """``/v1/ws`` with the key on the handshake: the first message, and the close code if the
    server closed after it (None while it stays open)."""
    with connect(
        f"ws://{host}:{port}/v1/ws",
        sock=socket.create_connection(("127.0.0.1", port)),
        additional_headers={"Authorization": f"Bearer {key}"},
        open_timeout=10,
    ) as ws:
        first = json.loads(ws.recv(timeout=10))
        if first["type"] != "error":
            return first, None
        with pytest.raises(ConnectionClosed) as closed:
            ws.recv(timeout=10)
        return first, closed.value.rcvd.code


def _graphql(port, host, key) -> tuple[dict | None, int | None, str]:
    """``/v1/graphql`` (graphql-transport-ws) after ``connection_init``: the ack, or the close
    code and reason."""
    with connect(
        f"ws://{host}:{port}/v1/graphql",
        sock=socket.create_connection(("127.0.0.1", port)),
        subprotocols=["graphql-transport-ws"],
        open_timeout=10,
    ) as ws:
        ws.send(json.dumps({"type": "connection_init", "payload": {"key": key}}))
        try:
            return json.loads(ws.recv(timeout=10)), None, ""
        except ConnectionClosed as closed:
            return None, closed.rcvd.code, closed.rcvd.reason


def test_a_restricted_organisation_is_closed_4402_payment_required(
    port, organisation, django_db_blocker
):
    # given: dunning restricted the organisation (an invoice long past due)
    from billing.models import Subscription
    from billing.services.dunning import subscription_restrict

    with django_db_blocker.unblock():
        past_due = datetime.now(UTC) - timedelta(
            days=settings.BILLING_DUNNING_RESTRICT_AFTER_DAYS + 1
        )
        Subscription.objects.filter(organisation=organisation.tenant).update(
            status=Subscription.Status.PAST_DUE, past_due_since=past_due
        )
        subscription = Subscription.objects.get(organisation=organisation.tenant)
        assert subscription_restrict(subscription=subscription)

    # when / then: both endpoints refuse the live key with REST's code and words
    error, code = _stream(port, organisation.host, organisation.live)
    assert code == 4402
    assert error["code"] == "payment_required"
    assert "GET /v1/invoices" in error["detail"] and error["portal_path"] == "/billing/"
    ack, code, reason = _graphql(port, organisation.host, organisation.live)
    assert (ack, code) == (None, 4402)
    assert reason.startswith("payment_required: ")
    # and the sandbox key is not affected
    welcome, code = _stream(port, organisation.host, organisation.sandbox)
    assert (welcome["type"], code) == ("welcome", None)
    assert _graphql(port, organisation.host, organisation.sandbox)[0]["type"] == "connection_ack"


def test_past_the_spend_cap_both_endpoints_close_4402_spend_cap_reached(
    port, organisation, django_db_blocker
):
    # given: a cap of 1 cent on overage: the 2 included connections and 1 more are allowed
    from billing.services import billing_settings_update

    with django_db_blocker.unblock():
        billing_settings_update(organisation=organisation.tenant, spend_cap_amount=1)
    for _ in range(INCLUDED + 1):
        welcome, code = _stream(port, organisation.host, organisation.live)
        assert (welcome["type"], code) == ("welcome", None)

    # when
    error, code = _stream(port, organisation.host, organisation.live)
    ack, graphql_code, reason = _graphql(port, organisation.host, organisation.live)

    # then: REST's 402, not a rate limit
    assert code == 4402
    assert error["code"] == "spend_cap_reached"
    assert error["spend_cap"] == {"amount": 1, "kind": "overage", "currency": "usd"}
    assert "PATCH /v1/billing/settings" in error["detail"]
    assert (ack, graphql_code) == (None, 4402)
    assert reason.startswith("spend_cap_reached: ")
    welcome, code = _stream(port, organisation.host, organisation.sandbox)
    assert (welcome["type"], code) == ("welcome", None)


def test_a_used_up_free_quota_is_4429_quota_exceeded(port, organisation, django_db_blocker):
    # given: the plan refuses calls past the included ones (a hard cap, as Free without
    # pay-as-you-go), before the server has seen the organisation
    from billing.models import Plan

    with django_db_blocker.unblock():
        Plan.objects.filter(pk=organisation.tenant.plan_id).update(is_hard_cap=True)
    for _ in range(INCLUDED):
        welcome, code = _stream(port, organisation.host, organisation.live)
        assert (welcome["type"], code) == ("welcome", None)

    # when
    error, code = _stream(port, organisation.host, organisation.live)

    # then
    assert code == 4429
    assert error["code"] == "quota_exceeded"
    assert "calls this month are used up" in error["detail"]
