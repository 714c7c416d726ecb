package digitaloceantest_test

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
	do "github.com/oceankit/digitalocean"
	"github.com/oceankit/digitalocean/digitaloceantest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// openLive dials a live log URL on the fake's log host as a websocket, as
// doctl does (http means ws); the connection is cut when the test ends.
// The context bounds a hang, it is not timing logic.
func openLive(t *testing.T, srv *digitaloceantest.Server, rawURL string) *liveConn {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	conn, resp, err := websocket.Dial(ctx, rawURL, &websocket.DialOptions{HTTPClient: srv.HTTPClient()})
	require.NoError(t, err)
	require.Equal(t, http.StatusSwitchingProtocols, resp.StatusCode)
	t.Cleanup(func() { _ = conn.CloseNow() })
	return &liveConn{t: t, ctx: ctx, conn: conn}
}

// dialStatus is the status a websocket dial of rawURL gets.
func dialStatus(t *testing.T, srv *digitaloceantest.Server, rawURL string) int {
	t.Helper()
	conn, resp, err := websocket.Dial(t.Context(), rawURL, &websocket.DialOptions{HTTPClient: srv.HTTPClient()})
	if err == nil {
		_ = conn.CloseNow()
	}
	require.NotNil(t, resp, "dial error: %v", err)
	return resp.StatusCode
}

// getLog opens a log URL with a plain GET; the body is closed when the
// test ends.
func getLog(t *testing.T, srv *digitaloceantest.Server, rawURL string) (*http.Response, *bufio.Reader) {
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

// liveConn is a live log websocket.
type liveConn struct {
	t    *testing.T
	ctx  context.Context
	conn *websocket.Conn
}

// next reads one message, which must be {"data": "<one line>\n"}, and
// returns the line's message (the text after "<component> <timestamp> ").
func (lc *liveConn) next() (string, error) {
	typ, msg, err := lc.conn.Read(lc.ctx)
	if err != nil {
		return "", err
	}
	require.Equal(lc.t, websocket.MessageText, typ)
	var m map[string]string
	require.NoError(lc.t, json.Unmarshal(msg, &m), "%s", msg)
	require.Len(lc.t, m, 1, "%s", msg)
	data, ok := m["data"]
	require.True(lc.t, ok, "%s", msg)
	require.True(lc.t, strings.HasSuffix(data, "\n") && strings.Count(data, "\n") == 1, "one line with its line ending: %q", data)
	return do.ParseLogLine(strings.TrimSuffix(data, "\n")).Message, nil
}

// readLines reads n lines' messages.
func (lc *liveConn) readLines(n int) []string {
	lc.t.Helper()
	var out []string
	for range n {
		msg, err := lc.next()
		require.NoError(lc.t, err, "after %q", out)
		out = append(out, msg)
	}
	return out
}

// rest reads until the connection ends and returns the lines' messages and
// the error that ended it.
func (lc *liveConn) rest() ([]string, error) {
	var out []string
	for range 1000 {
		msg, err := lc.next()
		if err != nil {
			return out, err
		}
		out = append(out, msg)
	}
	lc.t.Fatal("the stream never ended")
	return nil, nil
}

// assertNormalClose checks a stream ended with close 1000.
func assertNormalClose(t *testing.T, err error) {
	t.Helper()
	assert.Equal(t, websocket.StatusNormalClosure, websocket.CloseStatus(err), "close 1000, got %v", err)
}

// assertDropped checks a stream was cut without a close frame.
func assertDropped(t *testing.T, err error) {
	t.Helper()
	require.Error(t, err)
	assert.Equal(t, websocket.StatusCode(-1), websocket.CloseStatus(err), "no close frame, got %v", err)
	assert.ErrorIs(t, err, io.EOF)
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
	lc := openLive(t, srv, liveURL(t, c, app.ID, &do.LogsOptions{Type: do.AppLogTypeRun, Component: "web", Follow: true, TailLines: 2}))
	assert.Equal(t, []string{"two", "three"}, lc.readLines(2))
	require.NoError(t, srv.EmitLogs(app.ID, "web", "four"))
	assert.Equal(t, []string{"four"}, lc.readLines(1))

	// <= 0 is no limit; without follow the backlog ends with close 1000.
	for _, tail := range []int{0, do.TailAllLines} {
		lines, err := openLive(t, srv, liveURL(t, c, app.ID, &do.LogsOptions{Type: do.AppLogTypeRun, Component: "web", TailLines: tail})).rest()
		assertNormalClose(t, err)
		assert.Len(t, lines, 5, "tail %d: %q", tail, lines)
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

	lc := openLive(t, srv, liveURL(t, c, app.ID, &do.LogsOptions{Type: do.AppLogTypeRun, ComponentFilter: "queue"}))
	var texts []string
	for range 100 {
		_, msg, err := lc.conn.Read(lc.ctx)
		if err != nil {
			assertNormalClose(t, err)
			break
		}
		texts = append(texts, string(msg))
	}
	require.NotEmpty(t, texts)
	for _, text := range texts {
		assert.True(t, strings.HasPrefix(text, `{"data":"queue `), "component_name filters the aggregate logs: %s", text)
	}

	_, _, err := c.Apps.GetLogs(context.Background(), app.ID, &do.LogsOptions{Type: do.AppLogTypeRun, ComponentFilter: "nope"})
	assert.ErrorIs(t, err, do.ErrNotFound)
}

func TestLogsLiveIsAWebsocket(t *testing.T) {
	srv := digitaloceantest.New(t)
	c := srv.Client()
	app := deployActive(t, srv, c, "ws")
	u := liveURL(t, c, app.ID, &do.LogsOptions{Type: do.AppLogTypeRun, Follow: true})
	assert.True(t, strings.HasPrefix(u, "http://"), "a plain-loopback live URL is http, which clients dial as ws: %s", u)

	// A plain GET is refused: the live log is a websocket only.
	resp, _ := getLog(t, srv, u)
	assert.Equal(t, http.StatusUpgradeRequired, resp.StatusCode)
	assert.Equal(t, []string{"server listening on :8080"}, openLive(t, srv, u).readLines(1))
	reqs := srv.LogRequests()
	require.Len(t, reqs, 2)
	assert.Equal(t, http.StatusUpgradeRequired, reqs[0].Status)
	assert.Equal(t, http.StatusSwitchingProtocols, reqs[1].Status)
}

func TestLogStreamFaultMidLine(t *testing.T) {
	srv := digitaloceantest.New(t)
	c := srv.Client()
	app := deployActive(t, srv, c, "drop")
	srv.FailNextLogStreams(1, digitaloceantest.LogStreamFault{AfterLines: 1, MidLine: true})
	lc := openLive(t, srv, liveURL(t, c, app.ID, &do.LogsOptions{Type: do.AppLogTypeRun, Component: "web", Follow: true}))
	assert.Equal(t, []string{"server listening on :8080"}, lc.readLines(1))
	// The fault waits for the next line to exist; its message never
	// arrives whole: the connection is cut without a close frame.
	require.NoError(t, srv.EmitLogs(app.ID, "web", "a line long enough to be cut in two"))
	rest, err := lc.rest()
	assertDropped(t, err)
	assert.Empty(t, rest)

	// The fault is used up: the next stream runs normally.
	lc = openLive(t, srv, liveURL(t, c, app.ID, &do.LogsOptions{Type: do.AppLogTypeRun, Component: "web", Follow: true}))
	assert.Equal(t, []string{"server listening on :8080", "a line long enough to be cut in two"}, lc.readLines(2))
}

func TestLogStreamFaultDropBetweenLines(t *testing.T) {
	srv := digitaloceantest.New(t)
	c := srv.Client()
	app := deployActive(t, srv, c, "drop2")
	require.NoError(t, srv.EmitLogs(app.ID, "web", "one", "two"))
	srv.FailNextLogStreams(1, digitaloceantest.LogStreamFault{AfterLines: 2})
	lc := openLive(t, srv, liveURL(t, c, app.ID, &do.LogsOptions{Type: do.AppLogTypeRun, Component: "web", Follow: true}))
	assert.Equal(t, []string{"server listening on :8080", "one"}, lc.readLines(2))
	rest, err := lc.rest()
	assertDropped(t, err)
	assert.Empty(t, rest)
}

func TestLogURLsExpire(t *testing.T) {
	srv := digitaloceantest.New(t)
	c := srv.Client()
	app := deployActive(t, srv, c, "expire")
	opts := &do.LogsOptions{Type: do.AppLogTypeRun, Component: "web", Follow: true}

	// ExpireLogURLs ends open streams with close 1000 and refuses their
	// URLs before the upgrade.
	url1 := liveURL(t, c, app.ID, opts)
	lc := openLive(t, srv, url1)
	assert.Equal(t, []string{"server listening on :8080"}, lc.readLines(1))
	srv.ExpireLogURLs()
	rest, err := lc.rest()
	assertNormalClose(t, err)
	assert.Empty(t, rest)
	assert.Equal(t, http.StatusForbidden, dialStatus(t, srv, url1))

	// A fresh URL works; it stops working after LogURLLifetime.
	url2 := liveURL(t, c, app.ID, &do.LogsOptions{Type: do.AppLogTypeRun, Component: "web"})
	srv.Advance(digitaloceantest.LogURLLifetime - time.Second)
	assert.Equal(t, http.StatusSwitchingProtocols, dialStatus(t, srv, url2))
	srv.Advance(time.Second)
	assert.Equal(t, http.StatusForbidden, dialStatus(t, srv, url2))

	// A fault can expire the URL in the middle of a stream.
	srv.FailNextLogStreams(1, digitaloceantest.LogStreamFault{AfterLines: 1, ExpireURL: true})
	url3 := liveURL(t, c, app.ID, opts)
	lines, err := openLive(t, srv, url3).rest()
	assertNormalClose(t, err)
	assert.Len(t, lines, 1)
	assert.Equal(t, http.StatusForbidden, dialStatus(t, srv, url3))
}

// TestLogsChunkedLiveLogs: WithChunkedLiveLogs serves live URLs as the
// chunked HTTP body of before websockets, faults included.
func TestLogsChunkedLiveLogs(t *testing.T) {
	srv := digitaloceantest.New(t, digitaloceantest.WithChunkedLiveLogs())
	c := srv.Client()
	app := deployActive(t, srv, c, "chunked")
	require.NoError(t, srv.EmitLogs(app.ID, "web", "one"))
	opts := &do.LogsOptions{Type: do.AppLogTypeRun, Component: "web", Follow: true}

	srv.FailNextLogStreams(1, digitaloceantest.LogStreamFault{AfterLines: 1, MidLine: true})
	resp, r := getLog(t, srv, liveURL(t, c, app.ID, opts))
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	line, err := r.ReadString('\n')
	require.NoError(t, err)
	assert.Equal(t, "server listening on :8080", do.ParseLogLine(strings.TrimSuffix(line, "\n")).Message)
	rest, err := io.ReadAll(r)
	assert.ErrorIs(t, err, io.ErrUnexpectedEOF, "the body is cut, not ended")
	assert.NotContains(t, string(rest), "\n")
	assert.True(t, strings.HasPrefix(string(rest), "web "), "half a line: %q", rest)

	// A websocket dial gets the same plain 200 body: the upgrade is ignored.
	conn, resp, err := websocket.Dial(t.Context(), liveURL(t, c, app.ID, &do.LogsOptions{Type: do.AppLogTypeRun, Component: "web"}),
		&websocket.DialOptions{HTTPClient: srv.HTTPClient()})
	if conn != nil {
		_ = conn.CloseNow()
	}
	require.Error(t, err)
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Equal(t, http.StatusOK, srv.LogRequests()[1].Status)
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
		if logs.LiveURL != "" {
			lines, err := openLive(t, srv, u).rest()
			assertNormalClose(t, err)
			return len(lines)
		}
		_, r := getLog(t, srv, u)
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
