package digitalocean

import (
	"context"
	"encoding/json"
	"fmt"
	"golang.org/x/oauth2"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// faultJSONLog returns a client logging JSON lines at debug level.
func faultJSONLog(t *testing.T, rt http.RoundTripper, opts ...Option) (*Client, *faultLog) {
	t.Helper()
	log := &faultLog{}
	jsonLogger := WithLogger(slog.New(slog.NewJSONHandler(log, &slog.HandlerOptions{Level: slog.LevelDebug})))
	c, _ := faultClient(t, rt, append([]Option{jsonLogger}, opts...)...)
	return c, log
}

func faultLogLines(t *testing.T, log *faultLog) []map[string]any {
	t.Helper()
	var out []map[string]any
	for line := range strings.SplitSeq(strings.TrimSpace(log.String()), "\n") {
		var m map[string]any
		require.NoError(t, json.Unmarshal([]byte(line), &m), line)
		out = append(out, m)
	}
	return out
}

func TestDebugLogOneLinePerAttempt(t *testing.T) {
	rt := &faultRT{reply: func(n int, _ *http.Request) (*http.Response, error) {
		hdr := []string{"X-Request-Id", fmt.Sprintf("req-%d", n), "Ratelimit-Limit", "5000", "Ratelimit-Remaining", "4990",
			"Ratelimit-Reset", "1740830400", "Set-Cookie", "session=SERVER-SECRET", "X-Internal-Debug", "SERVER-SECRET"}
		if n == 1 {
			return faultResp(503, `{"id":"service_unavailable","message":"down"}`, hdr...), nil
		}
		return faultResp(200, `{"ok":true}`, hdr...), nil
	}}
	c, log := faultJSONLog(t, rt, WithRetry(RetryPolicy{MaxAttempts: 3, BaseDelay: time.Millisecond, MaxDelay: time.Millisecond}))
	q := url.Values{"page": {"2"}, "access_token": {"QUERY-SECRET"}, "X-Amz-Signature": {"QUERY-SECRET"}, "next": {"dop_v1_QUERY-SECRET"}}
	_, err := c.call(context.Background(), opAppsList, "v2/apps", q, nil, nil)
	require.NoError(t, err)

	out := log.String()
	for _, secret := range []string{faultToken, "QUERY-SECRET", "SERVER-SECRET", "Bearer"} {
		assert.NotContains(t, out, secret)
	}
	lines := faultLogLines(t, log)
	var attempts []map[string]any
	for _, l := range lines {
		assert.Equal(t, "DEBUG", l["level"])
		if l["msg"] == "digitalocean request" {
			attempts = append(attempts, l)
		}
	}
	require.Len(t, attempts, 2)
	first, second := attempts[0], attempts[1]
	assert.Equal(t, "GET", first["method"])
	assert.Equal(t, "/v2/apps", first["path"])
	assert.Equal(t, float64(503), first["status"])
	assert.Equal(t, float64(1), first["attempt"])
	assert.Equal(t, "req-1", first["request_id"])
	assert.Contains(t, first["error"], "503 service_unavailable")
	assert.Equal(t, float64(200), second["status"])
	assert.Equal(t, float64(2), second["attempt"])
	assert.Equal(t, float64(4990), second["ratelimit_remaining"])
	assert.Equal(t, float64(5000), second["ratelimit_limit"])
	assert.Contains(t, second, "duration")
	assert.Contains(t, second, "ratelimit_reset")
	assert.NotContains(t, second, "error")

	query, err := url.ParseQuery(second["query"].(string))
	require.NoError(t, err)
	assert.Equal(t, url.Values{"page": {"2"}, "access_token": {"REDACTED"}, "X-Amz-Signature": {"REDACTED"}, "next": {"REDACTED"}}, query)

	headers := second["headers"].(map[string]any)
	assert.Equal(t, "req-2", headers["X-Request-Id"])
	assert.Equal(t, "4990", headers["Ratelimit-Remaining"])
	for k := range headers {
		assert.Contains(t, loggedHeaders, k, "only allow-listed headers are logged")
	}
	assert.Contains(t, out, `"msg":"digitalocean retry"`)
}

func TestDebugLogTransportErrorAttempt(t *testing.T) {
	rt := &faultRT{reply: func(int, *http.Request) (*http.Response, error) { return nil, faultReset("read") }}
	c, log := faultJSONLog(t, rt, WithRetry(RetryPolicy{}))
	_, err := faultGet(context.Background(), c)
	require.Error(t, err)
	lines := faultLogLines(t, log)
	require.Len(t, lines, 1)
	assert.Equal(t, "digitalocean request", lines[0]["msg"])
	assert.NotContains(t, lines[0], "status")
	assert.Contains(t, lines[0]["error"], "connection reset")
	assert.NotContains(t, log.String(), faultToken)
}

func TestDebugLogRespectsLevel(t *testing.T) {
	rt := &faultRT{reply: faultOK}
	log := &faultLog{}
	c, err := New(WithToken(faultToken), WithBaseURL(faultBaseURL), WithHTTPClient(&http.Client{Transport: rt}),
		WithLogger(slog.New(slog.NewTextHandler(log, &slog.HandlerOptions{Level: slog.LevelInfo}))))
	require.NoError(t, err)
	_, err = faultGet(context.Background(), c)
	require.NoError(t, err)
	assert.Empty(t, log.String(), "debug lines are dropped at info level")
}

func TestRedactQuery(t *testing.T) {
	q := url.Values{
		"page": {"3"}, "per_page": {"200"}, "type": {"kubernetes"},
		"token": {"x"}, "client_secret": {"x"}, "API_KEY": {"x"}, "password": {"x"}, "sig": {"x"},
		"cursor":  {"eyJhbGciOiJIUzI1NiJ9eyJzdWIiOiIxMjM0NTY3ODkwIn0abcdefghijkl"}, // long opaque value
		"cluster": {"4f6c71e2-1e90-4762-9fee-6fc4a0a1f5a1"},                        // a UUID stays
	}
	got, err := url.ParseQuery(redactQuery(q))
	require.NoError(t, err)
	for _, k := range []string{"page", "per_page", "type", "cluster"} {
		assert.NotEqual(t, "REDACTED", got.Get(k), k)
	}
	for _, k := range []string{"token", "client_secret", "API_KEY", "password", "sig", "cursor"} {
		assert.Equal(t, "REDACTED", got.Get(k), k)
	}
}

// Logging is off by default and then costs no allocations.
func TestLoggingOffAllocatesNothing(t *testing.T) {
	c, err := New(WithToken(faultToken))
	require.NoError(t, err)
	assert.Nil(t, c.logger, "off by default")
	u, _ := url.Parse("https://api.digitalocean.com/v2/apps?page=2")
	r := &apiRequest{method: http.MethodGet, url: u}
	resp := &Response{Response: &http.Response{StatusCode: 200, Header: http.Header{"X-Request-Id": {"r"}}}}
	ctx := context.Background()
	logAll := func() {
		c.logAttempt(ctx, r, resp, 1, time.Millisecond, nil)
		c.logRetry(ctx, r, 1, time.Second, io.EOF)
		c.logPacing(ctx, r, time.Second, waitRetryAfter)
	}
	assert.Zero(t, testing.AllocsPerRun(100, logAll), "nil logger")
	c.logger = slog.New(slog.NewTextHandler(io.Discard, &slog.HandlerOptions{Level: slog.LevelInfo}))
	assert.Zero(t, testing.AllocsPerRun(100, logAll), "logger above debug level")
	c.logger = slog.New(slog.NewTextHandler(io.Discard, &slog.HandlerOptions{Level: slog.LevelDebug}))
	assert.NotZero(t, testing.AllocsPerRun(100, logAll), "sanity: logging for real does allocate")
}

// The token appears nowhere the caller can see: error strings, %+v of any
// returned value, the request kept on the Response.
func TestTokenNeverInReturnedValues(t *testing.T) {
	rt := &faultRT{reply: func(n int, _ *http.Request) (*http.Response, error) {
		if n == 1 {
			return faultResp(401, `{"id":"unauthorized","message":"Unable to authenticate you."}`), nil
		}
		return faultOK(n, nil)
	}}
	c, log := faultJSONLog(t, rt)
	resp, err := faultGet(context.Background(), c)
	faultAPIError(t, err, 401)
	faultNoLeak(t, resp, err, log.String())
	resp, err = faultGet(context.Background(), c)
	require.NoError(t, err)
	faultNoLeak(t, resp, err, log.String())
	assert.Equal(t, "Bearer "+faultToken, rt.requests()[1].auth, "sanity: the token was sent")
	assert.NotContains(t, fmt.Sprintf("%+v", c), faultToken)
}

// A token the HTTP stack rejects (here: a newline in it) fails every
// request without quoting it.
func TestMalformedTokenIsNotQuoted(t *testing.T) {
	// WithToken refuses it up front, without echoing it.
	_, err := New(WithToken("dop_v1_BAD\nTOKEN-VALUE"))
	require.Error(t, err)
	assert.NotContains(t, err.Error(), "TOKEN-VALUE")

	// A token source can still produce one; the request must fail unsent.
	srv := newFaultServer(t, func(int, http.ResponseWriter, *http.Request) {})
	bad := oauth2.StaticTokenSource(&oauth2.Token{AccessToken: "dop_v1_BAD\nTOKEN-VALUE"})
	c, err := New(WithTokenSource(bad), WithBaseURL(srv.URL), WithRetry(RetryPolicy{}))
	require.NoError(t, err)
	_, _, err = c.Account.Get(context.Background())
	require.Error(t, err)
	requests, _, _, _ := srv.stats()
	assert.Zero(t, requests)
	assert.NotContains(t, err.Error(), "TOKEN-VALUE")
	assert.NotContains(t, fmt.Sprintf("%+v", err), "TOKEN-VALUE")
}

func BenchmarkRequestNoLogger(b *testing.B) {
	rt := faultStaticRT(faultAccountJSON)
	for _, bc := range []struct {
		name   string
		logger *slog.Logger
	}{
		{"logger=none", nil},
		{"logger=info-level", slog.New(slog.NewTextHandler(io.Discard, &slog.HandlerOptions{Level: slog.LevelInfo}))},
		{"logger=debug-level", slog.New(slog.NewTextHandler(io.Discard, &slog.HandlerOptions{Level: slog.LevelDebug}))},
	} {
		b.Run(bc.name, func(b *testing.B) {
			opts := []Option{WithToken(faultToken), WithBaseURL(faultBaseURL), WithHTTPClient(&http.Client{Transport: rt})}
			if bc.logger != nil {
				opts = append(opts, WithLogger(bc.logger))
			}
			c, err := New(opts...)
			require.NoError(b, err)
			ctx := context.Background()
			b.ReportAllocs()
			for b.Loop() {
				if _, _, err := c.Account.Get(ctx); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
