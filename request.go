package digitalocean

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"reflect"
	"strconv"
	"strings"
	"sync/atomic"
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
		switch a {
		case ".", "..": // dot segments would be resolved away, moving the request
			escaped[i] = strings.Repeat("%2E", len(a))
		default:
			escaped[i] = url.PathEscape(a)
		}
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

// call sends one API operation: op names it (its method, and whether it
// may be re-sent, come from the operations table), path is relative to the
// base URL and already escaped (see escapePath), q is a query-options
// struct or url.Values, in is JSON-encoded as the body, out receives the
// decoded 2xx body. The body is encoded once so retries replay it exactly.
func (c *Client) call(ctx context.Context, op opID, path string, q, in, out any) (*Response, error) {
	o := &operations[op]
	method := o.method
	if c.testHooks != nil {
		c.testHooks.onCall(op)
	}
	rawQuery, err := encodeQuery(q)
	if err != nil {
		return nil, err
	}
	var body []byte
	if in != nil {
		if body, err = encodeBody(in); err != nil {
			return nil, fmt.Errorf("digitalocean: encode %s %s body: %w", method, path, err)
		}
	}
	u, err := c.resolve(path)
	if err != nil {
		return nil, err
	}
	u.RawQuery = rawQuery
	return c.do(ctx, &apiRequest{op: o, method: method, url: u, body: body}, out)
}

// apiRequest is one operation as the retry loop sees it.
type apiRequest struct {
	op     *operation
	method string
	url    *url.URL
	body   []byte // nil when the request has no body

	// rewritten is set when net/http wrote the last attempt more than
	// once (an HTTP/2 replay after a reset stream, say).
	rewritten bool
}

// resolve appends path, relative and already escaped, to the base URL.
// Concatenating is enough (and cheaper than url.Parse and
// ResolveReference): escapePath has made dot segments inert, and API paths
// carry no query or fragment.
func (c *Client) resolve(path string) (*url.URL, error) {
	if strings.HasPrefix(path, "/") || strings.ContainsAny(path, "?#") {
		return nil, fmt.Errorf("digitalocean: bad path %q: must be relative, without query or fragment", path)
	}
	decoded, err := url.PathUnescape(path)
	if err != nil {
		return nil, fmt.Errorf("digitalocean: bad path %q: %w", path, err)
	}
	u := new(url.URL)
	*u = *c.baseURL
	u.Path = c.baseURL.Path + decoded
	if decoded != path || c.baseURL.RawPath != "" {
		u.RawPath = c.baseURL.EscapedPath() + path
	}
	return u, nil
}

func (r *apiRequest) build(ctx context.Context, userAgent string) (*http.Request, error) {
	var body io.Reader
	if r.body != nil {
		body = bytes.NewReader(r.body)
	}
	// An empty URL spares re-parsing the one resolve built; every attempt
	// shares r.url, which nothing modifies.
	req, err := http.NewRequestWithContext(ctx, r.method, "", body)
	if err != nil {
		return nil, fmt.Errorf("digitalocean: build %s %s: %w", r.method, r.url.Path, err)
	}
	req.URL = r.url
	req.Host = strings.TrimSuffix(r.url.Host, ":") // as http.NewRequest does
	if !r.op.resend() {
		// A body the transport cannot rewind is never re-sent by it: Go's
		// HTTP/2 transport replays a request whose stream was reset after
		// the body was written (golang/go#47635), which would apply an
		// app update or a restart twice. It also keeps a 307/308 from
		// carrying the body elsewhere.
		req.GetBody = nil
		if req.Body == nil {
			// The transport replays a request without a body as freely as
			// one it can rewind; an empty body it cannot rewind stops that.
			// (HTTP/1.1 then sends it chunked: zero bytes all the same.)
			req.Body = io.NopCloser(emptyReader{})
		}
	}
	// One backing array for the header values; the keys are canonical.
	values := make([]string, 3)
	values[0], values[1], values[2] = "application/json", userAgent, "application/json"
	req.Header["Accept"] = values[0:1:1]
	req.Header["User-Agent"] = values[1:2:2]
	if r.body != nil {
		req.Header["Content-Type"] = values[2:3:3]
	}
	return req, nil
}

// emptyReader is a body of no bytes that net/http does not recognise as
// http.NoBody.
type emptyReader struct{}

func (emptyReader) Read([]byte) (int, error) { return 0, io.EOF }

// do runs the attempt loop: pacing, sending, classifying the outcome and
// backing off. It returns a decoded result or a typed error.
func (c *Client) do(ctx context.Context, r *apiRequest, out any) (*Response, error) {
	policy, err := c.retryPolicy(ctx)
	if err != nil {
		return nil, err
	}
	var (
		waited   time.Duration
		lastResp *Response
		lastErr  error
		// mayHaveApplied is set once an attempt failed in a way that lets
		// the server have acted on it (a 5xx, a connection lost after
		// sending).
		mayHaveApplied bool
	)
	for attempt := 1; ; attempt++ {
		if err := c.pace(ctx, r); err != nil {
			if lastErr == nil {
				return nil, err
			}
			return lastResp, c.abortRetry(r, lastErr, attempt-1, mayHaveApplied, err)
		}
		resp, err := c.attempt(ctx, r, attempt, out)
		if r.rewritten {
			// The transport wrote this attempt more than once: the
			// answer may be to a copy, after the first was applied.
			mayHaveApplied = true
		}
		if err == nil {
			return resp, nil
		}
		if mayHaveApplied && r.method == http.MethodDelete && resp != nil && resp.StatusCode == http.StatusNotFound {
			// The earlier attempt most likely deleted it: the resource is
			// gone, which is what the caller asked for (docs/retries.md).
			resp.GoneOnRetry = true
			return resp, nil
		}
		mayHaveApplied = mayHaveApplied || attemptMayHaveApplied(err)
		d := policy.next(r.op, resp, err, attempt, waited, time.Now())
		if !d.retry {
			final := c.finalError(r, err, attempt, mayHaveApplied)
			if d.giveUp != "" {
				return resp, &RetryAbortedError{Attempts: attempt, Wait: d.delay, Reason: d.giveUp, Err: final}
			}
			return resp, final
		}
		if dl, ok := ctx.Deadline(); ok && time.Until(dl) < d.delay {
			return resp, &RetryAbortedError{Attempts: attempt, Wait: d.delay, Err: c.finalError(r, err, attempt, mayHaveApplied),
				Reason: "the next retry would start after the context deadline"}
		}
		c.logRetry(ctx, r, attempt, d.delay, err)
		if serr := sleepCtx(ctx, d.delay); serr != nil {
			return resp, &RetryAbortedError{Attempts: attempt, Wait: d.delay, Err: c.finalError(r, err, attempt, mayHaveApplied),
				Reason: "context ended while waiting to retry: " + serr.Error(), ctxErr: serr}
		}
		waited += d.delay
		lastResp, lastErr = resp, err
	}
}

// abortRetry reports a retry that pacing held back past the deadline.
func (c *Client) abortRetry(r *apiRequest, lastErr error, attempts int, mayHaveApplied bool, paceErr error) error {
	abort := &RetryAbortedError{Attempts: attempts, Err: c.finalError(r, lastErr, attempts, mayHaveApplied), Reason: paceErr.Error()}
	if w, ok := paceErr.(*RateLimitWaitError); ok {
		abort.ctxErr = w.Err
		abort.Wait = max(time.Until(w.Until), 0)
		abort.Reason = "held back by the " + w.Reason + " until " + w.Until.UTC().Format(time.RFC3339)
		if errors.Is(w.Err, context.DeadlineExceeded) {
			abort.Reason += ", after the context deadline"
		} else {
			abort.Reason += "; context ended: " + w.Err.Error()
		}
	}
	return abort
}

// finalError records the number of attempts on the error the caller gets,
// and whether a write may have been applied: by this attempt or, for an
// operation that is re-sent, an earlier one (mayHaveApplied).
func (c *Client) finalError(r *apiRequest, err error, attempts int, mayHaveApplied bool) error {
	// Without idempotency keys the caller must be told, so it can check.
	unknown := r.op.write() && (mayHaveApplied || attemptMayHaveApplied(err))
	switch e := err.(type) {
	case *Error:
		e.Attempts, e.OutcomeUnknown = attempts, unknown
	case *RequestError:
		e.Attempts, e.OutcomeUnknown = attempts, unknown
	}
	return err
}

// attemptMayHaveApplied reports whether a failed attempt may have been
// acted on by the server: a 5xx, or a request that may have been sent.
func attemptMayHaveApplied(err error) bool {
	switch e := err.(type) {
	case *Error:
		return e.StatusCode >= 500
	case *RequestError:
		return !e.NotSent && !e.notApplied
	}
	return false
}

// connTrace records whether the transport handed a connection to the
// request (before that, no byte of it can have been written) and whether
// it wrote the request, then took a connection again to write it anew.
type connTrace struct {
	trace     httptrace.ClientTrace
	gotConn   atomic.Bool
	wrote     atomic.Bool
	rewritten atomic.Bool
}

func newConnTrace() *connTrace {
	ct := new(connTrace)
	ct.trace.GotConn = func(httptrace.GotConnInfo) {
		ct.gotConn.Store(true)
		if ct.wrote.Load() {
			ct.rewritten.Store(true)
		}
	}
	// Called after a failed write too: a part of the request may be out.
	ct.trace.WroteRequest = func(httptrace.WroteRequestInfo) { ct.wrote.Store(true) }
	return ct
}

// attempt sends the request once and decodes the outcome.
func (c *Client) attempt(ctx context.Context, r *apiRequest, attempt int, out any) (*Response, error) {
	// Every write is traced: one that is not re-sent must know whether it
	// was written, and one net/http wrote twice within this attempt may
	// have been applied by the first write. A read applies nothing, so it
	// skips the trace's allocations (the hot path of every list and get).
	reqCtx := ctx
	var ct *connTrace
	if r.op.write() {
		ct = newConnTrace()
		reqCtx = httptrace.WithClientTrace(ctx, &ct.trace)
	}
	req, err := r.build(reqCtx, c.userAgent)
	if err != nil {
		return nil, err
	}
	var start time.Time // read only for the debug log
	if c.logger != nil {
		start = time.Now()
	}
	httpResp, err := c.http.Do(req)
	r.rewritten = ct != nil && ct.rewritten.Load()
	if err != nil {
		reqErr := &RequestError{Method: r.method, Path: r.url.Path, Attempts: attempt,
			NotSent: notSent(err, ct), Err: scrubURLError(err), notApplied: redirectedUnprocessed(httpResp)}
		if ctxErr := ctx.Err(); ctxErr != nil {
			// The caller's own context ended; a transport or http.Client
			// timeout leaves it alive and is retried as a network failure.
			reqErr.Err, reqErr.ctxEnded = ctxErr, true
		}
		c.logAttempt(ctx, r, nil, attempt, elapsed(start), reqErr)
		return nil, reqErr
	}
	received := time.Now()
	httpResp.Body = capBody(httpResp.Body, c.maxResponseBody)
	resp := newResponse(httpResp, received)
	resp.Attempts = attempt
	c.rate.record(httpResp.StatusCode, resp.Rate, received)
	if c.refuseCrossHost {
		if redirectErr := unfollowedCrossHostRedirect(httpResp); redirectErr != nil {
			closeBody(httpResp.Body)
			// As a followed redirect that sameHostRedirects refuses; a 307
			// or 308 says the server did not act on the request.
			reqErr := &RequestError{Method: r.method, Path: r.url.Path, Attempts: attempt,
				Err: redirectErr, notApplied: true}
			c.logAttempt(ctx, r, resp, attempt, elapsed(start), reqErr)
			return nil, reqErr
		}
	}
	consumed, err := decodeBody(r, resp, out)
	if apiErr, ok := err.(*Error); ok {
		c.scrubTokens(apiErr)
	}
	if consumed {
		_ = httpResp.Body.Close()
	} else {
		closeBody(httpResp.Body)
	}
	c.logAttempt(ctx, r, resp, attempt, elapsed(start), err)
	return resp, err
}

// decodeBody turns an error status into an *Error, or decodes a 2xx body
// into out. consumed reports that the body was read to its end, so
// closing it needs no draining.
func decodeBody(r *apiRequest, resp *Response, out any) (consumed bool, err error) {
	status := resp.StatusCode
	if status >= 300 { // 3xx: a redirect the client did not follow
		return false, newAPIError(r.method, r.url.Path, resp, resp.Attempts)
	}
	if out == nil || status == http.StatusNoContent || r.method == http.MethodHead {
		return false, nil
	}
	if err := readJSON(resp.Body, out); err != nil {
		if truncatedJSON(err) {
			err = &truncatedBodyError{err}
		}
		return false, &DecodeError{Method: r.method, Path: r.url.Path, StatusCode: status, Err: err, Response: resp, write: r.op.write()}
	}
	if p, ok := out.(pager); ok {
		info := p.pageInfo()
		resp.Links, resp.Meta = info.Links, info.Meta
	}
	return true, nil
}

// closeBody drains a bounded amount so the connection can be reused; a
// longer body costs the connection rather than the time to read it.
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

// elapsed is time.Since(start), or 0 when start was never read.
func elapsed(start time.Time) time.Duration {
	if start.IsZero() {
		return 0
	}
	return time.Since(start)
}

// logAttempt writes one debug line per attempt. With no logger, or one
// that drops debug records, it returns before building anything.
func (c *Client) logAttempt(ctx context.Context, r *apiRequest, resp *Response, attempt int, took time.Duration, err error) {
	if c.logger == nil || !c.logger.Enabled(ctx, slog.LevelDebug) {
		return
	}
	attrs := make([]slog.Attr, 0, 14)
	attrs = append(attrs,
		slog.String("method", r.method),
		slog.String("path", r.url.Path),
	)
	if r.url.RawQuery != "" {
		attrs = append(attrs, slog.String("query", redactQuery(r.url.Query())))
	}
	attrs = append(attrs, slog.Int("attempt", attempt), slog.Duration("duration", took))
	if resp != nil {
		attrs = append(attrs,
			slog.Int("status", resp.StatusCode),
			slog.String("request_id", resp.RequestID),
			slog.Int("ratelimit_limit", resp.Rate.Limit),
			slog.Int("ratelimit_remaining", resp.Rate.Remaining),
		)
		if !resp.Rate.Reset.IsZero() {
			attrs = append(attrs, slog.Time("ratelimit_reset", resp.Rate.Reset))
		}
		if resp.Rate.RetryAfter > 0 {
			attrs = append(attrs, slog.Duration("retry_after", resp.Rate.RetryAfter))
		}
		attrs = append(attrs, slog.Attr{Key: "headers", Value: slog.GroupValue(allowedHeaders(resp.Header)...)})
	}
	if err != nil {
		attrs = append(attrs, slog.String("error", err.Error()))
	}
	c.logger.LogAttrs(ctx, slog.LevelDebug, "digitalocean request", attrs...)
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

func allowedHeaders(h http.Header) []slog.Attr {
	var out []slog.Attr
	for _, k := range loggedHeaders {
		if v := h.Get(k); v != "" {
			out = append(out, slog.String(k, v))
		}
	}
	return out
}

// secretKeyWords mark query parameters whose values are never logged.
var secretKeyWords = []string{"token", "secret", "password", "passwd", "key", "signature", "sig", "credential", "auth", "session", "code"}

// redactQuery prints a query with the values of secret-looking parameters
// replaced: by name, or by a value shaped like a DigitalOcean token.
func redactQuery(q url.Values) string {
	for k, vs := range q {
		lk := strings.ToLower(k)
		secret := false
		for _, w := range secretKeyWords {
			secret = secret || strings.Contains(lk, w)
		}
		for _, v := range vs {
			secret = secret || looksLikeToken(v)
		}
		if secret {
			q[k] = []string{"REDACTED"}
		}
	}
	return q.Encode()
}

// looksLikeToken matches DigitalOcean's token formats (dop_v1_…, doo_v1_…,
// dor_v1_…) and other long opaque strings.
func looksLikeToken(v string) bool {
	if len(v) >= 7 && strings.HasPrefix(v, "do") && v[3:7] == "_v1_" {
		return true
	}
	if len(v) < 40 {
		return false
	}
	for _, r := range v {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-_.=+/", r)) {
			return false
		}
	}
	return true
}

// parseInt reads a non-negative decimal header value.
func parseInt(s string) (int, bool) {
	n, err := strconv.Atoi(strings.TrimSpace(s))
	return n, err == nil && n >= 0
}
