package digitaloceantest

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strconv"
	"time"

	do "github.com/oceankit/digitalocean"
)

// state is everything the fake remembers. Server.mu guards it.
type state struct {
	skew time.Duration // total of Server.Advance

	rate        rateLimiter
	faults      []*pendingFault
	requests    []Request
	effects     map[string]int // by operationId: see Server.Effects
	logRequests []LogRequest

	seq int // feeds the deterministic IDs

	actions      []*actionState // oldest first
	nextActionID int
	oneClicks    []do.OneClick

	apps      []*appState // oldest first
	logTokens map[string]*logTarget
}

func newState(s *Server) *state {
	st := &state{
		rate:         rateLimiter{limit: s.cfg.rateLimit},
		nextActionID: 36804640,
		oneClicks:    seedOneClicks(),
		logTokens:    map[string]*logTarget{},
	}
	if s.cfg.seedActions {
		st.actions = seedActions(s.cfg.clock.Now().UTC(), s.cfg.phaseDuration)
	}
	return st
}

// newID returns a deterministic UUID-shaped ID: a fake started the same way
// hands out the same IDs, so examples and golden files stay stable.
func (st *state) newID(kind string) string {
	st.seq++
	sum := sha256.Sum256([]byte(kind + "/" + strconv.Itoa(st.seq)))
	h := hex.EncodeToString(sum[:16])
	return fmt.Sprintf("%s-%s-4%s-8%s-%s", h[0:8], h[8:12], h[13:16], h[17:20], h[20:32])
}

// newRequestID returns a request ID for the x-request-id header.
func (s *Server) newRequestID() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.state.newID("request")
}

// shortHash is a stable lower-case hex digest of parts, n characters long.
func shortHash(n int, parts ...string) string {
	h := sha256.New()
	for _, p := range parts {
		h.Write([]byte(p))
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil))[:n]
}

// settleLocked applies everything that happened up to now. s.mu is held.
func (s *Server) settleLocked() {
	now := s.nowLocked()
	changed := false
	for _, a := range s.state.actions {
		if a.settle(now) {
			changed = true
		}
	}
	for _, app := range s.state.apps {
		if s.settleApp(app, now) {
			changed = true
		}
	}
	if changed {
		s.notifyLocked()
	}
}
