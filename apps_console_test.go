package digitalocean_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"
	"unicode/utf8"

	"github.com/coder/websocket"
	do "github.com/oceankit/digitalocean"
	"github.com/oceankit/digitalocean/digitaloceantest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// consoleFixture is a fake with one active app whose service "web" runs.
type consoleFixture struct {
	srv    *digitaloceantest.Server
	client *do.Client
	appID  string
}

func newConsoleFixture(t *testing.T, opts ...digitaloceantest.Option) *consoleFixture {
	t.Helper()
	srv := digitaloceantest.New(t, opts...)
	client := srv.Client()
	app, _, err := client.Apps.Create(context.Background(), &do.AppCreateRequest{Spec: helloSpec("console")})
	require.NoError(t, err)
	srv.Advance(3 * digitaloceantest.DefaultPhaseDuration)
	return &consoleFixture{srv: srv, client: client, appID: app.ID}
}

// inConsoleBubble runs f in a synctest bubble against a fake on the
// in-memory network: time is fake and a Read that would block for ever
// fails the test as a deadlock instead of hanging it.
func inConsoleBubble(t *testing.T, f func(t *testing.T, fx *consoleFixture)) {
	synctest.Test(t, func(t *testing.T) {
		f(t, newConsoleFixture(t, digitaloceantest.WithInMemoryNetwork()))
	})
}

func (fx *consoleFixture) open(t *testing.T, ctx context.Context, opts *do.ConsoleOptions) *do.Console {
	t.Helper()
	c, resp, err := fx.client.Apps.OpenConsole(ctx, fx.appID, &do.ExecOptions{Component: "web"}, opts)
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	t.Cleanup(func() { _ = c.Close() })
	return c
}

// session is the fake's record of the only console session.
func (fx *consoleFixture) session(t *testing.T) digitaloceantest.ConsoleSession {
	t.Helper()
	sessions := fx.srv.ConsoleSessions()
	require.Len(t, sessions, 1)
	return sessions[0]
}

// readUntil reads console output until it ends with suffix.
func readUntil(t *testing.T, c *do.Console, suffix string) string {
	t.Helper()
	var out strings.Builder
	buf := make([]byte, 7) // small on purpose: messages are read in parts
	for !strings.HasSuffix(out.String(), suffix) {
		n, err := c.Read(buf)
		out.Write(buf[:n])
		require.NoError(t, err, "output so far: %q", out.String())
	}
	return out.String()
}

func TestConsoleRoundTrip(t *testing.T) {
	inConsoleBubble(t, func(t *testing.T, fx *consoleFixture) {
		c := fx.open(t, t.Context(), &do.ConsoleOptions{Width: 100, Height: 30})
		assert.Equal(t, "$ ", readUntil(t, c, "$ "))

		n, err := io.WriteString(c, "echo hello  world\r")
		require.NoError(t, err)
		assert.Equal(t, len("echo hello  world\r"), n)
		assert.Equal(t, "echo hello  world\r\nhello world\r\n$ ", readUntil(t, c, "$ "))

		_, err = io.WriteString(c, "hostname\r")
		require.NoError(t, err)
		out := readUntil(t, c, "$ ")

		sess := fx.session(t)
		assert.Equal(t, "hostname\r\n"+sess.Instance+"\r\n$ ", out)
		assert.Equal(t, fx.appID, sess.AppID)
		assert.Equal(t, "web", sess.Component)
		assert.Equal(t, http.StatusSwitchingProtocols, sess.Status)
		assert.False(t, sess.HadAuthorization, "the API token went to the console host")
		assert.Equal(t, "echo hello  world\rhostname\r", sess.Stdin)
		assert.Equal(t, []digitaloceantest.ConsoleSize{{Width: 100, Height: 30}}, sess.Resizes, "the initial size is sent")
	})
}

func TestConsoleResize(t *testing.T) {
	inConsoleBubble(t, func(t *testing.T, fx *consoleFixture) {
		ctx := t.Context()
		c := fx.open(t, ctx, nil)
		readUntil(t, c, "$ ")
		_, _ = io.WriteString(c, "stty size\r")
		assert.Contains(t, readUntil(t, c, "$ "), "\r\n24 80\r\n", "the fake's default size")

		require.NoError(t, c.Resize(ctx, 132, 43))
		_, _ = io.WriteString(c, "stty size\r")
		assert.Contains(t, readUntil(t, c, "$ "), "\r\n43 132\r\n")

		for _, bad := range [][2]int{{0, 43}, {132, -1}, {1 << 16, 10}} {
			err := c.Resize(ctx, bad[0], bad[1])
			var ae *do.ArgumentError
			assert.ErrorAs(t, err, &ae, "size %v", bad)
		}
		done, cancel := context.WithCancel(ctx)
		cancel()
		assert.ErrorIs(t, c.Resize(done, 10, 10), context.Canceled)
		synctest.Wait()
		assert.Equal(t, []digitaloceantest.ConsoleSize{{Width: 132, Height: 43}}, fx.session(t).Resizes, "no bad size was sent")
		// The ended ctx sent nothing and left the console open.
		_, _ = io.WriteString(c, "echo still here\r")
		assert.Contains(t, readUntil(t, c, "$ "), "\r\nstill here\r\n")
	})
}

func TestConsoleKeepAlive(t *testing.T) {
	inConsoleBubble(t, func(t *testing.T, fx *consoleFixture) {
		start := time.Now()
		c := fx.open(t, t.Context(), nil)
		readUntil(t, c, "$ ")
		// Idle for ten minutes, far past the fake's idle timeout.
		time.Sleep(10*time.Minute + time.Second)
		synctest.Wait()
		sess := fx.session(t)
		require.Len(t, sess.KeepAlives, 20)
		for i, at := range sess.KeepAlives {
			assert.Equal(t, time.Duration(i+1)*do.DefaultConsoleKeepAlive, at.Sub(start), "keep-alive %d", i)
		}
		assert.Empty(t, sess.Stdin, "keep-alives are empty stdin messages")
		assert.False(t, sess.Ended, "the keep-alives kept the session open")
		_, _ = io.WriteString(c, "echo alive\r")
		assert.Contains(t, readUntil(t, c, "$ "), "alive")
	})
}

func TestConsoleKeepAliveInterval(t *testing.T) {
	inConsoleBubble(t, func(t *testing.T, fx *consoleFixture) {
		start := time.Now()
		c := fx.open(t, t.Context(), &do.ConsoleOptions{KeepAlive: 10 * time.Second})
		readUntil(t, c, "$ ")
		time.Sleep(35 * time.Second)
		synctest.Wait()
		var got []time.Duration
		for _, at := range fx.session(t).KeepAlives {
			got = append(got, at.Sub(start))
		}
		assert.Equal(t, []time.Duration{10 * time.Second, 20 * time.Second, 30 * time.Second}, got)
	})
}

// Without keep-alives the fake's idle timeout ends the session: the close
// code is not 1000, so Read reports a *ConsoleClosedError.
func TestConsoleWithoutKeepAliveIdlesOut(t *testing.T) {
	inConsoleBubble(t, func(t *testing.T, fx *consoleFixture) {
		start := time.Now()
		c := fx.open(t, t.Context(), &do.ConsoleOptions{KeepAlive: -1})
		readUntil(t, c, "$ ")
		_, err := c.Read(make([]byte, 10))
		var closed *do.ConsoleClosedError
		require.ErrorAs(t, err, &closed)
		assert.Equal(t, int(websocket.StatusGoingAway), closed.Code)
		assert.Equal(t, "idle timeout", closed.Reason)
		assert.Equal(t, digitaloceantest.ConsoleIdleTimeout, time.Since(start))
		assert.Empty(t, fx.session(t).KeepAlives)
	})
}

// The shell's exit closes with 1000: Read reports io.EOF after the last
// output, and writing afterwards fails with ErrConsoleClosed.
func TestConsoleServerCloseNormal(t *testing.T) {
	inConsoleBubble(t, func(t *testing.T, fx *consoleFixture) {
		c := fx.open(t, t.Context(), nil)
		_, err := io.WriteString(c, "echo bye\rexit\r")
		require.NoError(t, err)
		out, err := io.ReadAll(c)
		require.NoError(t, err, "io.ReadAll stops at io.EOF")
		assert.Equal(t, "$ echo bye\r\nbye\r\n$ exit\r\n", string(out))
		n, err := c.Read(make([]byte, 10))
		assert.Equal(t, 0, n)
		assert.Equal(t, io.EOF, err, "EOF is sticky")
		_, err = io.WriteString(c, "echo more\r")
		assert.ErrorIs(t, err, do.ErrConsoleClosed)
		assert.ErrorIs(t, c.Resize(t.Context(), 80, 24), do.ErrConsoleClosed)
		require.NoError(t, c.Close())
		synctest.Wait()
		sess := fx.session(t)
		assert.True(t, sess.Ended)
		assert.True(t, sess.ClosedByServer)
		assert.Equal(t, 1000, sess.CloseCode)
	})
}

func TestConsoleServerCloseOtherCode(t *testing.T) {
	inConsoleBubble(t, func(t *testing.T, fx *consoleFixture) {
		c := fx.open(t, t.Context(), nil)
		readUntil(t, c, "$ ")
		assert.Equal(t, 1, fx.srv.CloseConsoles(4001, "instance restarting"))
		_, err := c.Read(make([]byte, 10))
		var closed *do.ConsoleClosedError
		require.ErrorAs(t, err, &closed)
		assert.Equal(t, 4001, closed.Code)
		assert.Equal(t, "instance restarting", closed.Reason)
		assert.Equal(t, "digitalocean: console closed by the server with code 4001: instance restarting", err.Error())
		_, werr := io.WriteString(c, "x")
		assert.Same(t, closed, errAs[*do.ConsoleClosedError](t, werr), "Write reports the same end")
	})
}

func errAs[T error](t *testing.T, err error) T {
	t.Helper()
	var target T
	require.ErrorAs(t, err, &target)
	return target
}

// Ending the session's ctx closes the console with 1000, as doctl does on
// Ctrl-C, and Read reports ctx's error.
func TestConsoleContextCancel(t *testing.T) {
	inConsoleBubble(t, func(t *testing.T, fx *consoleFixture) {
		ctx, cancel := context.WithCancel(t.Context())
		c := fx.open(t, ctx, nil)
		readUntil(t, c, "$ ")
		readErr := make(chan error, 1)
		go func() {
			_, err := c.Read(make([]byte, 10))
			readErr <- err
		}()
		synctest.Wait() // the Read is blocked
		cancel()
		assert.ErrorIs(t, <-readErr, context.Canceled)
		_, err := io.WriteString(c, "echo x\r")
		assert.ErrorIs(t, err, context.Canceled)
		synctest.Wait()
		sess := fx.session(t)
		assert.True(t, sess.Ended)
		assert.False(t, sess.ClosedByServer)
		assert.Equal(t, 1000, sess.CloseCode, "the client sent a normal closure")
	})
}

func TestConsoleContextDeadline(t *testing.T) {
	inConsoleBubble(t, func(t *testing.T, fx *consoleFixture) {
		ctx, cancel := context.WithTimeout(t.Context(), 45*time.Second)
		defer cancel()
		c := fx.open(t, ctx, nil)
		_, err := io.ReadAll(c)
		assert.ErrorIs(t, err, context.DeadlineExceeded)
		synctest.Wait()
		assert.Len(t, fx.session(t).KeepAlives, 1, "one keep-alive before the deadline")
	})
}

func TestConsoleDroppedConnection(t *testing.T) {
	inConsoleBubble(t, func(t *testing.T, fx *consoleFixture) {
		c := fx.open(t, t.Context(), nil)
		readUntil(t, c, "$ ")
		assert.Equal(t, 1, fx.srv.DropConsoles())
		_, err := c.Read(make([]byte, 10))
		closed := errAs[*do.ConsoleClosedError](t, err)
		assert.Equal(t, do.ConsoleStatusDropped, closed.Code)
		assert.Error(t, closed.Err, "the transport error is kept")
		assert.True(t, strings.HasPrefix(err.Error(), "digitalocean: console connection dropped"), err.Error())
		_, err = io.WriteString(c, "x")
		assert.ErrorAs(t, err, &closed)
	})
}

// Closing a console whose connection dropped has nothing left to fail: it
// returns nil, as after a server close.
func TestConsoleCloseAfterDroppedConnection(t *testing.T) {
	inConsoleBubble(t, func(t *testing.T, fx *consoleFixture) {
		c := fx.open(t, t.Context(), nil)
		readUntil(t, c, "$ ")
		assert.Equal(t, 1, fx.srv.DropConsoles())
		_, err := c.Read(make([]byte, 10))
		require.Equal(t, do.ConsoleStatusDropped, errAs[*do.ConsoleClosedError](t, err).Code)
		assert.NoError(t, c.Close())
		_, err = c.Read(make([]byte, 10))
		assert.ErrorAs(t, err, new(*do.ConsoleClosedError), "Read still reports the drop")
	})
}

func TestConsoleClose(t *testing.T) {
	inConsoleBubble(t, func(t *testing.T, fx *consoleFixture) {
		c := fx.open(t, t.Context(), nil)
		readUntil(t, c, "$ ")
		require.NoError(t, c.Close())
		require.NoError(t, c.Close(), "Close is idempotent")
		_, err := c.Read(make([]byte, 10))
		assert.ErrorIs(t, err, do.ErrConsoleClosed)
		_, err = c.Write([]byte("x"))
		assert.ErrorIs(t, err, do.ErrConsoleClosed)
		synctest.Wait()
		sess := fx.session(t)
		assert.True(t, sess.Ended)
		assert.False(t, sess.ClosedByServer)
		assert.Equal(t, 1000, sess.CloseCode)
	})
}

// Characters written a byte at a time, as a raw terminal reads them,
// arrive whole: each message holds whole characters only.
func TestConsoleNonASCIIInput(t *testing.T) {
	inConsoleBubble(t, func(t *testing.T, fx *consoleFixture) {
		c := fx.open(t, t.Context(), nil)
		readUntil(t, c, "$ ")
		const line = "echo héllo wörld 世界 🙂\r"
		for i := range len(line) {
			_, err := c.Write([]byte{line[i]})
			require.NoError(t, err)
		}
		out := readUntil(t, c, "$ ")
		assert.Contains(t, out, "\r\nhéllo wörld 世界 🙂\r\n")
		sess := fx.session(t)
		assert.Equal(t, line, sess.Stdin)
		assert.Equal(t, utf8.RuneCountInString(line), sess.StdinMessages, "one message per character")

		// A byte that can never be UTF-8 arrives as U+FFFD.
		_, _ = c.Write([]byte("echo a\xffb\r"))
		assert.Contains(t, readUntil(t, c, "$ "), "\r\na\uFFFDb\r\n")
	})
}

// A long write is split into messages between characters.
func TestConsoleLongWrite(t *testing.T) {
	inConsoleBubble(t, func(t *testing.T, fx *consoleFixture) {
		c := fx.open(t, t.Context(), nil)
		readUntil(t, c, "$ ")
		long := strings.Repeat("é", 40000) + "|end" // 80004 bytes
		n, err := io.WriteString(c, long)
		require.NoError(t, err)
		assert.Equal(t, len(long), n)
		readUntil(t, c, "|end") // the echo of the last message
		sess := fx.session(t)
		assert.Equal(t, long, sess.Stdin)
		assert.Equal(t, 20, sess.StdinMessages, "at most 4 KiB each")
	})
}

func TestOpenConsoleArguments(t *testing.T) {
	fx := newConsoleFixture(t)
	ctx := t.Context()
	before := len(fx.srv.Requests())
	for name, call := range map[string]func() error{
		"half a size": func() error {
			_, _, err := fx.client.Apps.OpenConsole(ctx, fx.appID, &do.ExecOptions{Component: "web"}, &do.ConsoleOptions{Width: 80})
			return err
		},
		"no component": func() error {
			_, _, err := fx.client.Apps.OpenConsole(ctx, fx.appID, nil, nil)
			return err
		},
		"no app": func() error {
			_, _, err := fx.client.Apps.OpenConsole(ctx, " ", &do.ExecOptions{Component: "web"}, nil)
			return err
		},
		"scheme": func() error {
			_, err := fx.client.Apps.DialConsole(ctx, "ftp://example.com/?token=x", nil)
			return err
		},
		"relative": func() error {
			_, err := fx.client.Apps.DialConsole(ctx, "/v1/exec/web?token=x", nil)
			return err
		},
	} {
		var ae *do.ArgumentError
		assert.ErrorAs(t, call(), &ae, name)
	}
	assert.Len(t, fx.srv.Requests(), before, "nothing was sent")
	assert.Empty(t, fx.srv.ConsoleSessions())
}

// Over real sockets, with the URL's scheme as given or as http.
func TestConsoleOverLoopback(t *testing.T) {
	fx := newConsoleFixture(t)
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second) // a bound on a hang
	defer cancel()
	exec, _, err := fx.client.Apps.GetExec(ctx, fx.appID, &do.ExecOptions{Component: "web"})
	require.NoError(t, err)
	require.True(t, strings.HasPrefix(exec.URL, "ws://"), exec.URL)
	for _, url := range []string{exec.URL, "http" + strings.TrimPrefix(exec.URL, "ws")} {
		c, err := fx.client.Apps.DialConsole(ctx, url, nil)
		require.NoError(t, err, "the session's ctx ended: the console hung")
		_, _ = io.WriteString(c, "echo over tcp\rexit\r")
		out, err := io.ReadAll(c)
		require.NoError(t, err)
		assert.Contains(t, string(out), "\r\nover tcp\r\n")
		require.NoError(t, c.Close())
	}
	for _, sess := range fx.srv.ConsoleSessions() {
		assert.False(t, sess.HadAuthorization)
		assert.Equal(t, 1000, sess.CloseCode)
	}
	assert.Len(t, fx.srv.ConsoleSessions(), 2)
}

// The console URL's token is a credential: failed dials name the URL
// without its query.
func TestConsoleErrorsHideURLToken(t *testing.T) {
	fx := newConsoleFixture(t)
	ctx := t.Context()
	exec, _, err := fx.client.Apps.GetExec(ctx, fx.appID, &do.ExecOptions{Component: "web"})
	require.NoError(t, err)
	const secret = "tok-secret-0123456789"
	forged := strings.Split(exec.URL, "?")[0] + "?token=" + secret
	_, err = fx.client.Apps.DialConsole(ctx, forged, nil)
	apiErr := errAs[*do.Error](t, err)
	assert.Equal(t, http.StatusForbidden, apiErr.StatusCode)
	assert.NotContains(t, err.Error(), secret)

	// Nothing listens at the address: a transport error.
	dead := httptest.NewServer(http.NotFoundHandler())
	dead.Close()
	_, err = fx.client.Apps.DialConsole(ctx, "ws"+strings.TrimPrefix(dead.URL, "http")+"/v1/exec/web?token="+secret, nil)
	var reqErr *do.RequestError
	require.ErrorAs(t, err, &reqErr)
	assert.NotContains(t, err.Error(), secret)
	assert.NotContains(t, err.Error(), fx.srv.Token())
}

// The console host gets no Authorization header even when it is the API's
// own host, the worst case for leaking the token; and only the expected
// handshake headers.
func TestConsoleSendsNoTokenEvenToAPIHost(t *testing.T) {
	const apiToken = "dop_v1_console_must_not_see_this"
	var mu sync.Mutex
	var headers []http.Header
	var ts *httptest.Server
	ts = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		headers = append(headers, r.Header.Clone())
		mu.Unlock()
		if r.URL.Path == "/v2/apps/a1/components/web/exec" {
			_, _ = io.WriteString(w, `{"url":"`+"ws"+strings.TrimPrefix(ts.URL, "http")+`/console?token=t1"}`)
			return
		}
		conn, err := websocket.Accept(w, r, nil)
		if err != nil {
			return
		}
		defer conn.CloseNow()
		_ = conn.Write(r.Context(), websocket.MessageText, []byte(`{"data":"hi","exit_code":null}`))
		_ = conn.Close(websocket.StatusNormalClosure, "")
	}))
	defer ts.Close()
	client, err := do.New(do.WithToken(apiToken), do.WithBaseURL(ts.URL), do.WithHTTPClient(ts.Client()))
	require.NoError(t, err)
	c, _, err := client.Apps.OpenConsole(t.Context(), "a1", &do.ExecOptions{Component: "web"}, &do.ConsoleOptions{KeepAlive: -1})
	require.NoError(t, err)
	out, err := io.ReadAll(c)
	require.NoError(t, err)
	assert.Equal(t, "hi", string(out), "unknown fields are ignored")
	require.NoError(t, c.Close())

	mu.Lock()
	defer mu.Unlock()
	require.Len(t, headers, 2)
	assert.Equal(t, "Bearer "+apiToken, headers[0].Get("Authorization"), "the API call is authorised")
	console := headers[1]
	assert.Empty(t, console.Get("Authorization"))
	assert.Empty(t, console.Get("Sec-WebSocket-Protocol"))
	assert.Empty(t, console.Get("Sec-WebSocket-Extensions"))
	for name := range console {
		switch name {
		case "User-Agent", "Connection", "Upgrade", "Sec-Websocket-Key", "Sec-Websocket-Version", "Accept-Encoding":
		default:
			t.Errorf("the console got header %s", name)
		}
	}
}

// A message that is not JSON ends the session with ErrConsoleProtocol.
func TestConsoleProtocolError(t *testing.T) {
	closeCode := make(chan websocket.StatusCode, 1)
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		conn, err := websocket.Accept(w, r, nil)
		if err != nil {
			return
		}
		defer conn.CloseNow()
		_ = conn.Write(r.Context(), websocket.MessageBinary, []byte(`{"data":"ok "}`))
		_ = conn.Write(r.Context(), websocket.MessageText, []byte(`plain text`))
		_, _, err = conn.Read(r.Context())
		closeCode <- websocket.CloseStatus(err)
	}))
	defer ts.Close()
	client, err := do.New(do.WithToken("x"), do.WithHTTPClient(ts.Client()))
	require.NoError(t, err)
	c, err := client.Apps.DialConsole(t.Context(), ts.URL+"/?token=t", nil)
	require.NoError(t, err)
	defer c.Close()
	out, err := io.ReadAll(c)
	assert.Equal(t, "ok ", string(out), "binary frames are read too")
	require.ErrorIs(t, err, do.ErrConsoleProtocol)
	assert.NotContains(t, err.Error(), "plain text", "output is not echoed into errors")
	select {
	case code := <-closeCode:
		assert.Equal(t, websocket.StatusUnsupportedData, code)
	case <-time.After(10 * time.Second): // a bound on a hang
		t.Fatal("the server never saw the console close")
	}
	_, err = c.Read(make([]byte, 1))
	assert.ErrorIs(t, err, do.ErrConsoleProtocol, "the error is sticky")
}

func TestConsoleClosedErrorMessages(t *testing.T) {
	cause := errors.New("read tcp: connection reset by peer")
	dropped := &do.ConsoleClosedError{Code: do.ConsoleStatusDropped, Err: cause}
	assert.Equal(t, "digitalocean: console connection dropped: read tcp: connection reset by peer", dropped.Error())
	assert.ErrorIs(t, dropped, cause)
	assert.Equal(t, "digitalocean: console closed by the server with code 1011: a b",
		(&do.ConsoleClosedError{Code: 1011, Reason: "a\nb"}).Error(), "a server reason stays on one line")
}

// Once Read has seen the server end the session, the console holds no
// goroutine even if it is never closed: the bubble would report it.
func TestConsoleEndedSessionNeedsNoClose(t *testing.T) {
	inConsoleBubble(t, func(t *testing.T, fx *consoleFixture) {
		c, _, err := fx.client.Apps.OpenConsole(context.Background(), fx.appID,
			&do.ExecOptions{Component: "web"}, &do.ConsoleOptions{KeepAlive: -1})
		require.NoError(t, err)
		_, _ = io.WriteString(c, "exit\r")
		_, err = io.ReadAll(c)
		require.NoError(t, err)
	})
}
