# frozen_string_literal: true

require "base64"
require "json"
require "openssl"

module OpenChance
  # The signature, timestamp or body is not what the platform sent.
  class WebhookVerificationError < OpenChanceError; end

  # An event (webhook body): the typed union is by #type; #object is data.object.
  Event = Struct.new(:id, :type, :created_at, :livemode, :request_id, :object, :raw, keyword_init: true) do
    def challenge? = type.start_with?("challenge.")
    def application? = type.start_with?("application.")
    def message? = type.start_with?("message.")
    def review? = type.start_with?("review.")
    def ping? = type == "ping"
  end

  # Verifies deliveries signed per Standard Webhooks v1 (whsec_ secrets; any one of several
  # space-separated signatures may match during a rotation; 5 minutes' timestamp tolerance).
  class Webhook
    def initialize(secret, tolerance: 300)
      @key = Base64.strict_decode64(secret.delete_prefix("whsec_"))
      @tolerance = tolerance
    rescue ArgumentError
      raise ArgumentError, "not a webhook secret (whsec_…)"
    end

    def sign(message_id, timestamp, body)
      digest = OpenSSL::HMAC.digest("SHA256", @key, "#{message_id}.#{timestamp}.#{body}")
      "v1,#{Base64.strict_encode64(digest)}"
    end

    # body: the raw request body; headers: a Hash (any case) or a Rack/Rails request's headers.
    def verify(body, headers)
      lookup = ->(name) { header(headers, name) }
      message_id = lookup.call("webhook-id")
      timestamp = lookup.call("webhook-timestamp")
      signatures = lookup.call("webhook-signature")
      if [message_id, timestamp, signatures].any? { |value| value.nil? || value.empty? }
        raise WebhookVerificationError, "missing webhook-id, -timestamp or -signature header"
      end
      raise WebhookVerificationError, "webhook-timestamp is not a number" unless timestamp.match?(/\A\d+\z/)
      if (Time.now.to_i - timestamp.to_i).abs > @tolerance
        raise WebhookVerificationError, "webhook-timestamp is outside the tolerance"
      end

      expected = sign(message_id, timestamp, body)
      matched = signatures.split(" ").any? do |candidate|
        candidate.start_with?("v1,") && candidate.bytesize == expected.bytesize &&
          OpenSSL.fixed_length_secure_compare(candidate, expected)
      end
      raise WebhookVerificationError, "no signature matches" unless matched

      payload = JSON.parse(body)
      raise WebhookVerificationError, "the body is not an event" unless payload.is_a?(Hash) && payload["type"].is_a?(String)

      Event.new(id: payload["id"], type: payload["type"], created_at: payload["created_at"],
                livemode: payload["livemode"], request_id: payload["request_id"],
                object: payload.dig("data", "object"), raw: payload)
    rescue JSON::ParserError
      raise WebhookVerificationError, "the body is not JSON"
    end

    private

    def header(headers, name)
      if headers.respond_to?(:to_h) && !headers.is_a?(Hash) && headers.respond_to?(:[])
        value = headers[name] || headers["HTTP_#{name.upcase.tr('-', '_')}"]
        return value if value
      end
      headers.each { |key, value| return value if key.to_s.downcase.tr("_", "-").delete_prefix("http-") == name }
      nil
    end
  end
end
