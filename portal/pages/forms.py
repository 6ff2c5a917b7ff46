"""Forms of the data pages: they parse and validate what a member typed; services write.

Every form refuses what the pages cannot honour with a message on the field (an unknown scope, a
date range backwards or longer than the ledger is read for, an id that cannot be one), so a bad
request shows the page again with the error and nothing stored changes.
"""

from datetime import UTC, date, datetime, time, timedelta

from django import forms
from django.utils import timezone

from apikeys.models import ApiKey
from apikeys.scopes import SCOPE_ALL, scopes_all_valid
from apikeys.services import MAX_ROLL_GRACE
from core.ids import id_is_wellformed
from events.types import ALL_EVENT_TYPES, event_type_pattern_is_valid
from requestlog.selectors import STATUS_CLASSES

# Oldest day any range may start on, and the longest ranges the pages read.
EARLIEST_DAY = date(2020, 1, 1)
MAX_RANGE_DAYS = 366
MAX_HOURLY_RANGE_DAYS = 31
DEFAULT_RANGE_DAYS = 7
KEY_MAX_LIFETIME_DAYS = 3 * 366


def _scope_label(scope: str) -> str:
    if scope == SCOPE_ALL:
        return "all — full access"
    family, _, action = scope.partition(":")
    return f"{family}: {action}"


class ApiKeyCreateForm(forms.Form):
    name = forms.CharField(max_length=100, strip=True)
    mode = forms.ChoiceField(choices=ApiKey.Mode.choices, initial=ApiKey.Mode.TEST)
    scopes = forms.MultipleChoiceField(
        choices=[(scope, _scope_label(scope)) for scope in scopes_all_valid()],
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="None ticked means all. A family's write scope includes its read scope.",
    )
    expires_on = forms.DateField(
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="Optional. The key stops working at the start of this day (UTC).",
    )

    def clean_name(self) -> str:
        name = self.cleaned_data["name"]
        if not name.isprintable():
            raise forms.ValidationError("Use printable characters only.")
        return name

    def clean_scopes(self) -> list[str]:
        scopes = self.cleaned_data["scopes"]
        if SCOPE_ALL in scopes and len(scopes) > 1:
            raise forms.ValidationError(
                '"all" already grants every scope: tick it alone, or pick scopes without it.'
            )
        return scopes or [SCOPE_ALL]

    def clean_expires_on(self) -> datetime | None:
        day = self.cleaned_data["expires_on"]
        if day is None:
            return None
        today = timezone.now().astimezone(UTC).date()
        if day <= today:
            raise forms.ValidationError("The expiry must be a day after today.")
        if day > today + timedelta(days=KEY_MAX_LIFETIME_DAYS):
            raise forms.ValidationError("Keys may expire at most three years from now.")
        return datetime.combine(day, time.min, tzinfo=UTC)


class ApiKeyRollForm(forms.Form):
    grace_hours = forms.IntegerField(
        min_value=0,
        max_value=int(MAX_ROLL_GRACE.total_seconds() // 3600),
        initial=24,
        label="Grace period (hours)",
        help_text="How long the current secret keeps working beside the new one (0 – 168 h).",
    )


class ConfirmForm(forms.Form):
    """The second step of a destructive action: the confirm page posts ``confirm=yes``."""

    confirm = forms.ChoiceField(choices=[("yes", "yes")])


def _day_field(label: str) -> forms.DateField:
    return forms.DateField(
        label=label, required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


class UsageRangeForm(forms.Form):
    """A range of whole UTC days, ``since`` to ``until`` inclusive, and a chart bucket."""

    since = _day_field("From")
    until = _day_field("To")
    bucket = forms.ChoiceField(
        choices=[("hour", "per hour"), ("day", "per day")], required=False, label="Chart"
    )

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        today = timezone.now().astimezone(UTC).date()
        until = cleaned.get("until") or today
        since = cleaned.get("since") or until - timedelta(days=DEFAULT_RANGE_DAYS - 1)
        if since < EARLIEST_DAY or until < EARLIEST_DAY:
            raise forms.ValidationError(f"Dates start on {EARLIEST_DAY:%Y-%m-%d}.")
        if since > today + timedelta(days=1) or until > today + timedelta(days=1):
            raise forms.ValidationError("The range cannot lie in the future.")
        if until < since:
            raise forms.ValidationError("“To” must not be before “From”.")
        days = (until - since).days + 1
        if days > MAX_RANGE_DAYS:
            raise forms.ValidationError(f"Pick at most {MAX_RANGE_DAYS} days.")
        bucket = cleaned.get("bucket") or ("hour" if days <= 2 else "day")
        if bucket == "hour" and days > MAX_HOURLY_RANGE_DAYS:
            raise forms.ValidationError(
                f"Hourly charts cover at most {MAX_HOURLY_RANGE_DAYS} days: pick per day."
            )
        cleaned.update(since=since, until=until, bucket=bucket, days=days)
        cleaned["start"] = datetime.combine(since, time.min, tzinfo=UTC)
        cleaned["end"] = datetime.combine(until + timedelta(days=1), time.min, tzinfo=UTC)
        return cleaned


class LogFilterForm(forms.Form):
    status = forms.CharField(
        required=False,
        max_length=6,
        help_text="A code (404), a class (4xx) or “errors”.",
    )
    route = forms.CharField(required=False, max_length=200)
    api_key = forms.CharField(required=False, max_length=40, label="Key id")
    since = forms.DateTimeField(
        required=False,
        label="From (UTC)",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d"],
    )
    until = forms.DateTimeField(
        required=False,
        label="To (UTC)",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d"],
    )
    request_id = forms.CharField(required=False, max_length=128, label="Request id")
    page = forms.IntegerField(required=False, min_value=1, max_value=10_000)

    def _printable(self, name: str) -> str:
        value = self.cleaned_data[name]
        if value and not value.isprintable():
            raise forms.ValidationError("Use printable characters only.")
        return value

    def clean_route(self) -> str:
        return self._printable("route")

    def clean_request_id(self) -> str:
        return self._printable("request_id")

    def clean_api_key(self) -> str:
        value = self.cleaned_data["api_key"]
        if value and not id_is_wellformed(value, prefix="key"):
            raise forms.ValidationError("Key ids look like key_01H…")
        return value

    def clean_status(self) -> dict:
        value = self.cleaned_data["status"].strip().lower()
        if not value:
            return {}
        if value == "errors":
            return {"errors_only": True}
        if value in STATUS_CLASSES:
            return {"status_class": value}
        if value.isdigit() and len(value) == 3 and 100 <= int(value) <= 599:
            return {"status": int(value)}
        raise forms.ValidationError("Use a status code (100–599), a class (2xx–5xx) or “errors”.")

    def _aware(self, name: str) -> datetime | None:
        value = self.cleaned_data.get(name)
        if value is None:
            return None
        if timezone.is_naive(value):
            value = value.replace(tzinfo=UTC)
        return value

    def clean(self):
        cleaned = super().clean()
        since, until = self._aware("since"), self._aware("until")
        for name, value in (("since", since), ("until", until)):
            if value is not None and value.date() < EARLIEST_DAY:
                self.add_error(name, f"Dates start on {EARLIEST_DAY:%Y-%m-%d}.")
        if since and until and until <= since:
            self.add_error("until", "“To” must be after “From”.")
        cleaned["since"], cleaned["until"] = since, until
        return cleaned

    def search_filters(self) -> dict:
        """The keyword arguments of ``requestlog.selectors.request_log_search``."""
        data = self.cleaned_data
        return {
            **data.get("status", {}),
            "route": data.get("route") or None,
            "api_key_id": data.get("api_key") or None,
            "since": data.get("since"),
            "until": data.get("until"),
            "request_id": data.get("request_id") or None,
        }


# The picker's event types (patterns of events.types). Any other valid pattern can be typed in.
EVENT_TYPE_CHOICES = [
    (ALL_EVENT_TYPES, "* — every event"),
    ("challenge.*", "challenge.* — every challenge event"),
    ("challenge.created", "challenge.created"),
    ("challenge.updated", "challenge.updated"),
    ("challenge.published", "challenge.published"),
    ("challenge.closed", "challenge.closed"),
    ("challenge.awarded", "challenge.awarded"),
    ("challenge.cancelled", "challenge.cancelled"),
    ("challenge.deleted", "challenge.deleted"),
    ("application.*", "application.* — every application event"),
    ("application.submitted", "application.submitted"),
    ("application.updated", "application.updated"),
    ("application.status_changed", "application.status_changed"),
    ("message.*", "message.* — every message event"),
    ("message.created", "message.created"),
    ("review.*", "review.* — every review event"),
    ("review.created", "review.created"),
    ("webhook_endpoint.*", "webhook_endpoint.* — endpoint changes"),
    ("billing.*", "billing.* — invoices, spend cap"),
]


class WebhookEndpointForm(forms.Form):
    url = forms.URLField(max_length=2048, label="Endpoint URL", assume_scheme="https")
    description = forms.CharField(max_length=500, required=False)
    event_types = forms.MultipleChoiceField(
        choices=EVENT_TYPE_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        label="Events to send",
    )
    other_event_types = forms.CharField(
        required=False,
        max_length=1000,
        label="Other event types",
        help_text="Comma-separated: an exact type (challenge.created) or a family (challenge.*).",
    )

    def clean_other_event_types(self) -> list[str]:
        patterns = [p.strip() for p in self.cleaned_data["other_event_types"].split(",")]
        patterns = [p for p in patterns if p]
        bad = [p for p in patterns if not event_type_pattern_is_valid(p)]
        if bad:
            raise forms.ValidationError(
                f"Not an event type pattern: {', '.join(bad[:5])[:200]}. Use challenge.created, "
                "challenge.* or *."
            )
        return patterns

    def clean(self):
        cleaned = super().clean()
        patterns = [*cleaned.get("event_types", []), *cleaned.get("other_event_types", [])]
        if not self.errors and not patterns:
            self.add_error("event_types", "Pick at least one event type (or * for all).")
        cleaned["patterns"] = sorted(set(patterns))
        return cleaned


class WebhookRecoverForm(forms.Form):
    since = forms.DateTimeField(
        label="Resend failed deliveries since (UTC)",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d"],
    )

    def clean_since(self) -> datetime:
        value = self.cleaned_data["since"]
        if timezone.is_naive(value):
            value = value.replace(tzinfo=UTC)
        if value > timezone.now():
            raise forms.ValidationError("Pick a moment in the past.")
        if value.date() < EARLIEST_DAY:
            raise forms.ValidationError(f"Dates start on {EARLIEST_DAY:%Y-%m-%d}.")
        return value
