"""The ``Query`` root: ``me``, ``node``, and per resource a fetch by id and a list.

Lists take the REST list's filters as arguments and are validated by the REST list's own
parameter classes (``api.v1.*ListParams`` through ``parse_list_params``), so the same input is
refused with the same ``validation_error`` messages (keyed by the REST parameter names, e.g.
``reward_amount[gte]``); they then call the same selectors in the same orderings. Each field
checks its family's read scope first.
"""

from typing import Annotated

import strawberry
from django.db.models import prefetch_related_objects
from django.http import QueryDict
from strawberry.scalars import JSON

from api import billing_access
from api.gateway import scope_check
from api.graphql.context import scope_require
from api.graphql.pagination import ConnectionPage, PageArguments, RowGroup, page_of
from api.graphql.types import (
    AfterArgument,
    Application,
    ApplicationStatus,
    BeforeArgument,
    BigInt,
    BillingEstimate,
    BillingSubscription,
    Challenge,
    ChallengeCategory,
    ChallengeOrdering,
    ChallengeStatus,
    Connection,
    CreatedOrdering,
    DateTime,
    Event,
    FirstArgument,
    Invoice,
    InvoiceOrdering,
    LastArgument,
    Me,
    Message,
    MessageAuthor,
    Node,
    Review,
    Usage,
    WebhookDelivery,
    WebhookDeliveryStatus,
    WebhookEndpoint,
    application_node,
    challenge_node,
    connection_of,
    estimate_node,
    event_node,
    invoice_node,
    me_node,
    message_node,
    review_node,
    subscription_node,
    usage_node,
    webhook_delivery_node,
    webhook_endpoint_node,
)
from api.v1.params import parse_list_params
from apikeys.scopes import event_scope_required, event_types_readable
from core.errors import NotFoundError
from events import selectors as event_selectors
from marketplace import selectors
from webhooks import selectors as webhook_selectors


@strawberry.input(description="A range of integers (REST `name[gte]=…` etc.).")
class IntRange:
    gt: BigInt | None = None
    gte: BigInt | None = None
    lt: BigInt | None = None
    lte: BigInt | None = None


@strawberry.input(description="A range of timestamps (REST `name[gte]=…` etc.).")
class DateTimeRange:
    gt: DateTime | None = None
    gte: DateTime | None = None
    lt: DateTime | None = None
    lte: DateTime | None = None


def rest_params(params_class, page: PageArguments, ordering: str | None, **arguments) -> dict:
    """The GraphQL arguments as the REST list's query string, validated by its parameter class
    (400 ``validation_error`` exactly as REST). Lists become comma-separated values, ranges
    ``name[op]``, metadata ``metadata[key]``; None means absent."""
    page.check()
    query = QueryDict(mutable=True)
    query["limit"] = str(page.limit)
    if ordering is not None:
        query["ordering"] = ordering
    for name, value in arguments.items():
        if value is None:
            continue
        if isinstance(value, IntRange | DateTimeRange):
            for operator in ("gt", "gte", "lt", "lte"):
                bound = getattr(value, operator)
                if bound is not None:
                    query[f"{name}[{operator}]"] = str(bound)
        elif name == "metadata":
            if not isinstance(value, dict):
                from rest_framework.exceptions import ValidationError

                raise ValidationError({"metadata": ["Expected an object of strings."]})
            for key, item in value.items():
                query[f"metadata[{key}]"] = item if isinstance(item, str) else str(item)
        elif isinstance(value, list):
            query[name] = ",".join(getattr(item, "value", item) for item in value)
        elif isinstance(value, bool):
            query[name] = "true" if value else "false"
        else:
            query[name] = getattr(value, "value", value)
    return parse_list_params(params_class, query)


def _live(info) -> bool:
    return info.context.livemode


def _one(row, build, info):
    return build(row, RowGroup([row]), _live(info))


_NODE_FETCHES = {
    "chl": (
        "challenges",
        lambda object_id: selectors.challenge_get(challenge_id=object_id),
        challenge_node,
    ),
    "app": (
        "applications",
        lambda object_id: selectors.application_get(application_id=object_id),
        application_node,
    ),
    "msg": (
        "messages",
        lambda object_id: selectors.message_get(message_id=object_id),
        message_node,
    ),
    "rev": ("reviews", lambda object_id: selectors.review_get(review_id=object_id), review_node),
    "evt": ("events", lambda object_id: event_selectors.event_get(event_id=object_id), event_node),
    "we": (
        "webhooks",
        lambda object_id: webhook_selectors.webhook_endpoint_get(endpoint_id=object_id),
        webhook_endpoint_node,
    ),
    "wd": (
        "webhooks",
        lambda object_id: webhook_selectors.webhook_delivery_get(delivery_id=object_id),
        webhook_delivery_node,
    ),
}


def _event_checked(info, event):
    """An event carries its object: reading it needs that family's read scope too (as REST)."""
    scope_check(info.context.api_key, required=event_scope_required(event.type))
    return event


@strawberry.type(
    description="OpenChance GraphQL API v1: the REST API's objects, filters, services and "
    "gateway. A request costs max(1, ceil(rows / 100) + mutations + 2 × searches + 3 × "
    "introspections) rate-limit tokens, rows = Σ over connections of their page size (first or "
    "last, default 10) × the page sizes of the connections they are nested in; above the plan's "
    "burst it is refused (query_cost_exceeded)."
)
class Query:
    @strawberry.field(description="The calling key, its tenant, plan, limits and usage.")
    def me(self, info: strawberry.Info) -> Me | None:
        from api.views import me_render

        return me_node(me_render(info.context.api_key, info.context.limit_result))

    @strawberry.field(
        description="Any object by its id (`chl_…`, `app_…`, `msg_…`, `rev_…`, "
        "`evt_…`, `we_…`, `wd_…`, `inv_…`), with its family's read scope."
    )
    def node(self, info: strawberry.Info, id: strawberry.ID) -> Node | None:
        prefix = str(id).partition("_")[0]
        if prefix == "inv":
            return Query.invoice(self, info, id)
        if prefix not in _NODE_FETCHES:
            raise NotFoundError(f"No such object: {str(id)[:60]!r}.", resource="node")
        family, fetch, build = _NODE_FETCHES[prefix]
        scope_require(info, family)
        row = fetch(str(id))
        if prefix == "evt":
            _event_checked(info, row)
        return _one(row, build, info)

    # --- challenges

    @strawberry.field(description="A challenge by id (needs `challenges:read`).")
    def challenge(self, info: strawberry.Info, id: strawberry.ID) -> Challenge | None:
        scope_require(info, "challenges")
        return _one(selectors.challenge_get(challenge_id=str(id)), challenge_node, info)

    @strawberry.field(
        description="Challenges, filtered, sorted or searched as REST "
        "`GET /v1/challenges` (needs `challenges:read`). `search` ranks best match "
        "first unless `orderBy` is given."
    )
    def challenges(
        self,
        info: strawberry.Info,
        first: FirstArgument = None,
        after: AfterArgument = None,
        last: LastArgument = None,
        before: BeforeArgument = None,
        order_by: ChallengeOrdering | None = None,
        status: list[ChallengeStatus] | None = None,
        category: list[ChallengeCategory] | None = None,
        tags: Annotated[list[str] | None, strawberry.argument(description="All of these.")] = None,
        skills: Annotated[
            list[str] | None, strawberry.argument(description="All of these.")
        ] = None,
        currency: str | None = None,
        remote: bool | None = None,
        reward_amount: IntRange | None = None,
        deadline: DateTimeRange | None = None,
        created_at: DateTimeRange | None = None,
        metadata: Annotated[
            JSON | None, strawberry.argument(description="Key → value, all must match.")
        ] = None,
        search: Annotated[
            str | None, strawberry.argument(description="Full-text, web-search syntax.")
        ] = None,
    ) -> Connection[Challenge] | None:
        from api.v1.challenges import (
            CHALLENGE_ORDERINGS,
            NEWEST_FIRST,
            SEARCH_RANK,
            ChallengeListParams,
        )

        scope_require(info, "challenges")
        page = PageArguments(first, after, last, before)
        params = rest_params(
            ChallengeListParams,
            page,
            order_by.value if order_by else None,
            status=status,
            category=category,
            tags=tags,
            skills=skills,
            currency=currency,
            remote=remote,
            reward_amount=reward_amount,
            deadline=deadline,
            created_at=created_at,
            metadata=metadata,
            search=search,
        )
        challenges = selectors.challenge_list(
            status=params.get("status"),
            category=params.get("category"),
            tags=[tag.lower() for tag in params.get("tags") or []],
            skills=[skill.lower() for skill in params.get("skills") or []],
            currency=(params.get("currency") or "").lower() or None,
            remote=params.get("remote"),
            reward_amount=params["ranges"].get("reward_amount"),
            deadline=params["ranges"].get("deadline"),
            created_at=params["ranges"].get("created_at"),
            metadata=params["metadata"],
            search=params.get("search"),
        )
        if params.get("ordering") is None:
            ordering = SEARCH_RANK if params.get("search") else NEWEST_FIRST
        else:
            ordering = CHALLENGE_ORDERINGS[params["ordering"]]
        live = _live(info)
        return connection_of(
            page_of(challenges, ordering=ordering, page=page),
            lambda row, group: challenge_node(row, group, live),
        )

    # --- applications

    @strawberry.field(description="An application by id (needs `applications:read`).")
    def application(self, info: strawberry.Info, id: strawberry.ID) -> Application | None:
        scope_require(info, "applications")
        return _one(selectors.application_get(application_id=str(id)), application_node, info)

    @strawberry.field(
        description="Applications, as REST `GET /v1/applications` (needs `applications:read`)."
    )
    def applications(
        self,
        info: strawberry.Info,
        first: FirstArgument = None,
        after: AfterArgument = None,
        last: LastArgument = None,
        before: BeforeArgument = None,
        order_by: CreatedOrdering = CreatedOrdering.CREATED_AT_DESC,
        challenge: strawberry.ID | None = None,
        status: list[ApplicationStatus] | None = None,
        applicant_email: str | None = None,
        applicant_external_id: str | None = None,
        created_at: DateTimeRange | None = None,
        metadata: JSON | None = None,
    ) -> Connection[Application] | None:
        from api.v1.applications import APPLICATION_ORDERINGS, AllApplicationsListParams

        scope_require(info, "applications")
        page = PageArguments(first, after, last, before)
        params = rest_params(
            AllApplicationsListParams,
            page,
            order_by.value,
            challenge=challenge,
            status=status,
            applicant_email=applicant_email,
            applicant_external_id=applicant_external_id,
            created_at=created_at,
            metadata=metadata,
        )
        applications = selectors.application_list(
            challenge_id=params.get("challenge"),
            status=params.get("status"),
            applicant_email=params.get("applicant_email"),
            applicant_external_id=params.get("applicant_external_id"),
            created_at=params["ranges"].get("created_at"),
            metadata=params["metadata"],
        )
        live = _live(info)
        return connection_of(
            page_of(applications, ordering=APPLICATION_ORDERINGS[params["ordering"]], page=page),
            lambda row, group: application_node(row, group, live),
        )

    # --- messages

    @strawberry.field(description="A message by id (needs `messages:read`).")
    def message(self, info: strawberry.Info, id: strawberry.ID) -> Message | None:
        scope_require(info, "messages")
        return _one(selectors.message_get(message_id=str(id)), message_node, info)

    @strawberry.field(description="Messages, as REST `GET /v1/messages` (needs `messages:read`).")
    def messages(
        self,
        info: strawberry.Info,
        first: FirstArgument = None,
        after: AfterArgument = None,
        last: LastArgument = None,
        before: BeforeArgument = None,
        order_by: CreatedOrdering = CreatedOrdering.CREATED_AT_DESC,
        application: strawberry.ID | None = None,
        author: MessageAuthor | None = None,
    ) -> Connection[Message] | None:
        from api.v1.messages import MESSAGE_ORDERINGS, AllMessagesListParams

        scope_require(info, "messages")
        page = PageArguments(first, after, last, before)
        params = rest_params(
            AllMessagesListParams, page, order_by.value, application=application, author=author
        )
        messages = selectors.message_list(
            application_id=params.get("application"), author=params.get("author")
        )
        live = _live(info)
        return connection_of(
            page_of(messages, ordering=MESSAGE_ORDERINGS[params["ordering"]], page=page),
            lambda row, group: message_node(row, group, live),
        )

    # --- reviews

    @strawberry.field(description="A review by id (needs `reviews:read`).")
    def review(self, info: strawberry.Info, id: strawberry.ID) -> Review | None:
        scope_require(info, "reviews")
        return _one(selectors.review_get(review_id=str(id)), review_node, info)

    @strawberry.field(description="Reviews, as REST `GET /v1/reviews` (needs `reviews:read`).")
    def reviews(
        self,
        info: strawberry.Info,
        first: FirstArgument = None,
        after: AfterArgument = None,
        last: LastArgument = None,
        before: BeforeArgument = None,
        order_by: CreatedOrdering = CreatedOrdering.CREATED_AT_DESC,
        application: strawberry.ID | None = None,
        challenge: strawberry.ID | None = None,
    ) -> Connection[Review] | None:
        from api.v1.reviews import REVIEW_ORDERINGS, ReviewListParams

        scope_require(info, "reviews")
        page = PageArguments(first, after, last, before)
        params = rest_params(
            ReviewListParams, page, order_by.value, application=application, challenge=challenge
        )
        reviews = selectors.review_list(
            application_id=params.get("application"), challenge_id=params.get("challenge")
        )
        live = _live(info)
        return connection_of(
            page_of(reviews, ordering=REVIEW_ORDERINGS[params["ordering"]], page=page),
            lambda row, group: review_node(row, group, live),
        )

    # --- events

    @strawberry.field(
        description="An event by id (needs `events:read` and the read scope of "
        "the family of the object it carries)."
    )
    def event(self, info: strawberry.Info, id: strawberry.ID) -> Event | None:
        scope_require(info, "events")
        return event_node(_event_checked(info, event_selectors.event_get(event_id=str(id))))

    @strawberry.field(
        description="Events, newest first, as REST `GET /v1/events` (needs "
        "`events:read`; only the families the key may read)."
    )
    def events(
        self,
        info: strawberry.Info,
        first: FirstArgument = None,
        after: AfterArgument = None,
        last: LastArgument = None,
        before: BeforeArgument = None,
        order_by: CreatedOrdering = CreatedOrdering.CREATED_AT_DESC,
        type: Annotated[
            list[str] | None, strawberry.argument(description="Types or `family.*`.")
        ] = None,
        created_at: DateTimeRange | None = None,
    ) -> Connection[Event] | None:
        from api.v1.events import EVENT_ORDERINGS, EventListParams

        scope_require(info, "events")
        page = PageArguments(first, after, last, before)
        params = rest_params(
            EventListParams, page, order_by.value, type=type, created_at=created_at
        )
        events = event_selectors.event_list_filtered(
            types=params.get("type"),
            created_at=params["ranges"].get("created_at"),
            families=event_types_readable(info.context.api_key.scopes),
        )
        return connection_of(
            page_of(events, ordering=EVENT_ORDERINGS[params["ordering"]], page=page),
            lambda row, group: event_node(row),
        )

    # --- webhooks

    @strawberry.field(description="A webhook endpoint by id (needs `webhooks:read`).")
    def webhook_endpoint(self, info: strawberry.Info, id: strawberry.ID) -> WebhookEndpoint | None:
        scope_require(info, "webhooks")
        endpoint = webhook_selectors.webhook_endpoint_get(endpoint_id=str(id))
        return webhook_endpoint_node(endpoint, live=_live(info))

    @strawberry.field(description="Webhook endpoints (needs `webhooks:read`).")
    def webhook_endpoints(
        self,
        info: strawberry.Info,
        first: FirstArgument = None,
        after: AfterArgument = None,
        last: LastArgument = None,
        before: BeforeArgument = None,
        order_by: CreatedOrdering = CreatedOrdering.CREATED_AT_DESC,
    ) -> Connection[WebhookEndpoint] | None:
        from api.v1.webhooks import WEBHOOK_ORDERINGS, EndpointListParams

        scope_require(info, "webhooks")
        page = PageArguments(first, after, last, before)
        params = rest_params(EndpointListParams, page, order_by.value)
        live = _live(info)
        return connection_of(
            page_of(
                webhook_selectors.webhook_endpoint_list(),
                ordering=WEBHOOK_ORDERINGS[params["ordering"]],
                page=page,
            ),
            lambda row, group: webhook_endpoint_node(row, live=live),
        )

    @strawberry.field(description="A webhook delivery by id (needs `webhooks:read`).")
    def webhook_delivery(self, info: strawberry.Info, id: strawberry.ID) -> WebhookDelivery | None:
        scope_require(info, "webhooks")
        delivery = webhook_selectors.webhook_delivery_get(delivery_id=str(id))
        return webhook_delivery_node(delivery, live=_live(info))

    @strawberry.field(
        description="Webhook deliveries, as REST `GET /v1/webhook_deliveries` "
        "(needs `webhooks:read`)."
    )
    def webhook_deliveries(
        self,
        info: strawberry.Info,
        first: FirstArgument = None,
        after: AfterArgument = None,
        last: LastArgument = None,
        before: BeforeArgument = None,
        order_by: CreatedOrdering = CreatedOrdering.CREATED_AT_DESC,
        endpoint: strawberry.ID | None = None,
        event: strawberry.ID | None = None,
        status: list[WebhookDeliveryStatus] | None = None,
    ) -> Connection[WebhookDelivery] | None:
        from api.v1.webhooks import WEBHOOK_ORDERINGS, DeliveryListParams

        scope_require(info, "webhooks")
        page = PageArguments(first, after, last, before)
        params = rest_params(
            DeliveryListParams, page, order_by.value, endpoint=endpoint, event=event, status=status
        )
        deliveries = webhook_selectors.webhook_delivery_list(
            endpoint_id=params.get("endpoint"),
            event_id=params.get("event"),
            statuses=params.get("status"),
        )
        live = _live(info)
        return connection_of(
            page_of(deliveries, ordering=WEBHOOK_ORDERINGS[params["ordering"]], page=page),
            lambda row, group: webhook_delivery_node(row, live=live),
        )

    # --- billing (the rules: api.billing_access, shared with REST)

    @strawberry.field(
        description="A billing period's usage, as REST `GET /v1/usage` (needs `billing:read` "
        "or `usage:read`; a test key sees the sandbox's calls only). `period`: `YYYY-MM`, "
        "default the current one."
    )
    def usage(self, info: strawberry.Info, period: str | None = None) -> Usage | None:
        from api.v1.billing import UsageParams
        from api.v1.billing_serializers import usage_render
        from billing.selectors import period_bounds

        context = info.context.api_key
        billing_access.usage_scope_check(context)
        query = QueryDict(mutable=True)
        if period is not None:
            query["period"] = period
        params = parse_list_params(UsageParams, query)
        since, until = params.get("period") or period_bounds()
        report = billing_access.usage_report(context, since=since, until=until)
        return usage_node(
            usage_render(report, livemode=context.livemode, period_start=since, period_end=until)
        )

    @strawberry.field(
        description="An invoice by id, with its lines and credit notes (needs `billing:read`; "
        "live keys only: with a test key every invoice is `not_found`)."
    )
    def invoice(self, info: strawberry.Info, id: strawberry.ID) -> Invoice | None:
        scope_require(info, "billing")
        return invoice_node(billing_access.invoice_for(info.context.api_key, str(id)))

    @strawberry.field(
        description="The organisation's invoices, newest period first, as REST "
        "`GET /v1/invoices` (needs `billing:read`; a test key gets an empty list)."
    )
    def invoices(
        self,
        info: strawberry.Info,
        first: FirstArgument = None,
        after: AfterArgument = None,
        last: LastArgument = None,
        before: BeforeArgument = None,
        order_by: InvoiceOrdering = InvoiceOrdering.PERIOD_START_DESC,
    ) -> Connection[Invoice] | None:
        from api.v1.billing import INVOICE_ORDERINGS, InvoiceListParams

        scope_require(info, "billing")
        page = PageArguments(first, after, last, before)
        params = rest_params(InvoiceListParams, page, order_by.value)
        invoices = billing_access.invoices_visible(info.context.api_key)
        if invoices is None:
            return connection_of(
                ConnectionPage(
                    rows=[],
                    cursors=[],
                    has_next_page=False,
                    has_previous_page=False,
                    total_count=lambda: 0,
                ),
                invoice_node,
            )
        result = page_of(invoices, ordering=INVOICE_ORDERINGS[params["ordering"]], page=page)
        # Lines and credit notes of the whole page in two queries (as REST).
        prefetch_related_objects(result.rows, "lines", "credit_notes")
        return connection_of(result, lambda row, group: invoice_node(row))

    @strawberry.field(
        description="The subscription, as REST `GET /v1/billing/subscription` (needs "
        "`billing:read`; live keys only, else `livemode_required`)."
    )
    def billing_subscription(self, info: strawberry.Info) -> BillingSubscription | None:
        scope_require(info, "billing")
        return subscription_node(billing_access.subscription_for(info.context.api_key))

    @strawberry.field(
        description="The period's cost so far and projected, on this and every public plan, as "
        "REST `GET /v1/billing/estimate` (needs `billing:read`; live keys only, else "
        "`livemode_required`)."
    )
    def billing_estimate(self, info: strawberry.Info) -> BillingEstimate | None:
        scope_require(info, "billing")
        return estimate_node(billing_access.estimate_for(info.context.api_key))
