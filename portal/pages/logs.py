"""Request and error logs of the mode shown: filters (status, route, key, time, request id),
pages of 50, and a detail page with the redacted request and response excerpts.

The log lives in the tenant schema of the mode (``requestlog``); excerpts were redacted when the
call was captured (``api.redaction``: keys, secrets, passwords) and are only ever loaded by the
detail page.
"""

from datetime import timedelta

from django.utils import timezone

from apikeys.selectors import api_key_names
from metering.selectors import usage_breakdown
from portal.pages.base import DataPageView
from portal.pages.forms import LogFilterForm
from requestlog.selectors import request_log_get, request_log_search

PAGE_SIZE = 50


class RequestLogListView(DataPageView):
    template_name = "portal/pages/logs.html"

    def get(self, request):
        form = LogFilterForm(request.GET)
        if not form.is_valid():
            return self.render_to_response(
                self.get_context_data(form=form, logs=[], routes=[]), status=400
            )
        page = form.cleaned_data.get("page") or 1
        offset = (page - 1) * PAGE_SIZE
        # One row more than a page tells whether there is a next page, without a COUNT(*).
        logs = list(request_log_search(**form.search_filters())[offset : offset + PAGE_SIZE + 1])
        has_next = len(logs) > PAGE_SIZE
        logs = logs[:PAGE_SIZE]
        names = api_key_names(tenant=self.organisation, key_ids=[log.api_key_id for log in logs])
        now = timezone.now()
        routes = usage_breakdown(
            organisation_id=self.organisation.pk,
            mode=self.mode,
            since=now - timedelta(days=30),
            until=now + timedelta(minutes=1),
            by="route",
            limit=100,
        )
        query = request.GET.copy()
        query.pop("page", None)
        return self.render_to_response(
            self.get_context_data(
                form=form,
                logs=[{"log": log, "key_name": names.get(log.api_key_id, "")} for log in logs],
                page=page,
                has_next=has_next,
                has_previous=page > 1,
                query=query.urlencode(),
                routes=sorted({row["route"] for row in routes}),
            )
        )


class RequestLogDetailView(DataPageView):
    template_name = "portal/pages/log_detail.html"

    def get(self, request, request_id: str):
        log = request_log_get(request_id=request_id)
        names = api_key_names(tenant=self.organisation, key_ids=[log.api_key_id])
        return self.render_to_response(
            self.get_context_data(log=log, key_name=names.get(log.api_key_id, ""))
        )
