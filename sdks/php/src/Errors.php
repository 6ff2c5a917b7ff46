<?php

namespace OpenChance;

/** Every error the SDK raises; API errors carry the problem's fields and the request id. */
class OpenChanceError extends \RuntimeException
{
    /** @param array<string, mixed> $problem @param array<string, string> $headers */
    public function __construct(
        string $message,
        public readonly ?int $status = null,
        public readonly ?string $errorCode = null,
        public readonly ?string $requestId = null,
        public readonly array $problem = [],
        public readonly array $headers = [],
        ?\Throwable $previous = null,
    ) {
        parent::__construct($requestId ? "$message (request_id $requestId)" : $message, 0, $previous);
    }

    /** @param array<string, string> $headers */
    public static function fromProblem(int $status, mixed $body, array $headers): ApiError
    {
        $problem = is_array($body) ? $body : [];
        $code = is_string($problem['code'] ?? null) ? $problem['code'] : null;
        $class = self::BY_CODE[$code ?? ''] ?? self::BY_STATUS[$status] ?? ($status >= 500 ? ServerError::class : ApiError::class);
        $message = (string) ($problem['detail'] ?? $problem['title'] ?? "HTTP $status");
        $requestId = $problem['request_id'] ?? $headers['x-request-id'] ?? null;
        return new $class($message, $status, $code, is_string($requestId) ? $requestId : null, $problem, $headers);
    }

    private const BY_CODE = [
        'validation_error' => ValidationError::class,
        'invalid_api_key' => InvalidApiKeyError::class,
        'insufficient_scope' => PermissionDeniedError::class,
        'tenant_suspended' => PermissionDeniedError::class,
        'payment_required' => PaymentRequiredError::class,
        'spend_cap_reached' => PaymentRequiredError::class,
        'not_found' => NotFoundError::class,
        'idempotency_request_in_flight' => RequestInFlightError::class,
        'idempotency_key_reused' => IdempotencyKeyReusedError::class,
        'rate_limited' => RateLimitedError::class,
        'quota_exceeded' => QuotaExceededError::class,
        'too_many_failed_authentications' => RateLimitedError::class,
    ];

    private const BY_STATUS = [
        400 => BadRequestError::class, 401 => InvalidApiKeyError::class, 402 => PaymentRequiredError::class,
        403 => PermissionDeniedError::class, 404 => NotFoundError::class, 409 => ConflictError::class,
        422 => UnprocessableError::class, 429 => RateLimitedError::class, 503 => ServiceUnavailableError::class,
    ];
}

/** No HTTP answer: the connection failed or timed out (after the retries). */
class ApiConnectionError extends OpenChanceError {}
/** An application/problem+json answer (or any other 4xx/5xx). */
class ApiError extends OpenChanceError {}
class BadRequestError extends ApiError {}
/** 400 validation_error: errors() holds the messages per field. */
class ValidationError extends BadRequestError
{
    /** @return array<string, mixed> */
    public function errors(): array
    {
        return is_array($this->problem['errors'] ?? null) ? $this->problem['errors'] : [];
    }
}
class InvalidApiKeyError extends ApiError {}
class PaymentRequiredError extends ApiError {}
class PermissionDeniedError extends ApiError {}
class NotFoundError extends ApiError {}
class ConflictError extends ApiError {}
class RequestInFlightError extends ConflictError {}
class UnprocessableError extends ApiError {}
class IdempotencyKeyReusedError extends UnprocessableError {}
/** 429 rate_limited / quota_exceeded / too_many_failed_authentications. */
class RateLimitedError extends ApiError
{
    /** The server's wait in seconds (Retry-After). */
    public function retryAfter(): ?float
    {
        $value = $this->headers['retry-after'] ?? $this->problem['retry_after'] ?? null;
        return is_numeric($value) ? (float) $value : null;
    }
}
class QuotaExceededError extends RateLimitedError {}
class ServerError extends ApiError {}
class ServiceUnavailableError extends ServerError {}
/** The signature, timestamp or body is not what the platform sent. */
class WebhookVerificationError extends OpenChanceError {}
