"""Usage analytics: calls per hour or day (a Chart.js chart), by route, key and status class,
error rate, latency percentiles, live against sandbox, a date range and a CSV export.

Counts come from the ledger (``metering.UsageMinute``, per-minute aggregates in the public
schema); latency percentiles from the request log of the mode shown (the ledger keeps only the
sum and the maximum per minute). Each read is one query, so the page costs the same whatever the
range or the number of routes and keys.
"""

import csv
from urllib.parse import urlencode

from django.http import StreamingHttpResponse

from apikeys.selectors import api_key_names
from metering.selectors import (
    usage_breakdown,
    usage_export_rows,
    usage_mode_totals,
    usage_series,
    usage_summary,
)
from portal.pages.base import DataPageView, with_percent
from portal.pages.forms import UsageRangeForm
from requestlog.selectors import request_log_latency_by_route, request_log_latency_percentiles

CSV_COLUMNS = (
    "hour_utc", "mode", "method", "route", "status", "api_key_id", "billable", "calls",
    "duration_ms_mean", "duration_ms_max", "request_bytes", "response_bytes",
)  # fmt: skip


class UsageView(DataPageView):
    template_name = "portal/pages/usage.html"

    def get(self, request):
        form = UsageRangeForm(request.GET)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form), status=400)
        start, end, bucket = (form.cleaned_data[k] for k in ("start", "end", "bucket"))
        scope = {"organisation_id": self.organisation.pk, "since": start, "until": end}
        summary = usage_summary(mode=self.mode, **scope)
        series = usage_series(mode=self.mode, bucket=bucket, **scope)
        by_route = usage_breakdown(mode=self.mode, by="route", **scope)
        by_key = usage_breakdown(mode=self.mode, by="api_key_id", **scope)
        by_status = usage_breakdown(mode=self.mode, by="status_class", **scope)
        names = api_key_names(tenant=self.organisation, key_ids=[r["api_key_id"] for r in by_key])
        for row in by_key:
            row["name"] = names.get(row["api_key_id"], "deleted or unknown key")
        latency = request_log_latency_percentiles(since=start, until=end)
        route_latency = request_log_latency_by_route(since=start, until=end)
        for row in by_route:
            row["latency"] = route_latency.get((row["method"], row["route"]))
            row["logs_query"] = urlencode({"route": row["route"]})
        label = "%Y-%m-%d %H:00" if bucket == "hour" else "%Y-%m-%d"
        for point in series:
            point["label"] = point["bucket"].strftime(label)
        chart = {
            "bucket": bucket,
            "labels": [point["label"] for point in series],
            "calls": [point["calls"] for point in series],
            "errors": [point["errors"] for point in series],
            "rate_limited": [point["rate_limited"] for point in series],
        }
        modes = usage_mode_totals(**scope)
        # Shown again with the range in force (the defaults filled in), not the raw query.
        shown = UsageRangeForm(
            initial={k: form.cleaned_data[k] for k in ("since", "until", "bucket")}
        )
        return self.render_to_response(
            self.get_context_data(
                form=shown,
                range=form.cleaned_data,
                summary=with_percent(summary),
                chart=chart,
                series=series,
                by_route=[with_percent(row) for row in by_route],
                by_key=[with_percent(row) for row in by_key],
                by_status=[{**row, "label": f"{row['status_class']}xx"} for row in by_status],
                latency=latency,
                modes={mode: with_percent(row) for mode, row in modes.items()},
                csv_query=request.GET.urlencode(),
            )
        )


class _Echo:
    def write(self, value: str) -> str:
        return value


class UsageCsvView(DataPageView):
    """The ledger of the range as CSV (per hour, route, method, status and key), streamed."""

    template_name = "portal/pages/usage.html"

    def get(self, request):
        form = UsageRangeForm(request.GET)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form), status=400)
        data = form.cleaned_data
        rows = usage_export_rows(
            organisation_id=self.organisation.pk,
            mode=self.mode,
            since=data["start"],
            until=data["end"],
        )
        writer = csv.writer(_Echo())
        mode = self.mode

        def lines():
            yield writer.writerow(CSV_COLUMNS)
            for hour, method, route, status, key_id, billable, calls, total, peak, rq, rs in rows:
                yield writer.writerow(
                    [
                        hour.strftime("%Y-%m-%dT%H:00:00Z"),
                        mode,
                        method,
                        _cell(route),
                        status,
                        key_id,
                        "yes" if billable else "no",
                        calls,
                        f"{(total / calls) if calls else 0:.2f}",
                        f"{peak:.2f}",
                        rq,
                        rs,
                    ]  # fmt: skip
                )

        filename = f"usage-{self.organisation.slug}-{mode}-{data['since']}-{data['until']}.csv"
        response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response


def _cell(value: str) -> str:
    """A CSV cell a spreadsheet will not run as a formula (routes are ours, but stay safe)."""
    return f"'{value}" if value[:1] in ("=", "+", "-", "@") else value
