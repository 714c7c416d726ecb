package digitalocean

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/google/go-querystring/query"
)

const (
	maxErrorBody   = 64 << 10  // error bodies are read up to this size
	maxDrainedBody = 256 << 10 // unread bodies are drained up to this size so the connection is reused
)

// escapePath formats an API path, escaping every argument as one path
// segment so that IDs can never change the path's shape.
func escapePath(format string, args ...string) string {
	escaped := make([]any, len(args))
	for i, a := range args {
		escaped[i] = url.PathEscape(a)
	}
	return fmt.Sprintf(format, escaped...)
}

// encodeQuery turns a query-options struct (go-querystring tags) or
// url.Values into a query string. nil gives "".
func encodeQuery(opts any) (string, error) {
	switch q := opts.(type) {
	case nil:
		return "", nil
	case url.Values:
		return q.Encode(), nil
	}
	v := reflect.ValueOf(opts)
	if v.Kind() == reflect.Pointer && v.IsNil() {
		return "", nil
	}
	values, err := query.Values(opts)
	if err != nil {
		return "", fmt.Errorf("digitalocean: encode query: %w", err)
	}
	return values.Encode(), nil
}

// call sends one API operation: path is relative to the base URL and
// already escaped (see escapePath), q is a query-options struct or
// url.Values, in is JSON-encoded as the body, out receives the decoded
// 2xx body. The body is encoded once so retries replay it exactly.
func (c *Client) call(ctx context.Context, method, path string, q, in, out any) (*Response, error) {
	rawQuery, err := encodeQuery(q)
	if err != nil {
		return nil, err
	}
	var body []byte
	if in != nil {
		if body, err = json.Marshal(in); err != nil {
			return nil, fmt.Errorf("digitalocean: encode %s %s body: %w", method, path, err)
		}
	}
	u, err := c.baseURL.Parse(path)
	if err != nil {
		return nil, fmt.Errorf("digitalocean: bad path %q: %w", path, err)
	}
	u.RawQuery = rawQuery
	return c.do(ctx, &apiRequest{method: method, url: u, body: body}, out)
}

// apiRequest is one operation as the retry loop sees it.
type apiRequest struct {
	method string
	url    *url.URL
	body   []byte // nil when the request has no body
}

func (r *apiRequest) build(ctx context.Context, userAgent string) (*http.Request, error) {
	var body io.Reader
	if r.body != nil {
		body = bytes.NewReader(r.body)
	}
	req, err := http.NewRequestWithContext(ctx, r.method, r.url.String(), body)
	if err != nil {
		return nil, fmt.Errorf("digitalocean: build %s %s: %w", r.method, r.url.Path, err)
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", userAgent)
	if r.body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	return req, nil
}

// do runs the attempt loop: pacing, sending, classifying the outcome and
// backing off. It returns a decoded result or a typed error.
func (c *Client) do(ctx context.Context, r *apiRequest, out any) (*Response, error) {
	var waited time.Duration
	for attempt := 1; ; attempt++ {
		if err := c.pace(ctx, r); err != nil {
			return nil, err
		}
		resp, err := c.attempt(ctx, r, attempt, out)
		if err == nil {
			return resp, nil
		}
		delay, retry := c.retry.next(r.method, resp, err, attempt, waited)
		if !retry {
			return resp, c.finalError(r, err, attempt)
		}
		if dl, ok := ctx.Deadline(); ok && time.Until(dl) < delay {
			return resp, &RetryAbortedError{Attempts: attempt, Wait: delay, Err: c.finalError(r, err, attempt), Reason: "the next retry would start after the context deadline"}
		}
		c.logRetry(ctx, r, attempt, delay, err)
		if err := sleepCtx(ctx, delay); err != nil {
			return resp, &RetryAbortedError{Attempts: attempt, Wait: delay, Err: c.finalError(r, err, attempt), Reason: "context ended while waiting to retry"}
		}
		waited += delay
	}
}

// finalError records the number of attempts on the error the caller gets.
func (c *Client) finalError(r *apiRequest, err error, attempts int) error {
	// Without idempotency keys a non-idempotent request that may have reached
	// the server is never re-sent; say so, so the caller can check.
	unsafe := !isIdempotent(r.method)
	switch e := err.(type) {
	case *Error:
		e.Attempts = attempts
		e.OutcomeUnknown = unsafe && e.StatusCode >= 500
	case *RequestError:
		e.Attempts = attempts
		e.OutcomeUnknown = unsafe && !e.NotSent
	}
	return err
}

// attempt sends the request once and decodes the outcome.
func (c *Client) attempt(ctx context.Context, r *apiRequest, attempt int, out any) (*Response, error) {
	req, err := r.build(ctx, c.userAgent)
	if err != nil {
		return nil, err
	}
	start := time.Now()
	httpResp, err := c.http.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return nil, &RequestError{Method: r.method, Path: r.url.Path, Err: ctx.Err(), Attempts: attempt}
		}
		return nil, &RequestError{Method: r.method, Path: r.url.Path, Err: scrubURLError(err), Attempts: attempt,
			NotSent: certainlyNotSent(err)}
	}
	resp := newResponse(httpResp)
	resp.Attempts = attempt
	c.recordRate(resp.Rate)
	defer closeBody(httpResp.Body)
	c.logAttempt(ctx, r, resp, attempt, time.Since(start))

	if httpResp.StatusCode >= 400 {
		return resp, newAPIError(r.method, r.url.Path, resp, attempt)
	}
	if out == nil || httpResp.StatusCode == http.StatusNoContent {
		return resp, nil
	}
	if err := json.NewDecoder(httpResp.Body).Decode(out); err != nil {
		return resp, &DecodeError{Method: r.method, Path: r.url.Path, StatusCode: httpResp.StatusCode, Err: err, Response: resp}
	}
	if p, ok := out.(pager); ok {
		info := p.pageInfo()
		resp.Links, resp.Meta = info.Links, info.Meta
	}
	return resp, nil
}

// closeBody drains a bounded amount so the connection can be reused.
func closeBody(b io.ReadCloser) {
	_, _ = io.CopyN(io.Discard, b, maxDrainedBody)
	_ = b.Close()
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// logAttempt writes one debug line per attempt; it costs nothing when the
// logger is off.
func (c *Client) logAttempt(ctx context.Context, r *apiRequest, resp *Response, attempt int, took time.Duration) {
	if c.logger == nil || !c.logger.Enabled(ctx, slog.LevelDebug) {
		return
	}
	c.logger.LogAttrs(ctx, slog.LevelDebug, "digitalocean request",
		slog.String("method", r.method),
		slog.String("path", r.url.Path),
		slog.String("query", redactQuery(r.url.Query())),
		slog.Int("status", resp.StatusCode),
		slog.Duration("duration", took),
		slog.String("request_id", resp.RequestID),
		slog.Int("attempt", attempt),
		slog.Int("ratelimit_remaining", resp.Rate.Remaining),
		slog.Int("ratelimit_limit", resp.Rate.Limit),
		slog.Any("headers", allowedHeaders(resp.Header)),
	)
}

func (c *Client) logRetry(ctx context.Context, r *apiRequest, attempt int, delay time.Duration, err error) {
	if c.logger == nil || !c.logger.Enabled(ctx, slog.LevelDebug) {
		return
	}
	c.logger.LogAttrs(ctx, slog.LevelDebug, "digitalocean retry",
		slog.String("method", r.method),
		slog.String("path", r.url.Path),
		slog.Int("attempt", attempt),
		slog.Duration("backoff", delay),
		slog.String("error", err.Error()),
	)
}

// loggedHeaders is the allow-list of response headers that may be logged.
var loggedHeaders = []string{"Content-Type", "Content-Length", "X-Request-Id", "Ratelimit-Limit", "Ratelimit-Remaining", "Ratelimit-Reset", "Retry-After"}

func allowedHeaders(h http.Header) map[string]string {
	out := make(map[string]string, len(loggedHeaders))
	for _, k := range loggedHeaders {
		if v := h.Get(k); v != "" {
			out[k] = v
		}
	}
	return out
}

// redactQuery prints a query with values of secret-looking keys replaced.
func redactQuery(q url.Values) string {
	if len(q) == 0 {
		return ""
	}
	for k := range q {
		lk := strings.ToLower(k)
		for _, s := range []string{"token", "secret", "password", "key", "signature", "credential", "auth"} {
			if strings.Contains(lk, s) {
				q[k] = []string{"REDACTED"}
			}
		}
	}
	return q.Encode()
}

// parseInt reads a non-negative decimal header value.
func parseInt(s string) (int, bool) {
	n, err := strconv.Atoi(strings.TrimSpace(s))
	return n, err == nil && n >= 0
}
