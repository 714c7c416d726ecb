package digitaloceantest_test

import (
	"context"
	"testing"
	"time"

	do "github.com/oceankit/digitalocean"
	"github.com/oceankit/digitalocean/digitaloceantest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestDeploymentCauses: every operation that starts a deployment records
// one with its cause (type and user action) and the fake's time as
// created_at, and the list is newest first: what the SDK reads back to
// resolve an unknown outcome (docs/retries.md, "Recovery").
func TestDeploymentCauses(t *testing.T) {
	start := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	srv := digitaloceantest.New(t, digitaloceantest.WithClock(digitaloceantest.NewManualClock(start)))
	c := srv.Client(do.WithRetry(do.RetryPolicy{}))
	ctx := context.Background()
	app, _, err := c.Apps.Create(ctx, &do.AppCreateRequest{Spec: liveSpec("causes")})
	require.NoError(t, err)
	first := app.PendingDeployment.ID
	srv.Advance(3 * digitaloceantest.DefaultPhaseDuration)

	type cause struct {
		typ    do.DeploymentType
		action do.DeploymentCauseDetailsDigitalOceanUserActionName
		at     time.Time
	}
	var want []cause
	step := func(typ do.DeploymentType, action do.DeploymentCauseDetailsDigitalOceanUserActionName, run func() error) {
		t.Helper()
		srv.Advance(time.Minute)
		at := srv.Now()
		require.NoError(t, run(), "%s %s", typ, action)
		want = append(want, cause{typ, action, at})
	}
	step(do.DeploymentTypeManual, do.DeploymentCauseDetailsDigitalOceanUserActionNameCreateDeployment, func() error {
		_, _, err := c.Apps.CreateDeployment(ctx, app.ID, nil)
		return err
	})
	step(do.DeploymentTypeManual, do.DeploymentCauseDetailsDigitalOceanUserActionNameUpdateSpec, func() error {
		_, _, err := c.Apps.Update(ctx, app.ID, &do.AppUpdateRequest{Spec: liveSpec("causes")})
		return err
	})
	srv.Advance(3 * digitaloceantest.DefaultPhaseDuration) // active, so that it can be restarted and rolled back from
	step(do.DeploymentTypeManual, do.DeploymentCauseDetailsDigitalOceanUserActionNameRestart, func() error {
		_, _, err := c.Apps.Restart(ctx, app.ID, nil)
		return err
	})
	step(do.DeploymentTypeManual, do.DeploymentCauseDetailsDigitalOceanUserActionNameUpgradeBuildpack, func() error {
		_, _, err := c.Apps.UpgradeBuildpack(ctx, app.ID, &do.AppUpgradeBuildpackRequest{BuildpackID: "digitalocean/go", TriggerDeployment: true})
		return err
	})
	step(do.DeploymentTypeManual, do.DeploymentCauseDetailsDigitalOceanUserActionNameResetDatabasePassword, func() error {
		_, _, err := c.Apps.ResetDatabasePassword(ctx, app.ID, "db")
		return err
	})
	step(do.DeploymentTypeUpdateDatabaseTrustedSources, do.DeploymentCauseDetailsDigitalOceanUserActionNameCreateDeployment, func() error {
		_, _, err := c.Apps.ToggleDatabaseTrustedSource(ctx, app.ID, "db", &do.AppDatabaseTrustedSourcesRequest{Enable: do.Ptr(true)})
		return err
	})
	srv.Advance(3 * digitaloceantest.DefaultPhaseDuration)
	step(do.DeploymentTypeManualRollback, do.DeploymentCauseDetailsDigitalOceanUserActionNameRollbackApp, func() error {
		_, _, err := c.Apps.CreateRollback(ctx, app.ID, &do.AppRollbackRequest{DeploymentID: first})
		return err
	})
	step(do.DeploymentTypeManualRollback, do.DeploymentCauseDetailsDigitalOceanUserActionNameRevertAppRollback, func() error {
		_, _, err := c.Apps.RevertRollback(ctx, app.ID)
		return err
	})
	var pushed string
	step(do.DeploymentTypeDeployOnPush, "", func() error {
		pushed, err = srv.DeployOnPush(app.ID)
		return err
	})

	list, _, err := c.Apps.ListDeployments(ctx, app.ID, &do.DeploymentListOptions{ListOptions: do.ListOptions{PerPage: 50}})
	require.NoError(t, err)
	require.Len(t, list, len(want)+1, "one deployment per operation, and the create's")
	assert.Equal(t, first, list[len(list)-1].ID, "the first deployment is listed last")
	assert.Equal(t, pushed, list[0].ID, "the newest is listed first")
	for i, w := range want {
		d := list[len(want)-1-i] // newest first
		require.NotNil(t, d.CauseDetails, "%d", i)
		assert.Equal(t, w.typ, d.CauseDetails.Type, "%d", i)
		assert.Equal(t, w.at, d.CreatedAt, "%d: created_at is the fake's time", i)
		if w.action == "" {
			assert.Nil(t, d.CauseDetails.DigitalOceanUserAction, "a push is no user action")
			require.NotNil(t, d.CauseDetails.GitPush)
			assert.NotEmpty(t, d.CauseDetails.GitPush.CommitSHA)
			continue
		}
		require.NotNil(t, d.CauseDetails.DigitalOceanUserAction, "%d", i)
		assert.Equal(t, w.action, d.CauseDetails.DigitalOceanUserAction.Name, "%d", i)
	}
	assert.Equal(t, first, list[len(want)-7].ClonedFrom, "the rollback names its target")

	_, err = srv.DeployOnPush("no-such-app")
	assert.Error(t, err)
	_, _, err = c.Apps.CreateRollback(ctx, app.ID, &do.AppRollbackRequest{DeploymentID: first})
	require.NoError(t, err)
	_, err = srv.DeployOnPush(app.ID)
	assert.Error(t, err, "a pinned app takes no push")
}

// TestDeployByPlatform: a deployment the platform starts (maintenance, an
// automatic rollback) is listed with its type, internal, and neither a user
// action nor push details; other causes are refused, as is a pinned app.
func TestDeployByPlatform(t *testing.T) {
	srv := digitaloceantest.New(t)
	c := srv.Client(do.WithRetry(do.RetryPolicy{}))
	ctx := context.Background()
	app, _, err := c.Apps.Create(ctx, &do.AppCreateRequest{Spec: liveSpec("platform")})
	require.NoError(t, err)
	first := app.PendingDeployment.ID
	srv.Advance(3 * digitaloceantest.DefaultPhaseDuration)
	for _, cause := range []do.DeploymentType{do.DeploymentTypeMaintenance, do.DeploymentTypeAutoRollback} {
		srv.Advance(time.Minute)
		id, err := srv.DeployByPlatform(app.ID, cause)
		require.NoError(t, err, cause)
		d, _, err := c.Apps.GetDeployment(ctx, app.ID, id)
		require.NoError(t, err, cause)
		require.NotNil(t, d.CauseDetails, cause)
		assert.Equal(t, cause, d.CauseDetails.Type)
		assert.True(t, d.CauseDetails.Internal, cause)
		assert.Nil(t, d.CauseDetails.DigitalOceanUserAction, cause)
		assert.Nil(t, d.CauseDetails.GitPush, cause)
		assert.Equal(t, srv.Now(), d.CreatedAt, cause)
		assert.Equal(t, app.Spec.Name, d.Spec.Name, cause)
	}
	list, _, err := c.Apps.ListDeployments(ctx, app.ID, nil)
	require.NoError(t, err)
	require.Len(t, list, 3)
	assert.Equal(t, do.DeploymentTypeAutoRollback, list[0].CauseDetails.Type, "newest first")

	for _, cause := range []do.DeploymentType{do.DeploymentTypeManual, do.DeploymentTypeDeployOnPush, do.DeploymentTypeAutoscaled, ""} {
		_, err = srv.DeployByPlatform(app.ID, cause)
		assert.Error(t, err, cause)
	}
	_, err = srv.DeployByPlatform("no-such-app", do.DeploymentTypeMaintenance)
	assert.Error(t, err)
	srv.Advance(3 * digitaloceantest.DefaultPhaseDuration)
	_, _, err = c.Apps.CreateRollback(ctx, app.ID, &do.AppRollbackRequest{DeploymentID: first})
	require.NoError(t, err)
	_, err = srv.DeployByPlatform(app.ID, do.DeploymentTypeMaintenance)
	assert.Error(t, err, "a pinned app takes no new deployment")
}
