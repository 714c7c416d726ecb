package digitaloceantest

import "maps"

// Effects returns, by operationId, how many times a write changed the
// fake's state: an app created or deleted; a deployment started (by an
// update, a restart, a rollback or its revert, a buildpack upgrade with
// trigger_deployment, a password reset); a deployment, job invocation or
// autoscaling event canceled; a rollback committed; an alert's
// destinations or a database's trusted-sources setting changed; a
// Kubernetes 1-Click install started. Reads never count, and neither does a
// write that was refused or changed nothing (a cancel of something already
// canceled, the same destinations again), so a write applied twice where
// the API converges still counts once.
//
// A request applied before a fault (Fault.Applied) counts: it is the
// effect the client could not see. Tests use it to check that one call had
// exactly one effect, however its responses were lost.
func (s *Server) Effects() map[string]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return maps.Clone(s.state.effects)
}

// applied records that the call changed the state. s.mu is held.
func (c *call) applied() {
	if c.s.state.effects == nil {
		c.s.state.effects = map[string]int{}
	}
	c.s.state.effects[c.op]++
}
