"""The request log (tenant schema): one row per metered API call, for the portal's request and
error logs. Written only by the usage flush (``metering.services.usage_flush``), never on the
request path; ``request_id`` (ours, one per call) is unique, so re-running a flush never
duplicates a row. Every text column holds only what ``metering.records`` lets through (controls
and invalid text percent-encoded, cut to the column's size).

Failed calls (status >= 400) keep redacted excerpts of the request and response bodies (keys,
secrets and passwords masked by ``api.redaction``).
"""

from django.db import models


class RequestLog(models.Model):
    request_id = models.CharField(max_length=128, unique=True)
    # The caller's own X-Request-Id, when it sent a sane one (core.middleware): shown to help it
    # find its call, never a key — many calls may carry the same one.
    client_request_id = models.CharField(max_length=128, blank=True, default="", db_default="")
    api_key_id = models.CharField(max_length=40)
    method = models.CharField(max_length=10)
    route = models.CharField(max_length=200)
    path = models.CharField(max_length=500)
    status = models.PositiveSmallIntegerField()
    duration_ms = models.FloatField()
    request_bytes = models.PositiveIntegerField()
    response_bytes = models.PositiveIntegerField()
    created_at = models.DateTimeField(db_index=True)
    request_excerpt = models.TextField(blank=True)
    response_excerpt = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "created_at"])]

    def __str__(self) -> str:
        return f"{self.method} {self.path} {self.status}"
