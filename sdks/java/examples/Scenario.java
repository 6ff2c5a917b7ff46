// The SDK scenario in Java (sdks/tests/test_java.py runs it against the live platform), the same
// steps as sdks/tests/e2e/scenario.py; prints one JSON object.
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.openchance.OpenChance;
import dev.openchance.OpenChanceException;
import dev.openchance.Webhook;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.UUID;

public class Scenario {
    public static void main(String[] args) throws Exception {
        ObjectMapper json = new ObjectMapper();
        List<OpenChance.RetryInfo> retries = new ArrayList<>();
        OpenChance client = OpenChance.builder().maxRetries(5).onRetry(retries::add).build();
        String tag = "sdk-java-" + UUID.randomUUID().toString().substring(0, 6);
        Map<String, Object> result = new LinkedHashMap<>();

        List<Object> created = new ArrayList<>();
        for (int n = 0; n < 3; n++) created.add(client.challenges().create(Map.of("title", tag + " " + n)).get("id"));
        result.put("created", created);
        Map<String, Object> first = client.request("GET", "/v1/challenges", Map.of("limit", 2, "search", tag), null, null);
        result.put("first_page", Map.of("size", ((List<?>) first.get("data")).size(), "has_more", first.get("has_more")));
        List<Object> listed = new ArrayList<>();
        for (Map<String, Object> challenge : client.challenges().list(Map.of("limit", 2, "search", tag))) listed.add(challenge.get("id"));
        result.put("listed", listed);

        String key = UUID.randomUUID().toString();
        Object once = client.challenges().create(Map.of("title", tag + " once"), key).get("id");
        Object again = client.challenges().create(Map.of("title", tag + " once"), key).get("id");
        result.put("idempotent_replay", once.equals(again));

        try {
            client.challenges().retrieve("chl_doesnotexist");
        } catch (OpenChanceException.NotFoundError e) {
            result.put("not_found", Map.of("error", e.getClass().getSimpleName(), "request_id", e.requestId));
        }
        try {
            client.challenges().create(Map.of());
        } catch (OpenChanceException.ValidationError e) {
            result.put("validation", Map.of("error", e.getClass().getSimpleName(), "fields", new ArrayList<>(new TreeSet<>(e.errors().keySet()))));
        }

        OpenChance impatient = OpenChance.builder().maxRetries(0).build();
        for (int n = 0; n < 60; n++) {
            try {
                impatient.request("GET", "/v1/me");
            } catch (OpenChanceException.RateLimitedError e) {
                result.put("rate_limited", Map.of("error", e.getClass().getSimpleName(), "status", e.status, "code", e.code,
                        "retry_after", e.retryAfter(), "request_id", e.requestId));
                break;
            }
        }
        retries.clear();
        int calls = 0;
        while (retries.isEmpty() && calls < 40) {
            calls++;
            if (!"me".equals(client.request("GET", "/v1/me").get("object"))) throw new IllegalStateException("not me");
        }
        result.put("retried", Map.of("ok", true, "retries", retries.size(), "calls", calls));

        Map<String, Object> endpoint = client.webhookEndpoints().create(Map.of("url", System.getenv("OC_SINK_URL"), "events", List.of("challenge.created")));
        Object expected = client.challenges().create(Map.of("title", tag + " hooked")).get("id");
        Webhook webhook = new Webhook((String) endpoint.get("secret"));
        Map<String, Object> outcome = new LinkedHashMap<>(Map.of("expected_id", expected));
        HttpClient http = HttpClient.newHttpClient();
        for (long deadline = System.currentTimeMillis() + 30000; System.currentTimeMillis() < deadline && !outcome.containsKey("type"); Thread.sleep(300)) {
            String received = http.send(HttpRequest.newBuilder(URI.create(System.getenv("OC_SINK_RECEIVED_URL"))).build(), HttpResponse.BodyHandlers.ofString()).body();
            for (Map<String, Object> delivery : json.readValue(received, new TypeReference<List<Map<String, Object>>>() {})) {
                byte[] body = Base64.getDecoder().decode((String) delivery.get("body_base64"));
                @SuppressWarnings("unchecked")
                Map<String, String> headers = (Map<String, String>) delivery.get("headers");
                Map<String, Object> event = webhook.verify(body, headers);
                @SuppressWarnings("unchecked")
                Map<String, Object> object = (Map<String, Object>) ((Map<String, Object>) event.get("data")).get("object");
                if (!expected.equals(object.get("id"))) continue;
                boolean tamperedRejected;
                try {
                    webhook.verify(new String(body, StandardCharsets.UTF_8).replace("hooked", "hacked").getBytes(StandardCharsets.UTF_8), headers);
                    tamperedRejected = false;
                } catch (OpenChanceException.WebhookVerificationError e) {
                    tamperedRejected = true;
                }
                outcome.put("type", event.get("type"));
                outcome.put("object_id", object.get("id"));
                outcome.put("tampered_rejected", tamperedRejected);
            }
        }
        result.put("webhook", outcome);
        System.out.println(json.writeValueAsString(result));
    }
}
