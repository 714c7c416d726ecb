package digitalocean

import (
	"context"
	"net/http"
	"strings"
	"time"
)

// Rate is the API's rate-limit state as reported on a response.
type Rate struct {
	// Limit is the number of requests allowed in the current window.
	Limit int
	// Remaining is the number of requests left in the window.
	Remaining int
	// Reset is when the window resets. Zero when not reported.
	Reset time.Time
	// RetryAfter is the server's requested wait before retrying (the
	// retry-after header on burst 429s); zero when not sent.
	RetryAfter time.Duration
}

// known reports whether the response carried rate-limit headers.
func (r Rate) known() bool { return r.Limit > 0 || !r.Reset.IsZero() }

// parseRate reads the ratelimit-* and retry-after headers. Malformed values
// are ignored rather than failing the response.
func parseRate(h http.Header, now time.Time) Rate {
	var r Rate
	if n, ok := parseInt(h.Get("Ratelimit-Limit")); ok {
		r.Limit = n
	}
	if n, ok := parseInt(h.Get("Ratelimit-Remaining")); ok {
		r.Remaining = n
	}
	if n, ok := parseInt(h.Get("Ratelimit-Reset")); ok && n > 0 {
		r.Reset = time.Unix(int64(n), 0)
	}
	r.RetryAfter = parseRetryAfter(h.Get("Retry-After"), now)
	return r
}

// parseRetryAfter reads delta-seconds or an HTTP date.
func parseRetryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	if n, ok := parseInt(v); ok {
		return time.Duration(n) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil && t.After(now) {
		return t.Sub(now)
	}
	return 0
}

// Rate returns the rate-limit state of the most recent response.
func (c *Client) Rate() Rate {
	c.rateMu.Lock()
	defer c.rateMu.Unlock()
	return c.lastRate
}

func (c *Client) recordRate(r Rate) {
	if !r.known() {
		return
	}
	c.rateMu.Lock()
	c.lastRate = r
	c.rateMu.Unlock()
}

// pace waits, bounded by ctx, when the last response said the window is
// used up, instead of drawing a 429.
func (c *Client) pace(ctx context.Context, _ *apiRequest) error {
	r := c.Rate()
	if r.Limit == 0 || r.Remaining > 0 || r.Reset.IsZero() {
		return nil
	}
	wait := time.Until(r.Reset)
	if wait <= 0 {
		return nil
	}
	if dl, ok := ctx.Deadline(); ok && time.Until(dl) < wait {
		return &RateLimitWaitError{Reset: r.Reset}
	}
	return sleepCtx(ctx, wait)
}

// RateLimitWaitError is returned instead of sending a request when the rate
// limit is used up and its reset comes after the context deadline.
type RateLimitWaitError struct{ Reset time.Time }

func (e *RateLimitWaitError) Error() string {
	return "digitalocean: rate limit exhausted until " + e.Reset.UTC().Format(time.RFC3339) + ", after the context deadline; request not sent"
}

// Is matches ErrRateLimited.
func (e *RateLimitWaitError) Is(target error) bool { return target == ErrRateLimited }
