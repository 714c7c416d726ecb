package digitalocean

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"syscall"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/oauth2"
)

func TestWithRetryValidates(t *testing.T) {
	_, err := New(WithToken("t"), WithRetry(RetryPolicy{MaxAttempts: -1}))
	assert.ErrorIs(t, err, ErrInvalidArgument)
	_, err = New(WithToken("t"), WithRetry(RetryPolicy{MaxWait: -time.Second}))
	assert.ErrorIs(t, err, ErrInvalidArgument)
	c, err := New(WithToken("t"))
	require.NoError(t, err)
	assert.Equal(t, DefaultRetryPolicy(), c.retry, "retries are on by default")
}

func TestRetryPolicyZeroDurationsTakeDefaults(t *testing.T) {
	p := RetryPolicy{MaxAttempts: 3}.withDefaults()
	d := DefaultRetryPolicy()
	assert.Equal(t, RetryPolicy{MaxAttempts: 3, BaseDelay: d.BaseDelay, MaxDelay: d.MaxDelay, MaxWait: d.MaxWait}, p)
	custom := RetryPolicy{MaxAttempts: 2, BaseDelay: time.Second, MaxDelay: 2 * time.Second, MaxWait: 3 * time.Second}
	assert.Equal(t, custom, custom.withDefaults())
}

func TestBackoffIsCappedFullJitter(t *testing.T) {
	p := RetryPolicy{MaxAttempts: 10, BaseDelay: 100 * time.Millisecond, MaxDelay: time.Second, MaxWait: time.Hour}
	for attempt, ceiling := range map[int]time.Duration{1: 100 * time.Millisecond, 2: 200 * time.Millisecond, 4: 800 * time.Millisecond, 5: time.Second, 60: time.Second} {
		var lo, hi time.Duration = ceiling, 0
		for range 1000 {
			d := p.backoff(attempt)
			lo, hi = min(lo, d), max(hi, d)
		}
		assert.GreaterOrEqual(t, lo, time.Duration(0), "attempt %d", attempt)
		assert.LessOrEqual(t, hi, ceiling, "attempt %d", attempt)
		// Full jitter spreads over the whole range, not just near the top.
		assert.Less(t, lo, ceiling/10, "attempt %d", attempt)
		assert.Greater(t, hi, ceiling*9/10, "attempt %d", attempt)
	}
}

func faultStatusErr(status int, rate Rate) (*Response, error) {
	resp := &Response{Response: &http.Response{StatusCode: status}, Rate: rate}
	return resp, &Error{StatusCode: status, Response: resp}
}

func faultNetErr(err error) (*Response, error) {
	return nil, &RequestError{Err: err, NotSent: neverReachedServer(err)}
}

// The retry table: kind of operation × condition.
func TestRetryPolicyNextClassifies(t *testing.T) {
	now := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	p := DefaultRetryPolicy()
	conditions := []struct {
		name       string
		make       func() (*Response, error)
		idempotent bool // retried for GET, HEAD, PUT, DELETE
		post       bool // retried for POST and PATCH
	}{
		{"429", func() (*Response, error) { return faultStatusErr(429, Rate{}) }, true, true},
		{"500", func() (*Response, error) { return faultStatusErr(500, Rate{}) }, true, false},
		{"502", func() (*Response, error) { return faultStatusErr(502, Rate{}) }, true, false},
		{"503", func() (*Response, error) { return faultStatusErr(503, Rate{}) }, true, false},
		{"504", func() (*Response, error) { return faultStatusErr(504, Rate{}) }, true, false},
		{"501", func() (*Response, error) { return faultStatusErr(501, Rate{}) }, false, false},
		{"400", func() (*Response, error) { return faultStatusErr(400, Rate{}) }, false, false},
		{"401", func() (*Response, error) { return faultStatusErr(401, Rate{}) }, false, false},
		{"404", func() (*Response, error) { return faultStatusErr(404, Rate{}) }, false, false},
		{"409", func() (*Response, error) { return faultStatusErr(409, Rate{}) }, false, false},
		{"422", func() (*Response, error) { return faultStatusErr(422, Rate{}) }, false, false},
		{"reset after writing", func() (*Response, error) { return faultNetErr(faultReset("read")) }, true, false},
		{"EOF before a response", func() (*Response, error) { return faultNetErr(io.EOF) }, true, false},
		{"unexpected EOF", func() (*Response, error) { return faultNetErr(io.ErrUnexpectedEOF) }, true, false},
		{"response timeout", func() (*Response, error) {
			return faultNetErr(&net.OpError{Op: "read", Net: "tcp", Err: os.ErrDeadlineExceeded})
		}, true, false},
		{"connection refused", func() (*Response, error) { return faultNetErr(faultRefused()) }, true, true},
		{"DNS timeout", func() (*Response, error) {
			return faultNetErr(&net.OpError{Op: "dial", Err: &net.DNSError{Err: "timeout", Name: "api.digitalocean.com", IsTimeout: true}})
		}, true, true},
		{"TLS handshake timeout", func() (*Response, error) { return faultNetErr(faultHandshakeTimeout{}) }, true, true},
		{"TLS alert in handshake", func() (*Response, error) {
			return faultNetErr(&net.OpError{Op: "remote error", Err: tls.AlertError(40)})
		}, true, true},
		{"unknown host", func() (*Response, error) {
			return faultNetErr(&net.OpError{Op: "dial", Err: &net.DNSError{Err: "no such host", Name: "nope.invalid", IsNotFound: true}})
		}, false, false},
		{"untrusted certificate", func() (*Response, error) {
			return faultNetErr(&tls.CertificateVerificationError{Err: x509.UnknownAuthorityError{}})
		}, false, false},
		{"token source failure", func() (*Response, error) { return faultNetErr(&TokenError{Err: errors.New("refresh failed")}) }, false, false},
		{"token source timeout", func() (*Response, error) { return faultNetErr(&TokenError{Err: context.DeadlineExceeded}) }, false, false},
		{"context canceled", func() (*Response, error) { return faultNetErr(context.Canceled) }, false, false},
		{"caller's context deadline", func() (*Response, error) {
			return nil, &RequestError{Err: context.DeadlineExceeded, ctxEnded: true}
		}, false, false},
		{"http.Client.Timeout", func() (*Response, error) {
			return faultNetErr(fmt.Errorf("%w (Client.Timeout exceeded while awaiting headers)", context.DeadlineExceeded))
		}, true, false},
		{"cross-host redirect", func() (*Response, error) {
			return faultNetErr(&CrossHostRedirectError{From: "api.digitalocean.com", To: "elsewhere.example", StatusCode: 307})
		}, false, false},
		{"decode error", func() (*Response, error) { return nil, &DecodeError{Err: io.ErrUnexpectedEOF} }, false, false},
		{"redirect policy", func() (*Response, error) { return faultNetErr(errors.New("stopped after 10 redirects")) }, false, false},
	}
	// A read, a write that converges, a POST and a PUT that act anew.
	ops := map[opID]bool{opAppsGet: true, opAppsDelete: true, opAppsCancelDeployment: true, opAppsDetect: true, opAppsCreate: false, opAppsUpdate: false, opAppsRestart: false}
	for _, cond := range conditions {
		for op, resend := range ops {
			resp, err := cond.make()
			want := cond.post
			if resend {
				want = cond.idempotent
			}
			d := p.next(&operations[op], resp, err, 1, 0, now)
			assert.Equal(t, want, d.retry, "%s on %s", operations[op].id, cond.name)
		}
	}
}

// faultHandshakeTimeout mimics net/http's unexported TLS handshake timeout.
type faultHandshakeTimeout struct{}

func (faultHandshakeTimeout) Error() string   { return "net/http: TLS handshake timeout" }
func (faultHandshakeTimeout) Timeout() bool   { return true }
func (faultHandshakeTimeout) Temporary() bool { return true }

func TestRetryPolicyNextLimits(t *testing.T) {
	now := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	p := RetryPolicy{MaxAttempts: 3, BaseDelay: time.Second, MaxDelay: 4 * time.Second, MaxWait: 10 * time.Second}
	resp, err := faultStatusErr(503, Rate{})
	assert.True(t, p.next(&operations[opAppsGet], resp, err, 2, 0, now).retry)
	assert.False(t, p.next(&operations[opAppsGet], resp, err, 3, 0, now).retry, "MaxAttempts reached")
	assert.False(t, RetryPolicy{}.withDefaults().next(&operations[opAppsGet], resp, err, 1, 0, now).retry, "RetryPolicy{} is off")

	// A server-requested wait overrides backoff and MaxDelay, within MaxWait.
	resp, err = faultStatusErr(503, Rate{RetryAfter: 6 * time.Second})
	d := p.next(&operations[opAppsGet], resp, err, 1, 0, now)
	assert.True(t, d.retry)
	assert.GreaterOrEqual(t, d.delay, 6*time.Second)
	assert.LessOrEqual(t, d.delay, 6*time.Second+600*time.Millisecond)
	d = p.next(&operations[opAppsGet], resp, err, 1, 5*time.Second, now)
	assert.False(t, d.retry, "5s waited + 6s > MaxWait 10s")
	assert.Contains(t, d.giveUp, "MaxWait")

	// On a 429 without retry-after the reset sets the wait; not on a 503.
	rate := Rate{Limit: 5000, Remaining: 0, Reset: now.Add(8 * time.Second)}
	resp, err = faultStatusErr(429, rate)
	d = p.next(&operations[opAppsGet], resp, err, 1, 0, now)
	assert.GreaterOrEqual(t, d.delay, 8*time.Second)
	resp, err = faultStatusErr(503, rate)
	d = p.next(&operations[opAppsGet], resp, err, 1, 0, now)
	assert.LessOrEqual(t, d.delay, time.Second, "503: plain backoff")
}

// PUT and DELETE bodies are replayed byte for byte on every attempt.
func TestRetryReplaysBodies(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		for _, op := range []opID{opAppsAssignAlertDestinations, opAppsDelete, opAppsCreate, opAppsUpdate} {
			method, resend := operations[op].method, operations[op].resend()
			rt := &faultRT{reply: func(n int, _ *http.Request) (*http.Response, error) {
				switch {
				case n == 1:
					return faultResp(429, `{"id":"too_many_requests","message":"x"}`, "Retry-After", "1"), nil
				case n == 2 && resend:
					return nil, faultReset("read")
				}
				return faultResp(200, `{"ok":true}`), nil
			}}
			c, _ := faultClient(t, rt)
			in := map[string]any{"name": "sample-app", "spec": map[string]any{"region": "ams", "services": []string{"web", "worker"}}}
			var out struct{ OK bool }
			resp, err := c.call(context.Background(), op, "v2/apps/a-1", nil, in, &out)
			require.NoError(t, err, method)
			assert.True(t, out.OK)
			seen := rt.requests()
			want := 3
			if !resend {
				want = 2
			}
			require.Len(t, seen, want, method)
			assert.Equal(t, want, resp.Attempts)
			for _, s := range seen[1:] {
				assert.Equal(t, method, s.method)
				assert.Equal(t, string(seen[0].body), string(s.body), "%s body replayed", method)
			}
			assert.JSONEq(t, `{"name":"sample-app","spec":{"region":"ams","services":["web","worker"]}}`, string(seen[0].body))
		}
	})
}

// The final error keeps the last status, error id and request id, and
// counts the attempts.
func TestRetryFinalErrorKeepsLastResponse(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		rt := &faultRT{reply: func(n int, _ *http.Request) (*http.Response, error) {
			if n < 3 {
				return faultResp(500, `{"id":"server_error","message":"boom"}`, "X-Request-Id", fmt.Sprintf("req-%d", n)), nil
			}
			return faultResp(503, `{"id":"service_unavailable","message":"maintenance","request_id":"req-body-3"}`), nil
		}}
		c, _ := faultClient(t, rt, WithRetry(RetryPolicy{MaxAttempts: 3}))
		_, resp, err := c.Account.Get(context.Background())
		apiErr := faultAPIError(t, err, 503)
		assert.Equal(t, "service_unavailable", apiErr.ID)
		assert.Equal(t, "req-body-3", apiErr.RequestID)
		assert.Equal(t, 3, apiErr.Attempts)
		assert.Same(t, resp, apiErr.Response)
		assert.Equal(t, `digitalocean: GET /v2/account: 503 service_unavailable: maintenance (request req-body-3) after 3 attempts`, err.Error())
		assert.Len(t, rt.requests(), 3)
	})
}

func TestTokenSourceFailureIsNotRetriedNorSent(t *testing.T) {
	rt := &faultRT{reply: faultOK}
	c, err := New(WithTokenSource(faultFailingSource{}), WithBaseURL(faultBaseURL), WithHTTPClient(&http.Client{Transport: rt}))
	require.NoError(t, err)
	_, err = faultPost(context.Background(), c)
	reqErr := faultRequestError(t, err)
	assert.True(t, reqErr.NotSent)
	assert.False(t, reqErr.OutcomeUnknown)
	var tokErr *TokenError
	assert.ErrorAs(t, err, &tokErr)
	assert.Empty(t, rt.requests())
}

type faultFailingSource struct{}

func (faultFailingSource) Token() (*oauth2.Token, error) { return nil, errors.New("refresh failed") }

func TestScrubbedTransportErrorsOmitQuery(t *testing.T) {
	err := &url.Error{Op: "Get", URL: "https://api.test/v2/x?secret=s3", Err: faultReset("read")}
	assert.NotContains(t, scrubURLError(err).Error(), "s3")
	assert.ErrorIs(t, scrubURLError(err), syscall.ECONNRESET)
}

// BenchmarkRequest compares a successful request through the full loop
// (pacing, retry policy, rate recording) with a bare single attempt.
func BenchmarkRequest(b *testing.B) {
	rt := faultStaticRT(faultAccountJSON)
	run := func(b *testing.B, c *Client, send func(ctx context.Context, c *Client, r *apiRequest) error) {
		u, err := c.baseURL.Parse("v2/account")
		require.NoError(b, err)
		r := &apiRequest{op: &operations[opAccountGet], method: http.MethodGet, url: u}
		ctx := context.Background()
		b.ReportAllocs()
		for b.Loop() {
			if err := send(ctx, c, r); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.Run("layer=bare-attempt", func(b *testing.B) {
		c, err := New(WithToken(faultToken), WithBaseURL(faultBaseURL), WithHTTPClient(&http.Client{Transport: rt}), WithRetry(RetryPolicy{}))
		require.NoError(b, err)
		run(b, c, func(ctx context.Context, c *Client, r *apiRequest) error {
			var out struct{ Account *Account }
			_, err := c.attempt(ctx, r, 1, &out)
			return err
		})
	})
	b.Run("layer=retry+pacing", func(b *testing.B) {
		c, err := New(WithToken(faultToken), WithBaseURL(faultBaseURL), WithHTTPClient(&http.Client{Transport: rt}))
		require.NoError(b, err)
		run(b, c, func(ctx context.Context, c *Client, r *apiRequest) error {
			var out struct{ Account *Account }
			_, err := c.do(ctx, r, &out)
			return err
		})
	})
	b.Run("layer=retry+pacing+limiter", func(b *testing.B) {
		c, err := New(WithToken(faultToken), WithBaseURL(faultBaseURL), WithHTTPClient(&http.Client{Transport: rt}))
		require.NoError(b, err)
		// A window too short to ever wait on: this measures the bookkeeping.
		c.limiter = &limiter{windows: []*slidingWindow{{length: time.Nanosecond, sent: make([]time.Time, APIRequestsPerMinute)}}}
		run(b, c, func(ctx context.Context, c *Client, r *apiRequest) error {
			var out struct{ Account *Account }
			_, err := c.do(ctx, r, &out)
			return err
		})
	})
}

// faultStaticRT answers every request with the same 200 JSON body and
// rate-limit headers, without sockets.
func faultStaticRT(body string) http.RoundTripper {
	reset := fmt.Sprint(time.Now().Add(time.Hour).Unix())
	return faultRTFunc(func(req *http.Request) (*http.Response, error) {
		resp := faultResp(200, body, "Ratelimit-Limit", "5000", "Ratelimit-Remaining", "4999", "Ratelimit-Reset", reset, "X-Request-Id", "req-bench")
		resp.Request = req
		return resp, nil
	})
}

type faultRTFunc func(*http.Request) (*http.Response, error)

func (f faultRTFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// BenchmarkRetryLayerOverhead measures only what the retry and pacing
// layer adds to a successful request: the pacing check (with and without
// the client-side limiter) and recording the response's rate headers.
func BenchmarkRetryLayerOverhead(b *testing.B) {
	u, err := url.Parse(faultBaseURL + "/v2/account")
	require.NoError(b, err)
	r := &apiRequest{op: &operations[opAccountGet], method: http.MethodGet, url: u}
	rate := Rate{Limit: 5000, Remaining: 4999, Reset: time.Now().Add(time.Hour)}
	for _, withLimiter := range []bool{false, true} {
		b.Run(fmt.Sprintf("limiter=%v", withLimiter), func(b *testing.B) {
			c, err := New(WithToken(faultToken))
			require.NoError(b, err)
			if withLimiter {
				c.limiter = &limiter{windows: []*slidingWindow{{length: time.Nanosecond, sent: make([]time.Time, APIRequestsPerMinute)}}}
			}
			ctx := context.Background()
			b.ReportAllocs()
			for b.Loop() {
				_ = c.retry.withDefaults()
				if err := c.pace(ctx, r); err != nil {
					b.Fatal(err)
				}
				c.rate.record(http.StatusOK, rate, time.Now())
			}
		})
	}
}
