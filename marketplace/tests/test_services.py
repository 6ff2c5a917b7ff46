"""Business rules of marketplace services, against the real tenant schema."""

from datetime import timedelta

import pytest
from django.utils import timezone

from core.context import request_context_bound
from core.errors import (
    BusinessRuleError,
    ConflictError,
    InvalidStateTransitionError,
    NotFoundError,
)
from events.models import Event
from marketplace import services
from marketplace.models import Application, Challenge, Message, Review

pytestmark = pytest.mark.usefixtures("in_tenant")


def _open_challenge(**fields) -> Challenge:
    challenge = services.challenge_create(title="Build a bridge", **fields)
    return services.challenge_publish(challenge_id=challenge.id)


def _submit(challenge: Challenge, email: str = "ada@example.com") -> Application:
    return services.application_submit(
        challenge_id=challenge.id, applicant_name="Ada", applicant_email=email, pitch="I can."
    )


def _event_types() -> list[str]:
    return list(Event.objects.order_by("id").values_list("type", flat=True))


def test_full_lifecycle_writes_one_event_per_change_with_the_rendered_object():
    # given (the request id comes from the request context, as in a request)
    with request_context_bound(request_id="req_test_1"):
        challenge = services.challenge_create(
            title="Fix the login bug",
            tags=["Python", " python", "Django"],
            reward_amount=50000,
            reward_currency="EUR",
            metadata={"team": "core"},
        )
    # when
    services.challenge_publish(challenge_id=challenge.id)
    application = _submit(challenge)
    services.application_shortlist(application_id=application.id)
    services.application_accept(application_id=application.id)
    services.message_create(application_id=application.id, author="organisation", body="Welcome")
    services.review_create(application_id=application.id, rating=5, comment="Great")
    services.challenge_close(challenge_id=challenge.id)
    awarded = services.challenge_award(challenge_id=challenge.id)
    # then
    assert awarded.status == "awarded" and awarded.awarded_at is not None
    assert _event_types() == [
        "challenge.created",
        "challenge.published",
        "application.submitted",
        "application.status_changed",
        "application.status_changed",
        "message.created",
        "review.created",
        "challenge.closed",
        "challenge.awarded",
    ]
    created = Event.objects.get(type="challenge.created")
    assert created.request_id == "req_test_1"
    assert created.livemode is True
    assert created.data["id"] == challenge.id
    assert created.data["tags"] == ["python", "django"]
    assert created.data["reward"] == {"amount": 50000, "currency": "eur"}
    assert created.data["status"] == "draft"
    last = Event.objects.get(type="challenge.awarded").as_payload()
    assert last["data"]["object"]["status"] == "awarded"


def test_sandbox_events_are_not_livemode(in_sandbox):
    services.challenge_create(title="Sandbox")
    assert Event.objects.get().livemode is False


@pytest.mark.parametrize(
    ("steps", "action", "allowed"),
    [
        ([], "close", ["publish", "cancel"]),
        ([], "award", ["publish", "cancel"]),
        (["publish"], "publish", ["close", "cancel"]),
        (["publish", "cancel"], "close", []),
        (["publish", "close"], "publish", ["award", "cancel"]),
    ],
)
def test_illegal_challenge_transition_names_the_allowed_ones(steps, action, allowed):
    # given
    challenge = services.challenge_create(title="T")
    for step in steps:
        getattr(services, f"challenge_{step}")(challenge_id=challenge.id)
    events_before = Event.objects.count()
    # when
    with pytest.raises(InvalidStateTransitionError) as raised:
        getattr(services, f"challenge_{action}")(challenge_id=challenge.id)
    # then
    assert raised.value.status == 409
    assert raised.value.code == "invalid_state_transition"
    assert raised.value.extra["allowed"] == allowed
    assert Event.objects.count() == events_before


def test_illegal_application_transition_names_the_allowed_ones():
    application = _submit(_open_challenge())
    with pytest.raises(InvalidStateTransitionError) as raised:
        services.application_accept(application_id=application.id)
    assert raised.value.extra["allowed"] == ["shortlist", "reject", "withdraw"]
    application.refresh_from_db()
    assert application.status == "submitted"


def test_publishing_needs_a_future_deadline():
    challenge = services.challenge_create(title="T", deadline=timezone.now() + timedelta(hours=1))
    Challenge.objects.filter(pk=challenge.pk).update(deadline=timezone.now() - timedelta(hours=1))
    with pytest.raises(BusinessRuleError) as raised:
        services.challenge_publish(challenge_id=challenge.id)
    assert raised.value.code == "deadline_in_past"
    assert Challenge.objects.get(pk=challenge.pk).status == "draft"


def test_creating_with_a_past_deadline_is_refused_and_writes_nothing():
    with pytest.raises(BusinessRuleError):
        services.challenge_create(title="T", deadline=timezone.now() - timedelta(days=1))
    assert not Challenge.objects.exists() and not Event.objects.exists()


def test_applications_need_an_open_challenge():
    draft = services.challenge_create(title="T")
    with pytest.raises(BusinessRuleError) as raised:
        _submit(draft)
    assert raised.value.code == "challenge_not_open"
    assert not Application.objects.exists()


def test_applications_after_the_deadline_are_refused():
    challenge = _open_challenge(deadline=timezone.now() + timedelta(hours=1))
    Challenge.objects.filter(pk=challenge.pk).update(deadline=timezone.now() - timedelta(seconds=1))
    with pytest.raises(BusinessRuleError) as raised:
        _submit(challenge)
    assert raised.value.code == "deadline_passed"


def test_max_applications_is_enforced_and_a_withdrawal_frees_a_place():
    # given
    challenge = _open_challenge(max_applications=1)
    first = _submit(challenge, "a@example.com")
    # when / then
    with pytest.raises(BusinessRuleError) as raised:
        _submit(challenge, "b@example.com")
    assert raised.value.code == "max_applications_reached"
    assert Event.objects.filter(type="application.submitted").count() == 1
    services.application_withdraw(application_id=first.id)
    _submit(challenge, "b@example.com")
    assert Challenge.objects.get(pk=challenge.pk).application_count == 1


def test_one_application_per_applicant():
    challenge = _open_challenge()
    _submit(challenge, "ada@example.com")
    with pytest.raises(ConflictError) as raised:
        _submit(challenge, "ADA@example.com")
    assert raised.value.code == "duplicate_application"


def test_only_accepted_applications_get_one_review():
    # given
    application = _submit(_open_challenge())
    with pytest.raises(BusinessRuleError) as raised:
        services.review_create(application_id=application.id, rating=4)
    assert raised.value.code == "application_not_accepted"
    services.application_shortlist(application_id=application.id)
    services.application_accept(application_id=application.id)
    services.review_create(application_id=application.id, rating=4)
    # when / then
    with pytest.raises(ConflictError) as raised:
        services.review_create(application_id=application.id, rating=5)
    assert raised.value.code == "review_exists"
    assert Review.objects.count() == 1


def test_award_needs_an_accepted_application():
    challenge = _open_challenge()
    services.challenge_close(challenge_id=challenge.id)
    with pytest.raises(BusinessRuleError) as raised:
        services.challenge_award(challenge_id=challenge.id)
    assert raised.value.code == "no_accepted_application"
    assert Challenge.objects.get(pk=challenge.pk).status == "closed"


def test_closed_challenges_accept_metadata_changes_only():
    challenge = _open_challenge(metadata={"a": "1", "b": "2"})
    services.challenge_close(challenge_id=challenge.id)
    with pytest.raises(BusinessRuleError) as raised:
        services.challenge_update(challenge_id=challenge.id, changes={"title": "New"})
    assert raised.value.code == "challenge_not_editable"
    updated = services.challenge_update(
        challenge_id=challenge.id, changes={"metadata": {"a": None, "c": "3"}}
    )
    assert updated.metadata == {"b": "2", "c": "3"}
    assert Challenge.objects.get(pk=challenge.pk).title == "Build a bridge"


def test_max_applications_cannot_drop_below_received_applications():
    challenge = _open_challenge()
    _submit(challenge, "a@example.com")
    _submit(challenge, "b@example.com")
    with pytest.raises(BusinessRuleError) as raised:
        services.challenge_update(challenge_id=challenge.id, changes={"max_applications": 1})
    assert raised.value.code == "max_applications_below_count"


def test_only_drafts_are_deleted():
    draft = services.challenge_create(title="T")
    services.challenge_delete(challenge_id=draft.id)
    assert not Challenge.objects.filter(pk=draft.pk).exists()
    assert _event_types() == ["challenge.created", "challenge.deleted"]
    published = _open_challenge()
    with pytest.raises(InvalidStateTransitionError):
        services.challenge_delete(challenge_id=published.id)


def test_withdrawn_applications_take_no_messages():
    application = _submit(_open_challenge())
    services.application_withdraw(application_id=application.id)
    with pytest.raises(BusinessRuleError):
        services.message_create(application_id=application.id, author="applicant", body="Hi")
    assert not Message.objects.exists()


def test_pitch_is_frozen_after_shortlisting_but_score_is_not():
    application = _submit(_open_challenge())
    services.application_shortlist(application_id=application.id)
    with pytest.raises(BusinessRuleError):
        services.application_update(application_id=application.id, changes={"pitch": "Other"})
    updated = services.application_update(application_id=application.id, changes={"score": 90})
    assert updated.score == 90 and updated.pitch == "I can."


@pytest.mark.parametrize("object_id", ["chl_missing", "x" * 500, "app_01"])
def test_missing_objects_are_not_found(object_id):
    with pytest.raises(NotFoundError):
        services.challenge_publish(challenge_id=object_id)
    with pytest.raises(NotFoundError):
        services.application_accept(application_id=object_id)
