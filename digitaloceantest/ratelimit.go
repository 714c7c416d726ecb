package digitaloceantest

import (
	"math"
	"net/http"
	"strconv"
	"time"
)

// rateLimiter counts requests the way the API does: each request counts
// for one hour after it was made, and ratelimit-reset is when the oldest
// counted request expires. It uses the wall clock (the fake network's
// clients pace themselves by it), which inside a synctest bubble is the
// bubble's fake time.
type rateLimiter struct {
	limit  int
	stamps []time.Time // requests of the last hour, oldest first

	// override is set by Server.SetRateLimit.
	override *rateOverride
}

type rateOverride struct {
	remaining int
	reset     time.Time
}

// rateResult is the outcome of counting one request.
type rateResult struct {
	limit, remaining int
	reset            time.Time
	retryAfter       time.Duration
	limited          bool
}

func (l *rateLimiter) expire(now time.Time) {
	cut := 0
	for cut < len(l.stamps) && !now.Before(l.stamps[cut].Add(time.Hour)) {
		cut++
	}
	l.stamps = l.stamps[cut:]
	if l.override != nil && !now.Before(l.override.reset) {
		l.override = nil
	}
}

// take counts a request made at now.
func (l *rateLimiter) take(now time.Time) rateResult {
	l.expire(now)
	if o := l.override; o != nil {
		if o.remaining == 0 {
			return rateResult{limit: l.limit, reset: o.reset, retryAfter: o.reset.Sub(now), limited: true}
		}
		o.remaining--
		return rateResult{limit: l.limit, remaining: o.remaining, reset: o.reset}
	}
	if len(l.stamps) >= l.limit {
		reset := l.stamps[0].Add(time.Hour)
		return rateResult{limit: l.limit, reset: reset, retryAfter: reset.Sub(now), limited: true}
	}
	l.stamps = append(l.stamps, now)
	return rateResult{limit: l.limit, remaining: l.limit - len(l.stamps), reset: l.stamps[0].Add(time.Hour)}
}

// peek reports the state without counting a request.
func (l *rateLimiter) peek(now time.Time) rateResult {
	l.expire(now)
	if o := l.override; o != nil {
		return rateResult{limit: l.limit, remaining: o.remaining, reset: o.reset}
	}
	reset := now
	if len(l.stamps) > 0 {
		reset = l.stamps[0].Add(time.Hour)
	}
	return rateResult{limit: l.limit, remaining: max(0, l.limit-len(l.stamps)), reset: reset}
}

func (r rateResult) setHeaders(h http.Header) {
	h.Set("Ratelimit-Limit", strconv.Itoa(r.limit))
	h.Set("Ratelimit-Remaining", strconv.Itoa(r.remaining))
	h.Set("Ratelimit-Reset", strconv.FormatInt(ceilUnix(r.reset), 10))
	if r.limited {
		h.Set("Retry-After", strconv.Itoa(int(math.Ceil(max(r.retryAfter, time.Second).Seconds()))))
	}
}

// ceilUnix rounds up so that a client waiting until the header's second
// never arrives early.
func ceilUnix(t time.Time) int64 {
	u := t.Unix()
	if t.Nanosecond() > 0 {
		u++
	}
	return u
}

// SetRateLimit makes the next requests see remaining requests left in the
// window until reset (wall-clock time, which is fake inside a synctest
// bubble). Once remaining reaches zero, requests get 429 too_many_requests
// with a retry-after header until reset; after reset the hourly count
// applies again. As on the API, a window's reset should not come before
// one already reported: clients keep the window with the later reset.
func (s *Server) SetRateLimit(remaining int, reset time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.state.rate.override = &rateOverride{remaining: max(0, remaining), reset: reset}
}
