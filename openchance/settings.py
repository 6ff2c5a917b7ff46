"""Settings for the OpenChance API Platform, read from the environment.

One module serves every environment; ``OPENCHANCE_ENV`` (``local``, ``test`` or ``production``)
switches the handful of behaviours that differ. Every variable has a safe local default except in
production, where secrets must be given explicitly. The README lists every variable.
"""

import os
import secrets
import sys
from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent
LOCAL_DIR = BASE_DIR / ".local"

env = environ.Env()
# `make run` writes the URLs of the services it found or started here; the real environment wins.
environ.Env.read_env(LOCAL_DIR / "services.env", overwrite=False)


def _default_environment() -> str:
    # pytest (>= 8.2) exports PYTEST_VERSION, so a plain `pytest` gets test settings too.
    if os.environ.get("PYTEST_VERSION") or "pytest" in Path(sys.argv[0]).name:
        return "test"
    return "local"


ENVIRONMENT = env("OPENCHANCE_ENV", default=_default_environment())
if ENVIRONMENT not in {"local", "test", "production"}:
    raise RuntimeError(f"OPENCHANCE_ENV must be local, test or production, not {ENVIRONMENT!r}")
IS_PRODUCTION = ENVIRONMENT == "production"
IS_TEST = ENVIRONMENT == "test"

# --- Core


def _secret_key() -> str:
    """SECRET_KEY from the environment; outside production, generated once into .local/."""
    if "SECRET_KEY" in os.environ:
        return os.environ["SECRET_KEY"]
    if IS_PRODUCTION:
        raise RuntimeError("SECRET_KEY must be set in production")
    key_file = LOCAL_DIR / "secret_key"
    if not key_file.exists():
        LOCAL_DIR.mkdir(parents=True, exist_ok=True)
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = env.bool("DEBUG", default=ENVIRONMENT == "local")
BASE_DOMAIN = env("BASE_DOMAIN", default="localhost").lower()
# Hosts are validated by tenants.middleware against BASE_DOMAIN and the Domain table (unknown hosts
# get a 404 problem), so Django's own check would only turn that answer into an HTML 400.
ALLOWED_HOSTS = ["*"]
# https://docs.djangoproject.com/en/5.2/ref/settings/#csrf-trusted-origins
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

# --- Applications (django-tenants: shared apps live in `public`, tenant apps in each schema)
SHARED_APPS = [
    "tenants",  # before django_tenants so its migrate / migrate_schemas also keep the template
    "django_tenants",
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "django.contrib.admin",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "djstripe",  # Stripe's objects, synced by billing.stripe (public schema)
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "apikeys",
    "metering",
    "billing",
    "organisations",
    "api",
    "portal",
]
TENANT_APPS = [
    "events",
    "marketplace",
    "webhooks",
    "requestlog",
]
INSTALLED_APPS = SHARED_APPS + [app for app in TENANT_APPS if app not in SHARED_APPS]

TENANT_MODEL = "tenants.Tenant"
TENANT_DOMAIN_MODEL = "tenants.Domain"
AUTH_USER_MODEL = "tenants.User"
# New tenant schemas are cloned from this pre-migrated template (~0.4 s) instead of replaying every
# migration (~55 s). `migrate_schemas` keeps it migrated (tenants/management/commands).
TENANT_BASE_SCHEMA = "tenant_template"
TENANT_CREATION_FAKES_MIGRATIONS = True
DATABASE_ROUTERS = ["django_tenants.routers.TenantSyncRouter"]

MIDDLEWARE = [
    "core.middleware.RequestIdMiddleware",
    "api.middleware.ApiEdgeMiddleware",  # client address for auth limits; database errors → 503
    "tenants.middleware.TenantHostMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # PAGE_MIDDLEWARE, skipped by API calls (/v1/…, probes): they use no cookie, session or form.
    "core.middleware.PageMiddleware",
    # allauth refuses to start unless it is listed here; inside PageMiddleware it sees the user.
    "allauth.account.middleware.AccountMiddleware",
]
# An API call (/v1/…, the probes) served by openchance.wsgi.PlatformWsgiHandler runs MIDDLEWARE
# without these two, which pass it through untouched: PageMiddleware skips API paths, and allauth's
# only serves its account pages (a context, and a redirect for a 404 at /accounts/).
API_PASS_THROUGH_MIDDLEWARE = (
    "core.middleware.PageMiddleware",
    "allauth.account.middleware.AccountMiddleware",
)
API_MIDDLEWARE = [path for path in MIDDLEWARE if path not in API_PASS_THROUGH_MIDDLEWARE]
# Run in this order by core.middleware.PageMiddleware for portal, admin and docs pages only.
PAGE_MIDDLEWARE = [
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]
# Django's checks look for these in MIDDLEWARE; they are in PAGE_MIDDLEWARE, which every page gets.
SILENCED_SYSTEM_CHECKS = [
    "admin.E408",  # AuthenticationMiddleware
    "admin.E409",  # MessageMiddleware
    "admin.E410",  # SessionMiddleware
    "security.W002",  # XFrameOptionsMiddleware
    "security.W003",  # CsrfViewMiddleware
]

ROOT_URLCONF = "openchance.urls_tenants"
PUBLIC_SCHEMA_URLCONF = "openchance.urls_public"
WSGI_APPLICATION = "openchance.wsgi.application"
ASGI_APPLICATION = "openchance.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# --- Database (README "Configuration" and "Failure modes")
# https://docs.djangoproject.com/en/5.2/ref/databases/#connection-pool
DATABASES = {
    "default": env.db_url("DATABASE_URL", default="postgres://postgres@127.0.0.1:5432/openchance"),
}
# django-tenants' backend, made safe for pooling (search_path per checkout, fork-aware pools).
DATABASES["default"]["ENGINE"] = "tenants.postgresql_backend"
# Connections one process holds at most (its pool), whatever the load; 0 turns the pool off.
DATABASE_POOL_MAX_SIZE = env.int("DATABASE_POOL_MAX_SIZE", default=10)
# Connections a process keeps open while idle (opened at its first query).
DATABASE_POOL_MIN_SIZE = env.int("DATABASE_POOL_MIN_SIZE", default=1)
# Seconds a request waits for a free connection before it is answered 503 database_unavailable.
DATABASE_POOL_TIMEOUT = env.float("DATABASE_POOL_TIMEOUT", default=5.0)
# Requests allowed to wait for a connection at once; more are answered 503 at once (load shed).
DATABASE_POOL_MAX_WAITING = env.int("DATABASE_POOL_MAX_WAITING", default=100)
# Seconds the pool keeps retrying a failed connection attempt (backoff 1, 2, 4 s…) before a new
# checkout starts afresh: bounds how long recovery can lag behind PostgreSQL coming back.
DATABASE_POOL_RECONNECT_TIMEOUT = env.float("DATABASE_POOL_RECONNECT_TIMEOUT", default=5.0)
# libpq connect_timeout (s, at least 2): a server that accepts but never answers costs this much.
DATABASE_CONNECT_TIMEOUT = env.int("DATABASE_CONNECT_TIMEOUT", default=3)
# Retry-After of 503 database_unavailable answers.
DATABASE_RETRY_AFTER_SECONDS = env.int("DATABASE_RETRY_AFTER_SECONDS", default=2)
DATABASES["default"].setdefault("OPTIONS", {})["connect_timeout"] = DATABASE_CONNECT_TIMEOUT
if DATABASE_POOL_MAX_SIZE > 0:
    # A pool requires non-persistent connections: a request returns its connection when it ends.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"]["pool"] = {
        "min_size": min(DATABASE_POOL_MIN_SIZE, DATABASE_POOL_MAX_SIZE),
        "max_size": DATABASE_POOL_MAX_SIZE,
        "timeout": DATABASE_POOL_TIMEOUT,
        "max_waiting": DATABASE_POOL_MAX_WAITING,
        "reconnect_timeout": DATABASE_POOL_RECONNECT_TIMEOUT,
    }
else:
    # No pool (e.g. behind PgBouncer): never persistent under ASGI, a thread per request leaks.
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=0)
# Checked on every checkout (pool) or reuse: a connection broken by a restart is replaced. The
# pool checks by a round trip only a connection whose socket has input (closed, or PostgreSQL's
# termination notice) or that was idle longer than this many seconds (tenants.postgresql_backend).
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DATABASE_POOL_CHECK_IDLE_SECONDS = env.float("DATABASE_POOL_CHECK_IDLE_SECONDS", default=30.0)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis: cache, rate limits, metering buffers, Celery broker
# Tests use their own Redis database so a run never touches local development data.
REDIS_URL = env("REDIS_URL", default=f"redis://127.0.0.1:6379/{1 if IS_TEST else 0}")
CACHES = {
    "default": {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": REDIS_URL,
        # Tenant-aware keys: without these, one tenant's cached data is served to another.
        "KEY_FUNCTION": "django_tenants.cache.make_key",
        "REVERSE_KEY_FUNCTION": "django_tenants.cache.reverse_key",
        "OPTIONS": {
            "CLIENT_CLASS": "django_redis.client.DefaultClient",
            "SOCKET_CONNECT_TIMEOUT": 0.5,
            "SOCKET_TIMEOUT": 0.5,
        },
    },
}
# https://django-ratelimit.readthedocs.io/en/stable/settings.html
RATELIMIT_USE_CACHE = "default"
# Behind a load balancer the client address is in a header it sets; otherwise every client
# shares one address bucket (the admin login throttle, endpoint limits).
RATELIMIT_IP_META_KEY = env("RATELIMIT_IP_META_KEY", default="REMOTE_ADDR")
# Operator admin login throttle (openchance.views.admin_login; django-ratelimit rates): failed
# logins per client address and per username.
ADMIN_LOGIN_FAILURES_PER_ADDRESS = env("ADMIN_LOGIN_FAILURES_PER_ADDRESS", default="20/15m")
ADMIN_LOGIN_FAILURES_PER_USERNAME = env("ADMIN_LOGIN_FAILURES_PER_USERNAME", default="5/15m")

# --- Celery (tenant-schemas-celery carries the schema of the enqueuing request)
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default=REDIS_URL)
CELERY_RESULT_BACKEND = None
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Celery's Django fixup closes the database connection before and after every task unless this is
# set (a new PostgreSQL connection per task, ~10 ms); reuse it (CONN_MAX_AGE and health checks
# still apply) and recycle it every this many tasks.
CELERY_DB_REUSE_MAX = env.int("CELERY_DB_REUSE_MAX", default=1000)
CELERY_TASK_DEFAULT_QUEUE = "default"
# Every queue decision in one place (openchance.celery.task_route): deliveries never delay
# billing, and billing never waits behind a flood of deliveries.
CELERY_TASK_ROUTES = ("openchance.celery.task_route",)
CELERY_TIMEZONE = "UTC"
# The worker is considered alive while its last heartbeat is younger than this.
WORKER_HEARTBEAT_MAX_AGE = env.int("WORKER_HEARTBEAT_MAX_AGE", default=60)
# Seconds between the worker's heartbeats (beat-scheduled).
WORKER_HEARTBEAT_INTERVAL = env.float("WORKER_HEARTBEAT_INTERVAL", default=10.0)

# --- Email (e.g. "webhook endpoint disabled" notices to owners)
# https://docs.djangoproject.com/en/5.2/topics/email/ — outside production mails go to the console.
EMAIL_BACKEND = env(
    "EMAIL_BACKEND",
    default="django.core.mail.backends.smtp.EmailBackend"
    if IS_PRODUCTION
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_HOST = env("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
DEFAULT_FROM_EMAIL = env(
    "DEFAULT_FROM_EMAIL", default="OpenChance <no-reply@openchance.example.com>"
)

# --- Webhooks and the event stream (webhooks/, api/ws.py; README "Webhooks")
# Comma-separated host[:port] allowed to resolve to private addresses (local development, tests).
WEBHOOK_ALLOWED_PRIVATE_HOSTS = env.list("WEBHOOK_ALLOWED_PRIVATE_HOSTS", default=[])
# Plain-http endpoint URLs: refused in production, allowed elsewhere unless set.
WEBHOOK_ALLOW_HTTP = env.bool("WEBHOOK_ALLOW_HTTP", default=not IS_PRODUCTION)
# A worker holds a delivery this long while attempting it (longer than the 15 s request timeout).
WEBHOOK_LEASE_SECONDS = env.int("WEBHOOK_LEASE_SECONDS", default=60)
# The sweeper re-enqueues a due delivery whose task was enqueued longer ago than this.
WEBHOOK_REQUEUE_AFTER_SECONDS = env.int("WEBHOOK_REQUEUE_AFTER_SECONDS", default=300)
# Seconds between beat's sweeps for due deliveries and lost fan-outs.
WEBHOOK_SWEEP_INTERVAL = env.float("WEBHOOK_SWEEP_INTERVAL", default=10.0)
# The Celery queue of fan-out and delivery tasks (its own worker pool: a flood of deliveries never
# delays billing).
WEBHOOK_QUEUE = env("WEBHOOK_QUEUE", default="webhooks")
# Server heartbeats on /v1/ws, in seconds.
WS_HEARTBEAT_SECONDS = env.float("WS_HEARTBEAT_SECONDS", default=25.0)
# A client that connects without an Authorization header must send its "auth" message within this.
WS_AUTH_TIMEOUT_SECONDS = env.float("WS_AUTH_TIMEOUT_SECONDS", default=10.0)
# https://channels.readthedocs.io/en/stable/topics/channel_layers.html
CHANNEL_LAYERS = {
    "default": {
        "BACKEND": "channels_redis.core.RedisChannelLayer",
        "CONFIG": {"hosts": [REDIS_URL], "prefix": "oc:channels"},
    },
}

# --- Auth
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
if IS_TEST:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # speed only

# --- Accounts of the portal and public site (django-allauth; portal/; README "Portal")
# https://docs.allauth.org/en/latest/account/configuration.html
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
# (portal settings below this line)
# Security headers of every page (portal.middleware: Content-Security-Policy without inline
# scripts); the API under /v1 skips page middleware. These pages bring third-party inline code.
PAGE_MIDDLEWARE = [*PAGE_MIDDLEWARE, "portal.middleware.SecurityHeadersMiddleware"]
CSP_EXEMPT_PATH_PREFIXES = ("/docs/", "/admin/")
X_FRAME_OPTIONS = "DENY"
TEMPLATES[0]["OPTIONS"]["context_processors"].append("portal.context_processors.site")
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "/"
# Sessions are per host: never set SESSION_COOKIE_DOMAIN (a tenant's portal must not share a
# cookie with another tenant's). Moving between hosts uses a signed one-time link (portal.handoff).
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True  # htmx reads the token from <meta name="csrf-token">
# Where django.core.mail.backends.filebased.EmailBackend writes (EMAIL_BACKEND set to it).
EMAIL_FILE_PATH = env("EMAIL_FILE_PATH", default=str(LOCAL_DIR / "mail"))
# The one-time link from the public host to a tenant's portal: valid this many seconds, once.
PORTAL_HANDOFF_MAX_AGE = env.int("PORTAL_HANDOFF_MAX_AGE", default=120)
# The plan new sign-ups get.
PORTAL_SIGNUP_PLAN = env("PORTAL_SIGNUP_PLAN", default="free")
# Invitations to join an organisation expire after this many days.
PORTAL_INVITATION_DAYS = env.int("PORTAL_INVITATION_DAYS", default=7)
# Sign-ups and "find my workspace" per client address (django-ratelimit rates; a 429 page).
PORTAL_SIGNUP_RATE = env("PORTAL_SIGNUP_RATE", default="10/h")
PORTAL_FIND_WORKSPACE_RATE = env("PORTAL_FIND_WORKSPACE_RATE", default="5/h")
# django-allauth: email login, no usernames, mandatory verification, TOTP with recovery codes.
# https://docs.allauth.org/en/latest/account/configuration.html
ACCOUNT_ADAPTER = "portal.accounts.AccountAdapter"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*"]
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CONFIRM_EMAIL_ON_GET = False  # a POST confirms: mail scanners that follow links do not
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_EMAIL_CONFIRMATION_EXPIRE_DAYS = 3
ACCOUNT_CHANGE_EMAIL = True
ACCOUNT_EMAIL_NOTIFICATIONS = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[OpenChance] "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if IS_PRODUCTION else "http"
ACCOUNT_PREVENT_ENUMERATION = True
# allauth's rate limits (cache: Redis); past one, allauth answers 429 with templates/429.html.
# https://docs.allauth.org/en/latest/account/rate_limits.html
ACCOUNT_RATE_LIMITS = {
    "login": env("PORTAL_LOGIN_RATE", default="30/m/ip"),
    "login_failed": env("PORTAL_LOGIN_FAILED_RATE", default="10/m/ip,5/300s/key"),
    "signup": env("PORTAL_ALLAUTH_SIGNUP_RATE", default="20/m/ip"),
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
    "confirm_email": "1/180s/key",
    "change_password": "5/m/user",
    "manage_email": "10/m/user",
    "reauthenticate": "10/m/user",
}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "OpenChance"
MFA_RECOVERY_CODE_COUNT = 10
if IS_PRODUCTION:
    # https://docs.djangoproject.com/en/5.2/ref/middleware/#http-strict-transport-security
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31_536_000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True

# --- I18N / static
LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True
STATIC_URL = "static/"
# collectstatic target in production; elsewhere WhiteNoise serves straight from the finders.
STATIC_ROOT = BASE_DIR / "staticfiles" if IS_PRODUCTION else None
STATICFILES_DIRS = [BASE_DIR / "static"]
# Serve straight from the finders outside production so no collectstatic step is needed locally.
WHITENOISE_USE_FINDERS = not IS_PRODUCTION
WHITENOISE_AUTOREFRESH = DEBUG

# --- REST framework
REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": [],
    "UNAUTHENTICATED_USER": None,
    # Every error under /v1 is RFC 9457 problem+json (api/exceptions.py).
    "EXCEPTION_HANDLER": "api.exceptions.problem_exception_handler",
}

# --- OpenAPI (drf-spectacular; /v1/openapi.json, /docs/, /docs/redoc/ — api/v1/docs.py)
# https://drf-spectacular.readthedocs.io/en/latest/settings.html
SPECTACULAR_SETTINGS = {
    "TITLE": "OpenChance API",
    "DESCRIPTION": (
        "The OpenChance marketplace: challenges, applications, messages, reviews and events. "
        "Authenticate with `Authorization: Bearer <key>`: `oc_test_…` keys act on the sandbox, "
        "`oc_live_…` keys on live data. Errors are RFC 9457 `application/problem+json`. Lists "
        "return `{data, has_more, next_cursor}`; pass `next_cursor` as `cursor` for the next "
        "page. Changes: API-CHANGELOG.md."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": r"/v1",
    "APPEND_COMPONENTS": {
        "securitySchemes": {
            "bearerAuth": {
                "type": "http",
                "scheme": "bearer",
                "description": "An API key: `oc_live_…` (live) or `oc_test_…` (sandbox).",
            }
        }
    },
    "SECURITY": [{"bearerAuth": []}],
    "ENUM_NAME_OVERRIDES": {
        "ChallengeStatusEnum": "marketplace.models.Challenge.Status",
        "ApplicationStatusEnum": "marketplace.models.Application.Status",
        "ChallengeCategoryEnum": "marketplace.models.Challenge.Category",
        "MessageAuthorEnum": "marketplace.models.Message.Author",
        # The constant `object` member of each resource (one component per constant).
        **{
            f"{name.title().replace('_', '')}ObjectEnum": [name]
            for name in (
                "challenge application message review event list batch webhook_endpoint".split()
            )
        },
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "api.v1.schema.postprocess",
        "api.v1.code_samples.postprocess",  # x-codeSamples (curl, Python, JS, Go…) for Redoc
    ],
    # Swagger UI and Redoc assets from drf-spectacular-sidecar: the docs work with no internet.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SWAGGER_UI_SETTINGS": {"persistAuthorization": True, "displayOperationId": True},
}

# --- API gateway: keys, limits, metering (api/gateway.py; README "API gateway")
# HMAC pepper of stored API key hashes. Changing it invalidates every key: set it explicitly in
# production (it defaults to a value derived from SECRET_KEY).
API_KEY_PEPPER = env("API_KEY_PEPPER", default="") or f"api-key-pepper:{SECRET_KEY}"
if IS_PRODUCTION and "API_KEY_PEPPER" not in os.environ:
    raise RuntimeError("API_KEY_PEPPER must be set in production")
# A verified key is trusted from the process's memory for this long: revocations, expiry, plan
# changes and suspensions reach every process within this many seconds.
API_KEY_CACHE_SECONDS = env.float("API_KEY_CACHE_SECONDS", default=5.0)
# ... or up to this long while the process keeps confirming the cache invalidation generation
# that every call's Redis round trip carries (a change made through a service then reaches every
# process at its next call; one written to PostgreSQL by hand, within this).
API_KEY_CACHE_CONFIRMED_SECONDS = env.float("API_KEY_CACHE_CONFIRMED_SECONDS", default=120.0)
# The in-process cache of the marketplace read routes' answers (api/response_cache.py): an entry
# lives at most this long — the bound on writes its invalidation cannot see (psql by hand, a bump
# lost while Redis was unreachable). 0 turns it off (no lookup, no store).
API_RESPONSE_CACHE_SECONDS = env.float("API_RESPONSE_CACHE_SECONDS", default=10.0)
# Its bounds in one process: entries, bytes, and the largest body it stores.
API_RESPONSE_CACHE_MAX_ENTRIES = env.int("API_RESPONSE_CACHE_MAX_ENTRIES", default=2_000)
API_RESPONSE_CACHE_MAX_BYTES = env.int("API_RESPONSE_CACHE_MAX_BYTES", default=64 * 1024 * 1024)
API_RESPONSE_CACHE_MAX_BODY_BYTES = env.int("API_RESPONSE_CACHE_MAX_BODY_BYTES", default=256 * 1024)
# Failed authentications (well-formed keys that are unknown, revoked, expired…) one client address
# may make per window before keys it presents cost no more lookups (429; api/gateway/auth_guard.py).
# Tests default to a high limit: the whole suite calls from 127.0.0.1, and it is not a flood.
API_AUTH_FAILURE_LIMIT = env.int("API_AUTH_FAILURE_LIMIT", default=10_000 if IS_TEST else 60)
# The window of API_AUTH_FAILURE_LIMIT, in seconds (starts at an address's first failure).
API_AUTH_FAILURE_WINDOW_SECONDS = env.int("API_AUTH_FAILURE_WINDOW_SECONDS", default=60)
# Proxies of ours in front of the app that append to X-Forwarded-For; 0 (default): the client
# address is REMOTE_ADDR and X-Forwarded-For is ignored (a client could forge it).
API_TRUSTED_PROXY_COUNT = env.int("API_TRUSTED_PROXY_COUNT", default=0)
# Usage records wait in the process at most this long before going to Redis (usually they ride
# along with the next request's rate-limit call).
USAGE_PUSH_INTERVAL = env.float("USAGE_PUSH_INTERVAL", default=0.5)
# Seconds between beat's flushes of usage into PostgreSQL (openchance/celery.py).
USAGE_FLUSH_INTERVAL = env.float("USAGE_FLUSH_INTERVAL", default=5.0)
# /healthz fails its usage_flush check (503) when the oldest usage record not yet flushed is
# older than this (the flush is not running, or cannot advance).
USAGE_FLUSH_MAX_LAG_SECONDS = env.float("USAGE_FLUSH_MAX_LAG_SECONDS", default=60.0)
# Records a process keeps while Redis is unreachable; beyond that the oldest are dropped (logged).
USAGE_BUFFER_MAX_RECORDS = env.int("USAGE_BUFFER_MAX_RECORDS", default=100_000)
# After a Redis error the gateway uses its per-process fallback limiter for this long before it
# tries Redis again, so an outage does not cost every request a connection timeout.
GATEWAY_REDIS_RETRY_SECONDS = env.float("GATEWAY_REDIS_RETRY_SECONDS", default=1.0)
# https://docs.djangoproject.com/en/5.2/ref/settings/#data-upload-max-memory-size
# Larger API bodies are refused with 413 payload_too_large.
DATA_UPLOAD_MAX_MEMORY_SIZE = env.int("DATA_UPLOAD_MAX_MEMORY_SIZE", default=1024 * 1024)

# --- Billing: subscriptions, invoices, Stripe, dunning, alerts, caps (billing/; README "Billing")
# https://dj-stripe.dev/ — dj-stripe keeps Stripe's objects in the public schema.
DJSTRIPE_FOREIGN_KEY_TO_FIELD = "id"
STRIPE_LIVE_MODE = env.bool("STRIPE_LIVE_MODE", default=False)
# (billing settings below this line)
# Stripe (billing.stripe). Without a secret key for the mode, billing uses the manual provider
# (invoices marked paid by an operator), so `make run` works offline. dj-stripe wants
# "sk_test_"/"sk_live_" + 24 or more characters.
STRIPE_TEST_SECRET_KEY = env("STRIPE_TEST_SECRET_KEY", default="")
STRIPE_LIVE_SECRET_KEY = env("STRIPE_LIVE_SECRET_KEY", default="")
if env("STRIPE_API_HOST", default=""):  # another Stripe API server (localstripe in the tests)
    STRIPE_API_HOST = env("STRIPE_API_HOST")
# The provider of new subscriptions: "stripe" when the mode's secret key is set.
BILLING_PROVIDER = env(
    "BILLING_PROVIDER",
    default="stripe" if (STRIPE_LIVE_SECRET_KEY if STRIPE_LIVE_MODE else STRIPE_TEST_SECRET_KEY)
    else "manual",
)  # fmt: skip
# Stripe calls (billing.stripe.client): attempts on connection errors, 429 and 5xx, with
# exponential backoff (base doubling up to the max, jittered), each bounded by the timeout.
STRIPE_MAX_ATTEMPTS = env.int("STRIPE_MAX_ATTEMPTS", default=4)
STRIPE_RETRY_BASE_SECONDS = env.float("STRIPE_RETRY_BASE_SECONDS", default=0.5)
STRIPE_RETRY_MAX_SECONDS = env.float("STRIPE_RETRY_MAX_SECONDS", default=8.0)
STRIPE_TIMEOUT_SECONDS = env.float("STRIPE_TIMEOUT_SECONDS", default=20.0)
# Webhooks: dj-stripe's view at /stripe/webhook/<STRIPE_WEBHOOK_UUID>/ on the public host checks
# Stripe-Signature with the endpoint's signing secret; `manage.py billing_stripe_webhook` makes
# the WebhookEndpoint row from these and prints the URL to give Stripe.
# https://dj-stripe.dev/dj-stripe/usage/webhooks/
DJSTRIPE_WEBHOOK_VALIDATION = "verify_signature"
STRIPE_WEBHOOK_SECRET = env("STRIPE_WEBHOOK_SECRET", default="")
STRIPE_WEBHOOK_UUID = env("STRIPE_WEBHOOK_UUID", default="")
STRIPE_WEBHOOK_ENDPOINT_ID = env("STRIPE_WEBHOOK_ENDPOINT_ID", default="")
# Dunning (billing.services.dunning): after a failed payment, retry this many days after the
# first failure; restrict live API calls (402 payment_required) after this many days past due.
BILLING_DUNNING_RETRY_DAYS = env.list("BILLING_DUNNING_RETRY_DAYS", cast=int, default=[1, 3, 5, 7])
BILLING_DUNNING_RESTRICT_AFTER_DAYS = env.int("BILLING_DUNNING_RESTRICT_AFTER_DAYS", default=14)
# A collection that could not reach the provider (an outage, not a decline) is retried this
# many minutes later by the dunning beat; also the lease of a collection in progress.
BILLING_COLLECTION_RETRY_MINUTES = env.int("BILLING_COLLECTION_RETRY_MINUTES", default=10)
# How often the dunning beat runs (seconds).
BILLING_DUNNING_INTERVAL = env.int("BILLING_DUNNING_INTERVAL", default=300)
# Periods (calendar months, UTC) are closed by beat every BILLING_CLOSE_INTERVAL seconds, once
# they ended at least BILLING_CLOSE_GRACE_SECONDS ago and the usage flush holds nothing older.
BILLING_CLOSE_INTERVAL = env.int("BILLING_CLOSE_INTERVAL", default=300)
BILLING_CLOSE_GRACE_SECONDS = env.int("BILLING_CLOSE_GRACE_SECONDS", default=600)
# Days between an invoice's finalisation and its due date.
BILLING_INVOICE_DUE_DAYS = env.int("BILLING_INVOICE_DUE_DAYS", default=14)
# How often beat checks usage alerts (50/80/100 % of included calls, budgets, the spend cap).
BILLING_ALERTS_INTERVAL = env.int("BILLING_ALERTS_INTERVAL", default=60)
# The seller printed on invoices (billing.rendering; keys: name, address, email, tax_id).
BILLING_SELLER = env.json("BILLING_SELLER", default={})

# --- Production hardening
if IS_PRODUCTION:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_CONTENT_TYPE_NOSNIFF = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        # One line per outgoing request; webhook attempts are recorded in PostgreSQL anyway.
        "httpx": {"level": "WARNING"},
        # The stripe library logs every request at INFO; billing records what matters itself.
        "stripe": {"level": "WARNING"},
        # Beat sends a flush every few seconds: "received", "succeeded" and "sending due task"
        # lines per task would drown everything else. Failures are still logged (ERROR).
        "celery.app.trace": {"level": env("CELERY_TASK_LOG_LEVEL", default="WARNING")},
        "celery.worker.strategy": {"level": env("CELERY_TASK_LOG_LEVEL", default="WARNING")},
        "celery.beat": {"level": env("CELERY_TASK_LOG_LEVEL", default="WARNING")},
    },
}
