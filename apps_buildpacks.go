package digitalocean

import (
	"context"
	"fmt"
	"strings"
)

// ListBuildpacks returns the buildpacks App Platform builds with, each with
// the ID UpgradeBuildpack takes and its major version line. The API does
// not paginate this list.
//
// API: not in the public API reference; the live-API description is
// apps_list_buildpacks in testdata/live-api-overlay.yaml, as godo calls it:
// https://pkg.go.dev/github.com/digitalocean/godo#AppsServiceOp.ListBuildpacks
func (s *AppsService) ListBuildpacks(ctx context.Context) ([]AppBuildpack, *Response, error) {
	var out buildpacksList
	resp, err := s.client.call(ctx, opAppsListBuildpacks, "v2/apps/buildpacks", nil, nil, &out)
	if err != nil {
		return nil, resp, err
	}
	return out.Buildpacks, resp, nil
}

// UpgradeBuildpack moves the app's components that use req.BuildpackID to
// another major version (req.MajorVersion; 0 means the latest) and, when
// req.TriggerDeployment is set, starts the deployment that applies it. It
// is a POST and is never re-sent after it may have reached the server.
// With req.TriggerDeployment an unknown outcome is resolved by the
// deployment it started (docs/retries.md, "Recovery", one more request per
// call unless RetryPolicy.NoRecovery): the recovered response carries that
// deployment and a nil AffectedComponents, which no read shows. Without
// it, nothing shows whether the upgrade was applied: ErrOutcomeUnknown.
//
// API: not in the public API reference; the live-API description is
// apps_upgrade_buildpack in testdata/live-api-overlay.yaml, as godo calls it:
// https://pkg.go.dev/github.com/digitalocean/godo#AppsServiceOp.UpgradeBuildpack
func (s *AppsService) UpgradeBuildpack(ctx context.Context, appID string, req *AppUpgradeBuildpackRequest) (*AppUpgradeBuildpackResponse, *Response, error) {
	if err := requireID("appID", appID); err != nil {
		return nil, nil, err
	}
	if req == nil {
		return nil, nil, &ArgumentError{Name: "req", Reason: "must not be nil"}
	}
	if strings.TrimSpace(req.BuildpackID) == "" {
		return nil, nil, &ArgumentError{Name: "req.BuildpackID", Reason: "must not be empty: name the buildpack to upgrade (see ListBuildpacks)"}
	}
	if req.MajorVersion < 0 {
		return nil, nil, &ArgumentError{Name: "req.MajorVersion", Reason: fmt.Sprintf("must not be negative, got %d (0 means the latest)", req.MajorVersion)}
	}
	var mark *deploymentMark
	if req.TriggerDeployment {
		mark = s.markDeployments(ctx, appID)
	}
	send := func() (*AppUpgradeBuildpackResponse, *Response, error) {
		out := new(AppUpgradeBuildpackResponse)
		resp, err := s.client.call(ctx, opAppsUpgradeBuildpack, escapePath("v2/apps/%s/upgrade_buildpack", appID), nil, req, out)
		if err != nil {
			return nil, resp, err
		}
		return out, resp, nil
	}
	out, resp, err := send()
	if err == nil || !s.recovers(ctx, err) {
		return out, resp, err
	}
	return recoverByDeployment(ctx, s, appID, mark, upgradeBuildpackEffect, send,
		func(d *Deployment, resp *Response) (*AppUpgradeBuildpackResponse, *Response, error) {
			return &AppUpgradeBuildpackResponse{Deployment: d}, resp, nil
		}, resp, err)
}
