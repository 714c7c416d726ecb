package digitalocean

import (
	"context"
)

// GetDatabaseConnectionDetails returns the credentials (host, port, user,
// password, database, URL and connection pools) of each database component
// of the app, one entry per component. The passwords are in plain text.
//
// API: not in the public API reference; the live-API description is
// apps_get_database_connection_details in testdata/live-api-overlay.yaml,
// as godo calls it:
// https://pkg.go.dev/github.com/digitalocean/godo#AppsServiceOp.GetAppDatabaseConnectionDetails
func (s *AppsService) GetDatabaseConnectionDetails(ctx context.Context, appID string) ([]AppDatabaseConnectionDetails, *Response, error) {
	if err := requireID("appID", appID); err != nil {
		return nil, nil, err
	}
	var out connectionDetailsList
	resp, err := s.client.call(ctx, opAppsGetDatabaseConnectionDetails, escapePath("v2/apps/%s/database_connection_details", appID), nil, nil, &out)
	if err != nil {
		return nil, resp, err
	}
	return out.ConnectionDetails, resp, nil
}

// ResetDatabasePassword rotates the credentials of the app's database
// component componentName and returns the deployment that rolls them out
// (read the new credentials with GetDatabaseConnectionDetails). It is a
// POST and is never re-sent after it may have reached the server; an
// unknown outcome is resolved by the deployment it started
// (docs/retries.md, "Recovery", one more request per call unless
// RetryPolicy.NoRecovery).
//
// API: not in the public API reference; the live-API description is
// apps_reset_database_password in testdata/live-api-overlay.yaml, as godo
// calls it: https://pkg.go.dev/github.com/digitalocean/godo#AppsServiceOp.ResetDatabasePassword
func (s *AppsService) ResetDatabasePassword(ctx context.Context, appID, componentName string) (*Deployment, *Response, error) {
	if err := requireIDs("appID", appID, "componentName", componentName); err != nil {
		return nil, nil, err
	}
	return s.deploymentWrite(ctx, opAppsResetDatabasePassword, appID, escapePath("v2/apps/%s/components/%s/reset_password", appID, componentName), nil, resetPasswordEffect)
}

// ToggleDatabaseTrustedSource turns the trusted-sources firewall of the
// app's database component componentName on or off (req.Enable, required)
// and returns the resulting state. It sends the documented key "enable"
// (godo sends "Enable"). It is a POST and is never re-sent after it may
// have reached the server. An unknown outcome is resolved by the
// UPDATE_DATABASE_TRUSTED_SOURCES deployment an applied change starts
// (docs/retries.md, "Recovery", one more request per call unless
// RetryPolicy.NoRecovery): with it, the result is the requested state;
// without any, the request is sent once more (setting a value twice
// changes nothing more).
//
// API: not in the public API reference; the live-API description is
// apps_toggle_database_trusted_source in testdata/live-api-overlay.yaml, as
// godo calls it:
// https://pkg.go.dev/github.com/digitalocean/godo#AppsServiceOp.ToggleDatabaseTrustedSource
func (s *AppsService) ToggleDatabaseTrustedSource(ctx context.Context, appID, componentName string, req *AppDatabaseTrustedSourcesRequest) (*AppDatabaseTrustedSourcesResponse, *Response, error) {
	if err := requireIDs("appID", appID, "componentName", componentName); err != nil {
		return nil, nil, err
	}
	if req == nil || req.Enable == nil {
		return nil, nil, &ArgumentError{Name: "req.Enable", Reason: "must be set: true turns trusted sources on, false turns them off"}
	}
	path := escapePath("v2/apps/%s/components/%s/trusted_sources", appID, componentName)
	mark := s.markDeployments(ctx, appID)
	send := func() (*AppDatabaseTrustedSourcesResponse, *Response, error) {
		out := new(AppDatabaseTrustedSourcesResponse)
		resp, err := s.client.call(ctx, opAppsToggleDatabaseTrustedSource, path, nil, req, out)
		if err != nil {
			return nil, resp, err
		}
		return out, resp, nil
	}
	out, resp, err := send()
	if err == nil || !s.recovers(ctx, err) {
		return out, resp, err
	}
	enable := *req.Enable
	return recoverByDeployment(ctx, s, appID, mark, trustedSourcesEffect, send,
		func(_ *Deployment, resp *Response) (*AppDatabaseTrustedSourcesResponse, *Response, error) {
			return &AppDatabaseTrustedSourcesResponse{IsEnabled: enable}, resp, nil
		}, resp, err)
}
