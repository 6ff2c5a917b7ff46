"""The response cache of the marketplace read routes (``api.response_cache``) and its write
tracking (``api.data_generation``), against the real PostgreSQL and Redis.

These tests commit: two organisations of their own (live and sandbox schemas each) are
provisioned for the module and deleted after it, and every test runs with the database unblocked
outside any test transaction, so that commits happen and ``on_commit`` bumps really run.
"""

import os
import threading
import time
import uuid

import psycopg
import pytest
import redis
from django.db import connection, transaction
from django.test import Client
from django_tenants.utils import schema_context

from api.data_generation import statement_is_write
from api.gateway import pipeline, rate_limit_reset, usage_buffer_push
from api.gateway.pipeline import data_generation_key, redis_client, redis_state
from api.response_cache import PER_CALL_HEADERS, ResponseCache, response_cache
from api.v1.tests.support import Api
from apikeys.services import api_key_create
from core.testing import database_url, host_of
from marketplace.models import Application, Challenge, Message
from metering.records import USAGE_STREAM, UsageRecord
from organisations.services import organisation_provision
from tenants.selectors import tenant_get_live
from tenants.services import tenant_delete

SLUGS = ("cache-one", "cache-two")


@pytest.fixture(scope="module")
def world(_session_tenants, django_db_blocker):
    """Two organisations, keys of each kind, and one of each object in every schema."""
    with django_db_blocker.unblock():
        for slug in SLUGS:
            stale = tenant_get_live(slug=slug)
            if stale is not None:
                tenant_delete(tenant=stale)
        one, two = (
            organisation_provision(
                slug=slug, name=slug, plan_code="pro", owner_email=f"owner@{slug}.test"
            )
            for slug in SLUGS
        )

        def key(org, mode="live", scopes=None):
            return api_key_create(
                tenant=org.tenant, name=f"cache {mode}", mode=mode, scopes=scopes
            ).secret

        keys = {
            "live": key(one),
            "test": key(one, "test"),
            "other": key(two),
            "applications_only": key(one, scopes=["applications:read"]),
            "events_only": key(one, scopes=["events:read"]),
        }
        world = {"one": one, "two": two, "keys": keys}
        for name, key_name in (("live", "live"), ("sandbox", "test"), ("other", "other")):
            ids = Api(_client(world, key_name)).one_of_each()
            world[name] = ids
    yield world
    with django_db_blocker.unblock():
        for org in (one, two):
            tenant_delete(tenant=org.tenant)


@pytest.fixture(autouse=True)
def _committing(world, django_db_blocker):
    """Autocommit, real commits; full buckets and an empty cache for every test."""
    for org in (world["one"], world["two"]):
        rate_limit_reset(organisation_id=org.tenant.pk)
    response_cache.clear()
    with django_db_blocker.unblock():
        yield
        connection.set_schema_to_public()


def _client(world, key_name: str) -> Client:
    org = world["two"] if key_name == "other" else world["one"]
    return Client(
        HTTP_HOST=host_of(org.tenant), HTTP_AUTHORIZATION=f"Bearer {world['keys'][key_name]}"
    )


def _routes(ids: dict) -> list[str]:
    """Every cached route, with a query string where the route takes one."""
    return [
        "/v1/challenges?limit=10",
        "/v1/challenges?limit=2&ordering=-deadline&status=open,closed",
        f"/v1/challenges/{ids['chl']}",
        f"/v1/challenges/{ids['chl']}/applications",
        "/v1/applications?expand=challenge",
        f"/v1/applications/{ids['app']}?fields=status,score",
        f"/v1/applications/{ids['app']}/messages",
        "/v1/messages?expand=application",
        f"/v1/messages/{ids['msg']}",
        "/v1/reviews",
        f"/v1/reviews/{ids['rev']}?expand=application",
        "/v1/events?limit=5",
        f"/v1/events/{ids['evt']}",
    ]


def _stable_headers(response) -> dict:
    return {
        name.lower(): value
        for name, value in response.items()
        if name.lower() not in PER_CALL_HEADERS
    }


class _Counts:
    def __init__(self):
        self.lookups, self.hits, self.stores = (
            response_cache.lookups,
            response_cache.hits,
            response_cache.stores,
        )

    def delta(self) -> tuple[int, int, int]:
        return (
            response_cache.lookups - self.lookups,
            response_cache.hits - self.hits,
            response_cache.stores - self.stores,
        )


# --- a hit is the miss


@pytest.mark.parametrize("key_name, ids_of", [("live", "live"), ("test", "sandbox")])
def test_a_hit_answers_what_the_miss_answered_on_every_cached_route(world, key_name, ids_of):
    client = _client(world, key_name)
    for url in _routes(world[ids_of]):
        # given a miss
        counts = _Counts()
        miss = client.get(url)
        assert miss.status_code == 200, (url, miss.content)
        assert counts.delta() == (1, 0, 1), url

        # when the same call comes again
        hit = client.get(url)

        # then it is a hit, with the miss's status, body and headers; per-call headers still come
        assert counts.delta() == (2, 1, 1), url
        assert hit.status_code == 200
        assert hit.content == miss.content, url
        assert _stable_headers(hit) == _stable_headers(miss), url
        assert hit["Content-Type"] == "application/json"
        for name in ("X-Request-Id", "X-RateLimit-Remaining", "RateLimit"):
            assert name in hit, (url, name)
        assert hit["X-Request-Id"] != miss["X-Request-Id"]
        assert int(hit["X-RateLimit-Remaining"]) <= int(miss["X-RateLimit-Remaining"])
        body = miss.json()
        objects = body["data"] if body["object"] == "list" else [body]
        assert all(o.get("livemode", key_name == "live") is (key_name == "live") for o in objects)


def test_a_hit_is_rate_limited_and_metered_like_a_miss(world):
    # given a miss and a hit of the same call
    client = _client(world, "live")
    url = "/v1/challenges?limit=10"
    miss = client.get(url)
    counts = _Counts()
    hit = client.get(url)
    assert counts.delta() == (1, 1, 0)

    # then the hit took a token from the bucket ...
    assert int(hit["X-RateLimit-Remaining"]) < int(miss["X-RateLimit-Remaining"])
    # ... and is metered under the same route, status, size and billing as the miss (read from
    # the usage stream: a flush here would fold other tests' calls into the ledger for good)
    usage_buffer_push()
    wanted = {miss["X-Request-Id"], hit["X-Request-Id"]}
    metered = {}
    for _entry_id, fields in redis_client().xrevrange(USAGE_STREAM, count=500):
        record = UsageRecord.from_fields(fields)
        if record.request_id in wanted:
            metered[record.request_id] = (
                record.route,
                record.status,
                record.response_bytes,
                record.is_billable,
            )
    assert metered == {
        miss["X-Request-Id"]: ("/v1/challenges", 200, len(miss.content), True),
        hit["X-Request-Id"]: ("/v1/challenges", 200, len(miss.content), True),
    }


def test_errors_head_and_uncached_routes_are_never_stored(world):
    client = _client(world, "live")
    counts = _Counts()
    for _ in range(2):
        assert client.get("/v1/challenges/chl_doesnotexist").status_code == 404
        assert client.get("/v1/challenges?limit=0").status_code == 400
        assert client.head("/v1/challenges").status_code == 200
        assert client.get("/v1/me").status_code == 200
        assert client.get("/v1/webhook_endpoints").status_code == 200
    lookups, hits, stores = counts.delta()
    assert (hits, stores) == (0, 0)
    assert lookups == 4  # the 404 and the 400 looked up; HEAD and the uncached routes did not


# --- read your writes


def _chl(world):
    return world["live"]["chl"]


def _draft(api):
    return api.challenge(title=f"Draft {uuid.uuid4().hex[:6]}")


def _orm_update(world):
    with schema_context(world["one"].tenant.schema_name):
        Challenge.objects.filter(pk=_chl(world)).update(summary=f"orm {uuid.uuid4().hex}")


def _raw_sql_update(world):
    with schema_context(world["one"].tenant.schema_name), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE marketplace_challenge SET summary = %s WHERE id = %s",
            [f"raw {uuid.uuid4().hex}", _chl(world)],
        )


def _cte_update(world):
    with schema_context(world["one"].tenant.schema_name), connection.cursor() as cursor:
        cursor.execute(
            "WITH target AS (SELECT id FROM marketplace_challenge WHERE id = %s) "
            "UPDATE marketplace_challenge SET summary = %s WHERE id IN (SELECT id FROM target)",
            [_chl(world), f"cte {uuid.uuid4().hex}"],
        )


def _bulk_create_messages(world):
    with schema_context(world["one"].tenant.schema_name):
        application = Application.objects.get(pk=world["live"]["app"])
        Message.objects.bulk_create(
            [
                Message(application=application, author="applicant", body=f"bulk {i}")
                for i in range(2)
            ]
        )


def _other_thread_update(world):
    def write():
        try:
            _orm_update(world)
        finally:
            connection.close()

    thread = threading.Thread(target=write)
    thread.start()
    thread.join()


def _atomic_service_like_update(world):
    with schema_context(world["one"].tenant.schema_name), transaction.atomic():
        Challenge.objects.filter(pk=_chl(world)).update(summary=f"atomic {uuid.uuid4().hex}")
        with transaction.atomic():  # a savepoint, released
            Challenge.objects.filter(pk=_chl(world)).update(title=f"T {uuid.uuid4().hex[:8]}")


# (the GET watched, the write) — each write through a route or outside a request.
OUTSIDE_REQUEST_WRITES = [
    ("/v1/challenges/{chl}", _orm_update),
    ("/v1/challenges?limit=10", _raw_sql_update),
    ("/v1/challenges/{chl}", _cte_update),
    ("/v1/messages", _bulk_create_messages),
    ("/v1/challenges/{chl}", _other_thread_update),
    ("/v1/challenges/{chl}", _atomic_service_like_update),
]


@pytest.mark.parametrize(
    "url, write", OUTSIDE_REQUEST_WRITES, ids=[w.__name__ for _, w in OUTSIDE_REQUEST_WRITES]
)
def test_a_write_outside_a_request_shows_in_the_next_read(world, url, write):
    # given a cached answer
    client = _client(world, "live")
    url = url.format(**world["live"])
    before = client.get(url)
    assert client.get(url).content == before.content  # cached

    # when the data changes outside any request
    write(world)
    counts = _Counts()
    after = client.get(url)

    # then the next read misses and shows the change
    assert counts.delta() == (1, 0, 1)
    assert after.status_code == 200
    assert after.content != before.content


def _route_writes(api, world):
    """(name, the GET it must show in, the write through the API) for every write route."""
    ids = world["live"]
    draft = _draft(api)
    opened = api.open_challenge()
    closing = api.open_challenge()
    submitted = api.application(opened["id"], email=f"{uuid.uuid4().hex[:8]}@example.com")
    shortlisted = api.application(opened["id"], email=f"{uuid.uuid4().hex[:8]}@example.com")
    accepted = api.accepted_application(closing["id"], email=f"{uuid.uuid4().hex[:8]}@example.com")
    body = {"applicant": {"name": "B", "email": f"{uuid.uuid4().hex[:8]}@x.test"}, "pitch": "P"}
    return [
        ("challenge create", "/v1/challenges?limit=10", "post", "/v1/challenges", {"title": "N"}),
        ("challenge update", f"/v1/challenges/{ids['chl']}", "patch",
         f"/v1/challenges/{ids['chl']}", {"metadata": {"n": uuid.uuid4().hex[:8]}}),
        ("challenge publish", f"/v1/challenges/{draft['id']}", "post",
         f"/v1/challenges/{draft['id']}/publish", None),
        ("challenge close", f"/v1/challenges/{closing['id']}", "post",
         f"/v1/challenges/{closing['id']}/close", None),
        ("challenge award", f"/v1/challenges/{closing['id']}", "post",
         f"/v1/challenges/{closing['id']}/award", None),
        ("challenge cancel", f"/v1/challenges/{opened['id']}?fields=status", "post",
         f"/v1/challenges/{opened['id']}/cancel", None),
        ("challenge delete", "/v1/challenges?limit=100&status=draft", "delete",
         f"/v1/challenges/{_draft(api)['id']}", None),
        ("application submit", f"/v1/challenges/{ids['chl']}/applications", "post",
         f"/v1/challenges/{ids['chl']}/applications", body),
        ("application update", f"/v1/applications/{submitted['id']}", "patch",
         f"/v1/applications/{submitted['id']}", {"score": 7}),
        ("application shortlist", f"/v1/applications/{shortlisted['id']}", "post",
         f"/v1/applications/{shortlisted['id']}/shortlist", None),
        ("application reject", f"/v1/applications/{shortlisted['id']}", "post",
         f"/v1/applications/{shortlisted['id']}/reject", None),
        ("application withdraw", f"/v1/applications/{submitted['id']}", "post",
         f"/v1/applications/{submitted['id']}/withdraw", None),
        ("message create", f"/v1/applications/{ids['app']}/messages", "post",
         f"/v1/applications/{ids['app']}/messages", {"author": "organisation", "body": "New"}),
        ("review create", "/v1/reviews", "post", "/v1/reviews",
         {"application": accepted["id"], "rating": 4}),
        ("events of a write", "/v1/events?limit=1", "patch", f"/v1/challenges/{ids['chl']}",
         {"metadata": {"e": uuid.uuid4().hex[:8]}}),
    ]  # fmt: skip


def test_every_write_route_shows_in_the_next_read(world):
    client = _client(world, "live")
    api = Api(client)
    for name, url, method, write_path, body in _route_writes(api, world):
        rate_limit_reset(organisation_id=world["one"].tenant.pk)  # a burst of 50 per test
        # given a cached answer
        before = client.get(url)
        assert before.status_code == 200, (name, before.content)
        assert client.get(url).content == before.content, name

        # when the write route answers
        if method == "delete":
            written = api.delete(write_path)
        else:
            written = getattr(api, method)(write_path, body)
        assert written.status_code in (200, 201), (name, written.content)

        # then the next read is fresh
        counts = _Counts()
        after = client.get(url)
        assert counts.delta() == (1, 0, 1), name
        assert after.content != before.content, name


def test_a_rolled_back_write_is_not_seen_and_a_committed_one_is(world):
    client = _client(world, "live")
    url = f"/v1/challenges/{_chl(world)}"
    before = client.get(url)

    # a rolled-back write: the cached answer stays right
    with pytest.raises(RuntimeError), transaction.atomic():
        with schema_context(world["one"].tenant.schema_name):
            Challenge.objects.filter(pk=_chl(world)).update(summary="rolled back")
        raise RuntimeError("roll back")
    assert client.get(url).content == before.content
    assert b"rolled back" not in client.get(url).content

    # a committed one: seen
    with transaction.atomic(), schema_context(world["one"].tenant.schema_name):
        Challenge.objects.filter(pk=_chl(world)).update(summary="committed")
    assert client.get(url).json()["summary"] == "committed"


def test_a_request_inside_an_open_transaction_that_wrote_bypasses_the_cache(world):
    # given a cached list (an atomic batch runs its operations like this, in one transaction)
    client = _client(world, "live")
    url = f"/v1/challenges/{_chl(world)}"
    client.get(url)
    counts = _Counts()
    with transaction.atomic():
        with schema_context(world["one"].tenant.schema_name):
            Challenge.objects.filter(pk=_chl(world)).update(summary="uncommitted")

        # when the same connection reads before its commit
        inside = client.get(url)
        # then it sees its own write and stores nothing
        assert inside.json()["summary"] == "uncommitted"
        assert counts.delta() == (0, 0, 0)
        transaction.set_rollback(True)
    assert client.get(url).json()["summary"] != "uncommitted"


def test_an_atomic_batch_reads_its_own_writes(world):
    client = _client(world, "live")
    api = Api(client)
    url = "/v1/challenges?limit=100&status=draft"
    client.get(url)
    response = api.post(
        "/v1/batch",
        {
            "atomic": True,
            "operations": [
                {"method": "POST", "path": "/v1/challenges", "body": {"title": "In batch"}},
                {"method": "GET", "path": url},
            ],
        },
    )
    assert response.status_code == 200, response.content
    listed = response.json()["results"][1]["body"]["data"]
    assert "In batch" in [challenge["title"] for challenge in listed]


# --- isolation: tenants, sandbox, scopes


def test_the_same_url_answers_each_tenant_and_mode_its_own(world):
    live, sandbox, other = (_client(world, name) for name in ("live", "test", "other"))
    url = "/v1/challenges?limit=10"
    answers = {name: client.get(url) for name, client in (("live", live), ("test", sandbox))}
    answers["other"] = other.get(url)
    # each a cache miss of its own key: three different bodies, each its own ids
    assert len({answer.content for answer in answers.values()}) == 3
    for name, ids in (("live", "live"), ("test", "sandbox"), ("other", "other")):
        listed = {challenge["id"] for challenge in answers[name].json()["data"]}
        assert world[ids]["chl"] in listed, name
    assert all(c["livemode"] is False for c in answers["test"].json()["data"])
    # and cached, each keeps answering its own
    assert live.get(url).content == answers["live"].content
    assert sandbox.get(url).content == answers["test"].content
    assert other.get(url).content == answers["other"].content


@pytest.mark.parametrize("writer", ["other", "test"])
def test_a_write_in_another_schema_leaves_the_cached_answer_alone(world, writer):
    # given a cached answer of the live schema of tenant one
    live = _client(world, "live")
    url = "/v1/challenges?limit=10"
    before = live.get(url)
    generation = redis_client().get(data_generation_key(world["one"].tenant.schema_name))

    # when tenant two, or tenant one's sandbox, writes
    Api(_client(world, writer)).challenge(title="Elsewhere")

    # then the live schema's generation is unchanged and its answer still a hit
    assert redis_client().get(data_generation_key(world["one"].tenant.schema_name)) == generation
    counts = _Counts()
    assert live.get(url).content == before.content
    assert counts.delta() == (1, 1, 0)
    assert b"Elsewhere" not in before.content


def test_a_key_lacking_a_scope_is_refused_even_when_the_answer_is_cached(world):
    privileged = _client(world, "live")
    applications_only = _client(world, "applications_only")
    events_only = _client(world, "events_only")
    app_id = world["live"]["app"]
    expanded_url = f"/v1/applications/{app_id}?expand=challenge"
    assert privileged.get(expanded_url).status_code == 200
    assert privileged.get(expanded_url).status_code == 200  # cached
    assert privileged.get("/v1/challenges?limit=10").status_code == 200
    assert privileged.get("/v1/events?limit=5").status_code == 200

    # expand=challenge needs challenges:read
    refused = applications_only.get(expanded_url)
    assert refused.status_code == 403
    assert refused.json()["code"] == "insufficient_scope"
    # the route's own scope
    assert applications_only.get("/v1/challenges?limit=10").status_code == 403
    # the events list holds only the families the key may read: its own answer
    own = events_only.get("/v1/events?limit=5")
    assert own.status_code == 200
    assert own.json()["data"] == []
    assert own.content != privileged.get("/v1/events?limit=5").content


# --- Redis


def test_a_redis_restart_that_lost_the_generation_serves_no_stale_answer(world):
    # given a cached answer
    client = _client(world, "live")
    url = f"/v1/challenges/{_chl(world)}"
    before = client.get(url)
    assert client.get(url).content == before.content

    # when Redis comes back without the generation, and the data changed where no tracking sees
    redis_client().delete(data_generation_key(world["one"].tenant.schema_name))
    with psycopg.connect(database_url(), autocommit=True) as untracked:
        untracked.execute(
            f'UPDATE "{world["one"].tenant.schema_name}".marketplace_challenge '  # noqa: S608 - our schema
            "SET summary = %s WHERE id = %s",
            ["after restart", _chl(world)],
        )

    # then the generation starts again past every earlier one: a miss, fresh
    counts = _Counts()
    assert client.get(url).json()["summary"] == "after restart"
    assert counts.delta() == (1, 0, 1)


@pytest.fixture
def redis_unreachable(settings):
    """This process's gateway talks to a port nothing listens on."""
    settings.GATEWAY_REDIS_RETRY_SECONDS = 0
    real = pipeline._redis_client, pipeline._redis_client_pid
    pipeline._redis_client = redis.Redis(port=1, socket_connect_timeout=0.2)
    pipeline._redis_client_pid = os.getpid()
    yield
    pipeline._redis_client, pipeline._redis_client_pid = real
    redis_state.unavailable_until = 0.0
    redis_state.succeeded()


def test_without_redis_nothing_is_cached_and_answers_stay_right(world, redis_unreachable):
    client = _client(world, "live")
    url = f"/v1/challenges/{_chl(world)}"
    counts = _Counts()
    first = client.get(url)
    assert first.status_code == 200
    with schema_context(world["one"].tenant.schema_name):
        Challenge.objects.filter(pk=_chl(world)).update(summary="while redis is away")
    second = client.get(url)
    assert second.json()["summary"] == "while redis is away"
    assert counts.delta() == (0, 0, 0)


# --- settings: off, time to live, bounds


def test_zero_seconds_means_no_lookup_and_no_store(world, settings):
    settings.API_RESPONSE_CACHE_SECONDS = 0
    client = _client(world, "live")
    counts = _Counts()
    for _ in range(3):
        assert client.get("/v1/challenges?limit=10").status_code == 200
    assert counts.delta() == (0, 0, 0)
    assert len(response_cache) == 0


def test_an_entry_lives_no_longer_than_its_time_to_live(world, settings):
    settings.API_RESPONSE_CACHE_SECONDS = 2
    client = _client(world, "live")
    url = f"/v1/challenges/{_chl(world)}"
    client.get(url)
    with psycopg.connect(database_url(), autocommit=True) as untracked:  # psql by hand
        untracked.execute(
            f'UPDATE "{world["one"].tenant.schema_name}".marketplace_challenge '  # noqa: S608 - our schema
            "SET summary = %s WHERE id = %s",
            [f"by hand {uuid.uuid4().hex}", _chl(world)],
        )
    counts = _Counts()
    assert not client.get(url).json()["summary"].startswith("by hand")  # what the TTL bounds
    assert counts.delta() == (1, 1, 0)
    time.sleep(2.1)
    assert client.get(url).json()["summary"].startswith("by hand")


def test_the_cache_is_bounded_by_entries_bytes_and_body_size(settings):
    settings.API_RESPONSE_CACHE_MAX_ENTRIES = 3
    settings.API_RESPONSE_CACHE_MAX_BYTES = 10_000
    settings.API_RESPONSE_CACHE_MAX_BODY_BYTES = 4_000
    cache = ResponseCache()
    headers = (("Content-Type", "application/json"),)
    for name in "abc":
        assert cache.put((name,), b"x" * 10, headers)
    assert cache.get(("a",), max_age=60) is not None  # a is now the most recently used
    cache.put(("d",), b"x" * 10, headers)
    assert len(cache) == 3
    assert cache.get(("b",), max_age=60) is None  # least recently used: out
    assert {k for k in "acd" if cache.get((k,), max_age=60)} == set("acd")

    assert not cache.put(("big",), b"x" * 4_001, headers)  # over the body bound: not stored
    assert cache.get(("big",), max_age=60) is None
    for name in "efg":
        cache.put((name,), b"x" * 3_900, headers)
    assert cache.total_bytes <= 10_000
    assert len(cache) == 2  # the byte bound, not the entry bound, evicted
    assert cache.get(("e",), max_age=60) is None


# --- the statement classifier


WRITES = [
    "INSERT INTO t (a) VALUES (1)",
    "  insert into t values (1)",
    "UPDATE t SET a = 1",
    "DELETE FROM t",
    "WITH x AS (SELECT 1) INSERT INTO t SELECT * FROM x",
    "with x as (delete from t returning *) select * from x",
    "(WITH x AS (SELECT 1) SELECT * FROM x)",
    "TRUNCATE t",
    "COPY t FROM STDIN",
    "CREATE TABLE t (a int)",
    "ALTER TABLE t ADD COLUMN b int",
    "DROP TABLE t",
    "CREATE INDEX CONCURRENTLY i ON t (a)",
    "MERGE INTO t USING s ON t.a = s.a WHEN MATCHED THEN DELETE",
    "EXPLAIN ANALYZE DELETE FROM t",
    "EXPLAIN (ANALYZE, BUFFERS) UPDATE t SET a = 1",
    "SELECT 1; DELETE FROM t",
    "/* a comment */ SELECT 1",
    "VACUUM t",
    "GRANT SELECT ON t TO someone",
    "SELECTED",
]
READS = [
    "SELECT 1",
    "  select * from t where a = %s",
    "\n\t(SELECT a FROM t) UNION (SELECT a FROM u)",
    "SELECT a FROM t FOR UPDATE",
    "SHOW search_path",
    "SET search_path = 'x', public",
    "RESET ALL",
    "BEGIN",
    "START TRANSACTION",
    "COMMIT",
    "END",
    "ROLLBACK",
    "SAVEPOINT s1",
    "RELEASE SAVEPOINT s1",
    "ROLLBACK TO SAVEPOINT s1",
    "EXPLAIN SELECT 1",
    "SELECT 1;",
]


@pytest.mark.parametrize("sql", WRITES)
def test_the_classifier_counts_every_write_kind_as_a_write(sql):
    assert statement_is_write(sql) is True


@pytest.mark.parametrize("sql", READS)
def test_the_classifier_counts_reads_as_reads(sql):
    assert statement_is_write(sql) is False


def test_a_statement_object_counts_as_a_write():
    assert statement_is_write(psycopg.sql.SQL("SELECT 1")) is True
