package digitalocean

import (
	"context"
	"strings"
	"testing"
	"time"
)

// TestAppsArgumentValidation checks that invalid arguments fail with an
// *ArgumentError naming the argument, before any request is sent.
func TestAppsArgumentValidation(t *testing.T) {
	spec := &AppSpec{Name: "web"}
	blank := "  "
	tooMany := make([]string, maxBandwidthApps+1)
	for i := range tooMany {
		tooMany[i] = "a"
	}
	cases := []struct {
		name string
		arg  string // the ArgumentError.Name expected
		call func(ctx context.Context, s *AppsService) error
	}{
		{"List/per_page", "ListOptions.PerPage", func(ctx context.Context, s *AppsService) error {
			_, _, err := s.List(ctx, &AppListOptions{ListOptions: ListOptions{PerPage: 201}})
			return err
		}},
		{"Create/nil", "req", func(ctx context.Context, s *AppsService) error {
			_, _, err := s.Create(ctx, nil)
			return err
		}},
		{"Create/nil spec", "req.Spec", func(ctx context.Context, s *AppsService) error {
			_, _, err := s.Create(ctx, &AppCreateRequest{})
			return err
		}},
		{"Create/no name", "req.Spec.Name", func(ctx context.Context, s *AppsService) error {
			_, _, err := s.Create(ctx, &AppCreateRequest{Spec: &AppSpec{Region: "nyc"}})
			return err
		}},
		{"Get/empty", "appID", func(ctx context.Context, s *AppsService) error {
			_, _, err := s.Get(ctx, "")
			return err
		}},
		{"Get/blank", "appID", func(ctx context.Context, s *AppsService) error {
			_, _, err := s.Get(ctx, blank)
			return err
		}},
		{"GetByName", "name", func(ctx context.Context, s *AppsService) error {
			_, _, err := s.GetByName(ctx, "")
			return err
		}},
		{"Update/id", "appID", func(ctx context.Context, s *AppsService) error {
			_, _, err := s.Update(ctx, "", &AppUpdateRequest{Spec: spec})
			return err
		}},
		{"Update/nil", "req", func(ctx context.Context, s *AppsService) error {
			_, _, err := s.Update(ctx, "a", nil)
			return err
		}},
		{"Update/no name", "req.Spec.Name", func(ctx context.Context, s *AppsService) error {
			_, _, err := s.Update(ctx, "a", &AppUpdateRequest{Spec: &AppSpec{}})
			return err
		}},
		{"Delete", "appID", func(ctx context.Context, s *AppsService) error {
			_, err := s.Delete(ctx, "")
			return err
		}},
		{"Restart/id", "appID", func(ctx context.Context, s *AppsService) error {
			_, _, err := s.Restart(ctx, "", nil)
			return err
		}},
		{"Restart/component", "req.Components[1]", func(ctx context.Context, s *AppsService) error {
			_, _, err := s.Restart(ctx, "a", &AppRestartRequest{Components: []string{"web", ""}})
			return err
		}},
		{"Propose/nil", "req", func(ctx context.Context, s *AppsService) error {
			_, _, err := s.Propose(ctx, nil)
			return err
		}},
		{"Propose/no spec", "req.Spec", func(ctx context.Context, s *AppsService) error {
			_, _, err := s.Propose(ctx, &AppProposeRequest{AppID: "a"})
			return err
		}},
		{"GetAppInstances", "appID", func(ctx context.Context, s *AppsService) error {
			_, _, err := s.GetAppInstances(ctx, "")
			return err
		}},
		{"GetAppHealth", "appID", func(ctx context.Context, s *AppsService) error {
			_, _, err := s.GetAppHealth(ctx, "")
			return err
		}},
		{"ListDeployments/id", "appID", func(ctx context.Context, s *AppsService) error {
			_, _, err := s.ListDeployments(ctx, "", nil)
			return err
		}},
		{"ListDeployments/type", "DeploymentListOptions.DeploymentTypes", func(ctx context.Context, s *AppsService) error {
			_, _, err := s.ListDeployments(ctx, "a", &DeploymentListOptions{DeploymentTypes: []DeploymentType{"manual"}})
			return err
		}},
		{"ListDeployments/UNKNOWN not a filter", "DeploymentListOptions.DeploymentTypes", func(ctx context.Context, s *AppsService) error {
			_, _, err := s.ListDeployments(ctx, "a", &DeploymentListOptions{DeploymentTypes: []DeploymentType{DeploymentTypeUnknown}})
			return err
		}},
		{"ListDeployments/page", "ListOptions.Page", func(ctx context.Context, s *AppsService) error {
			_, _, err := s.ListDeployments(ctx, "a", &DeploymentListOptions{ListOptions: ListOptions{Page: -1}})
			return err
		}},
		{"CreateDeployment", "appID", func(ctx context.Context, s *AppsService) error {
			_, _, err := s.CreateDeployment(ctx, "", nil)
			return err
		}},
		{"GetDeployment/app", "appID", func(ctx context.Context, s *AppsService) error {
			_, _, err := s.GetDeployment(ctx, "", "d")
			return err
		}},
		{"GetDeployment/deployment", "deploymentID", func(ctx context.Context, s *AppsService) error {
			_, _, err := s.GetDeployment(ctx, "a", "")
			return err
		}},
		{"CancelDeployment", "deploymentID", func(ctx context.Context, s *AppsService) error {
			_, _, err := s.CancelDeployment(ctx, "a", blank)
			return err
		}},
		{"GetLogs/app", "appID", func(ctx context.Context, s *AppsService) error {
			_, _, err := s.GetLogs(ctx, "", &LogsOptions{Type: AppLogTypeRun})
			return err
		}},
		{"GetLogs/nil", "LogsOptions.Type", func(ctx context.Context, s *AppsService) error {
			_, _, err := s.GetLogs(ctx, "a", nil)
			return err
		}},
		{"GetLogs/no type", "LogsOptions.Type", func(ctx context.Context, s *AppsService) error {
			_, _, err := s.GetLogs(ctx, "a", &LogsOptions{Component: "web"})
			return err
		}},
		{"GetLogs/bad type", "LogsOptions.Type", func(ctx context.Context, s *AppsService) error {
			_, _, err := s.GetLogs(ctx, "a", &LogsOptions{Type: "run"})
			return err
		}},
		{"GetLogs/job type", "LogsOptions.Type", func(ctx context.Context, s *AppsService) error {
			_, _, err := s.GetLogs(ctx, "a", &LogsOptions{Type: AppLogTypeJobInvocation})
			return err
		}},
		{"GetLogs/blank deployment", "LogsOptions.DeploymentID", func(ctx context.Context, s *AppsService) error {
			_, _, err := s.GetLogs(ctx, "a", &LogsOptions{Type: AppLogTypeRun, DeploymentID: blank})
			return err
		}},
		{"GetLogs/blank component", "LogsOptions.Component", func(ctx context.Context, s *AppsService) error {
			_, _, err := s.GetLogs(ctx, "a", &LogsOptions{Type: AppLogTypeRun, Component: blank})
			return err
		}},
		{"GetLogs/negative timeout", "LogsOptions.PodConnectionTimeout", func(ctx context.Context, s *AppsService) error {
			_, _, err := s.GetLogs(ctx, "a", &LogsOptions{Type: AppLogTypeRun, PodConnectionTimeout: -time.Second})
			return err
		}},
		{"GetExec/nil", "ExecOptions.Component", func(ctx context.Context, s *AppsService) error {
			_, _, err := s.GetExec(ctx, "a", nil)
			return err
		}},
		{"GetExec/no component", "ExecOptions.Component", func(ctx context.Context, s *AppsService) error {
			_, _, err := s.GetExec(ctx, "a", &ExecOptions{DeploymentID: "d"})
			return err
		}},
		{"GetExec/app", "appID", func(ctx context.Context, s *AppsService) error {
			_, _, err := s.GetExec(ctx, "", &ExecOptions{Component: "web"})
			return err
		}},
		{"ListJobInvocations/app", "appID", func(ctx context.Context, s *AppsService) error {
			_, _, err := s.ListJobInvocations(ctx, "", nil)
			return err
		}},
		{"ListJobInvocations/job name", "JobInvocationListOptions.JobNames[0]", func(ctx context.Context, s *AppsService) error {
			_, _, err := s.ListJobInvocations(ctx, "a", &JobInvocationListOptions{JobNames: []string{""}})
			return err
		}},
		{"GetJobInvocation", "invocationID", func(ctx context.Context, s *AppsService) error {
			_, _, err := s.GetJobInvocation(ctx, "a", "", nil)
			return err
		}},
		{"CancelJobInvocation", "appID", func(ctx context.Context, s *AppsService) error {
			_, _, err := s.CancelJobInvocation(ctx, "", "j", nil)
			return err
		}},
		{"GetJobInvocationLogs/nil", "JobInvocationLogsOptions.JobName", func(ctx context.Context, s *AppsService) error {
			_, _, err := s.GetJobInvocationLogs(ctx, "a", "j", nil)
			return err
		}},
		{"GetJobInvocationLogs/job", "JobInvocationLogsOptions.JobName", func(ctx context.Context, s *AppsService) error {
			_, _, err := s.GetJobInvocationLogs(ctx, "a", "j", &JobInvocationLogsOptions{JobName: blank, TailLines: 10})
			return err
		}},
		{"GetJobInvocationLogs/app", "appID", func(ctx context.Context, s *AppsService) error {
			_, _, err := s.GetJobInvocationLogs(ctx, "", "j", &JobInvocationLogsOptions{JobName: "job"})
			return err
		}},
		{"GetJobInvocationLogs/invocation", "invocationID", func(ctx context.Context, s *AppsService) error {
			_, _, err := s.GetJobInvocationLogs(ctx, "a", "", &JobInvocationLogsOptions{JobName: "job"})
			return err
		}},
		{"GetJobInvocationLogs/tail", "JobInvocationLogsOptions.TailLines", func(ctx context.Context, s *AppsService) error {
			_, _, err := s.GetJobInvocationLogs(ctx, "a", "j", &JobInvocationLogsOptions{JobName: "job", TailLines: -2})
			return err
		}},
		{"ListEvents/type", "EventListOptions.EventTypes", func(ctx context.Context, s *AppsService) error {
			_, _, err := s.ListEvents(ctx, "a", &EventListOptions{EventTypes: []AppEventType{"deploy"}})
			return err
		}},
		{"ListEvents/app", "appID", func(ctx context.Context, s *AppsService) error {
			_, _, err := s.ListEvents(ctx, "", nil)
			return err
		}},
		{"GetEvent", "eventID", func(ctx context.Context, s *AppsService) error {
			_, _, err := s.GetEvent(ctx, "a", "")
			return err
		}},
		{"CancelEvent", "appID", func(ctx context.Context, s *AppsService) error {
			_, _, err := s.CancelEvent(ctx, "", "e")
			return err
		}},
		{"GetEventLogs/id", "eventID", func(ctx context.Context, s *AppsService) error {
			_, _, err := s.GetEventLogs(ctx, "a", "", nil)
			return err
		}},
		{"GetEventLogs/type", "EventLogsOptions.Type", func(ctx context.Context, s *AppsService) error {
			_, _, err := s.GetEventLogs(ctx, "a", "e", &EventLogsOptions{Type: "BOGUS"})
			return err
		}},
		{"GetInstanceSize", "slug", func(ctx context.Context, s *AppsService) error {
			_, _, err := s.GetInstanceSize(ctx, "")
			return err
		}},
		{"ListAlerts", "appID", func(ctx context.Context, s *AppsService) error {
			_, _, err := s.ListAlerts(ctx, "")
			return err
		}},
		{"UpdateAlertDestinations/alert", "alertID", func(ctx context.Context, s *AppsService) error {
			_, _, err := s.UpdateAlertDestinations(ctx, "a", "", &AlertDestinationsUpdateRequest{})
			return err
		}},
		{"UpdateAlertDestinations/nil", "req", func(ctx context.Context, s *AppsService) error {
			_, _, err := s.UpdateAlertDestinations(ctx, "a", "b", nil)
			return err
		}},
		{"UpdateAlertDestinations/email", "req.Emails[0]", func(ctx context.Context, s *AppsService) error {
			_, _, err := s.UpdateAlertDestinations(ctx, "a", "b", &AlertDestinationsUpdateRequest{Emails: []string{""}})
			return err
		}},
		{"UpdateAlertDestinations/nil webhook", "req.SlackWebhooks", func(ctx context.Context, s *AppsService) error {
			_, _, err := s.UpdateAlertDestinations(ctx, "a", "b", &AlertDestinationsUpdateRequest{SlackWebhooks: []*AppAlertSlackWebhook{nil}})
			return err
		}},
		{"CreateRollback/nil", "req", func(ctx context.Context, s *AppsService) error {
			_, _, err := s.CreateRollback(ctx, "a", nil)
			return err
		}},
		{"CreateRollback/deployment", "req.DeploymentID", func(ctx context.Context, s *AppsService) error {
			_, _, err := s.CreateRollback(ctx, "a", &AppRollbackRequest{SkipPin: true})
			return err
		}},
		{"ValidateRollback/app", "appID", func(ctx context.Context, s *AppsService) error {
			_, _, err := s.ValidateRollback(ctx, "", &AppRollbackRequest{DeploymentID: "d"})
			return err
		}},
		{"CommitRollback", "appID", func(ctx context.Context, s *AppsService) error {
			_, err := s.CommitRollback(ctx, "")
			return err
		}},
		{"RevertRollback", "appID", func(ctx context.Context, s *AppsService) error {
			_, _, err := s.RevertRollback(ctx, "")
			return err
		}},
		{"GetBandwidthDaily", "appID", func(ctx context.Context, s *AppsService) error {
			_, _, err := s.GetBandwidthDaily(ctx, "", nil)
			return err
		}},
		{"ListBandwidthDaily/nil", "req", func(ctx context.Context, s *AppsService) error {
			_, _, err := s.ListBandwidthDaily(ctx, nil)
			return err
		}},
		{"ListBandwidthDaily/none", "req.AppIDs", func(ctx context.Context, s *AppsService) error {
			_, _, err := s.ListBandwidthDaily(ctx, &AppMetricsBandwidthUsageRequest{})
			return err
		}},
		{"ListBandwidthDaily/too many", "req.AppIDs", func(ctx context.Context, s *AppsService) error {
			_, _, err := s.ListBandwidthDaily(ctx, &AppMetricsBandwidthUsageRequest{AppIDs: tooMany})
			return err
		}},
		{"ListBandwidthDaily/blank", "req.AppIDs[1]", func(ctx context.Context, s *AppsService) error {
			_, _, err := s.ListBandwidthDaily(ctx, &AppMetricsBandwidthUsageRequest{AppIDs: []string{"a", ""}})
			return err
		}},
		{"WaitForDeployment", "deploymentID", func(ctx context.Context, s *AppsService) error {
			_, err := s.WaitForDeployment(ctx, "a", "", nil)
			return err
		}},
		{"WaitForAppDeployment/nil", "app", func(ctx context.Context, s *AppsService) error {
			_, err := s.WaitForAppDeployment(ctx, nil, nil)
			return err
		}},
		{"WaitForAppDeployment/no id", "app.ID", func(ctx context.Context, s *AppsService) error {
			_, err := s.WaitForAppDeployment(ctx, &App{PendingDeployment: &Deployment{ID: "d"}}, nil)
			return err
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c, fake := newAppsClient(t, []byte(`{}`))
			err := tc.call(context.Background(), c.Apps)
			assertArgumentError(t, err, tc.arg, fake)
		})
	}
}

// TestAppsEnumErrorListsValues checks that an enum error names the allowed
// values, so the caller can fix the call without the docs.
func TestAppsEnumErrorListsValues(t *testing.T) {
	c, _ := newAppsClient(t, []byte(`{}`))
	_, _, err := c.Apps.GetLogs(context.Background(), "a", &LogsOptions{Type: "run"})
	for _, v := range []string{"BUILD", "DEPLOY", "RUN", "RUN_RESTARTED", "AUTOSCALE_EVENT", `"run"`} {
		if !strings.Contains(err.Error(), v) {
			t.Errorf("error %q does not mention %s", err, v)
		}
	}
}
