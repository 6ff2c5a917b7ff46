<?php

namespace OpenChance;

/**
 * Verifies deliveries signed per Standard Webhooks v1 (whsec_ secrets; any one of several
 * space-separated signatures may match during a rotation; 5 minutes' timestamp tolerance) and
 * returns the event (the typed union is by 'type'; the object is $event['data']['object']).
 */
final class Webhook
{
    private string $key;

    public function __construct(string $secret, private int $tolerance = 300)
    {
        $key = base64_decode(str_starts_with($secret, 'whsec_') ? substr($secret, 6) : $secret, true);
        if ($key === false) {
            throw new \InvalidArgumentException('not a webhook secret (whsec_…)');
        }
        $this->key = $key;
    }

    public function sign(string $messageId, int $timestamp, string $body): string
    {
        return 'v1,' . base64_encode(hash_hmac('sha256', "$messageId.$timestamp.$body", $this->key, true));
    }

    /**
     * @param array<string, string|string[]> $headers any case
     * @return array<string, mixed> the event
     */
    public function verify(string $body, array $headers): array
    {
        $lowered = [];
        foreach ($headers as $name => $value) {
            $lowered[strtolower((string) $name)] = is_array($value) ? ($value[0] ?? '') : $value;
        }
        $id = $lowered['webhook-id'] ?? '';
        $timestamp = $lowered['webhook-timestamp'] ?? '';
        $signatures = $lowered['webhook-signature'] ?? '';
        if ($id === '' || $timestamp === '' || $signatures === '') {
            throw new WebhookVerificationError('missing webhook-id, -timestamp or -signature header');
        }
        if (!ctype_digit($timestamp)) {
            throw new WebhookVerificationError('webhook-timestamp is not a number');
        }
        if (abs(time() - (int) $timestamp) > $this->tolerance) {
            throw new WebhookVerificationError('webhook-timestamp is outside the tolerance');
        }
        $expected = $this->sign($id, (int) $timestamp, $body);
        $matched = false;
        foreach (explode(' ', $signatures) as $candidate) {
            $matched = $matched || (str_starts_with($candidate, 'v1,') && hash_equals($expected, $candidate));
        }
        if (!$matched) {
            throw new WebhookVerificationError('no signature matches');
        }
        $event = json_decode($body, true);
        if (!is_array($event) || !is_string($event['type'] ?? null)) {
            throw new WebhookVerificationError('the body is not an event');
        }
        return $event;
    }
}
