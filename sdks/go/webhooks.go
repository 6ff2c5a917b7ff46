package openchance

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Event is a webhook or stream event: the same payload everywhere. Data.Object is the object
// as the API rendered it; switch on Type (the typed union: see EventType*).
type Event struct {
	ID        string  `json:"id"`
	Object    string  `json:"object"`
	Type      string  `json:"type"`
	CreatedAt string  `json:"created_at"`
	Livemode  bool    `json:"livemode"`
	RequestID *string `json:"request_id"`
	Data      struct {
		Object Object `json:"object"`
	} `json:"data"`
}

// The event types this version knows; ignore the ones you do not handle (billing.*, later ones).
const (
	EventChallengeCreated         = "challenge.created"
	EventChallengeUpdated         = "challenge.updated"
	EventChallengeDeleted         = "challenge.deleted"
	EventChallengePublished       = "challenge.published"
	EventChallengeClosed          = "challenge.closed"
	EventChallengeCancelled       = "challenge.cancelled"
	EventChallengeAwarded         = "challenge.awarded"
	EventApplicationSubmitted     = "application.submitted"
	EventApplicationUpdated       = "application.updated"
	EventApplicationStatusChanged = "application.status_changed"
	EventMessageCreated           = "message.created"
	EventReviewCreated            = "review.created"
	EventPing                     = "ping"
	EventWebhookEndpointDisabled  = "webhook_endpoint.disabled"
)

// WebhookVerificationError: the signature, timestamp or body is not what the platform sent.
type WebhookVerificationError struct{ Reason string }

func (e *WebhookVerificationError) Error() string { return "webhook verification failed: " + e.Reason }

// Webhook verifies deliveries signed per Standard Webhooks v1 with a whsec_ secret.
type Webhook struct {
	key       []byte
	Tolerance time.Duration // default 5 minutes
}

// NewWebhook from an endpoint's secret (whsec_…).
func NewWebhook(secret string) (*Webhook, error) {
	key, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(secret, "whsec_"))
	if err != nil {
		return nil, fmt.Errorf("openchance: not a webhook secret (whsec_…)")
	}
	return &Webhook{key: key, Tolerance: 5 * time.Minute}, nil
}

// Sign is the v1,… signature of one delivery (what the platform sends; useful in tests).
func (w *Webhook) Sign(messageID string, timestamp int64, body []byte) string {
	mac := hmac.New(sha256.New, w.key)
	fmt.Fprintf(mac, "%s.%d.", messageID, timestamp)
	mac.Write(body)
	return "v1," + base64.StdEncoding.EncodeToString(mac.Sum(nil))
}

// Verify checks the headers against the raw body (exactly as received) and returns the event.
// Any one of several space-separated signatures may match (a secret rotation).
func (w *Webhook) Verify(body []byte, headers http.Header) (*Event, error) {
	id, stamp, signatures := headers.Get("webhook-id"), headers.Get("webhook-timestamp"), headers.Get("webhook-signature")
	if id == "" || stamp == "" || signatures == "" {
		return nil, &WebhookVerificationError{"missing webhook-id, -timestamp or -signature header"}
	}
	timestamp, err := strconv.ParseInt(stamp, 10, 64)
	if err != nil {
		return nil, &WebhookVerificationError{"webhook-timestamp is not a number"}
	}
	if math.Abs(float64(time.Now().Unix()-timestamp)) > w.Tolerance.Seconds() {
		return nil, &WebhookVerificationError{"webhook-timestamp is outside the tolerance"}
	}
	expected := []byte(w.Sign(id, timestamp, body))
	matched := false
	for _, candidate := range strings.Split(signatures, " ") {
		if strings.HasPrefix(candidate, "v1,") && hmac.Equal([]byte(candidate), expected) {
			matched = true
		}
	}
	if !matched {
		return nil, &WebhookVerificationError{"no signature matches"}
	}
	var event Event
	if err := json.Unmarshal(body, &event); err != nil || event.Type == "" {
		return nil, &WebhookVerificationError{"the body is not an event"}
	}
	return &event, nil
}
