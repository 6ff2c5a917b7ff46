"""Writes of the marketplace: every business rule and state transition lives here.

Each service runs in one transaction that also writes the event outbox (``events.services``), so
a change and its event commit or vanish together. Transitions lock the row they change
(``SELECT … FOR UPDATE``) so concurrent requests serialise instead of racing. Services raise
``core.errors`` domain errors; the API layer turns them into problem responses.

Lifecycles::

    challenge    draft ─publish→ open ─close→ closed ─award→ awarded
                 draft | open | closed ─cancel→ cancelled
    application  submitted ─shortlist→ shortlisted ─accept→ accepted
                 submitted | shortlisted ─reject→ rejected
                 submitted | shortlisted ─withdraw→ withdrawn
"""

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from core.errors import BusinessRuleError, ConflictError, InvalidStateTransitionError
from events.services import event_emit
from marketplace.models import Application, Challenge, Message, Review
from marketplace.rendering import (
    application_render,
    challenge_render,
    message_render,
    review_render,
)
from marketplace.selectors import application_get, challenge_get

CHALLENGE_TRANSITIONS: dict[str, tuple[tuple[str, ...], str]] = {
    # action: (allowed from, to)
    "publish": ((Challenge.Status.DRAFT,), Challenge.Status.OPEN),
    "close": ((Challenge.Status.OPEN,), Challenge.Status.CLOSED),
    "award": ((Challenge.Status.CLOSED,), Challenge.Status.AWARDED),
    "cancel": (
        (Challenge.Status.DRAFT, Challenge.Status.OPEN, Challenge.Status.CLOSED),
        Challenge.Status.CANCELLED,
    ),
}
APPLICATION_TRANSITIONS: dict[str, tuple[tuple[str, ...], str]] = {
    "shortlist": ((Application.Status.SUBMITTED,), Application.Status.SHORTLISTED),
    "accept": ((Application.Status.SHORTLISTED,), Application.Status.ACCEPTED),
    "reject": (
        (Application.Status.SUBMITTED, Application.Status.SHORTLISTED),
        Application.Status.REJECTED,
    ),
    "withdraw": (
        (Application.Status.SUBMITTED, Application.Status.SHORTLISTED),
        Application.Status.WITHDRAWN,
    ),
}
# Fields of a challenge that may change once it is no longer a draft or open.
CHALLENGE_ALWAYS_EDITABLE = frozenset({"metadata"})
CHALLENGE_EDITABLE = frozenset(
    {
        "title", "summary", "description", "category", "tags", "skills", "reward_amount",
        "reward_currency", "deadline", "location", "is_remote", "max_applications", "metadata",
    }
)  # fmt: skip
APPLICATION_EDITABLE = frozenset({"pitch", "links", "score", "metadata"})
# Pitch and links are the applicant's words: frozen once the organisation has acted on them.
APPLICATION_CONTENT = frozenset({"pitch", "links"})


def allowed_actions(transitions: dict, status: str) -> list[str]:
    return [action for action, (sources, _) in transitions.items() if status in sources]


def _check_transition(*, noun: str, transitions: dict, action: str, current: str) -> str:
    sources, target = transitions[action]
    if current not in sources:
        allowed = allowed_actions(transitions, current)
        raise InvalidStateTransitionError(
            f"Cannot {action} a {noun} whose status is {current!r}; "
            + (f"allowed: {', '.join(allowed)}." if allowed else "no transition is allowed."),
            allowed=allowed,
            current_status=current,
        )
    return target


def _normalise_labels(values) -> list[str]:
    """Tags and skills: lowercase, trimmed, unique, order kept (they are whole search lexemes)."""
    seen: dict[str, None] = {}
    for value in values or ():
        label = value.strip().lower()
        if label:
            seen.setdefault(label, None)
    return list(seen)


def _merge_metadata(current: dict, changes: dict) -> dict:
    """Stripe-style: keys are set, a ``None`` (or empty string) value removes the key."""
    merged = dict(current)
    for key, value in changes.items():
        if value is None or value == "":
            merged.pop(key, None)
        else:
            merged[key] = value
    return merged


def _check_deadline(deadline: datetime | None, *, now: datetime) -> None:
    if deadline is not None and deadline <= now:
        raise BusinessRuleError(
            "The deadline must be in the future.", code="deadline_in_past", field="deadline"
        )


# --- Challenges


@transaction.atomic
def challenge_create(
    *,
    title: str,
    summary: str = "",
    description: str = "",
    category: str = Challenge.Category.OTHER,
    tags: list[str] | None = None,
    skills: list[str] | None = None,
    reward_amount: int | None = None,
    reward_currency: str = "",
    deadline: datetime | None = None,
    location: str = "",
    is_remote: bool = False,
    max_applications: int | None = None,
    metadata: dict | None = None,
) -> Challenge:
    """Create a challenge as a draft; it takes applications once published."""
    now = timezone.now()
    _check_deadline(deadline, now=now)
    challenge = Challenge.objects.create(
        title=title,
        summary=summary,
        description=description,
        category=category,
        tags=_normalise_labels(tags),
        skills=_normalise_labels(skills),
        reward_amount=reward_amount,
        reward_currency=(reward_currency or "").lower() if reward_amount is not None else "",
        deadline=deadline,
        location=location,
        is_remote=is_remote,
        max_applications=max_applications,
        metadata=_merge_metadata({}, metadata or {}),
        created_at=now,
        updated_at=now,
    )
    event_emit(type="challenge.created", data=challenge_render(challenge))
    return challenge


@transaction.atomic
def challenge_update(*, challenge_id: str, changes: dict) -> Challenge:
    """Apply a partial update. Drafts and open challenges take any editable field; later only
    ``metadata`` may change."""
    challenge = challenge_get(challenge_id=challenge_id, for_update=True)
    unknown = set(changes) - CHALLENGE_EDITABLE
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    if challenge.status not in (Challenge.Status.DRAFT, Challenge.Status.OPEN):
        frozen = sorted(set(changes) - CHALLENGE_ALWAYS_EDITABLE)
        if frozen:
            raise BusinessRuleError(
                f"A {challenge.status} challenge accepts changes to metadata only, "
                f"not to {', '.join(frozen)}.",
                code="challenge_not_editable",
                fields=frozen,
            )
    now = timezone.now()
    if "deadline" in changes:
        _check_deadline(changes["deadline"], now=now)
    if changes.get("max_applications") is not None and (
        changes["max_applications"] < challenge.application_count
    ):
        raise BusinessRuleError(
            f"max_applications cannot be below the {challenge.application_count} applications "
            "already received.",
            code="max_applications_below_count",
            field="max_applications",
        )
    for field, value in changes.items():
        if field in ("tags", "skills"):
            value = _normalise_labels(value)
        elif field == "metadata":
            value = _merge_metadata(challenge.metadata, value or {})
        elif field == "reward_currency":
            value = (value or "").lower()
        setattr(challenge, field, value)
    if challenge.reward_amount is None:
        challenge.reward_currency = ""
    elif not challenge.reward_currency:
        raise BusinessRuleError(
            "A reward needs a currency.", code="reward_currency_required", field="reward"
        )
    challenge.updated_at = now
    challenge.save()
    event_emit(type="challenge.updated", data=challenge_render(challenge))
    return challenge


@transaction.atomic
def challenge_delete(*, challenge_id: str) -> None:
    """Delete a draft. Published challenges are closed or cancelled instead, never deleted."""
    challenge = challenge_get(challenge_id=challenge_id, for_update=True)
    if challenge.status != Challenge.Status.DRAFT:
        raise InvalidStateTransitionError(
            f"Only draft challenges can be deleted; this one is {challenge.status!r}.",
            allowed=allowed_actions(CHALLENGE_TRANSITIONS, challenge.status),
            current_status=challenge.status,
        )
    data = challenge_render(challenge)
    challenge.delete()
    event_emit(type="challenge.deleted", data=data)


def _challenge_transition(*, challenge_id: str, action: str, check=None) -> Challenge:
    challenge = challenge_get(challenge_id=challenge_id, for_update=True)
    target = _check_transition(
        noun="challenge", transitions=CHALLENGE_TRANSITIONS, action=action, current=challenge.status
    )
    now = timezone.now()
    if check is not None:
        check(challenge, now)
    challenge.status = target
    challenge.updated_at = now
    stamp = {"publish": "published_at", "close": "closed_at", "award": "awarded_at"}.get(
        action, "cancelled_at"
    )
    setattr(challenge, stamp, now)
    challenge.save(update_fields=["status", "updated_at", stamp])
    event_emit(
        type=f"challenge.{target}" if target != "open" else "challenge.published",
        data=challenge_render(challenge),
    )
    return challenge


@transaction.atomic
def challenge_publish(*, challenge_id: str) -> Challenge:
    """Open a draft for applications. Its deadline, if any, must still be ahead."""

    def check(challenge: Challenge, now: datetime) -> None:
        _check_deadline(challenge.deadline, now=now)

    return _challenge_transition(challenge_id=challenge_id, action="publish", check=check)


@transaction.atomic
def challenge_close(*, challenge_id: str) -> Challenge:
    """Stop taking applications."""
    return _challenge_transition(challenge_id=challenge_id, action="close")


@transaction.atomic
def challenge_award(*, challenge_id: str) -> Challenge:
    """Mark a closed challenge awarded; it needs at least one accepted application."""

    def check(challenge: Challenge, now: datetime) -> None:
        accepted = challenge.applications.filter(status=Application.Status.ACCEPTED)
        if not accepted.exists():
            raise BusinessRuleError(
                "A challenge is awarded to accepted applications; accept one first.",
                code="no_accepted_application",
            )

    return _challenge_transition(challenge_id=challenge_id, action="award", check=check)


@transaction.atomic
def challenge_cancel(*, challenge_id: str) -> Challenge:
    return _challenge_transition(challenge_id=challenge_id, action="cancel")


# --- Applications


@transaction.atomic
def application_submit(
    *,
    challenge_id: str,
    applicant_name: str,
    applicant_email: str,
    applicant_external_id: str = "",
    pitch: str = "",
    links: list[str] | None = None,
    metadata: dict | None = None,
) -> Application:
    """Apply to an open challenge before its deadline, within its max applications, once per
    applicant email. The challenge row is locked, so concurrent submissions cannot exceed
    ``max_applications``."""
    challenge = challenge_get(challenge_id=challenge_id, for_update=True)
    now = timezone.now()
    if challenge.status != Challenge.Status.OPEN:
        raise BusinessRuleError(
            f"The challenge is {challenge.status}, not open: it takes no applications.",
            code="challenge_not_open",
        )
    if challenge.deadline is not None and challenge.deadline <= now:
        raise BusinessRuleError(
            "The challenge's deadline has passed.", code="deadline_passed", field="challenge"
        )
    if (
        challenge.max_applications is not None
        and challenge.application_count >= challenge.max_applications
    ):
        raise BusinessRuleError(
            f"The challenge takes at most {challenge.max_applications} applications.",
            code="max_applications_reached",
        )
    applicant_email = applicant_email.strip().lower()
    if challenge.applications.filter(applicant_email=applicant_email).exists():
        raise ConflictError(
            f"{applicant_email} has already applied to this challenge.",
            code="duplicate_application",
        )
    application = Application.objects.create(
        challenge=challenge,
        applicant_name=applicant_name,
        applicant_email=applicant_email,
        applicant_external_id=applicant_external_id,
        pitch=pitch,
        links=list(links or []),
        metadata=_merge_metadata({}, metadata or {}),
        created_at=now,
        updated_at=now,
    )
    challenge.application_count += 1
    challenge.save(update_fields=["application_count"])
    event_emit(type="application.submitted", data=application_render(application))
    return application


@transaction.atomic
def application_update(*, application_id: str, changes: dict) -> Application:
    """Score, metadata, and — while still ``submitted`` — pitch and links."""
    application = application_get(application_id=application_id, for_update=True)
    unknown = set(changes) - APPLICATION_EDITABLE
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    content = sorted(set(changes) & APPLICATION_CONTENT)
    if content and application.status != Application.Status.SUBMITTED:
        raise BusinessRuleError(
            f"An application's {', '.join(content)} can change only while it is submitted; "
            f"this one is {application.status}.",
            code="application_not_editable",
            fields=content,
        )
    for field, value in changes.items():
        if field == "metadata":
            value = _merge_metadata(application.metadata, value or {})
        elif field == "links":
            value = list(value or [])
        setattr(application, field, value)
    application.updated_at = timezone.now()
    application.save()
    event_emit(type="application.updated", data=application_render(application))
    return application


def _application_transition(*, application_id: str, action: str) -> Application:
    application = application_get(application_id=application_id, for_update=True)
    target = _check_transition(
        noun="application",
        transitions=APPLICATION_TRANSITIONS,
        action=action,
        current=application.status,
    )
    if action == "accept":
        challenge = application.challenge
        if challenge.status not in (Challenge.Status.OPEN, Challenge.Status.CLOSED):
            raise BusinessRuleError(
                f"Applications to a {challenge.status} challenge cannot be accepted.",
                code="challenge_not_accepting",
            )
    if action == "withdraw":
        # A withdrawn application frees its place under max_applications.
        challenge = challenge_get(challenge_id=application.challenge_id, for_update=True)
        challenge.application_count = max(challenge.application_count - 1, 0)
        challenge.save(update_fields=["application_count"])
    application.status = target
    application.updated_at = timezone.now()
    application.save(update_fields=["status", "updated_at"])
    event_emit(
        type="application.status_changed",
        data=application_render(application),
    )
    return application


@transaction.atomic
def application_shortlist(*, application_id: str) -> Application:
    return _application_transition(application_id=application_id, action="shortlist")


@transaction.atomic
def application_accept(*, application_id: str) -> Application:
    return _application_transition(application_id=application_id, action="accept")


@transaction.atomic
def application_reject(*, application_id: str) -> Application:
    return _application_transition(application_id=application_id, action="reject")


@transaction.atomic
def application_withdraw(*, application_id: str) -> Application:
    return _application_transition(application_id=application_id, action="withdraw")


# --- Messages and reviews


@transaction.atomic
def message_create(*, application_id: str, author: str, body: str) -> Message:
    """Post a message on an application; a withdrawn application takes no more messages."""
    application = application_get(application_id=application_id)
    if application.status == Application.Status.WITHDRAWN:
        raise BusinessRuleError(
            "The application was withdrawn; it takes no more messages.",
            code="application_withdrawn",
        )
    message = Message.objects.create(application=application, author=author, body=body)
    event_emit(type="message.created", data=message_render(message))
    return message


@transaction.atomic
def review_create(*, application_id: str, rating: int, comment: str = "") -> Review:
    """Review an accepted application, once. The application row is locked so two concurrent
    reviews cannot both pass the check (the unique constraint would stop the second anyway)."""
    application = application_get(application_id=application_id, for_update=True)
    if application.status != Application.Status.ACCEPTED:
        raise BusinessRuleError(
            f"Only accepted applications can be reviewed; this one is {application.status}.",
            code="application_not_accepted",
        )
    if Review.objects.filter(application=application).exists():
        raise ConflictError("This application already has a review.", code="review_exists")
    review = Review.objects.create(application=application, rating=rating, comment=comment)
    event_emit(type="review.created", data=review_render(review))
    return review
