// The SDK scenario in Go (sdks/tests/test_go.py runs it against the live platform), the same
// steps as sdks/tests/e2e/scenario.py; prints one JSON object.
package main

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"sort"
	"strings"
	"time"

	openchance "github.com/openchance/openchance-go"
)

func must(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

// keyRecorder notes the Idempotency-Key of every attempt of a POST.
type keyRecorder struct{ keys []string }

func (r *keyRecorder) RoundTrip(request *http.Request) (*http.Response, error) {
	if request.Method == http.MethodPost {
		r.keys = append(r.keys, request.Header.Get("Idempotency-Key"))
	}
	return http.DefaultTransport.RoundTrip(request)
}

func main() {
	ctx := context.Background()
	var retries []openchance.RetryInfo
	client, err := openchance.NewClient(openchance.Config{
		MaxRetries: openchance.Retries(5),
		OnRetry:    func(info openchance.RetryInfo) { retries = append(retries, info) },
	})
	must(err)
	tag := fmt.Sprintf("sdk-go-%d", time.Now().UnixNano()%1000000)
	result := map[string]any{}

	created := []string{}
	for n := 0; n < 3; n++ {
		challenge, err := client.Challenges().Create(ctx, map[string]any{"title": fmt.Sprintf("%s %d", tag, n)}, "")
		must(err)
		created = append(created, challenge["id"].(string))
	}
	result["created"] = created
	var firstPage struct {
		Data    []openchance.Object `json:"data"`
		HasMore bool                `json:"has_more"`
	}
	query := url.Values{"limit": {"2"}, "search": {tag}}
	must(client.Request(ctx, http.MethodGet, "/v1/challenges", openchance.RequestOptions{Query: query}, &firstPage))
	result["first_page"] = map[string]any{"size": len(firstPage.Data), "has_more": firstPage.HasMore}
	listed := []string{}
	it := client.Challenges().List(ctx, query)
	for it.Next() {
		listed = append(listed, it.Current()["id"].(string))
	}
	must(it.Err())
	result["listed"] = listed

	key := "go-" + tag
	first, err := client.Challenges().Create(ctx, map[string]any{"title": tag + " once"}, key)
	must(err)
	again, err := client.Challenges().Create(ctx, map[string]any{"title": tag + " once"}, key)
	must(err)
	result["idempotent_replay"] = first["id"] == again["id"]

	var apiError *openchance.Error
	if _, err := client.Challenges().Retrieve(ctx, "chl_doesnotexist"); errors.As(err, &apiError) {
		result["not_found"] = map[string]any{"error": string(apiError.Kind), "request_id": apiError.RequestID}
	}
	if _, err := client.Challenges().Create(ctx, map[string]any{}, ""); errors.As(err, &apiError) {
		fields := []string{}
		for name := range apiError.FieldErrors() {
			fields = append(fields, name)
		}
		sort.Strings(fields)
		result["validation"] = map[string]any{"error": string(apiError.Kind), "fields": fields}
	}

	impatient, err := openchance.NewClient(openchance.Config{MaxRetries: openchance.Retries(0)})
	must(err)
	for n := 0; n < 60; n++ {
		err := impatient.Request(ctx, http.MethodGet, "/v1/me", openchance.RequestOptions{}, nil)
		if errors.As(err, &apiError) && apiError.IsRateLimited() {
			result["rate_limited"] = map[string]any{
				"error": string(apiError.Kind), "status": apiError.Status, "code": apiError.Code,
				"retry_after": apiError.RetryAfter(), "request_id": apiError.RequestID,
			}
			break
		}
		must(err)
	}
	retries = nil
	calls := 0
	for len(retries) == 0 && calls < 40 {
		calls++
		var me openchance.Object
		must(client.Request(ctx, http.MethodGet, "/v1/me", openchance.RequestOptions{}, &me))
	}
	result["retried"] = map[string]any{"ok": true, "retries": len(retries), "calls": calls}

	// A retried POST sends the same generated Idempotency-Key on every attempt.
	recorder := &keyRecorder{}
	recording, err := openchance.NewClient(openchance.Config{MaxRetries: openchance.Retries(5), Transport: recorder})
	must(err)
	for attempt := 0; attempt < 5 && len(recorder.keys) < 2; attempt++ {
		recorder.keys = nil
		for {
			err := impatient.Request(ctx, http.MethodGet, "/v1/me", openchance.RequestOptions{}, nil)
			if errors.As(err, &apiError) && apiError.IsRateLimited() {
				break
			}
			must(err)
		}
		_, err := recording.Challenges().Create(ctx, map[string]any{"title": tag + " retried"}, "")
		must(err)
	}
	result["idempotency_keys"] = recorder.keys

	endpoint, err := client.WebhookEndpoints().Create(ctx, map[string]any{
		"url": os.Getenv("OC_SINK_URL"), "events": []string{"challenge.created"},
	}, "")
	must(err)
	hooked, err := client.Challenges().Create(ctx, map[string]any{"title": tag + " hooked"}, "")
	must(err)
	expected := hooked["id"].(string)
	webhook, err := openchance.NewWebhook(endpoint["secret"].(string))
	must(err)
	outcome := map[string]any{"type": nil, "object_id": nil, "expected_id": expected}
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline) && outcome["type"] == nil; {
		response, err := http.Get(os.Getenv("OC_SINK_RECEIVED_URL"))
		must(err)
		var deliveries []struct {
			Headers    map[string]string `json:"headers"`
			BodyBase64 string            `json:"body_base64"`
		}
		must(json.NewDecoder(response.Body).Decode(&deliveries))
		response.Body.Close()
		for _, delivery := range deliveries {
			body, _ := base64.StdEncoding.DecodeString(delivery.BodyBase64)
			headers := http.Header{}
			for name, value := range delivery.Headers {
				headers.Set(name, value)
			}
			event, err := webhook.Verify(body, headers)
			must(err)
			if event.Data.Object["id"] != expected {
				continue
			}
			_, tampered := webhook.Verify([]byte(strings.Replace(string(body), "hooked", "hacked", 1)), headers)
			var verification *openchance.WebhookVerificationError
			outcome = map[string]any{
				"type": event.Type, "object_id": event.Data.Object["id"], "expected_id": expected,
				"tampered_rejected": errors.As(tampered, &verification),
			}
		}
		time.Sleep(300 * time.Millisecond)
	}
	result["webhook"] = outcome

	stream, err := client.Stream(ctx, []string{"challenge.created"})
	must(err)
	streamed, err := client.Challenges().Create(ctx, map[string]any{"title": tag + " streamed"}, "")
	must(err)
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); {
		event, err := stream.Receive(time.Until(deadline))
		must(err)
		if event.Data.Object["id"] == streamed["id"] {
			result["stream"] = map[string]any{"type": event.Type, "object_id": event.Data.Object["id"], "expected_id": streamed["id"]}
			break
		}
	}
	stream.Close()
	encoded, _ := json.Marshal(result)
	fmt.Println(string(encoded))
}
