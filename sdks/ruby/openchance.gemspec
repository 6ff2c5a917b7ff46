# frozen_string_literal: true

require_relative "lib/openchance/version"

Gem::Specification.new do |spec|
  spec.name = "openchance"
  spec.version = OpenChance::VERSION
  spec.summary = "The OpenChance API SDK: retries, idempotency, auto-pagination, typed errors, webhooks, Rails."
  spec.authors = ["OpenChance"]
  spec.license = "MIT"
  spec.homepage = "https://docs.openchance.dev"
  spec.required_ruby_version = ">= 3.1"
  spec.files = Dir["lib/**/*.rb", "README.md"]
  spec.require_paths = ["lib"]
  # Only the standard library (net/http, json, openssl); Rails is optional (openchance/rails).
end
