package conformance

import (
	"context"
	"net/url"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	do "github.com/oceankit/digitalocean"
)

// appsLiveCases are the 8 operations of the live-API overlay
// (testdata/live-api-overlay.yaml), which the spec lacks.
func appsLiveCases() []opCase {
	return []opCase{
		newCase("Apps.ListTiers", []string{"apps_list_tiers"},
			func(ctx context.Context, c *do.Client) ([]do.AppTier, error) {
				return drop(c.Apps.ListTiers(ctx)) //lint:ignore SA1019 the deprecated operation is still served
			},
			func(t *testing.T, tiers []do.AppTier, _ []call) {
				require.Len(t, tiers, 3)
				assert.Equal(t, "basic", tiers[1].Slug)
				assert.Equal(t, "42949672960", tiers[1].EgressBandwidthBytes)
			}),
		newCase("Apps.GetTier", []string{"apps_get_tier"},
			func(ctx context.Context, c *do.Client) (*do.AppTier, error) {
				return drop(c.Apps.GetTier(ctx, "basic")) //lint:ignore SA1019 the deprecated operation is still served
			},
			func(t *testing.T, tier *do.AppTier, calls []call) {
				require.NotNil(t, tier)
				assert.Equal(t, "basic", tier.Slug)
				assert.Equal(t, "/v2/apps/tiers/basic", calls[0].url.Path)
			}),
		newCase("Apps.ListBuildpacks", []string{"apps_list_buildpacks"},
			func(ctx context.Context, c *do.Client) ([]do.AppBuildpack, error) {
				return drop(c.Apps.ListBuildpacks(ctx))
			},
			func(t *testing.T, packs []do.AppBuildpack, _ []call) {
				require.Len(t, packs, 2)
				assert.Equal(t, "digitalocean/node", packs[0].ID)
				assert.Equal(t, int32(3), packs[0].MajorVersion)
			}),
		newCase("Apps.Detect", []string{"apps_detect"},
			func(ctx context.Context, c *do.Client) (*do.AppDetectResponse, error) {
				return drop(c.Apps.Detect(ctx, &do.AppDetectRequest{
					GitHub:    &do.AppGitHubSourceSpec{Repo: "digitalocean/sample-nodejs", Branch: "main"},
					SourceDir: "/",
				}))
			},
			func(t *testing.T, r *do.AppDetectResponse, calls []call) {
				require.NotNil(t, r)
				require.NotEmpty(t, r.Components)
				assert.Equal(t, do.AppDetectStrategyBuildpack, r.Components[0].Strategy)
				assert.JSONEq(t, `{"github":{"repo":"digitalocean/sample-nodejs","branch":"main"},"source_dir":"/"}`, string(calls[0].body))
			}),
		newCase("Apps.UpgradeBuildpack", []string{"apps_list_deployments", "apps_upgrade_buildpack"},
			func(ctx context.Context, c *do.Client) (*do.AppUpgradeBuildpackResponse, error) {
				return drop(c.Apps.UpgradeBuildpack(ctx, appID, &do.AppUpgradeBuildpackRequest{
					BuildpackID: "digitalocean/node", MajorVersion: 3, TriggerDeployment: true,
				}))
			},
			func(t *testing.T, r *do.AppUpgradeBuildpackResponse, _ []call) {
				require.NotNil(t, r)
				assert.Equal(t, []string{"api", "web"}, r.AffectedComponents)
				require.NotNil(t, r.Deployment)
				assert.Equal(t, "sample-nodejs", r.Deployment.Spec.Name)
			}),
		newCase("Apps.GetDatabaseConnectionDetails", []string{"apps_get_database_connection_details"},
			func(ctx context.Context, c *do.Client) ([]do.AppDatabaseConnectionDetails, error) {
				return drop(c.Apps.GetDatabaseConnectionDetails(ctx, appID))
			},
			func(t *testing.T, d []do.AppDatabaseConnectionDetails, _ []call) {
				require.Len(t, d, 1)
				assert.Equal(t, "db", d[0].ComponentName)
				assert.Equal(t, int64(25060), d[0].Port)
				require.Len(t, d[0].Pools, 1)
			}),
		newCase("Apps.ResetDatabasePassword", []string{"apps_list_deployments", "apps_reset_database_password"},
			func(ctx context.Context, c *do.Client) (*do.Deployment, error) {
				return drop(c.Apps.ResetDatabasePassword(ctx, appID, "db"))
			},
			func(t *testing.T, d *do.Deployment, calls []call) {
				require.NotNil(t, d)
				assert.Equal(t, "database credentials rotated", d.Cause)
				assert.Empty(t, calls[1].body, "no request body")
			}),
		newCase("Apps.ToggleDatabaseTrustedSource", []string{"apps_list_deployments", "apps_toggle_database_trusted_source"},
			func(ctx context.Context, c *do.Client) (*do.AppDatabaseTrustedSourcesResponse, error) {
				return drop(c.Apps.ToggleDatabaseTrustedSource(ctx, appID, "db", &do.AppDatabaseTrustedSourcesRequest{Enable: do.Ptr(true)}))
			},
			func(t *testing.T, r *do.AppDatabaseTrustedSourcesResponse, calls []call) {
				require.NotNil(t, r)
				assert.True(t, r.IsEnabled)
				assert.JSONEq(t, `{"enable":true}`, string(calls[1].body))
			}),
	}
}

// appsLiveParameterCases send the query parameters of the overlay's
// x-parameter-additions (tail_lines, component_name, deployment_types on
// events), which loadSpec adds to the spec's operations so the validator
// checks them; an undeclared key would be a violation.
func appsLiveParameterCases() []opCase {
	logs := func(name, op string, opts do.LogsOptions, path string, want url.Values) opCase {
		return newCase(name, []string{op},
			func(ctx context.Context, c *do.Client) (*do.AppLogs, error) {
				return drop(c.Apps.GetLogs(ctx, appID, &opts))
			},
			func(t *testing.T, l *do.AppLogs, calls []call) {
				assertLogs(t, l)
				assert.Equal(t, path, calls[0].url.Path)
				assert.Equal(t, want, calls[0].url.Query())
			})
	}
	return []opCase{
		logs("Apps.GetLogs/app-tail-all-component", "apps_get_logs_active_deployment_aggregate",
			do.LogsOptions{Type: do.AppLogTypeRun, Follow: true, TailLines: do.TailAllLines, ComponentFilter: "api"},
			"/v2/apps/"+appID+"/logs",
			url.Values{"type": {"RUN"}, "follow": {"true"}, "tail_lines": {"-1"}, "component_name": {"api"}}),
		logs("Apps.GetLogs/deployment-tail-component", "apps_get_logs_aggregate",
			do.LogsOptions{DeploymentID: deploymentID, Type: do.AppLogTypeBuild, TailLines: 100, ComponentFilter: "web"},
			"/v2/apps/"+appID+"/deployments/"+deploymentID+"/logs",
			url.Values{"type": {"BUILD"}, "tail_lines": {"100"}, "component_name": {"web"}}),
		logs("Apps.GetLogs/component-tail", "apps_get_logs_active_deployment",
			do.LogsOptions{Component: "api", Type: do.AppLogTypeRun, TailLines: 5},
			"/v2/apps/"+appID+"/components/api/logs",
			url.Values{"type": {"RUN"}, "tail_lines": {"5"}}),
		logs("Apps.GetLogs/deployment-component-tail", "apps_get_logs",
			do.LogsOptions{DeploymentID: deploymentID, Component: "api", Type: do.AppLogTypeDeploy, TailLines: 20},
			"/v2/apps/"+appID+"/deployments/"+deploymentID+"/components/api/logs",
			url.Values{"type": {"DEPLOY"}, "tail_lines": {"20"}}),
		newCase("Apps.GetEventLogs/tail", []string{"apps_get_event_logs"},
			func(ctx context.Context, c *do.Client) (*do.AppLogs, error) {
				return drop(c.Apps.GetEventLogs(ctx, appID, eventID, &do.EventLogsOptions{TailLines: 50}))
			},
			func(t *testing.T, l *do.AppLogs, calls []call) {
				assertLogs(t, l)
				assert.Equal(t, url.Values{"type": {"AUTOSCALE_EVENT"}, "tail_lines": {"50"}}, calls[0].url.Query())
			}),
		newCase("Apps.ListEvents/deployment-types", []string{"apps_list_events"},
			func(ctx context.Context, c *do.Client) ([]do.AppEvent, error) {
				return drop(c.Apps.ListEvents(ctx, appID, &do.EventListOptions{
					DeploymentTypes: []do.DeploymentType{do.DeploymentTypeManual, do.DeploymentTypeDeployOnPush},
				}))
			},
			func(t *testing.T, es []do.AppEvent, calls []call) {
				require.NotEmpty(t, es)
				assert.Equal(t, []string{"MANUAL", "DEPLOY_ON_PUSH"}, calls[0].url.Query()["deployment_types"])
			}),
	}
}
