package digitalocean

import (
	"context"
	"errors"
	"math/rand/v2"
	"net/http"
	"time"
)

// RetryPolicy controls automatic retries. The zero value disables them;
// DefaultRetryPolicy is used unless WithRetry says otherwise.
//
// Idempotent requests (GET, HEAD, PUT, DELETE) are retried on 429, 500, 502,
// 503, 504 and transport errors. POST is re-sent only when it certainly never
// reached the server or was refused with 429: the API has no idempotency
// keys.
type RetryPolicy struct {
	// MaxAttempts is the most times one request is sent (1 = no retries).
	MaxAttempts int
	// BaseDelay is the first backoff ceiling; it doubles each attempt.
	BaseDelay time.Duration
	// MaxDelay caps one backoff (a longer retry-after is still honoured, up
	// to MaxWait).
	MaxDelay time.Duration
	// MaxWait caps the total time spent waiting between attempts.
	MaxWait time.Duration
}

// DefaultRetryPolicy returns 5 attempts, 250ms doubling to 30s, at most
// 2 minutes of waiting in all.
func DefaultRetryPolicy() RetryPolicy {
	return RetryPolicy{MaxAttempts: 5, BaseDelay: 250 * time.Millisecond, MaxDelay: 30 * time.Second, MaxWait: 2 * time.Minute}
}

// WithRetry sets the retry policy; RetryPolicy{} turns retries off.
func WithRetry(p RetryPolicy) Option {
	return func(c *config) error {
		if p.MaxAttempts < 0 || p.BaseDelay < 0 || p.MaxDelay < 0 || p.MaxWait < 0 {
			return &ArgumentError{Name: "RetryPolicy", Reason: "fields must not be negative"}
		}
		c.retry = &p
		return nil
	}
}

func isIdempotent(method string) bool {
	switch method {
	case http.MethodGet, http.MethodHead, http.MethodPut, http.MethodDelete, http.MethodOptions:
		return true
	}
	return false
}

func retryableStatus(code int) bool {
	switch code {
	case http.StatusTooManyRequests, http.StatusInternalServerError, http.StatusBadGateway,
		http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return true
	}
	return false
}

// next decides whether attempt's failure is retried and after what delay.
func (p RetryPolicy) next(method string, resp *Response, err error, attempt int, waited time.Duration) (time.Duration, bool) {
	if attempt >= p.MaxAttempts {
		return 0, false
	}
	var apiErr *Error
	var reqErr *RequestError
	var rate Rate
	switch {
	case errors.As(err, &apiErr):
		if !retryableStatus(apiErr.StatusCode) {
			return 0, false
		}
		if apiErr.StatusCode != http.StatusTooManyRequests && !isIdempotent(method) {
			return 0, false // a POST that got a 5xx may have been applied
		}
		if resp != nil {
			rate = resp.Rate
		}
	case errors.As(err, &reqErr):
		if errors.Is(reqErr.Err, context.Canceled) || errors.Is(reqErr.Err, context.DeadlineExceeded) || !(isIdempotent(method) || reqErr.NotSent) {
			return 0, false
		}
	default:
		return 0, false // decode errors and the like: the response arrived
	}
	delay := p.backoff(attempt)
	if server := serverDelay(apiErr, rate); server > 0 {
		delay = server
	}
	if waited+delay > p.MaxWait {
		return 0, false
	}
	return delay, true
}

// backoff is exponential with full jitter: uniform in [0, min(MaxDelay,
// BaseDelay*2^(attempt-1))].
func (p RetryPolicy) backoff(attempt int) time.Duration {
	ceiling := p.BaseDelay << min(attempt-1, 30)
	if ceiling <= 0 || ceiling > p.MaxDelay {
		ceiling = p.MaxDelay
	}
	if ceiling <= 0 {
		return 0
	}
	return rand.N(ceiling + 1)
}

// serverDelay is the wait the server asked for: retry-after, or on a 429
// without it, the time until ratelimit-reset.
func serverDelay(apiErr *Error, rate Rate) time.Duration {
	if apiErr == nil {
		return 0
	}
	if rate.RetryAfter > 0 {
		return rate.RetryAfter
	}
	if apiErr.StatusCode == http.StatusTooManyRequests && !rate.Reset.IsZero() {
		if d := time.Until(rate.Reset); d > 0 {
			return d
		}
	}
	return 0
}
