"""GraphQL object types: the REST objects field for field.

Each object is built from the very dict REST renders (``marketplace.rendering``,
``Event.as_payload``, the webhook renderers of ``api.v1.webhook_serializers``), so ids
(``chl_…``), values, enums (the REST strings: ``open``, ``bounty``…) and timestamps (RFC 3339 UTC
strings, ``…Z``) are the same by construction; only the field names follow GraphQL's camelCase
(``max_applications`` → ``maxApplications``). A related object REST renders as its id is both
``<name>Id`` (the id) and ``<name>`` (the object, with its own family's read scope, as REST's
``expand``). Nested connections and related objects load for a whole page at once
(``api.graphql.pagination``).
"""

import enum
from collections.abc import Callable, Sequence
from typing import Annotated, Generic, NewType, TypeVar

import strawberry
from strawberry.scalars import JSON

from api.graphql.context import scope_require
from api.graphql.pagination import (
    ConnectionPage,
    PageArguments,
    RowGroup,
    nested_batch,
    nested_page,
    related_batch,
)
from api.v1.webhook_serializers import delivery_render, endpoint_render
from marketplace import selectors
from marketplace.models import Application as ApplicationModel
from marketplace.models import Challenge as ChallengeModel
from marketplace.models import Message as MessageModel
from marketplace.rendering import (
    application_render,
    challenge_render,
    message_render,
    review_render,
)
from webhooks.models import WebhookDelivery as WebhookDeliveryModel

# --- Scalars

DateTime = NewType("DateTime", str)
BigInt = NewType("BigInt", int)


def _string_scalar(value, name: str) -> str:
    if not isinstance(value, str):
        raise ValueError(f"{name} must be a string.")
    return value


def _big_int(value) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or abs(value) > 2**53:
        raise ValueError("BigInt must be an integer within ±2^53.")
    return value


# For ``StrawberryConfig.scalar_map`` (api.graphql.schema).
SCALARS = {
    DateTime: strawberry.scalar(
        name="DateTime",
        description="An RFC 3339 timestamp in UTC, e.g. `2026-12-01T12:00:00Z` (as in REST).",
        serialize=lambda value: value,
        parse_value=lambda value: _string_scalar(value, "DateTime"),
    ),
    BigInt: strawberry.scalar(
        name="BigInt",
        description="An integer that may exceed 32 bits (money in minor units, call counts).",
        serialize=int,
        parse_value=_big_int,
    ),
}


# --- Enums: the REST values themselves.


def _choices_enum(name: str, values, description: str):
    return strawberry.enum(
        enum.Enum(name, [(value, value) for value in values]), description=description
    )


ChallengeStatus = _choices_enum(
    "ChallengeStatus", ChallengeModel.Status.values, "draft → open → closed → awarded; cancelled."
)
ChallengeCategory = _choices_enum(
    "ChallengeCategory", ChallengeModel.Category.values, "What kind of opportunity."
)
ApplicationStatus = _choices_enum(
    "ApplicationStatus",
    ApplicationModel.Status.values,
    "submitted → shortlisted → accepted; rejected or withdrawn.",
)
MessageAuthor = _choices_enum("MessageAuthor", MessageModel.Author.values, "Who wrote a message.")
WebhookDeliveryStatus = _choices_enum(
    "WebhookDeliveryStatus", WebhookDeliveryModel.Status.values, "Where a delivery stands."
)


@strawberry.enum(description="Sort orders of challenges (REST `ordering`).")
class ChallengeOrdering(enum.Enum):
    CREATED_AT_DESC = "-created_at"
    CREATED_AT = "created_at"
    DEADLINE = "deadline"
    DEADLINE_DESC = "-deadline"
    REWARD_AMOUNT = "reward_amount"
    REWARD_AMOUNT_DESC = "-reward_amount"
    UPDATED_AT = "updated_at"
    UPDATED_AT_DESC = "-updated_at"


@strawberry.enum(description="Sort orders of invoices (REST `ordering`).")
class InvoiceOrdering(enum.Enum):
    PERIOD_START_DESC = "-period_start"
    PERIOD_START = "period_start"


@strawberry.enum(description="Sort orders of lists ordered by creation (REST `ordering`).")
class CreatedOrdering(enum.Enum):
    CREATED_AT_DESC = "-created_at"
    CREATED_AT = "created_at"


# --- Connections

T = TypeVar("T")


@strawberry.type(description="Relay page information.")
class PageInfo:
    has_next_page: bool
    has_previous_page: bool
    start_cursor: str | None
    end_cursor: str | None


def _edge_cursor(root: "Edge") -> str:
    return root.cursors[root.index]


@strawberry.type
class Edge(Generic[T]):
    cursor: str = strawberry.field(
        resolver=_edge_cursor, description="The REST cursor after this row."
    )
    node: T = None
    cursors: strawberry.Private[Sequence[str]] = ()  # the page's (lazy: ``LazyCursors``)
    index: strawberry.Private[int] = 0


@strawberry.type(description="A Relay connection, paged by keyset cursors.")
class Connection(Generic[T]):
    edges: list[Edge[T]]
    page_info: PageInfo
    count: strawberry.Private[Callable[[], int] | None] = None

    @strawberry.field(
        description="Every row matching the filters (top-level lists only; null "
        "in nested connections)."
    )
    def total_count(self) -> int | None:
        return self.count() if self.count is not None else None

    @strawberry.field(description="The nodes of `edges`, without cursors.")
    def nodes(self) -> list[T]:
        return [edge.node for edge in self.edges]


def connection_of(page: ConnectionPage, build: Callable, *, group_rows=None) -> Connection:
    group = RowGroup(page.rows if group_rows is None else group_rows)
    edges = [
        Edge(node=build(row, group), cursors=page.cursors, index=index)
        for index, row in enumerate(page.rows)
    ]
    return Connection(
        edges=edges,
        page_info=PageInfo(
            has_next_page=page.has_next_page,
            has_previous_page=page.has_previous_page,
            start_cursor=page.cursors[0] if page.cursors else None,
            end_cursor=page.cursors[-1] if page.cursors else None,
        ),
        count=page.total_count,
    )


# --- Objects


@strawberry.interface(description="An object with a public prefixed id (`chl_…`, `app_…`, …).")
class Node:
    id: strawberry.ID


@strawberry.type(description="An amount in the currency's minor unit.")
class Money:
    amount: BigInt
    currency: str


FirstArgument = Annotated[
    int | None, strawberry.argument(description="Page size 1-100 (default 10).")
]
AfterArgument = Annotated[
    str | None, strawberry.argument(description="`endCursor` of the previous page.")
]
LastArgument = Annotated[
    int | None, strawberry.argument(description="Page size from the end, 1-100.")
]
BeforeArgument = Annotated[
    str | None, strawberry.argument(description="`startCursor` of the next page.")
]


@strawberry.type(description="A challenge (`chl_…`): a bounty, hackathon, gig or grant.")
class Challenge(Node):
    id: strawberry.ID
    object: str
    livemode: bool
    title: str
    summary: str
    description: str
    category: ChallengeCategory
    tags: list[str]
    skills: list[str]
    reward: Money | None
    deadline: DateTime | None
    location: str | None
    remote: bool
    max_applications: int | None
    application_count: int
    status: ChallengeStatus
    metadata: JSON
    created_at: DateTime
    updated_at: DateTime
    published_at: DateTime | None
    closed_at: DateTime | None
    awarded_at: DateTime | None
    cancelled_at: DateTime | None
    row: strawberry.Private[object] = None
    group: strawberry.Private[RowGroup | None] = None

    @strawberry.field(description="Its applications (needs `applications:read`).")
    def applications(
        self,
        info: strawberry.Info,
        first: FirstArgument = None,
        after: AfterArgument = None,
        last: LastArgument = None,
        before: BeforeArgument = None,
        status: list[ApplicationStatus] | None = None,
        order_by: CreatedOrdering = CreatedOrdering.CREATED_AT_DESC,
    ) -> Connection["Application"] | None:
        from api.v1.applications import APPLICATION_ORDERINGS

        scope_require(info, "applications")
        page = PageArguments(first, after, last, before)
        statuses = [item.value for item in status] if status else None
        batch = nested_batch(
            self.group,
            relation="applications",
            queryset=selectors.application_list(status=statuses),
            ordering=APPLICATION_ORDERINGS[order_by.value],
            page=page,
            key=("applications", page, tuple(statuses or ()), order_by),
        )
        live = info.context.livemode
        return connection_of(
            nested_page(batch, self.row),
            lambda row, _group: application_node(row, batch.group, live),
        )


def challenge_node(row, group: RowGroup, live: bool) -> Challenge:
    rendered = challenge_render(row, live=live)
    reward = rendered.pop("reward")
    return Challenge(
        **{
            **rendered,
            "category": ChallengeCategory(rendered["category"]),
            "status": ChallengeStatus(rendered["status"]),
        },
        reward=Money(**reward) if reward else None,
        row=row,
        group=group,
    )


@strawberry.type
class Applicant:
    name: str
    email: str
    external_id: str | None


@strawberry.type(description="An application (`app_…`) to a challenge.")
class Application(Node):
    id: strawberry.ID
    object: str
    livemode: bool
    challenge_id: strawberry.ID = strawberry.field(description="REST `challenge`.")
    applicant: Applicant
    pitch: str
    links: list[str]
    score: int | None
    status: ApplicationStatus
    metadata: JSON
    created_at: DateTime
    updated_at: DateTime
    row: strawberry.Private[object] = None
    group: strawberry.Private[RowGroup | None] = None

    @strawberry.field(description="The challenge (needs `challenges:read`; REST `expand`).")
    def challenge(self, info: strawberry.Info) -> Challenge | None:
        scope_require(info, "challenges")
        group = related_group(self.group, "challenge", selectors.challenge_queryset())
        return challenge_node(self.row.challenge, group, info.context.livemode)

    @strawberry.field(description="Its messages (needs `messages:read`).")
    def messages(
        self,
        info: strawberry.Info,
        first: FirstArgument = None,
        after: AfterArgument = None,
        last: LastArgument = None,
        before: BeforeArgument = None,
        author: MessageAuthor | None = None,
        order_by: CreatedOrdering = CreatedOrdering.CREATED_AT_DESC,
    ) -> Connection["Message"] | None:
        from api.v1.messages import MESSAGE_ORDERINGS

        scope_require(info, "messages")
        page = PageArguments(first, after, last, before)
        batch = nested_batch(
            self.group,
            relation="messages",
            queryset=selectors.message_list(author=author.value if author else None),
            ordering=MESSAGE_ORDERINGS[order_by.value],
            page=page,
            key=("messages", page, author, order_by),
        )
        live = info.context.livemode
        return connection_of(
            nested_page(batch, self.row), lambda row, _group: message_node(row, batch.group, live)
        )

    @strawberry.field(description="Its review, if any (needs `reviews:read`).")
    def review(self, info: strawberry.Info) -> "Review | None":
        scope_require(info, "reviews")
        group = related_group(self.group, "review", selectors.review_list())
        try:
            review = self.row.review
        except ApplicationModel.review.RelatedObjectDoesNotExist:
            return None
        return review_node(review, group, info.context.livemode) if review else None


def related_group(group: RowGroup, relation: str, queryset) -> RowGroup:
    """The related rows of every row of ``group``, loaded in one query, as a group of their own."""
    related_batch(group, relation=relation, queryset=queryset)

    def collect(rows):
        related = []
        for row in rows:
            try:
                value = getattr(row, relation)
            except ApplicationModel.review.RelatedObjectDoesNotExist:
                continue
            if value is not None:
                related.append(value)
        return RowGroup(related)

    return group.load(("group", relation), collect)


def application_node(row, group: RowGroup, live: bool) -> Application:
    rendered = application_render(row, live=live)
    applicant = rendered.pop("applicant")
    return Application(
        id=rendered["id"],
        object=rendered["object"],
        livemode=rendered["livemode"],
        challenge_id=rendered["challenge"],
        applicant=Applicant(**applicant),
        pitch=rendered["pitch"],
        links=rendered["links"],
        score=rendered["score"],
        status=ApplicationStatus(rendered["status"]),
        metadata=rendered["metadata"],
        created_at=rendered["created_at"],
        updated_at=rendered["updated_at"],
        row=row,
        group=group,
    )


@strawberry.type(description="A message (`msg_…`) on an application.")
class Message(Node):
    id: strawberry.ID
    object: str
    livemode: bool
    application_id: strawberry.ID = strawberry.field(description="REST `application`.")
    author: MessageAuthor
    body: str
    created_at: DateTime
    row: strawberry.Private[object] = None
    group: strawberry.Private[RowGroup | None] = None

    @strawberry.field(description="The application (needs `applications:read`; REST `expand`).")
    def application(self, info: strawberry.Info) -> Application | None:
        scope_require(info, "applications")
        group = related_group(self.group, "application", selectors.application_list())
        return application_node(self.row.application, group, info.context.livemode)


def message_node(row, group: RowGroup, live: bool) -> Message:
    rendered = message_render(row, live=live)
    return Message(
        id=rendered["id"],
        object=rendered["object"],
        livemode=rendered["livemode"],
        application_id=rendered["application"],
        author=MessageAuthor(rendered["author"]),
        body=rendered["body"],
        created_at=rendered["created_at"],
        row=row,
        group=group,
    )


@strawberry.type(description="A review (`rev_…`) of an accepted application.")
class Review(Node):
    id: strawberry.ID
    object: str
    livemode: bool
    application_id: strawberry.ID = strawberry.field(description="REST `application`.")
    rating: int
    comment: str
    created_at: DateTime
    row: strawberry.Private[object] = None
    group: strawberry.Private[RowGroup | None] = None

    @strawberry.field(description="The application (needs `applications:read`; REST `expand`).")
    def application(self, info: strawberry.Info) -> Application | None:
        scope_require(info, "applications")
        group = related_group(self.group, "application", selectors.application_list())
        return application_node(self.row.application, group, info.context.livemode)


def review_node(row, group: RowGroup, live: bool) -> Review:
    rendered = review_render(row, live=live)
    return Review(
        id=rendered["id"],
        object=rendered["object"],
        livemode=rendered["livemode"],
        application_id=rendered["application"],
        rating=rendered["rating"],
        comment=rendered["comment"],
        created_at=rendered["created_at"],
        row=row,
        group=group,
    )


@strawberry.type(description="An event (`evt_…`): one state change, as webhooks deliver it.")
class Event(Node):
    id: strawberry.ID
    object: str
    type: str
    created_at: DateTime
    livemode: bool
    request_id: str | None
    data: JSON = strawberry.field(description='`{"object": …}`: the object as REST renders it.')


def event_node(row, group: RowGroup | None = None, live: bool | None = None) -> Event:
    return Event(**row.as_payload())


@strawberry.type
class WebhookEndpointHealth:
    status: str = strawberry.field(description="healthy, failing or disabled.")
    failing_since: DateTime | None
    last_success_at: DateTime | None
    last_failure_at: DateTime | None


@strawberry.type(description="A webhook endpoint (`we_…`).")
class WebhookEndpoint(Node):
    id: strawberry.ID
    object: str
    url: str
    description: str
    events: list[str]
    enabled: bool
    disabled_reason: str | None
    disabled_at: DateTime | None
    livemode: bool
    health: WebhookEndpointHealth
    created_at: DateTime
    updated_at: DateTime


def webhook_endpoint_node(row, group: RowGroup | None = None, live: bool = True) -> WebhookEndpoint:
    rendered = endpoint_render(row, live=live)
    return WebhookEndpoint(**{**rendered, "health": WebhookEndpointHealth(**rendered["health"])})


@strawberry.type(description="A webhook delivery (`wd_…`): one event to one endpoint.")
class WebhookDelivery(Node):
    id: strawberry.ID
    object: str
    endpoint_id: strawberry.ID = strawberry.field(description="REST `endpoint`.")
    event_id: strawberry.ID = strawberry.field(description="REST `event`.")
    event_type: str
    status: WebhookDeliveryStatus
    attempts: int
    next_attempt_at: DateTime | None
    last_attempt_at: DateTime | None
    last_status_code: int | None
    last_error: str | None
    succeeded_at: DateTime | None
    created_at: DateTime


def webhook_delivery_node(row, group: RowGroup | None = None, live: bool = True) -> WebhookDelivery:
    rendered = delivery_render(row, live=live)
    rendered["endpoint_id"] = rendered.pop("endpoint")
    rendered["event_id"] = rendered.pop("event")
    rendered["status"] = WebhookDeliveryStatus(rendered["status"])
    return WebhookDelivery(**rendered)


@strawberry.type(description="A deleted object.")
class DeletedObject:
    id: strawberry.ID
    object: str
    deleted: bool


# --- me


@strawberry.type
class MeTenant:
    id: str
    name: str
    livemode: bool


@strawberry.type
class MeKey:
    id: str
    name: str
    mode: str
    scopes: list[str]
    display: str
    expires_at: DateTime | None


@strawberry.type
class MePlan:
    code: str
    name: str
    included_calls: BigInt | None
    is_hard_cap: bool


@strawberry.type
class MeLimits:
    rate_per_second: int
    burst: int
    remaining: int
    reset_seconds: int
    is_degraded: bool


@strawberry.type
class MeUsage:
    period_start: DateTime
    period_end: DateTime
    billable_calls: BigInt | None
    included_calls: BigInt | None
    overage_calls: BigInt | None


@strawberry.type(description="The calling key, its tenant, plan, limits and usage (REST /v1/me).")
class Me:
    object: str
    tenant: MeTenant
    key: MeKey
    plan: MePlan
    limits: MeLimits
    usage: MeUsage


def me_node(rendered: dict) -> Me:
    return Me(
        object=rendered["object"],
        tenant=MeTenant(**rendered["tenant"]),
        key=MeKey(**rendered["key"]),
        plan=MePlan(**rendered["plan"]),
        limits=MeLimits(**rendered["limits"]),
        usage=MeUsage(**rendered["usage"]),
    )


# --- billing (the REST objects of /v1/usage, /v1/invoices, /v1/billing/*)


@strawberry.type(description="Calls of a period, a day, a route or a key.")
class UsageCounts:
    calls: BigInt = strawberry.field(description="Every metered call (live and sandbox).")
    billable_calls: BigInt = strawberry.field(description="Live calls that count toward the bill.")
    non_billable_calls: BigInt = strawberry.field(
        description="Live calls not billed: refused (429, 402), a 5xx, or billing's own routes."
    )
    sandbox_calls: BigInt = strawberry.field(description="Test-key calls: never billed.")


@strawberry.type(description="One UTC day of a period's usage.")
class UsageDay(UsageCounts):
    date: str


@strawberry.type(description="One route's usage (the route template).")
class UsageRoute(UsageCounts):
    method: str
    route: str


@strawberry.type(description="One key's usage.")
class UsageKey(UsageCounts):
    key_id: str
    name: str | None
    mode: str


@strawberry.type(description="A billing period's usage from the ledger (REST `GET /v1/usage`).")
class Usage:
    object: str
    livemode: bool
    period: str
    period_start: DateTime
    period_end: DateTime
    totals: UsageCounts
    by_day: list[UsageDay]
    by_route: list[UsageRoute]
    by_route_truncated: bool
    by_key: list[UsageKey]
    by_key_truncated: bool


def usage_node(rendered: dict) -> Usage:
    return Usage(
        **rendered
        | {
            "totals": UsageCounts(**rendered["totals"]),
            "by_day": [UsageDay(**row) for row in rendered["by_day"]],
            "by_route": [UsageRoute(**row) for row in rendered["by_route"]],
            "by_key": [UsageKey(**row) for row in rendered["by_key"]],
        }
    )


@strawberry.type(description="A line of an invoice (amounts in minor units of its currency).")
class InvoiceLine:
    kind: str = strawberry.field(
        description="`base_fee`, `included_calls`, `overage`, `proration`, `credit` or "
        "`adjustment` (accept kinds you do not know)."
    )
    description: str
    quantity: BigInt
    unit_amount: str = strawberry.field(
        description='Minor units per unit, a decimal string (`"0.1"` = $0.001 a call).'
    )
    amount: BigInt
    period_start: DateTime | None
    period_end: DateTime | None


@strawberry.type(description="A credit note (`cn_…`) against an invoice.")
class CreditNote:
    id: strawberry.ID
    number: str
    amount: BigInt
    reason: str
    created_at: DateTime


@strawberry.type(description="An invoice (`inv_…`): one per billing period, as REST.")
class Invoice(Node):
    id: strawberry.ID
    object: str
    number: str | None
    status: str
    kind: str
    plan: str
    period: str
    period_start: DateTime
    period_end: DateTime
    currency: str
    subtotal: BigInt
    total: BigInt
    amount_paid: BigInt
    amount_credited: BigInt
    amount_due: BigInt
    calls_total: BigInt
    calls_billable: BigInt
    lines: list[InvoiceLine]
    credit_notes: list[CreditNote]
    issued_at: DateTime | None
    finalised_at: DateTime | None
    due_at: DateTime | None
    paid_at: DateTime | None
    voided_at: DateTime | None
    payment_attempts: int
    next_payment_attempt_at: DateTime | None
    created_at: DateTime


def invoice_node(row, group: RowGroup | None = None, live: bool = True) -> Invoice:
    from billing.selectors import invoice_as_dict

    rendered = invoice_as_dict(row)
    return Invoice(
        **rendered
        | {
            "lines": [InvoiceLine(**line) for line in rendered["lines"]],
            "credit_notes": [CreditNote(**note) for note in rendered["credit_notes"]],
        }
    )


@strawberry.type(description="A spend cap (`amount` null: none).")
class SpendCap:
    amount: BigInt | None
    kind: str


@strawberry.type(
    description="The organisation's subscription (REST `GET /v1/billing/subscription`)."
)
class BillingSubscription:
    id: strawberry.ID
    object: str
    status: str
    provider: str
    plan: str
    current_period_start: DateTime
    current_period_end: DateTime
    trial_end: DateTime | None
    scheduled_plan: str | None
    cancel_at_period_end: bool
    cancelled_at: DateTime | None
    has_payment_method: bool
    pay_as_you_go: bool
    spend_cap: SpendCap
    budget_amounts: list[BigInt]
    currency: str
    past_due_since: DateTime | None
    restricted_at: DateTime | None
    created_at: DateTime
    updated_at: DateTime


def subscription_node(rendered: dict) -> BillingSubscription:
    return BillingSubscription(**rendered | {"spend_cap": SpendCap(**rendered["spend_cap"])})


@strawberry.type(description="The same usage priced on another public plan.")
class BillingEstimatePlan:
    plan: str
    name: str
    is_current: bool
    cost_so_far: BigInt
    projected_cost: BigInt
    projected_calls_refused: BigInt


@strawberry.type(
    description="The current period's cost so far and projected (REST `GET /v1/billing/estimate`)."
)
class BillingEstimate:
    object: str
    period: str
    period_start: DateTime
    period_end: DateTime
    as_of: DateTime
    currency: str
    plan: str
    included_calls: BigInt | None
    overage_unit_price: str
    calls_so_far: BigInt
    cost_so_far: BigInt
    projected_calls: BigInt
    projected_cost: BigInt
    spend_cap: SpendCap
    plans: list[BillingEstimatePlan]


def estimate_node(rendered: dict) -> BillingEstimate:
    return BillingEstimate(
        **rendered
        | {
            "spend_cap": SpendCap(**rendered["spend_cap"]),
            "plans": [BillingEstimatePlan(**row) for row in rendered["plans"]],
        }
    )
