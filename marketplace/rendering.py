"""The public shape of marketplace objects, as plain dicts.

One rendering serves the REST API (its output serializers delegate here and only describe the
shape for OpenAPI), the event outbox (``event.data.object``), webhooks and the WebSocket stream,
so an object looks the same wherever a client meets it. Related objects render as their id;
``expand=[…]`` names the relations to render as the related object instead (the object must have
been fetched with the same ``expand``, see ``marketplace.selectors``, or each costs a query).
"""

from collections.abc import Collection

from django.db import connection

from core.timestamps import timestamp_render
from marketplace.models import Application, Challenge, Message, Review


def livemode() -> bool:
    """Whether the current schema holds live data (``False`` in a sandbox schema)."""
    return not getattr(getattr(connection, "tenant", None), "is_sandbox", False)


def challenge_render(challenge: Challenge, *, live: bool | None = None) -> dict:
    reward = None
    if challenge.reward_amount is not None:
        reward = {"amount": challenge.reward_amount, "currency": challenge.reward_currency}
    return {
        "id": challenge.id,
        "object": "challenge",
        "livemode": livemode() if live is None else live,
        "title": challenge.title,
        "summary": challenge.summary,
        "description": challenge.description,
        "category": challenge.category,
        "tags": list(challenge.tags),
        "skills": list(challenge.skills),
        "reward": reward,
        "deadline": timestamp_render(challenge.deadline),
        "location": challenge.location or None,
        "remote": challenge.is_remote,
        "max_applications": challenge.max_applications,
        "application_count": challenge.application_count,
        "status": challenge.status,
        "metadata": challenge.metadata,
        "created_at": timestamp_render(challenge.created_at),
        "updated_at": timestamp_render(challenge.updated_at),
        "published_at": timestamp_render(challenge.published_at),
        "closed_at": timestamp_render(challenge.closed_at),
        "awarded_at": timestamp_render(challenge.awarded_at),
        "cancelled_at": timestamp_render(challenge.cancelled_at),
    }


def application_render(
    application: Application, *, live: bool | None = None, expand: Collection[str] = ()
) -> dict:
    live = livemode() if live is None else live
    return {
        "id": application.id,
        "object": "application",
        "livemode": live,
        "challenge": (
            challenge_render(application.challenge, live=live)
            if "challenge" in expand
            else application.challenge_id
        ),
        "applicant": {
            "name": application.applicant_name,
            "email": application.applicant_email,
            "external_id": application.applicant_external_id or None,
        },
        "pitch": application.pitch,
        "links": list(application.links),
        "score": application.score,
        "status": application.status,
        "metadata": application.metadata,
        "created_at": timestamp_render(application.created_at),
        "updated_at": timestamp_render(application.updated_at),
    }


def message_render(
    message: Message, *, live: bool | None = None, expand: Collection[str] = ()
) -> dict:
    live = livemode() if live is None else live
    return {
        "id": message.id,
        "object": "message",
        "livemode": live,
        "application": (
            application_render(message.application, live=live)
            if "application" in expand
            else message.application_id
        ),
        "author": message.author,
        "body": message.body,
        "created_at": timestamp_render(message.created_at),
    }


def review_render(
    review: Review, *, live: bool | None = None, expand: Collection[str] = ()
) -> dict:
    live = livemode() if live is None else live
    return {
        "id": review.id,
        "object": "review",
        "livemode": live,
        "application": (
            application_render(review.application, live=live)
            if "application" in expand
            else review.application_id
        ),
        "rating": review.rating,
        "comment": review.comment,
        "created_at": timestamp_render(review.created_at),
    }
