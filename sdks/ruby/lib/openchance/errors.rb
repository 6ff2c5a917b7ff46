# frozen_string_literal: true

module OpenChance
  # Every error the SDK raises; API errors carry the problem's fields and the request id.
  class OpenChanceError < StandardError
    attr_reader :status, :code, :request_id, :problem, :headers

    def initialize(message, status: nil, code: nil, request_id: nil, problem: {}, headers: {})
      super(request_id ? "#{message} (request_id #{request_id})" : message)
      @status = status
      @code = code
      @request_id = request_id
      @problem = problem || {}
      @headers = headers || {}
    end
  end

  # No HTTP answer: the connection failed or timed out (after the retries).
  class ApiConnectionError < OpenChanceError; end
  # An application/problem+json answer (or any other 4xx/5xx).
  class ApiError < OpenChanceError; end
  class BadRequestError < ApiError; end

  # 400 validation_error: #errors holds the messages per field.
  class ValidationError < BadRequestError
    def errors
      problem["errors"].is_a?(Hash) ? problem["errors"] : {}
    end
  end

  class InvalidApiKeyError < ApiError; end
  class PaymentRequiredError < ApiError; end
  class PermissionDeniedError < ApiError; end
  class NotFoundError < ApiError; end
  class ConflictError < ApiError; end
  class RequestInFlightError < ConflictError; end
  class UnprocessableError < ApiError; end
  class IdempotencyKeyReusedError < UnprocessableError; end

  # 429 rate_limited / quota_exceeded / too_many_failed_authentications.
  class RateLimitedError < ApiError
    # The server's wait in seconds (Retry-After).
    def retry_after
      value = headers["retry-after"] || problem["retry_after"]
      value.nil? ? nil : Float(value)
    rescue ArgumentError, TypeError
      nil
    end
  end

  class QuotaExceededError < RateLimitedError; end
  class ServerError < ApiError; end
  class ServiceUnavailableError < ServerError; end

  BY_CODE = {
    "validation_error" => ValidationError,
    "invalid_api_key" => InvalidApiKeyError,
    "insufficient_scope" => PermissionDeniedError,
    "tenant_suspended" => PermissionDeniedError,
    "payment_required" => PaymentRequiredError,
    "spend_cap_reached" => PaymentRequiredError,
    "not_found" => NotFoundError,
    "idempotency_request_in_flight" => RequestInFlightError,
    "idempotency_key_reused" => IdempotencyKeyReusedError,
    "rate_limited" => RateLimitedError,
    "quota_exceeded" => QuotaExceededError,
    "too_many_failed_authentications" => RateLimitedError
  }.freeze
  BY_STATUS = {
    400 => BadRequestError, 401 => InvalidApiKeyError, 402 => PaymentRequiredError,
    403 => PermissionDeniedError, 404 => NotFoundError, 409 => ConflictError,
    422 => UnprocessableError, 429 => RateLimitedError, 503 => ServiceUnavailableError
  }.freeze

  def self.error_from_problem(status, body, headers)
    problem = body.is_a?(Hash) ? body : {}
    code = problem["code"].is_a?(String) ? problem["code"] : nil
    klass = BY_CODE[code] || BY_STATUS[status] || (status >= 500 ? ServerError : ApiError)
    message = (problem["detail"] || problem["title"] || "HTTP #{status}").to_s
    request_id = problem["request_id"] || headers["x-request-id"]
    klass.new(message, status: status, code: code, request_id: request_id, problem: problem,
                       headers: headers)
  end
end
