# frozen_string_literal: true

module OpenChance
  # A controller concern for webhook endpoints (Rails or any Rack controller with `request`,
  # `head`): verifies the signature before the action and exposes the event.
  #
  #   class OpenChanceWebhooksController < ActionController::API
  #     include OpenChance::WebhookController
  #
  #     def create
  #       case openchance_event.type
  #       when "challenge.created" then Challenge.sync(openchance_event.object)
  #       end
  #       head :ok
  #     end
  #   end
  #
  # An unverifiable request is answered 400 and the action never runs.
  module WebhookController
    def self.included(base)
      base.before_action(:verify_openchance_webhook!) if base.respond_to?(:before_action)
    end

    def openchance_event
      @openchance_event
    end

    # The verified event of the current request, or a 400 answer.
    def verify_openchance_webhook!
      secret = OpenChance.webhook_secret or raise ArgumentError, "configure webhook_secret first"
      body = request.body.read
      request.body.rewind if request.body.respond_to?(:rewind)
      @openchance_event = Webhook.new(secret).verify(body, request.headers)
    rescue WebhookVerificationError
      head :bad_request
    end
  end
end
