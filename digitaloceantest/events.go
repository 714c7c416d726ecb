package digitaloceantest

import (
	"fmt"
	"maps"
	"time"

	do "github.com/oceankit/digitalocean"
)

// eventState is a deployment event or an autoscaling event.
type eventState struct {
	id         string
	typ        do.AppEventType
	created    time.Time
	deployment *deploymentState

	// Autoscaling events only.
	scalePhase do.AppEventAutoscalingPhase
	phaseSince time.Time
	components map[string]do.AppComponentScaleChange
	logs       []logLine
}

// settle finishes an autoscaling event two phases after it started.
func (e *eventState) settle(now time.Time, phase time.Duration) bool {
	if e.typ != do.AppEventTypeAutoscaling {
		return false
	}
	changed := false
	for {
		next := e.phaseSince.Add(phase)
		if now.Before(next) {
			return changed
		}
		switch e.scalePhase {
		case do.AppEventAutoscalingPhasePending:
			e.scalePhase, e.phaseSince = do.AppEventAutoscalingPhaseInProgress, next
			for name, ch := range e.components {
				e.logs = append(e.logs, logLine{name, next, fmt.Sprintf("scaling %s from %d to %d instances", name, ch.From, ch.To)})
			}
		case do.AppEventAutoscalingPhaseInProgress:
			e.scalePhase, e.phaseSince = do.AppEventAutoscalingPhaseSucceeded, next
			for name := range e.components {
				e.logs = append(e.logs, logLine{name, next, "scaling complete"})
			}
		default:
			return changed
		}
		changed = true
	}
}

func (s *Server) renderEvent(e *eventState) *do.AppEvent {
	out := &do.AppEvent{ID: e.id, Type: e.typ, CreatedAt: e.created}
	if e.deployment != nil {
		out.DeploymentID = e.deployment.id
		if e.typ == do.AppEventTypeDeployment {
			out.Deployment = s.renderDeployment(e.deployment)
		}
	}
	if e.typ == do.AppEventTypeAutoscaling {
		out.Autoscaling = &do.AppEventAutoscaling{Phase: e.scalePhase, Components: maps.Clone(e.components)}
	}
	return out
}

// TriggerAutoscale starts an autoscaling event that scales component of the
// app's active deployment from one instance count to another, as the
// autoscaler would on high CPU. The event is PENDING, IN_PROGRESS for one
// phase duration each, then SUCCEEDED, unless canceled. It returns the
// event's ID.
func (s *Server) TriggerAutoscale(appID, component string, from, to int) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.settleLocked()
	a := s.findApp(appID)
	if a == nil {
		return "", fmt.Errorf("digitaloceantest: no app %q", appID)
	}
	if a.active == nil || !a.active.hasComponent(component) {
		return "", fmt.Errorf("digitaloceantest: app %q has no active component %q", appID, component)
	}
	now := s.nowLocked()
	e := &eventState{
		id: s.state.newID("event"), typ: do.AppEventTypeAutoscaling, created: now, deployment: a.active,
		scalePhase: do.AppEventAutoscalingPhasePending, phaseSince: now,
		components: map[string]do.AppComponentScaleChange{component: {From: int64(from), To: int64(to), TriggeringMetric: "cpu"}},
	}
	a.events = append(a.events, e)
	s.notifyLocked()
	return e.id, nil
}

func listEvents(c *call) reply {
	a, bad := appOf(c)
	if bad != nil {
		return *bad
	}
	types := querySet(c, "event_types")
	// deployment_types: the live API's filter on the deployment's cause
	// (testdata/live-api-overlay.yaml, x-parameter-additions).
	causes := querySet(c, "deployment_types")
	all := []*do.AppEvent{}
	for i := len(a.events) - 1; i >= 0; i-- { // newest first
		e := a.events[i]
		if len(causes) > 0 && (e.deployment == nil || !causes[string(e.deployment.cause.typ)]) {
			continue
		}
		if len(types) == 0 || types[string(a.events[i].typ)] {
			all = append(all, c.s.renderEvent(a.events[i]))
		}
	}
	page, envelope := paginate(c, all, false)
	envelope["events"] = page
	return ok(envelope)
}

func eventOf(c *call) (*appState, *eventState, *reply) {
	a, bad := appOf(c)
	if bad != nil {
		return nil, nil, bad
	}
	for _, e := range a.events {
		if e.id == c.param("event_id") {
			return a, e, nil
		}
	}
	r := notFound()
	return nil, nil, &r
}

func getEvent(c *call) reply {
	_, e, bad := eventOf(c)
	if bad != nil {
		return *bad
	}
	return ok(map[string]any{"event": c.s.renderEvent(e)})
}

func cancelEvent(c *call) reply {
	_, e, bad := eventOf(c)
	if bad != nil {
		return *bad
	}
	if e.typ != do.AppEventTypeAutoscaling {
		return badRequest("Only autoscaling events can be canceled; cancel deployment %s instead.", e.deployment.id)
	}
	if e.scalePhase != do.AppEventAutoscalingPhasePending && e.scalePhase != do.AppEventAutoscalingPhaseInProgress {
		return badRequest("Event %s is %s and can no longer be canceled.", e.id, e.scalePhase)
	}
	e.scalePhase, e.phaseSince = do.AppEventAutoscalingPhaseCanceled, c.now
	for name := range e.components {
		e.logs = append(e.logs, logLine{name, c.now, "scaling canceled"})
	}
	c.s.notifyLocked()
	c.applied()
	return ok(map[string]any{"event": c.s.renderEvent(e)})
}
