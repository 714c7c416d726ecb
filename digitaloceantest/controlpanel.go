package digitaloceantest

import (
	"fmt"

	do "github.com/oceankit/digitalocean"
)

// EditInControlPanel changes an app's spec as a user does in the control
// panel: edit gets a copy of the stored spec, and what it leaves there is
// stored (rewritten and encrypted as an update is) and deployed. Settings
// made there are spec fields like any other, so the next update overwrites
// them with whatever it sends (live-api-behaviour.md fact 35: egress,
// maintenance, registry credentials); a client sees them as drift.
func (s *Server) EditInControlPanel(appID string, edit func(spec *do.AppSpec)) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.settleLocked()
	a := s.findApp(appID)
	if a == nil {
		return fmt.Errorf("digitaloceantest: no app %q", appID)
	}
	if a.pinned != nil {
		return fmt.Errorf("digitaloceantest: app %q is pinned to a rollback", appID)
	}
	spec := cloneSpec(a.spec)
	edit(spec)
	if bad := validateSpec(spec); bad != nil {
		return fmt.Errorf("digitaloceantest: the control panel refuses the spec: %s", bad.body.(*errorBody).Message)
	}
	now := s.nowLocked()
	a.spec = storeSpec(objectOf(spec))
	a.updated = now
	s.startDeployment(a, now, deploymentCause{
		text: "app spec updated in the control panel", typ: do.DeploymentTypeManual,
		action: do.DeploymentCauseDetailsDigitalOceanUserActionNameUpdateSpec,
	}, fullPlan)
	return nil
}
