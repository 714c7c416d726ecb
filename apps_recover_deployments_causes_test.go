package digitalocean_test

import (
	"net/http"
	"testing"

	"github.com/oceankit/digitalocean"
	"github.com/oceankit/digitalocean/digitaloceantest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// End-to-end guards of how a write that starts a deployment judges the new
// deployments it reads back (docs/retries.md, "Recovery"): a deployment
// someone else started is never claimed, whatever rules it out.

// deployingWrite returns the entry of deployingWrites for op.
func deployingWriteOf(t *testing.T, op string) deployingWrite {
	t.Helper()
	for _, w := range deployingWrites {
		if w.op == op {
			return w
		}
	}
	t.Fatalf("no deploying write %s", op)
	return deployingWrite{}
}

// An update whose attempt failed while someone else updated the app to
// another spec finds one new UPDATE_SPEC deployment, of a spec it did not
// send: an unforeseen rewrite of its spec by the API could make it the
// call's, so the outcome stays unknown. It is never claimed as recovered,
// and nothing is re-sent.
func TestUpdateDoesNotClaimAnotherSpecsDeployment(t *testing.T) {
	w := deployingWriteOf(t, "apps_update")
	other := deploySpec("shop")
	other.Services[0].InstanceCount = 2
	for _, c := range []struct {
		name  string
		fault digitaloceantest.Fault
		// mine: the call's own attempt left a deployment too.
		mine bool
	}{
		{"not applied", digitaloceantest.Fault{Status: http.StatusInternalServerError}, false},
		{"applied", lostAfterApplied[0], true},
	} {
		t.Run(c.name, func(t *testing.T) {
			var theirs string
			srv, client, f := deployFake(t, w, func(srv *digitaloceantest.Server, f deployFixture) {
				app, _, err := srv.Client().Apps.Update(t.Context(), f.appID, &digitalocean.AppUpdateRequest{Spec: other})
				require.NoError(t, err)
				theirs = app.PendingDeployment.ID
			})
			srv.FailNext(1, digitaloceantest.Match{Operation: w.op}, c.fault)
			app, resp, err := client.Apps.Update(t.Context(), f.appID, &digitalocean.AppUpdateRequest{Spec: deploySpec("shop")})
			assert.False(t, resp != nil && resp.Recovered, "another spec's deployment claimed as the call's")
			assert.Nil(t, app)
			require.ErrorIs(t, err, digitalocean.ErrOutcomeUnknown)
			assert.Contains(t, err.Error(), "could be its own")
			assert.Equal(t, 2, sentSince(srv, w.op, f.from), "the call's one attempt and the other client's update: never re-sent")
			ids := deploymentIDs(t, srv, f.appID)
			assert.Equal(t, theirs, ids[0])
			assert.Len(t, ids, 2+1+btoi(c.mine))
		})
	}
}

// A deployment the platform starts (maintenance, an automatic rollback)
// while a write's outcome is unknown is ruled out by its cause alone (it
// has neither push details nor a user action): the call's own deployment
// is still found.
func TestDeployingWritesIgnoreAPlatformDeployment(t *testing.T) {
	for _, cause := range []digitalocean.DeploymentType{digitalocean.DeploymentTypeMaintenance, digitalocean.DeploymentTypeAutoRollback} {
		for _, w := range deployingWrites {
			t.Run(string(cause)+"/"+w.name, func(t *testing.T) {
				var platform string
				srv, c, f := deployFake(t, w, func(srv *digitaloceantest.Server, f deployFixture) {
					var err error
					platform, err = srv.DeployByPlatform(f.appID, cause)
					require.NoError(t, err)
				})
				srv.FailNext(1, digitaloceantest.Match{Operation: w.op}, lostAfterApplied[0])
				id, added, resp, err := callCounted(t, srv, c, f, w, t.Context())
				require.NoError(t, err)
				assert.True(t, resp.Recovered)
				require.Len(t, added, 2)
				assert.Equal(t, platform, added[0])
				if id != "" {
					assert.Equal(t, added[1], id, "the call's own, not the platform's")
				}
				assert.Equal(t, 1, sentSince(srv, w.op, f.from), "never re-sent")
			})
		}
	}
}
