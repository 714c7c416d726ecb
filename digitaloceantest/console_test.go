package digitaloceantest_test

import (
	"encoding/json"
	"net/http"
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

// activeApp creates sampleSpec's app and lets its deployment finish.
func activeApp(t *testing.T, srv *digitaloceantest.Server) *do.App {
	t.Helper()
	app, _, err := srv.Client().Apps.Create(t.Context(), &do.AppCreateRequest{Spec: sampleSpec("console")})
	require.NoError(t, err)
	srv.Advance(3 * digitaloceantest.DefaultPhaseDuration)
	return app
}

func execURL(t *testing.T, srv *digitaloceantest.Server, appID string, opts *do.ExecOptions) string {
	t.Helper()
	exec, _, err := srv.Client().Apps.GetExec(t.Context(), appID, opts)
	require.NoError(t, err)
	return exec.URL
}

// rawConsole is a console client written against the protocol, not the SDK.
type rawConsole struct {
	t    *testing.T
	conn *websocket.Conn
	out  strings.Builder
}

func dialRaw(t *testing.T, srv *digitaloceantest.Server, url string) *rawConsole {
	t.Helper()
	conn, _, err := websocket.Dial(t.Context(), url, &websocket.DialOptions{HTTPClient: srv.HTTPClient()})
	require.NoError(t, err)
	t.Cleanup(func() { _ = conn.CloseNow() })
	return &rawConsole{t: t, conn: conn}
}

func (c *rawConsole) send(msg string) {
	c.t.Helper()
	require.NoError(c.t, c.conn.Write(c.t.Context(), websocket.MessageText, []byte(msg)))
}

func (c *rawConsole) stdin(data string) {
	c.t.Helper()
	msg, _ := json.Marshal(map[string]string{"op": "stdin", "data": data})
	c.send(string(msg))
}

// readUntil reads output messages until the output ends with suffix and
// returns the output since the last call.
func (c *rawConsole) readUntil(suffix string) string {
	c.t.Helper()
	start := c.out.Len()
	for !strings.HasSuffix(c.out.String()[start:], suffix) {
		_, msg, err := c.conn.Read(c.t.Context())
		require.NoError(c.t, err, "output so far: %q", c.out.String())
		var m struct{ Data string }
		require.NoError(c.t, json.Unmarshal(msg, &m))
		c.out.WriteString(m.Data)
	}
	return c.out.String()[start:]
}

// closeStatus reads until the session ends and returns its close error.
func (c *rawConsole) closeStatus() websocket.CloseError {
	c.t.Helper()
	for {
		_, _, err := c.conn.Read(c.t.Context())
		if err != nil {
			var ce websocket.CloseError
			require.ErrorAs(c.t, err, &ce)
			return ce
		}
	}
}

func TestConsoleShell(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		srv := digitaloceantest.New(t, digitaloceantest.WithInMemoryNetwork())
		app := activeApp(t, srv)
		instances, _, err := srv.Client().Apps.GetAppInstances(t.Context(), app.ID)
		require.NoError(t, err)
		second := instances[1].InstanceName
		c := dialRaw(t, srv, execURL(t, srv, app.ID, &do.ExecOptions{Component: "web", InstanceName: second}))
		assert.Equal(t, "$ ", c.readUntil("$ "))

		c.stdin("hostname\r")
		assert.Equal(t, "hostname\r\n"+second+"\r\n$ ", c.readUntil("$ "))
		c.stdin("pwd\r")
		assert.Equal(t, "pwd\r\n/workspace\r\n$ ", c.readUntil("$ "))
		c.stdin("env\r")
		assert.Contains(t, c.readUntil("$ "), "\r\nHOSTNAME="+second+"\r\n")
		c.stdin("ls -l\r")
		assert.Equal(t, "ls -l\r\nsh: 1: ls: not found\r\n$ ", c.readUntil("$ "))
		c.stdin("echo abx\x7fc\r") // backspace
		assert.Equal(t, "echo abx\b \bc\r\nabc\r\n$ ", c.readUntil("$ "))
		c.stdin("echo lost\x03") // Ctrl-C drops the line
		assert.Equal(t, "echo lost^C\r\n$ ", c.readUntil("$ "))
		c.send(`{"op":"resize","width":120,"height":40}`)
		c.stdin("stty size\r")
		assert.Equal(t, "stty size\r\n40 120\r\n$ ", c.readUntil("$ "))
		c.stdin("\x04") // Ctrl-D on an empty line
		assert.Equal(t, "exit\r\n", c.readUntil("exit\r\n"))
		assert.Equal(t, websocket.StatusNormalClosure, c.closeStatus().Code)

		synctest.Wait()
		sessions := srv.ConsoleSessions()
		require.Len(t, sessions, 1)
		sess := sessions[0]
		assert.Equal(t, app.ID, sess.AppID)
		assert.Equal(t, "web", sess.Component)
		assert.Equal(t, second, sess.Instance)
		assert.Equal(t, []digitaloceantest.ConsoleSize{{Width: 120, Height: 40}}, sess.Resizes)
		assert.True(t, sess.Ended)
		assert.True(t, sess.ClosedByServer)
		assert.Equal(t, 1000, sess.CloseCode)
		assert.Empty(t, sess.ProtocolError)
	})
}

// The console URL is its own credential: the fake refuses a request that
// also carries the API token, a subprotocol, a bad token or a plain GET.
func TestConsoleRefusals(t *testing.T) {
	srv := digitaloceantest.New(t)
	app := activeApp(t, srv)
	url := execURL(t, srv, app.ID, &do.ExecOptions{Component: "web"})
	for _, tc := range []struct {
		name   string
		url    string
		opts   websocket.DialOptions
		status int
	}{
		{"authorization", url, websocket.DialOptions{HTTPHeader: http.Header{"Authorization": {"Bearer " + srv.Token()}}}, http.StatusBadRequest},
		{"subprotocol", url, websocket.DialOptions{Subprotocols: []string{"tty"}}, http.StatusBadRequest},
		{"bad token", strings.Split(url, "?")[0] + "?token=nope", websocket.DialOptions{}, http.StatusForbidden},
		{"no token", strings.Split(url, "?")[0], websocket.DialOptions{}, http.StatusForbidden},
		{"other instance", strings.Replace(url, "/v1/exec/", "/v1/exec/x", 1), websocket.DialOptions{}, http.StatusForbidden},
	} {
		tc.opts.HTTPClient = srv.HTTPClient()
		_, resp, err := websocket.Dial(t.Context(), tc.url, &tc.opts)
		require.Error(t, err, tc.name)
		require.NotNil(t, resp, tc.name)
		assert.Equal(t, tc.status, resp.StatusCode, tc.name)
	}
	resp, err := srv.HTTPClient().Get("http" + strings.TrimPrefix(url, "ws"))
	require.NoError(t, err)
	_ = resp.Body.Close()
	assert.Equal(t, http.StatusUpgradeRequired, resp.StatusCode)

	sessions := srv.ConsoleSessions()
	require.Len(t, sessions, 6)
	assert.True(t, sessions[0].HadAuthorization)
	for _, sess := range sessions {
		assert.NotEqual(t, http.StatusSwitchingProtocols, sess.Status)
		assert.True(t, sess.Ended)
	}

	// A token ends with its app.
	_, err = srv.Client().Apps.Delete(t.Context(), app.ID)
	require.NoError(t, err)
	_, resp, err = websocket.Dial(t.Context(), url, &websocket.DialOptions{HTTPClient: srv.HTTPClient()})
	require.Error(t, err)
	assert.Equal(t, http.StatusForbidden, resp.StatusCode)
}

// A message outside the protocol closes the session with 1003.
func TestConsoleProtocolViolations(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		srv := digitaloceantest.New(t, digitaloceantest.WithInMemoryNetwork())
		app := activeApp(t, srv)
		for _, msg := range []string{
			`not json`,
			`{"op":"exec","data":"ls"}`,
			`{"op":"stdin","data":"ls","width":3}`,
			`{"op":"stdin"}`,
			`{"op":"resize","width":0,"height":24}`,
			`{"op":"resize","width":80}`,
			`{"op":"stdin","data":"","extra":1}`,
		} {
			c := dialRaw(t, srv, execURL(t, srv, app.ID, &do.ExecOptions{Component: "web"}))
			c.readUntil("$ ")
			c.send(msg)
			assert.Equal(t, websocket.StatusUnsupportedData, c.closeStatus().Code, msg)
		}
		synctest.Wait()
		for _, sess := range srv.ConsoleSessions() {
			assert.NotEmpty(t, sess.ProtocolError)
			assert.Equal(t, 1003, sess.CloseCode)
			assert.Empty(t, sess.Stdin)
			assert.Empty(t, sess.Resizes)
		}
	})
}

// Closing the fake cuts open sessions and leaves no goroutine behind (the
// bubble would report one still blocked).
func TestConsoleServerCloseEndsSessions(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		srv := digitaloceantest.NewServer(digitaloceantest.WithInMemoryNetwork())
		app := activeApp(t, srv)
		c := dialRaw(t, srv, execURL(t, srv, app.ID, &do.ExecOptions{Component: "web"}))
		c.readUntil("$ ")
		srv.Close()
		_, _, err := c.conn.Read(t.Context())
		require.Error(t, err)
		assert.Equal(t, websocket.StatusCode(-1), websocket.CloseStatus(err), "no close frame: the connection was cut")
		sessions := srv.ConsoleSessions()
		require.Len(t, sessions, 1)
		assert.True(t, sessions[0].Ended)
		assert.Equal(t, 1006, sessions[0].CloseCode)
	})
}

// Without any message the fake closes a session after ConsoleIdleTimeout.
func TestConsoleIdleTimeout(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		srv := digitaloceantest.New(t, digitaloceantest.WithInMemoryNetwork())
		app := activeApp(t, srv)
		c := dialRaw(t, srv, execURL(t, srv, app.ID, &do.ExecOptions{Component: "web"}))
		c.readUntil("$ ")
		start := time.Now()
		time.Sleep(digitaloceantest.ConsoleIdleTimeout - time.Second)
		c.stdin("") // a keep-alive restarts the idle time
		ce := c.closeStatus()
		assert.Equal(t, websocket.StatusGoingAway, ce.Code)
		assert.Equal(t, 2*digitaloceantest.ConsoleIdleTimeout-time.Second, time.Since(start))
	})
}

// A client that has seen its session end finds it Ended at once, whether
// the fake closed it (exit) or cut it (DropConsoles): the record is made
// before the close frame is sent or the connection cut. Over real
// loopback, 50 sessions each, so that a record that lags shows.
func TestConsoleSessionEndedBeforeClientSeesEnd(t *testing.T) {
	srv := digitaloceantest.New(t)
	app := activeApp(t, srv)
	const rounds = 50
	for i := range rounds {
		c := dialRaw(t, srv, execURL(t, srv, app.ID, &do.ExecOptions{Component: "web"}))
		c.readUntil("$ ")
		c.stdin("exit\r")
		require.Equal(t, websocket.StatusNormalClosure, c.closeStatus().Code)
		sess := srv.ConsoleSessions()[2*i]
		require.True(t, sess.Ended, "session %d: closed by exit, not yet Ended", 2*i)
		assert.Equal(t, 1000, sess.CloseCode)

		c = dialRaw(t, srv, execURL(t, srv, app.ID, &do.ExecOptions{Component: "web"}))
		c.readUntil("$ ")
		require.Equal(t, 1, srv.DropConsoles())
		_, _, err := c.conn.Read(t.Context())
		require.Error(t, err)
		sess = srv.ConsoleSessions()[2*i+1]
		require.True(t, sess.Ended, "session %d: dropped, not yet Ended", 2*i+1)
		assert.Equal(t, 1006, sess.CloseCode)
	}
}
