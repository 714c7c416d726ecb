package digitalocean

import (
	"context"
	"net/http"
	"slices"
	"strconv"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseRate(t *testing.T) {
	now := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	h := http.Header{}
	h.Set("Ratelimit-Limit", "5000")
	h.Set("Ratelimit-Remaining", " 4321 ")
	h.Set("Ratelimit-Reset", strconv.FormatInt(now.Add(90*time.Second).Unix(), 10))
	h.Set("Retry-After", "12")
	r := parseRate(h, now)
	assert.Equal(t, 5000, r.Limit)
	assert.Equal(t, 4321, r.Remaining)
	assert.True(t, r.Reset.Equal(now.Add(90*time.Second)))
	assert.Equal(t, 12*time.Second, r.RetryAfter)
	assert.True(t, r.known())

	bad := http.Header{}
	bad.Set("Ratelimit-Limit", "-5")
	bad.Set("Ratelimit-Remaining", "many")
	bad.Set("Ratelimit-Reset", "99999999999999999999")
	bad.Set("Retry-After", "soon")
	assert.Equal(t, Rate{}, parseRate(bad, now), "malformed values are ignored")
	assert.False(t, parseRate(http.Header{}, now).known())
}

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	cases := map[string]time.Duration{
		"":                     0,
		"0":                    0,
		"30":                   30 * time.Second,
		"-3":                   0,
		"1.5":                  0,
		"9223372036854775807":  maxRetryAfter, // would overflow time.Duration
		"99999999999999999999": maxRetryAfter, // would overflow int
		"+":                    0,
		now.Add(45 * time.Second).Format(http.TimeFormat): 45 * time.Second,
		now.Add(-time.Minute).Format(http.TimeFormat):     0, // in the past
		now.AddDate(1, 0, 0).Format(http.TimeFormat):      maxRetryAfter,
	}
	for in, want := range cases {
		assert.Equal(t, want, parseRetryAfter(in, now), "retry-after %q", in)
	}
}

func TestRateStateKeepsNewestWindow(t *testing.T) {
	now := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	exhausted := Rate{Limit: 5000, Remaining: 0, Reset: now.Add(40 * time.Second)}
	var s rateState
	s.record(200, exhausted, now)

	// A response from an older window, arriving late, does not erase it.
	s.record(200, Rate{Limit: 5000, Remaining: 17, Reset: now.Add(10 * time.Second)}, now)
	assert.Equal(t, exhausted, s.last)
	// Nor does a stale response from the same window with more left.
	s.record(200, Rate{Limit: 5000, Remaining: 3, Reset: exhausted.Reset}, now)
	assert.Equal(t, exhausted, s.last)
	// Nor one without rate headers.
	s.record(200, Rate{}, now)
	assert.Equal(t, exhausted, s.last)
	until, why := s.sendAfter(now)
	assert.Equal(t, exhausted.Reset, until)
	assert.Equal(t, waitAPIExhausted, why)

	// A newer window replaces it.
	fresh := Rate{Limit: 5000, Remaining: 4999, Reset: now.Add(time.Hour)}
	s.record(200, fresh, now)
	assert.Equal(t, fresh, s.last)
	until, _ = s.sendAfter(now)
	assert.Equal(t, now, until, "requests go at once")

	// Once a window's reset has passed, any report replaces it.
	later := now.Add(2 * time.Hour)
	old := Rate{Limit: 5000, Remaining: 10, Reset: later.Add(-time.Minute)}
	s.record(200, old, later)
	assert.Equal(t, old, s.last)

	// Within a window the lower count is the later one.
	var w rateState
	w.record(200, Rate{Limit: 250, Remaining: 9, Reset: now.Add(time.Minute)}, now)
	w.record(200, Rate{Limit: 250, Remaining: 4, Reset: now.Add(time.Minute)}, now)
	assert.Equal(t, 4, w.last.Remaining)
}

func TestRateStateSharesRetryAfter(t *testing.T) {
	now := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	var s rateState
	s.record(503, Rate{RetryAfter: time.Minute}, now)
	until, _ := s.sendAfter(now)
	assert.Equal(t, now, until, "only a 429's retry-after holds other requests")

	s.record(429, Rate{RetryAfter: 5 * time.Second}, now)
	s.record(429, Rate{RetryAfter: 2 * time.Second}, now) // shorter: the longer wait stands
	until, why := s.sendAfter(now)
	assert.Equal(t, now.Add(5*time.Second), until)
	assert.Equal(t, waitRetryAfter, why)
	until, _ = s.sendAfter(now.Add(6 * time.Second))
	assert.Equal(t, now.Add(6*time.Second), until)
}

// Concurrent recording and reading is race-free and keeps the newest window.
func TestRateStateConcurrent(t *testing.T) {
	now := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	var s rateState
	var wg sync.WaitGroup
	for i := range 50 {
		wg.Go(func() {
			s.record(200, Rate{Limit: 5000, Remaining: 5000 - i, Reset: now.Add(time.Duration(i) * time.Second)}, now)
			s.sendAfter(now)
		})
	}
	wg.Wait()
	assert.Equal(t, 4951, s.last.Remaining)
}

func TestWithClientRateLimitValidates(t *testing.T) {
	_, err := New(WithToken("t"), WithClientRateLimit(-1, 0))
	assert.ErrorIs(t, err, ErrInvalidArgument)
	c, err := New(WithToken("t"), WithClientRateLimit(0, 0))
	require.NoError(t, err)
	assert.Nil(t, c.limiter, "no window limited means no limiter")
	c, err = New(WithToken("t"))
	require.NoError(t, err)
	assert.Nil(t, c.limiter, "off by default")
}

// faultMaxInWindow returns the most send times that fall in any window of
// length w.
func faultMaxInWindow(times []time.Time, w time.Duration) int {
	slices.SortFunc(times, func(a, b time.Time) int { return a.Compare(b) })
	most, lo := 0, 0
	for hi := range times {
		for times[hi].Sub(times[lo]) >= w {
			lo++
		}
		most = max(most, hi-lo+1)
	}
	return most
}

func faultSendTimes(rt *faultRT) []time.Time {
	var out []time.Time
	for _, s := range rt.requests() {
		out = append(out, s.at)
	}
	return out
}

func TestClientRateLimitSlidingWindows(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		rt := &faultRT{reply: faultOK}
		c, _ := faultClient(t, rt, WithClientRateLimit(10, 25))
		start := time.Now()
		for range 60 {
			_, err := faultGet(context.Background(), c)
			require.NoError(t, err)
		}
		times := faultSendTimes(rt)
		require.Len(t, times, 60)
		assert.Equal(t, 10, faultMaxInWindow(times, time.Minute))
		assert.Equal(t, 25, faultMaxInWindow(times, time.Hour))
		// 60 requests at 25 per hour take two full hours (plus margins).
		took := time.Since(start)
		assert.GreaterOrEqual(t, took, 2*time.Hour)
		assert.Less(t, took, 2*time.Hour+time.Minute)
		// The first ten go at once: the limiter allows the full burst.
		assert.Equal(t, start, times[9])
	})
}

func TestClientRateLimitAPILimitsUnderConcurrency(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		rt := &faultRT{reply: faultOK}
		c, _ := faultClient(t, rt, WithClientRateLimit(APIRequestsPerMinute, APIRequestsPerHour))
		var wg sync.WaitGroup
		for range 20 {
			wg.Go(func() {
				for range 40 {
					_, err := faultGet(context.Background(), c)
					assert.NoError(t, err)
				}
			})
		}
		wg.Wait()
		times := faultSendTimes(rt)
		require.Len(t, times, 800)
		assert.Equal(t, APIRequestsPerMinute, faultMaxInWindow(times, time.Minute))
		assert.LessOrEqual(t, faultMaxInWindow(times, time.Hour), APIRequestsPerHour)
	})
}

func TestClientRateLimitRefusesPastDeadline(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		rt := &faultRT{reply: faultOK}
		c, _ := faultClient(t, rt, WithClientRateLimit(2, 0))
		for range 2 {
			_, err := faultGet(context.Background(), c)
			require.NoError(t, err)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		start := time.Now()
		_, err := faultGet(ctx, c)
		var waitErr *RateLimitWaitError
		require.ErrorAs(t, err, &waitErr)
		assert.Equal(t, waitClientLimit, waitErr.Reason)
		assert.Equal(t, start.Add(time.Minute+limiterMargin), waitErr.Until)
		assert.Equal(t, time.Duration(0), time.Since(start), "refused at once")
		assert.ErrorIs(t, err, ErrRateLimited)
		assert.Contains(t, err.Error(), "client-side rate limit")
		assert.Len(t, rt.requests(), 2, "not sent")

		// A refused request books no slot: the next one goes when the
		// window frees.
		_, err = faultGet(context.Background(), c)
		require.NoError(t, err)
		assert.Equal(t, start.Add(time.Minute+limiterMargin), rt.requests()[2].at)
	})
}

// Retries are requests too: the limiter paces them.
func TestClientRateLimitCountsRetries(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		rt := &faultRT{reply: func(n int, _ *http.Request) (*http.Response, error) {
			if n <= 3 {
				return faultResp(503, `{"id":"service_unavailable","message":"x"}`), nil
			}
			return faultOK(n, nil)
		}}
		c, _ := faultClient(t, rt, WithClientRateLimit(2, 0), WithRetry(RetryPolicy{MaxAttempts: 5, BaseDelay: time.Millisecond, MaxDelay: time.Millisecond}))
		start := time.Now()
		_, err := faultGet(context.Background(), c)
		require.NoError(t, err)
		seen := rt.requests()
		require.Len(t, seen, 4)
		assert.GreaterOrEqual(t, seen[2].at.Sub(start), time.Minute, "the third attempt waited for the window")
		assert.Equal(t, 2, faultMaxInWindow(faultSendTimes(rt), time.Minute))
	})
}

// Goroutines held back by ratelimit-remaining: 0 do not all wake at the
// reset instant: each waits at least until the reset, at most a bounded
// jitter past it, and the send times are spread.
func TestPacingAfterExhaustedWindowIsJittered(t *testing.T) {
	const workers = 8
	synctest.Test(t, func(t *testing.T) {
		var reset time.Time
		rt := &faultRT{reply: func(n int, _ *http.Request) (*http.Response, error) {
			if n == 1 {
				reset = time.Now().Add(30 * time.Second).Truncate(time.Second)
				return faultResp(200, faultAccountJSON, "Ratelimit-Limit", "5000", "Ratelimit-Remaining", "0",
					"Ratelimit-Reset", strconv.FormatInt(reset.Unix(), 10)), nil
			}
			return faultResp(200, faultAccountJSON, "Ratelimit-Limit", "5000", "Ratelimit-Remaining", "4000",
				"Ratelimit-Reset", strconv.FormatInt(time.Now().Add(time.Hour).Unix(), 10)), nil
		}}
		c, _ := faultClient(t, rt)
		_, err := faultGet(t.Context(), c)
		require.NoError(t, err)

		var wg sync.WaitGroup
		for range workers {
			wg.Go(func() {
				_, err := faultGet(t.Context(), c)
				assert.NoError(t, err)
			})
		}
		wg.Wait()
		seen := rt.requests()
		require.Len(t, seen, workers+1)
		maxJitter := min(DefaultRetryPolicy().BaseDelay, 30*time.Second/10)
		distinct := map[time.Time]bool{}
		var after []time.Duration // send times after the reset, for the message
		for i, s := range seen[1:] {
			after = append(after, s.at.Sub(reset))
			assert.False(t, s.at.Before(reset), "request %d sent at %v, before the reset %v", i, s.at, reset)
			assert.LessOrEqual(t, s.at.Sub(reset), maxJitter, "request %d: the jitter is bounded", i)
			distinct[s.at] = true
		}
		assert.Greater(t, len(distinct), workers/2, "wake-ups are spread, not all at the reset: %v", after)
	})
}

// The jitter never takes a pacing wait to the context deadline: a request
// whose deadline falls just after the reset is still sent, with time left
// for the round trip.
func TestPacingJitterStaysWithinDeadline(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		// Like a real transport, the round trip takes time and ends with
		// the request's context: a send at the deadline itself fails.
		rt := &faultRT{reply: func(n int, req *http.Request) (*http.Response, error) {
			select {
			case <-req.Context().Done():
				return nil, req.Context().Err()
			case <-time.After(time.Microsecond):
				return faultOK(n, req)
			}
		}}
		c, _ := faultClient(t, rt)
		for i := range 20 { // the jitter is random: try it often
			reset := time.Now().Add(30 * time.Second)
			c.rate.mu.Lock()
			c.rate.last = Rate{Limit: 5000, Remaining: 0, Reset: reset}
			c.rate.mu.Unlock()
			ctx, cancel := context.WithDeadline(t.Context(), reset.Add(time.Millisecond))
			_, err := faultGet(ctx, c)
			cancel()
			require.NoError(t, err, "try %d", i)
			require.Len(t, rt.requests(), i+1)
		}
	})
}

// The same holds for the wait a 429's retry-after imposes on every
// goroutine sharing the client: they come back spread, not at one instant.
func TestPacingAfterSharedRetryAfterIsJittered(t *testing.T) {
	const workers = 8
	synctest.Test(t, func(t *testing.T) {
		var until time.Time
		rt := &faultRT{reply: func(n int, _ *http.Request) (*http.Response, error) {
			if n == 1 {
				until = time.Now().Add(10 * time.Second)
				return faultResp(429, `{"id":"too_many_requests","message":"slow down"}`, "Retry-After", "10"), nil
			}
			return faultOK(n, nil)
		}}
		c, _ := faultClient(t, rt, WithRetry(RetryPolicy{}))
		_, err := faultGet(t.Context(), c)
		require.ErrorIs(t, err, ErrRateLimited)

		var wg sync.WaitGroup
		for range workers {
			wg.Go(func() {
				_, err := faultGet(t.Context(), c)
				assert.NoError(t, err)
			})
		}
		wg.Wait()
		seen := rt.requests()
		require.Len(t, seen, workers+1)
		maxJitter := min(DefaultRetryPolicy().BaseDelay, 10*time.Second/10)
		distinct := map[time.Time]bool{}
		var after []time.Duration
		for i, s := range seen[1:] {
			after = append(after, s.at.Sub(until))
			assert.False(t, s.at.Before(until), "request %d sent before the retry-after ended", i)
			assert.LessOrEqual(t, s.at.Sub(until), maxJitter, "request %d: the jitter is bounded", i)
			distinct[s.at] = true
		}
		assert.Greater(t, len(distinct), workers/2, "wake-ups are spread: %v", after)
	})
}

// A reset far in the future is read as the end of the API's longest
// window; a missing or unparsable remaining count is not read as 0.
func TestParseRateBoundsOneResponse(t *testing.T) {
	now := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	for _, reset := range []int64{now.AddDate(0, 0, 30).Unix(), 253402300799} {
		h := http.Header{}
		h.Set("Ratelimit-Limit", "5000")
		h.Set("Ratelimit-Remaining", "0")
		h.Set("Ratelimit-Reset", strconv.FormatInt(reset, 10))
		r := parseRate(h, now)
		assert.Equal(t, now.Add(MaxRateLimitWait), r.Reset, "reset %d", reset)
		assert.True(t, r.exhausted())
	}
	for _, remaining := range []string{"", "many", "-1", "1.5"} {
		h := http.Header{}
		h.Set("Ratelimit-Limit", "5000")
		h.Set("Ratelimit-Reset", strconv.FormatInt(now.Add(time.Minute).Unix(), 10))
		if remaining != "" {
			h.Set("Ratelimit-Remaining", remaining)
		}
		r := parseRate(h, now)
		assert.True(t, r.known(), "remaining %q", remaining)
		assert.False(t, r.exhausted(), "remaining %q is not 0 remaining", remaining)
		var s rateState
		s.record(200, r, now)
		until, _ := s.sendAfter(now)
		assert.Equal(t, now, until, "remaining %q holds nothing back", remaining)
	}
	// Within one window, a count is not replaced by a response without one.
	reset := now.Add(time.Minute)
	var s rateState
	s.record(200, Rate{Limit: 5000, Remaining: 0, Reset: reset}, now)
	s.record(200, Rate{Limit: 5000, Reset: reset, remainingUnknown: true}, now)
	assert.True(t, s.last.exhausted())
}

// No single response holds the client's later calls back longer than
// MaxRateLimitWait, whatever its headers say.
func TestOneResponseCannotFreezeTheClient(t *testing.T) {
	farResets := map[string]func() string{
		"30 days ahead": func() string { return strconv.FormatInt(time.Now().AddDate(0, 0, 30).Unix(), 10) },
		"year 9999":     func() string { return "253402300799" },
	}
	for name, reset := range farResets {
		t.Run(name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				rt := &faultRT{reply: func(n int, _ *http.Request) (*http.Response, error) {
					if n == 1 {
						return faultResp(200, faultAccountJSON, "Ratelimit-Limit", "5000", "Ratelimit-Remaining", "0", "Ratelimit-Reset", reset()), nil
					}
					return faultOK(n, nil)
				}}
				c, _ := faultClient(t, rt)
				_, err := faultGet(context.Background(), c)
				require.NoError(t, err)
				start := time.Now()
				// A deadline past the bound: a hold beyond it fails the
				// call at once (RateLimitWaitError) instead of sleeping
				// toward the reset, so an uncapped reset fails the test
				// rather than hanging it.
				ctx, cancel := context.WithTimeout(context.Background(), MaxRateLimitWait+time.Minute)
				defer cancel()
				_, err = faultGet(ctx, c)
				require.NoError(t, err, "held past MaxRateLimitWait")
				held := time.Since(start)
				assert.GreaterOrEqual(t, held, MaxRateLimitWait-time.Second, "the exhausted window is still honoured")
				assert.LessOrEqual(t, held, MaxRateLimitWait+DefaultRetryPolicy().BaseDelay)
			})
		})
	}
	t.Run("remaining missing or unparsable", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			rt := &faultRT{reply: func(n int, _ *http.Request) (*http.Response, error) {
				reset := strconv.FormatInt(time.Now().Add(30*time.Minute).Unix(), 10)
				if n%2 == 1 {
					return faultResp(200, faultAccountJSON, "Ratelimit-Limit", "5000", "Ratelimit-Reset", reset), nil
				}
				return faultResp(200, faultAccountJSON, "Ratelimit-Limit", "5000", "Ratelimit-Remaining", "lots", "Ratelimit-Reset", reset), nil
			}}
			c, _ := faultClient(t, rt)
			start := time.Now()
			for range 4 {
				_, err := faultGet(context.Background(), c)
				require.NoError(t, err)
			}
			assert.Equal(t, time.Duration(0), time.Since(start), "nothing held back")
		})
	})
	t.Run("429 with a day's retry-after", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			rt := &faultRT{reply: func(n int, _ *http.Request) (*http.Response, error) {
				if n == 1 {
					return faultResp(429, `{"id":"too_many_requests","message":"slow down"}`, "Retry-After", "86400"), nil
				}
				return faultOK(n, nil)
			}}
			c, _ := faultClient(t, rt, WithRetry(RetryPolicy{}))
			_, err := faultGet(context.Background(), c)
			require.ErrorIs(t, err, ErrRateLimited)
			start := time.Now()
			ctx, cancel := context.WithTimeout(context.Background(), MaxRateLimitWait+time.Minute)
			defer cancel()
			_, err = faultGet(ctx, c)
			require.NoError(t, err, "held past MaxRateLimitWait")
			held := time.Since(start)
			assert.GreaterOrEqual(t, held, MaxRateLimitWait)
			assert.LessOrEqual(t, held, MaxRateLimitWait+DefaultRetryPolicy().BaseDelay)
		})
	})
}

// A request held back by the shared state looks again when it wakes: a
// 429 that arrived meanwhile (to another goroutine) moved the wait on, and
// sending at the old time would only draw another 429.
func TestPacingRechecksAfterWaking(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		rt := &faultRT{reply: func(n int, _ *http.Request) (*http.Response, error) {
			if n == 1 {
				return faultResp(429, `{"id":"too_many_requests","message":"slow down"}`, "Retry-After", "1"), nil
			}
			return faultOK(n, nil)
		}}
		c, _ := faultClient(t, rt, WithRetry(RetryPolicy{}))
		start := time.Now()
		_, err := faultGet(t.Context(), c)
		require.ErrorIs(t, err, ErrRateLimited)

		done := make(chan error, 1)
		go func() {
			_, err := faultGet(t.Context(), c)
			done <- err
		}()
		time.Sleep(500 * time.Millisecond)
		synctest.Wait() // the request is asleep in pace, due at about 1s
		// Another goroutine's request draws a 429 asking for 10 seconds.
		c.rate.record(http.StatusTooManyRequests, Rate{RetryAfter: 10 * time.Second}, time.Now())
		require.NoError(t, <-done)
		seen := rt.requests()
		require.Len(t, seen, 2)
		assert.GreaterOrEqual(t, seen[1].at.Sub(start), 10500*time.Millisecond, "sent only after the newer wait")
	})
}
