# frozen_string_literal: true

require "json"
require "net/http"
require "securerandom"
require "uri"

module OpenChance
  DEFAULT_BASE_URL = "https://api.openchance.dev"
  RETRYABLE = [409, 429, 500, 502, 503, 504].freeze

  # What on_retry is told before each retry (status nil: a connection error).
  RetryInfo = Struct.new(:attempt, :method, :url, :status, :delay, keyword_init: true)

  # The client: configuration, retries with exponential backoff and jitter (connection errors,
  # 409 idempotency_request_in_flight, 429 and 5xx, honouring Retry-After), an Idempotency-Key
  # on every POST and PATCH (generated when none is given, the same on every retry), typed
  # errors and auto-pagination (#list returns an Enumerator that fetches pages as it goes).
  class Client
    attr_reader :api_key, :base_url, :timeout, :max_retries

    def initialize(api_key: nil, base_url: nil, timeout: 30, max_retries: 2,
                   initial_retry_delay: 0.5, max_retry_delay: 8, max_retry_after: 60, on_retry: nil)
      @api_key = api_key || ENV["OPENCHANCE_API_KEY"]
      raise ArgumentError, "api_key is required (or set OPENCHANCE_API_KEY)" if @api_key.to_s.empty?

      @base_url = (base_url || ENV["OPENCHANCE_BASE_URL"] || DEFAULT_BASE_URL).sub(%r{/+\z}, "")
      @timeout = timeout
      @max_retries = max_retries
      @initial_retry_delay = initial_retry_delay
      @max_retry_delay = max_retry_delay
      @max_retry_after = max_retry_after
      @on_retry = on_retry
    end

    def challenges = Resource.new(self, "/v1/challenges")
    def applications = Resource.new(self, "/v1/applications")
    def messages = Resource.new(self, "/v1/messages")
    def reviews = Resource.new(self, "/v1/reviews")
    def events = Resource.new(self, "/v1/events")
    def webhook_endpoints = Resource.new(self, "/v1/webhook_endpoints")

    # One call (with its retries): the parsed JSON, or nil for an empty answer.
    def request(method, path, query: nil, body: nil, idempotency_key: nil)
      method = method.to_s.upcase
      uri = URI("#{@base_url}#{path}")
      params = (query || {}).reject { |_, value| value.nil? }
                            .transform_values { |value| value.is_a?(Array) ? value.join(",") : value.to_s }
      uri.query = URI.encode_www_form(params) unless params.empty?
      headers = {
        "Authorization" => "Bearer #{@api_key}",
        "Accept" => "application/json",
        "User-Agent" => "openchance-ruby/#{VERSION}"
      }
      headers["Content-Type"] = "application/json" unless body.nil?
      if %w[POST PATCH].include?(method)
        headers["Idempotency-Key"] = idempotency_key || SecureRandom.uuid
      end
      payload = body.nil? ? nil : JSON.generate(body)
      retry_number = 0
      loop do
        retry_number += 1
        begin
          response = perform(method, uri, headers, payload)
        rescue SystemCallError, IOError, Timeout::Error, SocketError, OpenSSL::SSL::SSLError => e
          delay = retry_delay(retry_number, nil, nil)
          raise ApiConnectionError.new("Connection failed: #{e.message}") if delay.nil?

          notify(retry_number, method, uri, nil, delay)
          sleep(delay)
          next
        end
        status = response.code.to_i
        parsed = parse(response.body)
        return parsed if status < 400

        delay = retry_delay(retry_number, response, parsed)
        if delay.nil?
          lowered = response.each_header.to_h.transform_keys(&:downcase)
          raise OpenChance.error_from_problem(status, parsed, lowered)
        end
        notify(retry_number, method, uri, status, delay)
        sleep(delay)
      end
    end

    # Every object of the cursor list at path, page after page (an Enumerator).
    def list(path, **query)
      Enumerator.new do |yielder|
        cursor = nil
        loop do
          page = request("GET", path, query: query.merge(cursor: cursor))
          page.fetch("data").each { |item| yielder << item }
          cursor = page["has_more"] ? page["next_cursor"] : nil
          break if cursor.nil? || cursor.empty?
        end
      end
    end

    def backoff(retry_number)
      base = [@max_retry_delay, @initial_retry_delay * (2**(retry_number - 1))].min
      base * (0.5 + (rand / 2))
    end

    private

    def perform(method, uri, headers, payload)
      Net::HTTP.start(uri.host, uri.port, use_ssl: uri.scheme == "https",
                                          open_timeout: @timeout, read_timeout: @timeout,
                                          write_timeout: @timeout) do |http|
        request = Net::HTTPGenericRequest.new(method, !payload.nil?, method != "HEAD", uri.request_uri, headers)
        request.body = payload
        http.request(request)
      end
    end

    def parse(body)
      body.nil? || body.empty? ? nil : JSON.parse(body)
    rescue JSON::ParserError
      nil
    end

    def retry_delay(retry_number, response, body)
      return nil if retry_number > @max_retries
      return backoff(retry_number) if response.nil?

      status = response.code.to_i
      return nil unless RETRYABLE.include?(status)
      return nil if status == 409 && !(body.is_a?(Hash) && body["code"] == "idempotency_request_in_flight")

      header = response["retry-after"]
      seconds = header && Float(header, exception: false)
      return backoff(retry_number) if seconds.nil?

      seconds <= @max_retry_after ? [seconds, 0].max : nil
    end

    def notify(retry_number, method, uri, status, delay)
      @on_retry&.call(RetryInfo.new(attempt: retry_number, method: method, url: uri.to_s, status: status,
                                    delay: delay))
    end
  end

  # The verbs of one collection.
  class Resource
    attr_reader :path

    def initialize(client, path)
      @client = client
      @path = path
    end

    def list(**query) = @client.list(@path, **query)
    def retrieve(id, **query) = @client.request("GET", "#{@path}/#{id}", query: query)

    def create(body, idempotency_key: nil)
      @client.request("POST", @path, body: body, idempotency_key: idempotency_key)
    end

    def update(id, body, idempotency_key: nil)
      @client.request("PATCH", "#{@path}/#{id}", body: body, idempotency_key: idempotency_key)
    end

    def delete(id) = @client.request("DELETE", "#{@path}/#{id}")

    # A POST on one object (publish, close, accept…).
    def action(id, action, body = {}, idempotency_key: nil)
      @client.request("POST", "#{@path}/#{id}/#{action}", body: body, idempotency_key: idempotency_key)
    end
  end
end
