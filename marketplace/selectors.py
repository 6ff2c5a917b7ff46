"""Reads of marketplace data; they run in whatever tenant schema the connection is set to.

``*_get`` functions are the access-checked fetches, one per entity: they return the object or
raise one ``NotFoundError`` (code ``not_found``), whether the id is malformed, missing or someone
else's — a tenant's schema holds only its own rows, so the last two are the same answer by
construction. ``*_list`` functions return filtered, unevaluated querysets (ordering and pagination
are the caller's, see ``api.v1.pagination``).

``expand=[…]`` (on the fetches and lists of applications, messages and reviews) loads the named
related objects in the same query, a join, so that inlining them never costs a query per row;
``*_EXPANSIONS`` name what each entity can expand. Whoever calls with ``expand`` has checked
that the caller may see those objects (the API checks the scope of each one's family).
"""

from collections.abc import Iterable
from datetime import datetime

from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db.models import F, FloatField, QuerySet
from django.db.models.functions import Cast

from core.errors import NotFoundError
from core.ids import id_is_wellformed
from marketplace.models import SEARCH_CONFIG, Application, Challenge, Message, Review


def challenge_count() -> int:
    return Challenge.objects.count()


def _get(queryset: QuerySet, object_id: str, noun: str):
    missing = NotFoundError(f"No such {noun}: {str(object_id)[:60]!r}.", resource=noun)
    if not id_is_wellformed(object_id):
        raise missing
    try:
        return queryset.get(pk=object_id)
    except queryset.model.DoesNotExist:
        raise missing from None


# Related objects each entity can expand: relation → columns of the related row never loaded.
APPLICATION_EXPANSIONS = {"challenge": ("challenge__search_vector",)}
MESSAGE_EXPANSIONS = {"application": ()}
REVIEW_EXPANSIONS = {"application": ()}


def _expanded(queryset: QuerySet, expand: Iterable[str], expansions: dict) -> QuerySet:
    """``queryset`` joined with the related rows named in ``expand`` (one query, not one per
    row). An unknown name is a programming error: callers validate client input first."""
    for relation in expand:
        if relation not in expansions:
            raise ValueError(f"{queryset.model.__name__} cannot expand {relation!r}")
        queryset = queryset.select_related(relation)
        if expansions[relation]:
            queryset = queryset.defer(*expansions[relation])
    return queryset


def challenge_queryset() -> QuerySet[Challenge]:
    # The search document is for matching only; never load it.
    return Challenge.objects.defer("search_vector")


def challenge_get(*, challenge_id: str, for_update: bool = False) -> Challenge:
    queryset = challenge_queryset()
    if for_update:
        queryset = queryset.select_for_update()
    return _get(queryset, challenge_id, "challenge")


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


def application_get(
    *, application_id: str, for_update: bool = False, expand: Iterable[str] = ()
) -> Application:
    queryset = _expanded(Application.objects.all(), expand, APPLICATION_EXPANSIONS)
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
    expand: Iterable[str] = (),
) -> QuerySet[Application]:
    queryset = _expanded(Application.objects.all(), expand, APPLICATION_EXPANSIONS)
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


def message_get(*, message_id: str, expand: Iterable[str] = ()) -> Message:
    return _get(_expanded(Message.objects.all(), expand, MESSAGE_EXPANSIONS), message_id, "message")


def message_list(
    *, application_id: str | None = None, author: str | None = None, expand: Iterable[str] = ()
) -> QuerySet[Message]:
    queryset = _expanded(Message.objects.all(), expand, MESSAGE_EXPANSIONS)
    if application_id:
        queryset = queryset.filter(application_id=application_id)
    if author:
        queryset = queryset.filter(author=author)
    return queryset


def review_get(*, review_id: str, expand: Iterable[str] = ()) -> Review:
    return _get(_expanded(Review.objects.all(), expand, REVIEW_EXPANSIONS), review_id, "review")


def review_list(
    *,
    application_id: str | None = None,
    challenge_id: str | None = None,
    expand: Iterable[str] = (),
) -> QuerySet[Review]:
    queryset = _expanded(Review.objects.all(), expand, REVIEW_EXPANSIONS)
    if application_id:
        queryset = queryset.filter(application_id=application_id)
    if challenge_id:
        queryset = queryset.filter(application__challenge_id=challenge_id)
    return queryset
