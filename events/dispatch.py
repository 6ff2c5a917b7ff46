"""The event dispatch registry: who hears about outbox events, and when.

The outbox knows none of its consumers. An app that reacts to events registers one in its
``AppConfig.ready()`` — webhooks their fan-out to endpoints, ``api`` the WebSocket stream::

    event_consumer_register("webhooks", webhook_event_consume)

A consumer is called as ``consumer(event_id=…, schema_name=…)`` with the tenant schema active.

``event_emit`` schedules each event's dispatch with ``transaction.on_commit``: once the emitting
transaction commits (never for a rolled-back change), ONE task per event is put on the broker
(``events.dispatch``, on the event-delivery queue ``WEBHOOK_QUEUE``) however many consumers there
are, so the request pays a single broker round trip; the worker then calls every registered
consumer in registration order (``INSTALLED_APPS`` order), each on its own. A consumer that raises
is logged and the next one still runs; an enqueue that fails is logged and never fails the caller,
whose change is committed already.

Guarantees: the task is acknowledged late, so after a worker died a consumer may be called again
for the same event (consumers are idempotent or tolerate repeats). A lost task means no consumer
is called: consumers that promise delivery keep their own safety net (webhooks' sweeper fans out
every recent event that was never dispatched), best-effort ones (the stream) accept the loss.
"""

import logging
from collections.abc import Callable
from functools import partial

from celery import current_app
from django.db import transaction

logger = logging.getLogger(__name__)

# The task is looked up by name (``events.tasks`` registers it), so this module never imports the
# task module that imports it.
EVENT_DISPATCH_TASK = "events.dispatch"

EventConsumer = Callable[..., None]  # (*, event_id: str, schema_name: str) -> None

_consumers: dict[str, EventConsumer] = {}


def event_consumer_register(name: str, callback: EventConsumer) -> None:
    """Call ``callback(event_id=…, schema_name=…)`` for every committed event from now on.
    Registering a name again replaces its consumer (``ready()`` may run more than once)."""
    _consumers[name] = callback


def event_consumers() -> dict[str, EventConsumer]:
    """The registered consumers by name, in the order they are called."""
    return dict(_consumers)


def event_dispatch_schedule(*, event_id: str, schema_name: str) -> None:
    """Enqueue the event's dispatch once the current transaction commits (at once outside one).
    The schema is stamped explicitly: the callback may run after the caller left the tenant."""
    transaction.on_commit(partial(_dispatch_enqueue, event_id=event_id, schema_name=schema_name))


def _dispatch_enqueue(*, event_id: str, schema_name: str) -> None:
    try:
        current_app.tasks[EVENT_DISPATCH_TASK].apply_async(
            (event_id,), headers={"_schema_name": schema_name}
        )
    except Exception:  # the change is committed; consumers with a safety net will catch up
        logger.exception("could not enqueue the dispatch of event %s", event_id)


def event_dispatch(*, event_id: str, schema_name: str) -> dict[str, bool]:
    """Call every registered consumer for one event (the ``events.dispatch`` task does, in the
    event's schema). Returns whether each consumer succeeded, by name; never raises."""
    outcomes = {}
    for name, consumer in list(_consumers.items()):
        try:
            consumer(event_id=event_id, schema_name=schema_name)
        except Exception:  # one consumer's failure is its own: the others still hear of it
            logger.exception("event consumer %r failed on event %s", name, event_id)
            outcomes[name] = False
        else:
            outcomes[name] = True
    return outcomes
