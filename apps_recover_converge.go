package digitalocean

import "context"

// A converging write (a cancel, a rollback commit) is re-sent after an
// attempt that may have been applied; if a later attempt then fails (the
// deployment "can no longer be canceled", "no rollback to commit"), the
// failure may be the answer to the earlier attempt's success. The object
// is read: already in the requested state, the call succeeds with
// Response.Recovered, as a DELETE answered 404 succeeds with GoneOnRetry
// (docs/retries.md, "Recovery").

// readConverged resolves a converging write's outcome-unknown error by
// reading the object: done(v) true means the requested state holds.
func readConverged[T any](resp *Response, err error, read func() (T, *Response, error), done func(T) bool) (T, *Response, error) {
	var zero T
	v, readResp, readErr := read()
	switch {
	case readErr != nil:
		return zero, resp, &recoveryReadError{err: err, readErr: readErr}
	case !done(v):
		return zero, resp, err
	}
	readResp.Recovered = true
	return v, readResp, nil
}

// recoverCancelDeployment reads the deployment: canceled is success.
func (s *AppsService) recoverCancelDeployment(ctx context.Context, appID, deploymentID string, resp *Response, err error) (*Deployment, *Response, error) {
	return readConverged(resp, err,
		func() (*Deployment, *Response, error) { return s.GetDeployment(ctx, appID, deploymentID) },
		func(d *Deployment) bool { return d.Phase == DeploymentPhaseCanceled })
}

// recoverCancelJobInvocation reads the invocation: canceled is success.
func (s *AppsService) recoverCancelJobInvocation(ctx context.Context, appID, invocationID string, opts *JobInvocationOptions, resp *Response, err error) (*JobInvocation, *Response, error) {
	return readConverged(resp, err,
		func() (*JobInvocation, *Response, error) { return s.GetJobInvocation(ctx, appID, invocationID, opts) },
		func(j *JobInvocation) bool { return j.Phase == JobInvocationPhaseCanceled })
}

// recoverCancelEvent reads the event: an autoscaling event canceled, or a
// deployment event whose deployment is canceled, is success.
func (s *AppsService) recoverCancelEvent(ctx context.Context, appID, eventID string, resp *Response, err error) (*AppEvent, *Response, error) {
	return readConverged(resp, err,
		func() (*AppEvent, *Response, error) { return s.GetEvent(ctx, appID, eventID) },
		func(e *AppEvent) bool {
			return (e.Autoscaling != nil && e.Autoscaling.Phase == AppEventAutoscalingPhaseCanceled) ||
				(e.Deployment != nil && e.Deployment.Phase == DeploymentPhaseCanceled)
		})
}

// recoverCommitRollback reads the app: committed is unpinned with no
// revert deployment among its current ones (a revert unpins it too, but
// does not keep the rollback).
func (s *AppsService) recoverCommitRollback(ctx context.Context, appID string, resp *Response, err error) (*Response, error) {
	_, resp, err = readConverged(resp, err,
		func() (*App, *Response, error) { return s.Get(ctx, appID) },
		func(a *App) bool {
			if a.PinnedDeployment != nil {
				return false
			}
			for _, d := range []*Deployment{a.ActiveDeployment, a.PendingDeployment, a.InProgressDeployment} {
				if d != nil && d.CauseDetails != nil && d.CauseDetails.DigitalOceanUserAction != nil &&
					d.CauseDetails.DigitalOceanUserAction.Name == DeploymentCauseDetailsDigitalOceanUserActionNameRevertAppRollback {
					return false
				}
			}
			return true
		})
	return resp, err
}
