package digitalocean

import (
	"context"
	"fmt"
	"strings"
)

// DefaultFailureTailLines is how many log lines GetDeploymentFailure reads
// when DeploymentFailureOptions.TailLines is zero.
const DefaultFailureTailLines = 100

// DeploymentFailureOptions tunes GetDeploymentFailure; nil means defaults.
type DeploymentFailureOptions struct {
	// TailLines is how many of the log's last lines to read:
	// 0 means DefaultFailureTailLines, TailAllLines the whole log.
	TailLines int
}

// DeploymentFailure says why a deployment did not become ACTIVE: the step
// that failed, its reason, and the end of the log of that step.
type DeploymentFailure struct {
	// AppID and Deployment identify the deployment, as last read.
	AppID      string
	Deployment *Deployment
	// Phase is the phase it ended in: ERROR, CANCELED or SUPERSEDED.
	Phase DeploymentPhase
	// Step is the failing progress step, the deepest one with status ERROR
	// (as in DeploymentFailedError); nil when the progress names none,
	// usual for CANCELED and SUPERSEDED.
	Step *DeploymentProgressStep
	// Component is the component the failing step belongs to (its own
	// component_name or that of its closest parent step); empty when the
	// step names none.
	Component string
	// ReasonCode and ReasonMessage explain the failure: the failing step's
	// reason, or that of its closest parent step that has one.
	ReasonCode, ReasonMessage string
	// LogType is the log Log comes from: AppLogTypeBuild for a step of the
	// build, AppLogTypeDeploy otherwise; empty when no log was read (no
	// failing step).
	LogType AppLogType
	// Log is the end of that log, oldest line first, only Component's
	// lines when Component is set.
	Log []LogLine
}

// GetDeploymentFailure explains why a deployment failed, in one call: it
// reads the deployment, finds the failing step in its progress (the first
// one with status ERROR, depth first) and reads the last lines of the log
// of that step's phase — the BUILD log for a step of the build, the DEPLOY
// log otherwise — limited to the step's component when it names one.
//
// A deployment that has not ended, or ended ACTIVE, is an *ArgumentError
// matching ErrInvalidArgument; wait for it first (WaitForDeployment returns
// a *DeploymentFailedError whose AppID and Deployment.ID fit here).
//
// When the log cannot be read, the failure is returned with the step and
// reason filled in, together with the error. Log URLs are pre-signed: like
// DownloadLogs, no error names one with its signature, and the API token
// is not sent to the log host. Only archived logs are read: a deployment
// that has ended has no live log to follow.
//
// API: https://docs.digitalocean.com/reference/api/digitalocean/#tag/Apps/operation/apps_get_deployment
// API: https://docs.digitalocean.com/reference/api/digitalocean/#tag/Apps/operation/apps_get_logs_aggregate
func (s *AppsService) GetDeploymentFailure(ctx context.Context, appID, deploymentID string, opts *DeploymentFailureOptions) (*DeploymentFailure, *Response, error) {
	if err := requireIDs("appID", appID, "deploymentID", deploymentID); err != nil {
		return nil, nil, err
	}
	tail := DefaultFailureTailLines
	if opts != nil && opts.TailLines != 0 {
		tail = opts.TailLines
	}
	if tail < 0 && tail != TailAllLines {
		return nil, nil, &ArgumentError{Name: "DeploymentFailureOptions.TailLines", Reason: "must be positive, 0 (the default) or TailAllLines"}
	}
	d, resp, err := s.GetDeployment(ctx, appID, deploymentID)
	if err != nil {
		return nil, resp, err
	}
	switch d.Phase {
	case DeploymentPhaseError, DeploymentPhaseCanceled, DeploymentPhaseSuperseded:
	default:
		return nil, resp, &ArgumentError{Name: "deploymentID", Reason: fmt.Sprintf("deployment %s has not failed: its phase is %s", d.ID, d.Phase)}
	}
	e := newDeploymentFailedError(appID, d)
	f := &DeploymentFailure{AppID: appID, Deployment: d, Phase: d.Phase, Step: e.Step,
		ReasonCode: e.ReasonCode, ReasonMessage: e.ReasonMessage}
	if f.Step == nil {
		return f, resp, nil
	}
	f.LogType = AppLogTypeDeploy
	for _, steps := range [][]*DeploymentProgressStep{d.Progress.Steps, d.Progress.SummarySteps} {
		if top, component, ok := stepContext(steps, f.Step); ok {
			if strings.Contains(strings.ToLower(top.Name), "build") {
				f.LogType = AppLogTypeBuild
			}
			f.Component = component
			break
		}
	}
	logs, logResp, err := s.GetLogs(ctx, appID, &LogsOptions{
		DeploymentID: d.ID, Type: f.LogType, TailLines: tail, ComponentFilter: f.Component,
	})
	if logResp != nil {
		resp = logResp
	}
	if err != nil {
		return f, resp, fmt.Errorf("digitalocean: deployment %s failed at step %q; its %s log: %w", d.ID, f.Step.Name, f.LogType, err)
	}
	for _, u := range logs.HistoricURLs {
		if err := s.readLogTail(ctx, u, tail, &f.Log); err != nil {
			return f, resp, fmt.Errorf("digitalocean: deployment %s failed at step %q; reading its %s log: %w", d.ID, f.Step.Name, f.LogType, err)
		}
	}
	return f, resp, nil
}

// stepContext finds target in the step tree: the top-level step holding
// it, and the component of target or of its closest ancestor that names
// one.
func stepContext(steps []*DeploymentProgressStep, target *DeploymentProgressStep) (top *DeploymentProgressStep, component string, ok bool) {
	var find func(steps []*DeploymentProgressStep, component string) (string, bool)
	find = func(steps []*DeploymentProgressStep, component string) (string, bool) {
		for _, step := range steps {
			if step == nil {
				continue
			}
			c := component
			if step.ComponentName != "" {
				c = step.ComponentName
			}
			if step == target {
				return c, true
			}
			if c, ok := find(step.Steps, c); ok {
				return c, true
			}
		}
		return "", false
	}
	for _, step := range steps {
		if c, ok := find([]*DeploymentProgressStep{step}, ""); ok {
			return step, c, true
		}
	}
	return nil, "", false
}

// readLogTail appends the lines of the archived log at u to lines, keeping
// only the last tail of them (all for TailAllLines). The archive may hold
// more than was asked for: the server's tail_lines is a hint.
func (s *AppsService) readLogTail(ctx context.Context, u string, tail int, lines *[]LogLine) error {
	body, err := s.DownloadLogs(ctx, u)
	if err != nil {
		return err
	}
	defer body.Close()
	for line, err := range ReadLogLines(body) {
		if err != nil {
			return scrubURLError(err)
		}
		*lines = append(*lines, line)
		if tail > 0 && len(*lines) > 2*tail {
			*lines = append((*lines)[:0], (*lines)[len(*lines)-tail:]...)
		}
	}
	if tail > 0 && len(*lines) > tail {
		*lines = append((*lines)[:0], (*lines)[len(*lines)-tail:]...)
	}
	return nil
}
