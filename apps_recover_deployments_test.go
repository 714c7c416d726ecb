package digitalocean_test

import (
	"context"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/oceankit/digitalocean"
	"github.com/oceankit/digitalocean/digitaloceantest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The writes that start a deployment resolve an unknown outcome by the
// deployment: the one started since the call, of the operation's cause, is
// the call's (docs/retries.md, "Recovery"). Every case checks the fake's
// count: exactly one new deployment per call.

// deploySpec has a Node.js service (the node buildpack builds it) and two
// dev databases (trusted sources are kept per database).
func deploySpec(name string) *digitalocean.AppSpec {
	return &digitalocean.AppSpec{
		Name: name,
		Services: []*digitalocean.AppServiceSpec{{
			Name: "web", GitHub: &digitalocean.AppGitHubSourceSpec{Repo: "acme/node-web", Branch: "main"}, HTTPPort: 8080, InstanceCount: 1,
		}},
		Databases: []*digitalocean.AppDatabaseSpec{
			{Name: "db", Engine: digitalocean.AppDatabaseSpecEnginePG, Version: "16"},
			{Name: "cache", Engine: digitalocean.AppDatabaseSpecEnginePG, Version: "16"},
		},
	}
}

// deployFixture is an app ready for the write: active, and for the
// rollback operations with a deployment to roll back to.
type deployFixture struct {
	appID  string
	target string // a deployment a rollback may return to
	from   int    // the fake's request count once the fixture is ready
}

// deployingWrite is one operation that starts a deployment.
type deployingWrite struct {
	name string
	op   string // its operationId
	// pinned: the fixture is a pinned rollback (for RevertRollback).
	pinned bool
	// call makes the write; deploymentID is the deployment it returns ("" for
	// Update, which returns the app).
	call func(ctx context.Context, c *digitalocean.Client, f deployFixture) (deploymentID string, resp *digitalocean.Response, err error)
	// another starts a deployment someone else might start meanwhile, that
	// this write's recovery cannot tell from its own.
	another func(ctx context.Context, c *digitalocean.Client, f deployFixture) error
}

var deployingWrites = []deployingWrite{
	{name: "CreateDeployment", op: "apps_create_deployment",
		call: func(ctx context.Context, c *digitalocean.Client, f deployFixture) (string, *digitalocean.Response, error) {
			d, resp, err := c.Apps.CreateDeployment(ctx, f.appID, nil)
			return deploymentID(d), resp, err
		},
		another: func(ctx context.Context, c *digitalocean.Client, f deployFixture) error {
			_, _, err := c.Apps.CreateDeployment(ctx, f.appID, nil)
			return err
		}},
	{name: "Restart", op: "apps_restart",
		call: func(ctx context.Context, c *digitalocean.Client, f deployFixture) (string, *digitalocean.Response, error) {
			d, resp, err := c.Apps.Restart(ctx, f.appID, nil)
			return deploymentID(d), resp, err
		},
		another: func(ctx context.Context, c *digitalocean.Client, f deployFixture) error {
			_, _, err := c.Apps.Restart(ctx, f.appID, &digitalocean.AppRestartRequest{Components: []string{"web"}})
			return err
		}},
	{name: "CreateRollback", op: "apps_create_rollback",
		call: func(ctx context.Context, c *digitalocean.Client, f deployFixture) (string, *digitalocean.Response, error) {
			d, resp, err := c.Apps.CreateRollback(ctx, f.appID, &digitalocean.AppRollbackRequest{DeploymentID: f.target, SkipPin: true})
			return deploymentID(d), resp, err
		},
		another: func(ctx context.Context, c *digitalocean.Client, f deployFixture) error {
			_, _, err := c.Apps.CreateRollback(ctx, f.appID, &digitalocean.AppRollbackRequest{DeploymentID: f.target, SkipPin: true})
			return err
		}},
	{name: "RevertRollback", op: "apps_revert_rollback", pinned: true,
		call: func(ctx context.Context, c *digitalocean.Client, f deployFixture) (string, *digitalocean.Response, error) {
			d, resp, err := c.Apps.RevertRollback(ctx, f.appID)
			return deploymentID(d), resp, err
		},
		// After the revert no second one is possible; a deployment of
		// another user action cannot be told apart either.
		another: func(ctx context.Context, c *digitalocean.Client, f deployFixture) error {
			_, _, err := c.Apps.CreateDeployment(ctx, f.appID, nil)
			return err
		}},
	{name: "UpgradeBuildpack", op: "apps_upgrade_buildpack",
		call: func(ctx context.Context, c *digitalocean.Client, f deployFixture) (string, *digitalocean.Response, error) {
			out, resp, err := c.Apps.UpgradeBuildpack(ctx, f.appID, &digitalocean.AppUpgradeBuildpackRequest{BuildpackID: "digitalocean/node", TriggerDeployment: true})
			if out == nil {
				return "", resp, err
			}
			return deploymentID(out.Deployment), resp, err
		},
		another: func(ctx context.Context, c *digitalocean.Client, f deployFixture) error {
			_, _, err := c.Apps.UpgradeBuildpack(ctx, f.appID, &digitalocean.AppUpgradeBuildpackRequest{BuildpackID: "digitalocean/node", TriggerDeployment: true})
			return err
		}},
	{name: "ResetDatabasePassword", op: "apps_reset_database_password",
		call: func(ctx context.Context, c *digitalocean.Client, f deployFixture) (string, *digitalocean.Response, error) {
			d, resp, err := c.Apps.ResetDatabasePassword(ctx, f.appID, "db")
			return deploymentID(d), resp, err
		},
		another: func(ctx context.Context, c *digitalocean.Client, f deployFixture) error {
			_, _, err := c.Apps.ResetDatabasePassword(ctx, f.appID, "cache")
			return err
		}},
	{name: "ToggleDatabaseTrustedSource", op: "apps_toggle_database_trusted_source",
		call: func(ctx context.Context, c *digitalocean.Client, f deployFixture) (string, *digitalocean.Response, error) {
			out, resp, err := c.Apps.ToggleDatabaseTrustedSource(ctx, f.appID, "db", &digitalocean.AppDatabaseTrustedSourcesRequest{Enable: digitalocean.Ptr(true)})
			if err == nil && !out.IsEnabled {
				panic("ToggleDatabaseTrustedSource: the result is not the requested state")
			}
			return "", resp, err
		},
		another: func(ctx context.Context, c *digitalocean.Client, f deployFixture) error {
			_, _, err := c.Apps.ToggleDatabaseTrustedSource(ctx, f.appID, "cache", &digitalocean.AppDatabaseTrustedSourcesRequest{Enable: digitalocean.Ptr(true)})
			return err
		}},
	// An update that changes nothing: the live spec is the requested one
	// whether or not it was applied; only its deployment tells.
	{name: "Update (same spec)", op: "apps_update",
		call: func(ctx context.Context, c *digitalocean.Client, f deployFixture) (string, *digitalocean.Response, error) {
			app, resp, err := c.Apps.Update(ctx, f.appID, &digitalocean.AppUpdateRequest{Spec: deploySpec("shop")})
			if err == nil && app.ID != f.appID {
				panic("Update: another app")
			}
			return "", resp, err
		},
		another: func(ctx context.Context, c *digitalocean.Client, f deployFixture) error {
			_, _, err := c.Apps.Update(ctx, f.appID, &digitalocean.AppUpdateRequest{Spec: deploySpec("shop")})
			return err
		}},
}

func deploymentID(d *digitalocean.Deployment) string {
	if d == nil {
		return ""
	}
	return d.ID
}

// afterWrite runs a function once, after the first request that is not a
// GET has had its answer (or lost it): what another client does while the
// call is still resolving its outcome.
type afterWrite struct {
	base http.RoundTripper
	once sync.Once
	fn   func()
}

func (h *afterWrite) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := h.base.RoundTrip(r)
	if r.Method != http.MethodGet && h.fn != nil {
		h.once.Do(h.fn)
	}
	return resp, err
}

// deployFake is a fake with the fixture of w ready, and a client whose
// first write is followed by hook (if not nil).
func deployFake(t *testing.T, w deployingWrite, hook func(srv *digitaloceantest.Server, f deployFixture)) (*digitaloceantest.Server, *digitalocean.Client, deployFixture) {
	t.Helper()
	srv := digitaloceantest.New(t)
	setup := srv.Client()
	ctx := t.Context()
	app, _, err := setup.Apps.Create(ctx, &digitalocean.AppCreateRequest{Spec: deploySpec("shop")})
	require.NoError(t, err)
	f := deployFixture{appID: app.ID, target: app.PendingDeployment.ID}
	srv.Advance(3 * digitaloceantest.DefaultPhaseDuration)
	_, _, err = setup.Apps.CreateDeployment(ctx, app.ID, nil) // the first deployment is no longer the active one
	require.NoError(t, err)
	srv.Advance(3 * digitaloceantest.DefaultPhaseDuration)
	if w.pinned {
		_, _, err = setup.Apps.CreateRollback(ctx, app.ID, &digitalocean.AppRollbackRequest{DeploymentID: f.target})
		require.NoError(t, err)
	}
	f.from = len(srv.Requests())
	hc := srv.HTTPClient()
	hooked := &afterWrite{base: hc.Transport}
	if hook != nil {
		hooked.fn = func() { hook(srv, f) }
	}
	c := srv.Client(digitalocean.WithHTTPClient(&http.Client{Transport: hooked}),
		digitalocean.WithRetry(digitalocean.RetryPolicy{MaxAttempts: 3, BaseDelay: time.Millisecond}))
	return srv, c, f
}

// deploymentIDs lists the app's deployments, newest first.
func deploymentIDs(t *testing.T, srv *digitaloceantest.Server, appID string) []string {
	t.Helper()
	ds, _, err := srv.Client().Apps.ListDeployments(t.Context(), appID, &digitalocean.DeploymentListOptions{ListOptions: digitalocean.ListOptions{PerPage: 100}})
	require.NoError(t, err)
	var ids []string
	for _, d := range ds {
		ids = append(ids, d.ID)
	}
	return ids
}

// callCounted makes w's call and returns its results with the deployments
// it added (newest first).
func callCounted(t *testing.T, srv *digitaloceantest.Server, c *digitalocean.Client, f deployFixture, w deployingWrite, ctx context.Context) (string, []string, *digitalocean.Response, error) {
	t.Helper()
	before := len(deploymentIDs(t, srv, f.appID))
	id, resp, err := w.call(ctx, c, f)
	after := deploymentIDs(t, srv, f.appID)
	return id, after[:len(after)-before], resp, err
}

func TestDeployingWritesRecoverAnAppliedAttempt(t *testing.T) {
	for _, w := range deployingWrites {
		for _, fault := range lostAfterApplied {
			srv, c, f := deployFake(t, w, nil)
			srv.FailNext(1, digitaloceantest.Match{Operation: w.op}, fault)
			id, added, resp, err := callCounted(t, srv, c, f, w, t.Context())
			require.NoError(t, err, "%s %+v", w.name, fault)
			assert.True(t, resp.Recovered, w.name)
			require.Len(t, added, 1, "%s: exactly one new deployment", w.name)
			if id != "" {
				assert.Equal(t, added[0], id, "%s: the call's own deployment", w.name)
			}
			assert.Equal(t, 1, sentSince(srv, w.op, f.from), "%s: an applied write is never re-sent", w.name)
		}
	}
}

func TestDeployingWritesNotAppliedAreResentOnce(t *testing.T) {
	for _, w := range deployingWrites {
		srv, c, f := deployFake(t, w, nil)
		srv.FailNext(1, digitaloceantest.Match{Operation: w.op}, digitaloceantest.Fault{Status: http.StatusInternalServerError})
		id, added, resp, err := callCounted(t, srv, c, f, w, t.Context())
		require.NoError(t, err, w.name)
		assert.False(t, resp.Recovered, "%s: the re-send's own answer", w.name)
		require.Len(t, added, 1, "%s: exactly one new deployment", w.name)
		if id != "" {
			assert.Equal(t, added[0], id, w.name)
		}
		assert.Equal(t, 2, sentSince(srv, w.op, f.from), w.name)
	}
}

func TestDeployingWritesNotAppliedTwiceAreNotSentAThirdTime(t *testing.T) {
	for _, w := range deployingWrites {
		srv, c, f := deployFake(t, w, nil)
		srv.FailNext(2, digitaloceantest.Match{Operation: w.op}, digitaloceantest.Fault{Status: http.StatusInternalServerError})
		_, added, _, err := callCounted(t, srv, c, f, w, t.Context())
		require.ErrorIs(t, err, digitalocean.ErrOutcomeUnknown, w.name)
		require.ErrorIs(t, err, digitalocean.ErrServerError, "%s: the re-send's error is kept", w.name)
		assert.Contains(t, err.Error(), "(read back: no effect found after the re-send", "%s: the error says what the read found", w.name)
		assert.Empty(t, added, w.name)
		assert.Equal(t, 2, sentSince(srv, w.op, f.from), w.name)
	}
}

func TestDeployingWritesWithoutRecoveryReportOutcomeUnknown(t *testing.T) {
	for _, w := range deployingWrites {
		srv, c, f := deployFake(t, w, nil)
		srv.FailNext(1, digitaloceantest.Match{Operation: w.op}, lostAfterApplied[0])
		_, added, _, err := callCounted(t, srv, c, f, w, noRecovery(t.Context()))
		require.ErrorIs(t, err, digitalocean.ErrOutcomeUnknown, w.name)
		assert.Len(t, added, 1, w.name)
		assert.Equal(t, 2, sentSince(srv, "apps_list_deployments", f.from), "%s: no read of the call's own, only the test's two", w.name)
		assert.Equal(t, 1, sentSince(srv, w.op, f.from), w.name)
	}
}

func TestDeployingWritesKeepOutcomeUnknownWhenTheReadFails(t *testing.T) {
	listOp := digitaloceantest.Match{Operation: "apps_list_deployments"}
	unavailable := digitaloceantest.Fault{Status: http.StatusServiceUnavailable}
	for _, w := range deployingWrites {
		// The read after the failure fails.
		srv, c, f := deployFake(t, w, func(srv *digitaloceantest.Server, _ deployFixture) { srv.FailNext(3, listOp, unavailable) })
		srv.FailNext(1, digitaloceantest.Match{Operation: w.op}, lostAfterApplied[0])
		_, _, err := w.call(t.Context(), c, f)
		require.ErrorIs(t, err, digitalocean.ErrOutcomeUnknown, w.name)
		assert.Contains(t, err.Error(), "reading back to resolve it failed", w.name)
		assert.Equal(t, 1, sentSince(srv, w.op, f.from), w.name)

		// The read before the write fails: nothing can show a deployment
		// is new.
		srv, c, f = deployFake(t, w, nil)
		srv.FailNext(3, listOp, unavailable)
		srv.FailNext(1, digitaloceantest.Match{Operation: w.op}, lostAfterApplied[0])
		_, _, err = w.call(t.Context(), c, f)
		require.ErrorIs(t, err, digitalocean.ErrOutcomeUnknown, w.name)
		assert.Contains(t, err.Error(), "reading back to resolve it failed", w.name)
		assert.Equal(t, 1, sentSince(srv, w.op, f.from), w.name)
		assert.Len(t, deploymentIDs(t, srv, f.appID), 2+btoi(w.pinned)+1, "%s: the write was applied once", w.name)
	}
}

// sentSince counts the requests of operation op from the from-th on.
func sentSince(srv *digitaloceantest.Server, op string, from int) int {
	n := 0
	for _, r := range srv.Requests()[from:] {
		if r.Operation == op {
			n++
		}
	}
	return n
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

func TestDeployingWritesWithTwoCandidatesKeepOutcomeUnknown(t *testing.T) {
	for _, w := range deployingWrites {
		otherSends := 0 // the other client's requests of the same operation
		srv, c, f := deployFake(t, w, func(srv *digitaloceantest.Server, f deployFixture) {
			before := sentSince(srv, w.op, 0)
			require.NoError(t, w.another(t.Context(), srv.Client(), f), w.name)
			otherSends = sentSince(srv, w.op, 0) - before
		})
		srv.FailNext(1, digitaloceantest.Match{Operation: w.op}, lostAfterApplied[0])
		_, added, resp, err := callCounted(t, srv, c, f, w, t.Context())
		require.ErrorIs(t, err, digitalocean.ErrOutcomeUnknown, w.name)
		assert.Contains(t, err.Error(), "2 deployments started since the call could be its own", w.name)
		assert.False(t, resp != nil && resp.Recovered, w.name)
		assert.Len(t, added, 2, "%s: the call's and the other one", w.name)
		assert.Equal(t, 1+otherSends, sentSince(srv, w.op, f.from), "%s: never re-sent", w.name)
	}
}

// A deployment no API call starts (a push to the source) is not a
// candidate: the call's own is still found.
func TestDeployingWritesIgnoreAPushDeployment(t *testing.T) {
	for _, w := range deployingWrites {
		var pushed string
		srv, c, f := deployFake(t, w, func(srv *digitaloceantest.Server, f deployFixture) {
			var err error
			pushed, err = srv.DeployOnPush(f.appID)
			require.NoError(t, err, w.name)
		})
		srv.FailNext(1, digitaloceantest.Match{Operation: w.op}, lostAfterApplied[0])
		id, added, resp, err := callCounted(t, srv, c, f, w, t.Context())
		require.NoError(t, err, w.name)
		assert.True(t, resp.Recovered, w.name)
		require.Len(t, added, 2, w.name)
		assert.Equal(t, pushed, added[0], w.name)
		if id != "" {
			assert.Equal(t, added[1], id, "%s: not the push's", w.name)
		}
		assert.Equal(t, 1, sentSince(srv, w.op, f.from), w.name)
	}
}

// The price of recovery on the happy path: one read before the write,
// none with NoRecovery.
func TestDeployingWritesCostOneReadBeforeSending(t *testing.T) {
	for _, w := range deployingWrites {
		for _, recovery := range []bool{true, false} {
			srv, c, f := deployFake(t, w, nil)
			ctx := t.Context()
			if !recovery {
				ctx = noRecovery(ctx)
			}
			_, resp, err := w.call(ctx, c, f)
			require.NoError(t, err, w.name)
			assert.False(t, resp.Recovered, w.name)
			var ops []string
			for _, r := range srv.Requests()[f.from:] {
				ops = append(ops, r.Operation)
			}
			want := []string{w.op}
			if recovery {
				want = []string{"apps_list_deployments", w.op}
			}
			assert.Equal(t, want, ops, "%s, recovery %v", w.name, recovery)
		}
	}
}

// UpgradeBuildpack without TriggerDeployment starts nothing a read could
// show: no read before it, and an unknown outcome stays unknown.
func TestUpgradeBuildpackWithoutDeploymentKeepsOutcomeUnknown(t *testing.T) {
	srv, c, f := deployFake(t, deployingWrites[0], nil)
	srv.FailNext(1, digitaloceantest.Match{Operation: "apps_upgrade_buildpack"}, lostAfterApplied[0])
	_, _, err := c.Apps.UpgradeBuildpack(t.Context(), f.appID, &digitalocean.AppUpgradeBuildpackRequest{BuildpackID: "digitalocean/node"})
	require.ErrorIs(t, err, digitalocean.ErrOutcomeUnknown)
	assert.Len(t, srv.Requests()[f.from:], 1, "the write only")
}

// When more deployments than the read looks at started since the call,
// the one noted before it is not among them: nothing shows which are new.
func TestDeployingWriteKeepsOutcomeUnknownWhenTheNotedDeploymentIsOutOfReach(t *testing.T) {
	w := deployingWrites[0]
	srv, c, f := deployFake(t, w, func(srv *digitaloceantest.Server, f deployFixture) {
		for range 20 {
			_, err := srv.DeployOnPush(f.appID)
			require.NoError(t, err)
		}
	})
	srv.FailNext(1, digitaloceantest.Match{Operation: w.op}, lostAfterApplied[0])
	_, added, _, err := callCounted(t, srv, c, f, w, t.Context())
	require.ErrorIs(t, err, digitalocean.ErrOutcomeUnknown)
	assert.Contains(t, err.Error(), "is not among the latest 20")
	assert.Len(t, added, 21, "the call's and the pushes")
	assert.Equal(t, 1, sentSince(srv, w.op, f.from))
}
