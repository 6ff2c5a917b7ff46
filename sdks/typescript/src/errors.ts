/**
 * Typed errors: one class per problem `code` family, each carrying the problem's fields and the
 * `requestId` to quote to support. `errorFromProblem` picks the class by `code` first and by
 * HTTP status otherwise, so a code this version does not know still maps to a useful class.
 */

export type ProblemBody = {
  type?: string;
  title?: string;
  status?: number;
  detail?: string;
  code?: string;
  request_id?: string | null;
  errors?: Record<string, unknown>;
  retry_after?: number;
  [member: string]: unknown;
};

export type ErrorInit = {
  status?: number;
  code?: string;
  requestId?: string;
  problem?: ProblemBody;
  headers?: Record<string, string>;
  cause?: unknown;
};

export class OpenChanceError extends Error {
  readonly status: number | undefined;
  readonly code: string | undefined;
  readonly requestId: string | undefined;
  readonly problem: ProblemBody;
  readonly headers: Record<string, string>;

  constructor(message: string, init: ErrorInit = {}) {
    super(init.requestId ? `${message} (request_id ${init.requestId})` : message, {
      cause: init.cause,
    });
    this.name = new.target.name;
    this.status = init.status;
    this.code = init.code;
    this.requestId = init.requestId;
    this.problem = init.problem ?? {};
    this.headers = init.headers ?? {};
  }
}

/** No HTTP answer: the connection failed or timed out (after the retries). */
export class ApiConnectionError extends OpenChanceError {}
/** An `application/problem+json` answer (or any other 4xx/5xx). */
export class ApiError extends OpenChanceError {}
export class BadRequestError extends ApiError {}
/** 400 `validation_error`: `errors` holds the messages per field (nested for objects). */
export class ValidationError extends BadRequestError {
  get errors(): Record<string, unknown> {
    const errors = this.problem.errors;
    return errors && typeof errors === "object" ? errors : {};
  }
}
export class InvalidApiKeyError extends ApiError {}
/** 402 `payment_required` or `spend_cap_reached`. */
export class PaymentRequiredError extends ApiError {}
/** 403 `insufficient_scope` (`required_scope` in the problem) or `tenant_suspended`. */
export class PermissionDeniedError extends ApiError {}
export class NotFoundError extends ApiError {}
/** 409: the object's state refuses the action (`invalid_state_transition`) or another conflict. */
export class ConflictError extends ApiError {}
/** 409 `idempotency_request_in_flight` (retried automatically). */
export class RequestInFlightError extends ConflictError {}
/** 422: a business rule refuses the request. */
export class UnprocessableError extends ApiError {}
/** 422 `idempotency_key_reused`: the key was used with another request. */
export class IdempotencyKeyReusedError extends UnprocessableError {}
/** 429 `rate_limited` / `quota_exceeded` / `too_many_failed_authentications`. */
export class RateLimitedError extends ApiError {
  /** The server's wait in seconds (`Retry-After`). */
  get retryAfter(): number | undefined {
    const value = this.headers["retry-after"] ?? this.problem.retry_after;
    const seconds = Number(value);
    return value === undefined || Number.isNaN(seconds) ? undefined : seconds;
  }
}
export class QuotaExceededError extends RateLimitedError {}
/** 5xx: our side failed; `requestId` identifies it. */
export class ServerError extends ApiError {}
/** 503 (`database_unavailable`, `service_unavailable`, …); retried automatically. */
export class ServiceUnavailableError extends ServerError {}

type ErrorClass = new (message: string, init?: ErrorInit) => ApiError;

const BY_CODE: Record<string, ErrorClass> = {
  validation_error: ValidationError,
  invalid_api_key: InvalidApiKeyError,
  insufficient_scope: PermissionDeniedError,
  tenant_suspended: PermissionDeniedError,
  payment_required: PaymentRequiredError,
  spend_cap_reached: PaymentRequiredError,
  not_found: NotFoundError,
  idempotency_request_in_flight: RequestInFlightError,
  idempotency_key_reused: IdempotencyKeyReusedError,
  rate_limited: RateLimitedError,
  quota_exceeded: QuotaExceededError,
  too_many_failed_authentications: RateLimitedError,
};

const BY_STATUS: Record<number, ErrorClass> = {
  400: BadRequestError,
  401: InvalidApiKeyError,
  402: PaymentRequiredError,
  403: PermissionDeniedError,
  404: NotFoundError,
  409: ConflictError,
  422: UnprocessableError,
  429: RateLimitedError,
  503: ServiceUnavailableError,
};

export function errorFromProblem(
  status: number,
  body: unknown,
  headers: Record<string, string>,
): ApiError {
  const problem: ProblemBody =
    body && typeof body === "object" && !Array.isArray(body) ? (body as ProblemBody) : {};
  const code = typeof problem.code === "string" ? problem.code : undefined;
  const ErrorType =
    (code !== undefined ? BY_CODE[code] : undefined) ??
    BY_STATUS[status] ??
    (status >= 500 ? ServerError : ApiError);
  const requestId = problem.request_id ?? headers["x-request-id"] ?? undefined;
  return new ErrorType(String(problem.detail ?? problem.title ?? `HTTP ${status}`), {
    status,
    code,
    requestId: typeof requestId === "string" ? requestId : undefined,
    problem,
    headers,
  });
}
