"""The marketplace's content, stored in each tenant's own schema (live and sandbox).

Challenges are posted by the tenant's organisation; applications are sent to them; messages are
exchanged on an application; a review closes an accepted application. State changes go through
``marketplace.services`` only (which also writes the event outbox); nothing here enforces rules.

Ids are prefixed, time-sortable strings (``core.ids``), so ``-id`` is "newest first" and
cursor pagination can key on the primary key alone.
"""

from datetime import UTC, datetime
from functools import partial

from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import (
    SearchConfig,
    SearchVector,
    SearchVectorCombinable,
    SearchVectorField,
)
from django.db import models
from django.db.models import F, Func, Q, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from core.ids import new_id

SEARCH_CONFIG = "english"


class _WeightedJsonStrings(SearchVectorCombinable, Func):
    """``setweight(to_tsvector('english', <jsonb>), <weight>)``: the strings of a JSON list.

    A generated column needs IMMUTABLE functions: ``to_tsvector(regconfig, jsonb)`` is, while
    every way of turning a ``text[]`` into text (``array_to_string``, casts) is only STABLE —
    which is why tags and skills are stored as JSON lists rather than arrays.
    """

    function = "setweight"
    output_field = SearchVectorField()

    def __init__(self, field: str, weight: str):
        document = Func(SearchConfig(SEARCH_CONFIG), F(field), function="to_tsvector")
        super().__init__(document, Value(weight))


def _search_document():
    """The weighted search document of a challenge: title (A), tags, skills and summary (B),
    description and category (C). Kept by PostgreSQL as a stored generated column, so every
    write path (services, bulk loads) keeps it current without triggers."""
    return (
        SearchVector("title", weight="A", config=SEARCH_CONFIG)
        + _WeightedJsonStrings("tags", "B")
        + _WeightedJsonStrings("skills", "B")
        + SearchVector("summary", weight="B", config=SEARCH_CONFIG)
        + SearchVector("description", "category", weight="C", config=SEARCH_CONFIG)
    )


# Sort keys of nullable columns for keyset pagination (api.v1.pagination), and the expression
# indexes that serve them: a missing deadline or reward sorts as the largest value.
NO_DEADLINE = datetime(9999, 12, 31, tzinfo=UTC)
NO_REWARD = 2**63 - 1
DEADLINE_SORT_KEY = Coalesce(F("deadline"), Value(NO_DEADLINE), output_field=models.DateTimeField())
REWARD_SORT_KEY = Coalesce(
    F("reward_amount"), Value(NO_REWARD), output_field=models.BigIntegerField()
)


class Challenge(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        OPEN = "open", "Open"
        CLOSED = "closed", "Closed"
        AWARDED = "awarded", "Awarded"
        CANCELLED = "cancelled", "Cancelled"

    class Category(models.TextChoices):
        BOUNTY = "bounty", "Bounty"
        HACKATHON = "hackathon", "Hackathon"
        GIG = "gig", "Gig"
        GRANT = "grant", "Grant"
        OTHER = "other", "Other"

    id = models.CharField(primary_key=True, max_length=40, default=partial(new_id, "chl"))
    title = models.CharField(max_length=200)
    summary = models.CharField(max_length=500, blank=True)
    description = models.TextField(blank=True)
    category = models.CharField(max_length=20, choices=Category.choices, default=Category.OTHER)
    # JSON lists of lowercase strings (see _WeightedJsonStrings); filtered with @> containment.
    tags = models.JSONField(default=list, blank=True)
    skills = models.JSONField(default=list, blank=True)
    # Minor units (cents) and a lowercase ISO 4217 code; both null when there is no reward.
    reward_amount = models.BigIntegerField(null=True, blank=True)
    reward_currency = models.CharField(max_length=3, blank=True)
    deadline = models.DateTimeField(null=True, blank=True)
    location = models.CharField(max_length=200, blank=True)
    is_remote = models.BooleanField(default=False)
    max_applications = models.PositiveIntegerField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    metadata = models.JSONField(default=dict, blank=True)
    # Kept by services under the challenge's row lock; max_applications is checked against it.
    application_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    published_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    awarded_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    search_vector = models.GeneratedField(
        expression=_search_document(), output_field=SearchVectorField(), db_persist=True
    )

    class Meta:
        ordering = ["-id"]
        indexes = [
            GinIndex(fields=["search_vector"], name="challenge_search_gin"),
            GinIndex(fields=["tags"], name="challenge_tags_gin", opclasses=["jsonb_path_ops"]),
            GinIndex(fields=["skills"], name="challenge_skills_gin", opclasses=["jsonb_path_ops"]),
            GinIndex(
                fields=["metadata"], name="challenge_metadata_gin", opclasses=["jsonb_path_ops"]
            ),
            # Keyset pagination: (sort key, id) for every ordering in the API's allow-list.
            models.Index(fields=["status", "id"], name="challenge_status_id"),
            models.Index(DEADLINE_SORT_KEY, F("id"), name="challenge_deadline_id"),
            models.Index(REWARD_SORT_KEY, F("id"), name="challenge_reward_id"),
            models.Index(fields=["updated_at", "id"], name="challenge_updated_id"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(reward_amount__isnull=True) | Q(reward_amount__gte=0),
                name="challenge_reward_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.id} {self.title}"


class Application(models.Model):
    class Status(models.TextChoices):
        SUBMITTED = "submitted", "Submitted"
        SHORTLISTED = "shortlisted", "Shortlisted"
        ACCEPTED = "accepted", "Accepted"
        REJECTED = "rejected", "Rejected"
        WITHDRAWN = "withdrawn", "Withdrawn"

    id = models.CharField(primary_key=True, max_length=40, default=partial(new_id, "app"))
    challenge = models.ForeignKey(Challenge, on_delete=models.PROTECT, related_name="applications")
    applicant_name = models.CharField(max_length=200)
    applicant_email = models.EmailField()
    applicant_external_id = models.CharField(max_length=200, blank=True)
    pitch = models.TextField(blank=True)
    links = ArrayField(models.URLField(max_length=500), default=list, blank=True)
    score = models.PositiveSmallIntegerField(null=True, blank=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.SUBMITTED)
    metadata = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["challenge", "id"], name="application_challenge_id"),
            models.Index(fields=["status", "id"], name="application_status_id"),
        ]
        constraints = [
            # One application per person and challenge.
            models.UniqueConstraint(
                fields=["challenge", "applicant_email"], name="application_one_per_applicant"
            ),
            models.CheckConstraint(
                condition=Q(score__isnull=True) | Q(score__lte=100), name="application_score_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.id} {self.applicant_email}"


class Message(models.Model):
    class Author(models.TextChoices):
        ORGANISATION = "organisation", "Organisation"
        APPLICANT = "applicant", "Applicant"

    id = models.CharField(primary_key=True, max_length=40, default=partial(new_id, "msg"))
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="messages")
    author = models.CharField(max_length=12, choices=Author.choices)
    body = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-id"]
        indexes = [models.Index(fields=["application", "id"], name="message_application_id")]

    def __str__(self) -> str:
        return self.id


class Review(models.Model):
    id = models.CharField(primary_key=True, max_length=40, default=partial(new_id, "rev"))
    # One review per application, enforced by the database as well as by the service.
    application = models.OneToOneField(Application, on_delete=models.CASCADE, related_name="review")
    rating = models.PositiveSmallIntegerField()
    comment = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(rating__gte=1) & Q(rating__lte=5), name="review_rating_range"
            ),
        ]

    def __str__(self) -> str:
        return self.id
