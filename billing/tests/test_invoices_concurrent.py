"""Exactly one invoice per organisation and period with real concurrency: closers racing in
threads (each its own PostgreSQL session), and a closer killed (SIGKILL) in the middle of its
transaction. The data is committed (other sessions must see it) and removed afterwards."""

import signal
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime

import psycopg
import pytest
from django.db import connection, connections

from billing.models import Invoice, InvoiceLine, InvoiceNumberSequence
from billing.services import invoice_close_period
from billing.tests.support import AFTER_NOV, NOV, event_types, ledger_add, subscription_in_period
from core.testing import BASE_DIR, database_url, subprocess_env, wait_for
from organisations.services import organisation_provision
from tenants.selectors import tenant_get_live
from tenants.services import tenant_delete


@pytest.fixture
def committed_organisation(_session_tenants, django_db_blocker, request):
    slug = f"b1-close-{request.node.name[-12:].replace('_', '-').strip('-')}"
    with django_db_blocker.unblock():
        stale = tenant_get_live(slug=slug)
        if stale is not None:
            tenant_delete(tenant=stale)
        organisation = organisation_provision(
            slug=slug, name="Close race", plan_code="pro", owner_email=f"{slug}@example.com",
            issue_keys=False,
        ).tenant  # fmt: skip
        subscription_in_period(organisation, plan="pro")
        ledger_add(organisation, 123_456)
        yield organisation
        tenant_delete(tenant=organisation)


def test_concurrent_closers_make_one_invoice(committed_organisation, django_db_blocker):
    # given: eight closers released at once, each in its own thread and database session
    closers = 8
    barrier = threading.Barrier(closers)
    results, errors = [], []

    def close():
        try:
            barrier.wait()
            invoice = invoice_close_period(
                organisation=committed_organisation, period_start=NOV, now=AFTER_NOV
            )
            results.append((invoice.pk, invoice.number))
        except Exception as exc:  # collected and asserted below
            errors.append(exc)
        finally:
            connections.close_all()

    with django_db_blocker.unblock():
        threads = [threading.Thread(target=close) for _ in range(closers)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)

        # then: every closer got the same invoice, and there is one of everything
        assert errors == []
        assert len(results) == closers and len(set(results)) == 1
        invoice = Invoice.objects.get(organisation=committed_organisation, period_start=NOV)
        assert (invoice.pk, invoice.number) == results[0]
        assert InvoiceLine.objects.filter(invoice=invoice).count() == 3
        assert invoice.total == 4900 + 2346  # 23,456 × 0.1 = 2,345.6 → 2,346
        assert event_types(committed_organisation).count("billing.invoice.created") == 1
        assert event_types(committed_organisation).count("billing.invoice.finalized") == 1


def _lock_waiters() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity "
            "WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )
        return cursor.fetchone()[0]


@pytest.mark.slow
def test_a_closer_killed_mid_close_leaves_nothing_and_the_next_one_closes(
    committed_organisation, django_db_blocker
):
    year = datetime.now(UTC).year
    series = f"invoice:{year}"
    with django_db_blocker.unblock():
        InvoiceNumberSequence.objects.get_or_create(series=series)
        # given: another session holds the number counter, so the closer stops inside its
        # transaction after writing the invoice and its lines, waiting for a number
        blocker = psycopg.connect(database_url())
        blocker.execute(
            "SELECT last_value FROM billing_invoicenumbersequence WHERE series = %s FOR UPDATE",
            [series],
        )
        closer = subprocess.Popen(
            [
                sys.executable, "manage.py", "billing_close_period", "--period", "2026-11",
                "--tenant", committed_organisation.slug,
            ],
            cwd=BASE_DIR, env=subprocess_env(), stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        )  # fmt: skip
        try:
            wait_for(lambda: _lock_waiters() > 0, timeout=60, message="the closer never blocked")
            # when: the closer is killed mid-transaction, then the counter is released
            closer.send_signal(signal.SIGKILL)
            closer.wait(timeout=10)
        finally:
            blocker.rollback()
            blocker.close()
        wait_for(lambda: _lock_waiters() == 0, timeout=30, message="the killed session lingers")
        time.sleep(0.5)

        # then: nothing of the killed close remains, and closing again makes the one invoice
        assert not Invoice.objects.filter(organisation=committed_organisation).exists()
        assert event_types(committed_organisation, "billing.invoice") == []
        invoice = invoice_close_period(organisation=committed_organisation, period_start=NOV)
        again = invoice_close_period(organisation=committed_organisation, period_start=NOV)
        assert again.pk == invoice.pk and invoice.number.startswith(f"OC-{year}-")
        assert Invoice.objects.filter(organisation=committed_organisation).count() == 1
        assert InvoiceLine.objects.filter(invoice=invoice).count() == 3
        assert invoice.total == 4900 + 2346
