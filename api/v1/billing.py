"""/v1 billing: the period's usage, invoices (JSON and PDF), the subscription, the cost estimate
and the billing settings (spend cap, budgets, pay-as-you-go). Thin: parse, call
``billing.selectors`` / ``metering.selectors`` or ``billing.services.billing_settings_update``,
render (``api.v1.billing_serializers``).

Scopes: ``billing:read`` for GET, ``billing:write`` for PATCH. ``GET /v1/usage`` takes
``billing:read`` or the older ``usage:read`` (which reads calls, never money).

Billing's own routes are exempt from what billing blocks (``ApiView.is_billing_route``): they
are rate limited and metered like any call, but never billed, never counted toward the quota or
the spend cap, and answered while the organisation is restricted (402 ``payment_required``) or
its spend cap is reached (402 ``spend_cap_reached``) — so it can still read what it owes and
raise its cap.

Test keys (Stripe's test mode: test keys never see live money). Billing is the organisation's
live account and the sandbox is never billed: a test key's ``GET /v1/usage`` reports the
sandbox's calls only, ``GET /v1/invoices`` is an empty list and any invoice is 404; the
subscription, the estimate and the settings answer 403 ``livemode_required``.
"""

from datetime import UTC, datetime

from django.db.models import prefetch_related_objects
from django.http import HttpResponse
from django.urls import path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.renderers import BaseRenderer

from api import billing_access
from api.bases import ApiView, JsonRenderer
from api.idempotency import idempotent
from api.responses import Response
from api.v1 import billing_serializers as io
from api.v1.common import ordering_table
from api.v1.pagination import Ordering, SortKey, paginate
from api.v1.params import ListParams, parse_list_params
from billing import rendering, selectors
from billing.services import billing_settings_update

INVOICE_ORDERINGS = ordering_table(
    Ordering(
        "-period_start",
        (
            SortKey("period_start", descending=True, kind="datetime"),
            SortKey("id", descending=True, kind="int"),
        ),
    ),
    Ordering(
        "period_start",
        (SortKey("period_start", kind="datetime"), SortKey("id", kind="int")),
    ),
)
# A year past this is no billing period of ours (and would overflow the period's end).
MAX_PERIOD_YEAR = 9998
MIN_PERIOD_YEAR = 2000


# The rules (scopes, test keys, other organisations) live in ``api.billing_access``.
LivemodeRequiredError = billing_access.LivemodeRequiredError


# --- Query parameters


class NoParams(serializers.Serializer):
    """A route without query parameters: any one given is a 400 (as on every object route)."""

    HAS_METADATA = False


class UsageParams(NoParams):
    period = serializers.RegexField(
        io.PERIOD_PATTERN,
        required=False,
        max_length=7,
        help_text="The billing period, `YYYY-MM` (a calendar month in UTC); default: the current "
        "one.",
        error_messages={"invalid": "Expected a period as YYYY-MM, e.g. 2026-11."},
    )

    def validate_period(self, value: str) -> tuple[datetime, datetime]:
        year, month = int(value[:4]), int(value[5:])
        if not MIN_PERIOD_YEAR <= year <= MAX_PERIOD_YEAR:
            raise serializers.ValidationError(
                f"The year must be between {MIN_PERIOD_YEAR} and {MAX_PERIOD_YEAR}."
            )
        return selectors.period_bounds(datetime(year, month, 1, tzinfo=UTC))


class InvoiceListParams(ListParams):
    ORDERINGS = tuple(INVOICE_ORDERINGS)


# --- Views


class BillingView(ApiView):
    scope_family = "billing"
    is_billing_route = True


class LiveBillingView(BillingView):
    """The organisation's live billing account: test keys get 403 ``livemode_required``."""

    def gateway_enter(self, request) -> None:
        super().gateway_enter(request)
        billing_access.live_required(self.api_context)


USAGE_SCOPES = billing_access.USAGE_SCOPES


@extend_schema(tags=["Billing"])
class UsageView(ApiView):
    scope_family = None  # billing:read or usage:read, checked below
    scope_text = "`billing:read` or `usage:read`"
    is_billing_route = True

    def gateway_enter(self, request) -> None:
        super().gateway_enter(request)
        billing_access.usage_scope_check(self.api_context)

    @extend_schema(
        operation_id="usage_retrieve",
        summary="The period's usage",
        description=(
            "Calls of one billing period (a calendar month, UTC) from the usage ledger: totals, "
            "per day, per route and per key, billable apart from not billable and sandbox calls. "
            "The ledger trails the calls by the usage flush (a few seconds). Needs "
            "`billing:read` or `usage:read`. A live key sees live and sandbox calls; a test key "
            "sees the sandbox's only (`livemode: false`, nothing billable)."
        ),
        parameters=[UsageParams],
        responses=io.UsageSerializer,
    )
    def get(self, request):
        params = parse_list_params(UsageParams, request.query_params)
        since, until = params.get("period") or selectors.period_bounds()
        context = request.api_key
        report = billing_access.usage_report(context, since=since, until=until)
        return Response(
            io.usage_render(report, livemode=context.livemode, period_start=since, period_end=until)
        )


INVOICE_ID = OpenApiParameter(
    "invoice_id", str, OpenApiParameter.PATH, description="An invoice id (`inv_…`)."
)


def invoice_render(invoice, *, live: bool = True) -> dict:
    return selectors.invoice_as_dict(invoice)


@extend_schema(tags=["Billing"])
class InvoiceListView(BillingView):
    @extend_schema(
        operation_id="invoices_list",
        summary="List invoices",
        description=(
            "The organisation's invoices, newest period first: one per billing period, "
            "finalised at the period's close (drafts included while a close runs). A test key "
            "gets an empty list (the sandbox is never billed)."
        ),
        parameters=[InvoiceListParams],
        responses=io.InvoiceListSerializer,
    )
    def get(self, request):
        params = parse_list_params(InvoiceListParams, request.query_params)
        invoices = billing_access.invoices_visible(request.api_key)
        if invoices is None:
            empty = {"object": "list", "data": [], "has_more": False, "next_cursor": None}
            return Response(empty | ({"total": 0} if params.get("offset") is not None else {}))
        page = paginate(
            invoices,
            ordering=INVOICE_ORDERINGS[params["ordering"]],
            limit=params["limit"],
            cursor=params.get("cursor"),
            offset=params.get("offset"),
        )
        # Lines and credit notes of the whole page in two queries (invoice_as_dict renders them).
        # TODO(billing): belongs in billing.selectors.invoices_of (prefetch_related there).
        prefetch_related_objects(page.items, "lines", "credit_notes")
        return Response(page.envelope([invoice_render(invoice) for invoice in page.items]))


def _invoice(request, invoice_id: str):
    return billing_access.invoice_for(request.api_key, invoice_id)


@extend_schema(tags=["Billing"], parameters=[INVOICE_ID])
class InvoiceDetailView(BillingView):
    @extend_schema(
        operation_id="invoices_retrieve",
        summary="Retrieve an invoice",
        description="With its lines (base fee, included calls, overage, proration, credits) "
        "and credit notes. Amounts in minor units of `currency`.",
        responses=io.InvoiceSerializer,
    )
    def get(self, request, invoice_id: str):
        parse_list_params(NoParams, request.query_params)
        return Response(invoice_render(_invoice(request, invoice_id)))


class PdfRenderer(BaseRenderer):
    """Negotiation only: the view answers the document itself. Errors (a dict) still render as
    problem+json, whatever the client accepted."""

    media_type = "application/pdf"
    format = "pdf"
    charset = None
    render_style = "binary"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if isinstance(data, bytes | str):
            return data
        return JsonRenderer().render(data, "application/json", renderer_context)


class HtmlRenderer(PdfRenderer):
    media_type = "text/html"
    format = "html"
    charset = "utf-8"
    render_style = "text"


@extend_schema(tags=["Billing"], parameters=[INVOICE_ID])
class InvoicePdfView(BillingView):
    renderer_classes = [PdfRenderer, HtmlRenderer]

    @extend_schema(
        operation_id="invoices_pdf",
        summary="Download an invoice",
        description="The invoice as a PDF (`Accept: application/pdf` or `*/*`), or as an HTML "
        "page with `Accept: text/html`. Errors are problem+json.",
        responses={
            (200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY, description="PDF"),
            (200, "text/html"): OpenApiResponse(OpenApiTypes.STR, description="HTML"),
        },
    )
    def get(self, request, invoice_id: str):
        parse_list_params(NoParams, request.query_params)
        invoice = _invoice(request, invoice_id)

        name = invoice.number or invoice.public_id
        if request.accepted_media_type.startswith("text/html"):
            return HttpResponse(
                rendering.invoice_html(invoice), content_type="text/html; charset=utf-8"
            )
        response = HttpResponse(rendering.invoice_pdf(invoice), content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="{name}.pdf"'
        return response


@extend_schema(tags=["Billing"])
class SubscriptionView(LiveBillingView):
    @extend_schema(
        operation_id="billing_subscription_retrieve",
        summary="The subscription",
        description="Plan in force, status, the current period, a scheduled downgrade or "
        "cancellation, payment state. Live keys only (403 `livemode_required`).",
        responses=io.SubscriptionSerializer,
    )
    def get(self, request):
        parse_list_params(NoParams, request.query_params)
        return Response(billing_access.subscription_for(request.api_key))


@extend_schema(tags=["Billing"])
class EstimateView(LiveBillingView):
    @extend_schema(
        operation_id="billing_estimate_retrieve",
        summary="The period's cost estimate",
        description="The current period's cost so far and projected to its end at the run rate, "
        "and what the same usage would cost on every other public plan. Live keys only.",
        responses=io.EstimateSerializer,
    )
    def get(self, request):
        parse_list_params(NoParams, request.query_params)
        return Response(billing_access.estimate_for(request.api_key))


@extend_schema(tags=["Billing"])
class SettingsView(LiveBillingView):
    @extend_schema(
        operation_id="billing_settings_retrieve",
        summary="The billing settings",
        description="Spend cap, budget alerts and pay-as-you-go. Live keys only.",
        responses=io.BillingSettingsSerializer,
    )
    def get(self, request):
        parse_list_params(NoParams, request.query_params)
        subscription = selectors.subscription_of(request.api_key.organisation)
        return Response(io.settings_render(subscription))

    @extend_schema(
        operation_id="billing_settings_update",
        summary="Update the billing settings",
        description=(
            "Only the fields sent change. `spend_cap`: `{amount, kind}` in minor units per "
            "period, or `null` for none; once the period's live calls reach it they are "
            "refused with 402 `spend_cap_reached`, and raising or removing it lets them "
            "through again within 5 seconds. `budgets`: alert amounts. `pay_as_you_go`: "
            "hard-capped plans (Free) bill overage instead of refusing calls (needs a payment "
            "method; 422 otherwise). Live keys with `billing:write` only."
        ),
        request=io.BillingSettingsUpdateSerializer,
        responses=io.BillingSettingsSerializer,
    )
    @idempotent
    def patch(self, request):
        parse_list_params(NoParams, request.query_params)
        serializer = io.BillingSettingsUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        changes = serializer.validated_data
        subscription = billing_settings_update(
            organisation=request.api_key.organisation,
            **io.settings_changes(changes),
        )
        return Response(io.settings_render(subscription))


# Mounted at /v1/ by api.v1.urls.
urlpatterns = [
    path("usage", UsageView.as_view(), name="v1-usage"),
    path("invoices", InvoiceListView.as_view(), name="v1-invoices"),
    path("invoices/<str:invoice_id>", InvoiceDetailView.as_view(), name="v1-invoice"),
    path("invoices/<str:invoice_id>/pdf", InvoicePdfView.as_view(), name="v1-invoice-pdf"),
    path("billing/subscription", SubscriptionView.as_view(), name="v1-billing-subscription"),
    path("billing/estimate", EstimateView.as_view(), name="v1-billing-estimate"),
    path("billing/settings", SettingsView.as_view(), name="v1-billing-settings"),
]
