package digitaloceantest_test

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/coder/websocket"
	do "github.com/oceankit/digitalocean"
	"github.com/oceankit/digitalocean/digitaloceantest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestAppLifecycle(t *testing.T) {
	srv := digitaloceantest.New(t)
	c := srv.Client()
	ctx := context.Background()
	const phase = digitaloceantest.DefaultPhaseDuration

	// Create: the first deployment walks through its phases as time passes.
	app, _, err := c.Apps.Create(ctx, &do.AppCreateRequest{Spec: sampleSpec("lifecycle")})
	require.NoError(t, err)
	require.NotNil(t, app.PendingDeployment)
	first := app.PendingDeployment.ID
	for _, want := range []do.DeploymentPhase{do.DeploymentPhasePendingBuild, do.DeploymentPhaseBuilding, do.DeploymentPhaseDeploying, do.DeploymentPhaseActive} {
		d, _, err := c.Apps.GetDeployment(ctx, app.ID, first)
		require.NoError(t, err)
		assert.Equal(t, want, d.Phase)
		if want == do.DeploymentPhaseBuilding {
			got, _, err := c.Apps.Get(ctx, app.ID)
			require.NoError(t, err)
			require.NotNil(t, got.InProgressDeployment)
			assert.Nil(t, got.ActiveDeployment)
		}
		srv.Advance(phase)
	}
	app, _, err = c.Apps.Get(ctx, app.ID)
	require.NoError(t, err)
	require.NotNil(t, app.ActiveDeployment)
	assert.Equal(t, first, app.ActiveDeployment.ID)
	assert.Contains(t, app.LiveURL, "ondigitalocean.app")

	// Live logs stream line by line from the log host, without the token.
	logs, _, err := c.Apps.GetLogs(ctx, app.ID, &do.LogsOptions{Type: do.AppLogTypeRun, Component: "web", Follow: true})
	require.NoError(t, err)
	require.NotEmpty(t, logs.LiveURL)
	assert.True(t, strings.HasPrefix(logs.LiveURL, srv.LogHostURL()), "logs come from the second host")
	streamCtx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	var lines []string
	emitted := false
	for line, err := range c.Apps.StreamLogs(streamCtx, logs.LiveURL) {
		require.NoError(t, err)
		assert.Equal(t, "web", line.Component)
		lines = append(lines, line.Message)
		if !emitted {
			require.NoError(t, srv.EmitLogs(app.ID, "web", "GET /healthz 200"))
			emitted = true
		}
		if line.Message == "GET /healthz 200" {
			break
		}
	}
	assert.Equal(t, []string{"server listening on :8080", "GET /healthz 200"}, lines)
	assert.Zero(t, srv.LogRequestsWithAuth())

	// Restart: a new deployment without a build supersedes the first.
	restart, _, err := c.Apps.Restart(ctx, app.ID, nil)
	require.NoError(t, err)
	assert.Equal(t, do.DeploymentPhasePendingDeploy, restart.Phase)
	srv.Advance(2 * phase)
	d, _, err := c.Apps.GetDeployment(ctx, app.ID, restart.ID)
	require.NoError(t, err)
	assert.Equal(t, do.DeploymentPhaseActive, d.Phase)
	old, _, err := c.Apps.GetDeployment(ctx, app.ID, first)
	require.NoError(t, err)
	assert.Equal(t, do.DeploymentPhaseSuperseded, old.Phase)

	// The superseded deployment's build logs are archived files.
	buildLogs, _, err := c.Apps.GetLogs(ctx, app.ID, &do.LogsOptions{Type: do.AppLogTypeBuild, DeploymentID: first})
	require.NoError(t, err)
	require.Len(t, buildLogs.HistoricURLs, 1)
	assert.Empty(t, buildLogs.LiveURL)
	body, err := c.Apps.DownloadLogs(ctx, buildLogs.HistoricURLs[0])
	require.NoError(t, err)
	var archived []string
	for line, err := range do.ReadLogLines(body) {
		require.NoError(t, err)
		archived = append(archived, line.Component+": "+line.Message)
	}
	require.NoError(t, body.Close())
	assert.Contains(t, archived, "web: build complete")
	assert.Contains(t, archived, "queue: build complete")

	// Rollback to the first deployment pins the app.
	check, _, err := c.Apps.ValidateRollback(ctx, app.ID, &do.AppRollbackRequest{DeploymentID: first})
	require.NoError(t, err)
	assert.True(t, check.Valid)
	rb, _, err := c.Apps.CreateRollback(ctx, app.ID, &do.AppRollbackRequest{DeploymentID: first})
	require.NoError(t, err)
	app, _, err = c.Apps.Get(ctx, app.ID)
	require.NoError(t, err)
	require.NotNil(t, app.PinnedDeployment)
	assert.Equal(t, rb.ID, app.PinnedDeployment.ID)
	_, _, err = c.Apps.CreateDeployment(ctx, app.ID, nil)
	var apiErr *do.Error
	require.ErrorAs(t, err, &apiErr, "a pinned app refuses new deployments")
	assert.Equal(t, 400, apiErr.StatusCode)
	assert.Contains(t, apiErr.Message, "pinned")
	check, _, err = c.Apps.ValidateRollback(ctx, app.ID, &do.AppRollbackRequest{DeploymentID: first})
	require.NoError(t, err)
	assert.False(t, check.Valid)
	assert.Equal(t, do.AppRollbackValidationConditionCodeAppPinned, check.Error.Code)

	// Revert returns to the spec before the rollback and unpins.
	srv.Advance(2 * phase)
	reverted, _, err := c.Apps.RevertRollback(ctx, app.ID)
	require.NoError(t, err)
	assert.Equal(t, do.DeploymentPhasePendingBuild, reverted.Phase)
	app, _, err = c.Apps.Get(ctx, app.ID)
	require.NoError(t, err)
	assert.Nil(t, app.PinnedDeployment)
	srv.Advance(3 * phase)

	// Roll back again and commit: unpinned, and nothing left to commit.
	_, _, err = c.Apps.CreateRollback(ctx, app.ID, &do.AppRollbackRequest{DeploymentID: first})
	require.NoError(t, err)
	_, err = c.Apps.CommitRollback(ctx, app.ID)
	require.NoError(t, err)
	app, _, err = c.Apps.Get(ctx, app.ID)
	require.NoError(t, err)
	assert.Nil(t, app.PinnedDeployment)
	_, err = c.Apps.CommitRollback(ctx, app.ID)
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, 400, apiErr.StatusCode)

	// Every deployment has its event, newest first.
	events, _, err := c.Apps.ListEvents(ctx, app.ID, &do.EventListOptions{EventTypes: []do.AppEventType{do.AppEventTypeDeployment}})
	require.NoError(t, err)
	deployments, _, err := c.Apps.ListDeployments(ctx, app.ID, nil)
	require.NoError(t, err)
	require.Len(t, events, len(deployments))
	assert.Equal(t, deployments[0].ID, events[0].DeploymentID)
	rollbacks, _, err := c.Apps.ListDeployments(ctx, app.ID, &do.DeploymentListOptions{DeploymentTypes: []do.DeploymentType{do.DeploymentTypeManualRollback}})
	require.NoError(t, err)
	assert.Len(t, rollbacks, 3, "two rollbacks and a revert")

	// Delete, then the app is gone with the API's error body.
	_, err = c.Apps.Delete(ctx, app.ID)
	require.NoError(t, err)
	_, _, err = c.Apps.Get(ctx, app.ID)
	require.ErrorIs(t, err, do.ErrNotFound)
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, "not_found", apiErr.ID)
	assert.NotEmpty(t, apiErr.Message)
	assert.NotEmpty(t, apiErr.RequestID)
	_, _, err = c.Apps.ListDeployments(ctx, app.ID, nil)
	assert.ErrorIs(t, err, do.ErrNotFound)
}

// The SDK's deployment waiter runs in fake time inside a synctest bubble
// over the in-memory network, and reports a failed build.
func TestWaitForDeploymentInBubble(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		srv := digitaloceantest.New(t, digitaloceantest.WithInMemoryNetwork(), digitaloceantest.WithRealClock())
		c := srv.Client()
		// A cap in fake time: a waiter that never stops fails, not hangs.
		ctx, cancel := context.WithTimeout(context.Background(), time.Hour)
		defer cancel()
		start := time.Now()
		app, _, err := c.Apps.Create(ctx, &do.AppCreateRequest{Spec: sampleSpec("waiter")})
		require.NoError(t, err)
		var seen []string
		d, err := c.Apps.WaitForDeployment(ctx, app.ID, app.PendingDeployment.ID, &do.WaitOptions{OnPoll: func(s string) { seen = append(seen, s) }})
		require.NoError(t, err)
		assert.Equal(t, do.DeploymentPhaseActive, d.Phase)
		assert.GreaterOrEqual(t, time.Since(start), 3*digitaloceantest.DefaultPhaseDuration)
		assert.Subset(t, seen, []string{"PENDING_BUILD", "BUILDING", "DEPLOYING", "ACTIVE"})

		require.NoError(t, srv.FailNextDeployment(app.ID))
		next, _, err := c.Apps.CreateDeployment(ctx, app.ID, nil)
		require.NoError(t, err)
		_, err = c.Apps.WaitForDeployment(ctx, app.ID, next.ID, nil)
		var failed *do.DeploymentFailedError
		require.True(t, errors.As(err, &failed), "got %v", err)
		assert.Equal(t, do.DeploymentPhaseError, failed.Phase)
		require.NotNil(t, failed.Step)
		assert.Equal(t, "build", failed.Step.Name)
	})
}

func TestLogHostFlagsAuthorization(t *testing.T) {
	srv := digitaloceantest.New(t)
	c := srv.Client()
	ctx := context.Background()
	app := deployActive(t, srv, c, "logs")
	logs, _, err := c.Apps.GetLogs(ctx, app.ID, &do.LogsOptions{Type: do.AppLogTypeDeploy, DeploymentID: app.ActiveDeployment.ID})
	require.NoError(t, err)
	u, err := url.Parse(logs.LiveURL)
	require.NoError(t, err)
	require.NotEmpty(t, u.Query().Get("token"), "the URL is pre-signed")

	// The live URL is a websocket, dialled as doctl does.
	dial := func(rawURL string, withAuth bool) int {
		header := http.Header{}
		if withAuth {
			header.Set("Authorization", "Bearer "+srv.Token())
		}
		conn, resp, err := websocket.Dial(ctx, rawURL, &websocket.DialOptions{HTTPClient: srv.HTTPClient(), HTTPHeader: header})
		if err == nil {
			_ = conn.CloseNow()
		}
		require.NotNil(t, resp, "dial error: %v", err)
		return resp.StatusCode
	}
	assert.Equal(t, 101, dial(logs.LiveURL, false))
	assert.Zero(t, srv.LogRequestsWithAuth())
	assert.Equal(t, 101, dial(logs.LiveURL, true), "the log host does not need the token...")
	assert.Equal(t, 1, srv.LogRequestsWithAuth(), "...but flags a client that leaks it")
	u.RawQuery = "token=forged"
	assert.Equal(t, 403, dial(u.String(), false))
	require.Len(t, srv.LogRequests(), 3)
}
