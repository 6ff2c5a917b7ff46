"""The event dispatch registry: one task per committed event, every registered consumer called
with the event id and schema, a failing consumer or enqueue failing nobody else; and the outbox
knows none of its consumers (no import of them, no import cycle inside events or webhooks)."""

import itertools
import logging
import subprocess
import sys

import grimp
import pytest
from django.conf import settings
from django.db import connection, transaction

from api.data_generation import DataGenerationBump
from core.testing import subprocess_env
from events import dispatch
from events.models import Event
from events.services import event_emit
from events.tasks import event_dispatch_task


@pytest.fixture
def enqueued(monkeypatch):
    """What ``events.dispatch`` tasks would be put on the broker: (args, options)."""
    sent = []
    monkeypatch.setattr(
        event_dispatch_task, "apply_async", lambda args, **options: sent.append((args, options))
    )
    return sent


@pytest.fixture
def consumers(monkeypatch):
    """An empty registry for the test; the real consumers come back afterwards."""
    registry = {}
    monkeypatch.setattr(dispatch, "_consumers", registry)
    return registry


def test_webhooks_the_stream_and_billing_register_in_their_app_configs():
    from api.stream import stream_event_publish
    from billing.stripe.sync import stripe_billing_event_consume
    from webhooks.services.fan_out import webhook_event_consume

    consumers = dispatch.event_consumers()
    assert consumers == {
        "stream": stream_event_publish,
        "webhooks": webhook_event_consume,
        "stripe": stripe_billing_event_consume,  # billing's own events → Stripe
    }
    # The stream before webhooks: it is cheap, and the webhook batch after it may take seconds
    # (billing's consumer only enqueues a task for billing.* events).
    order = list(consumers)
    assert order.index("stream") < order.index("webhooks")


def test_an_event_costs_one_task_enqueued_when_its_transaction_commits(
    in_tenant, enqueued, django_capture_on_commit_callbacks
):
    # given
    with django_capture_on_commit_callbacks() as callbacks:
        event = event_emit(type="challenge.created", data={"id": "chl_1"})
        # then: nothing left the process before the commit
        assert enqueued == []
    # when: the transaction commits
    for callback in callbacks:
        callback()
    # then: one task, in the event's schema, on the event-delivery queue (the other callback is
    # the write's data generation bump, for the response cache: api.data_generation)
    assert len([c for c in callbacks if not isinstance(c, DataGenerationBump)]) == 1
    assert enqueued == [((event.id,), {"headers": {"_schema_name": in_tenant.schema_name}})]
    from openchance.celery import app

    routed = app.amqp.router.route({}, event_dispatch_task.name)
    assert routed["queue"].name == settings.WEBHOOK_QUEUE


def test_a_rolled_back_change_dispatches_nothing(
    in_tenant, enqueued, django_capture_on_commit_callbacks
):
    # given / when
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        try:
            with transaction.atomic():
                event_emit(type="challenge.created", data={"id": "chl_1"})
                raise RuntimeError("the change fails")
        except RuntimeError:
            pass
    # then
    assert callbacks == [] and enqueued == []
    assert not Event.objects.exists()


def test_an_enqueue_that_fails_never_fails_the_caller(
    in_tenant, monkeypatch, caplog, django_capture_on_commit_callbacks
):
    # given: the broker is down
    def broker_down(*args, **kwargs):
        raise ConnectionError("broker unreachable")

    monkeypatch.setattr(event_dispatch_task, "apply_async", broker_down)
    # when
    with caplog.at_level(logging.ERROR), django_capture_on_commit_callbacks(execute=True):
        event = event_emit(type="challenge.created", data={"id": "chl_1"})
    # then: the change stands (the sweeper fans it out later); the failure is logged
    assert Event.objects.filter(pk=event.pk).exists()
    assert f"could not enqueue the dispatch of event {event.id}" in caplog.text


def test_every_consumer_hears_of_the_event_and_a_failing_one_stops_nobody(
    in_tenant, consumers, caplog
):
    # given: three consumers, the middle one broken
    heard = []

    def first(*, event_id, schema_name):
        heard.append(("first", event_id, schema_name))

    def broken(*, event_id, schema_name):
        raise RuntimeError("consumer bug")

    def last(*, event_id, schema_name):
        heard.append(("last", event_id, schema_name))

    for name, consumer in (("first", first), ("broken", broken), ("last", last)):
        dispatch.event_consumer_register(name, consumer)
    event = event_emit(type="challenge.created", data={"id": "chl_1"})
    # when
    with caplog.at_level(logging.ERROR):
        outcomes = dispatch.event_dispatch(event_id=event.id, schema_name=connection.schema_name)
    # then
    schema = in_tenant.schema_name
    assert heard == [("first", event.id, schema), ("last", event.id, schema)]
    assert outcomes == {"first": True, "broken": False, "last": True}
    assert f"event consumer 'broken' failed on event {event.id}" in caplog.text


def test_the_task_dispatches_in_the_schema_it_is_run_in(in_tenant, consumers):
    # given
    heard = []
    dispatch.event_consumer_register(
        "probe", lambda *, event_id, schema_name: heard.append((event_id, schema_name))
    )
    # when: the body of the task, as the worker runs it once tenant-schemas-celery switched
    event_dispatch_task.run("evt_1")
    # then
    assert heard == [("evt_1", in_tenant.schema_name)]


def test_a_process_that_only_emits_can_enqueue_every_task_by_name():
    """Web processes never run Celery's autodiscovery: the apps register their tasks in
    ``ready()``, or the enqueue by name would fail (and only the sweeper would deliver)."""
    script = (
        "import django; django.setup(); from celery import current_app; "
        "print(sorted(n for n in current_app.tasks if n.split('.')[0] in ('events', 'webhooks')))"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        env=subprocess_env(DJANGO_SETTINGS_MODULE="openchance.settings"),
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert result.stdout.strip() == str(
        ["events.dispatch", "webhooks.delivery_attempt", "webhooks.sweep"]
    )


def test_registering_a_name_again_replaces_its_consumer(consumers):
    dispatch.event_consumer_register("x", print)
    dispatch.event_consumer_register("x", repr)
    assert dispatch.event_consumers() == {"x": repr}


def test_event_types_outside_the_grammar_are_refused_at_emit(in_tenant):
    with pytest.raises(ValueError, match="not an event type"):
        event_emit(type="Challenge Created", data={})
    assert not Event.objects.exists()


# --- the import graph


@pytest.fixture(scope="module")
def graph():
    return grimp.build_graph("events", "webhooks", "api", include_external_packages=False)


def _product_modules(graph, *packages):
    return sorted(
        module
        for package in packages
        for module in graph.find_descendants(package) | {package}
        if ".tests" not in module and not module.endswith(".testing")
    )


def test_the_outbox_imports_none_of_its_consumers(graph):
    for module in _product_modules(graph, "events"):
        imported = graph.find_modules_directly_imported_by(module)
        assert not {m for m in imported if m.split(".")[0] in ("webhooks", "api")}, module


def test_no_import_cycle_inside_events_and_webhooks(graph):
    modules = _product_modules(graph, "events", "webhooks")
    cycles = [
        (importer, imported)
        for importer, imported in itertools.permutations(modules, 2)
        if graph.direct_import_exists(importer=importer, imported=imported)
        and graph.find_shortest_chain(importer=imported, imported=importer) is not None
    ]
    assert cycles == []
