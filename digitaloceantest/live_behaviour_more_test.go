package digitaloceantest_test

import (
	"context"
	"testing"

	do "github.com/oceankit/digitalocean"
	"github.com/oceankit/digitalocean/digitaloceantest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// image.registry_credentials is encrypted on every component kind that
// takes an image (a.5), kept when sent back as ciphertext (a.3) and
// re-encrypted when sent again as plaintext (a.4), through the SDK.
func TestRegistryCredentialsOfEveryImageComponent(t *testing.T) {
	srv := digitaloceantest.New(t)
	c := srv.Client()
	ctx := context.Background()
	image := func(repo string) *do.AppImageSourceSpec {
		return &do.AppImageSourceSpec{RegistryType: do.AppImageSourceSpecRegistryTypeGHCR, Registry: "acme", Repository: repo, Tag: "1",
			RegistryCredentials: "acme:ghp_" + repo + "_plain"}
	}
	spec := func() *do.AppSpec {
		return &do.AppSpec{Name: "images",
			Services: []*do.AppServiceSpec{{Name: "api", Image: image("api")}},
			Workers:  []*do.AppWorkerSpec{{Name: "queue", Image: image("queue")}},
			Jobs:     []*do.AppJobSpec{{Name: "migrate", Kind: do.AppJobSpecKindPreDeploy, Image: image("migrate")}},
		}
	}
	creds := func(s *do.AppSpec) []string {
		return []string{s.Services[0].Image.RegistryCredentials, s.Workers[0].Image.RegistryCredentials, s.Jobs[0].Image.RegistryCredentials}
	}
	app, _, err := c.Apps.Create(ctx, &do.AppCreateRequest{Spec: spec()})
	require.NoError(t, err)
	first := creds(app.Spec)
	for i, v := range first {
		assert.Regexp(t, evPattern, v, "component %d", i)
	}
	assert.Equal(t, first, creds(mustGet(t, c, app.ID).Spec), "every later read")

	app, _, err = c.Apps.Update(ctx, app.ID, &do.AppUpdateRequest{Spec: app.Spec})
	require.NoError(t, err)
	assert.Equal(t, first, creds(app.Spec), "ciphertext sent back is kept")

	app, _, err = c.Apps.Update(ctx, app.ID, &do.AppUpdateRequest{Spec: spec()})
	require.NoError(t, err)
	for i, v := range creds(app.Spec) {
		assert.Regexp(t, evPattern, v)
		assert.NotEqual(t, first[i], v, "plaintext sent again gets a new ciphertext")
	}
}

// Every deployment object the fake hands out carries progress (a.25):
// pending_deployment of create and update, in_progress_deployment and
// active_deployment of the app, CreateDeployment, CancelDeployment (the
// canceled one keeps the steps it had) and the deployment of an event.
func TestEveryDeploymentObjectCarriesProgress(t *testing.T) {
	srv := digitaloceantest.New(t)
	c := srv.Client()
	ctx := context.Background()
	const phase = digitaloceantest.DefaultPhaseDuration

	app, _, err := c.Apps.Create(ctx, &do.AppCreateRequest{Spec: sampleSpec("every")})
	require.NoError(t, err)
	require.NotNil(t, app.PendingDeployment.Progress, "create's pending_deployment")
	srv.Advance(phase)
	got := mustGet(t, c, app.ID)
	require.NotNil(t, got.InProgressDeployment)
	require.NotNil(t, got.InProgressDeployment.Progress, "in_progress_deployment")
	assert.Equal(t, int32(1), got.InProgressDeployment.Progress.SuccessSteps)
	srv.Advance(3 * phase)

	app, _, err = c.Apps.Update(ctx, app.ID, &do.AppUpdateRequest{Spec: sampleSpec("every")})
	require.NoError(t, err)
	require.NotNil(t, app.PendingDeployment)
	require.NotNil(t, app.PendingDeployment.Progress, "update's pending_deployment")
	require.NotNil(t, app.ActiveDeployment)
	require.NotNil(t, app.ActiveDeployment.Progress, "active_deployment")
	assert.Equal(t, app.ActiveDeployment.Progress.TotalSteps, app.ActiveDeployment.Progress.SuccessSteps)

	srv.Advance(phase)
	canceled, _, err := c.Apps.CancelDeployment(ctx, app.ID, app.PendingDeployment.ID)
	require.NoError(t, err)
	assert.Equal(t, do.DeploymentPhaseCanceled, canceled.Phase)
	require.NotNil(t, canceled.Progress, "the canceled deployment")
	assert.Equal(t, int32(1), canceled.Progress.SuccessSteps, "a canceled deployment keeps the progress it had")

	created, _, err := c.Apps.CreateDeployment(ctx, app.ID, nil)
	require.NoError(t, err)
	require.NotNil(t, created.Progress, "CreateDeployment's answer")

	events, _, err := c.Apps.ListEvents(ctx, app.ID, nil)
	require.NoError(t, err)
	withDeployment := 0
	for _, e := range events {
		if e.Deployment != nil {
			withDeployment++
			assert.NotNil(t, e.Deployment.Progress, "event %s", e.ID)
		}
	}
	assert.Equal(t, 3, withDeployment, "one deployment event per deployment: create, update, CreateDeployment")
}

// Envs read back in another order than sent (fact 32): sorted by key, in
// the create answer, every read and the deployment's spec.
func TestEnvsReadBackSortedByKey(t *testing.T) {
	srv := digitaloceantest.New(t)
	c := srv.Client()
	ctx := context.Background()
	spec := sampleSpec("envs")
	spec.Envs = []*do.AppVariableDefinition{{Key: "ZONE", Value: "1"}, {Key: "APP", Value: "2"}, {Key: "MODE", Value: "3"}}
	spec.Workers[0].Envs = []*do.AppVariableDefinition{{Key: "B", Value: "1"}, {Key: "A", Value: "2"}}
	app, _, err := c.Apps.Create(ctx, &do.AppCreateRequest{Spec: spec})
	require.NoError(t, err)
	keys := func(envs []*do.AppVariableDefinition) []string {
		var out []string
		for _, e := range envs {
			out = append(out, e.Key)
		}
		return out
	}
	dep, _, err := c.Apps.GetDeployment(ctx, app.ID, app.PendingDeployment.ID)
	require.NoError(t, err)
	for _, s := range []*do.AppSpec{app.Spec, mustGet(t, c, app.ID).Spec, dep.Spec} {
		assert.Equal(t, []string{"APP", "MODE", "ZONE"}, keys(s.Envs))
		assert.Equal(t, []string{"A", "B"}, keys(s.Workers[0].Envs))
	}
	assert.Equal(t, "ZONE", spec.Envs[0].Key, "the caller's spec is not touched")
}
