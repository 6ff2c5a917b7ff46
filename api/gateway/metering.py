"""Metering capture: one usage record per call, into the process buffer (``pipeline``).

Never blocks and never touches PostgreSQL; ``metering.services.usage_flush`` folds the records
into the ledger and the request logs. Whatever the client chose (path, method, its own request id,
bodies) is made storable by ``UsageRecord.to_fields`` (escaped, cut, clamped), so no request can
produce a record that PostgreSQL refuses.
"""

import time

from api.gateway.keys import KeyContext
from api.gateway.pipeline import usage_buffer
from core.frozen import frozen_instance
from metering.records import UsageRecord


def usage_buffer_push() -> int:
    """Send this process's pending usage records to Redis now (tests, shutdown, idle consumers)."""
    return usage_buffer.push()


def usage_buffer_pending() -> int:
    return len(usage_buffer)


def usage_record(
    context: KeyContext,
    *,
    method: str,
    route: str,
    status: int,
    duration_ms: float,
    request_bytes: int,
    response_bytes: int,
    request_id: str,
    client_request_id: str = "",
    path: str = "",
    is_billable: bool = True,
    request_excerpt: str = "",
    response_excerpt: str = "",
) -> None:
    """Meter one call (see module): never blocks, never touches PostgreSQL.

    ``request_id`` is ours (``request.request_id``, unique per call: the request log's key);
    ``client_request_id`` is the caller's own ``X-Request-Id`` (``request.client_request_id``),
    logged beside it and never used as a key."""
    record = frozen_instance(
        UsageRecord,
        organisation_id=context.organisation.pk,
        tenant_id=context.tenant.pk,
        api_key_id=context.key_id,
        mode=context.mode,
        method=method,
        route=route,
        path=path,
        status=status,
        duration_ms=duration_ms,
        request_bytes=request_bytes,
        response_bytes=response_bytes,
        timestamp_ms=time.time_ns() // 1_000_000,
        request_id=request_id,
        client_request_id=client_request_id,
        is_billable=is_billable and context.livemode,
        request_excerpt=request_excerpt,
        response_excerpt=response_excerpt,
    )
    usage_buffer.add(record.to_fields())
