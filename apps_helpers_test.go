package digitalocean

import (
	"bytes"
	"io"
	"net/http"
	"net/url"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// appsRequest is one request as the in-memory API saw it.
type appsRequest struct {
	Method string
	// Path is the escaped path as sent on the wire.
	Path  string
	Query url.Values
	Body  []byte
}

// appsFakeAPI is an in-memory transport answering every request with
// respond; it records what it was sent.
type appsFakeAPI struct {
	mu      sync.Mutex
	reqs    []appsRequest
	respond func(r appsRequest) (int, []byte)
}

func (f *appsFakeAPI) RoundTrip(req *http.Request) (*http.Response, error) {
	var body []byte
	if req.Body != nil {
		body, _ = io.ReadAll(req.Body)
		_ = req.Body.Close()
	}
	rec := appsRequest{Method: req.Method, Path: req.URL.EscapedPath(), Query: req.URL.Query(), Body: body}
	f.mu.Lock()
	f.reqs = append(f.reqs, rec)
	f.mu.Unlock()
	status, out := http.StatusOK, []byte(`{}`)
	if f.respond != nil {
		status, out = f.respond(rec)
	}
	return &http.Response{
		StatusCode: status,
		Status:     http.StatusText(status),
		Header:     http.Header{"Content-Type": {"application/json"}},
		Body:       io.NopCloser(bytes.NewReader(out)),
		Request:    req,
	}, nil
}

func (f *appsFakeAPI) requests() []appsRequest {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]appsRequest(nil), f.reqs...)
}

// only returns the single request sent, failing the test otherwise.
func (f *appsFakeAPI) only(t *testing.T) appsRequest {
	t.Helper()
	reqs := f.requests()
	require.Len(t, reqs, 1, "requests sent")
	return reqs[0]
}

// newAppsClient returns a client whose every request gets body with status 200.
func newAppsClient(t *testing.T, body []byte) (*Client, *appsFakeAPI) {
	t.Helper()
	return newAppsClientFunc(t, func(appsRequest) (int, []byte) { return http.StatusOK, body })
}

func newAppsClientFunc(t *testing.T, respond func(appsRequest) (int, []byte)) (*Client, *appsFakeAPI) {
	t.Helper()
	fake := &appsFakeAPI{respond: respond}
	c, err := New(WithToken("test-token"), WithBaseURL("https://api.test"), WithRetry(RetryPolicy{}),
		WithHTTPClient(&http.Client{Transport: fake}))
	require.NoError(t, err)
	return c, fake
}

// assertJSONBody checks that the request body is the JSON want.
func assertJSONBody(t *testing.T, want string, got []byte) {
	t.Helper()
	assert.JSONEq(t, want, string(got))
}

// assertArgumentError checks that err is an *ArgumentError naming name
// and that nothing was sent.
func assertArgumentError(t *testing.T, err error, name string, fake *appsFakeAPI) {
	t.Helper()
	var argErr *ArgumentError
	require.ErrorAs(t, err, &argErr)
	assert.Equal(t, name, argErr.Name)
	assert.ErrorIs(t, err, ErrInvalidArgument)
	assert.Empty(t, fake.requests(), "no request may be sent for an invalid argument")
}
