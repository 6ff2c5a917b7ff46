package openchance

import (
	"fmt"
	"strconv"
)

// Error is every error answer of the API (application/problem+json), typed by Kind: compare with
// errors.As(err, &e) and e.Kind, or use the Is* helpers. RequestID identifies the call.
type Error struct {
	Kind      ErrorKind
	Status    int
	Code      string
	Title     string
	Detail    string
	RequestID string
	// Problem is the whole problem body (extra members depend on Code).
	Problem map[string]any
	Headers map[string]string
}

// ErrorKind names the error classes every OpenChance SDK shares (sdks/README.md).
type ErrorKind string

const (
	ApiConnectionError        ErrorKind = "ApiConnectionError"
	ApiError                  ErrorKind = "ApiError"
	BadRequestError           ErrorKind = "BadRequestError"
	ValidationError           ErrorKind = "ValidationError"
	InvalidApiKeyError        ErrorKind = "InvalidApiKeyError"
	PaymentRequiredError      ErrorKind = "PaymentRequiredError"
	PermissionDeniedError     ErrorKind = "PermissionDeniedError"
	NotFoundError             ErrorKind = "NotFoundError"
	ConflictError             ErrorKind = "ConflictError"
	RequestInFlightError      ErrorKind = "RequestInFlightError"
	UnprocessableError        ErrorKind = "UnprocessableError"
	IdempotencyKeyReusedError ErrorKind = "IdempotencyKeyReusedError"
	RateLimitedError          ErrorKind = "RateLimitedError"
	QuotaExceededError        ErrorKind = "QuotaExceededError"
	ServerError               ErrorKind = "ServerError"
	ServiceUnavailableError   ErrorKind = "ServiceUnavailableError"
)

var kindByCode = map[string]ErrorKind{
	"validation_error":                ValidationError,
	"invalid_api_key":                 InvalidApiKeyError,
	"insufficient_scope":              PermissionDeniedError,
	"tenant_suspended":                PermissionDeniedError,
	"payment_required":                PaymentRequiredError,
	"spend_cap_reached":               PaymentRequiredError,
	"not_found":                       NotFoundError,
	"idempotency_request_in_flight":   RequestInFlightError,
	"idempotency_key_reused":          IdempotencyKeyReusedError,
	"rate_limited":                    RateLimitedError,
	"quota_exceeded":                  QuotaExceededError,
	"too_many_failed_authentications": RateLimitedError,
}

var kindByStatus = map[int]ErrorKind{
	400: BadRequestError, 401: InvalidApiKeyError, 402: PaymentRequiredError,
	403: PermissionDeniedError, 404: NotFoundError, 409: ConflictError,
	422: UnprocessableError, 429: RateLimitedError, 503: ServiceUnavailableError,
}

func (e *Error) Error() string {
	message := e.Detail
	if message == "" {
		message = e.Title
	}
	if message == "" {
		message = fmt.Sprintf("HTTP %d", e.Status)
	}
	if e.RequestID != "" {
		return fmt.Sprintf("%s: %s (request_id %s)", e.Kind, message, e.RequestID)
	}
	return fmt.Sprintf("%s: %s", e.Kind, message)
}

// RetryAfter is the server's wait in seconds (429, 503), or 0.
func (e *Error) RetryAfter() float64 {
	if value, ok := e.Headers["retry-after"]; ok {
		if seconds, err := strconv.ParseFloat(value, 64); err == nil {
			return seconds
		}
	}
	if seconds, ok := e.Problem["retry_after"].(float64); ok {
		return seconds
	}
	return 0
}

// FieldErrors are a ValidationError's messages per field (nested for objects).
func (e *Error) FieldErrors() map[string]any {
	if fields, ok := e.Problem["errors"].(map[string]any); ok {
		return fields
	}
	return map[string]any{}
}

// IsRateLimited: a 429 of any code (QuotaExceededError included).
func (e *Error) IsRateLimited() bool {
	return e.Kind == RateLimitedError || e.Kind == QuotaExceededError
}

func errorFromProblem(status int, problem map[string]any, headers map[string]string) *Error {
	text := func(name string) string {
		value, _ := problem[name].(string)
		return value
	}
	code := text("code")
	kind, ok := kindByCode[code]
	if !ok {
		kind, ok = kindByStatus[status]
	}
	if !ok {
		kind = ApiError
		if status >= 500 {
			kind = ServerError
		}
	}
	requestID := text("request_id")
	if requestID == "" {
		requestID = headers["x-request-id"]
	}
	return &Error{
		Kind: kind, Status: status, Code: code, Title: text("title"), Detail: text("detail"),
		RequestID: requestID, Problem: problem, Headers: headers,
	}
}
