package digitalocean_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/oceankit/digitalocean"
	"github.com/oceankit/digitalocean/digitaloceantest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Apps.Create and Apps.Update resolve an unknown outcome by reading back:
// exactly one app, exactly one new deployment per call, and the result
// says it was recovered.

var (
	createOp = digitaloceantest.Match{Operation: "apps_create"}
	updateOp = digitaloceantest.Match{Operation: "apps_update"}
	// lostAfterApplied is a response lost after the server acted.
	lostAfterApplied = []digitaloceantest.Fault{
		{Status: http.StatusBadGateway, Applied: true},
		{DropConnection: true, Applied: true},
	}
)

func recoveryFake(t *testing.T) (*digitaloceantest.Server, *digitalocean.Client) {
	t.Helper()
	srv := digitaloceantest.NewServer()
	t.Cleanup(srv.Close)
	return srv, srv.Client(digitalocean.WithRetry(digitalocean.RetryPolicy{MaxAttempts: 3, BaseDelay: time.Millisecond}))
}

func noRecovery(ctx context.Context) context.Context {
	p := digitalocean.DefaultRetryPolicy()
	p.NoRecovery = true
	return digitalocean.WithRetryPolicy(ctx, p)
}

func appNames(t *testing.T, c *digitalocean.Client) []string {
	t.Helper()
	apps, _, err := c.Apps.List(t.Context(), nil)
	require.NoError(t, err)
	var names []string
	for _, a := range apps {
		names = append(names, a.Spec.Name)
	}
	return names
}

func sentCount(srv *digitaloceantest.Server, op string) int {
	n := 0
	for _, r := range srv.Requests() {
		if r.Operation == op {
			n++
		}
	}
	return n
}

func TestCreateRecoversAnAppliedCreate(t *testing.T) {
	for _, fault := range lostAfterApplied {
		srv, c := recoveryFake(t)
		srv.FailNext(1, createOp, fault)
		app, resp, err := c.Apps.Create(t.Context(), &digitalocean.AppCreateRequest{Spec: helloSpec("shop")})
		require.NoError(t, err, "%+v", fault)
		assert.True(t, resp.Recovered)
		assert.Equal(t, "shop", app.Spec.Name)
		assert.Equal(t, []string{"shop"}, appNames(t, c))
		assert.Equal(t, 1, sentCount(srv, "apps_create"), "an applied create is never re-sent")
	}
}

func TestCreateWithoutRecoveryReportsOutcomeUnknown(t *testing.T) {
	srv, c := recoveryFake(t)
	srv.FailNext(1, createOp, lostAfterApplied[0])
	_, _, err := c.Apps.Create(noRecovery(t.Context()), &digitalocean.AppCreateRequest{Spec: helloSpec("shop")})
	require.ErrorIs(t, err, digitalocean.ErrOutcomeUnknown)
	assert.Equal(t, []string{"shop"}, appNames(t, c))
	assert.Equal(t, 0, sentCount(srv, "apps_get"), "no read back")
}

func TestCreateNotAppliedIsResentOnce(t *testing.T) {
	srv, c := recoveryFake(t)
	srv.FailNext(1, createOp, digitaloceantest.Fault{Status: http.StatusBadGateway}) // before the server acts
	app, resp, err := c.Apps.Create(t.Context(), &digitalocean.AppCreateRequest{Spec: helloSpec("shop")})
	require.NoError(t, err)
	assert.False(t, resp.Recovered)
	assert.Equal(t, "shop", app.Spec.Name)
	assert.Equal(t, []string{"shop"}, appNames(t, c))
	assert.Equal(t, 2, sentCount(srv, "apps_create"))
}

func TestCreateNotAppliedTwiceIsNotSentAThirdTime(t *testing.T) {
	srv, c := recoveryFake(t)
	srv.FailNext(2, createOp, digitaloceantest.Fault{Status: http.StatusBadGateway})
	_, _, err := c.Apps.Create(t.Context(), &digitalocean.AppCreateRequest{Spec: helloSpec("shop")})
	require.ErrorIs(t, err, digitalocean.ErrOutcomeUnknown)
	require.ErrorIs(t, err, digitalocean.ErrServerError, "the re-send's error is kept")
	assert.Contains(t, err.Error(), "(read back: no effect found after the re-send", "the error says what the read found")
	assert.Empty(t, appNames(t, c))
	assert.Equal(t, 2, sentCount(srv, "apps_create"))
}

func TestCreateWhenAnotherSpecHoldsTheName(t *testing.T) {
	srv, c := recoveryFake(t)
	other := helloSpec("shop")
	other.Services[0].HTTPPort = 9090
	_, _, err := c.Apps.Create(t.Context(), &digitalocean.AppCreateRequest{Spec: other})
	require.NoError(t, err)
	srv.FailNext(1, createOp, digitaloceantest.Fault{Status: http.StatusBadGateway})
	_, resp, err := c.Apps.Create(t.Context(), &digitalocean.AppCreateRequest{Spec: helloSpec("shop")})
	var taken *digitalocean.AppNameTakenError
	require.ErrorAs(t, err, &taken)
	assert.Equal(t, "shop", taken.Name)
	assert.Equal(t, int64(9090), taken.App.Spec.Services[0].HTTPPort)
	assert.ErrorIs(t, err, digitalocean.ErrConflict)
	assert.ErrorIs(t, err, digitalocean.ErrOutcomeUnknown, "the API could have rewritten the spec")
	assert.False(t, resp != nil && resp.Recovered)
	assert.Equal(t, []string{"shop"}, appNames(t, c))
	assert.Equal(t, 2, sentCount(srv, "apps_create"), "the conflicting create is not re-sent")
}

func TestCreateRecoveryReadFailureKeepsOutcomeUnknown(t *testing.T) {
	srv, c := recoveryFake(t)
	srv.FailNext(1, createOp, lostAfterApplied[0])
	srv.FailNext(3, digitaloceantest.Match{Operation: "apps_get"}, digitaloceantest.Fault{Status: http.StatusServiceUnavailable})
	_, _, err := c.Apps.Create(t.Context(), &digitalocean.AppCreateRequest{Spec: helloSpec("shop")})
	require.ErrorIs(t, err, digitalocean.ErrOutcomeUnknown)
	assert.Contains(t, err.Error(), "reading back to resolve it failed")
	assert.Equal(t, 1, sentCount(srv, "apps_create"))
}

func deploymentCount(t *testing.T, c *digitalocean.Client, appID string) int {
	t.Helper()
	ds, _, err := c.Apps.ListDeployments(t.Context(), appID, nil)
	require.NoError(t, err)
	return len(ds)
}

func createdApp(t *testing.T, c *digitalocean.Client) *digitalocean.App {
	t.Helper()
	app, _, err := c.Apps.Create(t.Context(), &digitalocean.AppCreateRequest{Spec: helloSpec("shop")})
	require.NoError(t, err)
	return app
}

func TestUpdateRecoversAnAppliedUpdate(t *testing.T) {
	for _, fault := range lostAfterApplied {
		srv, c := recoveryFake(t)
		app := createdApp(t, c)
		before := deploymentCount(t, c, app.ID)
		spec := helloSpec("shop")
		spec.Services[0].InstanceCount = 2
		srv.FailNext(1, updateOp, fault)
		got, resp, err := c.Apps.Update(t.Context(), app.ID, &digitalocean.AppUpdateRequest{Spec: spec})
		require.NoError(t, err, "%+v", fault)
		assert.True(t, resp.Recovered)
		assert.Equal(t, app.ID, got.ID)
		assert.Equal(t, before+1, deploymentCount(t, c, app.ID), "exactly one new deployment")
		assert.Equal(t, 1, sentCount(srv, "apps_update"))
	}
}

func TestUpdateWithoutRecoveryReportsOutcomeUnknown(t *testing.T) {
	srv, c := recoveryFake(t)
	app := createdApp(t, c)
	before := deploymentCount(t, c, app.ID)
	spec := helloSpec("shop")
	spec.Services[0].InstanceCount = 2
	srv.FailNext(1, updateOp, lostAfterApplied[0])
	_, _, err := c.Apps.Update(noRecovery(t.Context()), app.ID, &digitalocean.AppUpdateRequest{Spec: spec})
	require.ErrorIs(t, err, digitalocean.ErrOutcomeUnknown)
	assert.Equal(t, before+1, deploymentCount(t, c, app.ID))
}

func TestUpdateNotAppliedIsResentOnce(t *testing.T) {
	srv, c := recoveryFake(t)
	app := createdApp(t, c)
	before := deploymentCount(t, c, app.ID)
	spec := helloSpec("shop")
	spec.Services[0].InstanceCount = 2
	srv.FailNext(1, updateOp, digitaloceantest.Fault{Status: http.StatusBadGateway})
	got, resp, err := c.Apps.Update(t.Context(), app.ID, &digitalocean.AppUpdateRequest{Spec: spec})
	require.NoError(t, err)
	assert.False(t, resp.Recovered)
	assert.Equal(t, int64(2), got.Spec.Services[0].InstanceCount)
	assert.Equal(t, before+1, deploymentCount(t, c, app.ID))
	assert.Equal(t, 2, sentCount(srv, "apps_update"))
}

func TestCreateResendAnswered409IsLookedUpAgain(t *testing.T) {
	srv, c := recoveryFake(t)
	srv.FailNext(1, createOp, lostAfterApplied[0])
	// The first lookup misses the app (as a lagging read would), so the
	// create is re-sent and answered 409: the app is looked up once more.
	srv.FailNext(1, digitaloceantest.Match{Operation: "apps_get"}, digitaloceantest.Fault{Status: http.StatusNotFound, ID: "not_found"})
	app, resp, err := c.Apps.Create(t.Context(), &digitalocean.AppCreateRequest{Spec: helloSpec("shop")})
	require.NoError(t, err)
	assert.True(t, resp.Recovered)
	assert.Equal(t, "shop", app.Spec.Name)
	assert.Equal(t, []string{"shop"}, appNames(t, c))
	assert.Equal(t, 2, sentCount(srv, "apps_create"))
}

func TestUpdateNotAppliedTwiceIsNotSentAThirdTime(t *testing.T) {
	srv, c := recoveryFake(t)
	app := createdApp(t, c)
	before := deploymentCount(t, c, app.ID)
	spec := helloSpec("shop")
	spec.Services[0].InstanceCount = 2
	srv.FailNext(2, updateOp, digitaloceantest.Fault{Status: http.StatusBadGateway})
	_, _, err := c.Apps.Update(t.Context(), app.ID, &digitalocean.AppUpdateRequest{Spec: spec})
	require.ErrorIs(t, err, digitalocean.ErrOutcomeUnknown)
	assert.Equal(t, before, deploymentCount(t, c, app.ID))
	assert.Equal(t, 2, sentCount(srv, "apps_update"))
}

func TestCreateResendWithLostAnswerIsLookedUpAgain(t *testing.T) {
	srv, c := recoveryFake(t)
	srv.FailNext(1, createOp, digitaloceantest.Fault{Status: http.StatusBadGateway}) // not applied
	srv.FailNext(1, createOp, lostAfterApplied[1])                                   // the re-send applied, its answer lost
	app, resp, err := c.Apps.Create(t.Context(), &digitalocean.AppCreateRequest{Spec: helloSpec("shop")})
	require.NoError(t, err)
	assert.True(t, resp.Recovered)
	assert.Equal(t, "shop", app.Spec.Name)
	assert.Equal(t, []string{"shop"}, appNames(t, c))
	assert.Equal(t, 2, sentCount(srv, "apps_create"))
}
