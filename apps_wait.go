package digitalocean

import (
	"context"
	"errors"
	"fmt"
	"strings"
)

// ErrNoPendingDeployment is returned by WaitForAppDeployment for an app
// that has no pending or in-progress deployment to wait for.
var ErrNoPendingDeployment = errors.New("digitalocean: app has no pending or in-progress deployment")

// DeploymentFailedError is returned by the deployment waiters when a
// deployment ends in a phase other than ACTIVE: ERROR, CANCELED or
// SUPERSEDED.
type DeploymentFailedError struct {
	// AppID and Deployment identify what failed; Deployment is the last
	// state read.
	AppID      string
	Deployment *Deployment
	// Phase is the phase the deployment ended in.
	Phase DeploymentPhase
	// Step is the failing progress step, the deepest one with status
	// ERROR; nil when the progress names none (usual for CANCELED and
	// SUPERSEDED).
	Step *DeploymentProgressStep
	// ReasonCode and ReasonMessage explain the failure: the failing step's
	// reason, or that of its closest parent step that has one.
	ReasonCode, ReasonMessage string
}

func (e *DeploymentFailedError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "digitalocean: deployment %s of app %s ended %s", e.Deployment.ID, e.AppID, e.Phase)
	if e.Step != nil {
		fmt.Fprintf(&b, ": step %q", e.Step.Name)
		if e.Step.ComponentName != "" {
			fmt.Fprintf(&b, " (component %s)", e.Step.ComponentName)
		}
		b.WriteString(" failed")
	}
	switch {
	case e.ReasonCode != "" && e.ReasonMessage != "":
		fmt.Fprintf(&b, ": %s: %s", oneLine(e.ReasonCode), oneLine(e.ReasonMessage))
	case e.ReasonCode != "" || e.ReasonMessage != "":
		b.WriteString(": " + oneLine(e.ReasonCode+e.ReasonMessage))
	}
	return b.String()
}

// WaitForDeployment polls the deployment until it is ACTIVE and returns
// it, with capped exponential backoff (see WaitOptions; opts may be nil).
// A deployment that ends ERROR, CANCELED or SUPERSEDED gives a
// *DeploymentFailedError naming the failing step and its reason.
// Cancelling ctx stops the waiting, not the deployment; the last
// deployment read is returned with every error.
func (s *AppsService) WaitForDeployment(ctx context.Context, appID, deploymentID string, opts *WaitOptions) (*Deployment, error) {
	if err := requireIDs("appID", appID, "deploymentID", deploymentID); err != nil {
		return nil, err
	}
	var last *Deployment
	err := poll(ctx, opts, func(ctx context.Context, n int) (bool, error) {
		d, _, err := s.GetDeployment(ctx, appID, deploymentID)
		if err != nil {
			return false, err
		}
		last = d
		opts.report(WaitProgress{Poll: n, State: string(d.Phase), Deployment: d})
		switch d.Phase {
		case DeploymentPhaseActive:
			return true, nil
		case DeploymentPhaseError, DeploymentPhaseCanceled, DeploymentPhaseSuperseded:
			return true, newDeploymentFailedError(appID, d)
		}
		return false, nil
	})
	return last, err
}

// WaitForAppDeployment waits, as WaitForDeployment does, for the
// deployment that app — as returned by Create or Update — started: its
// PendingDeployment, else its InProgressDeployment. Pass the returned app
// itself rather than a later Get, which may no longer show a deployment
// that already ended. It returns ErrNoPendingDeployment when app has
// neither. For CreateDeployment, Restart and the rollbacks, which return
// the deployment, use WaitForDeployment with its ID.
func (s *AppsService) WaitForAppDeployment(ctx context.Context, app *App, opts *WaitOptions) (*Deployment, error) {
	if app == nil {
		return nil, &ArgumentError{Name: "app", Reason: "must not be nil"}
	}
	if err := requireID("app.ID", app.ID); err != nil {
		return nil, err
	}
	for _, d := range []*Deployment{app.PendingDeployment, app.InProgressDeployment} {
		if d != nil && d.ID != "" {
			return s.WaitForDeployment(ctx, app.ID, d.ID, opts)
		}
	}
	return nil, fmt.Errorf("%w: app %s", ErrNoPendingDeployment, app.ID)
}

func newDeploymentFailedError(appID string, d *Deployment) *DeploymentFailedError {
	e := &DeploymentFailedError{AppID: appID, Deployment: d, Phase: d.Phase}
	if d.Progress == nil {
		return e
	}
	// Steps is the tree; SummarySteps a flattened view that can name the
	// failure when the tree is absent.
	for _, steps := range [][]*DeploymentProgressStep{d.Progress.Steps, d.Progress.SummarySteps} {
		if step, reason := failingStep(steps, nil); step != nil {
			e.Step = step
			if reason != nil {
				e.ReasonCode, e.ReasonMessage = reason.Code, reason.Message
			}
			return e
		}
	}
	return e
}

// failingStep returns the first step with status ERROR, depth first. A
// failing child wins over its failing parent, since it says more precisely
// what went wrong; the reason is the closest one on the way down
// (inherited is that of the failing ancestors).
func failingStep(steps []*DeploymentProgressStep, inherited *DeploymentProgressStepReason) (*DeploymentProgressStep, *DeploymentProgressStepReason) {
	for _, step := range steps {
		if step == nil {
			continue
		}
		if step.Status != DeploymentProgressStepStatusError {
			if child, reason := failingStep(step.Steps, nil); child != nil {
				return child, reason
			}
			continue
		}
		reason := inherited
		if step.Reason != nil && (step.Reason.Code != "" || step.Reason.Message != "") {
			reason = step.Reason
		}
		if child, childReason := failingStep(step.Steps, reason); child != nil {
			return child, childReason
		}
		return step, reason
	}
	return nil, nil
}
