package digitalocean_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/oceankit/digitalocean"
	"github.com/oceankit/digitalocean/digitaloceantest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A converging write (cancel, commit) is re-sent after an attempt that may
// have been applied; when the re-send fails because the first attempt did
// what was asked ("can no longer be canceled", "no rollback to commit"),
// the object is read and the call succeeds with Response.Recovered.

// convergeFixture is an app with something to cancel or commit.
type convergeFixture struct {
	appID, deploymentID, invocationID, eventID string
	from                                       int // the fake's request count once ready
}

// convergingWrite is one converging operation.
type convergingWrite struct {
	name, op string
	// call makes the write and reports the state the call returned ("" for
	// CommitRollback, which returns none).
	call func(ctx context.Context, c *digitalocean.Client, f convergeFixture) (state string, resp *digitalocean.Response, err error)
	// done reads whether the requested state holds.
	done func(t *testing.T, c *digitalocean.Client, f convergeFixture) bool
	// readOp is the operation of the read that resolves the outcome.
	readOp string
}

var convergingWrites = []convergingWrite{
	{name: "CancelDeployment", op: "apps_cancel_deployment", readOp: "apps_get_deployment",
		call: func(ctx context.Context, c *digitalocean.Client, f convergeFixture) (string, *digitalocean.Response, error) {
			d, resp, err := c.Apps.CancelDeployment(ctx, f.appID, f.deploymentID)
			if d == nil {
				return "", resp, err
			}
			return string(d.Phase), resp, err
		},
		done: func(t *testing.T, c *digitalocean.Client, f convergeFixture) bool {
			d, _, err := c.Apps.GetDeployment(t.Context(), f.appID, f.deploymentID)
			require.NoError(t, err)
			return d.Phase == digitalocean.DeploymentPhaseCanceled
		}},
	{name: "CancelJobInvocation", op: "apps_cancel_job_invocation", readOp: "apps_get_job_invocation",
		call: func(ctx context.Context, c *digitalocean.Client, f convergeFixture) (string, *digitalocean.Response, error) {
			j, resp, err := c.Apps.CancelJobInvocation(ctx, f.appID, f.invocationID, nil)
			if j == nil {
				return "", resp, err
			}
			return string(j.Phase), resp, err
		},
		done: func(t *testing.T, c *digitalocean.Client, f convergeFixture) bool {
			j, _, err := c.Apps.GetJobInvocation(t.Context(), f.appID, f.invocationID, nil)
			require.NoError(t, err)
			return j.Phase == digitalocean.JobInvocationPhaseCanceled
		}},
	{name: "CancelEvent", op: "apps_cancel_event", readOp: "apps_get_event",
		call: func(ctx context.Context, c *digitalocean.Client, f convergeFixture) (string, *digitalocean.Response, error) {
			e, resp, err := c.Apps.CancelEvent(ctx, f.appID, f.eventID)
			if e == nil {
				return "", resp, err
			}
			return string(e.Autoscaling.Phase), resp, err
		},
		done: func(t *testing.T, c *digitalocean.Client, f convergeFixture) bool {
			e, _, err := c.Apps.GetEvent(t.Context(), f.appID, f.eventID)
			require.NoError(t, err)
			return e.Autoscaling.Phase == digitalocean.AppEventAutoscalingPhaseCanceled
		}},
	{name: "CommitRollback", op: "apps_commit_rollback", readOp: "apps_get",
		call: func(ctx context.Context, c *digitalocean.Client, f convergeFixture) (string, *digitalocean.Response, error) {
			resp, err := c.Apps.CommitRollback(ctx, f.appID)
			return "", resp, err
		},
		done: func(t *testing.T, c *digitalocean.Client, f convergeFixture) bool {
			app, _, err := c.Apps.Get(t.Context(), f.appID)
			require.NoError(t, err)
			return app.PinnedDeployment == nil
		}},
}

// convergeFake is a fake with an app that has a deployment in progress, a
// job invocation running, an autoscaling event pending and a pinned
// rollback; its client's first write is followed by hook, if not nil.
func convergeFake(t *testing.T, hook func(srv *digitaloceantest.Server, f convergeFixture)) (*digitaloceantest.Server, *digitalocean.Client, convergeFixture) {
	t.Helper()
	srv := digitaloceantest.New(t)
	setup := srv.Client()
	ctx := t.Context()
	spec := deploySpec("shop")
	spec.Jobs = []*digitalocean.AppJobSpec{{Name: "report", Kind: digitalocean.AppJobSpecKindScheduled,
		Schedule: &digitalocean.AppJobSpecSchedule{Cron: "0 0 * * *", TimeZone: "UTC"},
		GitHub:   &digitalocean.AppGitHubSourceSpec{Repo: "acme/node-report", Branch: "main"}}}
	app, _, err := setup.Apps.Create(ctx, &digitalocean.AppCreateRequest{Spec: spec})
	require.NoError(t, err)
	f := convergeFixture{appID: app.ID}
	first := app.PendingDeployment.ID
	srv.Advance(3 * digitaloceantest.DefaultPhaseDuration)
	_, _, err = setup.Apps.CreateDeployment(ctx, app.ID, nil)
	require.NoError(t, err)
	srv.Advance(3 * digitaloceantest.DefaultPhaseDuration)
	f.invocationID, err = srv.InvokeJob(app.ID, "report", false)
	require.NoError(t, err)
	f.eventID, err = srv.TriggerAutoscale(app.ID, "web", 1, 2)
	require.NoError(t, err)
	rollback, _, err := setup.Apps.CreateRollback(ctx, app.ID, &digitalocean.AppRollbackRequest{DeploymentID: first})
	require.NoError(t, err)
	f.deploymentID = rollback.ID // in progress
	f.from = len(srv.Requests())
	hooked := &afterWrite{base: srv.HTTPClient().Transport}
	if hook != nil {
		hooked.fn = func() { hook(srv, f) }
	}
	c := srv.Client(digitalocean.WithHTTPClient(&http.Client{Transport: hooked}),
		digitalocean.WithRetry(digitalocean.RetryPolicy{MaxAttempts: 3, BaseDelay: 1}))
	return srv, c, f
}

func TestConvergingWritesRecoverWhenTheResendFindsItDone(t *testing.T) {
	for _, w := range convergingWrites {
		for _, fault := range lostAfterApplied {
			srv, c, f := convergeFake(t, nil)
			srv.FailNext(1, digitaloceantest.Match{Operation: w.op}, fault)
			state, resp, err := w.call(t.Context(), c, f)
			require.NoError(t, err, "%s %+v", w.name, fault)
			assert.True(t, resp.Recovered, w.name)
			if state != "" {
				assert.Equal(t, "CANCELED", state, w.name)
			}
			assert.True(t, w.done(t, c, f), w.name)
			assert.Equal(t, 2, sentSince(srv, w.op, f.from), "%s: re-sent once, answered with an error", w.name)
		}
	}
}

func TestConvergingWritesWithoutRecoveryReportOutcomeUnknown(t *testing.T) {
	for _, w := range convergingWrites {
		srv, c, f := convergeFake(t, nil)
		srv.FailNext(1, digitaloceantest.Match{Operation: w.op}, lostAfterApplied[0])
		_, _, err := w.call(noRecovery(t.Context()), c, f)
		require.ErrorIs(t, err, digitalocean.ErrOutcomeUnknown, w.name)
		assert.Equal(t, 0, sentSince(srv, w.readOp, f.from), "%s: no read", w.name)
		assert.True(t, w.done(t, c, f), "%s: applied all the same", w.name)
	}
}

func TestConvergingWritesKeepTheErrorWhenTheReadFails(t *testing.T) {
	for _, w := range convergingWrites {
		srv, c, f := convergeFake(t, nil)
		srv.FailNext(1, digitaloceantest.Match{Operation: w.op}, lostAfterApplied[0])
		srv.FailNext(3, digitaloceantest.Match{Operation: w.readOp}, digitaloceantest.Fault{Status: http.StatusServiceUnavailable})
		_, _, err := w.call(t.Context(), c, f)
		require.ErrorIs(t, err, digitalocean.ErrOutcomeUnknown, w.name)
		assert.Contains(t, err.Error(), "reading back to resolve it failed", w.name)
	}
}

// A re-send that fails while the object is not in the requested state
// keeps its error: the read shows nothing was done.
func TestConvergingWritesKeepTheErrorWhenNotDone(t *testing.T) {
	for _, w := range convergingWrites {
		srv, c, f := convergeFake(t, nil)
		srv.FailNext(3, digitaloceantest.Match{Operation: w.op}, digitaloceantest.Fault{Status: http.StatusInternalServerError})
		_, resp, err := w.call(t.Context(), c, f)
		require.ErrorIs(t, err, digitalocean.ErrOutcomeUnknown, w.name)
		assert.False(t, resp != nil && resp.Recovered, w.name)
		assert.False(t, w.done(t, c, f), w.name)
		assert.Equal(t, 3, sentSince(srv, w.op, f.from), w.name)
	}
}

// A rollback reverted by someone else while the commit was being re-sent
// is unpinned too, but not committed: the error stays.
func TestCommitRollbackRevertedMeanwhileKeepsTheError(t *testing.T) {
	srv, c, f := convergeFake(t, func(srv *digitaloceantest.Server, f convergeFixture) {
		_, _, err := srv.Client().Apps.RevertRollback(t.Context(), f.appID)
		require.NoError(t, err)
	})
	srv.FailNext(1, digitaloceantest.Match{Operation: "apps_commit_rollback"}, digitaloceantest.Fault{Status: http.StatusInternalServerError})
	resp, err := c.Apps.CommitRollback(t.Context(), f.appID)
	require.ErrorIs(t, err, digitalocean.ErrOutcomeUnknown)
	assert.False(t, resp != nil && resp.Recovered)
	assert.Equal(t, 2, sentSince(srv, "apps_commit_rollback", f.from))
}
