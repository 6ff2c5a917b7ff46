# frozen_string_literal: true

require "openchance"
require "rails/railtie"

module OpenChance
  # Rails integration: `config.openchance.api_key`, `.base_url`, `.webhook_secret` (defaults:
  # OPENCHANCE_API_KEY, OPENCHANCE_BASE_URL, OPENCHANCE_WEBHOOK_SECRET); `OpenChance.client` is
  # then configured in every process. Add `require "openchance/rails"` to the Gemfile's line
  # (`gem "openchance", require: "openchance/rails"`) or an initializer.
  class Railtie < ::Rails::Railtie
    config.openchance = ActiveSupport::OrderedOptions.new

    initializer "openchance.configure" do |app|
      options = app.config.openchance
      OpenChance.configure(
        api_key: options.api_key || ENV["OPENCHANCE_API_KEY"],
        base_url: options.base_url || ENV["OPENCHANCE_BASE_URL"],
        webhook_secret: options.webhook_secret || ENV["OPENCHANCE_WEBHOOK_SECRET"]
      )
    end
  end
end
