package digitaloceantest_test

import (
	"bufio"
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	do "github.com/oceankit/digitalocean"
	"github.com/oceankit/digitalocean/digitaloceantest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// openLive opens a log URL on the fake's log host; the body is closed when
// the test ends. The context bounds a hang, it is not timing logic.
func openLive(t *testing.T, srv *digitaloceantest.Server, rawURL string) (*http.Response, *bufio.Reader) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, rawURL, nil)
	require.NoError(t, err)
	resp, err := srv.HTTPClient().Do(req)
	require.NoError(t, err)
	t.Cleanup(func() { _ = resp.Body.Close() })
	return resp, bufio.NewReader(resp.Body)
}

// readLines reads n whole lines and returns their messages (the text after
// "<component> <timestamp> ").
func readLines(t *testing.T, r *bufio.Reader, n int) []string {
	t.Helper()
	var out []string
	for range n {
		line, err := r.ReadString('\n')
		require.NoError(t, err, "after %q", out)
		out = append(out, do.ParseLogLine(strings.TrimSuffix(line, "\n")).Message)
	}
	return out
}

func liveURL(t *testing.T, c *do.Client, appID string, opts *do.LogsOptions) string {
	t.Helper()
	logs, _, err := c.Apps.GetLogs(context.Background(), appID, opts)
	require.NoError(t, err)
	require.NotEmpty(t, logs.LiveURL)
	return logs.LiveURL
}

func TestLogsTailLines(t *testing.T) {
	srv := digitaloceantest.New(t)
	c := srv.Client()
	app := deployActive(t, srv, c, "tail")
	require.NoError(t, srv.EmitLogs(app.ID, "web", "one", "two", "three"))

	// The last two lines, then the live ones: the window does not slide
	// over lines that arrive later.
	_, r := openLive(t, srv, liveURL(t, c, app.ID, &do.LogsOptions{Type: do.AppLogTypeRun, Component: "web", Follow: true, TailLines: 2}))
	assert.Equal(t, []string{"two", "three"}, readLines(t, r, 2))
	require.NoError(t, srv.EmitLogs(app.ID, "web", "four"))
	assert.Equal(t, []string{"four"}, readLines(t, r, 1))

	// <= 0 is no limit.
	for _, tail := range []int{0, do.TailAllLines} {
		_, r := openLive(t, srv, liveURL(t, c, app.ID, &do.LogsOptions{Type: do.AppLogTypeRun, Component: "web", TailLines: tail}))
		body, err := io.ReadAll(r)
		require.NoError(t, err)
		assert.Equal(t, 5, strings.Count(string(body), "\n"), "tail %d: %s", tail, body)
	}

	// Not an integer: 400, as the parameter is an int64.
	req, err := http.NewRequest(http.MethodGet, srv.URL()+"/v2/apps/"+app.ID+"/logs?type=RUN&tail_lines=ten", nil)
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+srv.Token())
	resp, err := srv.HTTPClient().Do(req)
	require.NoError(t, err)
	_ = resp.Body.Close()
	assert.Equal(t, http.StatusBadRequest, resp.StatusCode)
}

func TestLogsComponentNameFilter(t *testing.T) {
	srv := digitaloceantest.New(t)
	c := srv.Client()
	app := deployActive(t, srv, c, "filter")
	require.NoError(t, srv.EmitLogs(app.ID, "queue", "job taken"))
	require.NoError(t, srv.EmitLogs(app.ID, "web", "GET /"))

	_, r := openLive(t, srv, liveURL(t, c, app.ID, &do.LogsOptions{Type: do.AppLogTypeRun, ComponentFilter: "queue"}))
	body, err := io.ReadAll(r)
	require.NoError(t, err)
	assert.Contains(t, string(body), "queue ")
	assert.NotContains(t, string(body), "web ", "component_name filters the aggregate logs")

	_, _, err = c.Apps.GetLogs(context.Background(), app.ID, &do.LogsOptions{Type: do.AppLogTypeRun, ComponentFilter: "nope"})
	assert.ErrorIs(t, err, do.ErrNotFound)
}

func TestLogStreamFaultMidLine(t *testing.T) {
	srv := digitaloceantest.New(t)
	c := srv.Client()
	app := deployActive(t, srv, c, "drop")
	srv.FailNextLogStreams(1, digitaloceantest.LogStreamFault{AfterLines: 1, MidLine: true})
	_, r := openLive(t, srv, liveURL(t, c, app.ID, &do.LogsOptions{Type: do.AppLogTypeRun, Component: "web", Follow: true}))
	assert.Equal(t, []string{"server listening on :8080"}, readLines(t, r, 1))
	// The fault waits for the next line to exist and sends half of it.
	require.NoError(t, srv.EmitLogs(app.ID, "web", "a line long enough to be cut in two"))
	rest, err := io.ReadAll(r)
	assert.ErrorIs(t, err, io.ErrUnexpectedEOF, "the body is cut, not ended")
	assert.NotEmpty(t, rest)
	assert.NotContains(t, string(rest), "\n")
	assert.True(t, strings.HasPrefix(string(rest), "web "), "half a line: %q", rest)

	// The fault is used up: the next stream runs normally.
	_, r = openLive(t, srv, liveURL(t, c, app.ID, &do.LogsOptions{Type: do.AppLogTypeRun, Component: "web", Follow: true}))
	assert.Equal(t, []string{"server listening on :8080", "a line long enough to be cut in two"}, readLines(t, r, 2))
}

func TestLogStreamFaultDropBetweenLines(t *testing.T) {
	srv := digitaloceantest.New(t)
	c := srv.Client()
	app := deployActive(t, srv, c, "drop2")
	require.NoError(t, srv.EmitLogs(app.ID, "web", "one", "two"))
	srv.FailNextLogStreams(1, digitaloceantest.LogStreamFault{AfterLines: 2})
	_, r := openLive(t, srv, liveURL(t, c, app.ID, &do.LogsOptions{Type: do.AppLogTypeRun, Component: "web", Follow: true}))
	assert.Equal(t, []string{"server listening on :8080", "one"}, readLines(t, r, 2))
	rest, err := io.ReadAll(r)
	assert.ErrorIs(t, err, io.ErrUnexpectedEOF)
	assert.Empty(t, rest)
}

func TestLogURLsExpire(t *testing.T) {
	srv := digitaloceantest.New(t)
	c := srv.Client()
	app := deployActive(t, srv, c, "expire")
	opts := &do.LogsOptions{Type: do.AppLogTypeRun, Component: "web", Follow: true}

	// ExpireLogURLs ends open streams cleanly and refuses their URLs.
	url1 := liveURL(t, c, app.ID, opts)
	_, r := openLive(t, srv, url1)
	assert.Equal(t, []string{"server listening on :8080"}, readLines(t, r, 1))
	srv.ExpireLogURLs()
	rest, err := io.ReadAll(r)
	require.NoError(t, err, "an expired stream ends cleanly")
	assert.Empty(t, rest)
	resp, _ := openLive(t, srv, url1)
	assert.Equal(t, http.StatusForbidden, resp.StatusCode)

	// A fresh URL works; it stops working after LogURLLifetime.
	url2 := liveURL(t, c, app.ID, &do.LogsOptions{Type: do.AppLogTypeRun, Component: "web"})
	srv.Advance(digitaloceantest.LogURLLifetime - time.Second)
	resp, _ = openLive(t, srv, url2)
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	srv.Advance(time.Second)
	resp, _ = openLive(t, srv, url2)
	assert.Equal(t, http.StatusForbidden, resp.StatusCode)

	// A fault can expire the URL in the middle of a stream.
	srv.FailNextLogStreams(1, digitaloceantest.LogStreamFault{AfterLines: 1, ExpireURL: true})
	url3 := liveURL(t, c, app.ID, opts)
	_, r = openLive(t, srv, url3)
	body, err := io.ReadAll(r)
	require.NoError(t, err)
	assert.Equal(t, 1, strings.Count(string(body), "\n"))
	resp, _ = openLive(t, srv, url3)
	assert.Equal(t, http.StatusForbidden, resp.StatusCode)
}

func TestLogsTailLinesJobAndEvent(t *testing.T) {
	srv := digitaloceantest.New(t)
	c := srv.Client()
	ctx := context.Background()
	app := deployActive(t, srv, c, "tail-job")
	countLines := func(logs *do.AppLogs) int {
		t.Helper()
		u := logs.LiveURL
		if u == "" {
			require.Len(t, logs.HistoricURLs, 1)
			u = logs.HistoricURLs[0]
		}
		_, r := openLive(t, srv, u)
		body, err := io.ReadAll(r)
		require.NoError(t, err)
		return strings.Count(string(body), "\n")
	}

	invocations, _, err := c.Apps.ListJobInvocations(ctx, app.ID, nil)
	require.NoError(t, err)
	require.NotEmpty(t, invocations)
	jobLines := map[int]int{}
	for _, tail := range []int{0, do.TailAllLines, 1} {
		logs, _, err := c.Apps.GetJobInvocationLogs(ctx, app.ID, invocations[0].ID, &do.JobInvocationLogsOptions{JobName: invocations[0].JobName, TailLines: tail})
		require.NoError(t, err, "tail %d", tail)
		jobLines[tail] = countLines(logs)
	}
	require.Greater(t, jobLines[0], 1)
	assert.Equal(t, jobLines[0], jobLines[do.TailAllLines], "-1 is no limit")
	assert.Equal(t, 1, jobLines[1])

	eventID, err := srv.TriggerAutoscale(app.ID, "web", 2, 4)
	require.NoError(t, err)
	srv.Advance(3 * digitaloceantest.DefaultPhaseDuration)
	all, _, err := c.Apps.GetEventLogs(ctx, app.ID, eventID, &do.EventLogsOptions{TailLines: do.TailAllLines})
	require.NoError(t, err)
	last, _, err := c.Apps.GetEventLogs(ctx, app.ID, eventID, &do.EventLogsOptions{TailLines: 1})
	require.NoError(t, err)
	require.Greater(t, countLines(all), 1)
	assert.Equal(t, 1, countLines(last))
}
