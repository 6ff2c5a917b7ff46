package openchance

import (
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestWebhookVerifiesAndRefuses(t *testing.T) {
	webhook, err := NewWebhook("whsec_" + "a2tra2tra2tra2tra2tra2tra2tra2tra2tra2tra2s=")
	if err != nil {
		t.Fatal(err)
	}
	body := []byte(`{"id":"evt_1","type":"challenge.created","data":{"object":{"id":"chl_1"}}}`)
	now := time.Now().Unix()
	headers := http.Header{}
	headers.Set("webhook-id", "msg_1")
	headers.Set("webhook-timestamp", itoa(now))
	headers.Set("webhook-signature", "v1,bm90IGl0 "+webhook.Sign("msg_1", now, body))
	event, err := webhook.Verify(body, headers)
	if err != nil || event.Type != EventChallengeCreated || event.Data.Object["id"] != "chl_1" {
		t.Fatalf("verify: %v %+v", err, event)
	}
	if _, err := webhook.Verify([]byte(strings.Replace(string(body), "chl_1", "chl_2", 1)), headers); err == nil {
		t.Fatal("a tampered body verified")
	}
	headers.Set("webhook-timestamp", itoa(now-600))
	headers.Set("webhook-signature", webhook.Sign("msg_1", now-600, body))
	if _, err := webhook.Verify(body, headers); err == nil {
		t.Fatal("a stale timestamp verified")
	}
}

func itoa(value int64) string { return strconv.FormatInt(value, 10) }

func TestRetryDelayHonoursRetryAfterAndCodes(t *testing.T) {
	client, err := NewClient(Config{APIKey: "oc_test_x", MaxRetries: Retries(2)})
	if err != nil {
		t.Fatal(err)
	}
	answer := func(status int, retryAfter string) *http.Response {
		response := &http.Response{StatusCode: status, Header: http.Header{}}
		if retryAfter != "" {
			response.Header.Set("Retry-After", retryAfter)
		}
		return response
	}
	if delay, ok := client.retryDelay(1, answer(429, "3"), nil); !ok || delay != 3*time.Second {
		t.Fatalf("429 Retry-After 3: %v %v", delay, ok)
	}
	if _, ok := client.retryDelay(1, answer(429, "86400"), nil); ok {
		t.Fatal("a day's Retry-After is waited for")
	}
	if _, ok := client.retryDelay(1, answer(409, ""), []byte(`{"code":"invalid_state_transition"}`)); ok {
		t.Fatal("a state conflict is retried")
	}
	if _, ok := client.retryDelay(1, answer(409, ""), []byte(`{"code":"idempotency_request_in_flight"}`)); !ok {
		t.Fatal("an in-flight request is not retried")
	}
	if _, ok := client.retryDelay(3, answer(503, "1"), nil); ok {
		t.Fatal("retried past MaxRetries")
	}
	if _, ok := client.retryDelay(1, answer(404, ""), nil); ok {
		t.Fatal("a 404 is retried")
	}
	for retry := 1; retry <= 6; retry++ {
		delay := client.backoff(retry)
		ceiling := 500 * time.Millisecond << (retry - 1)
		if ceiling > 8*time.Second {
			ceiling = 8 * time.Second
		}
		if delay < ceiling/2 || delay > ceiling {
			t.Fatalf("backoff(%d) = %v, outside [%v, %v]", retry, delay, ceiling/2, ceiling)
		}
	}
}
