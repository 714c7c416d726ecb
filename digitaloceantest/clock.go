package digitaloceantest

import (
	"sync"
	"time"
)

// Clock tells the fake what time it is. Deployments, events, job
// invocations and actions move on as its time passes.
type Clock interface {
	Now() time.Time
}

// ManualClock is a Clock that moves only when told to.
type ManualClock struct {
	mu  sync.Mutex
	now time.Time
}

// NewManualClock returns a clock stopped at start.
func NewManualClock(start time.Time) *ManualClock { return &ManualClock{now: start} }

// Now returns the clock's time.
func (c *ManualClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Advance moves the clock forward by d.
func (c *ManualClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

type realClock struct{}

func (realClock) Now() time.Time { return time.Now().UTC() }

// Now is the fake's current time: its clock plus every Advance.
func (s *Server) Now() time.Time {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.nowLocked()
}

func (s *Server) nowLocked() time.Time {
	return s.cfg.clock.Now().Add(s.state.skew).UTC()
}

// Advance moves the fake's time forward by d and applies everything that
// happens meanwhile: deployments change phase, actions complete, logs grow.
func (s *Server) Advance(d time.Duration) {
	if d <= 0 {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.state.skew += d
	s.settleLocked()
}
