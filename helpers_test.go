package digitalocean

// Shared test helpers: a client against an httptest server, an in-memory
// transport for synctest bubbles, a request recorder and example payloads
// taken from the OpenAPI spec in testdata.

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"iter"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"
)

// testToken is distinctive so that leak checks cannot match by accident.
const testToken = "dop_v1_TEST-TOKEN-7c1e9a"

// memBaseURL is the base URL of clients built by newMemClient; nothing
// listens there, the in-memory transport answers instead.
const memBaseURL = "https://api.digitalocean.test"

// capped fails the test once seq has yielded more than limit pairs and
// stops it there: a test that loops over an iterator fails, rather than
// hangs, if the iterator never ends.
func capped[K, V any](t testing.TB, seq iter.Seq2[K, V], limit int) iter.Seq2[K, V] {
	return func(yield func(K, V) bool) {
		n := 0
		for k, v := range seq {
			if n++; n > limit {
				t.Errorf("the iterator yielded more than %d values: it does not end", limit)
				return
			}
			if !yield(k, v) {
				return
			}
		}
	}
}

// newTestClient starts an httptest server running h and returns a client
// pointed at it, authenticated with testToken and with retries off (pass
// WithRetry to turn them on: later options win).
func newTestClient(t testing.TB, h http.Handler, opts ...Option) (*Client, *httptest.Server) {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	base := []Option{WithToken(testToken), WithBaseURL(srv.URL), WithRetry(RetryPolicy{})}
	c, err := New(append(base, opts...)...)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return c, srv
}

// newMemClient returns a client whose requests are served in memory by h
// (see handlerTransport), for tests that run inside a synctest bubble.
// Retries are off unless opts turn them on.
func newMemClient(t testing.TB, h http.Handler, opts ...Option) *Client {
	t.Helper()
	base := []Option{
		WithToken(testToken),
		WithBaseURL(memBaseURL),
		WithRetry(RetryPolicy{}),
		WithHTTPClient(&http.Client{Transport: handlerTransport(h)}),
	}
	c, err := New(append(base, opts...)...)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return c
}

// roundTripFunc adapts a function to http.RoundTripper.
type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// handlerTransport serves every request with h through an
// httptest.ResponseRecorder: no sockets and no background goroutines, so
// clients using it work inside testing/synctest bubbles, where time is fake.
// A handler that blocks until the request's context ends behaves like a
// server that never answers.
func handlerTransport(h http.Handler) http.RoundTripper {
	return roundTripFunc(func(r *http.Request) (*http.Response, error) {
		in := r.Clone(r.Context())
		in.RequestURI = r.URL.RequestURI()
		if in.Body == nil {
			in.Body = http.NoBody
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, in)
		if r.Body != nil {
			_ = r.Body.Close()
		}
		if err := r.Context().Err(); err != nil {
			return nil, err
		}
		resp := rec.Result()
		resp.Request = r
		return resp, nil
	})
}

// seenRequest is what the server received.
type seenRequest struct {
	Method     string
	RequestURI string // as sent, still escaped
	Path       string // r.URL.Path
	Query      url.Values
	Header     http.Header
	Body       []byte
	At         time.Time
}

// requestLog records the requests a handler receives; safe for concurrent
// use.
type requestLog struct {
	mu   sync.Mutex
	reqs []seenRequest
}

// wrap returns h preceded by recording. h may be nil (it then answers 200
// with an empty JSON object).
func (l *requestLog) wrap(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(body))
		l.mu.Lock()
		l.reqs = append(l.reqs, seenRequest{
			Method: r.Method, RequestURI: r.RequestURI, Path: r.URL.Path, Query: r.URL.Query(),
			Header: r.Header.Clone(), Body: body, At: time.Now(),
		})
		l.mu.Unlock()
		if h == nil {
			writeJSON(w, http.StatusOK, "{}")
			return
		}
		h.ServeHTTP(w, r)
	})
}

func (l *requestLog) all() []seenRequest {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]seenRequest(nil), l.reqs...)
}

func (l *requestLog) count() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.reqs)
}

// only returns the single recorded request, failing the test otherwise.
func (l *requestLog) only(t testing.TB) seenRequest {
	t.Helper()
	reqs := l.all()
	if len(reqs) != 1 {
		t.Fatalf("server got %d requests, want 1", len(reqs))
	}
	return reqs[0]
}

// writeJSON answers with status and body, which is a JSON string or a
// value to encode.
func writeJSON(w http.ResponseWriter, status int, body any) {
	var raw []byte
	switch b := body.(type) {
	case string:
		raw = []byte(b)
	case []byte:
		raw = b
	default:
		var err error
		if raw, err = json.Marshal(b); err != nil {
			panic(err)
		}
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(raw)
}

// jsonHandler always answers with status and body (see writeJSON).
func jsonHandler(status int, body any) http.HandlerFunc {
	return func(w http.ResponseWriter, _ *http.Request) { writeJSON(w, status, body) }
}

// mustJSON encodes v.
func mustJSON(t testing.TB, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatalf("json.Marshal: %v", err)
	}
	return b
}

// loadSpec reads testdata/digitalocean-v2-subset.yaml once.
var loadSpec = sync.OnceValues(func() (map[string]any, error) {
	raw, err := os.ReadFile("testdata/digitalocean-v2-subset.yaml")
	if err != nil {
		return nil, err
	}
	var doc map[string]any
	if err := yaml.Unmarshal(raw, &doc); err != nil {
		return nil, err
	}
	return doc, nil
})

// specNode follows a "#/a/b/c" JSON pointer into the spec.
func specNode(t testing.TB, pointer string) map[string]any {
	t.Helper()
	doc, err := loadSpec()
	if err != nil {
		t.Fatalf("load spec: %v", err)
	}
	var node any = doc
	for _, key := range strings.Split(strings.TrimPrefix(pointer, "#/"), "/") {
		key = strings.ReplaceAll(strings.ReplaceAll(key, "~1", "/"), "~0", "~")
		m, ok := node.(map[string]any)
		if !ok {
			t.Fatalf("spec %s: %q is not under an object", pointer, key)
		}
		if node, ok = m[key]; !ok {
			t.Fatalf("spec %s: no key %q", pointer, key)
		}
	}
	m, ok := node.(map[string]any)
	if !ok {
		t.Fatalf("spec %s is not an object", pointer)
	}
	return m
}

// specResponseExample returns the JSON example of a response in
// components/responses: its "example", else its first "examples" value.
func specResponseExample(t testing.TB, name string) []byte {
	t.Helper()
	media := specNode(t, "#/components/responses/"+name+"/content/application~1json")
	if ex, ok := media["example"]; ok {
		return mustJSON(t, ex)
	}
	if examples, ok := media["examples"].(map[string]any); ok {
		for _, ex := range examples { // the subset has one example per response
			if v, ok := ex.(map[string]any)["value"]; ok {
				return mustJSON(t, v)
			}
		}
	}
	t.Fatalf("spec response %s has no example", name)
	return nil
}

// specSchemaExample builds a JSON value for a schema in components/schemas
// from the examples of its properties (the spec gives few whole-object
// examples).
func specSchemaExample(t testing.TB, name string) map[string]any {
	t.Helper()
	v, ok := schemaExample(t, specNode(t, "#/components/schemas/"+name), 0).(map[string]any)
	if !ok {
		t.Fatalf("spec schema %s has no object example", name)
	}
	return v
}

func schemaExample(t testing.TB, schema map[string]any, depth int) any {
	t.Helper()
	if depth > 20 {
		t.Fatalf("spec schema example: recursion too deep")
	}
	if ref, ok := schema["$ref"].(string); ok {
		return schemaExample(t, specNode(t, ref), depth+1)
	}
	if ex, ok := schema["example"]; ok {
		return normalizeYAML(ex)
	}
	if all, ok := schema["allOf"].([]any); ok {
		merged := map[string]any{}
		for _, part := range all {
			if m, ok := schemaExample(t, part.(map[string]any), depth+1).(map[string]any); ok {
				for k, v := range m {
					merged[k] = v
				}
			}
		}
		return merged
	}
	if props, ok := schema["properties"].(map[string]any); ok {
		out := map[string]any{}
		for k, p := range props {
			if v := schemaExample(t, p.(map[string]any), depth+1); v != nil {
				out[k] = v
			}
		}
		return out
	}
	if items, ok := schema["items"].(map[string]any); ok {
		if v := schemaExample(t, items, depth+1); v != nil {
			return []any{v}
		}
	}
	return nil
}

// normalizeYAML turns YAML-only values (timestamps) into their JSON form.
func normalizeYAML(v any) any {
	switch x := v.(type) {
	case time.Time:
		return x.Format(time.RFC3339Nano)
	case map[string]any:
		for k, e := range x {
			x[k] = normalizeYAML(e)
		}
	case []any:
		for i, e := range x {
			x[i] = normalizeYAML(e)
		}
	}
	return v
}

// envelope wraps v as {"key": v}.
func envelope(key string, v any) map[string]any { return map[string]any{key: v} }

// countingReader counts the bytes read through it.
type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

func (c *countingReader) Close() error { return nil }

// mustBeArgumentError checks that err is an *ArgumentError naming name.
func mustBeArgumentError(t testing.TB, err error, name string) {
	t.Helper()
	var argErr *ArgumentError
	if !errors.As(err, &argErr) {
		t.Fatalf("error = %v (%T), want *ArgumentError", err, err)
	}
	if !strings.Contains(argErr.Name, name) {
		t.Errorf("ArgumentError.Name = %q, want it to mention %q", argErr.Name, name)
	}
	if !errors.Is(err, ErrInvalidArgument) {
		t.Errorf("errors.Is(%v, ErrInvalidArgument) = false", err)
	}
}
