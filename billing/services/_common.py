"""What every billing service shares: events in the organisation's live schema."""

from django_tenants.utils import tenant_context

from events.services import event_emit


def billing_event_emit(*, organisation, type: str, data: dict):  # noqa: A002
    """Write a ``billing.*`` event to the organisation's LIVE schema's outbox, in the caller's
    transaction (so webhooks and the stream deliver it like any other event, and a rolled-back
    change produces none). Billing events are never sandbox events."""
    with tenant_context(organisation.organisation):
        return event_emit(type=type, data=data)
