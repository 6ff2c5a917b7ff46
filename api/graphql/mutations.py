"""The ``Mutation`` root: one field per REST write, each calling the same service.

Input is validated by the REST endpoint's own input serializer (``api.v1.serializers``), so the
same body is refused with the same ``validation_error`` and per-field messages (under
``extensions.errors``, keyed by the REST field names: ``max_applications``, ``applicant``…);
the service then applies the same rules, transitions, row locks and outbox events, and refuses
with the same codes (``invalid_state_transition`` with ``allowed``, ``challenge_not_open``…).
Each field checks its family's write scope before anything is read or written.

A request may hold several mutation fields: they run one after another (GraphQL's rule for
mutations), each in its own transaction, like a non-atomic REST batch; each costs one token.
``Idempotency-Key`` applies to the whole HTTP request (``api.graphql.views``).
"""

import enum

import strawberry
from strawberry.scalars import JSON

from api.graphql.context import scope_require
from api.graphql.pagination import RowGroup
from api.graphql.types import (
    Application,
    BigInt,
    Challenge,
    ChallengeCategory,
    DateTime,
    DeletedObject,
    Message,
    MessageAuthor,
    Review,
    WebhookDelivery,
    WebhookEndpoint,
    application_node,
    challenge_node,
    message_node,
    review_node,
    webhook_delivery_node,
    webhook_endpoint_node,
)
from api.v1 import serializers as io
from api.v1 import webhook_serializers as webhook_io
from marketplace import services
from webhooks import selectors as webhook_selectors
from webhooks.services import attempts, endpoints, fan_out

UNSET = strawberry.UNSET


def rest_body(value) -> object:
    """A GraphQL input as the REST JSON body: unset fields left out, enums as their values,
    nested inputs as objects (field names are the REST ones, snake_case)."""
    if value is UNSET:
        return UNSET
    if isinstance(value, enum.Enum):
        return value.value
    if hasattr(value, "__dataclass_fields__"):
        body = {}
        for name in value.__dataclass_fields__:
            item = rest_body(getattr(value, name))
            if item is not UNSET:
                body[name] = item
        return body
    if isinstance(value, list):
        return [rest_body(item) for item in value]
    return value


def _valid(serializer_class, value) -> object:
    serializer = serializer_class(data=rest_body(value))
    serializer.is_valid(raise_exception=True)
    return serializer


@strawberry.input(description="An amount in the currency's minor unit.")
class MoneyInput:
    amount: BigInt
    currency: str


@strawberry.input(description="REST `POST /v1/challenges` body; creates a draft.")
class ChallengeCreateInput:
    title: str
    summary: str | None = UNSET
    description: str | None = UNSET
    category: ChallengeCategory | None = UNSET
    tags: list[str] | None = UNSET
    skills: list[str] | None = UNSET
    reward: MoneyInput | None = UNSET
    deadline: DateTime | None = UNSET
    location: str | None = UNSET
    remote: bool | None = UNSET
    max_applications: int | None = UNSET
    metadata: JSON | None = UNSET


@strawberry.input(
    description="REST `PATCH /v1/challenges/{id}` body: only the fields given "
    "change; metadata merges (null removes a key)."
)
class ChallengeUpdateInput:
    title: str | None = UNSET
    summary: str | None = UNSET
    description: str | None = UNSET
    category: ChallengeCategory | None = UNSET
    tags: list[str] | None = UNSET
    skills: list[str] | None = UNSET
    reward: MoneyInput | None = UNSET
    deadline: DateTime | None = UNSET
    location: str | None = UNSET
    remote: bool | None = UNSET
    max_applications: int | None = UNSET
    metadata: JSON | None = UNSET


@strawberry.input
class ApplicantInput:
    name: str
    email: str
    external_id: str | None = UNSET


@strawberry.input(description="REST `POST /v1/challenges/{id}/applications` body.")
class ApplicationSubmitInput:
    applicant: ApplicantInput
    pitch: str | None = UNSET
    links: list[str] | None = UNSET
    metadata: JSON | None = UNSET


@strawberry.input(description="REST `PATCH /v1/applications/{id}` body.")
class ApplicationUpdateInput:
    pitch: str | None = UNSET
    links: list[str] | None = UNSET
    score: int | None = UNSET
    metadata: JSON | None = UNSET


@strawberry.input(description="REST `POST /v1/applications/{id}/messages` body.")
class MessageCreateInput:
    author: MessageAuthor
    body: str


@strawberry.input(description="REST `POST /v1/reviews` body.")
class ReviewCreateInput:
    application: strawberry.ID
    rating: int
    comment: str | None = UNSET


@strawberry.input(description="REST `POST /v1/webhook_endpoints` body.")
class WebhookEndpointCreateInput:
    url: str
    events: list[str]
    description: str | None = UNSET
    enabled: bool | None = UNSET


@strawberry.input(description="REST `PATCH /v1/webhook_endpoints/{id}` body.")
class WebhookEndpointUpdateInput:
    url: str | None = UNSET
    events: list[str] | None = UNSET
    description: str | None = UNSET
    enabled: bool | None = UNSET


@strawberry.type(
    description="A created endpoint with its signing secret (shown here and at "
    "`webhookEndpointSecret`)."
)
class WebhookEndpointCreated:
    webhook_endpoint: WebhookEndpoint
    secret: str


@strawberry.type(description="An endpoint's signing secret (REST `…/secret`).")
class WebhookEndpointSecret:
    object: str
    endpoint_id: strawberry.ID
    secret: str
    previous_secret_expires_at: DateTime | None


@strawberry.type(description="Deliveries sent again by `recoverWebhookEndpoint`.")
class WebhookRecovery:
    object: str
    endpoint_id: strawberry.ID
    since: DateTime
    deliveries: int


def _challenge(info, challenge) -> Challenge:
    return challenge_node(challenge, RowGroup([challenge]), info.context.livemode)


def _application(info, application) -> Application:
    return application_node(application, RowGroup([application]), info.context.livemode)


def secret_node(endpoint) -> WebhookEndpointSecret:
    rendered = webhook_io.endpoint_secret_render(endpoint)
    return WebhookEndpointSecret(
        object=rendered["object"],
        endpoint_id=rendered["endpoint"],
        secret=rendered["secret"],
        previous_secret_expires_at=rendered["previous_secret_expires_at"],
    )


def _challenge_action(service, doc: str):
    def resolve(self, info: strawberry.Info, id: strawberry.ID) -> Challenge | None:
        scope_require(info, "challenges", action="write")
        return _challenge(info, service(challenge_id=str(id)))

    return strawberry.mutation(resolver=resolve, description=doc)


def _application_action(service, doc: str):
    def resolve(self, info: strawberry.Info, id: strawberry.ID) -> Application | None:
        scope_require(info, "applications", action="write")
        return _application(info, service(application_id=str(id)))

    return strawberry.mutation(resolver=resolve, description=doc)


@strawberry.type
class Mutation:
    # --- challenges

    @strawberry.mutation(description="Create a draft challenge (needs `challenges:write`).")
    def create_challenge(
        self, info: strawberry.Info, input: ChallengeCreateInput
    ) -> Challenge | None:
        scope_require(info, "challenges", action="write")
        body = _valid(io.ChallengeCreateSerializer, input)
        return _challenge(info, services.challenge_create(**body.service_arguments()))

    @strawberry.mutation(description="Update a challenge (needs `challenges:write`).")
    def update_challenge(
        self, info: strawberry.Info, id: strawberry.ID, input: ChallengeUpdateInput
    ) -> Challenge | None:
        scope_require(info, "challenges", action="write")
        body = _valid(io.ChallengeUpdateSerializer, input)
        return _challenge(
            info,
            services.challenge_update(challenge_id=str(id), changes=body.service_arguments()),
        )

    @strawberry.mutation(description="Delete a draft challenge (needs `challenges:write`).")
    def delete_challenge(self, info: strawberry.Info, id: strawberry.ID) -> DeletedObject | None:
        scope_require(info, "challenges", action="write")
        services.challenge_delete(challenge_id=str(id))
        return DeletedObject(id=id, object="challenge", deleted=True)

    publish_challenge = _challenge_action(
        services.challenge_publish, "`draft` → `open` (needs `challenges:write`)."
    )
    close_challenge = _challenge_action(
        services.challenge_close, "`open` → `closed` (needs `challenges:write`)."
    )
    award_challenge = _challenge_action(
        services.challenge_award,
        "`closed` → `awarded`; an application must be accepted (needs `challenges:write`).",
    )
    cancel_challenge = _challenge_action(
        services.challenge_cancel,
        "`draft`, `open` or `closed` → `cancelled` (needs `challenges:write`).",
    )

    # --- applications

    @strawberry.mutation(
        description="Submit an application to an open challenge (needs `applications:write`)."
    )
    def submit_application(
        self, info: strawberry.Info, challenge: strawberry.ID, input: ApplicationSubmitInput
    ) -> Application | None:
        scope_require(info, "applications", action="write")
        body = _valid(io.ApplicationCreateSerializer, input)
        return _application(
            info,
            services.application_submit(challenge_id=str(challenge), **body.service_arguments()),
        )

    @strawberry.mutation(description="Update an application (needs `applications:write`).")
    def update_application(
        self, info: strawberry.Info, id: strawberry.ID, input: ApplicationUpdateInput
    ) -> Application | None:
        scope_require(info, "applications", action="write")
        body = _valid(io.ApplicationUpdateSerializer, input)
        return _application(
            info,
            services.application_update(application_id=str(id), changes=dict(body.validated_data)),
        )

    shortlist_application = _application_action(
        services.application_shortlist, "`submitted` → `shortlisted`."
    )
    accept_application = _application_action(
        services.application_accept, "`submitted` or `shortlisted` → `accepted`."
    )
    reject_application = _application_action(
        services.application_reject, "`submitted` or `shortlisted` → `rejected`."
    )
    withdraw_application = _application_action(
        services.application_withdraw, "`submitted` or `shortlisted` → `withdrawn`."
    )

    # --- messages and reviews

    @strawberry.mutation(description="Post a message on an application (needs `messages:write`).")
    def create_message(
        self, info: strawberry.Info, application: strawberry.ID, input: MessageCreateInput
    ) -> Message | None:
        scope_require(info, "messages", action="write")
        body = _valid(io.MessageCreateSerializer, input)
        message = services.message_create(application_id=str(application), **body.validated_data)
        return message_node(message, RowGroup([message]), info.context.livemode)

    @strawberry.mutation(description="Review an accepted application (needs `reviews:write`).")
    def create_review(self, info: strawberry.Info, input: ReviewCreateInput) -> Review | None:
        scope_require(info, "reviews", action="write")
        data = _valid(io.ReviewCreateSerializer, input).validated_data
        review = services.review_create(
            application_id=data["application"],
            rating=data["rating"],
            comment=data.get("comment", ""),
        )
        return review_node(review, RowGroup([review]), info.context.livemode)

    # --- webhooks

    @strawberry.mutation(description="Create a webhook endpoint (needs `webhooks:write`).")
    def create_webhook_endpoint(
        self, info: strawberry.Info, input: WebhookEndpointCreateInput
    ) -> WebhookEndpointCreated | None:
        scope_require(info, "webhooks", action="write")
        data = _valid(webhook_io.WebhookEndpointCreateSerializer, input).validated_data
        endpoint = endpoints.webhook_endpoint_create(
            url=data["url"],
            description=data["description"],
            event_types=data["events"],
            is_enabled=data["enabled"],
        )
        return WebhookEndpointCreated(
            webhook_endpoint=webhook_endpoint_node(endpoint, live=info.context.livemode),
            secret=endpoint.secret,
        )

    @strawberry.mutation(description="Update a webhook endpoint (needs `webhooks:write`).")
    def update_webhook_endpoint(
        self, info: strawberry.Info, id: strawberry.ID, input: WebhookEndpointUpdateInput
    ) -> WebhookEndpoint | None:
        scope_require(info, "webhooks", action="write")
        endpoint = webhook_selectors.webhook_endpoint_get(endpoint_id=str(id))
        data = _valid(webhook_io.WebhookEndpointUpdateSerializer, input).validated_data
        endpoint = endpoints.webhook_endpoint_update(
            endpoint=endpoint,
            url=data.get("url"),
            description=data.get("description"),
            event_types=data.get("events"),
            is_enabled=data.get("enabled"),
        )
        return webhook_endpoint_node(endpoint, live=info.context.livemode)

    @strawberry.mutation(description="Delete a webhook endpoint (needs `webhooks:write`).")
    def delete_webhook_endpoint(
        self, info: strawberry.Info, id: strawberry.ID
    ) -> DeletedObject | None:
        scope_require(info, "webhooks", action="write")
        endpoint = webhook_selectors.webhook_endpoint_get(endpoint_id=str(id))
        endpoints.webhook_endpoint_delete(endpoint=endpoint)
        return DeletedObject(id=id, object="webhook_endpoint", deleted=True)

    @strawberry.mutation(
        description="Issue a new signing secret; the old one signs alongside "
        "for 24 h (needs `webhooks:write`)."
    )
    def rotate_webhook_endpoint_secret(
        self, info: strawberry.Info, id: strawberry.ID
    ) -> WebhookEndpointSecret | None:
        scope_require(info, "webhooks", action="write")
        endpoint = webhook_selectors.webhook_endpoint_get(endpoint_id=str(id))
        return secret_node(endpoints.webhook_endpoint_rotate_secret(endpoint=endpoint))

    @strawberry.mutation(
        description="Deliver a `ping` event to this endpoint only (needs `webhooks:write`)."
    )
    def test_webhook_endpoint(
        self, info: strawberry.Info, id: strawberry.ID
    ) -> WebhookDelivery | None:
        scope_require(info, "webhooks", action="write")
        endpoint = webhook_selectors.webhook_endpoint_get(endpoint_id=str(id))
        delivery = fan_out.webhook_endpoint_test(endpoint=endpoint)
        delivery = webhook_selectors.webhook_delivery_get(delivery_id=delivery.id)
        return webhook_delivery_node(delivery, live=info.context.livemode)

    @strawberry.mutation(
        description="Send again every failed or exhausted delivery created "
        "since `since` (needs `webhooks:write`)."
    )
    def recover_webhook_endpoint(
        self, info: strawberry.Info, id: strawberry.ID, since: DateTime
    ) -> WebhookRecovery | None:
        scope_require(info, "webhooks", action="write")
        endpoint = webhook_selectors.webhook_endpoint_get(endpoint_id=str(id))
        data = _valid(webhook_io.WebhookEndpointRecoverSerializer, {"since": since}).validated_data
        count = endpoints.webhook_endpoint_recover(endpoint=endpoint, since=data["since"])
        rendered = webhook_io.recovery_render(endpoint, since=data["since"], deliveries=count)
        return WebhookRecovery(
            object=rendered["object"],
            endpoint_id=rendered["endpoint"],
            since=rendered["since"],
            deliveries=rendered["deliveries"],
        )

    @strawberry.mutation(description="Attempt a delivery again now (needs `webhooks:write`).")
    def retry_webhook_delivery(
        self, info: strawberry.Info, id: strawberry.ID
    ) -> WebhookDelivery | None:
        scope_require(info, "webhooks", action="write")
        delivery = webhook_selectors.webhook_delivery_get(delivery_id=str(id))
        attempts.webhook_delivery_retry(delivery=delivery)
        delivery = webhook_selectors.webhook_delivery_get(delivery_id=str(id))
        return webhook_delivery_node(delivery, live=info.context.livemode)
