// Package openchance is the OpenChance API SDK for Go: configuration, retries with exponential
// backoff and jitter (connection errors, 409 idempotency_request_in_flight, 429 and 5xx,
// honouring Retry-After), an Idempotency-Key on every POST and PATCH (generated when none is
// given, the same on every retry), typed errors, auto-pagination over cursor lists, webhook
// verification (Standard Webhooks) and the WebSocket event stream. It needs only the standard
// library. Every operation of the OpenAPI document, typed, is in the generated module
// github.com/openchance/openchance-go/api; pass it Client.HTTPClient() to share this behaviour.
package openchance

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"io"
	mathrand "math/rand"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"
)

// DefaultBaseURL is the shared API host; a tenant's host or custom domain works as well.
const DefaultBaseURL = "https://api.openchance.dev"

// RetryInfo is what Config.OnRetry is told before each retry (Status 0: a connection error).
type RetryInfo struct {
	Attempt int
	Method  string
	URL     string
	Status  int
	Delay   time.Duration
}

// Config of a Client; zero values take the defaults.
type Config struct {
	APIKey            string        // oc_live_… or oc_test_…; default $OPENCHANCE_API_KEY
	BaseURL           string        // default $OPENCHANCE_BASE_URL, else DefaultBaseURL
	Timeout           time.Duration // per attempt; default 30 s
	MaxRetries        *int          // retries after the first attempt; default 2 (Retries(0): none)
	InitialRetryDelay time.Duration // default 0.5 s, doubling, with jitter
	MaxRetryDelay     time.Duration // default 8 s
	MaxRetryAfter     time.Duration // a longer Retry-After is not waited for; default 60 s
	OnRetry           func(RetryInfo)
	Transport         http.RoundTripper // default http.DefaultTransport
}

// Retries is a helper for Config.MaxRetries.
func Retries(n int) *int { return &n }

// Client talks to the API. It is safe for concurrent use.
type Client struct {
	config     Config
	maxRetries int
	http       *http.Client
}

// NewClient checks and completes the configuration.
func NewClient(config Config) (*Client, error) {
	if config.APIKey == "" {
		config.APIKey = os.Getenv("OPENCHANCE_API_KEY")
	}
	if config.APIKey == "" {
		return nil, fmt.Errorf("openchance: APIKey is required (or set OPENCHANCE_API_KEY)")
	}
	if config.BaseURL == "" {
		config.BaseURL = os.Getenv("OPENCHANCE_BASE_URL")
	}
	if config.BaseURL == "" {
		config.BaseURL = DefaultBaseURL
	}
	config.BaseURL = strings.TrimRight(config.BaseURL, "/")
	if config.Timeout == 0 {
		config.Timeout = 30 * time.Second
	}
	if config.InitialRetryDelay == 0 {
		config.InitialRetryDelay = 500 * time.Millisecond
	}
	if config.MaxRetryDelay == 0 {
		config.MaxRetryDelay = 8 * time.Second
	}
	if config.MaxRetryAfter == 0 {
		config.MaxRetryAfter = 60 * time.Second
	}
	if config.Transport == nil {
		config.Transport = http.DefaultTransport
	}
	maxRetries := 2
	if config.MaxRetries != nil {
		maxRetries = *config.MaxRetries
	}
	client := &Client{config: config, maxRetries: maxRetries}
	client.http = &http.Client{Transport: &retryTransport{client: client}}
	return client, nil
}

// HTTPClient is an *http.Client with this client's authentication, retries, idempotency keys
// and typed errors (an error answer is returned as *Error): give it to the generated api
// package's Configuration.HTTPClient.
func (c *Client) HTTPClient() *http.Client { return c.http }

// BaseURL as configured.
func (c *Client) BaseURL() string { return c.config.BaseURL }

type retryTransport struct{ client *Client }

func newIdempotencyKey() string {
	var raw [16]byte
	_, _ = rand.Read(raw[:])
	raw[6] = raw[6]&0x0f | 0x40
	raw[8] = raw[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", raw[0:4], raw[4:6], raw[6:8], raw[8:10], raw[10:])
}

func (c *Client) backoff(retry int) time.Duration {
	base := c.config.InitialRetryDelay << (retry - 1)
	if base > c.config.MaxRetryDelay || base <= 0 {
		base = c.config.MaxRetryDelay
	}
	return time.Duration(float64(base) * (0.5 + mathrand.Float64()/2))
}

// retryDelay: how long to wait before retry number retry, or false: do not retry.
func (c *Client) retryDelay(retry int, response *http.Response, body []byte) (time.Duration, bool) {
	if retry > c.maxRetries {
		return 0, false
	}
	if response == nil {
		return c.backoff(retry), true
	}
	switch response.StatusCode {
	case 409:
		var problem struct{ Code string }
		if json.Unmarshal(body, &problem) != nil || problem.Code != "idempotency_request_in_flight" {
			return 0, false
		}
	case 429, 500, 502, 503, 504:
	default:
		return 0, false
	}
	seconds, err := strconv.ParseFloat(response.Header.Get("Retry-After"), 64)
	if err != nil {
		return c.backoff(retry), true
	}
	delay := time.Duration(seconds * float64(time.Second))
	return delay, delay <= c.config.MaxRetryAfter
}

func (t *retryTransport) RoundTrip(original *http.Request) (*http.Response, error) {
	c := t.client
	var body []byte
	if original.Body != nil {
		var err error
		if body, err = io.ReadAll(original.Body); err != nil {
			return nil, err
		}
		original.Body.Close()
	}
	headers := original.Header.Clone()
	headers.Set("Authorization", "Bearer "+c.config.APIKey)
	if headers.Get("Accept") == "" {
		headers.Set("Accept", "application/json")
	}
	headers.Set("User-Agent", "openchance-go/"+Version)
	if (original.Method == http.MethodPost || original.Method == http.MethodPatch) &&
		headers.Get("Idempotency-Key") == "" {
		headers.Set("Idempotency-Key", newIdempotencyKey())
	}
	for retry := 1; ; retry++ {
		ctx, cancel := context.WithTimeout(original.Context(), c.config.Timeout)
		request := original.Clone(ctx)
		request.Header = headers
		request.Body = io.NopCloser(bytes.NewReader(body))
		request.ContentLength = int64(len(body))
		response, err := c.config.Transport.RoundTrip(request)
		var content []byte
		if err == nil {
			content, err = io.ReadAll(response.Body)
			response.Body.Close()
		}
		cancel()
		if err != nil {
			delay, again := c.retryDelay(retry, nil, nil)
			if !again {
				return nil, &Error{Kind: ApiConnectionError, Detail: err.Error()}
			}
			c.notify(retry, original, 0, delay)
			time.Sleep(delay)
			continue
		}
		if response.StatusCode < 400 {
			response.Body = io.NopCloser(bytes.NewReader(content))
			return response, nil
		}
		delay, again := c.retryDelay(retry, response, content)
		if !again {
			var problem map[string]any
			_ = json.Unmarshal(content, &problem)
			lowered := map[string]string{}
			for name := range response.Header {
				lowered[strings.ToLower(name)] = response.Header.Get(name)
			}
			return nil, errorFromProblem(response.StatusCode, problem, lowered)
		}
		c.notify(retry, original, response.StatusCode, delay)
		time.Sleep(delay)
	}
}

func (c *Client) notify(retry int, request *http.Request, status int, delay time.Duration) {
	if c.config.OnRetry != nil {
		c.config.OnRetry(RetryInfo{retry, request.Method, request.URL.String(), status, delay})
	}
}

// RequestOptions of one call.
type RequestOptions struct {
	Query          url.Values
	Body           any
	IdempotencyKey string
}

// Object is a JSON object as the API answers it.
type Object = map[string]any

// Request makes one call (with its retries) and decodes the JSON answer into out (if not nil).
// An error answer is an *Error.
func (c *Client) Request(ctx context.Context, method, path string, options RequestOptions, out any) error {
	target := c.config.BaseURL + path
	if len(options.Query) > 0 {
		target += "?" + options.Query.Encode()
	}
	var reader io.Reader
	if options.Body != nil {
		encoded, err := json.Marshal(options.Body)
		if err != nil {
			return err
		}
		reader = bytes.NewReader(encoded)
	}
	request, err := http.NewRequestWithContext(ctx, method, target, reader)
	if err != nil {
		return err
	}
	if options.Body != nil {
		request.Header.Set("Content-Type", "application/json")
	}
	if options.IdempotencyKey != "" {
		request.Header.Set("Idempotency-Key", options.IdempotencyKey)
	}
	response, err := c.http.Do(request)
	if err != nil {
		if apiError, ok := err.(*url.Error); ok {
			return apiError.Err
		}
		return err
	}
	defer response.Body.Close()
	content, err := io.ReadAll(response.Body)
	if err != nil || out == nil || len(content) == 0 {
		return err
	}
	return json.Unmarshal(content, out)
}

// Iter walks a cursor list page after page:
//
//	it := client.List(ctx, "/v1/challenges", url.Values{"limit": {"50"}})
//	for it.Next() { fmt.Println(it.Current()["id"]) }
//	if err := it.Err(); err != nil { ... }
type Iter struct {
	client  *Client
	ctx     context.Context
	path    string
	query   url.Values
	page    []Object
	index   int
	cursor  string
	started bool
	done    bool
	err     error
	current Object
}

// List returns an iterator over every object of the list at path.
func (c *Client) List(ctx context.Context, path string, query url.Values) *Iter {
	copied := url.Values{}
	for name, values := range query {
		copied[name] = append([]string(nil), values...)
	}
	return &Iter{client: c, ctx: ctx, path: path, query: copied}
}

// Next advances to the next object, fetching the next page when needed.
func (it *Iter) Next() bool {
	for it.index >= len(it.page) {
		if it.done || it.err != nil || (it.started && it.cursor == "") {
			return false
		}
		if it.cursor != "" {
			it.query.Set("cursor", it.cursor)
		}
		var page struct {
			Data       []Object `json:"data"`
			HasMore    bool     `json:"has_more"`
			NextCursor *string  `json:"next_cursor"`
		}
		if it.err = it.client.Request(it.ctx, http.MethodGet, it.path, RequestOptions{Query: it.query}, &page); it.err != nil {
			return false
		}
		it.started = true
		it.page, it.index, it.cursor = page.Data, 0, ""
		if page.HasMore && page.NextCursor != nil {
			it.cursor = *page.NextCursor
		} else {
			it.done = len(page.Data) == 0
		}
	}
	it.current = it.page[it.index]
	it.index++
	return true
}

// Current is the object Next moved to.
func (it *Iter) Current() Object { return it.current }

// Err is the error that stopped the iteration, if any.
func (it *Iter) Err() error { return it.err }

// Resource offers the usual verbs on one collection.
type Resource struct {
	client *Client
	Path   string
}

// Resource of a collection path, e.g. client.Resource("/v1/challenges").
func (c *Client) Resource(path string) *Resource { return &Resource{client: c, Path: path} }

// Challenges, Applications, Events, WebhookEndpoints: the collections.
func (c *Client) Challenges() *Resource       { return c.Resource("/v1/challenges") }
func (c *Client) Applications() *Resource     { return c.Resource("/v1/applications") }
func (c *Client) Messages() *Resource         { return c.Resource("/v1/messages") }
func (c *Client) Reviews() *Resource          { return c.Resource("/v1/reviews") }
func (c *Client) Events() *Resource           { return c.Resource("/v1/events") }
func (c *Client) WebhookEndpoints() *Resource { return c.Resource("/v1/webhook_endpoints") }

func (r *Resource) List(ctx context.Context, query url.Values) *Iter {
	return r.client.List(ctx, r.Path, query)
}

func (r *Resource) Retrieve(ctx context.Context, id string) (Object, error) {
	var out Object
	return out, r.client.Request(ctx, http.MethodGet, r.Path+"/"+url.PathEscape(id), RequestOptions{}, &out)
}

// Create POSTs body; idempotencyKey may be "" (one is generated).
func (r *Resource) Create(ctx context.Context, body any, idempotencyKey string) (Object, error) {
	var out Object
	return out, r.client.Request(ctx, http.MethodPost, r.Path, RequestOptions{Body: body, IdempotencyKey: idempotencyKey}, &out)
}

func (r *Resource) Update(ctx context.Context, id string, body any, idempotencyKey string) (Object, error) {
	var out Object
	return out, r.client.Request(ctx, http.MethodPatch, r.Path+"/"+url.PathEscape(id), RequestOptions{Body: body, IdempotencyKey: idempotencyKey}, &out)
}

func (r *Resource) Delete(ctx context.Context, id string) error {
	return r.client.Request(ctx, http.MethodDelete, r.Path+"/"+url.PathEscape(id), RequestOptions{}, nil)
}

// Action POSTs to one object's action (publish, close, accept…).
func (r *Resource) Action(ctx context.Context, id, action string, body any, idempotencyKey string) (Object, error) {
	if body == nil {
		body = Object{}
	}
	var out Object
	return out, r.client.Request(ctx, http.MethodPost, r.Path+"/"+url.PathEscape(id)+"/"+action, RequestOptions{Body: body, IdempotencyKey: idempotencyKey}, &out)
}
