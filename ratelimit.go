package digitalocean

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"
)

// Rate is the API's rate-limit state as reported on a response.
type Rate struct {
	// Limit is the number of requests allowed in the current window.
	Limit int
	// Remaining is the number of requests left in the window.
	Remaining int
	// Reset is when the oldest request in the window expires, freeing
	// room for another. Zero when not reported. A reset reported further
	// ahead than MaxRateLimitWait is read as that far ahead: no window of
	// the API's is longer.
	Reset time.Time
	// RetryAfter is the server's requested wait before retrying (the
	// retry-after header on burst 429s); zero when not sent.
	RetryAfter time.Duration

	// remainingUnknown is set when ratelimit-remaining was missing or not
	// a number: Remaining is then 0 without meaning "used up".
	remainingUnknown bool
}

// MaxRateLimitWait bounds how long one response can hold the client's
// other requests back: the API's longest window is an hour, so a
// ratelimit-reset further ahead, or a 429's retry-after longer than that,
// is read as an hour. Without it, one response carrying a reset in year
// 9999 would hold every later call until then.
const MaxRateLimitWait = time.Hour

// known reports whether the response carried rate-limit headers.
func (r Rate) known() bool { return r.Limit > 0 || !r.Reset.IsZero() }

// exhausted reports whether the window is used up until a known reset.
// A missing or unparsable remaining count is not read as 0.
func (r Rate) exhausted() bool {
	return r.Limit > 0 && !r.remainingUnknown && r.Remaining == 0 && !r.Reset.IsZero()
}

// parseRate reads the ratelimit-* and retry-after headers. Malformed values
// are ignored rather than failing the response.
// headerValue is h.Get for a key already in canonical form: a map lookup
// without re-canonicalising the key on every response.
func headerValue(h http.Header, canonicalKey string) string {
	if v := h[canonicalKey]; len(v) > 0 {
		return v[0]
	}
	return ""
}

func parseRate(h http.Header, now time.Time) Rate {
	var r Rate
	if n, ok := parseInt(headerValue(h, "Ratelimit-Limit")); ok {
		r.Limit = n
	}
	n, remainingOK := parseInt(headerValue(h, "Ratelimit-Remaining"))
	if remainingOK {
		r.Remaining = n
	}
	// Unix seconds. Values past year 9999 are nonsense and would overflow
	// later arithmetic, so they count as absent; a reset further ahead
	// than the API's longest window is read as the end of that window.
	if n, ok := parseInt(headerValue(h, "Ratelimit-Reset")); ok && n > 0 && n < 253402300800 {
		r.Reset = time.Unix(int64(n), 0)
		if latest := now.Add(MaxRateLimitWait); r.Reset.After(latest) {
			r.Reset = latest
		}
	}
	r.remainingUnknown = !remainingOK && r.known()
	r.RetryAfter = parseRetryAfter(headerValue(h, "Retry-After"), now)
	return r
}

// maxRetryAfter bounds a server-requested wait so that the arithmetic
// never overflows; a wait this long fails any RetryPolicy.MaxWait anyway.
const maxRetryAfter = 24 * time.Hour

// parseRetryAfter reads delta-seconds or an HTTP date.
func parseRetryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	if n, ok := parseInt(v); ok {
		if n > int(maxRetryAfter/time.Second) {
			return maxRetryAfter
		}
		return time.Duration(n) * time.Second
	}
	if digits := strings.TrimPrefix(v, "+"); digits != "" && strings.Trim(digits, "0123456789") == "" {
		return maxRetryAfter // delta-seconds too large for an int: as long as allowed
	}
	if t, err := http.ParseTime(v); err == nil && t.After(now) {
		return min(t.Sub(now), maxRetryAfter)
	}
	return 0
}

// rateState is the rate-limit knowledge shared by every request of one
// client; its zero value is ready to use.
type rateState struct {
	mu sync.Mutex
	// last is the most informative Rate seen (see newerRate).
	last Rate
	// notBefore holds every request back until the end of the wait a 429
	// asked for, so goroutines sharing the client don't each draw one.
	notBefore time.Time
}

// Rate returns the latest rate-limit state the API reported. Under
// concurrency a response that arrives late with an older window does not
// replace a newer one.
func (c *Client) Rate() Rate {
	c.rate.mu.Lock()
	defer c.rate.mu.Unlock()
	return c.rate.last
}

// record folds a response's rate-limit headers into the shared state.
func (s *rateState) record(status int, r Rate, now time.Time) {
	if !r.known() && (status != http.StatusTooManyRequests || r.RetryAfter == 0) {
		return // nothing to learn: no lock taken on the common path without headers
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if r.known() && newerRate(r, s.last, now) {
		s.last = r
	}
	if status == http.StatusTooManyRequests && r.RetryAfter > 0 {
		// The request that drew the 429 still honours the full retry-after
		// (or gives up under MaxWait); the others are held an hour at most.
		if until := now.Add(min(r.RetryAfter, MaxRateLimitWait)); until.After(s.notBefore) {
			s.notBefore = until
		}
	}
}

// newerRate reports whether r should replace cur. The window with the later
// reset is the newer one: an out-of-order response from an older window
// must not erase an exhausted one. Within one window the lower remaining
// count is the more recent.
func newerRate(r, cur Rate, now time.Time) bool {
	switch {
	case !cur.known(), !cur.Reset.IsZero() && !cur.Reset.After(now):
		return true // nothing known, or that window has passed
	case r.Reset.After(cur.Reset):
		return true
	case r.Reset.Equal(cur.Reset):
		if r.remainingUnknown != cur.remainingUnknown {
			return cur.remainingUnknown // a count beats no count
		}
		return r.Remaining < cur.Remaining || r.Limit != cur.Limit
	}
	return false
}

// Reasons a request is held back, as RateLimitWaitError.Reason says.
const (
	waitRetryAfter   = "429 retry-after"
	waitAPIExhausted = "API rate limit exhausted"
	waitClientLimit  = "client-side rate limit"
)

// sendAfter returns when the shared state allows the next request and why
// it must wait; a time not after now means at once.
func (s *rateState) sendAfter(now time.Time) (time.Time, string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	until, why := now, ""
	if s.notBefore.After(until) {
		until, why = s.notBefore, waitRetryAfter
	}
	if s.last.exhausted() && s.last.Reset.After(until) {
		until, why = s.last.Reset, waitAPIExhausted
	}
	return until, why
}

// pace waits, bounded by ctx, until the shared rate-limit state and the
// optional client-side limiter allow another request, instead of drawing a
// 429. A wait that would pass the context deadline fails at once. A wait
// the server set gets the same bounded jitter as a retry's.
func (c *Client) pace(ctx context.Context, r *apiRequest) error {
	now := time.Now()
	until, why, err := c.serverHold(ctx, r, now)
	if err != nil {
		return err
	}
	if c.limiter != nil {
		slot, ok := c.limiter.reserve(until, deadlineOf(ctx))
		if slot.After(until) {
			until, why = slot, waitClientLimit
		}
		if !ok {
			return &RateLimitWaitError{Method: r.method, Path: r.url.Path, Until: until, Reason: why, Err: context.DeadlineExceeded}
		}
	}
	for until.After(now) {
		c.logPacing(ctx, r, until.Sub(now), why)
		if err := sleepCtx(ctx, until.Sub(now)); err != nil {
			return &RateLimitWaitError{Method: r.method, Path: r.url.Path, Until: until, Reason: why, Err: err}
		}
		// A 429 or an exhausted window that arrived while this request
		// waited has moved the shared wait past the one it slept for:
		// sending now would draw another 429, so wait again.
		now = time.Now()
		if until, why, err = c.serverHold(ctx, r, now); err != nil {
			return err
		}
	}
	return nil
}

// serverHold returns when the shared state lets a request go, jittered, or
// now when it may go at once; a hold past the context deadline is an error.
func (c *Client) serverHold(ctx context.Context, r *apiRequest, now time.Time) (time.Time, string, error) {
	until, why := c.rate.sendAfter(now)
	deadline, hasDeadline := ctx.Deadline()
	if hasDeadline && until.After(deadline) {
		return until, why, &RateLimitWaitError{Method: r.method, Path: r.url.Path, Until: until, Reason: why, Err: context.DeadlineExceeded}
	}
	if wait := until.Sub(now); wait > 0 {
		// Every goroutine held back by the shared state would otherwise
		// wake at the same instant (the reset) and hit the API together.
		// The jitter never takes the wait to the deadline: a wait ending
		// at the deadline itself would race the context's own timer.
		jitter := serverWaitJitter(wait, c.retry.withDefaults().BaseDelay)
		if margin := deadline.Sub(until); hasDeadline && jitter >= margin {
			jitter = margin / 2
		}
		until = until.Add(jitter)
	}
	return until, why, nil
}

// deadlineOf is ctx's deadline, zero when it has none.
func deadlineOf(ctx context.Context) time.Time {
	deadline, _ := ctx.Deadline()
	return deadline
}

func (c *Client) logPacing(ctx context.Context, r *apiRequest, wait time.Duration, why string) {
	if c.logger == nil || !c.logger.Enabled(ctx, slog.LevelDebug) {
		return
	}
	c.logger.LogAttrs(ctx, slog.LevelDebug, "digitalocean pacing",
		slog.String("method", r.method),
		slog.String("path", r.url.Path),
		slog.Duration("wait", wait),
		slog.String("reason", why),
	)
}

// RateLimitWaitError is a request held back, and not sent, because a rate
// limit was used up and the context deadline came (or would come) first.
type RateLimitWaitError struct {
	Method, Path string
	// Until is when the request could have been sent.
	Until time.Time
	// Reason names the limit that held the request back.
	Reason string
	// Err is the context's error; context.DeadlineExceeded also when the
	// request was refused up front because Until is past the deadline.
	Err error
}

func (e *RateLimitWaitError) Error() string {
	msg := fmt.Sprintf("digitalocean: %s %s: not sent: %s, next request allowed at %s", e.Method, e.Path, e.Reason, e.Until.UTC().Format(time.RFC3339))
	if errors.Is(e.Err, context.DeadlineExceeded) {
		return msg + ", after the context deadline"
	}
	return fmt.Sprintf("%s; context ended while waiting: %v", msg, e.Err)
}

// Is matches ErrRateLimited.
func (e *RateLimitWaitError) Is(target error) bool { return target == ErrRateLimited }

func (e *RateLimitWaitError) Unwrap() error { return e.Err }
