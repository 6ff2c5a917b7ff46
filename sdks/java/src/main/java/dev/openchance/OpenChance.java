package dev.openchance;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;

/**
 * The client (java.net.http + Jackson): configuration, retries with exponential backoff and
 * jitter (connection errors, 409 idempotency_request_in_flight, 429 and 5xx, honouring
 * Retry-After), an Idempotency-Key on every POST and PATCH (generated when none is given, the
 * same on every retry), typed errors and auto-pagination (list() is a lazy Iterable).
 */
public final class OpenChance {
    public static final String VERSION = "1.0.0"; // follows the API document's info.version
    public static final String DEFAULT_BASE_URL = "https://api.openchance.dev";
    private static final Set<Integer> RETRYABLE = Set.of(409, 429, 500, 502, 503, 504);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** What onRetry is told before each retry (status null: a connection error). */
    public record RetryInfo(int attempt, String method, String url, Integer status, double delay) {}

    /** Configuration; every setter returns the builder. */
    public static final class Builder {
        String apiKey = System.getenv("OPENCHANCE_API_KEY");
        String baseUrl = System.getenv("OPENCHANCE_BASE_URL");
        Duration timeout = Duration.ofSeconds(30);
        int maxRetries = 2;
        double initialRetryDelay = 0.5;
        double maxRetryDelay = 8;
        double maxRetryAfter = 60;
        Consumer<RetryInfo> onRetry;

        public Builder apiKey(String value) { apiKey = value; return this; }
        public Builder baseUrl(String value) { baseUrl = value; return this; }
        public Builder timeout(Duration value) { timeout = value; return this; }
        public Builder maxRetries(int value) { maxRetries = value; return this; }
        public Builder initialRetryDelay(double seconds) { initialRetryDelay = seconds; return this; }
        public Builder maxRetryDelay(double seconds) { maxRetryDelay = seconds; return this; }
        public Builder maxRetryAfter(double seconds) { maxRetryAfter = seconds; return this; }
        public Builder onRetry(Consumer<RetryInfo> value) { onRetry = value; return this; }
        public OpenChance build() { return new OpenChance(this); }
    }

    public static Builder builder() { return new Builder(); }

    private final Builder config;
    private final String baseUrl;
    private final HttpClient http;

    private OpenChance(Builder config) {
        if (config.apiKey == null || config.apiKey.isEmpty()) {
            throw new IllegalArgumentException("apiKey is required (or set OPENCHANCE_API_KEY)");
        }
        this.config = config;
        String base = config.baseUrl == null || config.baseUrl.isEmpty() ? DEFAULT_BASE_URL : config.baseUrl;
        this.baseUrl = base.replaceAll("/+$", "");
        this.http = HttpClient.newBuilder().connectTimeout(config.timeout).build();
    }

    public Resource challenges() { return new Resource(this, "/v1/challenges"); }
    public Resource applications() { return new Resource(this, "/v1/applications"); }
    public Resource messages() { return new Resource(this, "/v1/messages"); }
    public Resource reviews() { return new Resource(this, "/v1/reviews"); }
    public Resource events() { return new Resource(this, "/v1/events"); }
    public Resource webhookEndpoints() { return new Resource(this, "/v1/webhook_endpoints"); }

    double backoff(int retry) {
        double base = Math.min(config.maxRetryDelay, config.initialRetryDelay * Math.pow(2, retry - 1));
        return base * (0.5 + ThreadLocalRandom.current().nextDouble() / 2);
    }

    /** One call (with its retries): the decoded JSON object, or null for an empty answer. */
    public Map<String, Object> request(String method, String path, Map<String, ?> query, Object body, String idempotencyKey) {
        method = method.toUpperCase();
        StringBuilder target = new StringBuilder(baseUrl).append(path);
        if (query != null) {
            String separator = "?";
            for (Map.Entry<String, ?> entry : query.entrySet()) {
                if (entry.getValue() == null) continue;
                target.append(separator).append(URLEncoder.encode(entry.getKey(), StandardCharsets.UTF_8)).append('=')
                        .append(URLEncoder.encode(String.valueOf(entry.getValue()), StandardCharsets.UTF_8));
                separator = "&";
            }
        }
        byte[] payload;
        try {
            payload = body == null ? null : JSON.writeValueAsBytes(body);
        } catch (IOException e) {
            throw new IllegalArgumentException(e);
        }
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(target.toString()))
                .timeout(config.timeout)
                .header("Authorization", "Bearer " + config.apiKey)
                .header("Accept", "application/json")
                .header("User-Agent", "openchance-java/" + VERSION)
                .method(method, payload == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(payload));
        if (payload != null) builder.header("Content-Type", "application/json");
        if (method.equals("POST") || method.equals("PATCH")) {
            builder.header("Idempotency-Key", idempotencyKey != null ? idempotencyKey : UUID.randomUUID().toString());
        }
        HttpRequest request = builder.build();
        for (int retry = 1; ; retry++) {
            HttpResponse<byte[]> response;
            try {
                response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
            } catch (IOException e) {
                Double delay = retryDelay(retry, null, null);
                if (delay == null) throw new OpenChanceException.ApiConnectionError("Connection failed: " + e, e);
                wait(retry, method, target.toString(), null, delay);
                continue;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new OpenChanceException.ApiConnectionError("Interrupted", e);
            }
            Map<String, Object> decoded = decode(response.body());
            if (response.statusCode() < 400) return decoded;
            Double delay = retryDelay(retry, response, decoded);
            if (delay == null) {
                Map<String, String> headers = new LinkedHashMap<>();
                response.headers().map().forEach((name, values) -> headers.put(name.toLowerCase(), String.join(", ", values)));
                throw OpenChanceException.fromProblem(response.statusCode(), decoded, headers);
            }
            wait(retry, method, target.toString(), response.statusCode(), delay);
        }
    }

    public Map<String, Object> request(String method, String path) { return request(method, path, null, null, null); }

    private static Map<String, Object> decode(byte[] content) {
        if (content == null || content.length == 0) return null;
        try {
            return JSON.readValue(content, new TypeReference<Map<String, Object>>() {});
        } catch (IOException e) {
            return null;
        }
    }

    private Double retryDelay(int retry, HttpResponse<byte[]> response, Map<String, Object> body) {
        if (retry > config.maxRetries) return null;
        if (response == null) return backoff(retry);
        int status = response.statusCode();
        if (!RETRYABLE.contains(status)) return null;
        if (status == 409 && (body == null || !"idempotency_request_in_flight".equals(body.get("code")))) return null;
        String header = response.headers().firstValue("retry-after").orElse(null);
        double seconds;
        try {
            seconds = header == null ? -1 : Double.parseDouble(header);
        } catch (NumberFormatException e) {
            seconds = -1;
        }
        if (seconds < 0) return backoff(retry);
        return seconds <= config.maxRetryAfter ? seconds : null;
    }

    private void wait(int retry, String method, String url, Integer status, double delay) {
        if (config.onRetry != null) config.onRetry.accept(new RetryInfo(retry, method, url, status, delay));
        try {
            Thread.sleep((long) (delay * 1000));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new OpenChanceException.ApiConnectionError("Interrupted", e);
        }
    }

    /** Every object of the cursor list at path, fetched page after page as it is iterated. */
    public Iterable<Map<String, Object>> list(String path, Map<String, ?> query) {
        return () -> new Iterator<>() {
            private List<Map<String, Object>> page = new ArrayList<>();
            private int index;
            private String cursor;
            private boolean started;

            @SuppressWarnings("unchecked")
            @Override
            public boolean hasNext() {
                while (index >= page.size()) {
                    if (started && cursor == null) return false;
                    Map<String, Object> parameters = new LinkedHashMap<>(query == null ? Map.of() : query);
                    if (cursor != null) parameters.put("cursor", cursor);
                    Map<String, Object> answer = request("GET", path, parameters, null, null);
                    started = true;
                    page = (List<Map<String, Object>>) answer.get("data");
                    index = 0;
                    Object next = answer.get("next_cursor");
                    cursor = Boolean.TRUE.equals(answer.get("has_more")) && next instanceof String && !((String) next).isEmpty() ? (String) next : null;
                    if (page.isEmpty() && cursor == null) return false;
                }
                return true;
            }

            @Override
            public Map<String, Object> next() {
                if (!hasNext()) throw new NoSuchElementException();
                return page.get(index++);
            }
        };
    }

    /** The verbs of one collection. */
    public static final class Resource {
        private final OpenChance client;
        public final String path;

        Resource(OpenChance client, String path) {
            this.client = client;
            this.path = path;
        }

        public Iterable<Map<String, Object>> list(Map<String, ?> query) { return client.list(path, query); }
        public Map<String, Object> retrieve(String id) { return client.request("GET", path + "/" + id); }
        public Map<String, Object> create(Object body) { return create(body, null); }
        public Map<String, Object> create(Object body, String idempotencyKey) { return client.request("POST", path, null, body, idempotencyKey); }
        public Map<String, Object> update(String id, Object body) { return client.request("PATCH", path + "/" + id, null, body, null); }
        public Map<String, Object> delete(String id) { return client.request("DELETE", path + "/" + id); }
        /** A POST on one object (publish, close, accept…). */
        public Map<String, Object> action(String id, String action) { return client.request("POST", path + "/" + id + "/" + action, null, Map.of(), null); }
    }
}
