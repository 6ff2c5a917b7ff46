# frozen_string_literal: true

# The OpenChance API SDK for Ruby: OpenChance::Client (retries, idempotency keys, typed errors,
# auto-pagination), OpenChance::Webhook (Standard Webhooks verification) and, for Rails,
# openchance/rails (a Railtie) with OpenChance::WebhookController. The generated client of the
# whole OpenAPI document is the openchance_api gem in sdks/ruby/generated.
require_relative "openchance/version"
require_relative "openchance/errors"
require_relative "openchance/client"
require_relative "openchance/webhook"
require_relative "openchance/webhook_controller"

module OpenChance
  class << self
    attr_reader :client, :webhook_secret

    # Configure the process-wide client (the Railtie calls this).
    def configure(api_key: nil, base_url: nil, webhook_secret: nil, **options)
      @webhook_secret = webhook_secret
      @client = Client.new(api_key: api_key, base_url: base_url, **options) if api_key || ENV["OPENCHANCE_API_KEY"]
    end
  end
end
