package digitaloceantest_test

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"testing/synctest"

	do "github.com/oceankit/digitalocean"
	"github.com/oceankit/digitalocean/digitaloceantest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Effects counts what writes changed, by operation: reads and refused
// writes count nothing, a write that converges counts once however often
// it is applied, and a write applied before a fault counts.
func TestEffectsCountWhatWritesChanged(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		srv := digitaloceantest.New(t, digitaloceantest.WithInMemoryNetwork())
		c := srv.Client(do.WithRetry(do.RetryPolicy{}))
		ctx := context.Background()
		assert.Empty(t, srv.Effects(), "nothing has happened yet")

		app, _, err := c.Apps.Create(ctx, &do.AppCreateRequest{Spec: sampleSpec("counted")})
		require.NoError(t, err)
		_, _, err = c.Apps.Create(ctx, &do.AppCreateRequest{Spec: sampleSpec("counted")})
		require.ErrorIs(t, err, do.ErrConflict, "a refused create changes nothing")
		_, _, err = c.Apps.Get(ctx, app.ID)
		require.NoError(t, err)
		_, _, err = c.Apps.Update(ctx, app.ID, &do.AppUpdateRequest{Spec: sampleSpec("counted")})
		require.NoError(t, err)
		_, _, err = c.Apps.Update(ctx, app.ID, &do.AppUpdateRequest{Spec: sampleSpec("counted")})
		require.NoError(t, err, "the same spec again still starts a deployment")
		dep, _, err := c.Apps.CreateDeployment(ctx, app.ID, nil)
		require.NoError(t, err)
		_, _, err = c.Apps.CancelDeployment(ctx, app.ID, dep.ID)
		require.NoError(t, err)
		_, _, err = c.Apps.CancelDeployment(ctx, app.ID, dep.ID)
		require.Error(t, err, "canceled already")

		alerts, _, err := c.Apps.ListAlerts(ctx, app.ID)
		require.NoError(t, err)
		require.NotEmpty(t, alerts)
		dest := &do.AlertDestinationsUpdateRequest{Emails: []string{"sammy@digitalocean.com"}}
		for range 2 {
			_, _, err = c.Apps.UpdateAlertDestinations(ctx, app.ID, alerts[0].ID, dest)
			require.NoError(t, err)
		}

		// Applied before the fault: the client hears nothing, the fake
		// counts the effect.
		srv.FailNext(1, digitaloceantest.Match{Operation: "apps_delete"}, digitaloceantest.Fault{Status: 500, Applied: true})
		_, err = c.Apps.Delete(ctx, app.ID)
		require.Error(t, err)
		_, err = c.Apps.Delete(ctx, app.ID)
		require.ErrorIs(t, err, do.ErrNotFound, "gone already: no second effect")
		// A fault before applying counts nothing.
		srv.FailNext(1, digitaloceantest.Match{Operation: "apps_create"}, digitaloceantest.Fault{Status: 500})
		_, _, err = c.Apps.Create(do.WithRetryPolicy(ctx, do.RetryPolicy{NoRecovery: true}), &do.AppCreateRequest{Spec: sampleSpec("lost")})
		require.Error(t, err)

		assert.Equal(t, map[string]int{
			"apps_create":                   1,
			"apps_update":                   2,
			"apps_create_deployment":        1,
			"apps_cancel_deployment":        1,
			"apps_assign_alertDestinations": 1,
			"apps_delete":                   1,
		}, srv.Effects())

		// The map is a copy.
		srv.Effects()["apps_create"] = 99
		assert.Equal(t, 1, srv.Effects()["apps_create"])
	})
}

// WithHTTP2 serves the API over HTTP/2 (h2c) to the fake's own clients;
// ResetStream resets one stream and the connection serves the next; the
// log host stays HTTP/1.1.
func TestHTTP2AndResetStream(t *testing.T) {
	onHTTP2(t, func(t *testing.T, srv *digitaloceantest.Server) {
		c := srv.Client(do.WithRetry(do.RetryPolicy{}))
		ctx := context.Background()
		_, resp, err := c.Account.Get(ctx)
		require.NoError(t, err)
		assert.Equal(t, "HTTP/2.0", resp.Proto)

		srv.FailNext(1, digitaloceantest.Match{Operation: "apps_create"}, digitaloceantest.Fault{ResetStream: true, Applied: true})
		_, _, err = c.Apps.Create(do.WithRetryPolicy(ctx, do.RetryPolicy{NoRecovery: true}), &do.AppCreateRequest{Spec: sampleSpec("reset")})
		require.ErrorIs(t, err, do.ErrOutcomeUnknown)
		assert.Contains(t, err.Error(), "INTERNAL_ERROR", "an HTTP/2 stream reset, not a dropped connection")
		assert.Equal(t, map[string]int{"apps_create": 1}, srv.Effects())
		assert.Equal(t, []int{0}, statuses(srv, "apps_create"))

		apps, resp, err := c.Apps.List(ctx, nil)
		require.NoError(t, err)
		require.Len(t, apps, 1)
		assert.Equal(t, "HTTP/2.0", resp.Proto)

		// The log host still speaks HTTP/1.1 (its live logs are
		// websockets).
		raw, err := srv.HTTPClient().Get(srv.LogHostURL() + "/v1/logs/nothing")
		require.NoError(t, err)
		raw.Body.Close()
		assert.Equal(t, 1, raw.ProtoMajor)
	})
}

// Fault.ResetCode chooses the stream reset's HTTP/2 error code: a write
// refused with REFUSED_STREAM is reported as not sent (it was not
// applied), another code as an unknown outcome; a GET refused is replayed
// by Go's transport itself. The connection serves the next request.
func TestResetCode(t *testing.T) {
	onHTTP2(t, func(t *testing.T, srv *digitaloceantest.Server) {
		c := srv.Client(do.WithRetry(do.RetryPolicy{}))
		once := do.WithRetryPolicy(context.Background(), do.RetryPolicy{NoRecovery: true})
		create := digitaloceantest.Match{Operation: "apps_create"}

		srv.FailNext(1, create, digitaloceantest.Fault{ResetCode: 0x7})
		_, _, err := c.Apps.Create(once, &do.AppCreateRequest{Spec: sampleSpec("refused")})
		require.Error(t, err)
		assert.Contains(t, err.Error(), "REFUSED_STREAM")
		assert.NotErrorIs(t, err, do.ErrOutcomeUnknown, "refused: not sent")

		srv.FailNext(1, create, digitaloceantest.Fault{ResetStream: true, ResetCode: 0x8, Applied: true})
		_, _, err = c.Apps.Create(once, &do.AppCreateRequest{Spec: sampleSpec("canceled")})
		require.ErrorIs(t, err, do.ErrOutcomeUnknown)
		assert.Contains(t, err.Error(), "CANCEL")
		assert.Equal(t, map[string]int{"apps_create": 1}, srv.Effects(), "Applied still carries the request out")

		srv.FailNext(1, digitaloceantest.Match{Operation: "account_get"}, digitaloceantest.Fault{ResetCode: 0x7})
		raw, err := srv.HTTPClient().Do(authorized(t, srv, "/v2/account"))
		require.NoError(t, err, "a refused GET is replayed by the transport")
		raw.Body.Close()
		assert.Equal(t, http.StatusOK, raw.StatusCode)
		assert.Equal(t, []int{0, http.StatusOK}, statuses(srv, "account_get"))

		_, resp, err := c.Account.Get(context.Background())
		require.NoError(t, err)
		assert.Equal(t, "HTTP/2.0", resp.Proto)
	})
	srv := digitaloceantest.New(t)
	assert.Panics(t, func() { srv.FailNext(1, digitaloceantest.Match{}, digitaloceantest.Fault{ResetCode: 0x100}) })
}

// Without WithHTTP2 a ResetStream fault drops the HTTP/1.1 connection.
func TestResetStreamOverHTTP1DropsTheConnection(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		srv := digitaloceantest.New(t, digitaloceantest.WithInMemoryNetwork())
		c := srv.Client(do.WithRetry(do.RetryPolicy{}))
		srv.FailNext(1, digitaloceantest.Match{}, digitaloceantest.Fault{ResetStream: true})
		_, resp, err := c.Account.Get(context.Background())
		require.Error(t, err)
		assert.Nil(t, resp)
		var reqErr *do.RequestError
		require.True(t, errors.As(err, &reqErr), "%v", err)
		assert.NotContains(t, err.Error(), "stream error")
		_, resp, err = c.Account.Get(context.Background())
		require.NoError(t, err)
		assert.Equal(t, http.StatusOK, resp.StatusCode)
	})
}

// authorized is a GET of path on the fake's API host with its token.
func authorized(t *testing.T, srv *digitaloceantest.Server, path string) *http.Request {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, srv.URL()+path, nil)
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+srv.Token())
	return req
}

// onHTTP2 runs test in a synctest bubble against a fake serving HTTP/2,
// once over loopback and once over the in-memory network.
func onHTTP2(t *testing.T, test func(t *testing.T, srv *digitaloceantest.Server)) {
	for name, opts := range map[string][]digitaloceantest.Option{
		"loopback":  {digitaloceantest.WithHTTP2()},
		"in memory": {digitaloceantest.WithHTTP2(), digitaloceantest.WithInMemoryNetwork()},
	} {
		t.Run(name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				test(t, digitaloceantest.New(t, opts...))
			})
		})
	}
}
