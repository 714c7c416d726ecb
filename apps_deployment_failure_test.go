package digitalocean_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"

	do "github.com/oceankit/digitalocean"
	"github.com/oceankit/digitalocean/digitaloceantest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// failedDeployment creates an app on srv whose second deployment (an
// update) fails during its build; it returns the app ID and the failed
// deployment's ID.
func failedDeployment(t *testing.T, srv *digitaloceantest.Server, c *do.Client) (appID, deploymentID string) {
	t.Helper()
	ctx := context.Background()
	app := createShop(t, c)
	srv.Advance(4 * digitaloceantest.DefaultPhaseDuration)
	require.NoError(t, srv.FailNextDeployment(app.ID))
	spec := app.Spec.Clone()
	spec.Services[0].RunCommand = "bin/web --fast"
	updated, _, err := c.Apps.Update(ctx, app.ID, &do.AppUpdateRequest{Spec: spec})
	require.NoError(t, err)
	require.NotNil(t, updated.PendingDeployment)
	srv.Advance(4 * digitaloceantest.DefaultPhaseDuration)
	return app.ID, updated.PendingDeployment.ID
}

// TestGetDeploymentFailure: one call names the failing step, its reason,
// and the end of the BUILD log, asking the API for only the tail.
func TestGetDeploymentFailure(t *testing.T) {
	srv := digitaloceantest.New(t)
	c := srv.Client(do.WithRetry(do.RetryPolicy{}))
	ctx := context.Background()
	appID, depID := failedDeployment(t, srv, c)

	f, _, err := c.Apps.GetDeploymentFailure(ctx, appID, depID, &do.DeploymentFailureOptions{TailLines: 2})
	require.NoError(t, err)
	assert.Equal(t, do.DeploymentPhaseError, f.Phase)
	require.NotNil(t, f.Step)
	assert.Equal(t, "build", f.Step.Name)
	assert.Equal(t, "BuildJobFailed", f.ReasonCode)
	assert.Equal(t, do.AppLogTypeBuild, f.LogType)
	require.Len(t, f.Log, 2, "the last two lines")
	assert.Equal(t, "error: building failed: exit status 1", f.Log[1].Message)
	assert.Equal(t, "web", f.Log[1].Component)

	var logReqs []digitaloceantest.Request
	for _, r := range srv.Requests() {
		if strings.HasPrefix(r.Operation, "apps_get_logs") {
			logReqs = append(logReqs, r)
		}
	}
	require.Len(t, logReqs, 1)
	assert.Equal(t, "2", logReqs[0].Query.Get("tail_lines"))
	assert.Equal(t, "BUILD", logReqs[0].Query.Get("type"))

	// The default tail holds the whole (short) log.
	f, _, err = c.Apps.GetDeploymentFailure(ctx, appID, depID, nil)
	require.NoError(t, err)
	require.NotEmpty(t, f.Log)
	assert.Equal(t, "starting build of web", f.Log[0].Message)
}

// TestGetDeploymentFailureRefusesHealthyDeployments: an ACTIVE deployment
// has no failure to explain; bad arguments send nothing.
func TestGetDeploymentFailureRefusesHealthyDeployments(t *testing.T) {
	srv := digitaloceantest.New(t)
	c := srv.Client(do.WithRetry(do.RetryPolicy{}))
	ctx := context.Background()
	app := createShop(t, c)
	srv.Advance(4 * digitaloceantest.DefaultPhaseDuration)
	app, _, err := c.Apps.Get(ctx, app.ID)
	require.NoError(t, err)
	require.NotNil(t, app.ActiveDeployment)

	_, _, err = c.Apps.GetDeploymentFailure(ctx, app.ID, app.ActiveDeployment.ID, nil)
	require.ErrorIs(t, err, do.ErrInvalidArgument)
	assert.Contains(t, err.Error(), "ACTIVE")

	before := len(srv.Requests())
	_, _, err = c.Apps.GetDeploymentFailure(ctx, app.ID, "", nil)
	assert.ErrorIs(t, err, do.ErrInvalidArgument)
	_, _, err = c.Apps.GetDeploymentFailure(ctx, app.ID, "d", &do.DeploymentFailureOptions{TailLines: -5})
	assert.ErrorIs(t, err, do.ErrInvalidArgument)
	assert.Len(t, srv.Requests(), before, "nothing sent")
}

// failingLogHost fails every request to the fake's log host at the
// transport, the way a network error does (net/http then names the full
// URL, signature included, in its *url.Error).
type failingLogHost struct {
	base    http.RoundTripper
	logHost string
	seen    []string
}

func (f *failingLogHost) RoundTrip(r *http.Request) (*http.Response, error) {
	if strings.HasPrefix(r.URL.String(), f.logHost) {
		f.seen = append(f.seen, r.URL.RawQuery)
		return nil, errors.New("connection reset while fetching " + r.URL.String())
	}
	return f.base.RoundTrip(r)
}

// TestGetDeploymentFailureLogErrorKeepsSignatureOut: when the archived log
// cannot be read, the step is still returned, and the error does not carry
// the log URL's signed query.
func TestGetDeploymentFailureLogErrorKeepsSignatureOut(t *testing.T) {
	srv := digitaloceantest.New(t)
	appID, depID := failedDeployment(t, srv, srv.Client(do.WithRetry(do.RetryPolicy{})))
	hostile := &failingLogHost{base: srv.HTTPClient().Transport, logHost: srv.LogHostURL()}
	c := srv.Client(do.WithRetry(do.RetryPolicy{}), do.WithHTTPClient(&http.Client{Transport: hostile}))

	f, _, err := c.Apps.GetDeploymentFailure(context.Background(), appID, depID, nil)
	require.Error(t, err)
	require.NotNil(t, f, "the step is known even when the log is not")
	require.NotNil(t, f.Step)
	assert.Equal(t, "build", f.Step.Name)
	assert.Contains(t, err.Error(), `step "build"`)
	require.Len(t, hostile.seen, 1, "the log host was asked")
	require.NotEmpty(t, hostile.seen[0])
	assert.NotContains(t, err.Error(), hostile.seen[0], "no signed query in the error")
	assert.NotContains(t, err.Error(), "token=")
	assert.NotContains(t, err.Error(), srv.Token())
}
