"""The usage record: one per API call, and its encoding in the Redis buffer (a stream).

The API gateway (``api.gateway.usage_record``) appends records to ``USAGE_STREAM``; the flush
(``metering.services.usage_flush``) reads them back in order and folds them into PostgreSQL. The
stream entry id, assigned by Redis, orders records and is the flush's exactly-once watermark.
"""

from dataclasses import dataclass

USAGE_STREAM = "oc:usage:stream"
# Failed calls keep excerpts of the request and response for the error log, cut to this size.
EXCERPT_MAX_CHARS = 2000


@dataclass(frozen=True)
class UsageRecord:
    organisation_id: int  # the live tenant row: owner of the plan and the bill
    tenant_id: int  # the row whose schema served the call (the sandbox row for test keys)
    api_key_id: str
    mode: str  # "live" or "test"
    method: str
    route: str  # the route template (``/v1/challenges/{id}``), never the raw path
    path: str
    status: int
    duration_ms: float
    request_bytes: int
    response_bytes: int
    timestamp_ms: int
    request_id: str
    is_billable: bool
    request_excerpt: str = ""
    response_excerpt: str = ""

    def to_fields(self) -> dict[str, str]:
        fields = {
            "o": str(self.organisation_id),
            "t": str(self.tenant_id),
            "k": self.api_key_id,
            "m": self.mode,
            "me": self.method,
            "r": self.route,
            "p": self.path[:500],
            "s": str(self.status),
            "d": f"{self.duration_ms:.3f}",
            "bi": str(self.request_bytes),
            "bo": str(self.response_bytes),
            "ts": str(self.timestamp_ms),
            "id": self.request_id,
            "b": "1" if self.is_billable else "0",
        }
        if self.request_excerpt:
            fields["rq"] = self.request_excerpt[:EXCERPT_MAX_CHARS]
        if self.response_excerpt:
            fields["rs"] = self.response_excerpt[:EXCERPT_MAX_CHARS]
        return fields

    @classmethod
    def from_fields(cls, fields: dict) -> "UsageRecord":
        f = {
            (k.decode() if isinstance(k, bytes) else k): (v.decode() if isinstance(v, bytes) else v)
            for k, v in fields.items()
        }
        return cls(
            organisation_id=int(f["o"]),
            tenant_id=int(f["t"]),
            api_key_id=f["k"],
            mode=f["m"],
            method=f["me"],
            route=f["r"],
            path=f.get("p", ""),
            status=int(f["s"]),
            duration_ms=float(f["d"]),
            request_bytes=int(f["bi"]),
            response_bytes=int(f["bo"]),
            timestamp_ms=int(f["ts"]),
            request_id=f["id"],
            is_billable=f["b"] == "1",
            request_excerpt=f.get("rq", ""),
            response_excerpt=f.get("rs", ""),
        )
