"""Webhooks of the mode shown: endpoints (create, edit, enable/disable, delete — confirmed), the
signing secret (revealed to writers only, audited) and its rotation, the event-type picker, a
test ping, deliveries and their attempts (with the responses), retry, recover since, health.

Endpoints live in the tenant schema of the mode (live and sandbox each have theirs), so an id
from the other mode or another tenant is simply not found: the portal's 404 page.
"""

import json
from datetime import timedelta

from django.contrib import messages
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone

from core.errors import DomainError
from portal.pages.audit import portal_audit
from portal.pages.base import DataPageView
from portal.pages.forms import (
    EVENT_TYPE_CHOICES,
    ConfirmForm,
    WebhookEndpointForm,
    WebhookRecoverForm,
)
from webhooks.selectors import (
    webhook_attempt_list,
    webhook_delivery_get,
    webhook_delivery_list,
    webhook_endpoint_get,
    webhook_endpoint_get_with_stats,
    webhook_endpoint_list_with_stats,
)
from webhooks.services.attempts import webhook_delivery_retry
from webhooks.services.endpoints import (
    webhook_endpoint_create,
    webhook_endpoint_delete,
    webhook_endpoint_recover,
    webhook_endpoint_rotate_secret,
    webhook_endpoint_update,
)
from webhooks.services.fan_out import webhook_endpoint_test

HEALTH_WINDOW = timedelta(days=7)
DELIVERIES_SHOWN = 50
DELIVERY_STATUSES = ("pending", "failed", "succeeded", "exhausted")
_PICKER = {value for value, _label in EVENT_TYPE_CHOICES}


def _detail_url(endpoint_id: str) -> str:
    return reverse("portal:webhook_detail", args=[endpoint_id])


def health_of(endpoint) -> str:
    if not endpoint.is_enabled:
        return "disabled"
    return "failing" if endpoint.failing_since is not None else "healthy"


def _form_errors_from(form, error: DomainError) -> None:
    field = error.extra.get("field")
    target = {"url": "url", "events": "other_event_types"}.get(field)
    form.add_error(target, error.detail)


class WebhookListView(DataPageView):
    template_name = "portal/pages/webhooks.html"

    def get(self, request):
        endpoints = webhook_endpoint_list_with_stats(since=timezone.now() - HEALTH_WINDOW)
        rows = [{"endpoint": e, "health": health_of(e)} for e in endpoints]
        return self.render_to_response(self.get_context_data(rows=rows))


class WebhookCreateView(DataPageView):
    template_name = "portal/pages/webhook_form.html"

    def get(self, request):
        form = WebhookEndpointForm(initial={"event_types": ["*"]})
        return self.render_to_response(self.get_context_data(form=form, is_new=True))

    def post(self, request):
        form = WebhookEndpointForm(request.POST)
        if form.is_valid():
            try:
                endpoint = webhook_endpoint_create(
                    url=form.cleaned_data["url"],
                    event_types=form.cleaned_data["patterns"],
                    description=form.cleaned_data["description"],
                )
            except DomainError as error:
                _form_errors_from(form, error)
            else:
                portal_audit(
                    request, self, action="webhook_endpoint.created", target=endpoint.pk,
                    detail={"url": endpoint.url},
                )  # fmt: skip
                messages.success(
                    request, "Endpoint added. Reveal its signing secret below to verify requests."
                )
                return HttpResponseRedirect(_detail_url(endpoint.pk))
        context = self.get_context_data(form=form, is_new=True)
        return self.render_to_response(context, status=400)


class WebhookDetailView(DataPageView):
    template_name = "portal/pages/webhook_detail.html"

    def get(self, request, endpoint_id: str):
        endpoint = webhook_endpoint_get_with_stats(
            endpoint_id=endpoint_id, since=timezone.now() - HEALTH_WINDOW
        )
        status = request.GET.get("status", "")
        statuses = [status] if status in DELIVERY_STATUSES else None
        page = request.GET.get("page", "1")
        page = int(page) if page.isdigit() and 0 < int(page) <= 10_000 else 1
        offset = (page - 1) * DELIVERIES_SHOWN
        deliveries = list(
            webhook_delivery_list(endpoint_id=endpoint.pk, statuses=statuses)[
                offset : offset + DELIVERIES_SHOWN + 1
            ]
        )
        has_next = len(deliveries) > DELIVERIES_SHOWN
        deliveries = deliveries[:DELIVERIES_SHOWN]
        return self.render_to_response(
            self.get_context_data(
                endpoint=endpoint,
                health=health_of(endpoint),
                deliveries=deliveries,
                page=page,
                has_next=has_next,
                status=status if statuses else "",
                statuses=DELIVERY_STATUSES,
                recover_form=WebhookRecoverForm(
                    initial={"since": timezone.now() - timedelta(days=1)}
                ),
            )
        )


class WebhookEditView(DataPageView):
    template_name = "portal/pages/webhook_form.html"

    def get(self, request, endpoint_id: str):
        endpoint = webhook_endpoint_get(endpoint_id=endpoint_id)
        picked = [p for p in endpoint.event_types if p in _PICKER]
        other = ", ".join(p for p in endpoint.event_types if p not in _PICKER)
        form = WebhookEndpointForm(
            initial={
                "url": endpoint.url,
                "description": endpoint.description,
                "event_types": picked,
                "other_event_types": other,
            }
        )
        return self.render_to_response(self.get_context_data(form=form, endpoint=endpoint))

    def post(self, request, endpoint_id: str):
        endpoint = webhook_endpoint_get(endpoint_id=endpoint_id)
        form = WebhookEndpointForm(request.POST)
        if form.is_valid():
            try:
                webhook_endpoint_update(
                    endpoint=endpoint,
                    url=form.cleaned_data["url"],
                    description=form.cleaned_data["description"],
                    event_types=form.cleaned_data["patterns"],
                )
            except DomainError as error:
                _form_errors_from(form, error)
            else:
                portal_audit(request, self, action="webhook_endpoint.updated", target=endpoint.pk)
                messages.success(request, "Endpoint saved.")
                return HttpResponseRedirect(_detail_url(endpoint.pk))
        context = self.get_context_data(form=form, endpoint=endpoint)
        return self.render_to_response(context, status=400)


class WebhookToggleView(DataPageView):
    """POST only: enable (``enabled=1``) or disable (``enabled=0``) an endpoint."""

    def post(self, request, endpoint_id: str):
        endpoint = webhook_endpoint_get(endpoint_id=endpoint_id)
        enabled = request.POST.get("enabled")
        if enabled not in ("0", "1"):
            messages.error(request, "Choose to enable or to disable the endpoint.")
            return HttpResponseRedirect(_detail_url(endpoint.pk))
        webhook_endpoint_update(endpoint=endpoint, is_enabled=enabled == "1")
        action = "enabled" if enabled == "1" else "disabled"
        portal_audit(request, self, action=f"webhook_endpoint.{action}", target=endpoint.pk)
        messages.success(request, f"Endpoint {action}.")
        return HttpResponseRedirect(_detail_url(endpoint.pk))


class WebhookDeleteView(DataPageView):
    template_name = "portal/pages/webhook_delete.html"

    def get(self, request, endpoint_id: str):
        endpoint = webhook_endpoint_get(endpoint_id=endpoint_id)
        return self.render_to_response(self.get_context_data(endpoint=endpoint, form=ConfirmForm()))

    def post(self, request, endpoint_id: str):
        endpoint = webhook_endpoint_get(endpoint_id=endpoint_id)
        form = ConfirmForm(request.POST)
        if not form.is_valid():
            context = self.get_context_data(endpoint=endpoint, form=form)
            return self.render_to_response(context, status=400)
        webhook_endpoint_delete(endpoint=endpoint)
        portal_audit(
            request, self, action="webhook_endpoint.deleted", target=endpoint_id,
            detail={"url": endpoint.url},
        )  # fmt: skip
        messages.success(request, f"Endpoint {endpoint.url} deleted with its deliveries.")
        return HttpResponseRedirect(reverse("portal:webhooks"))


class WebhookSecretView(DataPageView):
    """GET: a page offering to reveal the secret; POST (writers only): reveals it, audited."""

    template_name = "portal/pages/webhook_secret.html"

    def get(self, request, endpoint_id: str):
        endpoint = webhook_endpoint_get(endpoint_id=endpoint_id)
        return self.render_to_response(self.get_context_data(endpoint=endpoint, secret=None))

    def post(self, request, endpoint_id: str):
        endpoint = webhook_endpoint_get(endpoint_id=endpoint_id)
        portal_audit(request, self, action="webhook_endpoint.secret_revealed", target=endpoint.pk)
        response = self.render_to_response(
            self.get_context_data(endpoint=endpoint, secret=endpoint.secret)
        )
        response["Cache-Control"] = "no-store"
        return response


class WebhookRotateView(DataPageView):
    template_name = "portal/pages/webhook_rotate.html"

    def get(self, request, endpoint_id: str):
        endpoint = webhook_endpoint_get(endpoint_id=endpoint_id)
        context = self.get_context_data(endpoint=endpoint, form=ConfirmForm(), secret=None)
        return self.render_to_response(context)

    def post(self, request, endpoint_id: str):
        endpoint = webhook_endpoint_get(endpoint_id=endpoint_id)
        form = ConfirmForm(request.POST)
        if not form.is_valid():
            context = self.get_context_data(endpoint=endpoint, form=form, secret=None)
            return self.render_to_response(context, status=400)
        endpoint = webhook_endpoint_rotate_secret(endpoint=endpoint)
        portal_audit(request, self, action="webhook_endpoint.secret_rotated", target=endpoint.pk)
        response = self.render_to_response(
            self.get_context_data(endpoint=endpoint, form=None, secret=endpoint.secret)
        )
        response["Cache-Control"] = "no-store"
        return response


class WebhookTestView(DataPageView):
    """POST only: send a ``ping`` to this endpoint alone, then show its delivery."""

    def post(self, request, endpoint_id: str):
        endpoint = webhook_endpoint_get(endpoint_id=endpoint_id)
        try:
            delivery = webhook_endpoint_test(endpoint=endpoint)
        except DomainError as error:
            messages.error(request, error.detail)
            return HttpResponseRedirect(_detail_url(endpoint.pk))
        messages.success(request, "Test event sent: its delivery is below.")
        return HttpResponseRedirect(reverse("portal:webhook_delivery", args=[delivery.pk]))


class WebhookRecoverView(DataPageView):
    """POST only: re-send every failed or exhausted delivery created since a moment."""

    def post(self, request, endpoint_id: str):
        endpoint = webhook_endpoint_get(endpoint_id=endpoint_id)
        form = WebhookRecoverForm(request.POST)
        if not form.is_valid():
            for errors in form.errors.values():
                messages.error(request, " ".join(errors))
            return HttpResponseRedirect(_detail_url(endpoint.pk))
        try:
            count = webhook_endpoint_recover(endpoint=endpoint, since=form.cleaned_data["since"])
        except DomainError as error:
            messages.error(request, error.detail)
        else:
            portal_audit(
                request, self, action="webhook_endpoint.recovered", target=endpoint.pk,
                detail={"since": form.cleaned_data["since"].isoformat(), "deliveries": count},
            )  # fmt: skip
            messages.success(request, f"{count} deliver{'y' if count == 1 else 'ies'} re-sent.")
        return HttpResponseRedirect(_detail_url(endpoint.pk))


class WebhookDeliveryView(DataPageView):
    template_name = "portal/pages/webhook_delivery.html"

    def get(self, request, delivery_id: str):
        delivery = webhook_delivery_get(delivery_id=delivery_id)
        attempts = list(webhook_attempt_list(delivery_id=delivery.pk))
        # The body every attempt sends (the event as the API shows it; loads the deferred data).
        payload = json.dumps(delivery.event.as_payload(), indent=2, ensure_ascii=False)
        return self.render_to_response(
            self.get_context_data(delivery=delivery, attempts=attempts, payload=payload)
        )


class WebhookDeliveryRetryView(DataPageView):
    """POST only: attempt a delivery again now, whatever its state."""

    def post(self, request, delivery_id: str):
        delivery = webhook_delivery_get(delivery_id=delivery_id)
        try:
            webhook_delivery_retry(delivery=delivery)
        except DomainError as error:
            messages.error(request, error.detail)
        else:
            messages.success(request, "Retry queued: the attempt appears below once it is made.")
        return HttpResponseRedirect(reverse("portal:webhook_delivery", args=[delivery.pk]))
