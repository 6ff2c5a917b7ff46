"""Reads of the request log (current tenant schema)."""

from django.db.models import QuerySet

from requestlog.models import RequestLog


def request_log_list(*, errors_only: bool = False) -> QuerySet[RequestLog]:
    logs = RequestLog.objects.all()
    return logs.filter(status__gte=400) if errors_only else logs
