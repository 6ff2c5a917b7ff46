"""The one way billing calls Stripe: ``stripe_call``.

- The stripe library is configured from settings on every call (API key for the mode,
  ``STRIPE_API_HOST`` for another API server — localstripe in the tests — and a bounded timeout),
  so a worker never hangs on Stripe for long and tests can point it elsewhere.
- Every write carries an ``Idempotency-Key`` derived from our own ids
  (``idempotency_key("inv_…", "pay", 2)`` → ``oc-inv_…-pay-2``): a retry after a lost answer,
  a second worker or a second beat run replays Stripe's first answer instead of charging twice.
- Connection errors, 429 and 5xx are retried with exponential backoff and jitter
  (``STRIPE_MAX_ATTEMPTS`` attempts, ``STRIPE_RETRY_BASE_SECONDS`` doubling up to
  ``STRIPE_RETRY_MAX_SECONDS``); when they are exhausted ``StripeUnavailableError`` says so, and
  callers postpone the work (nothing is lost: see ``billing.stripe.provider``). Stripe's own
  answers — a declined card, a bad request — are raised at once, unretried.
"""

import logging
import random
import time
from collections.abc import Callable
from typing import TypeVar

import stripe
from django.conf import settings

logger = logging.getLogger(__name__)

T = TypeVar("T")

DEFAULT_API_BASE = "https://api.stripe.com"


class StripeNotConfiguredError(RuntimeError):
    """No secret key for the current mode (``STRIPE_LIVE_MODE``): use the manual provider."""


class StripeUnavailableError(RuntimeError):
    """Stripe could not be reached (or answered 429/5xx) on every attempt."""

    def __init__(self, message: str, *, attempts: int):
        super().__init__(message)
        self.attempts = attempts


def stripe_secret_key() -> str:
    """The secret key of the current mode, or "" when none is configured."""
    if getattr(settings, "STRIPE_LIVE_MODE", False):
        return getattr(settings, "STRIPE_LIVE_SECRET_KEY", "") or ""
    return getattr(settings, "STRIPE_TEST_SECRET_KEY", "") or ""


def stripe_is_configured() -> bool:
    return bool(stripe_secret_key())


def stripe_library_configure() -> None:
    """Point the stripe library (which dj-stripe shares, e.g. for the GET it makes when a
    webhook arrives) at the configured API server, with a bounded timeout and no retries of its
    own (one retry policy: ours; the library's skips 429 and would double the waits)."""
    stripe.api_base = getattr(settings, "STRIPE_API_HOST", "") or DEFAULT_API_BASE
    timeout = settings.STRIPE_TIMEOUT_SECONDS
    client = stripe.default_http_client
    if not isinstance(client, stripe.RequestsClient) or client._timeout != timeout:
        stripe.default_http_client = stripe.RequestsClient(timeout=timeout)
    stripe.max_network_retries = 0


def stripe_configure() -> str:
    """``stripe_library_configure`` and the secret key to call Stripe with (settings are read
    on every call, so tests and operators can point billing elsewhere without a restart)."""
    api_key = stripe_secret_key()
    if not api_key:
        raise StripeNotConfiguredError(
            "No Stripe secret key for this mode: set STRIPE_TEST_SECRET_KEY (or "
            "STRIPE_LIVE_SECRET_KEY with STRIPE_LIVE_MODE=true)."
        )
    stripe_library_configure()
    return api_key


def idempotency_key(*parts: object) -> str:
    """``oc-<part>-<part>…`` from our own ids (Stripe keeps keys for 24 hours; max 255 chars)."""
    key = "-".join(["oc", *(str(part) for part in parts)])
    if len(key) > 255:
        raise ValueError(f"idempotency key too long: {key[:60]}…")
    return key


def _is_retryable(error: stripe.StripeError) -> bool:
    if isinstance(error, stripe.APIConnectionError | stripe.RateLimitError):
        return True
    status = getattr(error, "http_status", None)
    return isinstance(error, stripe.APIError) or (status is not None and status >= 500)


def retry_delay(attempt: int) -> float:
    """Seconds to wait after failed attempt ``attempt`` (1-based): base × 2^(attempt-1), capped,
    with jitter in [50 %, 100 %] so workers retrying together spread out."""
    ceiling = min(
        settings.STRIPE_RETRY_BASE_SECONDS * (2 ** (attempt - 1)), settings.STRIPE_RETRY_MAX_SECONDS
    )
    return ceiling * (0.5 + random.random() / 2)  # noqa: S311 - jitter, not a secret


def stripe_call(
    operation: Callable[..., T],
    *args,
    idempotency_key: str | None = None,
    sleep: Callable[[float], None] = time.sleep,
    **params,
) -> T:
    """``operation(*args, **params)`` (a stripe library method, e.g. ``stripe.Customer.create``)
    with the configured key, ``idempotency_key`` (required for writes by convention: every POST
    billing makes passes one) and the retry policy of the module docstring."""
    api_key = stripe_configure()
    request_options = {"api_key": api_key}
    if idempotency_key:
        request_options["idempotency_key"] = idempotency_key
    attempts = settings.STRIPE_MAX_ATTEMPTS
    name = getattr(operation, "__qualname__", repr(operation))
    for attempt in range(1, attempts + 1):
        try:
            return operation(*args, **params, **request_options)
        except stripe.StripeError as error:
            if not _is_retryable(error):
                raise
            if attempt == attempts:
                logger.warning("Stripe %s failed %d times: %s", name, attempt, error)
                raise StripeUnavailableError(
                    f"Stripe unreachable ({name}, {attempt} attempts): "
                    f"{error.user_message or error.__class__.__name__}",
                    attempts=attempt,
                ) from error
            delay = retry_delay(attempt)
            logger.info("Stripe %s failed (%s); retry %d in %.2f s", name, error, attempt, delay)
            sleep(delay)
    raise AssertionError("unreachable")  # pragma: no cover - the loop returns or raises
