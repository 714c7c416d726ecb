package digitalocean

import (
	"context"
	"iter"
)

// DeploymentListOptions selects a page of an app's deployments.
type DeploymentListOptions struct {
	ListOptions
	// DeploymentTypes keeps only deployments of these causes; empty keeps
	// all. Sent as repeated deployment_types parameters.
	DeploymentTypes []DeploymentType `url:"deployment_types,omitempty"`
}

// listableDeploymentTypes are the values the spec allows for the
// deployment_types filter.
var listableDeploymentTypes = []DeploymentType{
	DeploymentTypeManual, DeploymentTypeDeployOnPush, DeploymentTypeMaintenance,
	DeploymentTypeManualRollback, DeploymentTypeAutoRollback,
	DeploymentTypeUpdateDatabaseTrustedSources, DeploymentTypeAutoscaled,
}

func (o *DeploymentListOptions) validate() error {
	if o == nil {
		return nil
	}
	if err := o.ListOptions.validate(); err != nil {
		return err
	}
	for _, t := range o.DeploymentTypes {
		if err := requireEnum("DeploymentListOptions.DeploymentTypes", t, listableDeploymentTypes); err != nil {
			return err
		}
	}
	return nil
}

func (o *DeploymentListOptions) page() *ListOptions {
	if o == nil {
		return nil
	}
	return &o.ListOptions
}

// ListDeployments returns one page of the app's deployments, newest first.
//
// API: https://docs.digitalocean.com/reference/api/digitalocean/#tag/Apps/operation/apps_list_deployments
func (s *AppsService) ListDeployments(ctx context.Context, appID string, opts *DeploymentListOptions) ([]Deployment, *Response, error) {
	if err := requireID("appID", appID); err != nil {
		return nil, nil, err
	}
	if err := opts.validate(); err != nil {
		return nil, nil, err
	}
	var out deploymentsPage
	resp, err := s.client.call(ctx, opAppsListDeployments, escapePath("v2/apps/%s/deployments", appID), opts, nil, &out)
	if err != nil {
		return nil, resp, err
	}
	return out.Deployments, resp, nil
}

// AllDeployments iterates over every deployment of the app, fetching pages
// of MaxPerPage as needed; opts may set the first page, a smaller page size
// and the type filter.
func (s *AppsService) AllDeployments(ctx context.Context, appID string, opts *DeploymentListOptions) iter.Seq2[Deployment, error] {
	return paginate(ctx, opts.page(), func(ctx context.Context, page ListOptions) ([]Deployment, *Response, error) {
		o := DeploymentListOptions{ListOptions: page}
		if opts != nil {
			o.DeploymentTypes = opts.DeploymentTypes
		}
		return s.ListDeployments(ctx, appID, &o)
	})
}

// CreateDeployment starts a deployment of the app's current spec; nil req
// means no forced rebuild. It is a POST and is never re-sent after it may
// have reached the server; an unknown outcome is resolved by the
// deployment it started (docs/retries.md, "Recovery", one more request
// per call unless RetryPolicy.NoRecovery).
//
// API: https://docs.digitalocean.com/reference/api/digitalocean/#tag/Apps/operation/apps_create_deployment
func (s *AppsService) CreateDeployment(ctx context.Context, appID string, req *DeploymentCreateRequest) (*Deployment, *Response, error) {
	if err := requireID("appID", appID); err != nil {
		return nil, nil, err
	}
	if req == nil {
		req = &DeploymentCreateRequest{} // the body is required, even empty
	}
	return s.deploymentWrite(ctx, opAppsCreateDeployment, appID, escapePath("v2/apps/%s/deployments", appID), req, createDeploymentEffect)
}

// GetDeployment returns one deployment of the app, with its progress.
//
// API: https://docs.digitalocean.com/reference/api/digitalocean/#tag/Apps/operation/apps_get_deployment
func (s *AppsService) GetDeployment(ctx context.Context, appID, deploymentID string) (*Deployment, *Response, error) {
	if err := requireIDs("appID", appID, "deploymentID", deploymentID); err != nil {
		return nil, nil, err
	}
	return s.deploymentCall(ctx, opAppsGetDeployment, escapePath("v2/apps/%s/deployments/%s", appID, deploymentID), nil, nil)
}

// CancelDeployment cancels an in-progress deployment and returns it. It
// is re-sent after an attempt that may have been applied; if a re-send
// then fails, the deployment is read, and one already canceled is
// returned with Response.Recovered set (docs/retries.md, "Recovery").
//
// API: https://docs.digitalocean.com/reference/api/digitalocean/#tag/Apps/operation/apps_cancel_deployment
func (s *AppsService) CancelDeployment(ctx context.Context, appID, deploymentID string) (*Deployment, *Response, error) {
	if err := requireIDs("appID", appID, "deploymentID", deploymentID); err != nil {
		return nil, nil, err
	}
	d, resp, err := s.deploymentCall(ctx, opAppsCancelDeployment, escapePath("v2/apps/%s/deployments/%s/cancel", appID, deploymentID), nil, nil)
	if err != nil && s.recovers(ctx, err) {
		return s.recoverCancelDeployment(ctx, appID, deploymentID, resp, err)
	}
	return d, resp, err
}

// requireIDs checks name/value pairs with requireID, in order.
func requireIDs(pairs ...string) error {
	for i := 0; i+1 < len(pairs); i += 2 {
		if err := requireID(pairs[i], pairs[i+1]); err != nil {
			return err
		}
	}
	return nil
}
