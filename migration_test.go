package digitalocean_test

import (
	"context"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/oceankit/digitalocean"
	"github.com/oceankit/digitalocean/appspec"
	"github.com/oceankit/digitalocean/digitaloceantest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestMigrationGuide runs the "after" snippets of docs/migrating-from-godo.md
// against the fake API, one subtest per section of the guide, so that the
// guide's code compiles and does what the guide says. Each subtest runs in a
// synctest bubble over the fake's in-memory network: retries, waits and
// deployment phases pass in fake time.
func TestMigrationGuide(t *testing.T) {
	t.Run("client creation", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			srv := digitaloceantest.New(t, digitaloceantest.WithInMemoryNetwork())
			ctx := t.Context()

			// godo.New(oauthClient, godo.SetBaseURL(u), godo.SetUserAgent(ua),
			//     godo.WithRetryAndBackoffs(godo.RetryConfig{RetryMax: 2, ...}))
			client, err := digitalocean.New(
				digitalocean.WithToken(srv.Token()),
				digitalocean.WithBaseURL(srv.URL()),
				digitalocean.WithHTTPClient(srv.HTTPClient()), // your own *http.Client: kept and wrapped
				digitalocean.WithUserAgent("migrator/1.0"),
				digitalocean.WithRetry(digitalocean.RetryPolicy{
					MaxAttempts: 3, // godo RetryMax 2 = 3 attempts
					BaseDelay:   time.Second,
					MaxDelay:    30 * time.Second,
				}),
			)
			require.NoError(t, err)

			// Two 503s, then the answer: the retry policy absorbs them.
			srv.FailNext(2, digitaloceantest.Match{Operation: "account_get"}, digitaloceantest.Fault{Status: http.StatusServiceUnavailable})
			_, resp, err := client.Account.Get(ctx)
			require.NoError(t, err)
			assert.Equal(t, 3, resp.Attempts)
			reqs := srv.Requests()
			require.NotEmpty(t, reqs)
			assert.Contains(t, reqs[len(reqs)-1].Header.Get("User-Agent"), "migrator/1.0")

			// godo.NewFromToken never fails; New reports a missing token.
			_, err = digitalocean.New()
			assert.ErrorIs(t, err, digitalocean.ErrInvalidArgument)
		})
	})

	t.Run("request hooks", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			srv := digitaloceantest.New(t, digitaloceantest.WithInMemoryNetwork())
			ctx := t.Context()

			// godo.SetRequestHeaders(map[string]string{"X-Team": "payments"}) and
			// client.OnRequestCompleted(fn): a RoundTripper around the transport.
			var statuses []int
			hooks := &migrationHooks{next: srv.HTTPClient().Transport, record: func(code int) { statuses = append(statuses, code) }}
			client, err := digitalocean.New(
				digitalocean.WithToken(srv.Token()),
				digitalocean.WithBaseURL(srv.URL()),
				digitalocean.WithHTTPClient(&http.Client{Transport: hooks}),
			)
			require.NoError(t, err)

			// The hook sees every attempt: the 503 that was retried, then the 200.
			srv.FailNext(1, digitaloceantest.Match{Operation: "account_get"}, digitaloceantest.Fault{Status: http.StatusServiceUnavailable})
			_, resp, err := client.Account.Get(ctx)
			require.NoError(t, err)
			assert.Equal(t, 2, resp.Attempts)
			assert.Equal(t, []int{http.StatusServiceUnavailable, http.StatusOK}, statuses)
			assert.True(t, hooks.sawToken, "the hook runs inside the token transport")

			reqs := srv.Requests()
			require.Len(t, reqs, 2)
			for _, r := range reqs {
				assert.Equal(t, "payments", r.Header.Get("X-Team"))
			}
		})
	})

	t.Run("get account", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			_, client := migrationFake(t)

			acct, resp, err := client.Account.Get(t.Context())
			require.NoError(t, err)
			assert.Equal(t, "sammy@digitalocean.com", acct.Email)
			assert.Equal(t, digitalocean.AccountStatusActive, acct.Status) // godo: acct.Status == "active"
			assert.Equal(t, 25, acct.DropletLimit)

			// godo: resp.Rate and client.GetRate()
			assert.Equal(t, 5000, resp.Rate.Limit)
			assert.Equal(t, resp.Rate, client.Rate())
			assert.NotEmpty(t, resp.RequestID)
		})
	})

	t.Run("list actions with pages", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			srv, client := migrationFake(t)
			ctx := t.Context()
			for i := range 4 { // 3 seeded + 4 = 7 actions
				srv.AddAction("snapshot", "droplet", 3164444+i, false)
			}

			// The godo loop, with resp.NextPage instead of
			// resp.Links.IsLastPage / resp.Links.CurrentPage.
			var ids []int
			pages, total := 0, 0
			opt := &digitalocean.ListOptions{PerPage: 3}
			for {
				actions, resp, err := client.Actions.List(ctx, opt)
				require.NoError(t, err)
				pages++
				total = resp.Meta.Total // godo: resp.Meta.Total, with Meta a pointer
				for _, a := range actions {
					ids = append(ids, a.ID)
				}
				next, ok := resp.NextPage()
				if !ok {
					break
				}
				opt.Page = next
			}
			assert.Equal(t, 3, pages)
			assert.Equal(t, 7, total)
			require.Len(t, ids, 7)

			// Or no loop at all: the iterator.
			var all []int
			for action, err := range client.Actions.All(ctx, nil) {
				require.NoError(t, err)
				all = append(all, action.ID)
				require.Less(t, len(all), 100, "the iterator does not end")
			}
			assert.Equal(t, ids, all)

			action, _, err := client.Actions.Get(ctx, ids[0])
			require.NoError(t, err)
			assert.Equal(t, digitalocean.ActionStatusInProgress, action.Status)
		})
	})

	t.Run("app create get update with spec", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			_, client := migrationFake(t)
			ctx := t.Context()

			spec := &digitalocean.AppSpec{
				Name:   "shop",
				Region: digitalocean.AppRegionSlugNYC, // godo: Region: "nyc"
				Services: []*digitalocean.AppServiceSpec{{
					Name:             "web",
					GitHub:           &digitalocean.AppGitHubSourceSpec{Repo: "example/shop", Branch: "main"},
					HTTPPort:         8080,
					InstanceSizeSlug: "apps-s-1vcpu-0.5gb",
					InstanceCount:    1, // as in godo: a plain int64
					Envs: []*digitalocean.AppVariableDefinition{{
						Key: "API_KEY", Value: "s3cr3t",
						Type:  digitalocean.AppVariableTypeSecret, // godo: AppVariableType_Secret
						Scope: digitalocean.AppVariableScopeRunTime,
					}},
				}},
			}
			app, _, err := client.Apps.Create(ctx, &digitalocean.AppCreateRequest{Spec: spec})
			require.NoError(t, err)
			require.NotNil(t, app.PendingDeployment)

			got, _, err := client.Apps.Get(ctx, app.ID)
			require.NoError(t, err)
			assert.Equal(t, "shop", got.Spec.Name)
			assert.Equal(t, int64(1), got.Spec.Services[0].InstanceCount)

			byName, _, err := client.Apps.GetByName(ctx, "shop") // godo has no lookup by name
			require.NoError(t, err)
			assert.Equal(t, app.ID, byName.ID)

			// Get → modify → Update, as with godo.
			update := got.Spec
			update.Services[0].InstanceCount = 2
			updated, _, err := client.Apps.Update(ctx, app.ID, &digitalocean.AppUpdateRequest{
				Spec:                    update,
				UpdateAllSourceVersions: true, // as in godo: a plain bool
			})
			require.NoError(t, err)
			assert.Equal(t, int64(2), updated.Spec.Services[0].InstanceCount)

			// Lists return values, not pointers: []App.
			apps, _, err := client.Apps.List(ctx, nil)
			require.NoError(t, err)
			require.Len(t, apps, 1)
			assert.Equal(t, app.ID, apps[0].ID)

			// godo.Apps.Propose: AppCost is a float64 here, float32 in godo.
			proposal, _, err := client.Apps.Propose(ctx, &digitalocean.AppProposeRequest{Spec: spec, AppID: app.ID})
			require.NoError(t, err)
			assert.Positive(t, proposal.AppCost)
		})
	})

	t.Run("app spec components", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			_, client := migrationFake(t)
			ctx := t.Context()
			spec, err := appspec.Load("appspec/testdata/appspecs/storefront.yaml")
			require.NoError(t, err)

			// godo.GetAppSpecComponent[*godo.AppServiceSpec](spec, "web")
			c, ok := spec.Component("web")
			require.True(t, ok)
			require.Equal(t, digitalocean.AppComponentKindService, c.Kind)
			c.Service.InstanceCount = 3 // c.Service points into spec
			assert.Equal(t, int64(3), spec.Services[1].InstanceCount)
			_, ok = spec.Component("nope") // godo: an error
			assert.False(t, ok)

			// godo.ForEachAppSpecComponent(spec, func(job *godo.AppJobSpec) error {…})
			var jobs []string
			for c := range spec.Components() {
				if c.Kind == digitalocean.AppComponentKindJob {
					jobs = append(jobs, c.Name+" "+string(c.Job.Kind))
				}
			}
			assert.Equal(t, []string{"migrate PRE_DEPLOY", "nightly-report SCHEDULED", "notify-failure FAILED_DEPLOY"}, jobs)

			// godo's AppBuildableComponentSpec: a type switch on Spec().
			var sourceDirs []string
			for c := range spec.Components() {
				switch s := c.Spec().(type) {
				case *digitalocean.AppServiceSpec:
					sourceDirs = append(sourceDirs, s.SourceDir)
				case *digitalocean.AppJobSpec:
					sourceDirs = append(sourceDirs, s.SourceDir)
				}
			}
			assert.Equal(t, []string{"services/api", "", "services/api", "", ""}, sourceDirs)

			// The change made through the component reaches the API.
			app, _, err := client.Apps.Create(ctx, &digitalocean.AppCreateRequest{Spec: spec})
			require.NoError(t, err)
			got, _, err := client.Apps.Get(ctx, app.ID)
			require.NoError(t, err)
			web, ok := got.Spec.Component("web")
			require.True(t, ok)
			assert.Equal(t, int64(3), web.Service.InstanceCount)
		})
	})

	t.Run("deployments", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			_, client := migrationFake(t)
			ctx := t.Context()
			app := migrationApp(t, client)

			// The first deployment: godo users poll GetDeployment in a loop.
			first, err := client.Apps.WaitForAppDeployment(ctx, app, nil)
			require.NoError(t, err)
			assert.Equal(t, digitalocean.DeploymentPhaseActive, first.Phase) // godo: DeploymentPhase_Active

			// godo: CreateDeployment(ctx, appID, &godo.DeploymentCreateRequest{ForceBuild: true})
			d, _, err := client.Apps.CreateDeployment(ctx, app.ID, &digitalocean.DeploymentCreateRequest{ForceBuild: true})
			require.NoError(t, err)
			d, err = client.Apps.WaitForDeployment(ctx, app.ID, d.ID, nil)
			require.NoError(t, err)
			assert.Equal(t, digitalocean.DeploymentPhaseActive, d.Phase)

			// godo: ListDeployments(ctx, appID, &godo.ListOptions{PerPage: 10})
			deps, _, err := client.Apps.ListDeployments(ctx, app.ID, &digitalocean.DeploymentListOptions{
				ListOptions: digitalocean.ListOptions{PerPage: 10},
			})
			require.NoError(t, err)
			require.Len(t, deps, 2)
			phases := map[string]digitalocean.DeploymentPhase{}
			yields := 0
			for dep, err := range client.Apps.AllDeployments(ctx, app.ID, nil) {
				require.NoError(t, err)
				phases[dep.ID] = dep.Phase
				yields++
				require.Less(t, yields, 100, "the iterator does not end")
			}
			assert.Equal(t, map[string]digitalocean.DeploymentPhase{
				first.ID: digitalocean.DeploymentPhaseSuperseded,
				d.ID:     digitalocean.DeploymentPhaseActive,
			}, phases)

			// godo: Restart(ctx, appID, &godo.AppRestartRequest{Components: []string{"web"}})
			restart, _, err := client.Apps.Restart(ctx, app.ID, &digitalocean.AppRestartRequest{Components: []string{"web"}})
			require.NoError(t, err)
			assert.NotEqual(t, d.ID, restart.ID)
		})
	})

	t.Run("logs", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			srv, client := migrationFake(t)
			ctx := t.Context()
			app := migrationApp(t, client)
			active, err := client.Apps.WaitForAppDeployment(ctx, app, nil)
			require.NoError(t, err)

			// godo: GetLogs(ctx, appID, deploymentID, "web", godo.AppLogTypeBuild, false, -1)
			build, _, err := client.Apps.GetLogs(ctx, app.ID, &digitalocean.LogsOptions{
				DeploymentID: active.ID,
				Component:    "web",
				Type:         digitalocean.AppLogTypeBuild,
			})
			require.NoError(t, err)
			var text []string
			switch {
			case len(build.HistoricURLs) > 0:
				body, err := client.Apps.DownloadLogs(ctx, build.HistoricURLs[0])
				require.NoError(t, err)
				raw, err := io.ReadAll(body)
				require.NoError(t, err)
				require.NoError(t, body.Close())
				text = strings.Split(strings.TrimSpace(string(raw)), "\n")
			default:
				// A bound in fake time: a build log that never ends fails.
				buildCtx, cancel := context.WithTimeout(ctx, time.Hour)
				defer cancel()
				for line, err := range client.Apps.StreamLogs(buildCtx, build.LiveURL) {
					require.NoError(t, err)
					text = append(text, line.Message)
				}
			}
			assert.True(t, slices.ContainsFunc(text, func(s string) bool { return strings.Contains(s, "build complete") }), "build log: %q", text)

			// godo: GetLogs(ctx, appID, "", "", godo.AppLogTypeRun, true, 0), then
			// a websocket or HTTP client of your own on logs.LiveURL.
			require.NoError(t, srv.EmitLogs(app.ID, "web", "GET / 200"))
			run, _, err := client.Apps.GetLogs(ctx, app.ID, &digitalocean.LogsOptions{
				Type:   digitalocean.AppLogTypeRun,
				Follow: true,
			})
			require.NoError(t, err)
			require.NotEmpty(t, run.LiveURL)
			streamCtx, cancel := context.WithTimeout(ctx, time.Minute) // a followed log never ends
			defer cancel()
			var lines []digitalocean.LogLine
			for line, err := range client.Apps.StreamLogs(streamCtx, run.LiveURL) {
				require.NoError(t, err)
				lines = append(lines, line)
				if line.Message == "GET / 200" {
					break
				}
			}
			require.NotEmpty(t, lines)
			last := lines[len(lines)-1]
			assert.Equal(t, "web", last.Component)
			assert.Equal(t, "GET / 200", last.Message)
			assert.Zero(t, srv.LogRequestsWithAuth(), "the API token must not reach the log host")
		})
	})

	t.Run("job invocation logs", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			srv, client := migrationFake(t)
			ctx := t.Context()
			spec := migrationSpec()
			spec.Jobs = []*digitalocean.AppJobSpec{{
				Name: "migrate", Kind: digitalocean.AppJobSpecKindPreDeploy,
				GitHub: &digitalocean.AppGitHubSourceSpec{Repo: "example/shop", Branch: "main"},
			}}
			app, _, err := client.Apps.Create(ctx, &digitalocean.AppCreateRequest{Spec: spec})
			require.NoError(t, err)
			_, err = client.Apps.WaitForAppDeployment(ctx, app, nil)
			require.NoError(t, err)
			invocations, _, err := client.Apps.ListJobInvocations(ctx, app.ID, nil)
			require.NoError(t, err)
			require.Len(t, invocations, 1)
			invocationID := invocations[0].ID

			// godo: GetJobInvocationLogs(ctx, appID, invocationID,
			//     &godo.GetJobInvocationLogsOptions{JobName: "migrate", TailLines: 100})
			logs, _, err := client.Apps.GetJobInvocationLogs(ctx, app.ID, invocationID,
				&digitalocean.JobInvocationLogsOptions{JobName: "migrate", TailLines: 100})
			require.NoError(t, err)
			assert.NotEmpty(t, logs.HistoricURLs, "a finished job's logs are archived")
			reqs := srv.Requests()
			assert.Equal(t, "/v2/apps/"+app.ID+"/jobs/migrate/invocations/"+invocationID+"/logs", reqs[len(reqs)-1].Path)

			// godo panics on nil options; here the missing job name is an
			// argument error and nothing is sent.
			before := len(srv.Requests())
			_, _, err = client.Apps.GetJobInvocationLogs(ctx, app.ID, invocationID, nil)
			var argErr *digitalocean.ArgumentError
			require.ErrorAs(t, err, &argErr)
			assert.Equal(t, "JobInvocationLogsOptions.JobName", argErr.Name)
			assert.Len(t, srv.Requests(), before)
		})
	})

	t.Run("errors", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			srv, client := migrationFake(t)
			ctx := t.Context()

			// godo: errResp, ok := err.(*godo.ErrorResponse); errResp.Response.StatusCode == 404
			_, _, err := client.Apps.Get(ctx, "4f6c71e2-0000-4000-8000-000000000000")
			assert.ErrorIs(t, err, digitalocean.ErrNotFound)
			var apiErr *digitalocean.Error
			require.ErrorAs(t, err, &apiErr)
			assert.Equal(t, http.StatusNotFound, apiErr.StatusCode)
			assert.Equal(t, "not_found", apiErr.ID)
			assert.NotEmpty(t, apiErr.Message)
			assert.NotEmpty(t, apiErr.RequestID)
			assert.Equal(t, http.StatusNotFound, apiErr.Response.StatusCode)

			// godo sends GET /v2/apps/ for an empty ID; here nothing is sent.
			before := len(srv.Requests())
			_, _, err = client.Apps.Get(ctx, "")
			assert.ErrorIs(t, err, digitalocean.ErrInvalidArgument)
			var argErr *digitalocean.ArgumentError
			require.ErrorAs(t, err, &argErr)
			assert.Equal(t, "appID", argErr.Name)
			assert.Len(t, srv.Requests(), before)

			// A 429 once retries are off (godo.New without WithRetryAndBackoffs).
			noRetry := srv.Client(digitalocean.WithRetry(digitalocean.RetryPolicy{}))
			srv.FailNext(1, digitaloceantest.Match{Operation: "account_get"}, digitaloceantest.Fault{Status: http.StatusTooManyRequests, RetryAfter: time.Second})
			_, _, err = noRetry.Account.Get(ctx)
			assert.ErrorIs(t, err, digitalocean.ErrRateLimited)

			// A POST that failed after it may have been applied is not
			// re-sent; with recovery off the caller hears so.
			noRecovery := digitalocean.DefaultRetryPolicy()
			noRecovery.NoRecovery = true
			srv.FailNext(1, digitaloceantest.Match{Operation: "apps_create"}, digitaloceantest.Fault{Status: http.StatusBadGateway, Applied: true})
			_, _, err = client.Apps.Create(digitalocean.WithRetryPolicy(ctx, noRecovery), &digitalocean.AppCreateRequest{Spec: migrationSpec()})
			assert.ErrorIs(t, err, digitalocean.ErrServerError)
			require.ErrorAs(t, err, &apiErr)
			assert.True(t, apiErr.OutcomeUnknown)
			assert.Equal(t, 1, apiErr.Attempts)
		})
	})

	t.Run("1-clicks", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			_, client := migrationFake(t)
			ctx := t.Context()

			// godo: client.OneClick.List(ctx, "kubernetes")
			kube, _, err := client.OneClicks.List(ctx, digitalocean.OneClickTypeKubernetes)
			require.NoError(t, err)
			require.NotEmpty(t, kube)
			for _, oc := range kube {
				assert.Equal(t, digitalocean.OneClickTypeKubernetes, oc.Type)
			}

			// godo: &godo.InstallKubernetesAppsRequest{Slugs: ..., ClusterUUID: ...}
			res, _, err := client.OneClicks.InstallKubernetes(ctx, &digitalocean.InstallKubernetesRequest{
				AddonSlugs:  []string{kube[0].Slug},
				ClusterUUID: "50a994b6-c303-438f-9495-7e896cfe6b08",
			})
			require.NoError(t, err)
			assert.NotEmpty(t, res.Message)
		})
	})
}

// migrationHooks is the guide's request hook: it adds a header to every
// request and records every response's status.
type migrationHooks struct {
	next     http.RoundTripper
	record   func(status int)
	sawToken bool
}

func (h *migrationHooks) RoundTrip(req *http.Request) (*http.Response, error) {
	req = req.Clone(req.Context())
	req.Header.Set("X-Team", "payments")
	h.sawToken = h.sawToken || strings.HasPrefix(req.Header.Get("Authorization"), "Bearer ")
	resp, err := h.next.RoundTrip(req)
	if err == nil {
		h.record(resp.StatusCode)
	}
	return resp, err
}

// migrationFake starts a fake over an in-memory network whose clock is the
// synctest bubble's, so deployments progress while the SDK waits.
func migrationFake(t *testing.T) (*digitaloceantest.Server, *digitalocean.Client) {
	t.Helper()
	srv := digitaloceantest.New(t, digitaloceantest.WithInMemoryNetwork(), digitaloceantest.WithRealClock())
	return srv, srv.Client()
}

// migrationSpec is a one-service app spec.
func migrationSpec() *digitalocean.AppSpec {
	return &digitalocean.AppSpec{
		Name: "shop",
		Services: []*digitalocean.AppServiceSpec{{
			Name:          "web",
			GitHub:        &digitalocean.AppGitHubSourceSpec{Repo: "example/shop", Branch: "main"},
			HTTPPort:      8080,
			InstanceCount: 1,
		}},
	}
}

// migrationApp creates the app of migrationSpec.
func migrationApp(t *testing.T, client *digitalocean.Client) *digitalocean.App {
	t.Helper()
	app, _, err := client.Apps.Create(t.Context(), &digitalocean.AppCreateRequest{Spec: migrationSpec()})
	require.NoError(t, err)
	return app
}
