"""The outbox table itself: what a process of the previous release may still write to it."""

from django.db import connection
from django_tenants.utils import tenant_context

from events.models import Event


def test_an_insert_that_knows_no_recipient_column_still_works(tenant):
    """During a rolling deploy the previous release keeps emitting events without ``recipient``:
    the column has a database default, so those inserts succeed (as broadcast events)."""
    with tenant_context(tenant), connection.cursor() as cursor:
        cursor.execute(
            f'INSERT INTO "{Event._meta.db_table}" (id, type, data, livemode, request_id, '  # noqa: S608
            "created_at) VALUES ('evt_old', 'challenge.created', '{}', true, '', now())"
        )
        assert Event.objects.get(pk="evt_old").recipient == ""
