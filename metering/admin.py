"""Operator admin of metering: the usage ledger and the quarantine, both read-only (rows are
written by the usage flush alone; quarantined entries leave through the replay)."""

from django.contrib import admin, messages
from django.utils.html import format_html_join

from metering.models import UsageMinute, UsageQuarantine
from metering.records import EXCERPT_MAX_CHARS, entry_fields_decode, text_storable
from metering.services import usage_quarantine_replay


class _ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(UsageMinute)
class UsageMinuteAdmin(_ReadOnlyAdmin):
    """The usage ledger, read-only: rows are written by the usage flush alone."""

    list_display = ["minute", "tenant", "mode", "method", "route", "status", "is_billable", "calls"]
    list_filter = ["mode", "is_billable", "method"]
    search_fields = ["tenant__slug", "api_key_id", "route"]
    date_hierarchy = "minute"
    list_select_related = ["tenant"]


@admin.register(UsageQuarantine)
class UsageQuarantineAdmin(_ReadOnlyAdmin):
    """Usage records the flush could not fold: what they held and why. Read-only; the replay
    (the action here, or ``manage.py usage_quarantine_replay``) folds them again."""

    list_display = [
        "first_seen_at", "stream_id", "organisation_ref", "error_summary", "attempts",
        "last_attempt_at",
    ]  # fmt: skip
    search_fields = ["stream_id", "error", "=organisation_ref"]
    date_hierarchy = "first_seen_at"
    fields = [
        "stream", "stream_id", "organisation_ref", "error", "fields_shown", "attempts",
        "first_seen_at", "last_attempt_at",
    ]  # fmt: skip
    readonly_fields = fields
    actions = ["replay"]

    @admin.display(description="error")
    def error_summary(self, obj: UsageQuarantine) -> str:
        return obj.error[:120]

    @admin.display(description="fields (unsafe characters percent-encoded)")
    def fields_shown(self, obj: UsageQuarantine):
        # Shown escaped: a quarantined entry may hold NULs, controls or bytes that are not UTF-8.
        fields = entry_fields_decode(obj.raw_fields)
        return format_html_join(
            "\n",
            "<div><code>{}</code> = <code>{}</code></div>",
            (
                (text_storable(k, max_chars=40), text_storable(v, max_chars=EXCERPT_MAX_CHARS))
                for k, v in fields.items()
            ),
        )

    @admin.action(description="Replay the selected entries (fold them again)")
    def replay(self, request, queryset) -> None:
        result = usage_quarantine_replay(ids=list(queryset.values_list("pk", flat=True)))
        level = messages.WARNING if result.failed else messages.SUCCESS
        self.message_user(
            request,
            f"{result.replayed} replayed, {len(result.failed)} still quarantined.",
            level=level,
        )
