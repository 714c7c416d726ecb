package digitalocean

import (
	"sync"
	"time"
)

// The API's documented limits per token: a burst allowance per minute and
// a budget per hour, counted over sliding windows.
const (
	APIRequestsPerMinute = 250
	APIRequestsPerHour   = 5000
)

// WithClientRateLimit holds requests back in the client so that it never
// sends more than perMinute requests in any minute nor perHour in any hour;
// 0 leaves that window unlimited. Use APIRequestsPerMinute and
// APIRequestsPerHour to stay within the API's limits, so that bulk jobs
// wait their turn instead of drawing 429s. Waits are bounded by the
// request's context: a request whose turn comes after the deadline fails
// at once with a *RateLimitWaitError. Off by default. Retries count as
// requests. Clients sharing one token each keep their own count.
func WithClientRateLimit(perMinute, perHour int) Option {
	return func(c *config) error {
		if perMinute < 0 || perHour < 0 {
			return &ArgumentError{Name: "WithClientRateLimit", Reason: "limits must not be negative"}
		}
		c.clientLimits = &clientLimits{perMinute: perMinute, perHour: perHour}
		return nil
	}
}

type clientLimits struct{ perMinute, perHour int }

// limiterMargin widens each window a little: the server counts requests
// when they arrive, and network delays vary.
const limiterMargin = time.Second

// limiter is a sliding-window log per window. Unlike a token bucket, which
// lets up to twice its size through in one window (a full bucket plus its
// refill), it admits exactly n requests in any window, as the API counts.
type limiter struct {
	mu      sync.Mutex
	windows []*slidingWindow
	last    time.Time // latest slot handed out; slots never go back in time
}

// slidingWindow remembers the send times of the last n requests in a ring.
type slidingWindow struct {
	length time.Duration
	sent   []time.Time // ring; sent[next] is the oldest once full
	next   int
	full   bool
}

// newLimiter returns nil when no window is limited.
func newLimiter(l clientLimits) *limiter {
	lim := &limiter{}
	for _, w := range []struct {
		n      int
		length time.Duration
	}{{l.perMinute, time.Minute}, {l.perHour, time.Hour}} {
		if w.n > 0 {
			lim.windows = append(lim.windows, &slidingWindow{length: w.length + limiterMargin, sent: make([]time.Time, w.n)})
		}
	}
	if len(lim.windows) == 0 {
		return nil
	}
	return lim
}

// reserve books the first send slot at or after earliest that every window
// allows and returns it. When deadline is set and the slot falls after it,
// nothing is booked and ok is false.
func (l *limiter) reserve(earliest, deadline time.Time) (slot time.Time, ok bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	slot = earliest
	if l.last.After(slot) {
		slot = l.last // first come, first served
	}
	for _, w := range l.windows {
		if w.full {
			if free := w.sent[w.next].Add(w.length); free.After(slot) {
				slot = free
			}
		}
	}
	if !deadline.IsZero() && slot.After(deadline) {
		return slot, false
	}
	for _, w := range l.windows {
		w.sent[w.next] = slot
		w.next = (w.next + 1) % len(w.sent)
		w.full = w.full || w.next == 0
	}
	l.last = slot
	return slot, true
}
