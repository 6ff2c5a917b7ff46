"""Reads of marketplace data; they run in whatever tenant schema the connection is set to.

``*_get`` functions are the access-checked fetches: they return the object or raise one
``NotFoundError``. A tenant's schema holds only its own rows, so "missing" and "someone else's"
are the same answer by construction. ``*_list`` functions return filtered, unevaluated querysets
(ordering and pagination are the caller's, see ``api.v1.pagination``).
"""

import re
from collections.abc import Iterable
from datetime import datetime

from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db.models import F, FloatField, QuerySet
from django.db.models.functions import Cast

from core.errors import NotFoundError
from marketplace.models import SEARCH_CONFIG, Application, Challenge, Message, Review


def challenge_count() -> int:
    return Challenge.objects.count()


# Every id the platform issues looks like this; anything else cannot exist, and is answered
# without a query (an id with a NUL character would even make PostgreSQL raise).
ID_PATTERN = re.compile(r"^[a-z]{2,4}_[0-9A-Za-z]{1,34}$")


def is_plausible_id(object_id) -> bool:
    return isinstance(object_id, str) and ID_PATTERN.match(object_id) is not None


def _get(queryset: QuerySet, object_id: str, noun: str):
    if not is_plausible_id(object_id):
        raise NotFoundError(f"No such {noun}: {str(object_id)[:60]!r}.", resource=noun)
    try:
        return queryset.get(pk=object_id)
    except queryset.model.DoesNotExist:
        raise NotFoundError(f"No such {noun}: {object_id!r}.", resource=noun) from None


def challenge_queryset() -> QuerySet[Challenge]:
    # The search document is for matching only; never load it.
    return Challenge.objects.defer("search_vector")


def challenge_get(*, challenge_id: str, for_update: bool = False) -> Challenge:
    queryset = challenge_queryset()
    if for_update:
        queryset = queryset.select_for_update()
    return _get(queryset, challenge_id, "challenge")


def challenge_exists_or_404(*, challenge_id: str) -> None:
    if not (is_plausible_id(challenge_id) and Challenge.objects.filter(pk=challenge_id).exists()):
        raise NotFoundError(f"No such challenge: {str(challenge_id)[:60]!r}.", resource="challenge")


def _range(queryset: QuerySet, field: str, bounds: dict | None) -> QuerySet:
    """``bounds`` like ``{"gte": 100, "lt": 500}`` → ``field__gte=100, field__lt=500``."""
    for operator, value in (bounds or {}).items():
        queryset = queryset.filter(**{f"{field}__{operator}": value})
    return queryset


def challenge_list(
    *,
    status: Iterable[str] | None = None,
    category: Iterable[str] | None = None,
    tags: Iterable[str] | None = None,
    skills: Iterable[str] | None = None,
    currency: str | None = None,
    remote: bool | None = None,
    reward_amount: dict | None = None,
    deadline: dict[str, datetime] | None = None,
    created_at: dict[str, datetime] | None = None,
    metadata: dict[str, str] | None = None,
    search: str | None = None,
) -> QuerySet[Challenge]:
    """Challenges matching every given filter. ``tags``/``skills``: the challenge has all of them.
    ``search`` (PostgreSQL full-text, web-search syntax) also annotates ``rank``."""
    queryset = challenge_queryset()
    if status:
        queryset = queryset.filter(status__in=list(status))
    if category:
        queryset = queryset.filter(category__in=list(category))
    if tags:
        queryset = queryset.filter(tags__contains=list(tags))
    if skills:
        queryset = queryset.filter(skills__contains=list(skills))
    if currency:
        queryset = queryset.filter(reward_currency=currency)
    if remote is not None:
        queryset = queryset.filter(is_remote=remote)
    if metadata:
        queryset = queryset.filter(metadata__contains=metadata)
    queryset = _range(queryset, "reward_amount", reward_amount)
    queryset = _range(queryset, "deadline", deadline)
    queryset = _range(queryset, "created_at", created_at)
    if search:
        query = SearchQuery(search, search_type="websearch", config=SEARCH_CONFIG)
        # ts_rank is a float4; as float8 its exact value survives a round trip through a cursor.
        queryset = queryset.filter(search_vector=query).annotate(
            rank=Cast(SearchRank(F("search_vector"), query), FloatField())
        )
    return queryset


def application_get(*, application_id: str, for_update: bool = False) -> Application:
    queryset = Application.objects.all()
    if for_update:
        queryset = queryset.select_for_update()
    return _get(queryset, application_id, "application")


def application_list(
    *,
    challenge_id: str | None = None,
    status: Iterable[str] | None = None,
    applicant_email: str | None = None,
    applicant_external_id: str | None = None,
    created_at: dict[str, datetime] | None = None,
    metadata: dict[str, str] | None = None,
) -> QuerySet[Application]:
    queryset = Application.objects.all()
    if challenge_id:
        queryset = queryset.filter(challenge_id=challenge_id)
    if status:
        queryset = queryset.filter(status__in=list(status))
    if applicant_email:
        queryset = queryset.filter(applicant_email__iexact=applicant_email)
    if applicant_external_id:
        queryset = queryset.filter(applicant_external_id=applicant_external_id)
    if metadata:
        queryset = queryset.filter(metadata__contains=metadata)
    return _range(queryset, "created_at", created_at)


def message_get(*, message_id: str) -> Message:
    return _get(Message.objects.all(), message_id, "message")


def message_list(
    *, application_id: str | None = None, author: str | None = None
) -> QuerySet[Message]:
    queryset = Message.objects.all()
    if application_id:
        queryset = queryset.filter(application_id=application_id)
    if author:
        queryset = queryset.filter(author=author)
    return queryset


def review_get(*, review_id: str) -> Review:
    return _get(Review.objects.all(), review_id, "review")


def review_list(
    *, application_id: str | None = None, challenge_id: str | None = None
) -> QuerySet[Review]:
    queryset = Review.objects.all()
    if application_id:
        queryset = queryset.filter(application_id=application_id)
    if challenge_id:
        queryset = queryset.filter(application__challenge_id=challenge_id)
    return queryset
