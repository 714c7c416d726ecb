package conformance

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	do "github.com/oceankit/digitalocean"
	"github.com/oceankit/digitalocean/appspec"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// IDs as the spec's examples give them, so that answers and requests line up.
const (
	appID        = "c2a93513-8d9b-4223-9d61-5e7272c81cf5"
	deploymentID = "b6bdf840-2854-4f87-a36c-5f231c617c84"
	invocationID = "ba32b134-569c-4c0c-ba02-8ffdb0492ece"
	eventID      = "e2d2a3c8-3d2b-4f3b-9d7b-2b3f1d4c5e6f"
	alertID      = "e552e1f9-c1b0-4e6d-8777-ad6f27767306"
)

// sampleAppSpec is a realistic app: an API service, a queue worker, a
// pre-deploy migration job and a scheduled job, a static front end, a
// managed database, a custom domain, ingress rules, app-wide and
// component env vars, and alerts.
func sampleAppSpec() *do.AppSpec {
	source := func() *do.AppGitHubSourceSpec {
		return &do.AppGitHubSourceSpec{Repo: "acme/web-shop", Branch: "main", DeployOnPush: true}
	}
	return &do.AppSpec{
		Name:   "web-shop",
		Region: do.AppRegionSlugAMS,
		Envs: []*do.AppVariableDefinition{
			{Key: "LOG_LEVEL", Value: "info", Scope: do.AppVariableScopeRunAndBuildTime, Type: do.AppVariableTypeGeneral},
		},
		Services: []*do.AppServiceSpec{{
			Name:             "api",
			GitHub:           source(),
			SourceDir:        "api",
			EnvironmentSlug:  "go",
			BuildCommand:     "go build -o bin/api ./cmd/api",
			RunCommand:       "bin/api",
			InstanceSizeSlug: "apps-s-1vcpu-1gb",
			InstanceCount:    2,
			HTTPPort:         8080,
			HealthCheck: &do.AppServiceSpecHealthCheck{
				HTTPPath: "/healthz", InitialDelaySeconds: 10, PeriodSeconds: 10, TimeoutSeconds: 2, FailureThreshold: 3,
			},
			Envs: []*do.AppVariableDefinition{
				{Key: "DATABASE_URL", Value: "${db.DATABASE_URL}", Scope: do.AppVariableScopeRunTime},
				{Key: "STRIPE_KEY", Value: "sk_test_4eC39HqLyjWDarjtT1zdp7dc", Scope: do.AppVariableScopeRunTime, Type: do.AppVariableTypeSecret},
			},
			Alerts: []*do.AppAlertSpec{{
				Rule: do.AppAlertSpecRuleCPUUtilization, Operator: do.AppAlertSpecOperatorGreaterThan,
				Value: 80, Window: do.AppAlertSpecWindowFiveMinutes,
			}},
		}},
		Workers: []*do.AppWorkerSpec{{
			Name: "queue-worker",
			Image: &do.AppImageSourceSpec{
				RegistryType: do.AppImageSourceSpecRegistryTypeDOCR, Repository: "web-shop-worker", Tag: "1.4.2",
			},
			RunCommand:       "worker --queue orders",
			InstanceSizeSlug: "apps-s-1vcpu-0.5gb",
			InstanceCount:    1,
		}},
		Jobs: []*do.AppJobSpec{{
			Name:             "migrate",
			Kind:             do.AppJobSpecKindPreDeploy,
			GitHub:           source(),
			SourceDir:        "api",
			RunCommand:       "bin/migrate up",
			InstanceSizeSlug: "apps-s-1vcpu-0.5gb",
		}},
		StaticSites: []*do.AppStaticSiteSpec{{
			Name:          "frontend",
			GitHub:        source(),
			SourceDir:     "web",
			BuildCommand:  "npm ci && npm run build",
			OutputDir:     "dist",
			IndexDocument: "index.html",
			ErrorDocument: "404.html",
		}},
		Databases: []*do.AppDatabaseSpec{{
			Name: "db", Engine: do.AppDatabaseSpecEnginePG, Version: "16",
		}},
		Domains: []*do.AppDomainSpec{{
			Domain: "shop.example.com", Type: do.AppDomainSpecTypePrimary, Zone: "example.com", MinimumTLSVersion: do.TLSVersion1_3,
		}},
		Ingress: &do.AppIngressSpec{Rules: []*do.AppIngressSpecRule{
			{
				Match:     &do.AppIngressSpecRuleMatch{Path: &do.AppIngressSpecRuleStringMatch{Prefix: do.Ptr("/api")}},
				Component: &do.AppIngressSpecRuleRoutingComponent{Name: "api"},
			},
			{
				Match:     &do.AppIngressSpecRuleMatch{Path: &do.AppIngressSpecRuleStringMatch{Prefix: do.Ptr("/")}},
				Component: &do.AppIngressSpecRuleRoutingComponent{Name: "frontend"},
			},
		}},
		Alerts: []*do.AppAlertSpec{
			{Rule: do.AppAlertSpecRuleDeploymentFailed},
			{Rule: do.AppAlertSpecRuleDomainFailed},
		},
	}
}

// specJSON decodes the "spec" member of a request body.
func specJSON(t *testing.T, body []byte) map[string]any {
	t.Helper()
	var req struct {
		Spec map[string]any `json:"spec"`
	}
	require.NoError(t, json.Unmarshal(body, &req))
	require.NotNil(t, req.Spec, "request has a spec")
	return req.Spec
}

// assertSampleSpecSent checks the parts of sampleAppSpec that reach the wire.
func assertSampleSpecSent(t *testing.T, body []byte) {
	t.Helper()
	spec := specJSON(t, body)
	assert.Equal(t, "web-shop", spec["name"])
	for _, key := range []string{"services", "workers", "jobs", "static_sites", "databases", "domains", "ingress", "envs", "alerts"} {
		assert.Contains(t, spec, key)
	}
}

func assertSampleApp(t *testing.T, a *do.App) {
	t.Helper()
	require.NotNil(t, a)
	assert.Equal(t, appID, a.ID)
	require.NotNil(t, a.Spec)
	assert.Equal(t, "sample-golang", a.Spec.Name)
}

func assertSampleDeployment(t *testing.T, d *do.Deployment) {
	t.Helper()
	require.NotNil(t, d)
	assert.Equal(t, deploymentID, d.ID)
	assert.NotEmpty(t, d.Phase)
}

func assertLogs(t *testing.T, l *do.AppLogs) {
	t.Helper()
	require.NotNil(t, l)
	assert.Equal(t, "https://logs-example/build.log", l.LiveURL)
	assert.Equal(t, []string{"https://logs-example/archive/build.log"}, l.HistoricURLs)
}

func assertInvocation(t *testing.T, j *do.JobInvocation) {
	t.Helper()
	require.NotNil(t, j)
	assert.Equal(t, invocationID, j.ID)
	assert.Equal(t, "good-job", j.JobName)
	assert.Equal(t, do.JobInvocationPhase("SUCCEEDED"), j.Phase)
}

func appsCases() []opCase {
	var cases []opCase
	cases = append(cases, appsCoreCases()...)
	cases = append(cases, appsDeploymentCases()...)
	cases = append(cases, appsLogsAndExecCases()...)
	cases = append(cases, appsJobCases()...)
	cases = append(cases, appsEventCases()...)
	cases = append(cases, appsCatalogAndAlertCases()...)
	cases = append(cases, appsRollbackAndMetricsCases()...)
	cases = append(cases, appsLiveCases()...)
	cases = append(cases, appsLiveParameterCases()...)
	return cases
}

func appsCoreCases() []opCase {
	return []opCase{
		newCase("Apps.List", []string{"apps_list"},
			func(ctx context.Context, c *do.Client) ([]do.App, error) {
				return drop(c.Apps.List(ctx, &do.AppListOptions{ListOptions: do.ListOptions{Page: 1, PerPage: 20}, WithProjects: true}))
			},
			func(t *testing.T, apps []do.App, calls []call) {
				require.Len(t, apps, 1)
				assert.NotEmpty(t, apps[0].ID)
				q := calls[0].url.Query()
				assert.Equal(t, "true", q.Get("with_projects"))
				assert.Equal(t, "20", q.Get("per_page"))
			}),
		newCase("Apps.All", []string{"apps_list", "apps_list"},
			func(ctx context.Context, c *do.Client) ([]do.App, error) {
				return collect(c.Apps.All(ctx, &do.AppListOptions{WithProjects: true}))
			},
			func(t *testing.T, apps []do.App, calls []call) {
				assert.Len(t, apps, mockPages)
				assert.Equal(t, "true", calls[1].url.Query().Get("with_projects"))
			}),
		newCase("Apps.Create", []string{"apps_create"},
			func(ctx context.Context, c *do.Client) (*do.App, error) {
				return drop(c.Apps.Create(ctx, &do.AppCreateRequest{
					Spec:      sampleAppSpec(),
					ProjectID: "88b72d1a-b78a-4d9f-9090-b53c4399073f",
				}))
			},
			func(t *testing.T, a *do.App, calls []call) {
				assertSampleApp(t, a)
				assertSampleSpecSent(t, calls[0].body)
			}),
		newCase("Apps.Create/spec-file", []string{"apps_create"},
			func(ctx context.Context, c *do.Client) (*do.App, error) {
				// The quickstart's app spec file, as a user would deploy it.
				spec, err := appspec.Load("../examples/quickstart/app.yaml")
				if err != nil {
					return nil, err
				}
				return drop(c.Apps.Create(ctx, &do.AppCreateRequest{Spec: spec}))
			},
			func(t *testing.T, a *do.App, calls []call) {
				assertSampleApp(t, a)
				assert.Equal(t, "quickstart-shop", specJSON(t, calls[0].body)["name"])
			}),
		newCase("Apps.Get", []string{"apps_get"},
			func(ctx context.Context, c *do.Client) (*do.App, error) {
				return drop(c.Apps.Get(ctx, appID))
			},
			func(t *testing.T, a *do.App, calls []call) {
				assertSampleApp(t, a)
				assert.Equal(t, "/v2/apps/"+appID, calls[0].url.Path)
			}),
		newCase("Apps.GetByName", []string{"apps_get"},
			func(ctx context.Context, c *do.Client) (*do.App, error) {
				return drop(c.Apps.GetByName(ctx, "sample-golang"))
			},
			func(t *testing.T, a *do.App, calls []call) {
				assertSampleApp(t, a)
				assert.Equal(t, "sample-golang", calls[0].url.Query().Get("name"))
			}),
		newCase("Apps.Update", []string{"apps_list_deployments", "apps_update"},
			func(ctx context.Context, c *do.Client) (*do.App, error) {
				return drop(c.Apps.Update(ctx, appID, &do.AppUpdateRequest{
					Spec:                    sampleAppSpec(),
					UpdateAllSourceVersions: true,
				}))
			},
			func(t *testing.T, a *do.App, calls []call) {
				// First the newest deployment, noted for recovery
				// (docs/retries.md, "Recovery").
				assert.Equal(t, "1", calls[0].url.Query().Get("per_page"))
				assertSampleApp(t, a)
				assertSampleSpecSent(t, calls[1].body)
				assert.Contains(t, string(calls[1].body), `"update_all_source_versions":true`)
			}),
		newCase("Apps.Delete", []string{"apps_delete"},
			func(ctx context.Context, c *do.Client) (*do.Response, error) {
				return c.Apps.Delete(ctx, appID)
			},
			func(t *testing.T, resp *do.Response, _ []call) {
				require.NotNil(t, resp)
				assert.Equal(t, 200, resp.StatusCode)
			}),
		newCase("Apps.Restart", []string{"apps_list_deployments", "apps_restart"},
			func(ctx context.Context, c *do.Client) (*do.Deployment, error) {
				return drop(c.Apps.Restart(ctx, appID, &do.AppRestartRequest{Components: []string{"api", "queue-worker"}}))
			},
			func(t *testing.T, d *do.Deployment, calls []call) {
				assertSampleDeployment(t, d)
				assert.JSONEq(t, `{"components":["api","queue-worker"]}`, string(calls[1].body))
			}),
		newCase("Apps.Restart/all", []string{"apps_list_deployments", "apps_restart"},
			func(ctx context.Context, c *do.Client) (*do.Deployment, error) {
				return drop(c.Apps.Restart(ctx, appID, nil))
			},
			func(t *testing.T, d *do.Deployment, _ []call) { assertSampleDeployment(t, d) }),
		newCase("Apps.Propose", []string{"apps_validate_appSpec"},
			func(ctx context.Context, c *do.Client) (*do.AppProposeResponse, error) {
				return drop(c.Apps.Propose(ctx, &do.AppProposeRequest{Spec: sampleAppSpec(), AppID: appID}))
			},
			func(t *testing.T, p *do.AppProposeResponse, calls []call) {
				require.NotNil(t, p)
				assert.True(t, p.AppNameAvailable)
				assert.Equal(t, 5.0, p.AppCost)
				assertSampleSpecSent(t, calls[0].body)
			}),
		newCase("Apps.GetAppInstances", []string{"apps_get_instances"},
			func(ctx context.Context, c *do.Client) ([]do.AppInstance, error) {
				return drop(c.Apps.GetAppInstances(ctx, appID))
			},
			func(t *testing.T, in []do.AppInstance, _ []call) {
				require.NotEmpty(t, in)
				assert.Equal(t, "sample-golang", in[0].ComponentName)
			}),
		newCase("Apps.GetAppHealth", []string{"apps_get_health"},
			func(ctx context.Context, c *do.Client) (*do.AppHealth, error) {
				return drop(c.Apps.GetAppHealth(ctx, appID))
			},
			func(t *testing.T, h *do.AppHealth, _ []call) {
				require.NotNil(t, h)
				require.NotEmpty(t, h.Components)
				assert.Equal(t, "sample-expressjs", h.Components[0].Name)
			}),
	}
}

func appsDeploymentCases() []opCase {
	return []opCase{
		newCase("Apps.ListDeployments", []string{"apps_list_deployments"},
			func(ctx context.Context, c *do.Client) ([]do.Deployment, error) {
				return drop(c.Apps.ListDeployments(ctx, appID, &do.DeploymentListOptions{
					ListOptions:     do.ListOptions{Page: 1, PerPage: 10},
					DeploymentTypes: []do.DeploymentType{do.DeploymentTypeManual, do.DeploymentTypeDeployOnPush},
				}))
			},
			func(t *testing.T, ds []do.Deployment, calls []call) {
				require.NotEmpty(t, ds)
				assert.Equal(t, deploymentID, ds[0].ID)
				assert.Equal(t, []string{"MANUAL", "DEPLOY_ON_PUSH"}, calls[0].url.Query()["deployment_types"])
			}),
		newCase("Apps.AllDeployments", []string{"apps_list_deployments", "apps_list_deployments"},
			func(ctx context.Context, c *do.Client) ([]do.Deployment, error) {
				return collect(c.Apps.AllDeployments(ctx, appID, nil))
			},
			func(t *testing.T, ds []do.Deployment, _ []call) { assert.Len(t, ds, mockPages) }),
		newCase("Apps.CreateDeployment", []string{"apps_list_deployments", "apps_create_deployment"},
			func(ctx context.Context, c *do.Client) (*do.Deployment, error) {
				return drop(c.Apps.CreateDeployment(ctx, appID, &do.DeploymentCreateRequest{ForceBuild: true}))
			},
			func(t *testing.T, d *do.Deployment, calls []call) {
				assertSampleDeployment(t, d)
				assert.JSONEq(t, `{"force_build":true}`, string(calls[1].body))
			}),
		newCase("Apps.CreateDeployment/empty", []string{"apps_list_deployments", "apps_create_deployment"},
			func(ctx context.Context, c *do.Client) (*do.Deployment, error) {
				return drop(c.Apps.CreateDeployment(ctx, appID, nil))
			},
			func(t *testing.T, d *do.Deployment, calls []call) {
				assertSampleDeployment(t, d)
				assert.JSONEq(t, `{}`, string(calls[1].body), "the body is required, even empty")
			}),
		newCase("Apps.GetDeployment", []string{"apps_get_deployment"},
			func(ctx context.Context, c *do.Client) (*do.Deployment, error) {
				return drop(c.Apps.GetDeployment(ctx, appID, deploymentID))
			},
			func(t *testing.T, d *do.Deployment, _ []call) { assertSampleDeployment(t, d) }),
		newCase("Apps.CancelDeployment", []string{"apps_cancel_deployment"},
			func(ctx context.Context, c *do.Client) (*do.Deployment, error) {
				return drop(c.Apps.CancelDeployment(ctx, appID, deploymentID))
			},
			func(t *testing.T, d *do.Deployment, calls []call) {
				assertSampleDeployment(t, d)
				assert.Empty(t, calls[0].body)
			}),
	}
}

func appsLogsAndExecCases() []opCase {
	logs := func(name, op string, opts do.LogsOptions, path string) opCase {
		return newCase(name, []string{op},
			func(ctx context.Context, c *do.Client) (*do.AppLogs, error) {
				return drop(c.Apps.GetLogs(ctx, appID, &opts))
			},
			func(t *testing.T, l *do.AppLogs, calls []call) {
				assertLogs(t, l)
				assert.Equal(t, path, calls[0].url.Path)
				assert.Equal(t, string(opts.Type), calls[0].url.Query().Get("type"))
			})
	}
	return []opCase{
		logs("Apps.GetLogs/app", "apps_get_logs_active_deployment_aggregate",
			do.LogsOptions{Type: do.AppLogTypeRun, Follow: true, PodConnectionTimeout: 3 * time.Minute},
			"/v2/apps/"+appID+"/logs"),
		logs("Apps.GetLogs/component", "apps_get_logs_active_deployment",
			do.LogsOptions{Component: "api", Type: do.AppLogTypeBuild},
			"/v2/apps/"+appID+"/components/api/logs"),
		logs("Apps.GetLogs/deployment", "apps_get_logs_aggregate",
			do.LogsOptions{DeploymentID: deploymentID, Type: do.AppLogTypeDeploy},
			"/v2/apps/"+appID+"/deployments/"+deploymentID+"/logs"),
		logs("Apps.GetLogs/deployment-component", "apps_get_logs",
			do.LogsOptions{DeploymentID: deploymentID, Component: "api", Type: do.AppLogTypeRunRestarted, PodConnectionTimeout: 90 * time.Second},
			"/v2/apps/"+appID+"/deployments/"+deploymentID+"/components/api/logs"),
		newCase("Apps.GetExec/active", []string{"apps_get_exec_active_deployment"},
			func(ctx context.Context, c *do.Client) (*do.AppExec, error) {
				return drop(c.Apps.GetExec(ctx, appID, &do.ExecOptions{Component: "api", InstanceName: "api-76b84c7fb8-6p8kq"}))
			},
			func(t *testing.T, e *do.AppExec, calls []call) {
				require.NotNil(t, e)
				assert.Equal(t, "wss://exec/?token=xxx", e.URL)
				assert.Equal(t, "api-76b84c7fb8-6p8kq", calls[0].url.Query().Get("instance_name"))
			}),
		newCase("Apps.GetExec/deployment", []string{"apps_get_exec"},
			func(ctx context.Context, c *do.Client) (*do.AppExec, error) {
				return drop(c.Apps.GetExec(ctx, appID, &do.ExecOptions{DeploymentID: deploymentID, Component: "queue-worker"}))
			},
			func(t *testing.T, e *do.AppExec, calls []call) {
				require.NotNil(t, e)
				assert.Equal(t, "wss://exec/?token=xxx", e.URL)
				assert.Equal(t, "/v2/apps/"+appID+"/deployments/"+deploymentID+"/components/queue-worker/exec", calls[0].url.Path)
			}),
	}
}

func appsJobCases() []opCase {
	return []opCase{
		newCase("Apps.ListJobInvocations", []string{"apps_list_job_invocations"},
			func(ctx context.Context, c *do.Client) ([]do.JobInvocation, error) {
				return drop(c.Apps.ListJobInvocations(ctx, appID, &do.JobInvocationListOptions{
					ListOptions:  do.ListOptions{Page: 1, PerPage: 25},
					JobNames:     []string{"good-job", "nightly-report"},
					DeploymentID: deploymentID,
				}))
			},
			func(t *testing.T, js []do.JobInvocation, calls []call) {
				require.Len(t, js, 1)
				assertInvocation(t, &js[0])
				q := calls[0].url.Query()
				assert.Equal(t, []string{"good-job", "nightly-report"}, q["job_names"])
				assert.Equal(t, deploymentID, q.Get("deployment_id"))
			}),
		newCase("Apps.AllJobInvocations", []string{"apps_list_job_invocations", "apps_list_job_invocations"},
			func(ctx context.Context, c *do.Client) ([]do.JobInvocation, error) {
				return collect(c.Apps.AllJobInvocations(ctx, appID, &do.JobInvocationListOptions{JobNames: []string{"good-job"}}))
			},
			func(t *testing.T, js []do.JobInvocation, calls []call) {
				assert.Len(t, js, mockPages)
				assert.Equal(t, "good-job", calls[1].url.Query().Get("job_names"))
			}),
		newCase("Apps.GetJobInvocation", []string{"apps_get_job_invocation"},
			func(ctx context.Context, c *do.Client) (*do.JobInvocation, error) {
				return drop(c.Apps.GetJobInvocation(ctx, appID, invocationID, &do.JobInvocationOptions{JobName: "good-job"}))
			},
			func(t *testing.T, j *do.JobInvocation, calls []call) {
				assertInvocation(t, j)
				assert.Equal(t, "good-job", calls[0].url.Query().Get("job_name"))
			}),
		newCase("Apps.CancelJobInvocation", []string{"apps_cancel_job_invocation"},
			func(ctx context.Context, c *do.Client) (*do.JobInvocation, error) {
				return drop(c.Apps.CancelJobInvocation(ctx, appID, invocationID, nil))
			},
			func(t *testing.T, j *do.JobInvocation, _ []call) { assertInvocation(t, j) }),
		newCase("Apps.GetJobInvocationLogs", []string{"apps_get_job_invocation_logs"},
			func(ctx context.Context, c *do.Client) (*do.AppLogs, error) {
				return drop(c.Apps.GetJobInvocationLogs(ctx, appID, invocationID, &do.JobInvocationLogsOptions{
					JobName: "good-job", DeploymentID: deploymentID, TailLines: 100, PodConnectionTimeout: time.Minute,
				}))
			},
			func(t *testing.T, l *do.AppLogs, calls []call) {
				assertLogs(t, l)
				q := calls[0].url.Query()
				assert.Equal(t, "JOB_INVOCATION", q.Get("type"))
				assert.Equal(t, "100", q.Get("tail_lines"))
			}),
	}
}

func appsEventCases() []opCase {
	return []opCase{
		newCase("Apps.ListEvents", []string{"apps_list_events"},
			func(ctx context.Context, c *do.Client) ([]do.AppEvent, error) {
				return drop(c.Apps.ListEvents(ctx, appID, &do.EventListOptions{
					ListOptions: do.ListOptions{Page: 1, PerPage: 50},
					EventTypes:  []do.AppEventType{do.AppEventTypeDeployment, do.AppEventTypeAutoscaling},
				}))
			},
			func(t *testing.T, es []do.AppEvent, calls []call) {
				require.Len(t, es, 1)
				assert.NotEmpty(t, es[0].ID)
				assert.Equal(t, []string{"DEPLOYMENT", "AUTOSCALING"}, calls[0].url.Query()["event_types"])
			}),
		newCase("Apps.AllEvents", []string{"apps_list_events", "apps_list_events"},
			func(ctx context.Context, c *do.Client) ([]do.AppEvent, error) {
				return collect(c.Apps.AllEvents(ctx, appID, nil))
			},
			func(t *testing.T, es []do.AppEvent, _ []call) { assert.Len(t, es, mockPages) }),
		newCase("Apps.GetEvent", []string{"apps_get_event"},
			func(ctx context.Context, c *do.Client) (*do.AppEvent, error) {
				return drop(c.Apps.GetEvent(ctx, appID, eventID))
			},
			func(t *testing.T, e *do.AppEvent, _ []call) {
				require.NotNil(t, e)
				assert.NotEmpty(t, e.ID)
				require.NotNil(t, e.Deployment, "the synthesized event carries a deployment")
			}),
		newCase("Apps.CancelEvent", []string{"apps_cancel_event"},
			func(ctx context.Context, c *do.Client) (*do.AppEvent, error) {
				return drop(c.Apps.CancelEvent(ctx, appID, eventID))
			},
			func(t *testing.T, e *do.AppEvent, _ []call) {
				require.NotNil(t, e)
				assert.NotEmpty(t, e.ID)
			}),
		newCase("Apps.GetEventLogs", []string{"apps_get_event_logs"},
			func(ctx context.Context, c *do.Client) (*do.AppLogs, error) {
				return drop(c.Apps.GetEventLogs(ctx, appID, eventID, &do.EventLogsOptions{Follow: true}))
			},
			func(t *testing.T, l *do.AppLogs, calls []call) {
				assertLogs(t, l)
				assert.Equal(t, "AUTOSCALE_EVENT", calls[0].url.Query().Get("type"))
				assert.Equal(t, "true", calls[0].url.Query().Get("follow"))
			}),
	}
}

func appsCatalogAndAlertCases() []opCase {
	return []opCase{
		newCase("Apps.ListInstanceSizes", []string{"apps_list_instanceSizes"},
			func(ctx context.Context, c *do.Client) (*do.AppInstanceSizesResponse, error) {
				return drop(c.Apps.ListInstanceSizes(ctx))
			},
			func(t *testing.T, r *do.AppInstanceSizesResponse, _ []call) {
				require.NotNil(t, r)
				require.NotEmpty(t, r.InstanceSizes)
				assert.Equal(t, "apps-s-1vcpu-0.5gb", r.InstanceSizes[0].Slug)
			}),
		newCase("Apps.GetInstanceSize", []string{"apps_get_instanceSize"},
			func(ctx context.Context, c *do.Client) (*do.AppInstanceSize, error) {
				return drop(c.Apps.GetInstanceSize(ctx, "apps-s-1vcpu-0.5gb"))
			},
			func(t *testing.T, s *do.AppInstanceSize, _ []call) {
				require.NotNil(t, s)
				assert.Equal(t, "5.00", s.USDPerMonth)
			}),
		newCase("Apps.ListRegions", []string{"apps_list_regions"},
			func(ctx context.Context, c *do.Client) ([]do.AppRegion, error) {
				return drop(c.Apps.ListRegions(ctx))
			},
			func(t *testing.T, rs []do.AppRegion, _ []call) {
				require.NotEmpty(t, rs)
				assert.Equal(t, "ams", rs[0].Slug)
			}),
		newCase("Apps.ListAlerts", []string{"apps_list_alerts"},
			func(ctx context.Context, c *do.Client) ([]do.AppAlert, error) {
				return drop(c.Apps.ListAlerts(ctx, appID))
			},
			func(t *testing.T, as []do.AppAlert, _ []call) {
				require.NotEmpty(t, as)
				assert.Equal(t, alertID, as[0].ID)
			}),
		newCase("Apps.UpdateAlertDestinations", []string{"apps_assign_alertDestinations"},
			func(ctx context.Context, c *do.Client) (*do.AppAlert, error) {
				return drop(c.Apps.UpdateAlertDestinations(ctx, appID, alertID, &do.AlertDestinationsUpdateRequest{
					Emails: []string{"sammy@digitalocean.com", "oncall@example.com"},
					SlackWebhooks: []*do.AppAlertSlackWebhook{{
						URL: "https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX", Channel: "#alerts",
					}},
				}))
			},
			func(t *testing.T, a *do.AppAlert, calls []call) {
				require.NotNil(t, a)
				assert.Equal(t, alertID, a.ID)
				assert.Contains(t, string(calls[0].body), `"channel":"#alerts"`)
			}),
	}
}

func appsRollbackAndMetricsCases() []opCase {
	rollback := &do.AppRollbackRequest{DeploymentID: deploymentID, SkipPin: true}
	return []opCase{
		newCase("Apps.CreateRollback", []string{"apps_list_deployments", "apps_create_rollback"},
			func(ctx context.Context, c *do.Client) (*do.Deployment, error) {
				return drop(c.Apps.CreateRollback(ctx, appID, rollback))
			},
			func(t *testing.T, d *do.Deployment, calls []call) {
				assertSampleDeployment(t, d)
				assert.JSONEq(t, `{"deployment_id":"`+deploymentID+`","skip_pin":true}`, string(calls[1].body))
			}),
		newCase("Apps.ValidateRollback", []string{"apps_validate_rollback"},
			func(ctx context.Context, c *do.Client) (*do.AppRollbackValidateResponse, error) {
				return drop(c.Apps.ValidateRollback(ctx, appID, rollback))
			},
			func(t *testing.T, r *do.AppRollbackValidateResponse, _ []call) {
				require.NotNil(t, r)
				assert.False(t, r.Valid, `the mock serves the "Invalid rollback" example`)
				require.NotNil(t, r.Error)
			}),
		newCase("Apps.CommitRollback", []string{"apps_commit_rollback"},
			func(ctx context.Context, c *do.Client) (*do.Response, error) {
				return c.Apps.CommitRollback(ctx, appID)
			},
			func(t *testing.T, resp *do.Response, _ []call) {
				require.NotNil(t, resp)
				assert.Equal(t, 200, resp.StatusCode)
			}),
		newCase("Apps.RevertRollback", []string{"apps_list_deployments", "apps_revert_rollback"},
			func(ctx context.Context, c *do.Client) (*do.Deployment, error) {
				return drop(c.Apps.RevertRollback(ctx, appID))
			},
			func(t *testing.T, d *do.Deployment, _ []call) { assertSampleDeployment(t, d) }),
		newCase("Apps.GetBandwidthDaily", []string{"apps_get_metrics_bandwidth_daily"},
			func(ctx context.Context, c *do.Client) (*do.AppMetricsBandwidthUsage, error) {
				return drop(c.Apps.GetBandwidthDaily(ctx, appID, &do.BandwidthDailyOptions{Date: time.Date(2023, 1, 17, 0, 0, 0, 0, time.UTC)}))
			},
			func(t *testing.T, u *do.AppMetricsBandwidthUsage, calls []call) {
				require.NotNil(t, u)
				require.NotEmpty(t, u.AppBandwidthUsage)
				assert.Equal(t, "2023-01-17T00:00:00Z", calls[0].url.Query().Get("date"))
			}),
		newCase("Apps.ListBandwidthDaily", []string{"apps_list_metrics_bandwidth_daily"},
			func(ctx context.Context, c *do.Client) (*do.AppMetricsBandwidthUsage, error) {
				return drop(c.Apps.ListBandwidthDaily(ctx, &do.AppMetricsBandwidthUsageRequest{
					AppIDs: []string{appID, "c2a93513-8d9b-4223-9d61-5e7272c81cf6"},
					Date:   time.Date(2023, 1, 17, 0, 0, 0, 0, time.UTC),
				}))
			},
			func(t *testing.T, u *do.AppMetricsBandwidthUsage, calls []call) {
				require.NotNil(t, u)
				assert.False(t, u.Date.IsZero())
				assert.Contains(t, string(calls[0].body), `"date":"2023-01-17T00:00:00Z"`)
			}),
	}
}
