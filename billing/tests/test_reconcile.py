"""Reconciliation: real calls through the gateway, flushed, invoiced — served = metered =
invoiced; and a difference makes ``billing_reconcile`` exit non-zero."""

from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command

from api.gateway import usage_buffer_push
from billing.selectors import billing_reconcile, period_bounds
from billing.services import invoice_close_period
from billing.tests.support import ledger_add
from metering.services import usage_flush

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_usage_stream():
    """Each test's transaction rolls back the flush cursor but not Redis: start from an empty
    stream so a test never folds another test's calls again."""
    from django_redis import get_redis_connection

    from metering.records import USAGE_STREAM

    usage_buffer_push()
    get_redis_connection("default").delete(USAGE_STREAM)


def _traffic(api_client, sandbox_api_client):
    """Live calls (ok and 4xx), sandbox calls; returns the live billable count."""
    for _ in range(7):
        assert api_client.get("/v1/me").status_code == 200
    assert api_client.get("/v1/challenges/chl_0000000000000000000000000X").status_code == 404
    assert api_client.get("/v1/challenges", {"limit": "nope"}).status_code == 400
    for _ in range(3):
        assert sandbox_api_client.get("/v1/me").status_code == 200
    usage_buffer_push()
    usage_flush()
    return 9


def test_real_traffic_reconciles_to_zero(tenant, api_client, sandbox_api_client, capsys):
    # given: calls through the gateway, folded by the flush, and the period closed
    billable = _traffic(api_client, sandbox_api_client)
    start, end = period_bounds()
    invoice = invoice_close_period(
        organisation=tenant, period_start=start, now=end + timedelta(hours=1)
    )
    assert invoice.calls_billable == billable

    # when
    rows = billing_reconcile(period_start=start, organisations=[tenant])
    call_command("billing_reconcile", "--period", f"{start:%Y-%m}", "--tenant", tenant.slug)

    # then
    (row,) = rows
    assert (row.served, row.served_billable, row.metered, row.metered_billable) == (
        billable,
        billable,
        billable,
        billable,
    )
    assert row.invoiced == billable and row.differences == []
    out = capsys.readouterr().out
    assert "0 with differences" in out and tenant.slug in out


def test_a_difference_exits_non_zero(tenant, api_client, sandbox_api_client, capsys):
    # given: reconciled traffic, then a ledger row no request log stands for
    _traffic(api_client, sandbox_api_client)
    start, end = period_bounds()
    invoice_close_period(organisation=tenant, period_start=start, now=end + timedelta(hours=1))
    ledger_add(tenant, 2, minute=start + timedelta(minutes=1))

    # when
    with pytest.raises(CommandError) as failed:
        call_command("billing_reconcile", "--period", f"{start:%Y-%m}", "--tenant", tenant.slug)

    # then
    assert failed.value.returncode == 1
    out = capsys.readouterr().out
    assert "served 9 != metered 11" in out
    assert "invoiced 9 != metered billable 11" in out


def test_billable_calls_without_an_invoice_are_a_difference(tenant, api_client, sandbox_api_client):
    _traffic(api_client, sandbox_api_client)
    start, _ = period_bounds()
    (row,) = billing_reconcile(period_start=start, organisations=[tenant])
    assert row.invoiced is None
    assert row.differences == ["9 billable calls and no invoice"]


def test_a_bad_period_is_refused():
    with pytest.raises(CommandError, match="YYYY-MM"):
        call_command("billing_reconcile", "--period", "2026-13")
    with pytest.raises(CommandError, match="YYYY-MM"):
        call_command("billing_reconcile", "--period", "nov")
