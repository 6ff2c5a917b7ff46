package dev.openchance;

import java.util.Map;

/**
 * Every error the SDK raises; API errors carry the problem's fields and the request id. The
 * subclasses are the classes every OpenChance SDK shares (sdks/README.md).
 */
public class OpenChanceException extends RuntimeException {
    public final Integer status;
    public final String code;
    public final String requestId;
    public final Map<String, Object> problem;
    public final Map<String, String> headers;

    public OpenChanceException(String message, Integer status, String code, String requestId,
            Map<String, Object> problem, Map<String, String> headers, Throwable cause) {
        super(requestId != null ? message + " (request_id " + requestId + ")" : message, cause);
        this.status = status;
        this.code = code;
        this.requestId = requestId;
        this.problem = problem == null ? Map.of() : problem;
        this.headers = headers == null ? Map.of() : headers;
    }

    /** No HTTP answer: the connection failed or timed out (after the retries). */
    public static class ApiConnectionError extends OpenChanceException {
        public ApiConnectionError(String message, Throwable cause) { super(message, null, null, null, null, null, cause); }
    }

    /** An application/problem+json answer (or any other 4xx/5xx). */
    public static class ApiError extends OpenChanceException {
        public ApiError(String m, int s, String c, String r, Map<String, Object> p, Map<String, String> h) { super(m, s, c, r, p, h, null); }
    }

    public static class BadRequestError extends ApiError {
        public BadRequestError(String m, int s, String c, String r, Map<String, Object> p, Map<String, String> h) { super(m, s, c, r, p, h); }
    }

    /** 400 validation_error: errors() holds the messages per field. */
    public static class ValidationError extends BadRequestError {
        public ValidationError(String m, int s, String c, String r, Map<String, Object> p, Map<String, String> h) { super(m, s, c, r, p, h); }

        @SuppressWarnings("unchecked")
        public Map<String, Object> errors() {
            Object errors = problem.get("errors");
            return errors instanceof Map ? (Map<String, Object>) errors : Map.of();
        }
    }

    public static class InvalidApiKeyError extends ApiError {
        public InvalidApiKeyError(String m, int s, String c, String r, Map<String, Object> p, Map<String, String> h) { super(m, s, c, r, p, h); }
    }

    public static class PaymentRequiredError extends ApiError {
        public PaymentRequiredError(String m, int s, String c, String r, Map<String, Object> p, Map<String, String> h) { super(m, s, c, r, p, h); }
    }

    public static class PermissionDeniedError extends ApiError {
        public PermissionDeniedError(String m, int s, String c, String r, Map<String, Object> p, Map<String, String> h) { super(m, s, c, r, p, h); }
    }

    public static class NotFoundError extends ApiError {
        public NotFoundError(String m, int s, String c, String r, Map<String, Object> p, Map<String, String> h) { super(m, s, c, r, p, h); }
    }

    public static class ConflictError extends ApiError {
        public ConflictError(String m, int s, String c, String r, Map<String, Object> p, Map<String, String> h) { super(m, s, c, r, p, h); }
    }

    public static class RequestInFlightError extends ConflictError {
        public RequestInFlightError(String m, int s, String c, String r, Map<String, Object> p, Map<String, String> h) { super(m, s, c, r, p, h); }
    }

    public static class UnprocessableError extends ApiError {
        public UnprocessableError(String m, int s, String c, String r, Map<String, Object> p, Map<String, String> h) { super(m, s, c, r, p, h); }
    }

    public static class IdempotencyKeyReusedError extends UnprocessableError {
        public IdempotencyKeyReusedError(String m, int s, String c, String r, Map<String, Object> p, Map<String, String> h) { super(m, s, c, r, p, h); }
    }

    /** 429 rate_limited / quota_exceeded / too_many_failed_authentications. */
    public static class RateLimitedError extends ApiError {
        public RateLimitedError(String m, int s, String c, String r, Map<String, Object> p, Map<String, String> h) { super(m, s, c, r, p, h); }

        /** The server's wait in seconds (Retry-After), or null. */
        public Double retryAfter() {
            Object value = headers.containsKey("retry-after") ? headers.get("retry-after") : problem.get("retry_after");
            try {
                return value == null ? null : Double.valueOf(value.toString());
            } catch (NumberFormatException e) {
                return null;
            }
        }
    }

    public static class QuotaExceededError extends RateLimitedError {
        public QuotaExceededError(String m, int s, String c, String r, Map<String, Object> p, Map<String, String> h) { super(m, s, c, r, p, h); }
    }

    public static class ServerError extends ApiError {
        public ServerError(String m, int s, String c, String r, Map<String, Object> p, Map<String, String> h) { super(m, s, c, r, p, h); }
    }

    public static class ServiceUnavailableError extends ServerError {
        public ServiceUnavailableError(String m, int s, String c, String r, Map<String, Object> p, Map<String, String> h) { super(m, s, c, r, p, h); }
    }

    /** The signature, timestamp or body is not what the platform sent. */
    public static class WebhookVerificationError extends OpenChanceException {
        public WebhookVerificationError(String message) { super(message, null, null, null, null, null, null); }
    }

    @FunctionalInterface
    interface Factory {
        ApiError make(String m, int s, String c, String r, Map<String, Object> p, Map<String, String> h);
    }

    private static final Map<String, Factory> BY_CODE = Map.ofEntries(
            Map.entry("validation_error", ValidationError::new),
            Map.entry("invalid_api_key", InvalidApiKeyError::new),
            Map.entry("insufficient_scope", PermissionDeniedError::new),
            Map.entry("tenant_suspended", PermissionDeniedError::new),
            Map.entry("payment_required", PaymentRequiredError::new),
            Map.entry("spend_cap_reached", PaymentRequiredError::new),
            Map.entry("not_found", NotFoundError::new),
            Map.entry("idempotency_request_in_flight", RequestInFlightError::new),
            Map.entry("idempotency_key_reused", IdempotencyKeyReusedError::new),
            Map.entry("rate_limited", RateLimitedError::new),
            Map.entry("quota_exceeded", QuotaExceededError::new),
            Map.entry("too_many_failed_authentications", RateLimitedError::new));

    private static final Map<Integer, Factory> BY_STATUS = Map.of(
            400, BadRequestError::new, 401, InvalidApiKeyError::new, 402, PaymentRequiredError::new,
            403, PermissionDeniedError::new, 404, NotFoundError::new, 409, ConflictError::new,
            422, UnprocessableError::new, 429, RateLimitedError::new, 503, ServiceUnavailableError::new);

    static ApiError fromProblem(int status, Map<String, Object> problem, Map<String, String> headers) {
        Map<String, Object> body = problem == null ? Map.of() : problem;
        String code = body.get("code") instanceof String ? (String) body.get("code") : null;
        Factory factory = code != null ? BY_CODE.get(code) : null;
        if (factory == null) factory = BY_STATUS.get(status);
        if (factory == null) factory = status >= 500 ? ServerError::new : ApiError::new;
        Object detail = body.getOrDefault("detail", body.getOrDefault("title", "HTTP " + status));
        Object requestId = body.get("request_id") != null ? body.get("request_id") : headers.get("x-request-id");
        return factory.make(String.valueOf(detail), status, code, requestId == null ? null : requestId.toString(), body, headers);
    }
}
