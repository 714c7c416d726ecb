package digitalocean

import (
	"context"
	"encoding/json"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// IDs with characters that would change a path's shape unless escaped.
const (
	tAppID   = "app/1?x"
	tDepID   = "dep 2#"
	tOtherID = "id/3;%"
)

// appsOpCase is one call of an Apps operation against the in-memory API.
type appsOpCase struct {
	name string
	// op is the spec operationId: its method and path template are the
	// expectation, params fill the template.
	op     string
	params map[string]string
	call   func(ctx context.Context, s *AppsService) (any, error)
	// response is the body served; nil serves the spec's 200 example, the
	// one named example if set.
	response []byte
	example  string
	query    url.Values
	// body is the JSON the request must carry; "" means no body.
	body  string
	check func(t *testing.T, example []byte, got any)
}

// appsJSONAt reads a value out of a JSON document by keys and indexes.
func appsJSONAt(t *testing.T, raw []byte, path ...any) any {
	t.Helper()
	var v any
	require.NoError(t, json.Unmarshal(raw, &v))
	for _, p := range path {
		switch k := p.(type) {
		case string:
			m, ok := v.(map[string]any)
			require.True(t, ok, "%v: not an object at %q", path, k)
			v = m[k]
		case int:
			a, ok := v.([]any)
			require.True(t, ok, "%v: not an array at %d", path, k)
			require.Greater(t, len(a), k)
			v = a[k]
		}
	}
	return v
}

func appsJSONLen(t *testing.T, raw []byte, path ...any) int {
	t.Helper()
	a, ok := appsJSONAt(t, raw, path...).([]any)
	require.True(t, ok, "%v is not an array", path)
	return len(a)
}

// appsExpandPath fills a spec path template with escaped parameters.
func appsExpandPath(t *testing.T, template string, params map[string]string) string {
	t.Helper()
	return regexp.MustCompile(`\{[^}]+\}`).ReplaceAllStringFunc(template, func(m string) string {
		v, ok := params[m[1:len(m)-1]]
		require.True(t, ok, "no value for %s", m)
		return url.PathEscape(v)
	})
}

var (
	appParam    = map[string]string{"app_id": tAppID}
	appIDParam  = map[string]string{"id": tAppID}
	appDepParam = map[string]string{"app_id": tAppID, "deployment_id": tDepID}
)

func appsOperationCases() []appsOpCase {
	spec := &AppSpec{Name: "web-app", Region: "nyc"}
	return []appsOpCase{
		{
			name: "List", op: "apps_list",
			call: func(ctx context.Context, s *AppsService) (any, error) {
				v, _, err := s.List(ctx, &AppListOptions{ListOptions: ListOptions{Page: 2, PerPage: 5}, WithProjects: true})
				return v, err
			},
			query: url.Values{"page": {"2"}, "per_page": {"5"}, "with_projects": {"true"}},
			check: func(t *testing.T, ex []byte, got any) {
				apps := got.([]App)
				require.Len(t, apps, appsJSONLen(t, ex, "apps"))
				assert.Equal(t, appsJSONAt(t, ex, "apps", 0, "id"), apps[0].ID)
				assert.Equal(t, appsJSONAt(t, ex, "apps", 0, "spec", "name"), apps[0].Spec.Name)
			},
		},
		{
			name: "Create", op: "apps_create",
			call: func(ctx context.Context, s *AppsService) (any, error) {
				v, _, err := s.Create(ctx, &AppCreateRequest{Spec: spec, ProjectID: "p1"})
				return v, err
			},
			body:  `{"spec":{"name":"web-app","region":"nyc"},"project_id":"p1"}`,
			check: appsCheckApp,
		},
		{
			name: "Get", op: "apps_get", params: appIDParam,
			call: func(ctx context.Context, s *AppsService) (any, error) {
				v, _, err := s.Get(ctx, tAppID)
				return v, err
			},
			check: appsCheckApp,
		},
		{
			name: "GetByName", op: "apps_get", params: map[string]string{"id": ""},
			call: func(ctx context.Context, s *AppsService) (any, error) {
				v, _, err := s.GetByName(ctx, "my app&x=1")
				return v, err
			},
			query: url.Values{"name": {"my app&x=1"}},
			check: appsCheckApp,
		},
		{
			name: "Update", op: "apps_update", params: appIDParam,
			call: func(ctx context.Context, s *AppsService) (any, error) {
				v, _, err := s.Update(ctx, tAppID, &AppUpdateRequest{Spec: spec, UpdateAllSourceVersions: true})
				return v, err
			},
			body:  `{"spec":{"name":"web-app","region":"nyc"},"update_all_source_versions":true}`,
			check: appsCheckApp,
		},
		{
			name: "Delete", op: "apps_delete", params: appIDParam,
			call: func(ctx context.Context, s *AppsService) (any, error) {
				_, err := s.Delete(ctx, tAppID)
				return nil, err
			},
		},
		{
			name: "Restart", op: "apps_restart", params: appParam,
			call: func(ctx context.Context, s *AppsService) (any, error) {
				v, _, err := s.Restart(ctx, tAppID, &AppRestartRequest{Components: []string{"web", "worker"}})
				return v, err
			},
			body:  `{"components":["web","worker"]}`,
			check: appsCheckDeployment,
		},
		{
			name: "Restart/all", op: "apps_restart", params: appParam,
			call: func(ctx context.Context, s *AppsService) (any, error) {
				v, _, err := s.Restart(ctx, tAppID, nil)
				return v, err
			},
			body:  `{}`,
			check: appsCheckDeployment,
		},
		{
			name: "Propose", op: "apps_validate_appSpec",
			call: func(ctx context.Context, s *AppsService) (any, error) {
				v, _, err := s.Propose(ctx, &AppProposeRequest{Spec: spec, AppID: "a1"})
				return v, err
			},
			body: `{"spec":{"name":"web-app","region":"nyc"},"app_id":"a1"}`,
			check: func(t *testing.T, ex []byte, got any) {
				p := got.(*AppProposeResponse)
				assert.Equal(t, appsJSONAt(t, ex, "app_name_available"), p.AppNameAvailable)
				assert.Equal(t, appsJSONAt(t, ex, "max_free_static_apps"), p.MaxFreeStaticApps)
				assert.EqualValues(t, appsJSONAt(t, ex, "app_cost"), p.AppCost)
				assert.Equal(t, appsJSONAt(t, ex, "spec", "name"), p.Spec.Name)
			},
		},
		{
			name: "GetAppInstances", op: "apps_get_instances", params: appParam,
			call: func(ctx context.Context, s *AppsService) (any, error) {
				v, _, err := s.GetAppInstances(ctx, tAppID)
				return v, err
			},
			check: func(t *testing.T, ex []byte, got any) {
				inst := got.([]AppInstance)
				require.Len(t, inst, appsJSONLen(t, ex, "instances"))
				assert.Equal(t, appsJSONAt(t, ex, "instances", 3, "instance_name"), inst[3].InstanceName)
				assert.EqualValues(t, appsJSONAt(t, ex, "instances", 0, "component_type"), inst[0].ComponentType)
			},
		},
		{
			name: "GetAppHealth", op: "apps_get_health", params: appParam,
			call: func(ctx context.Context, s *AppsService) (any, error) {
				v, _, err := s.GetAppHealth(ctx, tAppID)
				return v, err
			},
			// The example omits the app_health envelope of the schema; the
			// bare form is covered in TestAppsGetAppHealthForms.
			check: func(t *testing.T, ex []byte, got any) {
				h := got.(*AppHealth)
				require.Len(t, h.Components, 1)
				assert.Equal(t, appsJSONAt(t, ex, "components", 0, "name"), h.Components[0].Name)
				assert.Equal(t, appsJSONAt(t, ex, "components", 0, "cpu_usage_percent"), h.Components[0].CPUUsagePercent)
				assert.EqualValues(t, appsJSONAt(t, ex, "components", 0, "state"), h.Components[0].State)
			},
		},
		{
			name: "ListDeployments", op: "apps_list_deployments", params: appParam,
			call: func(ctx context.Context, s *AppsService) (any, error) {
				v, _, err := s.ListDeployments(ctx, tAppID, &DeploymentListOptions{
					ListOptions:     ListOptions{Page: 3},
					DeploymentTypes: []DeploymentType{DeploymentTypeManual, DeploymentTypeAutoscaled},
				})
				return v, err
			},
			// form style, explode=true: one deployment_types per value.
			query: url.Values{"page": {"3"}, "deployment_types": {"MANUAL", "AUTOSCALED"}},
			check: func(t *testing.T, ex []byte, got any) {
				deps := got.([]Deployment)
				require.Len(t, deps, appsJSONLen(t, ex, "deployments"))
				assert.Equal(t, appsJSONAt(t, ex, "deployments", 0, "id"), deps[0].ID)
				assert.EqualValues(t, appsJSONAt(t, ex, "deployments", 0, "phase"), deps[0].Phase)
			},
		},
		{
			name: "CreateDeployment", op: "apps_create_deployment", params: appParam,
			call: func(ctx context.Context, s *AppsService) (any, error) {
				v, _, err := s.CreateDeployment(ctx, tAppID, &DeploymentCreateRequest{ForceBuild: true})
				return v, err
			},
			body:  `{"force_build":true}`,
			check: appsCheckDeployment,
		},
		{
			name: "CreateDeployment/nil", op: "apps_create_deployment", params: appParam,
			call: func(ctx context.Context, s *AppsService) (any, error) {
				v, _, err := s.CreateDeployment(ctx, tAppID, nil)
				return v, err
			},
			body:  `{}`,
			check: appsCheckDeployment,
		},
		{
			name: "GetDeployment", op: "apps_get_deployment", params: appDepParam,
			call: func(ctx context.Context, s *AppsService) (any, error) {
				v, _, err := s.GetDeployment(ctx, tAppID, tDepID)
				return v, err
			},
			check: appsCheckDeployment,
		},
		{
			name: "CancelDeployment", op: "apps_cancel_deployment", params: appDepParam,
			call: func(ctx context.Context, s *AppsService) (any, error) {
				v, _, err := s.CancelDeployment(ctx, tAppID, tDepID)
				return v, err
			},
			check: appsCheckDeployment,
		},
		{
			name: "GetLogs/deployment+component", op: "apps_get_logs",
			params: map[string]string{"app_id": tAppID, "deployment_id": tDepID, "component_name": "web/x"},
			call: func(ctx context.Context, s *AppsService) (any, error) {
				v, _, err := s.GetLogs(ctx, tAppID, &LogsOptions{DeploymentID: tDepID, Component: "web/x", Type: AppLogTypeBuild, Follow: true, PodConnectionTimeout: 3 * time.Minute})
				return v, err
			},
			query: url.Values{"type": {"BUILD"}, "follow": {"true"}, "pod_connection_timeout": {"3m"}},
			check: appsCheckLogs,
		},
		{
			name: "GetLogs/deployment", op: "apps_get_logs_aggregate", params: appDepParam,
			call: func(ctx context.Context, s *AppsService) (any, error) {
				v, _, err := s.GetLogs(ctx, tAppID, &LogsOptions{DeploymentID: tDepID, Type: AppLogTypeDeploy})
				return v, err
			},
			query: url.Values{"type": {"DEPLOY"}},
			check: appsCheckLogs,
		},
		{
			name: "GetLogs/component", op: "apps_get_logs_active_deployment",
			params: map[string]string{"app_id": tAppID, "component_name": "web"},
			call: func(ctx context.Context, s *AppsService) (any, error) {
				v, _, err := s.GetLogs(ctx, tAppID, &LogsOptions{Component: "web", Type: AppLogTypeRunRestarted, PodConnectionTimeout: 90 * time.Second})
				return v, err
			},
			query: url.Values{"type": {"RUN_RESTARTED"}, "pod_connection_timeout": {"1m30s"}},
			check: appsCheckLogs,
		},
		{
			name: "GetLogs/active", op: "apps_get_logs_active_deployment_aggregate", params: appParam,
			call: func(ctx context.Context, s *AppsService) (any, error) {
				v, _, err := s.GetLogs(ctx, tAppID, &LogsOptions{Type: AppLogTypeRun, Follow: true})
				return v, err
			},
			query: url.Values{"type": {"RUN"}, "follow": {"true"}},
			check: appsCheckLogs,
		},
		{
			name: "GetExec/deployment", op: "apps_get_exec",
			params: map[string]string{"app_id": tAppID, "deployment_id": tDepID, "component_name": "web"},
			call: func(ctx context.Context, s *AppsService) (any, error) {
				v, _, err := s.GetExec(ctx, tAppID, &ExecOptions{DeploymentID: tDepID, Component: "web", InstanceName: "web-0"})
				return v, err
			},
			query: url.Values{"instance_name": {"web-0"}},
			check: appsCheckExec,
		},
		{
			name: "GetExec/active", op: "apps_get_exec_active_deployment",
			params: map[string]string{"app_id": tAppID, "component_name": "web?1"},
			call: func(ctx context.Context, s *AppsService) (any, error) {
				v, _, err := s.GetExec(ctx, tAppID, &ExecOptions{Component: "web?1"})
				return v, err
			},
			check: appsCheckExec,
		},
		{
			name: "ListJobInvocations", op: "apps_list_job_invocations", params: appParam,
			call: func(ctx context.Context, s *AppsService) (any, error) {
				v, _, err := s.ListJobInvocations(ctx, tAppID, &JobInvocationListOptions{
					ListOptions: ListOptions{PerPage: 10}, JobNames: []string{"migrate", "report"}, DeploymentID: "d1",
				})
				return v, err
			},
			query: url.Values{"per_page": {"10"}, "job_names": {"migrate", "report"}, "deployment_id": {"d1"}},
			check: func(t *testing.T, ex []byte, got any) {
				invs := got.([]JobInvocation)
				require.Len(t, invs, appsJSONLen(t, ex, "job_invocations"))
				assert.Equal(t, appsJSONAt(t, ex, "job_invocations", 0, "id"), invs[0].ID)
				assert.Equal(t, appsJSONAt(t, ex, "job_invocations", 0, "job_name"), invs[0].JobName)
				assert.EqualValues(t, appsJSONAt(t, ex, "job_invocations", 0, "phase"), invs[0].Phase)
				assert.Equal(t, "2025-09-11T11:04:40Z", invs[0].CompletedAt.Format(time.RFC3339))
			},
		},
		{
			name: "GetJobInvocation", op: "apps_get_job_invocation",
			params:   map[string]string{"app_id": tAppID, "job_invocation_id": tOtherID},
			response: appsJobInvocationBody,
			call: func(ctx context.Context, s *AppsService) (any, error) {
				v, _, err := s.GetJobInvocation(ctx, tAppID, tOtherID, &JobInvocationOptions{JobName: "migrate"})
				return v, err
			},
			query: url.Values{"job_name": {"migrate"}},
			check: appsCheckJobInvocation,
		},
		{
			name: "CancelJobInvocation", op: "apps_cancel_job_invocation",
			params:   map[string]string{"app_id": tAppID, "job_invocation_id": tOtherID},
			response: appsJobInvocationBody,
			call: func(ctx context.Context, s *AppsService) (any, error) {
				v, _, err := s.CancelJobInvocation(ctx, tAppID, tOtherID, nil)
				return v, err
			},
			check: appsCheckJobInvocation,
		},
		{
			name: "GetJobInvocationLogs", op: "apps_get_job_invocation_logs",
			params: map[string]string{"app_id": tAppID, "job_name": "mi/grate", "job_invocation_id": tOtherID},
			call: func(ctx context.Context, s *AppsService) (any, error) {
				v, _, err := s.GetJobInvocationLogs(ctx, tAppID, tOtherID, &JobInvocationLogsOptions{
					JobName: "mi/grate", DeploymentID: "d1", Follow: true, PodConnectionTimeout: time.Hour, TailLines: 100,
				})
				return v, err
			},
			query: url.Values{"type": {"JOB_INVOCATION"}, "deployment_id": {"d1"}, "follow": {"true"}, "pod_connection_timeout": {"1h"}, "tail_lines": {"100"}},
			check: appsCheckLogs,
		},
		{
			name: "GetJobInvocationLogs/job name only", op: "apps_get_job_invocation_logs",
			params: map[string]string{"app_id": tAppID, "job_name": "migrate", "job_invocation_id": tOtherID},
			call: func(ctx context.Context, s *AppsService) (any, error) {
				v, _, err := s.GetJobInvocationLogs(ctx, tAppID, tOtherID, &JobInvocationLogsOptions{JobName: "migrate"})
				return v, err
			},
			query: url.Values{"type": {"JOB_INVOCATION"}},
			check: appsCheckLogs,
		},
		{
			name: "ListEvents", op: "apps_list_events", params: appParam,
			response: []byte(`{"events":[` + appsEventJSON + `],"links":{"pages":{"next":"https://api.digitalocean.com/v2/apps/x/events?page=2"}}}`),
			call: func(ctx context.Context, s *AppsService) (any, error) {
				v, resp, err := s.ListEvents(ctx, tAppID, &EventListOptions{EventTypes: []AppEventType{AppEventTypeDeployment, AppEventTypeAutoscaling}})
				if err == nil {
					if next, ok := resp.NextPage(); !ok || next != 2 {
						return nil, assert.AnError
					}
				}
				return v, err
			},
			query: url.Values{"event_types": {"DEPLOYMENT", "AUTOSCALING"}},
			check: func(t *testing.T, _ []byte, got any) {
				events := got.([]AppEvent)
				require.Len(t, events, 1)
				appsCheckEvent(t, nil, &events[0])
			},
		},
		{
			name: "GetEvent", op: "apps_get_event",
			params:   map[string]string{"app_id": tAppID, "event_id": tOtherID},
			response: []byte(`{"event":` + appsEventJSON + `}`),
			call: func(ctx context.Context, s *AppsService) (any, error) {
				v, _, err := s.GetEvent(ctx, tAppID, tOtherID)
				return v, err
			},
			check: appsCheckEvent,
		},
		{
			name: "CancelEvent", op: "apps_cancel_event",
			params:   map[string]string{"app_id": tAppID, "event_id": tOtherID},
			response: []byte(`{"event":` + appsEventJSON + `}`),
			call: func(ctx context.Context, s *AppsService) (any, error) {
				v, _, err := s.CancelEvent(ctx, tAppID, tOtherID)
				return v, err
			},
			check: appsCheckEvent,
		},
		{
			name: "GetEventLogs", op: "apps_get_event_logs",
			params: map[string]string{"app_id": tAppID, "event_id": tOtherID},
			call: func(ctx context.Context, s *AppsService) (any, error) {
				v, _, err := s.GetEventLogs(ctx, tAppID, tOtherID, &EventLogsOptions{Follow: true, PodConnectionTimeout: 2 * time.Second})
				return v, err
			},
			query: url.Values{"type": {"AUTOSCALE_EVENT"}, "follow": {"true"}, "pod_connection_timeout": {"2s"}},
			check: appsCheckLogs,
		},
		{
			name: "GetEventLogs/type", op: "apps_get_event_logs",
			params: map[string]string{"app_id": tAppID, "event_id": tOtherID},
			call: func(ctx context.Context, s *AppsService) (any, error) {
				v, _, err := s.GetEventLogs(ctx, tAppID, tOtherID, &EventLogsOptions{Type: AppLogTypeDeploy})
				return v, err
			},
			query: url.Values{"type": {"DEPLOY"}},
			check: appsCheckLogs,
		},
		{
			name: "ListInstanceSizes", op: "apps_list_instanceSizes",
			call: func(ctx context.Context, s *AppsService) (any, error) {
				v, _, err := s.ListInstanceSizes(ctx)
				return v, err
			},
			check: func(t *testing.T, ex []byte, got any) {
				r := got.(*AppInstanceSizesResponse)
				require.Len(t, r.InstanceSizes, appsJSONLen(t, ex, "instance_sizes"))
				assert.Equal(t, appsJSONAt(t, ex, "instance_sizes", 1, "slug"), r.InstanceSizes[1].Slug)
				assert.Equal(t, appsJSONAt(t, ex, "instance_sizes", 1, "usd_per_month"), r.InstanceSizes[1].USDPerMonth)
			},
		},
		{
			name: "GetInstanceSize", op: "apps_get_instanceSize", params: map[string]string{"slug": "apps-s/1"},
			call: func(ctx context.Context, s *AppsService) (any, error) {
				v, _, err := s.GetInstanceSize(ctx, "apps-s/1")
				return v, err
			},
			check: func(t *testing.T, ex []byte, got any) {
				size := got.(*AppInstanceSize)
				assert.Equal(t, appsJSONAt(t, ex, "instance_size", "slug"), size.Slug)
				assert.Equal(t, appsJSONAt(t, ex, "instance_size", "memory_bytes"), size.MemoryBytes)
				assert.Equal(t, appsJSONAt(t, ex, "instance_size", "single_instance_only"), size.SingleInstanceOnly)
			},
		},
		{
			name: "ListRegions", op: "apps_list_regions",
			call: func(ctx context.Context, s *AppsService) (any, error) {
				v, _, err := s.ListRegions(ctx)
				return v, err
			},
			check: func(t *testing.T, ex []byte, got any) {
				regions := got.([]AppRegion)
				require.Len(t, regions, appsJSONLen(t, ex, "regions"))
				assert.Equal(t, appsJSONAt(t, ex, "regions", 1, "slug"), regions[1].Slug)
				assert.True(t, regions[1].Default)
				assert.Equal(t, []string{"nyc1", "nyc3"}, regions[1].DataCenters)
			},
		},
		{
			name: "ListAlerts", op: "apps_list_alerts", params: appParam,
			call: func(ctx context.Context, s *AppsService) (any, error) {
				v, _, err := s.ListAlerts(ctx, tAppID)
				return v, err
			},
			check: func(t *testing.T, ex []byte, got any) {
				alerts := got.([]AppAlert)
				require.Len(t, alerts, appsJSONLen(t, ex, "alerts"))
				assert.Equal(t, appsJSONAt(t, ex, "alerts", 1, "id"), alerts[1].ID)
				assert.EqualValues(t, appsJSONAt(t, ex, "alerts", 1, "spec", "rule"), alerts[1].Spec.Rule)
			},
		},
		{
			name: "UpdateAlertDestinations", op: "apps_assign_alertDestinations",
			params: map[string]string{"app_id": tAppID, "alert_id": tOtherID},
			call: func(ctx context.Context, s *AppsService) (any, error) {
				v, _, err := s.UpdateAlertDestinations(ctx, tAppID, tOtherID, &AlertDestinationsUpdateRequest{
					Emails:        []string{"sammy@digitalocean.com"},
					SlackWebhooks: []*AppAlertSlackWebhook{{URL: "https://hooks.slack.com/x", Channel: "ops"}},
				})
				return v, err
			},
			body: `{"emails":["sammy@digitalocean.com"],"slack_webhooks":[{"url":"https://hooks.slack.com/x","channel":"ops"}]}`,
			check: func(t *testing.T, ex []byte, got any) {
				a := got.(*AppAlert)
				assert.Equal(t, appsJSONAt(t, ex, "alert", "id"), a.ID)
				assert.Equal(t, []string{"sammy@digitalocean.com"}, a.Emails)
			},
		},
		{
			name: "CreateRollback", op: "apps_create_rollback", params: appParam,
			call: func(ctx context.Context, s *AppsService) (any, error) {
				v, _, err := s.CreateRollback(ctx, tAppID, &AppRollbackRequest{DeploymentID: "d0", SkipPin: true})
				return v, err
			},
			body:  `{"deployment_id":"d0","skip_pin":true}`,
			check: appsCheckDeployment,
		},
		{
			name: "ValidateRollback", op: "apps_validate_rollback", params: appParam,
			example: "Invalid rollback",
			call: func(ctx context.Context, s *AppsService) (any, error) {
				v, _, err := s.ValidateRollback(ctx, tAppID, &AppRollbackRequest{DeploymentID: "d0"})
				return v, err
			},
			body: `{"deployment_id":"d0"}`,
			check: func(t *testing.T, ex []byte, got any) {
				r := got.(*AppRollbackValidateResponse)
				assert.False(t, r.Valid)
				require.NotNil(t, r.Error)
				assert.EqualValues(t, appsJSONAt(t, ex, "error", "code"), r.Error.Code)
				assert.Equal(t, appsJSONAt(t, ex, "error", "message"), r.Error.Message)
			},
		},
		{
			name: "CommitRollback", op: "apps_commit_rollback", params: appParam,
			response: []byte{},
			call: func(ctx context.Context, s *AppsService) (any, error) {
				_, err := s.CommitRollback(ctx, tAppID)
				return nil, err
			},
		},
		{
			name: "RevertRollback", op: "apps_revert_rollback", params: appParam,
			call: func(ctx context.Context, s *AppsService) (any, error) {
				v, _, err := s.RevertRollback(ctx, tAppID)
				return v, err
			},
			check: appsCheckDeployment,
		},
		{
			name: "GetBandwidthDaily", op: "apps_get_metrics_bandwidth_daily", params: appParam,
			call: func(ctx context.Context, s *AppsService) (any, error) {
				day := time.Date(2023, 1, 17, 5, 0, 0, 0, time.FixedZone("X", 3600))
				v, _, err := s.GetBandwidthDaily(ctx, tAppID, &BandwidthDailyOptions{Date: day})
				return v, err
			},
			query: url.Values{"date": {"2023-01-17T04:00:00Z"}},
			check: appsCheckBandwidth,
		},
		{
			name: "ListBandwidthDaily", op: "apps_list_metrics_bandwidth_daily",
			call: func(ctx context.Context, s *AppsService) (any, error) {
				v, _, err := s.ListBandwidthDaily(ctx, &AppMetricsBandwidthUsageRequest{
					AppIDs: []string{"a1", "a2"}, Date: time.Date(2023, 1, 17, 0, 0, 0, 0, time.UTC),
				})
				return v, err
			},
			body:  `{"app_ids":["a1","a2"],"date":"2023-01-17T00:00:00Z"}`,
			check: appsCheckBandwidth,
		},
	}
}

// TestAppsOperations sends every Apps operation once and checks method,
// path (against the spec's template, with escaped IDs), query, body and
// the decoding of the spec's example response.
func TestAppsOperations(t *testing.T) {
	seen := map[string]bool{}
	for _, tc := range appsOperationCases() {
		seen[tc.op] = true
		t.Run(tc.name, func(t *testing.T) {
			body := tc.response
			switch {
			case tc.example != "":
				body = specExamples(t, tc.op, "200")[tc.example]
				require.NotNil(t, body, "example %q", tc.example)
			case body == nil:
				body = specExample(t, tc.op, "200")
			}
			c, fake := newAppsClient(t, body)
			named := recordOperations(c)
			got, err := tc.call(withoutRecovery(context.Background()), c.Apps) // one request: no read before a deployment
			require.NoError(t, err)
			req := fake.only(t)
			assert.Equal(t, []string{tc.op}, *named, "the operation the call names, which decides retries")

			method, template, _ := appsSpecOperation(t, tc.op)
			assert.Equal(t, method, req.Method)
			assert.Equal(t, appsExpandPath(t, template, tc.params), req.Path)
			wantQuery := tc.query
			if wantQuery == nil {
				wantQuery = url.Values{}
			}
			assert.Equal(t, wantQuery, req.Query)
			if tc.body == "" {
				assert.Empty(t, req.Body, "request body")
			} else {
				assertJSONBody(t, tc.body, req.Body)
			}
			if tc.check != nil {
				tc.check(t, body, got)
			}
		})
	}
	// Every operation tagged Apps in the spec has a case.
	for _, op := range appsSpecOperationIDs(t, "Apps") {
		assert.True(t, seen[op], "no test case for %s", op)
	}
	assert.Len(t, appsSpecOperationIDs(t, "Apps"), 38)
}

// appsSpecOperationIDs lists the operationIds with tag.
func appsSpecOperationIDs(t *testing.T, tag string) []string {
	t.Helper()
	var ids []string
	paths := appsYAMLChild(appsSpec(t), "paths")
	for i := 1; i < len(paths.Content); i += 2 {
		item := paths.Content[i]
		for j := 1; j < len(item.Content); j += 2 {
			op := item.Content[j]
			tags := appsYAMLChild(op, "tags")
			if tags == nil {
				continue
			}
			for _, tg := range tags.Content {
				if tg.Value == tag {
					ids = append(ids, appsYAMLChild(op, "operationId").Value)
				}
			}
		}
	}
	return ids
}

func appsCheckApp(t *testing.T, ex []byte, got any) {
	t.Helper()
	app := got.(*App)
	assert.Equal(t, appsJSONAt(t, ex, "app", "id"), app.ID)
	assert.Equal(t, appsJSONAt(t, ex, "app", "spec", "name"), app.Spec.Name)
	assert.Equal(t, appsJSONAt(t, ex, "app", "default_ingress"), app.DefaultIngress)
}

func appsCheckDeployment(t *testing.T, ex []byte, got any) {
	t.Helper()
	d := got.(*Deployment)
	assert.Equal(t, appsJSONAt(t, ex, "deployment", "id"), d.ID)
	assert.EqualValues(t, appsJSONAt(t, ex, "deployment", "phase"), d.Phase)
	require.NotNil(t, d.Progress)
	assert.EqualValues(t, appsJSONAt(t, ex, "deployment", "progress", "total_steps"), d.Progress.TotalSteps)
	// The example's step tree is three levels deep.
	require.NotEmpty(t, d.Progress.Steps)
	require.NotEmpty(t, d.Progress.Steps[0].Steps)
	assert.Equal(t, appsJSONAt(t, ex, "deployment", "progress", "steps", 0, "steps", 1, "name"), d.Progress.Steps[0].Steps[1].Name)
}

func appsCheckLogs(t *testing.T, ex []byte, got any) {
	t.Helper()
	logs := got.(*AppLogs)
	assert.Equal(t, appsJSONAt(t, ex, "live_url"), logs.LiveURL)
}

func appsCheckExec(t *testing.T, ex []byte, got any) {
	t.Helper()
	assert.Equal(t, appsJSONAt(t, ex, "url"), got.(*AppExec).URL)
}

func appsCheckBandwidth(t *testing.T, ex []byte, got any) {
	t.Helper()
	m := got.(*AppMetricsBandwidthUsage)
	require.Len(t, m.AppBandwidthUsage, appsJSONLen(t, ex, "app_bandwidth_usage"))
	assert.Equal(t, appsJSONAt(t, ex, "app_bandwidth_usage", 0, "bandwidth_bytes"), m.AppBandwidthUsage[0].BandwidthBytes)
	assert.Equal(t, appsJSONAt(t, ex, "date"), m.Date.Format(time.RFC3339))
}

// appsEventJSON is an app_event built from the property examples of the spec
// (its event operations have no response example).
const appsEventJSON = `{"id":"4f6c71e2-1e90-4762-9fee-6cc4a0a9f2cf","type":"AUTOSCALING",
	"created_at":"2025-01-01T00:00:00Z","deployment_id":"3aa4d20e-5527-4c00-b496-601fbd22520a",
	"autoscaling":{"phase":"SUCCEEDED","components":{"web":{"from":1,"to":2,"triggering_metric":"CPU"}}}}`

func appsCheckEvent(t *testing.T, _ []byte, got any) {
	t.Helper()
	e := got.(*AppEvent)
	assert.Equal(t, "4f6c71e2-1e90-4762-9fee-6cc4a0a9f2cf", e.ID)
	assert.Equal(t, AppEventTypeAutoscaling, e.Type)
	assert.Equal(t, "3aa4d20e-5527-4c00-b496-601fbd22520a", e.DeploymentID)
	require.NotNil(t, e.Autoscaling)
	assert.EqualValues(t, "SUCCEEDED", e.Autoscaling.Phase)
}

// appsJobInvocationBody is the spec's get_job_invocation example with the
// errata applied: the schema makes job_invocation, trigger and
// trigger.scheduled objects where the example has one-element arrays.
var appsJobInvocationBody = []byte(`{"job_invocation":{"id":"ba32b134-569c-4c0c-ba02-8ffdb0492ece","job_name":"good-job",
	"deployment_id":"c020763f-ddb7-4112-a0df-7f01c69fc00b","phase":"SUCCEEDED","created_at":"2025-09-11T11:04:05Z",
	"started_at":"2025-09-11T11:04:10Z","completed_at":"2025-09-11T11:04:40Z",
	"trigger":{"type":"SCHEDULED","scheduled":{"schedule":{"cron":"*/2 * * * *","time_zone":"UTC"}}}}}`)

func appsCheckJobInvocation(t *testing.T, _ []byte, got any) {
	t.Helper()
	inv := got.(*JobInvocation)
	assert.Equal(t, "ba32b134-569c-4c0c-ba02-8ffdb0492ece", inv.ID)
	assert.Equal(t, "good-job", inv.JobName)
	assert.Equal(t, JobInvocationPhase("SUCCEEDED"), inv.Phase)
	require.NotNil(t, inv.Trigger)
	require.NotNil(t, inv.Trigger.Scheduled)
	assert.Equal(t, "*/2 * * * *", inv.Trigger.Scheduled.Schedule.Cron)
}

func appsJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	require.NoError(t, err)
	return b
}

func TestAppsJobInvocationForms(t *testing.T) {
	bare := appsJSONAt(t, appsJobInvocationBody, "job_invocation")
	forms := map[string][]byte{
		"enveloped": appsJobInvocationBody,
		// the schema's form
		"bare": appsJSON(t, bare),
		// the example's form of the envelope
		"array": appsJSON(t, map[string]any{"job_invocation": []any{bare}}),
	}
	for name, body := range forms {
		t.Run(name, func(t *testing.T) {
			c, _ := newAppsClient(t, body)
			inv, _, err := c.Apps.GetJobInvocation(context.Background(), "a", "j", nil)
			require.NoError(t, err)
			appsCheckJobInvocation(t, nil, inv)
		})
	}
	t.Run("empty", func(t *testing.T) {
		c, _ := newAppsClient(t, []byte(`{}`))
		_, _, err := c.Apps.GetJobInvocation(context.Background(), "a", "j", nil)
		var decErr *DecodeError
		require.ErrorAs(t, err, &decErr)
		assert.Contains(t, err.Error(), "job_invocation")
	})
	t.Run("two in array", func(t *testing.T) {
		c, _ := newAppsClient(t, appsJSON(t, map[string]any{"job_invocation": []any{bare, bare}}))
		_, _, err := c.Apps.GetJobInvocation(context.Background(), "a", "j", nil)
		var decErr *DecodeError
		require.ErrorAs(t, err, &decErr)
	})
}

func TestAppsGetAppHealthForms(t *testing.T) {
	bare := specExample(t, "apps_get_health", "200")
	enveloped := []byte(`{"app_health":` + string(bare) + `}`)
	for name, body := range map[string][]byte{"bare": bare, "enveloped": enveloped} {
		t.Run(name, func(t *testing.T) {
			c, _ := newAppsClient(t, body)
			h, _, err := c.Apps.GetAppHealth(context.Background(), "a")
			require.NoError(t, err)
			require.Len(t, h.Components, 1)
			assert.Equal(t, "sample-expressjs", h.Components[0].Name)
			assert.EqualValues(t, 2, h.Components[0].ReplicasReady)
		})
	}
}

// TestAppsMissingObject checks that a 2xx body without the expected object
// is an error, never a nil result without one.
func TestAppsMissingObject(t *testing.T) {
	ctx := context.Background()
	calls := map[string]func(s *AppsService) error{
		"Get":           func(s *AppsService) error { _, _, err := s.Get(ctx, "a"); return err },
		"GetDeployment": func(s *AppsService) error { _, _, err := s.GetDeployment(ctx, "a", "d"); return err },
		"GetEvent":      func(s *AppsService) error { _, _, err := s.GetEvent(ctx, "a", "e"); return err },
		"GetAppHealth":  func(s *AppsService) error { _, _, err := s.GetAppHealth(ctx, "a"); return err },
		"GetInstanceSize": func(s *AppsService) error {
			_, _, err := s.GetInstanceSize(ctx, "s")
			return err
		},
		"UpdateAlertDestinations": func(s *AppsService) error {
			_, _, err := s.UpdateAlertDestinations(ctx, "a", "b", &AlertDestinationsUpdateRequest{})
			return err
		},
	}
	for name, call := range calls {
		t.Run(name, func(t *testing.T) {
			c, _ := newAppsClient(t, []byte(`{}`))
			var decErr *DecodeError
			require.ErrorAs(t, call(c.Apps), &decErr)
		})
	}
}

func TestAppsAPIError(t *testing.T) {
	c, fake := newAppsClientFunc(t, func(appsRequest) (int, []byte) {
		return 404, []byte(`{"id":"not_found","message":"app not found"}`)
	})
	app, resp, err := c.Apps.Get(context.Background(), "missing")
	assert.Nil(t, app)
	require.ErrorIs(t, err, ErrNotFound)
	require.NotNil(t, resp)
	assert.Equal(t, 404, resp.StatusCode)
	assert.Len(t, fake.requests(), 1)
}

func TestFormatDuration(t *testing.T) {
	for d, want := range map[time.Duration]string{
		3 * time.Minute:             "3m",
		90 * time.Second:            "1m30s",
		2 * time.Hour:               "2h",
		2*time.Hour + 5*time.Minute: "2h5m",
		1500 * time.Millisecond:     "1.5s",
		time.Hour + 30*time.Second:  "1h0m30s",
	} {
		assert.Equal(t, want, formatDuration(d), d.String())
		parsed, err := time.ParseDuration(formatDuration(d))
		require.NoError(t, err)
		assert.Equal(t, d, parsed)
	}
}

// TestAppsQueryArraysAreRepeated pins the wire form of array query
// parameters: the spec leaves style and explode at their defaults (form,
// true), so each value is its own key=value pair, never comma-joined.
func TestAppsQueryArraysAreRepeated(t *testing.T) {
	c, fake := newAppsClient(t, []byte(`{"deployments":[]}`))
	_, _, err := c.Apps.ListDeployments(context.Background(), "a", &DeploymentListOptions{
		DeploymentTypes: []DeploymentType{DeploymentTypeManual, DeploymentTypeDeployOnPush},
	})
	require.NoError(t, err)
	raw := fake.only(t).Query.Encode()
	assert.Equal(t, "deployment_types=MANUAL&deployment_types=DEPLOY_ON_PUSH", raw)
	assert.False(t, strings.Contains(raw, ","), raw)

	for _, op := range []string{"apps_list_deployments", "apps_list_job_invocations", "apps_list_events"} {
		_, _, node := appsSpecOperation(t, op)
		for _, p := range appsYAMLChild(node, "parameters").Content {
			p = appsResolveRef(t, p)
			if appsYAMLPath(p, "schema", "type") != nil && appsYAMLPath(p, "schema", "type").Value == "array" {
				assert.Nil(t, appsYAMLChild(p, "style"), "%s: style changed in the spec", op)
				assert.Nil(t, appsYAMLChild(p, "explode"), "%s: explode changed in the spec", op)
			}
		}
	}
}
