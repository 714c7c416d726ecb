package digitalocean_test

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	do "github.com/oceankit/digitalocean"
	"github.com/oceankit/digitalocean/digitaloceantest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// logCapture keeps every record a client logs, as slog.Records and as the
// output of a JSON and a text handler.
type logCapture struct {
	mu      sync.Mutex
	records []slog.Record
	json    lockedBuffer
	text    lockedBuffer
}

type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func (c *logCapture) Enabled(context.Context, slog.Level) bool { return true }
func (c *logCapture) WithAttrs([]slog.Attr) slog.Handler       { return c }
func (c *logCapture) WithGroup(string) slog.Handler            { return c }
func (c *logCapture) Handle(_ context.Context, r slog.Record) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.records = append(c.records, r.Clone())
	return nil
}

// logger logs at debug level to the capture and to both text handlers.
func (c *logCapture) logger() *slog.Logger {
	opts := &slog.HandlerOptions{Level: slog.LevelDebug}
	return slog.New(slog.NewMultiHandler(c, slog.NewJSONHandler(&c.json, opts), slog.NewTextHandler(&c.text, opts)))
}

// connRecord is one connect or disconnect record, its attributes by key.
type connRecord struct {
	msg   string
	level slog.Level
	attrs map[string]slog.Value
}

func (r connRecord) str(key string) string { return r.attrs[key].String() }
func (r connRecord) num(key string) int64 {
	v, ok := r.attrs[key]
	if !ok {
		return -1
	}
	return v.Int64()
}

// conns returns the connect and disconnect records so far, in order.
func (c *logCapture) conns() []connRecord {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []connRecord
	for _, r := range c.records {
		if r.Message != "digitalocean connect" && r.Message != "digitalocean disconnect" {
			continue
		}
		rec := connRecord{msg: r.Message, level: r.Level, attrs: map[string]slog.Value{}}
		r.Attrs(func(a slog.Attr) bool {
			rec.attrs[a.Key] = a.Value.Resolve()
			return true
		})
		out = append(out, rec)
	}
	return out
}

// everything is every text the capture holds: both handlers' output and
// each key and value of every record, groups included.
func (c *logCapture) everything() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := []string{c.json.String(), c.text.String()}
	var walk func(a slog.Attr)
	walk = func(a slog.Attr) {
		v := a.Value.Resolve()
		out = append(out, a.Key, v.String())
		if v.Kind() == slog.KindGroup {
			for _, g := range v.Group() {
				walk(g)
			}
		}
	}
	for _, r := range c.records {
		out = append(out, r.Message)
		r.Attrs(func(a slog.Attr) bool { walk(a); return true })
	}
	return out
}

// connFixture is a fake with an active app "web" whose client logs to a
// capture.
type connFixture struct {
	srv    *digitaloceantest.Server
	client *do.Client
	log    *logCapture
	appID  string
}

func newConnFixture(t *testing.T, opts ...digitaloceantest.Option) *connFixture {
	t.Helper()
	srv := digitaloceantest.New(t, opts...)
	log := &logCapture{}
	client := srv.Client(do.WithLogger(log.logger()), do.WithRetry(do.RetryPolicy{}))
	app, _, err := client.Apps.Create(context.Background(), &do.AppCreateRequest{Spec: helloSpec("connlog")})
	require.NoError(t, err)
	srv.Advance(3 * digitaloceantest.DefaultPhaseDuration)
	return &connFixture{srv: srv, client: client, log: log, appID: app.ID}
}

// liveURL emits lines and returns a live URL of the app's run log.
func (fx *connFixture) liveURL(t *testing.T, lines ...string) string {
	t.Helper()
	require.NoError(t, fx.srv.EmitLogs(fx.appID, "web", lines...))
	logs, _, err := fx.client.Apps.GetLogs(t.Context(), fx.appID, &do.LogsOptions{Type: do.AppLogTypeRun, ComponentFilter: "web"})
	require.NoError(t, err)
	require.NotEmpty(t, logs.LiveURL)
	return logs.LiveURL
}

// archivedURL returns an archived URL of the run log of a deployment that
// a second one superseded, with lines in it.
func (fx *connFixture) archivedURL(t *testing.T, lines ...string) string {
	t.Helper()
	ctx := t.Context()
	app, _, err := fx.client.Apps.Get(ctx, fx.appID)
	require.NoError(t, err)
	require.NotNil(t, app.ActiveDeployment)
	old := app.ActiveDeployment.ID
	require.NoError(t, fx.srv.EmitLogs(fx.appID, "web", lines...))
	_, _, err = fx.client.Apps.CreateDeployment(ctx, fx.appID, nil)
	require.NoError(t, err)
	fx.srv.Advance(3 * digitaloceantest.DefaultPhaseDuration)
	logs, _, err := fx.client.Apps.GetLogs(ctx, fx.appID, &do.LogsOptions{DeploymentID: old, Type: do.AppLogTypeRun, ComponentFilter: "web"})
	require.NoError(t, err)
	require.Len(t, logs.HistoricURLs, 1)
	return logs.HistoricURLs[0]
}

func drain(seq func(func(do.LogLine, error) bool)) (lines []string, err error) {
	for line, err := range seq {
		if err != nil {
			return lines, err
		}
		lines = append(lines, line.Message)
		if len(lines) > 100 {
			break
		}
	}
	return lines, nil
}

// assertConnect checks a connect record of kind at u's host and path.
func assertConnect(t *testing.T, r connRecord, kind, rawURL, protocol string, status int64) {
	t.Helper()
	u, err := url.Parse(rawURL)
	require.NoError(t, err)
	assert.Equal(t, "digitalocean connect", r.msg)
	assert.Equal(t, slog.LevelDebug, r.level, "the level of request records")
	assert.Equal(t, kind, r.str("kind"))
	assert.Equal(t, u.Host, r.str("host"))
	assert.Equal(t, u.Path, r.str("path"))
	assert.Equal(t, protocol, r.str("protocol"))
	assert.Equal(t, status, r.num("status"))
	require.Contains(t, r.attrs, "duration")
	assert.Equal(t, slog.KindDuration, r.attrs["duration"].Kind())
}

// assertDisconnect checks a disconnect record and returns it.
func assertDisconnect(t *testing.T, r connRecord, kind, end string) connRecord {
	t.Helper()
	assert.Equal(t, "digitalocean disconnect", r.msg)
	assert.Equal(t, slog.LevelDebug, r.level)
	assert.Equal(t, kind, r.str("kind"))
	assert.Equal(t, end, r.str("end"))
	require.Contains(t, r.attrs, "duration")
	assert.GreaterOrEqual(t, r.attrs["duration"].Duration(), time.Duration(0))
	return r
}

// Each kind of connection is logged when it opens (host, path, status,
// time to connect) and when it ends (how, how long, how much).
func TestConnLogEachKind(t *testing.T) {
	t.Run("log stream", func(t *testing.T) {
		fx := newConnFixture(t)
		live := fx.liveURL(t, "one", "two", "three")
		lines, err := drain(fx.client.Apps.StreamLogs(t.Context(), live))
		require.NoError(t, err)
		require.Subset(t, lines, []string{"one", "two", "three"})
		recs := fx.log.conns()
		require.Len(t, recs, 2)
		assertConnect(t, recs[0], "log stream", live, "websocket", 101)
		assert.Positive(t, recs[0].attrs["duration"].Duration(), "a real dial takes time")
		end := assertDisconnect(t, recs[1], "log stream", "server close")
		assert.Equal(t, int64(1000), end.num("close_code"))
		assert.Equal(t, int64(len(lines)), end.num("lines"))
		assert.NotContains(t, end.attrs, "error")
	})
	t.Run("log stream over HTTP", func(t *testing.T) {
		fx := newConnFixture(t, digitaloceantest.WithChunkedLiveLogs())
		live := fx.liveURL(t, "one", "two")
		lines, err := drain(fx.client.Apps.StreamLogs(t.Context(), live))
		require.NoError(t, err)
		require.Subset(t, lines, []string{"one", "two"})
		recs := fx.log.conns()
		require.Len(t, recs, 2)
		assertConnect(t, recs[0], "log stream", live, "http", 200)
		end := assertDisconnect(t, recs[1], "log stream", "eof")
		assert.Equal(t, int64(len(lines)), end.num("lines"))
		assert.Positive(t, end.num("bytes_received"))
	})
	t.Run("archived log", func(t *testing.T) {
		fx := newConnFixture(t)
		archived := fx.archivedURL(t, "one", "two")
		body, err := fx.client.Apps.DownloadLogs(t.Context(), archived)
		require.NoError(t, err)
		raw, err := io.ReadAll(body)
		require.NoError(t, err)
		require.Len(t, fx.log.conns(), 1, "open, not ended before Close")
		require.NoError(t, body.Close())
		recs := fx.log.conns()
		require.Len(t, recs, 2)
		assertConnect(t, recs[0], "archived log", archived, "http", 200)
		end := assertDisconnect(t, recs[1], "archived log", "eof")
		assert.Equal(t, int64(len(raw)), end.num("bytes_received"))
	})
	t.Run("console", func(t *testing.T) {
		fx := newConnFixture(t)
		console, _, err := fx.client.Apps.OpenConsole(t.Context(), fx.appID, &do.ExecOptions{Component: "web"}, nil)
		require.NoError(t, err)
		_, err = io.WriteString(console, "echo hi\rexit\r")
		require.NoError(t, err)
		_, err = io.ReadAll(console) // until the shell exits: close 1000
		require.NoError(t, err)
		require.NoError(t, console.Close())
		exec := fx.srv.ConsoleSessions()
		require.Len(t, exec, 1)
		recs := fx.log.conns()
		require.Len(t, recs, 2)
		assert.Equal(t, "console", recs[0].str("kind"))
		assert.Equal(t, int64(101), recs[0].num("status"))
		assert.Equal(t, "/v1/exec/"+exec[0].Instance, recs[0].str("path"))
		assert.Equal(t, strings.TrimPrefix(fx.srv.LogHostURL(), "http://"), recs[0].str("host"))
		end := assertDisconnect(t, recs[1], "console", "server close")
		assert.Equal(t, int64(1000), end.num("close_code"))
		assert.Positive(t, end.num("messages_received"))
		assert.Positive(t, end.num("bytes_received"))
		assert.Equal(t, int64(1), end.num("messages_sent"), "one Write, one message")
		assert.Equal(t, int64(len(`{"op":"stdin","data":"echo hi\rexit\r"}`)), end.num("bytes_sent"))
	})
}

// How a connection ended is logged: the caller breaking the loop or
// closing, its context ending, a drop, a server close with another code.
func TestConnLogHowConnectionsEnd(t *testing.T) {
	t.Run("loop broken", func(t *testing.T) {
		fx := newConnFixture(t)
		for range fx.client.Apps.StreamLogs(t.Context(), fx.liveURL(t, "one", "two")) {
			break
		}
		end := assertDisconnect(t, fx.log.conns()[1], "log stream", "client close")
		assert.Equal(t, int64(1), end.num("lines"))
		assert.NotContains(t, end.attrs, "close_code")
	})
	t.Run("context canceled", func(t *testing.T) {
		fx := newConnFixture(t)
		ctx, cancel := context.WithCancel(t.Context())
		defer cancel()
		require.NoError(t, fx.srv.EmitLogs(fx.appID, "web", "one"))
		logs, _, err := fx.client.Apps.GetLogs(ctx, fx.appID, &do.LogsOptions{Type: do.AppLogTypeRun, ComponentFilter: "web", Follow: true})
		require.NoError(t, err)
		var got error
		for _, err := range fx.client.Apps.StreamLogs(ctx, logs.LiveURL) {
			if err != nil {
				got = err
				break
			}
			cancel() // a followed stream would otherwise wait for more lines
		}
		require.ErrorIs(t, got, context.Canceled)
		recs := fx.log.conns()
		end := assertDisconnect(t, recs[len(recs)-1], "log stream", "canceled")
		assert.Contains(t, end.str("error"), "context canceled")
	})
	t.Run("dropped", func(t *testing.T) {
		fx := newConnFixture(t)
		fx.srv.FailNextLogStreams(1, digitaloceantest.LogStreamFault{AfterLines: 1})
		_, err := drain(fx.client.Apps.StreamLogs(t.Context(), fx.liveURL(t, "one", "two")))
		require.ErrorIs(t, err, io.ErrUnexpectedEOF)
		end := assertDisconnect(t, fx.log.conns()[1], "log stream", "dropped")
		assert.Equal(t, int64(1), end.num("lines"))
		assert.Contains(t, end.str("error"), "without a websocket close frame")
	})
	t.Run("archived log closed early", func(t *testing.T) {
		fx := newConnFixture(t)
		body, err := fx.client.Apps.DownloadLogs(t.Context(), fx.archivedURL(t, "one", "two"))
		require.NoError(t, err)
		require.NoError(t, body.Close())
		assertDisconnect(t, fx.log.conns()[1], "archived log", "client close")
	})
	t.Run("console closed by the caller", func(t *testing.T) {
		fx := newConnFixture(t)
		console, _, err := fx.client.Apps.OpenConsole(t.Context(), fx.appID, &do.ExecOptions{Component: "web"}, nil)
		require.NoError(t, err)
		require.NoError(t, console.Close())
		end := assertDisconnect(t, fx.log.conns()[1], "console", "client close")
		assert.NotContains(t, end.attrs, "error")
	})
	t.Run("console closed by the server with another code", func(t *testing.T) {
		fx := newConnFixture(t)
		console, _, err := fx.client.Apps.OpenConsole(t.Context(), fx.appID, &do.ExecOptions{Component: "web"}, nil)
		require.NoError(t, err)
		t.Cleanup(func() { _ = console.Close() })
		require.Equal(t, 1, fx.srv.CloseConsoles(4001, "instance replaced"))
		_, err = io.ReadAll(console)
		require.Error(t, err)
		end := assertDisconnect(t, fx.log.conns()[1], "console", "server close")
		assert.Equal(t, int64(4001), end.num("close_code"))
	})
	t.Run("console context canceled", func(t *testing.T) {
		fx := newConnFixture(t)
		ctx, cancel := context.WithCancel(t.Context())
		defer cancel()
		console, _, err := fx.client.Apps.OpenConsole(ctx, fx.appID, &do.ExecOptions{Component: "web"}, nil)
		require.NoError(t, err)
		cancel()
		_, err = io.ReadAll(console)
		require.ErrorIs(t, err, context.Canceled)
		require.NoError(t, console.Close())
		end := assertDisconnect(t, fx.log.conns()[1], "console", "canceled")
		assert.Contains(t, end.str("error"), "context canceled")
	})
	t.Run("console dropped", func(t *testing.T) {
		fx := newConnFixture(t)
		console, _, err := fx.client.Apps.OpenConsole(t.Context(), fx.appID, &do.ExecOptions{Component: "web"}, nil)
		require.NoError(t, err)
		t.Cleanup(func() { _ = console.Close() })
		require.Equal(t, 1, fx.srv.DropConsoles())
		_, err = io.ReadAll(console)
		require.Error(t, err)
		end := assertDisconnect(t, fx.log.conns()[1], "console", "dropped")
		assert.NotContains(t, end.attrs, "close_code")
	})
}

// A failed handshake is logged with the status the host answered, and no
// disconnect record follows.
func TestConnLogFailedHandshake(t *testing.T) {
	fx := newConnFixture(t)
	ctx := t.Context()
	live := fx.liveURL(t, "one")
	archived := fx.archivedURL(t, "two")
	fx.srv.ExpireLogURLs()
	_, err := drain(fx.client.Apps.StreamLogs(ctx, live))
	require.Error(t, err)
	_, err = fx.client.Apps.DownloadLogs(ctx, archived)
	require.Error(t, err)
	exec, _, err := fx.client.Apps.GetExec(ctx, fx.appID, &do.ExecOptions{Component: "web"})
	require.NoError(t, err)
	forged := strings.Split(exec.URL, "?")[0] + "?token=forged-token-value"
	_, err = fx.client.Apps.DialConsole(ctx, forged, nil)
	require.Error(t, err)

	recs := fx.log.conns()
	require.Len(t, recs, 3, "connect records only")
	assertConnect(t, recs[0], "log stream", live, "websocket", 403)
	assertConnect(t, recs[1], "archived log", archived, "http", 403)
	assertConnect(t, recs[2], "console", forged, "websocket", 403)
	for _, r := range recs {
		assert.Contains(t, r.str("error"), ": 403")
	}

	// Nothing listens: no status, the transport's error.
	dead := httptest.NewServer(http.NotFoundHandler())
	dead.Close()
	_, err = fx.client.Apps.DialConsole(ctx, "ws"+strings.TrimPrefix(dead.URL, "http")+"/v1/exec/web?token=x", nil)
	require.Error(t, err)
	recs = fx.log.conns()
	require.Len(t, recs, 4)
	assert.Equal(t, int64(-1), recs[3].num("status"), "no answer, no status")
	assert.Contains(t, recs[3].str("error"), "refused")
}

// No record, in any handler, holds a URL's signature or token, the API
// token, or anything read or written on the connection.
func TestConnLogNeverLogsSecrets(t *testing.T) {
	const signature = "SIGNATURE-0123456789abcdef"
	const lineText = "LOG-LINE-CONTENT"
	const typed = "CONSOLE-INPUT"
	signed := func(raw string) string { return raw + "&X-Amz-Signature=" + signature }
	tokenOf := func(raw string) string {
		u, err := url.Parse(raw)
		require.NoError(t, err)
		require.NotEmpty(t, u.Query().Get("token"))
		return u.Query().Get("token")
	}
	fx := newConnFixture(t)
	ctx := t.Context()
	secrets := []string{signature, fx.srv.Token(), "Bearer", lineText, typed, "X-Amz", "token="}

	live := fx.liveURL(t, lineText)
	secrets = append(secrets, tokenOf(live))
	lines, err := drain(fx.client.Apps.StreamLogs(ctx, signed(live)))
	require.NoError(t, err)
	require.Contains(t, lines, lineText)

	archived := fx.archivedURL(t, lineText)
	secrets = append(secrets, tokenOf(archived))
	body, err := fx.client.Apps.DownloadLogs(ctx, signed(archived))
	require.NoError(t, err)
	raw, err := io.ReadAll(body)
	require.NoError(t, err)
	require.Contains(t, string(raw), lineText)
	require.NoError(t, body.Close())

	exec, _, err := fx.client.Apps.GetExec(ctx, fx.appID, &do.ExecOptions{Component: "web"})
	require.NoError(t, err)
	secrets = append(secrets, tokenOf(exec.URL))
	console, err := fx.client.Apps.DialConsole(ctx, signed(exec.URL), nil)
	require.NoError(t, err)
	_, err = io.WriteString(console, "echo "+typed+"\rexit\r")
	require.NoError(t, err)
	out, err := io.ReadAll(console)
	require.NoError(t, err)
	require.Contains(t, string(out), typed)
	require.NoError(t, console.Close())

	// Failures: expired URLs, a forged console token, and a log host whose
	// error body quotes the signature, as S3's SignatureDoesNotMatch does.
	fx.srv.ExpireLogURLs()
	_, err = drain(fx.client.Apps.StreamLogs(ctx, signed(live)))
	require.Error(t, err)
	_, err = fx.client.Apps.DownloadLogs(ctx, signed(archived))
	require.Error(t, err)
	_, err = fx.client.Apps.DialConsole(ctx, signed(strings.Split(exec.URL, "?")[0]+"?token=forged"), nil)
	require.Error(t, err)
	echo := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusForbidden)
		_, _ = io.WriteString(w, "<Error><Code>SignatureDoesNotMatch</Code><SignatureProvided>"+r.URL.Query().Get("X-Amz-Signature")+"</SignatureProvided></Error>")
	}))
	t.Cleanup(echo.Close)
	_, err = fx.client.Apps.DownloadLogs(ctx, signed(echo.URL+"/archive.log?token=x"))
	require.Error(t, err)

	recs := fx.log.conns()
	require.Len(t, recs, 10, "connect and disconnect of 3, connect of 4 failures")
	assert.Contains(t, recs[9].str("error"), "SignatureDoesNotMatch", "sanity: the body made it into the record")
	for _, text := range fx.log.everything() {
		for _, secret := range secrets {
			assert.NotContains(t, text, secret)
		}
	}
}

// With no logger taking debug records, nothing is logged.
func TestConnLogRespectsLevel(t *testing.T) {
	srv := digitaloceantest.New(t)
	var out lockedBuffer
	client := srv.Client(do.WithLogger(slog.New(slog.NewTextHandler(&out, &slog.HandlerOptions{Level: slog.LevelInfo}))))
	app, _, err := client.Apps.Create(t.Context(), &do.AppCreateRequest{Spec: helloSpec("quiet")})
	require.NoError(t, err)
	srv.Advance(3 * digitaloceantest.DefaultPhaseDuration)
	require.NoError(t, srv.EmitLogs(app.ID, "web", "one"))
	logs, _, err := client.Apps.GetLogs(t.Context(), app.ID, &do.LogsOptions{Type: do.AppLogTypeRun, ComponentFilter: "web"})
	require.NoError(t, err)
	lines, err := drain(client.Apps.StreamLogs(t.Context(), logs.LiveURL))
	require.NoError(t, err)
	assert.Contains(t, lines, "one")
	assert.Empty(t, out.String())
}
