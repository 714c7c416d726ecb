package digitalocean

import (
	"context"
)

// CreateRollback rolls the app back to req.DeploymentID in a new
// deployment, which it returns. Unless req.SkipPin is true the app stays
// pinned to it, refusing new deployments, until CommitRollback or
// RevertRollback; ValidateRollback checks the rollback first. An unknown
// outcome is resolved by the deployment it started (docs/retries.md,
// "Recovery", one more request per call unless RetryPolicy.NoRecovery).
//
// API: https://docs.digitalocean.com/reference/api/digitalocean/#tag/Apps/operation/apps_create_rollback
func (s *AppsService) CreateRollback(ctx context.Context, appID string, req *AppRollbackRequest) (*Deployment, *Response, error) {
	if err := validateRollback(appID, req); err != nil {
		return nil, nil, err
	}
	return s.deploymentWrite(ctx, opAppsCreateRollback, appID, escapePath("v2/apps/%s/rollback", appID), req, createRollbackEffect(req.DeploymentID))
}

// ValidateRollback reports whether the app can be rolled back to
// req.DeploymentID, with the failing condition or warnings.
//
// API: https://docs.digitalocean.com/reference/api/digitalocean/#tag/Apps/operation/apps_validate_rollback
func (s *AppsService) ValidateRollback(ctx context.Context, appID string, req *AppRollbackRequest) (*AppRollbackValidateResponse, *Response, error) {
	if err := validateRollback(appID, req); err != nil {
		return nil, nil, err
	}
	out := new(AppRollbackValidateResponse)
	resp, err := s.client.call(ctx, opAppsValidateRollback, escapePath("v2/apps/%s/rollback/validate", appID), nil, req, out)
	if err != nil {
		return nil, resp, err
	}
	return out, resp, nil
}

// CommitRollback makes the app's rollback permanent and unpins the app so
// that new deployments resume. It is re-sent after an attempt that may
// have been applied; if a re-send then fails, the app is read, and an app
// unpinned and not reverted is success with Response.Recovered set
// (docs/retries.md, "Recovery").
//
// API: https://docs.digitalocean.com/reference/api/digitalocean/#tag/Apps/operation/apps_commit_rollback
func (s *AppsService) CommitRollback(ctx context.Context, appID string) (*Response, error) {
	if err := requireID("appID", appID); err != nil {
		return nil, err
	}
	resp, err := s.client.call(ctx, opAppsCommitRollback, escapePath("v2/apps/%s/rollback/commit", appID), nil, nil, nil)
	if err != nil && s.recovers(ctx, err) {
		return s.recoverCommitRollback(ctx, appID, resp, err)
	}
	return resp, err
}

// RevertRollback undoes the app's rollback with a new deployment of the
// spec from before it, which it returns, and unpins the app. An unknown
// outcome is resolved by the deployment it started (docs/retries.md,
// "Recovery", one more request per call unless RetryPolicy.NoRecovery).
//
// API: https://docs.digitalocean.com/reference/api/digitalocean/#tag/Apps/operation/apps_revert_rollback
func (s *AppsService) RevertRollback(ctx context.Context, appID string) (*Deployment, *Response, error) {
	if err := requireID("appID", appID); err != nil {
		return nil, nil, err
	}
	return s.deploymentWrite(ctx, opAppsRevertRollback, appID, escapePath("v2/apps/%s/rollback/revert", appID), nil, revertRollbackEffect)
}

func validateRollback(appID string, req *AppRollbackRequest) error {
	if err := requireID("appID", appID); err != nil {
		return err
	}
	if req == nil {
		return &ArgumentError{Name: "req", Reason: "must not be nil"}
	}
	return requireID("req.DeploymentID", req.DeploymentID)
}
