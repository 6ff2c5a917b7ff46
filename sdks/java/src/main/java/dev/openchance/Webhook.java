package dev.openchance;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Map;
import java.util.TreeMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Verifies deliveries signed per Standard Webhooks v1 (whsec_ secrets; any one of several
 * space-separated signatures may match during a rotation; 5 minutes' timestamp tolerance) and
 * returns the event as a map (the typed union is by "type"; the object is data.object).
 */
public final class Webhook {
    private final byte[] key;
    private final long toleranceSeconds;
    private static final ObjectMapper JSON = new ObjectMapper();

    public Webhook(String secret) { this(secret, 300); }

    public Webhook(String secret, long toleranceSeconds) {
        this.key = Base64.getDecoder().decode(secret.startsWith("whsec_") ? secret.substring(6) : secret);
        this.toleranceSeconds = toleranceSeconds;
    }

    public String sign(String messageId, long timestamp, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            mac.update((messageId + "." + timestamp + ".").getBytes(StandardCharsets.UTF_8));
            return "v1," + Base64.getEncoder().encodeToString(mac.doFinal(body));
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The event of a delivery: body exactly as received, headers in any case. */
    public Map<String, Object> verify(byte[] body, Map<String, String> headers) {
        Map<String, String> lowered = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        lowered.putAll(headers);
        String id = lowered.get("webhook-id");
        String stamp = lowered.get("webhook-timestamp");
        String signatures = lowered.get("webhook-signature");
        if (id == null || stamp == null || signatures == null) {
            throw new OpenChanceException.WebhookVerificationError("missing webhook-id, -timestamp or -signature header");
        }
        long timestamp;
        try {
            timestamp = Long.parseLong(stamp);
        } catch (NumberFormatException e) {
            throw new OpenChanceException.WebhookVerificationError("webhook-timestamp is not a number");
        }
        if (Math.abs(System.currentTimeMillis() / 1000 - timestamp) > toleranceSeconds) {
            throw new OpenChanceException.WebhookVerificationError("webhook-timestamp is outside the tolerance");
        }
        byte[] expected = sign(id, timestamp, body).getBytes(StandardCharsets.UTF_8);
        boolean matched = false;
        for (String candidate : signatures.split(" ")) {
            matched |= candidate.startsWith("v1,") && MessageDigest.isEqual(expected, candidate.getBytes(StandardCharsets.UTF_8));
        }
        if (!matched) throw new OpenChanceException.WebhookVerificationError("no signature matches");
        try {
            Map<String, Object> event = JSON.readValue(body, new TypeReference<Map<String, Object>>() {});
            if (!(event.get("type") instanceof String)) throw new OpenChanceException.WebhookVerificationError("the body is not an event");
            return event;
        } catch (java.io.IOException e) {
            throw new OpenChanceException.WebhookVerificationError("the body is not JSON");
        }
    }
}
