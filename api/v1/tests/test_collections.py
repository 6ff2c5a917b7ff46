"""Lists: cursor and offset pagination, filters, ordering, fields, expand and search."""

from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from api.v1.challenges import CHALLENGE_ORDERINGS, SEARCH_RANK
from api.v1.pagination import _after, cursor_decode, paginate
from api.v1.tests.support import problem
from marketplace import selectors, services


@pytest.fixture
def challenges(tenant, in_schema):
    """25 challenges created directly through services (fast), newest last."""
    in_schema(tenant)
    created = []
    for index in range(25):
        created.append(
            services.challenge_create(
                title=f"Challenge {index}",
                category="bounty" if index % 2 else "grant",
                tags=["even" if index % 2 == 0 else "odd", "all"],
                skills=["python"] if index % 3 == 0 else ["go"],
                reward_amount=None if index % 5 == 0 else index * 100,
                reward_currency="" if index % 5 == 0 else "usd",
                metadata={"batch": "b" if index < 10 else "c"},
            )
        )
    connection.set_schema_to_public()
    return created


def _walk(api, **params):
    """Every page of a list by following next_cursor; returns the ids in order."""
    ids, cursor, pages = [], None, 0
    while True:
        query = dict(params, **({"cursor": cursor} if cursor else {}))
        body = api.get("/v1/challenges", **query).json()
        ids += [item["id"] for item in body["data"]]
        pages += 1
        if not body["has_more"]:
            assert body["next_cursor"] is None
            return ids, pages
        cursor = body["next_cursor"]


def test_cursor_pagination_walks_everything_once_newest_first(api, challenges):
    ids, pages = _walk(api, limit=7)
    assert ids == [c.id for c in reversed(challenges)]
    assert pages == 4


@pytest.mark.parametrize(
    ("ordering", "key"),
    [
        ("created_at", lambda c: c.id),
        ("reward_amount", lambda c: (c.reward_amount is None, c.reward_amount or 0, c.id)),
        ("-reward_amount", None),
        ("-updated_at", lambda c: (c.updated_at, c.id)),
    ],
)
def test_cursor_pagination_in_every_allowed_ordering(api, challenges, ordering, key):
    ids, _ = _walk(api, limit=4, ordering=ordering)
    expected = sorted(challenges, key=key) if key else []
    if ordering == "-updated_at":
        expected = list(reversed(expected))
    if ordering == "-reward_amount":
        # no reward sorts as the largest: first when descending; ties broken by id descending
        without = sorted((c for c in challenges if c.reward_amount is None), key=lambda c: c.id)
        with_reward = sorted(
            (c for c in challenges if c.reward_amount is not None),
            key=lambda c: (c.reward_amount, c.id),
        )
        expected = list(reversed(with_reward + without))
    assert ids == [c.id for c in expected]


def test_offset_pagination_gives_total(api, challenges):
    body = api.get("/v1/challenges", offset=20, limit=10).json()
    assert body["total"] == 25
    assert len(body["data"]) == 5 and body["has_more"] is False
    assert body["next_cursor"] is None


@pytest.mark.parametrize(
    "params",
    [
        {"limit": 101},
        {"limit": 0},
        {"limit": "ten"},
        {"offset": -1},
        {"offset": 0, "cursor": "x"},
        {"ordering": "title; drop table"},
        {"status": "open,unknown"},
        {"reward_amount[gte]": "cheap"},
        {"created_at[gte]": "yesterday"},
        {"colour": "blue"},
        {"fields": "id,secret"},
        {"metadata[batch]": "b" * 501},
        {"search": "x" * 201},
        {"tags": "t" * 51},
        {"status": "\x01open"},
        {"search": "rust\x85"},
        {"metadata[batch]": "b\x7f"},
    ],
)
def test_bad_query_parameters_are_400(api, challenges, params):
    problem(api.get("/v1/challenges", **params), 400, "validation_error")


@pytest.mark.parametrize("cursor", ["garbage", "eyJvIjoiLWNyZWF0ZWRfYXQiLCJ2IjpbMV19"])
def test_cursors_we_did_not_issue_are_400_invalid_cursor(api, challenges, cursor):
    # Forged cursors of every kind: api/v1/tests/test_cursors.py.
    problem(api.get("/v1/challenges", cursor=cursor), 400, "invalid_cursor")


def test_a_cursor_of_another_ordering_is_refused(api, challenges):
    cursor = api.get("/v1/challenges", limit=2).json()["next_cursor"]
    problem(
        api.get("/v1/challenges", cursor=cursor, ordering="reward_amount"), 400, "invalid_cursor"
    )


def test_filters(api, challenges):
    def ids(**params):
        return {
            item["id"] for item in api.get("/v1/challenges", limit=100, **params).json()["data"]
        }

    by_index = {index: c.id for index, c in enumerate(challenges)}
    assert ids(category="bounty") == {by_index[i] for i in range(25) if i % 2}
    assert ids(tags="even,all") == {by_index[i] for i in range(25) if i % 2 == 0}
    assert ids(skills="python") == {by_index[i] for i in range(25) if i % 3 == 0}
    assert ids(**{"reward_amount[gte]": 1000, "reward_amount[lt]": 1500}) == {
        by_index[i] for i in (11, 12, 13, 14)
    }
    assert ids(**{"metadata[batch]": "b"}) == {by_index[i] for i in range(10)}
    assert ids(status="draft") == set(by_index.values())
    assert ids(status="open,closed") == set()
    future = (datetime.now(UTC) + timedelta(days=1)).isoformat()
    assert ids(**{"created_at[gte]": future}) == set()
    assert ids(currency="USD") == {by_index[i] for i in range(25) if i % 5}


def test_fields_selects_fields(api, challenges):
    item = api.get("/v1/challenges", fields="title,status", limit=1).json()["data"][0]
    assert set(item) == {"id", "object", "title", "status"}


def test_search_ranks_and_paginates(api, tenant, in_schema):
    # given
    in_schema(tenant)
    best = services.challenge_create(title="Rust compiler", tags=["rust"], description="rust")
    good = services.challenge_create(title="Compiler", description="Written in Rust.")
    services.challenge_create(title="Python", description="Nothing relevant.")
    connection.set_schema_to_public()
    # when
    first = api.get("/v1/challenges", search="rust", limit=1).json()
    second = api.get("/v1/challenges", search="rust", limit=1, cursor=first["next_cursor"]).json()
    # then
    assert [item["id"] for item in first["data"]] == [best.id]
    assert [item["id"] for item in second["data"]] == [good.id]
    assert second["has_more"] is False
    by_date = api.get("/v1/challenges", search="rust", ordering="created_at").json()["data"]
    assert [item["id"] for item in by_date] == [best.id, good.id]


def _list_queries(api, path, **params) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = api.get(path, **params)
    assert response.status_code == 200, response.content
    return len(queries)


@pytest.mark.parametrize(
    ("path", "params"),
    [
        ("/v1/challenges", {}),
        ("/v1/challenges", {"search": "challenge", "tags": "all"}),
        ("/v1/applications", {"expand": "challenge"}),
        ("/v1/messages", {"expand": "application"}),
        ("/v1/reviews", {"expand": "application"}),
        ("/v1/events", {}),
        ("/v1/challenges", {"offset": 0}),
    ],
)
def test_list_query_counts_stay_flat_as_rows_grow(
    api, tenant, in_schema, django_assert_num_queries, path, params
):
    def grow(count):
        in_schema(tenant)
        for _ in range(count):
            challenge = services.challenge_create(title="Challenge x", tags=["all"])
            services.challenge_publish(challenge_id=challenge.id)
            application = services.application_submit(
                challenge_id=challenge.id, applicant_name="A", applicant_email="a@example.com"
            )
            services.message_create(application_id=application.id, author="applicant", body="x")
            services.application_shortlist(application_id=application.id)
            services.application_accept(application_id=application.id)
            services.review_create(application_id=application.id, rating=5)
        connection.set_schema_to_public()

    # given
    grow(2)
    _list_queries(api, path, limit=100, **params)  # warm: key lookup and the like are cached
    few = _list_queries(api, path, limit=100, **params)
    # when
    grow(20)
    # then
    with django_assert_num_queries(few):
        response = api.get(path, limit=100, **params)
    assert len(response.json()["data"]) >= 20


def test_challenge_nested_list_of_a_missing_challenge_is_404(api):
    body = problem(api.get("/v1/challenges/chl_missing/applications"), 404)
    assert body["resource"] == "challenge"  # the nested list checks the challenge first


@pytest.mark.parametrize("ordering_name", [*CHALLENGE_ORDERINGS, "relevance"])
def test_every_ordering_pages_by_an_index_without_sorting(tenant, in_schema, ordering_name):
    """The keyset condition and ORDER BY of each allow-listed ordering match an index, so a page
    is an index range scan stopped by LIMIT, whatever its depth (bench/api.py measures it)."""
    # given
    in_schema(tenant)
    for index in range(3):
        services.challenge_create(title=f"Rust {index}", reward_amount=index or None)
    search = "rust" if ordering_name == "relevance" else None
    queryset = selectors.challenge_list(search=search)
    ordering = SEARCH_RANK if search else CHALLENGE_ORDERINGS[ordering_name]
    cursor = paginate(queryset, ordering=ordering, limit=1).next_cursor
    page = ordering.prepare(queryset).filter(_after(ordering, cursor_decode(ordering, cursor)))
    # when
    with connection.cursor() as db:
        db.execute("SET LOCAL enable_seqscan = off")
        db.execute("SET LOCAL enable_sort = off")
        plan = page[:11].explain()
    # then
    if search:
        # Ranked search sorts its matches (found through the GIN index) by rank.
        assert "challenge_search_gin" in plan
    else:
        assert "Sort" not in plan, plan
        assert "Index Scan" in plan or "Index Only Scan" in plan, plan


def test_a_search_takes_more_rate_limit_tokens_than_a_page(api, tenant):
    from api.gateway import rate_limit_reset
    from api.v1.challenges import SEARCH_COST

    rate_limit_reset(organisation_id=tenant.pk)
    plain = api.get("/v1/challenges")
    rate_limit_reset(organisation_id=tenant.pk)
    searched = api.get("/v1/challenges", search="anything")
    assert int(plain["X-RateLimit-Remaining"]) - int(searched["X-RateLimit-Remaining"]) == (
        SEARCH_COST - 1
    )
