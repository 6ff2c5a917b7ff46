"""The OpenChance API SDK for Python: ``OpenChance`` (sync) and ``AsyncOpenChance`` (asyncio).

    from openchance import OpenChance

    client = OpenChance("oc_test_…", base_url="https://acme.openchance.dev")
    for challenge in client.challenges.list(limit=50):
        print(challenge["id"], challenge["title"])

The generated operations and models of the whole OpenAPI document are the ``openchance_api``
package (``openchance_api.api.challenges.challenges_list``, ``openchance_api.models.Challenge``),
called with ``client.generated`` (same retries and typed errors) or paged with
``client.paginate``.
"""

from ._client import AsyncOpenChance, OpenChance
from ._errors import (
    ApiConnectionError,
    ApiError,
    BadRequestError,
    ConflictError,
    IdempotencyKeyReusedError,
    InvalidApiKeyError,
    NotFoundError,
    OpenChanceError,
    PaymentRequiredError,
    PermissionDeniedError,
    QuotaExceededError,
    RateLimitedError,
    RequestInFlightError,
    ServerError,
    ServiceUnavailableError,
    UnprocessableError,
    ValidationError,
)
from ._retry import RetryInfo, RetryPolicy
from ._version import VERSION
from .stream import StreamClosedError
from .webhooks import Webhook, WebhookEvent, WebhookVerificationError

__version__ = VERSION
__all__ = [
    "VERSION",
    "ApiConnectionError",
    "ApiError",
    "AsyncOpenChance",
    "BadRequestError",
    "ConflictError",
    "IdempotencyKeyReusedError",
    "InvalidApiKeyError",
    "NotFoundError",
    "OpenChance",
    "OpenChanceError",
    "PaymentRequiredError",
    "PermissionDeniedError",
    "QuotaExceededError",
    "RateLimitedError",
    "RequestInFlightError",
    "RetryInfo",
    "RetryPolicy",
    "ServerError",
    "ServiceUnavailableError",
    "StreamClosedError",
    "UnprocessableError",
    "ValidationError",
    "Webhook",
    "WebhookEvent",
    "WebhookVerificationError",
]
