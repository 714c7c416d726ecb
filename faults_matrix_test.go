package digitalocean_test

// Every write of the operations table, under every way a response can be
// lost after the server acted (a 500, a dropped connection, an HTTP/2
// stream reset), and for the writes that act anew also before it acted:
// the fake records exactly one effect per call (none where the SDK may not
// re-send and the server never acted), and the result says what happened:
// success, success with Response.Recovered or GoneOnRetry, or an error
// that matches ErrOutcomeUnknown. Never a plain error, never a silent
// success with zero or two effects.

import (
	"context"
	"errors"
	"maps"
	"net/http"
	"slices"
	"testing"
	"testing/synctest"

	"github.com/oceankit/digitalocean"
	"github.com/oceankit/digitalocean/digitaloceantest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// matrixOutcome is what a call under a fault tells its caller.
type matrixOutcome int

const (
	// succeeded: no error, nothing flagged.
	succeeded matrixOutcome = iota + 1
	// recovered: no error, Response.Recovered (read back).
	recovered
	// goneOnRetry: no error, Response.GoneOnRetry (a delete re-sent).
	goneOnRetry
	// outcomeUnknown: an error that matches ErrOutcomeUnknown.
	outcomeUnknown
)

func (o matrixOutcome) String() string {
	return map[matrixOutcome]string{succeeded: "success", recovered: "Recovered", goneOnRetry: "GoneOnRetry", outcomeUnknown: "ErrOutcomeUnknown"}[o]
}

// matrixFixture is the state a row's call acts on.
type matrixFixture struct {
	app                                *digitalocean.App
	deployment, job, event, alert      string
	firstDeployment, rollbackCandidate string
}

// matrixRow is one write: how to set up its target, how to call it, and
// what a call tells its caller when a response is lost after the server
// acted (afterApplied), and for a write that acts anew, before
// (beforeApplied, with the effects the fake then records: one where the
// SDK may re-send, none where it may not).
//
// Only InstallKubernetes still says outcomeUnknown: no read shows its
// effect. The writes that start a deployment are resolved by it, the
// converging ones by reading the object (docs/retries.md, "Recovery").
type matrixRow struct {
	setup func(t *testing.T, srv *digitaloceantest.Server, c *digitalocean.Client, f *matrixFixture)
	// call makes the call; got reports whether it returned a value (for
	// the methods that return none, whether the error is nil).
	call func(ctx context.Context, c *digitalocean.Client, f *matrixFixture) (got bool, resp *digitalocean.Response, err error)

	afterApplied        matrixOutcome
	beforeApplied       matrixOutcome
	beforeAppliedEffect int
}

func matrixSpec(name string) *digitalocean.AppSpec {
	return &digitalocean.AppSpec{
		Name:   name,
		Region: digitalocean.AppRegionSlugNYC,
		Services: []*digitalocean.AppServiceSpec{{
			Name:          "web",
			GitHub:        &digitalocean.AppGitHubSourceSpec{Repo: "digitalocean/sample-golang", Branch: "main"},
			InstanceCount: 1,
			Alerts: []*digitalocean.AppAlertSpec{{Rule: digitalocean.AppAlertSpecRuleCPUUtilization,
				Operator: digitalocean.AppAlertSpecOperatorGreaterThan, Value: 80, Window: digitalocean.AppAlertSpecWindowFiveMinutes}},
		}},
		Jobs: []*digitalocean.AppJobSpec{{Name: "report", Kind: digitalocean.AppJobSpecKindScheduled,
			GitHub:   &digitalocean.AppGitHubSourceSpec{Repo: "digitalocean/sample-golang", Branch: "main"},
			Schedule: &digitalocean.AppJobSpecSchedule{Cron: "0 0 * * *", TimeZone: "UTC"}}},
		Databases: []*digitalocean.AppDatabaseSpec{{Name: "db", Engine: digitalocean.AppDatabaseSpecEnginePG, Version: "16"}},
	}
}

// settle moves the fake's clock on until the app's deployments are over.
func settle(t *testing.T, srv *digitaloceantest.Server, c *digitalocean.Client, appID string) *digitalocean.App {
	t.Helper()
	for range 100 { // a cap: a deployment that never ends fails the test
		app, _, err := c.Apps.Get(t.Context(), appID)
		require.NoError(t, err)
		if app.ActiveDeployment != nil && app.PendingDeployment == nil && app.InProgressDeployment == nil {
			return app
		}
		srv.Advance(digitaloceantest.DefaultPhaseDuration)
	}
	t.Fatalf("app %s never settled", appID)
	return nil
}

// withRollback rolls the fixture's app back to its first deployment.
func withRollback(t *testing.T, srv *digitaloceantest.Server, c *digitalocean.Client, f *matrixFixture) {
	t.Helper()
	_, _, err := c.Apps.CreateRollback(t.Context(), f.app.ID, &digitalocean.AppRollbackRequest{DeploymentID: f.rollbackCandidate})
	require.NoError(t, err)
	f.app = settle(t, srv, c, f.app.ID)
}

func withValue[T any](v *T, resp *digitalocean.Response, err error) (bool, *digitalocean.Response, error) {
	return v != nil, resp, err
}

var matrixRows = map[string]matrixRow{
	"oneClicks_install_kubernetes": {
		call: func(ctx context.Context, c *digitalocean.Client, _ *matrixFixture) (bool, *digitalocean.Response, error) {
			return withValue(c.OneClicks.InstallKubernetes(ctx, &digitalocean.InstallKubernetesRequest{ClusterUUID: "c-1", AddonSlugs: []string{"monitoring"}}))
		},
		afterApplied: outcomeUnknown, beforeApplied: outcomeUnknown,
	},
	"apps_create": {
		call: func(ctx context.Context, c *digitalocean.Client, _ *matrixFixture) (bool, *digitalocean.Response, error) {
			return withValue(c.Apps.Create(ctx, &digitalocean.AppCreateRequest{Spec: matrixSpec("matrix-new")}))
		},
		afterApplied: recovered, beforeApplied: succeeded, beforeAppliedEffect: 1,
	},
	"apps_update": {
		call: func(ctx context.Context, c *digitalocean.Client, f *matrixFixture) (bool, *digitalocean.Response, error) {
			spec := matrixSpec("matrix")
			spec.Services[0].InstanceCount = 2
			return withValue(c.Apps.Update(ctx, f.app.ID, &digitalocean.AppUpdateRequest{Spec: spec}))
		},
		afterApplied: recovered, beforeApplied: succeeded, beforeAppliedEffect: 1,
	},
	"apps_delete": {
		call: func(ctx context.Context, c *digitalocean.Client, f *matrixFixture) (bool, *digitalocean.Response, error) {
			resp, err := c.Apps.Delete(ctx, f.app.ID)
			return err == nil, resp, err
		},
		afterApplied: goneOnRetry,
	},
	"apps_restart": {
		call: func(ctx context.Context, c *digitalocean.Client, f *matrixFixture) (bool, *digitalocean.Response, error) {
			return withValue(c.Apps.Restart(ctx, f.app.ID, nil))
		},
		afterApplied: recovered, beforeApplied: succeeded, beforeAppliedEffect: 1,
	},
	"apps_create_deployment": {
		call: func(ctx context.Context, c *digitalocean.Client, f *matrixFixture) (bool, *digitalocean.Response, error) {
			return withValue(c.Apps.CreateDeployment(ctx, f.app.ID, nil))
		},
		afterApplied: recovered, beforeApplied: succeeded, beforeAppliedEffect: 1,
	},
	"apps_cancel_deployment": {
		setup: func(t *testing.T, _ *digitaloceantest.Server, c *digitalocean.Client, f *matrixFixture) {
			d, _, err := c.Apps.CreateDeployment(t.Context(), f.app.ID, nil)
			require.NoError(t, err)
			f.deployment = d.ID
		},
		call: func(ctx context.Context, c *digitalocean.Client, f *matrixFixture) (bool, *digitalocean.Response, error) {
			return withValue(c.Apps.CancelDeployment(ctx, f.app.ID, f.deployment))
		},
		afterApplied: recovered, // the re-send finds it canceled (400): read back
	},
	"apps_cancel_job_invocation": {
		setup: func(t *testing.T, srv *digitaloceantest.Server, _ *digitalocean.Client, f *matrixFixture) {
			id, err := srv.InvokeJob(f.app.ID, "report", false)
			require.NoError(t, err)
			f.job = id
		},
		call: func(ctx context.Context, c *digitalocean.Client, f *matrixFixture) (bool, *digitalocean.Response, error) {
			return withValue(c.Apps.CancelJobInvocation(ctx, f.app.ID, f.job, &digitalocean.JobInvocationOptions{JobName: "report"}))
		},
		afterApplied: recovered, // the re-send finds it canceled (400): read back
	},
	"apps_cancel_event": {
		setup: func(t *testing.T, srv *digitaloceantest.Server, _ *digitalocean.Client, f *matrixFixture) {
			id, err := srv.TriggerAutoscale(f.app.ID, "web", 1, 2)
			require.NoError(t, err)
			f.event = id
		},
		call: func(ctx context.Context, c *digitalocean.Client, f *matrixFixture) (bool, *digitalocean.Response, error) {
			return withValue(c.Apps.CancelEvent(ctx, f.app.ID, f.event))
		},
		afterApplied: recovered, // the re-send finds it canceled (400): read back
	},
	"apps_assign_alertDestinations": {
		setup: func(t *testing.T, _ *digitaloceantest.Server, c *digitalocean.Client, f *matrixFixture) {
			alerts, _, err := c.Apps.ListAlerts(t.Context(), f.app.ID)
			require.NoError(t, err)
			require.NotEmpty(t, alerts)
			f.alert = alerts[0].ID
		},
		call: func(ctx context.Context, c *digitalocean.Client, f *matrixFixture) (bool, *digitalocean.Response, error) {
			return withValue(c.Apps.UpdateAlertDestinations(ctx, f.app.ID, f.alert,
				&digitalocean.AlertDestinationsUpdateRequest{Emails: []string{"sammy@digitalocean.com"}}))
		},
		afterApplied: succeeded, // re-sent: the same list again changes nothing
	},
	"apps_create_rollback": {
		call: func(ctx context.Context, c *digitalocean.Client, f *matrixFixture) (bool, *digitalocean.Response, error) {
			return withValue(c.Apps.CreateRollback(ctx, f.app.ID, &digitalocean.AppRollbackRequest{DeploymentID: f.rollbackCandidate}))
		},
		afterApplied: recovered, beforeApplied: succeeded, beforeAppliedEffect: 1,
	},
	"apps_commit_rollback": {
		setup: withRollback,
		call: func(ctx context.Context, c *digitalocean.Client, f *matrixFixture) (bool, *digitalocean.Response, error) {
			resp, err := c.Apps.CommitRollback(ctx, f.app.ID)
			return err == nil, resp, err
		},
		afterApplied: recovered, // the re-send finds no rollback (400): read back
	},
	"apps_revert_rollback": {
		setup: withRollback,
		call: func(ctx context.Context, c *digitalocean.Client, f *matrixFixture) (bool, *digitalocean.Response, error) {
			return withValue(c.Apps.RevertRollback(ctx, f.app.ID))
		},
		afterApplied: recovered, beforeApplied: succeeded, beforeAppliedEffect: 1,
	},
	"apps_upgrade_buildpack": {
		call: func(ctx context.Context, c *digitalocean.Client, f *matrixFixture) (bool, *digitalocean.Response, error) {
			return withValue(c.Apps.UpgradeBuildpack(ctx, f.app.ID,
				&digitalocean.AppUpgradeBuildpackRequest{BuildpackID: "digitalocean/go", MajorVersion: 1, TriggerDeployment: true}))
		},
		afterApplied: recovered, beforeApplied: succeeded, beforeAppliedEffect: 1,
	},
	"apps_reset_database_password": {
		call: func(ctx context.Context, c *digitalocean.Client, f *matrixFixture) (bool, *digitalocean.Response, error) {
			return withValue(c.Apps.ResetDatabasePassword(ctx, f.app.ID, "db"))
		},
		afterApplied: recovered, beforeApplied: succeeded, beforeAppliedEffect: 1,
	},
	"apps_toggle_database_trusted_source": {
		call: func(ctx context.Context, c *digitalocean.Client, f *matrixFixture) (bool, *digitalocean.Response, error) {
			enable := true
			return withValue(c.Apps.ToggleDatabaseTrustedSource(ctx, f.app.ID, "db", &digitalocean.AppDatabaseTrustedSourcesRequest{Enable: &enable}))
		},
		afterApplied: recovered, beforeApplied: succeeded, beforeAppliedEffect: 1,
	},
}

// matrixFault is one way a response gets lost.
type matrixFault struct {
	name    string
	fault   digitaloceantest.Fault
	http2   bool // the fake speaks HTTP/2 (WithHTTP2)
	applied bool
}

var (
	afterAppliedFaults = []matrixFault{
		{"500 after applying", digitaloceantest.Fault{Status: http.StatusInternalServerError, Applied: true}, false, true},
		{"connection dropped after applying", digitaloceantest.Fault{DropConnection: true, Applied: true}, false, true},
		{"HTTP/2 stream reset after applying", digitaloceantest.Fault{ResetStream: true, Applied: true}, true, true},
	}
	beforeAppliedFaults = []matrixFault{
		{"500 before applying", digitaloceantest.Fault{Status: http.StatusInternalServerError}, false, false},
		{"connection dropped before applying", digitaloceantest.Fault{DropConnection: true}, false, false},
		{"HTTP/2 stream reset before applying", digitaloceantest.Fault{ResetStream: true}, true, false},
	}
)

// Every write in the operations table has a row: a write added later
// without one fails here.
func TestFaultMatrixCoversEveryWrite(t *testing.T) {
	writes := slices.Sorted(maps.Keys(digitalocean.WriteOperationsForTest))
	assert.Equal(t, writes, slices.Sorted(maps.Keys(matrixRows)), "faults_matrix_test.go needs one row per write")
	for op, resend := range digitalocean.WriteOperationsForTest {
		if row, ok := matrixRows[op]; ok && !resend {
			assert.NotZero(t, row.beforeApplied, "%s acts anew: its row says what a fault before applying gives", op)
		}
	}
}

func TestFaultMatrix(t *testing.T) {
	for _, op := range slices.Sorted(maps.Keys(digitalocean.WriteOperationsForTest)) {
		row, ok := matrixRows[op]
		if !ok {
			continue // TestFaultMatrixCoversEveryWrite fails
		}
		faults := afterAppliedFaults
		if !digitalocean.WriteOperationsForTest[op] {
			faults = append(slices.Clone(faults), beforeAppliedFaults...)
		}
		for _, mf := range faults {
			t.Run(op+"/"+mf.name, func(t *testing.T) {
				synctest.Test(t, func(t *testing.T) {
					want, wantEffects := row.afterApplied, 1
					if !mf.applied {
						want, wantEffects = row.beforeApplied, row.beforeAppliedEffect
					}
					effects, outcome := runMatrixCell(t, op, row, mf)
					assert.Equal(t, nonZero(map[string]int{op: wantEffects}), nonZero(effects),
						"the fake's effects of one call: exactly %d %s, and nothing else", wantEffects, op)
					assert.Equal(t, want, outcome, "what the call says happened")
				})
			})
		}
	}
}

// runMatrixCell sets up the fake, makes one call under the fault, and
// returns the effects the call had and what it told its caller.
func runMatrixCell(t *testing.T, op string, row matrixRow, mf matrixFault) (map[string]int, matrixOutcome) {
	t.Helper()
	opts := []digitaloceantest.Option{digitaloceantest.WithInMemoryNetwork()}
	if mf.http2 {
		opts = append(opts, digitaloceantest.WithHTTP2())
	}
	srv := digitaloceantest.New(t, opts...)
	c := srv.Client()
	f := &matrixFixture{}
	app, _, err := c.Apps.Create(t.Context(), &digitalocean.AppCreateRequest{Spec: matrixSpec("matrix")})
	require.NoError(t, err)
	f.firstDeployment = settle(t, srv, c, app.ID).ActiveDeployment.ID
	// A second deployment, so the first can be rolled back to.
	_, _, err = c.Apps.CreateDeployment(t.Context(), app.ID, nil)
	require.NoError(t, err)
	f.app = settle(t, srv, c, app.ID)
	f.rollbackCandidate = f.firstDeployment
	if row.setup != nil {
		row.setup(t, srv, c, f)
	}

	before, sentBefore := srv.Effects(), len(srv.Requests())
	srv.FailNext(1, digitaloceantest.Match{Operation: op}, mf.fault)
	got, resp, err := row.call(t.Context(), c, f)
	after := srv.Effects()
	for k, v := range before {
		after[k] -= v
	}
	t.Logf("%s under %q: sent %d time(s), effects %v, error: %v", op, mf.name, countOp(srv.Requests()[sentBefore:], op), nonZero(after), err)

	switch {
	case err == nil:
		require.NotNil(t, resp)
		assert.True(t, got, "a success returns its value")
		switch {
		case resp.Recovered:
			return after, recovered
		case resp.GoneOnRetry:
			return after, goneOnRetry
		}
		return after, succeeded
	case errors.Is(err, digitalocean.ErrOutcomeUnknown):
		assert.False(t, got, "an error returns no value")
		assert.Contains(t, err.Error(), "outcome unknown", "the text says so too")
		return after, outcomeUnknown
	}
	t.Errorf("a plain error, which says nothing of whether %s was applied: %v", op, err)
	return after, 0
}

func countOp(reqs []digitaloceantest.Request, op string) int {
	n := 0
	for _, r := range reqs {
		if r.Operation == op {
			n++
		}
	}
	return n
}

func nonZero(m map[string]int) map[string]int {
	out := map[string]int{}
	for k, v := range m {
		if v != 0 {
			out[k] = v
		}
	}
	return out
}
