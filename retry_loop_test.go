package digitalocean

// End-to-end tests of the request loop (do): what the policy decides is
// only half of it; these check that the loop sleeps, sums and stops as the
// policy says, on the fake clock of testing/synctest.

import (
	"context"
	"net/http"
	"strconv"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/oauth2"
)

// loopServer answers every request with status and headers, recording
// when each came.
type loopServer struct {
	mu     sync.Mutex
	at     []time.Time
	status int
	header map[string]string
}

func (s *loopServer) ServeHTTP(w http.ResponseWriter, _ *http.Request) {
	s.mu.Lock()
	s.at = append(s.at, time.Now())
	s.mu.Unlock()
	for k, v := range s.header {
		w.Header().Set(k, v)
	}
	writeJSON(w, s.status, `{"id":"service_unavailable","message":"try later"}`)
}

func (s *loopServer) times() []time.Time {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]time.Time(nil), s.at...)
}

// A context cancelled while the loop waits to retry ends the call at that
// instant, with the context's error.
func TestRetryLoopContextCancelledDuringBackoff(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		srv := &loopServer{status: http.StatusServiceUnavailable, header: map[string]string{"Retry-After": "60"}}
		c := newMemClient(t, srv, WithRetry(DefaultRetryPolicy()))
		ctx, cancel := context.WithCancel(t.Context())
		defer cancel()
		time.AfterFunc(5*time.Second, cancel)

		start := time.Now()
		_, _, err := c.Account.Get(ctx)
		assert.Equal(t, 5*time.Second, time.Since(start), "the call returns when the context ends, not after the 60s wait")
		require.ErrorIs(t, err, context.Canceled)
		var aborted *RetryAbortedError
		require.ErrorAs(t, err, &aborted)
		assert.Equal(t, 1, aborted.Attempts)
		assert.ErrorIs(t, err, ErrServerError, "the last attempt's error is kept")
		assert.Len(t, srv.times(), 1)
	})
}

// The loop adds up its waits: a server that keeps asking for 10s is
// retried until the next wait would pass MaxWait, not MaxAttempts times.
func TestRetryLoopStopsAtMaxWait(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		srv := &loopServer{status: http.StatusServiceUnavailable, header: map[string]string{"Retry-After": "10"}}
		policy := RetryPolicy{MaxAttempts: 100, BaseDelay: 100 * time.Millisecond, MaxDelay: time.Second, MaxWait: 35 * time.Second}
		c := newMemClient(t, srv, WithRetry(policy))

		start := time.Now()
		_, _, err := c.Account.Get(t.Context())
		took := time.Since(start)
		var aborted *RetryAbortedError
		require.ErrorAs(t, err, &aborted)
		assert.Contains(t, aborted.Reason, "MaxWait")
		assert.Equal(t, 4, aborted.Attempts, "three waits of ~10s fit in 35s, a fourth does not")
		assert.Len(t, srv.times(), 4)
		assert.GreaterOrEqual(t, took, 30*time.Second)
		assert.LessOrEqual(t, took, policy.MaxWait)
	})
}

// Clients told the same retry-after by one 429 do not all come back at the
// same instant: each wait is at least the server's, and they differ.
func TestRetryLoopJittersServerRequestedWaits(t *testing.T) {
	for name, header := range map[string]func(now time.Time) map[string]string{
		"retry-after": func(time.Time) map[string]string { return map[string]string{"Retry-After": "2"} },
		"ratelimit-reset": func(now time.Time) map[string]string {
			// The reset is a whole second; the wait runs from "now" to it.
			return map[string]string{"Ratelimit-Limit": "250", "Ratelimit-Remaining": "0",
				"Ratelimit-Reset": strconv.FormatInt(now.Add(3*time.Second).Unix(), 10)}
		},
	} {
		t.Run(name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				const clients = 8
				start := time.Now()
				want := 2 * time.Second
				if name == "ratelimit-reset" {
					want = 3 * time.Second
				}
				retried := make([]time.Duration, clients)
				var wg sync.WaitGroup
				for i := range clients {
					var mu sync.Mutex
					calls := 0
					h := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
						mu.Lock()
						calls++
						n := calls
						mu.Unlock()
						if n == 1 {
							for k, v := range header(start) {
								w.Header().Set(k, v)
							}
							writeJSON(w, http.StatusTooManyRequests, `{"id":"too_many_requests","message":"slow down"}`)
							return
						}
						retried[i] = time.Since(start)
						writeJSON(w, http.StatusOK, `{"account":{"email":"a@b.c"}}`)
					})
					// One client each, as separate processes would be: no
					// shared pacing state lines them up.
					c := newMemClient(t, h, WithRetry(DefaultRetryPolicy()))
					wg.Go(func() {
						_, resp, err := c.Account.Get(t.Context())
						if assert.NoError(t, err) {
							assert.Equal(t, 2, resp.Attempts)
						}
					})
				}
				wg.Wait()
				distinct := map[time.Duration]bool{}
				for i, d := range retried {
					assert.GreaterOrEqual(t, d, want, "client %d came back before the server's wait", i)
					assert.LessOrEqual(t, d, want+DefaultRetryPolicy().BaseDelay, "client %d: jitter is bounded", i)
					distinct[d] = true
				}
				assert.Greater(t, len(distinct), clients/2, "retries are spread, not all at one instant: %v", retried)
			})
		})
	}
}

// A redirect from https to http on the API host itself carries no token:
// it would travel in cleartext.
func TestRedirectToPlainHTTPOnSameHostCarriesNoToken(t *testing.T) {
	var mu sync.Mutex
	auths := map[string]string{} // scheme → Authorization received
	rt := roundTripFunc(func(r *http.Request) (*http.Response, error) {
		mu.Lock()
		auths[r.URL.Scheme] = r.Header.Get("Authorization")
		mu.Unlock()
		if r.URL.Scheme == "https" {
			return handlerTransport(http.RedirectHandler("http://api.digitalocean.test/v2/account", http.StatusFound)).RoundTrip(r)
		}
		return handlerTransport(jsonHandler(200, `{"account":{"email":"a@b.c"}}`)).RoundTrip(r)
	})
	c, err := New(WithToken(testToken), WithBaseURL(memBaseURL), WithRetry(RetryPolicy{}),
		WithHTTPClient(&http.Client{Transport: rt}))
	require.NoError(t, err)
	acct, _, err := c.Account.Get(t.Context())
	require.NoError(t, err, "a same-host redirect is followed")
	assert.Equal(t, "a@b.c", acct.Email)
	mu.Lock()
	defer mu.Unlock()
	require.Len(t, auths, 2, "both schemes were asked: %v", auths)
	assert.Equal(t, "Bearer "+testToken, auths["https"])
	assert.Empty(t, auths["http"], "the token must not be sent over plain http")
}

// refreshingSource hands out tok-1, tok-2, ... each valid for a minute,
// the way an OAuth refresh does.
type refreshingSource struct {
	mu sync.Mutex
	n  int
}

func (s *refreshingSource) Token() (*oauth2.Token, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.n++
	return &oauth2.Token{AccessToken: "tok-" + strconv.Itoa(s.n), Expiry: time.Now().Add(time.Minute)}, nil
}

// When a refreshing token source rotates the token, the new one is sent:
// the cached bearer header follows it.
func TestRotatedTokenIsSent(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var log requestLog
		ts := oauth2.ReuseTokenSource(nil, &refreshingSource{})
		c := newMemClient(t, log.wrap(jsonHandler(200, `{"account":{"email":"a@b.c"}}`)), WithTokenSource(ts))
		for range 2 {
			_, _, err := c.Account.Get(t.Context())
			require.NoError(t, err)
		}
		time.Sleep(2 * time.Minute) // tok-1 expires
		for range 2 {
			_, _, err := c.Account.Get(t.Context())
			require.NoError(t, err)
		}
		var got []string
		for _, r := range log.all() {
			got = append(got, r.Header.Get("Authorization"))
		}
		assert.Equal(t, []string{"Bearer tok-1", "Bearer tok-1", "Bearer tok-2", "Bearer tok-2"}, got)
	})
}
