package digitaloceantest_test

import (
	"context"
	"slices"
	"testing"
	"time"

	do "github.com/oceankit/digitalocean"
	"github.com/oceankit/digitalocean/digitaloceantest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// sampleSpec is an app with a service, a worker, a pre-deploy job, a
// scheduled job and alerts.
func sampleSpec(name string) *do.AppSpec {
	return &do.AppSpec{
		Name:   name,
		Region: do.AppRegionSlugNYC,
		Services: []*do.AppServiceSpec{{
			Name:             "web",
			GitHub:           &do.AppGitHubSourceSpec{Repo: "digitalocean/sample-golang", Branch: "main"},
			InstanceCount:    2,
			InstanceSizeSlug: do.InstanceSizeSlugAppsS1VCPU0_5GB,
			Alerts: []*do.AppAlertSpec{{Rule: do.AppAlertSpecRuleCPUUtilization, Operator: do.AppAlertSpecOperatorGreaterThan,
				Value: 80, Window: do.AppAlertSpecWindowFiveMinutes}},
		}},
		Workers: []*do.AppWorkerSpec{{Name: "queue", GitHub: &do.AppGitHubSourceSpec{Repo: "digitalocean/sample-golang", Branch: "main"}}},
		Jobs: []*do.AppJobSpec{
			{Name: "migrate", Kind: do.AppJobSpecKindPreDeploy, GitHub: &do.AppGitHubSourceSpec{Repo: "digitalocean/sample-golang", Branch: "main"}},
			{Name: "report", Kind: do.AppJobSpecKindScheduled, Schedule: &do.AppJobSpecSchedule{Cron: "0 0 * * *", TimeZone: "UTC"},
				GitHub: &do.AppGitHubSourceSpec{Repo: "digitalocean/sample-golang", Branch: "main"}},
		},
		Alerts: []*do.AppAlertSpec{{Rule: do.AppAlertSpecRuleDeploymentFailed}},
	}
}

// deployActive creates an app and advances the fake until its first
// deployment is ACTIVE.
func deployActive(t *testing.T, srv *digitaloceantest.Server, c *do.Client, name string) *do.App {
	t.Helper()
	ctx := context.Background()
	app, _, err := c.Apps.Create(ctx, &do.AppCreateRequest{Spec: sampleSpec(name)})
	require.NoError(t, err)
	srv.Advance(3 * digitaloceantest.DefaultPhaseDuration)
	app, _, err = c.Apps.Get(ctx, app.ID)
	require.NoError(t, err)
	require.NotNil(t, app.ActiveDeployment)
	require.Equal(t, do.DeploymentPhaseActive, app.ActiveDeployment.Phase)
	return app
}

// TestEveryOperation drives all 51 operations (43 of the spec, 8 of the
// live-API overlay) through the SDK and checks that each answered with
// success and sensible content.
func TestEveryOperation(t *testing.T) {
	srv := digitaloceantest.New(t)
	c := srv.Client()
	ctx := context.Background()
	const phase = digitaloceantest.DefaultPhaseDuration

	// Account, actions, 1-Clicks.
	acct, _, err := c.Account.Get(ctx)
	require.NoError(t, err)
	assert.Equal(t, "sammy@digitalocean.com", acct.Email)
	actions, resp, err := c.Actions.List(ctx, nil)
	require.NoError(t, err)
	assert.Len(t, actions, 3)
	assert.Equal(t, 3, resp.Meta.Total)
	action, _, err := c.Actions.Get(ctx, actions[0].ID)
	require.NoError(t, err)
	assert.Equal(t, actions[0].ID, action.ID)
	clicks, _, err := c.OneClicks.List(ctx, do.OneClickTypeKubernetes)
	require.NoError(t, err)
	assert.Contains(t, clicks, do.OneClick{Slug: "monitoring", Type: "kubernetes"})
	installed, _, err := c.OneClicks.InstallKubernetes(ctx, &do.InstallKubernetesRequest{AddonSlugs: []string{"monitoring"}, ClusterUUID: "50a994b6-c303-438f-9495-7e896cfe6b08"})
	require.NoError(t, err)
	assert.Equal(t, "Successfully kicked off addon job.", installed.Message)

	// Catalog.
	sizes, _, err := c.Apps.ListInstanceSizes(ctx)
	require.NoError(t, err)
	assert.NotEmpty(t, sizes.InstanceSizes)
	size, _, err := c.Apps.GetInstanceSize(ctx, "apps-s-1vcpu-1gb")
	require.NoError(t, err)
	assert.Equal(t, "12.00", size.USDPerMonth)
	regions, _, err := c.Apps.ListRegions(ctx)
	require.NoError(t, err)
	assert.Contains(t, slices.Collect(func(yield func(string) bool) {
		for _, r := range regions {
			yield(r.Slug)
		}
	}), "nyc")

	// Propose, create, read, list.
	proposal, _, err := c.Apps.Propose(ctx, &do.AppProposeRequest{Spec: sampleSpec("shop")})
	require.NoError(t, err)
	assert.True(t, proposal.AppNameAvailable)
	assert.Equal(t, float64(5*5), proposal.AppCost, "two web instances, a worker and two jobs of $5")
	app := deployActive(t, srv, c, "shop")
	byName, _, err := c.Apps.GetByName(ctx, "shop")
	require.NoError(t, err)
	assert.Equal(t, app.ID, byName.ID)
	apps, _, err := c.Apps.List(ctx, &do.AppListOptions{WithProjects: true})
	require.NoError(t, err)
	require.Len(t, apps, 1)
	assert.NotEmpty(t, apps[0].ProjectID)
	active := app.ActiveDeployment

	// Instances, health, exec.
	instances, _, err := c.Apps.GetAppInstances(ctx, app.ID)
	require.NoError(t, err)
	assert.Len(t, instances, 3, "two web instances and one worker")
	health, _, err := c.Apps.GetAppHealth(ctx, app.ID)
	require.NoError(t, err)
	require.Len(t, health.Components, 2)
	assert.Equal(t, do.AppComponentHealthStateHealthy, health.Components[0].State)
	exec, _, err := c.Apps.GetExec(ctx, app.ID, &do.ExecOptions{Component: "web"})
	require.NoError(t, err)
	assert.Regexp(t, `^ws://.*token=`, exec.URL)
	exec, _, err = c.Apps.GetExec(ctx, app.ID, &do.ExecOptions{Component: "web", DeploymentID: active.ID, InstanceName: instances[1].InstanceName})
	require.NoError(t, err)
	assert.Contains(t, exec.URL, instances[1].InstanceName)

	// Logs: the four deployment operations.
	for _, opts := range []*do.LogsOptions{
		{Type: do.AppLogTypeRun},
		{Type: do.AppLogTypeRun, Component: "web"},
		{Type: do.AppLogTypeBuild, DeploymentID: active.ID},
		{Type: do.AppLogTypeDeploy, DeploymentID: active.ID, Component: "web"},
	} {
		logs, _, err := c.Apps.GetLogs(ctx, app.ID, opts)
		require.NoError(t, err)
		assert.NotEmpty(t, logs.LiveURL, "the active deployment's logs are live")
	}

	// Job invocations: the pre-deploy job ran; a scheduled one runs now.
	invocations, _, err := c.Apps.ListJobInvocations(ctx, app.ID, nil)
	require.NoError(t, err)
	require.Len(t, invocations, 1)
	assert.Equal(t, "migrate", invocations[0].JobName)
	assert.Equal(t, do.JobInvocationPhaseSucceeded, invocations[0].Phase)
	invID, err := srv.InvokeJob(app.ID, "report", false)
	require.NoError(t, err)
	inv, _, err := c.Apps.GetJobInvocation(ctx, app.ID, invID, &do.JobInvocationOptions{JobName: "report"})
	require.NoError(t, err)
	assert.Equal(t, do.JobInvocationPhasePending, inv.Phase)
	assert.Equal(t, do.JobInvocationTriggerTypeSchedule, inv.Trigger.Type)
	jobLogs, _, err := c.Apps.GetJobInvocationLogs(ctx, app.ID, invocations[0].ID, &do.JobInvocationLogsOptions{JobName: "migrate"})
	require.NoError(t, err)
	require.Len(t, jobLogs.HistoricURLs, 1, "a finished job's logs are archived")
	canceledInv, _, err := c.Apps.CancelJobInvocation(ctx, app.ID, invID, nil)
	require.NoError(t, err)
	assert.Equal(t, do.JobInvocationPhaseCanceled, canceledInv.Phase)

	// Events: deployments and autoscaling.
	eventID, err := srv.TriggerAutoscale(app.ID, "web", 2, 4)
	require.NoError(t, err)
	events, _, err := c.Apps.ListEvents(ctx, app.ID, nil)
	require.NoError(t, err)
	require.Len(t, events, 2)
	assert.Equal(t, do.AppEventTypeAutoscaling, events[0].Type, "newest first")
	event, _, err := c.Apps.GetEvent(ctx, app.ID, eventID)
	require.NoError(t, err)
	assert.Equal(t, int64(4), event.Autoscaling.Components["web"].To)
	srv.Advance(phase) // the event starts scaling and logs it
	eventLogs, _, err := c.Apps.GetEventLogs(ctx, app.ID, eventID, nil)
	require.NoError(t, err)
	assert.NotEmpty(t, eventLogs.LiveURL)
	canceledEvent, _, err := c.Apps.CancelEvent(ctx, app.ID, eventID)
	require.NoError(t, err)
	assert.Equal(t, do.AppEventAutoscalingPhaseCanceled, canceledEvent.Autoscaling.Phase)

	// Alerts.
	alerts, _, err := c.Apps.ListAlerts(ctx, app.ID)
	require.NoError(t, err)
	require.Len(t, alerts, 2, "the app's DEPLOYMENT_FAILED and web's CPU_UTILIZATION")
	alert, _, err := c.Apps.UpdateAlertDestinations(ctx, app.ID, alerts[0].ID, &do.AlertDestinationsUpdateRequest{
		Emails: []string{"sammy@digitalocean.com"}, SlackWebhooks: []*do.AppAlertSlackWebhook{{URL: "https://hooks.slack.com/services/T0/B0/X", Channel: "ops"}}})
	require.NoError(t, err)
	assert.Equal(t, []string{"sammy@digitalocean.com"}, alert.Emails)

	// Metrics.
	day := time.Date(2023, 1, 17, 0, 0, 0, 0, time.UTC)
	one, _, err := c.Apps.GetBandwidthDaily(ctx, app.ID, &do.BandwidthDailyOptions{Date: day})
	require.NoError(t, err)
	require.Len(t, one.AppBandwidthUsage, 1)
	assert.True(t, one.Date.Equal(day))
	many, _, err := c.Apps.ListBandwidthDaily(ctx, &do.AppMetricsBandwidthUsageRequest{AppIDs: []string{app.ID}, Date: day})
	require.NoError(t, err)
	assert.Equal(t, one.AppBandwidthUsage[0].BandwidthBytes, many.AppBandwidthUsage[0].BandwidthBytes)

	// Deployments: create, read, cancel, restart, update.
	dep, _, err := c.Apps.CreateDeployment(ctx, app.ID, &do.DeploymentCreateRequest{ForceBuild: true})
	require.NoError(t, err)
	assert.Equal(t, do.DeploymentPhasePendingBuild, dep.Phase)
	got, _, err := c.Apps.GetDeployment(ctx, app.ID, dep.ID)
	require.NoError(t, err)
	assert.Equal(t, dep.ID, got.ID)
	canceled, _, err := c.Apps.CancelDeployment(ctx, app.ID, dep.ID)
	require.NoError(t, err)
	assert.Equal(t, do.DeploymentPhaseCanceled, canceled.Phase)
	restart, _, err := c.Apps.Restart(ctx, app.ID, &do.AppRestartRequest{Components: []string{"web"}})
	require.NoError(t, err)
	assert.Equal(t, do.DeploymentPhasePendingDeploy, restart.Phase, "a restart does not build")
	spec := sampleSpec("shop")
	spec.Services[0].InstanceCount = 3
	updated, _, err := c.Apps.Update(ctx, app.ID, &do.AppUpdateRequest{Spec: spec})
	require.NoError(t, err)
	require.NotNil(t, updated.PendingDeployment)
	srv.Advance(3 * phase)
	deployments, _, err := c.Apps.ListDeployments(ctx, app.ID, nil)
	require.NoError(t, err)
	require.Len(t, deployments, 4)
	assert.Equal(t, do.DeploymentPhaseActive, deployments[0].Phase)
	assert.Equal(t, do.DeploymentPhaseSuperseded, deployments[1].Phase, "the restart was superseded by the update")

	// Rollback to the first deployment: validate, roll back, revert, then
	// roll back again and commit.
	check, _, err := c.Apps.ValidateRollback(ctx, app.ID, &do.AppRollbackRequest{DeploymentID: active.ID})
	require.NoError(t, err)
	assert.True(t, check.Valid)
	rb, _, err := c.Apps.CreateRollback(ctx, app.ID, &do.AppRollbackRequest{DeploymentID: active.ID})
	require.NoError(t, err)
	assert.Equal(t, active.ID, rb.ClonedFrom)
	reverted, _, err := c.Apps.RevertRollback(ctx, app.ID)
	require.NoError(t, err)
	assert.NotEqual(t, rb.ID, reverted.ID)
	srv.Advance(3 * phase)
	_, _, err = c.Apps.CreateRollback(ctx, app.ID, &do.AppRollbackRequest{DeploymentID: active.ID})
	require.NoError(t, err)
	_, err = c.Apps.CommitRollback(ctx, app.ID)
	require.NoError(t, err)

	// The live-API operations (testdata/live-api-overlay.yaml).
	liveAPIOperations(t, srv, c)

	// Delete.
	_, err = c.Apps.Delete(ctx, app.ID)
	require.NoError(t, err)

	// Every operation was answered with success at least once.
	succeeded := map[string]bool{}
	for _, r := range srv.Requests() {
		if r.Status >= 200 && r.Status < 300 {
			succeeded[r.Operation] = true
		}
	}
	assert.Len(t, succeeded, 51)
	for _, op := range digitaloceantest.Operations() {
		assert.True(t, succeeded[op], "operation %s was not exercised", op)
	}
	assert.Zero(t, srv.LogRequestsWithAuth())
}

func TestActionsCompleteOverTime(t *testing.T) {
	srv := digitaloceantest.New(t)
	c := srv.Client()
	ctx := context.Background()
	added := srv.AddAction("reboot", "droplet", 42, true)

	actions, _, err := c.Actions.List(ctx, &do.ListOptions{PerPage: 2})
	require.NoError(t, err)
	require.Len(t, actions, 2)
	assert.Equal(t, added.ID, actions[0].ID, "newest first")
	assert.Equal(t, do.ActionStatusInProgress, actions[0].Status)
	assert.Equal(t, do.ActionStatusInProgress, actions[1].Status, "the seeded snapshot is still running")

	srv.Advance(digitaloceantest.DefaultPhaseDuration)
	got, _, err := c.Actions.Get(ctx, added.ID)
	require.NoError(t, err)
	assert.Equal(t, do.ActionStatusErrored, got.Status)
	assert.Equal(t, added.StartedAt.Add(digitaloceantest.DefaultPhaseDuration), got.CompletedAt)
	seeded, _, err := c.Actions.Get(ctx, actions[1].ID)
	require.NoError(t, err)
	assert.Equal(t, do.ActionStatusCompleted, seeded.Status)

	_, _, err = c.Actions.Get(ctx, 1)
	assert.ErrorIs(t, err, do.ErrNotFound)
	empty := digitaloceantest.New(t, digitaloceantest.WithoutSeedData())
	none, resp, err := empty.Client().Actions.List(ctx, nil)
	require.NoError(t, err)
	assert.Empty(t, none)
	assert.Equal(t, 0, resp.Meta.Total)
}
