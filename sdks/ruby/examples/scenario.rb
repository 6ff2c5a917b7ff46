# frozen_string_literal: true

# The SDK scenario in Ruby (sdks/tests/test_ruby.py runs it against the live platform), the same
# steps as sdks/tests/e2e/scenario.py; prints one JSON object.
require "base64"
require "json"
require "net/http"
require "securerandom"
require "openchance"

retries = []
client = OpenChance::Client.new(max_retries: 5, on_retry: ->(info) { retries << info })
tag = "sdk-ruby-#{SecureRandom.hex(3)}"
result = {}

result["created"] = 3.times.map { |n| client.challenges.create({ title: "#{tag} #{n}" })["id"] }
first_page = client.request("GET", "/v1/challenges", query: { limit: 2, search: tag })
result["first_page"] = { "size" => first_page["data"].size, "has_more" => first_page["has_more"] }
result["listed"] = client.challenges.list(limit: 2, search: tag).map { |challenge| challenge["id"] }

key = SecureRandom.uuid
first = client.challenges.create({ title: "#{tag} once" }, idempotency_key: key)
again = client.challenges.create({ title: "#{tag} once" }, idempotency_key: key)
result["idempotent_replay"] = first["id"] == again["id"]

begin
  client.challenges.retrieve("chl_doesnotexist")
rescue OpenChance::NotFoundError => e
  result["not_found"] = { "error" => e.class.name.split("::").last, "request_id" => e.request_id }
end
begin
  client.challenges.create({})
rescue OpenChance::ValidationError => e
  result["validation"] = { "error" => e.class.name.split("::").last, "fields" => e.errors.keys.sort }
end

impatient = OpenChance::Client.new(max_retries: 0)
60.times do
  impatient.request("GET", "/v1/me")
rescue OpenChance::RateLimitedError => e
  result["rate_limited"] = {
    "error" => e.class.name.split("::").last, "status" => e.status, "code" => e.code,
    "retry_after" => e.retry_after, "request_id" => e.request_id
  }
  break
end
retries.clear
calls = 0
while retries.empty? && calls < 40
  calls += 1
  raise "not me" unless client.request("GET", "/v1/me")["object"] == "me"
end
result["retried"] = { "ok" => true, "retries" => retries.size, "calls" => calls }

endpoint = client.webhook_endpoints.create({ url: ENV.fetch("OC_SINK_URL"), events: ["challenge.created"] })
expected = client.challenges.create({ title: "#{tag} hooked" })["id"]
webhook = OpenChance::Webhook.new(endpoint["secret"])
outcome = { "type" => nil, "object_id" => nil, "expected_id" => expected }
deadline = Time.now + 30
while Time.now < deadline && outcome["type"].nil?
  JSON.parse(Net::HTTP.get(URI(ENV.fetch("OC_SINK_RECEIVED_URL")))).each do |delivery|
    body = Base64.strict_decode64(delivery["body_base64"])
    event = webhook.verify(body, delivery["headers"])
    next unless event.object["id"] == expected

    tampered_rejected = begin
      webhook.verify(body.sub("hooked", "hacked"), delivery["headers"])
      false
    rescue OpenChance::WebhookVerificationError
      true
    end
    outcome = { "type" => event.type, "object_id" => event.object["id"], "expected_id" => expected,
                "tampered_rejected" => tampered_rejected }
  end
  sleep 0.3
end
result["webhook"] = outcome
puts JSON.generate(result)
