package conformance

import (
	"context"
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
		newCase("Apps.UpgradeBuildpack", []string{"apps_upgrade_buildpack"},
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
		newCase("Apps.ResetDatabasePassword", []string{"apps_reset_database_password"},
			func(ctx context.Context, c *do.Client) (*do.Deployment, error) {
				return drop(c.Apps.ResetDatabasePassword(ctx, appID, "db"))
			},
			func(t *testing.T, d *do.Deployment, calls []call) {
				require.NotNil(t, d)
				assert.Equal(t, "database credentials rotated", d.Cause)
				assert.Empty(t, calls[0].body, "no request body")
			}),
		newCase("Apps.ToggleDatabaseTrustedSource", []string{"apps_toggle_database_trusted_source"},
			func(ctx context.Context, c *do.Client) (*do.AppDatabaseTrustedSourcesResponse, error) {
				return drop(c.Apps.ToggleDatabaseTrustedSource(ctx, appID, "db", &do.AppDatabaseTrustedSourcesRequest{Enable: do.Ptr(true)}))
			},
			func(t *testing.T, r *do.AppDatabaseTrustedSourcesResponse, calls []call) {
				require.NotNil(t, r)
				assert.True(t, r.IsEnabled)
				assert.JSONEq(t, `{"enable":true}`, string(calls[0].body))
			}),
	}
}
