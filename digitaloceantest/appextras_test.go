package digitaloceantest_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"

	do "github.com/oceankit/digitalocean"
	"github.com/oceankit/digitalocean/digitaloceantest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// liveSpec is an app with a Node.js service, a Go worker, a Dockerfile job
// and a dev database.
func liveSpec(name string) *do.AppSpec {
	return &do.AppSpec{
		Name:     name,
		Region:   do.AppRegionSlugNYC,
		Services: []*do.AppServiceSpec{{Name: "web", GitHub: &do.AppGitHubSourceSpec{Repo: "acme/node-web", Branch: "main"}}},
		Workers:  []*do.AppWorkerSpec{{Name: "queue", GitHub: &do.AppGitHubSourceSpec{Repo: "acme/go-queue", Branch: "main"}}},
		Jobs: []*do.AppJobSpec{{Name: "migrate", Kind: do.AppJobSpecKindPreDeploy, DockerfilePath: "Dockerfile",
			GitHub: &do.AppGitHubSourceSpec{Repo: "acme/node-migrate", Branch: "main"}}},
		Databases: []*do.AppDatabaseSpec{{Name: "db", Engine: do.AppDatabaseSpecEnginePG, Version: "16"}},
	}
}

// liveAPIOperations exercises the 8 live-API operations once each with
// success (TestEveryOperation counts them).
func liveAPIOperations(t *testing.T, srv *digitaloceantest.Server, c *do.Client) {
	t.Helper()
	ctx := context.Background()
	app := deployActive(t, srv, c, "live-ops")
	spec := liveSpec("live-ops")
	_, _, err := c.Apps.Update(ctx, app.ID, &do.AppUpdateRequest{Spec: spec})
	require.NoError(t, err)
	srv.Advance(3 * digitaloceantest.DefaultPhaseDuration)

	//lint:ignore SA1019 the deprecated tier operations are still served
	tiers, _, err := c.Apps.ListTiers(ctx)
	require.NoError(t, err)
	require.NotEmpty(t, tiers)
	//lint:ignore SA1019 the deprecated tier operations are still served
	tier, _, err := c.Apps.GetTier(ctx, tiers[0].Slug)
	require.NoError(t, err)
	assert.Equal(t, tiers[0], *tier)
	packs, _, err := c.Apps.ListBuildpacks(ctx)
	require.NoError(t, err)
	require.NotEmpty(t, packs)
	detected, _, err := c.Apps.Detect(ctx, &do.AppDetectRequest{GitHub: &do.AppGitHubSourceSpec{Repo: "acme/node-web", Branch: "main"}})
	require.NoError(t, err)
	require.Len(t, detected.Components, 1)
	upgraded, _, err := c.Apps.UpgradeBuildpack(ctx, app.ID, &do.AppUpgradeBuildpackRequest{BuildpackID: "digitalocean/node", TriggerDeployment: true})
	require.NoError(t, err)
	require.NotNil(t, upgraded.Deployment)
	details, _, err := c.Apps.GetDatabaseConnectionDetails(ctx, app.ID)
	require.NoError(t, err)
	require.Len(t, details, 1)
	_, _, err = c.Apps.ResetDatabasePassword(ctx, app.ID, "db")
	require.NoError(t, err)
	toggled, _, err := c.Apps.ToggleDatabaseTrustedSource(ctx, app.ID, "db", &do.AppDatabaseTrustedSourcesRequest{Enable: do.Ptr(true)})
	require.NoError(t, err)
	assert.True(t, toggled.IsEnabled)
}

// TestLiveTiers: the three legacy tiers; an unknown slug is 404, and
// instance_sizes is not taken for a tier slug (the concrete route wins).
func TestLiveTiers(t *testing.T) {
	srv := digitaloceantest.New(t)
	c := srv.Client()
	ctx := context.Background()
	//lint:ignore SA1019 the deprecated tier operations are still served
	tiers, _, err := c.Apps.ListTiers(ctx)
	require.NoError(t, err)
	var slugs []string
	for _, tr := range tiers {
		slugs = append(slugs, tr.Slug)
	}
	assert.Equal(t, []string{"starter", "basic", "professional"}, slugs)
	//lint:ignore SA1019 the deprecated tier operations are still served
	basic, _, err := c.Apps.GetTier(ctx, "basic")
	require.NoError(t, err)
	assert.Equal(t, "42949672960", basic.EgressBandwidthBytes)
	//lint:ignore SA1019 the deprecated tier operations are still served
	_, _, err = c.Apps.GetTier(ctx, "enterprise")
	assert.ErrorIs(t, err, do.ErrNotFound)
	sizes, _, err := c.Apps.ListInstanceSizes(ctx)
	require.NoError(t, err)
	assert.NotEmpty(t, sizes.InstanceSizes)
	ops := map[string]bool{}
	for _, r := range srv.Requests() {
		ops[r.Operation] = true
	}
	assert.True(t, ops["apps_list_instanceSizes"], "/v2/apps/tiers/instance_sizes is not a tier")
}

// TestLiveDetect: the detector reads the repository name; exactly one
// source is required, by the fake too.
func TestLiveDetect(t *testing.T) {
	srv := digitaloceantest.New(t)
	c := srv.Client()
	ctx := context.Background()
	for repo, want := range map[string]struct {
		strategy  do.AppDetectStrategy
		buildpack string
	}{
		"acme/go-api":       {do.AppDetectStrategyBuildpack, "digitalocean/go"},
		"acme/flask-shop":   {do.AppDetectStrategyBuildpack, "digitalocean/python"},
		"acme/sample-node":  {do.AppDetectStrategyBuildpack, "digitalocean/node"},
		"acme/docker-thing": {do.AppDetectStrategyDockerfile, ""},
		"acme/static-site":  {do.AppDetectStrategyHTML, ""},
	} {
		got, _, err := c.Apps.Detect(ctx, &do.AppDetectRequest{GitHub: &do.AppGitHubSourceSpec{Repo: repo, Branch: "main"}, SourceDir: "/api"})
		require.NoError(t, err, repo)
		assert.False(t, got.Pending, repo)
		require.Len(t, got.Components, 1, repo)
		comp := got.Components[0]
		assert.Equal(t, want.strategy, comp.Strategy, repo)
		assert.Equal(t, "/api", comp.SourceDir, repo)
		if want.buildpack == "" {
			assert.Empty(t, comp.Buildpacks, repo)
		} else {
			require.Len(t, comp.Buildpacks, 1, repo)
			assert.Equal(t, want.buildpack, comp.Buildpacks[0].ID, repo)
		}
	}
	status, body := rawPost(t, srv, "/v2/apps/detect", `{"github":{"repo":"a/b"},"gitlab":{"repo":"a/b"}}`)
	assert.Equal(t, http.StatusBadRequest, status)
	assert.Contains(t, body, "Exactly one source")
	status, _ = rawPost(t, srv, "/v2/apps/detect", `{"github":{"repo":"a/b"},"branch":"main"}`)
	assert.Equal(t, http.StatusBadRequest, status, "an unknown key is refused")
}

// TestLiveUpgradeBuildpack: the components built with the buildpack are
// affected (not the Dockerfile job, not the Go worker); a deployment starts
// only when asked.
func TestLiveUpgradeBuildpack(t *testing.T) {
	srv := digitaloceantest.New(t)
	c := srv.Client()
	ctx := context.Background()
	app, _, err := c.Apps.Create(ctx, &do.AppCreateRequest{Spec: liveSpec("upgrades")})
	require.NoError(t, err)
	srv.Advance(3 * digitaloceantest.DefaultPhaseDuration)

	quiet, _, err := c.Apps.UpgradeBuildpack(ctx, app.ID, &do.AppUpgradeBuildpackRequest{BuildpackID: "digitalocean/node", MajorVersion: 3})
	require.NoError(t, err)
	assert.Equal(t, []string{"web"}, quiet.AffectedComponents)
	assert.Nil(t, quiet.Deployment, "no deployment unless trigger_deployment")

	up, _, err := c.Apps.UpgradeBuildpack(ctx, app.ID, &do.AppUpgradeBuildpackRequest{BuildpackID: "digitalocean/go", TriggerDeployment: true})
	require.NoError(t, err)
	assert.Equal(t, []string{"queue"}, up.AffectedComponents)
	require.NotNil(t, up.Deployment)
	assert.Equal(t, do.DeploymentPhasePendingBuild, up.Deployment.Phase)
	deployments, _, err := c.Apps.ListDeployments(ctx, app.ID, nil)
	require.NoError(t, err)
	assert.Equal(t, up.Deployment.ID, deployments[0].ID)

	_, _, err = c.Apps.UpgradeBuildpack(ctx, app.ID, &do.AppUpgradeBuildpackRequest{BuildpackID: "digitalocean/cobol"})
	var apiErr *do.Error
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, http.StatusBadRequest, apiErr.StatusCode)
	_, _, err = c.Apps.UpgradeBuildpack(ctx, "no-such-app", &do.AppUpgradeBuildpackRequest{BuildpackID: "digitalocean/go"})
	assert.ErrorIs(t, err, do.ErrNotFound)
}

// TestLiveDatabaseOperations: connection details per database component,
// a password reset that changes the password and starts a deployment,
// trusted sources kept per component, and 404 for a component that is not
// a database of the app.
func TestLiveDatabaseOperations(t *testing.T) {
	srv := digitaloceantest.New(t)
	c := srv.Client()
	ctx := context.Background()
	spec := liveSpec("dbs")
	spec.Databases = append(spec.Databases, &do.AppDatabaseSpec{Name: "cache", Engine: do.AppDatabaseSpecEngineValkey, DBUser: "cacher"})
	app, _, err := c.Apps.Create(ctx, &do.AppCreateRequest{Spec: spec})
	require.NoError(t, err)
	srv.Advance(3 * digitaloceantest.DefaultPhaseDuration)

	details, _, err := c.Apps.GetDatabaseConnectionDetails(ctx, app.ID)
	require.NoError(t, err)
	require.Len(t, details, 2)
	assert.Equal(t, "db", details[0].ComponentName)
	assert.Equal(t, int64(25060), details[0].Port)
	assert.True(t, strings.HasPrefix(details[0].DatabaseURL, "postgresql://db:"+details[0].Password+"@"+details[0].Host), details[0].DatabaseURL)
	assert.Equal(t, "cache", details[1].ComponentName)
	assert.Equal(t, "cacher", details[1].Username)
	assert.True(t, strings.HasPrefix(details[1].DatabaseURL, "rediss://"), details[1].DatabaseURL)

	dep, _, err := c.Apps.ResetDatabasePassword(ctx, app.ID, "db")
	require.NoError(t, err)
	assert.Equal(t, do.DeploymentPhasePendingDeploy, dep.Phase)
	after, _, err := c.Apps.GetDatabaseConnectionDetails(ctx, app.ID)
	require.NoError(t, err)
	assert.NotEqual(t, details[0].Password, after[0].Password, "the reset changes the password")
	assert.Equal(t, details[1].Password, after[1].Password, "only of that component")
	_, _, err = c.Apps.ResetDatabasePassword(ctx, app.ID, "web")
	assert.ErrorIs(t, err, do.ErrNotFound, "web is not a database")

	on, _, err := c.Apps.ToggleDatabaseTrustedSource(ctx, app.ID, "db", &do.AppDatabaseTrustedSourcesRequest{Enable: do.Ptr(true)})
	require.NoError(t, err)
	assert.True(t, on.IsEnabled)
	deployments, _, err := c.Apps.ListDeployments(ctx, app.ID, &do.DeploymentListOptions{
		DeploymentTypes: []do.DeploymentType{do.DeploymentTypeUpdateDatabaseTrustedSources}})
	require.NoError(t, err)
	assert.Len(t, deployments, 1, "the change is deployed")
	events, _, err := c.Apps.ListEvents(ctx, app.ID, &do.EventListOptions{
		DeploymentTypes: []do.DeploymentType{do.DeploymentTypeUpdateDatabaseTrustedSources}})
	require.NoError(t, err)
	require.Len(t, events, 1, "deployment_types filters the events")
	assert.Equal(t, deployments[0].ID, events[0].Deployment.ID)
	again, _, err := c.Apps.ToggleDatabaseTrustedSource(ctx, app.ID, "db", &do.AppDatabaseTrustedSourcesRequest{Enable: do.Ptr(true)})
	require.NoError(t, err)
	assert.True(t, again.IsEnabled)
	deployments, _, err = c.Apps.ListDeployments(ctx, app.ID, &do.DeploymentListOptions{
		DeploymentTypes: []do.DeploymentType{do.DeploymentTypeUpdateDatabaseTrustedSources}})
	require.NoError(t, err)
	assert.Len(t, deployments, 1, "the same state again deploys nothing")

	// godo's spelling: {"Enable": false}.
	status, body := rawPost(t, srv, "/v2/apps/"+app.ID+"/components/db/trusted_sources", `{"Enable":false}`)
	require.Equal(t, http.StatusOK, status, body)
	assert.JSONEq(t, `{"is_enabled":false}`, body)
	status, _ = rawPost(t, srv, "/v2/apps/"+app.ID+"/components/db/trusted_sources", `{"Enable":true,"enable":false}`)
	assert.Equal(t, http.StatusBadRequest, status)
	status, _ = rawPost(t, srv, "/v2/apps/"+app.ID+"/components/db/trusted_sources", `{}`)
	assert.Equal(t, http.StatusBadRequest, status, "enable is required")
	cache, _, err := c.Apps.ToggleDatabaseTrustedSource(ctx, app.ID, "cache", &do.AppDatabaseTrustedSourcesRequest{Enable: do.Ptr(false)})
	require.NoError(t, err)
	assert.False(t, cache.IsEnabled)
	_, _, err = c.Apps.ToggleDatabaseTrustedSource(ctx, app.ID, "queue", &do.AppDatabaseTrustedSourcesRequest{Enable: do.Ptr(true)})
	assert.ErrorIs(t, err, do.ErrNotFound, "queue is not a database")

	sent := slices.IndexFunc(srv.Requests(), func(r digitaloceantest.Request) bool {
		return r.Operation == "apps_toggle_database_trusted_source" && bytes.Contains(r.Body, []byte(`"enable":true`))
	})
	assert.GreaterOrEqual(t, sent, 0, "the SDK sends enable in lower case")
}

// rawPost sends a JSON body with the fake's token and returns the status
// and the body.
func rawPost(t *testing.T, srv *digitaloceantest.Server, path, body string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, srv.URL()+path, strings.NewReader(body))
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+srv.Token())
	req.Header.Set("Content-Type", "application/json")
	resp, err := srv.HTTPClient().Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	out, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	if resp.StatusCode == http.StatusOK {
		require.True(t, json.Valid(out))
	}
	return resp.StatusCode, string(out)
}
