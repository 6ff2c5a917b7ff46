"""Settings of the server ``bench/gateway.py`` drives: the platform's own, plus a bench URLconf
(the same /v1/me with the gateway switched off) and counters of SQL queries and Redis round
trips, read at /bench/stats."""

from openchance.settings import *  # noqa: F403
from openchance.settings import API_MIDDLEWARE, MIDDLEWARE

ROOT_URLCONF = "bench.gateway_app.urls"
MIDDLEWARE = [*MIDDLEWARE, "bench.gateway_app.counters.SqlCountingMiddleware"]
API_MIDDLEWARE = [*API_MIDDLEWARE, "bench.gateway_app.counters.SqlCountingMiddleware"]
DEBUG = False

from bench.gateway_app import counters  # noqa: E402

counters.redis_round_trips_count()
