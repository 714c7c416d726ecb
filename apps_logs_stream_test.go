package digitalocean

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const logTestToken = "api-token-that-must-stay-home"

// logServer records the Authorization header of every request it gets.
type logServer struct {
	*httptest.Server
	mu    sync.Mutex
	auths []string
}

func (ls *logServer) sawAuth() []string {
	ls.mu.Lock()
	defer ls.mu.Unlock()
	return append([]string(nil), ls.auths...)
}

func newLogServer(t *testing.T, tls bool, h http.HandlerFunc) *logServer {
	t.Helper()
	ls := &logServer{}
	wrapped := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ls.mu.Lock()
		ls.auths = append(ls.auths, r.Header.Get("Authorization"))
		ls.mu.Unlock()
		h(w, r)
	})
	if tls {
		ls.Server = httptest.NewTLSServer(wrapped)
	} else {
		ls.Server = httptest.NewServer(wrapped)
	}
	t.Cleanup(ls.Close)
	return ls
}

// assertNoToken checks the log host got requests and never the token.
func (ls *logServer) assertNoToken(t *testing.T) {
	t.Helper()
	auths := ls.sawAuth()
	require.NotEmpty(t, auths, "the log server got no request")
	for _, a := range auths {
		assert.Empty(t, a, "the log host received an Authorization header")
	}
}

// newLogTestClient builds a client whose API host is the log server itself,
// the worst case for leaking the token.
func newLogTestClient(t *testing.T, ls *logServer, extra ...Option) *Client {
	t.Helper()
	opts := append([]Option{WithToken(logTestToken), WithBaseURL(ls.URL), WithHTTPClient(ls.Client())}, extra...)
	c, err := New(opts...)
	require.NoError(t, err)
	return c
}

// waitHangup blocks a log handler until the client hangs up, or for at
// most 10 s: a client that never does makes the test fail, not hang.
func waitHangup(t *testing.T, r *http.Request) {
	select {
	case <-r.Context().Done():
	case <-time.After(10 * time.Second): // a bound on a hang, not timing logic
		assert.Fail(t, "the client never hung up the live stream")
	}
}

func waitLogServerClosed(t *testing.T, ch <-chan struct{}, what string) {
	t.Helper()
	select {
	case <-ch:
	case <-time.After(10 * time.Second): // a bound on a hang, not timing logic
		t.Fatalf("%s: the server never saw the connection close", what)
	}
}

func TestParseLogLine(t *testing.T) {
	ts := time.Date(2024, 5, 1, 12, 0, 0, 123456789, time.UTC)
	tests := []struct {
		text                         string
		component, instance, message string
		timestamp                    time.Time
	}{
		{"web 2024-05-01T12:00:00.123456789Z listening on :8080", "web", "", "listening on :8080", ts},
		{"web web-6b9f8d7c5-xkq2p 2024-05-01T12:00:00.123456789Z GET /health 200", "web", "web-6b9f8d7c5-xkq2p", "GET /health 200", ts},
		{"2024-05-01T12:00:00.123456789Z bare line", "", "", "bare line", ts},
		{"[api] [2024-05-01T12:00:00.123456789Z] bracketed", "api", "", "bracketed", ts},
		{"job 2024-05-01T12:00:00.123456789 zone-less", "job", "", "zone-less", ts},
		{"worker 2024-05-01T14:00:00.123456789+02:00 offset", "worker", "", "offset", ts},
		{"plain text without a prefix", "", "", "plain text without a prefix", time.Time{}},
		{"a b c 2024-05-01T12:00:00Z too deep", "", "", "a b c 2024-05-01T12:00:00Z too deep", time.Time{}},
		{"web: 2024-05-01T12:00:00Z not a name", "", "", "web: 2024-05-01T12:00:00Z not a name", time.Time{}},
		{"", "", "", "", time.Time{}},
	}
	for _, tt := range tests {
		got := ParseLogLine(tt.text)
		assert.Equal(t, tt.text, got.Text, tt.text)
		assert.Equal(t, tt.component, got.Component, tt.text)
		assert.Equal(t, tt.instance, got.Instance, tt.text)
		assert.Equal(t, tt.message, got.Message, tt.text)
		assert.True(t, tt.timestamp.Equal(got.Timestamp), "%q: timestamp %v", tt.text, got.Timestamp)
	}
}

// TestStreamLogsHTTPLinesInOrderAndBreakCloses: a log host that answers
// the websocket upgrade with a plain 200 (live logs before websockets) is
// read as a chunked body.
func TestStreamLogsHTTPLinesInOrderAndBreakCloses(t *testing.T) {
	closed := make(chan struct{})
	ls := newLogServer(t, false, func(w http.ResponseWriter, r *http.Request) {
		assert.Equal(t, "/live", r.URL.Path)
		assert.Equal(t, "signed", r.URL.Query().Get("token"))
		assert.Equal(t, "websocket", r.Header.Get("Upgrade"), "a websocket is tried first")
		flusher := w.(http.Flusher)
		for i := 1; i <= 3; i++ {
			fmt.Fprintf(w, "web 2024-05-01T12:00:0%dZ line %d\r\n", i, i)
			flusher.Flush()
		}
		waitHangup(t, r) // a live stream never ends by itself
		close(closed)
	})
	c := newLogTestClient(t, ls)

	var got []LogLine
	for line, err := range c.Apps.StreamLogs(t.Context(), ls.URL+"/live?token=signed") {
		require.NoError(t, err)
		got = append(got, line)
		if len(got) == 3 {
			break
		}
	}
	require.Len(t, got, 3)
	for i, line := range got {
		assert.Equal(t, fmt.Sprintf("web 2024-05-01T12:00:0%dZ line %d", i+1, i+1), line.Text)
		assert.Equal(t, "web", line.Component)
		assert.Equal(t, fmt.Sprintf("line %d", i+1), line.Message)
		assert.Equal(t, i+1, line.Timestamp.Second())
	}
	waitLogServerClosed(t, closed, "break")
	ls.assertNoToken(t)
}

func TestStreamLogsHTTPEndsWhenServerCloses(t *testing.T) {
	ls := newLogServer(t, false, func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "one\ntwo\nthree") // no trailing newline on the last line
	})
	c := newLogTestClient(t, ls)
	var texts []string
	for line, err := range c.Apps.StreamLogs(t.Context(), ls.URL+"/live") {
		require.NoError(t, err)
		texts = append(texts, line.Text)
	}
	assert.Equal(t, []string{"one", "two", "three"}, texts)
}

func TestStreamLogsContextCancelEndsStream(t *testing.T) {
	closed := make(chan struct{})
	ls := newLogServer(t, false, func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "first\n")
		w.(http.Flusher).Flush()
		waitHangup(t, r)
		close(closed)
	})
	c := newLogTestClient(t, ls)
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()

	var texts []string
	var lastErr error
	for line, err := range capped(t, c.Apps.StreamLogs(ctx, ls.URL+"/live"), 10) {
		if err != nil {
			lastErr = err
			continue // the iterator must stop by itself after an error
		}
		texts = append(texts, line.Text)
		cancel()
	}
	assert.Equal(t, []string{"first"}, texts)
	assert.ErrorIs(t, lastErr, context.Canceled)
	waitLogServerClosed(t, closed, "cancel")
}

// logRecordingTransport checks that log requests go through the user's own
// transport, not a fresh default one.
type logRecordingTransport struct {
	mu       sync.Mutex
	hosts    []string
	schemes  []string
	upgrades []string
	base     http.RoundTripper
}

func (rt *logRecordingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	rt.mu.Lock()
	rt.hosts = append(rt.hosts, r.URL.Host)
	rt.schemes = append(rt.schemes, r.URL.Scheme)
	rt.upgrades = append(rt.upgrades, r.Header.Get("Upgrade"))
	rt.mu.Unlock()
	return rt.base.RoundTrip(r)
}

func TestLogRequestsUseUserTransportWithoutToken(t *testing.T) {
	ls := newLogServer(t, false, func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "archived line\n")
	})
	rt := &logRecordingTransport{base: http.DefaultTransport}
	// The token would be added for the API host; point the API elsewhere and
	// also pass an explicit header-free user transport.
	c, err := New(WithToken(logTestToken), WithHTTPClient(&http.Client{Transport: rt}))
	require.NoError(t, err)

	body, err := c.Apps.DownloadLogs(t.Context(), ls.URL+"/archive/run.log?X-Amz-Signature=abc")
	require.NoError(t, err)
	data, err := io.ReadAll(body)
	require.NoError(t, err)
	require.NoError(t, body.Close())
	assert.Equal(t, "archived line\n", string(data))
	rt.mu.Lock()
	assert.Equal(t, []string{strings.TrimPrefix(ls.URL, "http://")}, rt.hosts)
	rt.mu.Unlock()
	ls.assertNoToken(t)
}

func TestDownloadLogsContent(t *testing.T) {
	const archive = "web 2024-05-01T12:00:00Z started\nweb 2024-05-01T12:00:01Z ready\n"
	ls := newLogServer(t, true, func(w http.ResponseWriter, r *http.Request) {
		assert.Equal(t, "/archive/run.log", r.URL.Path)
		io.WriteString(w, archive)
	})
	c := newLogTestClient(t, ls)
	body, err := c.Apps.DownloadLogs(t.Context(), ls.URL+"/archive/run.log?sig=1")
	require.NoError(t, err)
	defer body.Close()

	var messages []string
	for line, err := range ReadLogLines(body) {
		require.NoError(t, err)
		assert.Equal(t, "web", line.Component)
		messages = append(messages, line.Message)
	}
	assert.Equal(t, []string{"started", "ready"}, messages)
	ls.assertNoToken(t)
}

func TestStreamLogsLongLineFails(t *testing.T) {
	ls := newLogServer(t, false, func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "short\n")
		io.WriteString(w, strings.Repeat("x", MaxLogLineBytes+10)+"\n")
		io.WriteString(w, "never seen\n")
	})
	c := newLogTestClient(t, ls)
	var texts []string
	var lastErr error
	for line, err := range capped(t, c.Apps.StreamLogs(t.Context(), ls.URL+"/live"), 10) {
		if err != nil {
			lastErr = err
			continue
		}
		texts = append(texts, line.Text)
	}
	assert.Equal(t, []string{"short"}, texts)
	assert.ErrorIs(t, lastErr, ErrLogLineTooLong)
}

func TestReadLogLinesAcceptsLineAtLimit(t *testing.T) {
	long := strings.Repeat("y", MaxLogLineBytes)
	var got []string
	for line, err := range ReadLogLines(strings.NewReader(long + "\nend\n")) {
		require.NoError(t, err)
		got = append(got, line.Text)
	}
	require.Len(t, got, 2)
	assert.Len(t, got[0], MaxLogLineBytes)
	assert.Equal(t, "end", got[1])
}

func TestLogNon2xxIsTypedErrorWithoutSecret(t *testing.T) {
	ls := newLogServer(t, false, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(http.StatusForbidden)
		io.WriteString(w, "<html><body><h1>AccessDenied</h1><p>Request has expired</p></body></html>")
	})
	c := newLogTestClient(t, ls)
	url := ls.URL + "/archive/run.log?X-Amz-Signature=topsecret"

	_, err := c.Apps.DownloadLogs(t.Context(), url)
	checkLogForbidden(t, err)

	var streamErr error
	n := 0
	for _, err := range capped(t, c.Apps.StreamLogs(t.Context(), url), 10) {
		streamErr = err
		n++
	}
	assert.Equal(t, 1, n)
	checkLogForbidden(t, streamErr)

	_, wsErr := drainLogStream(c, "ws"+strings.TrimPrefix(url, "http"))
	checkLogForbidden(t, wsErr)
}

func checkLogForbidden(t *testing.T, err error) {
	t.Helper()
	var apiErr *Error
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, http.StatusForbidden, apiErr.StatusCode)
	assert.ErrorIs(t, err, ErrForbidden)
	assert.Contains(t, apiErr.Message, "Request has expired")
	assert.Contains(t, err.Error(), "/archive/run.log")
	assert.NotContains(t, err.Error(), "topsecret")
}

// drainLogStream drains a stream and returns its lines' texts and first error.
func drainLogStream(c *Client, url string) ([]string, error) {
	var texts []string
	for line, err := range c.Apps.StreamLogs(context.Background(), url) {
		if err != nil {
			return texts, err
		}
		texts = append(texts, line.Text)
	}
	return texts, nil
}

func TestLogNetworkErrorOmitsQuery(t *testing.T) {
	dead := httptest.NewServer(http.NotFoundHandler())
	url := dead.URL + "/live?token=topsecret"
	dead.Close()
	c, err := New(WithToken(logTestToken))
	require.NoError(t, err)

	_, err = c.Apps.DownloadLogs(t.Context(), url)
	var reqErr *RequestError
	require.ErrorAs(t, err, &reqErr)
	assert.NotContains(t, err.Error(), "topsecret")

	_, err = drainLogStream(c, url)
	require.ErrorAs(t, err, &reqErr)
	assert.NotContains(t, err.Error(), "topsecret")

	_, err = drainLogStream(c, "ws"+strings.TrimPrefix(url, "http"))
	require.ErrorAs(t, err, &reqErr)
	assert.NotContains(t, err.Error(), "topsecret")
}

func TestLogURLValidation(t *testing.T) {
	c, err := New(WithToken(logTestToken))
	require.NoError(t, err)
	for _, bad := range []string{"", "/relative/path", "ftp://logs.example.com/x", "https://", "::not a url", "file:///etc/passwd"} {
		_, err := drainLogStream(c, bad)
		assert.ErrorIs(t, err, ErrInvalidArgument, "StreamLogs(%q)", bad)
		_, err = c.Apps.DownloadLogs(t.Context(), bad)
		assert.ErrorIs(t, err, ErrInvalidArgument, "DownloadLogs(%q)", bad)
	}
	_, err = c.Apps.DownloadLogs(t.Context(), "wss://logs.example.com/live")
	var argErr *ArgumentError
	require.ErrorAs(t, err, &argErr)
	assert.Equal(t, "historicURL", argErr.Name)
}

// TestStreamLogsDialsEveryLiveURLAsWebsocket: as doctl does, an https
// live URL is dialled as wss and an http one as ws, the token query
// carried over, with no Authorization header nor the API token anywhere.
func TestStreamLogsDialsEveryLiveURLAsWebsocket(t *testing.T) {
	for _, tls := range []bool{true, false} {
		var mu sync.Mutex
		var headers []http.Header
		var queries []string
		ls := newLogServer(t, tls, func(w http.ResponseWriter, r *http.Request) {
			mu.Lock()
			headers = append(headers, r.Header.Clone())
			queries = append(queries, r.URL.RawQuery)
			mu.Unlock()
			conn, err := websocket.Accept(w, r, nil)
			if !assert.NoError(t, err, "not a websocket upgrade") {
				return
			}
			defer conn.CloseNow()
			for _, l := range []string{"web 2024-05-01T12:00:01Z one", "web 2024-05-01T12:00:02Z two"} {
				assert.NoError(t, conn.Write(r.Context(), websocket.MessageText, fmt.Appendf(nil, `{"data":%q}`, l+"\n")))
			}
			_ = conn.Close(websocket.StatusNormalClosure, "")
		})
		c := newLogTestClient(t, ls)
		texts, err := drainLogStream(c, ls.URL+"/live?token=signed")
		require.NoError(t, err, "tls %v", tls)
		assert.Equal(t, []string{"web 2024-05-01T12:00:01Z one", "web 2024-05-01T12:00:02Z two"}, texts)
		ls.assertNoToken(t)
		mu.Lock()
		require.Len(t, headers, 1)
		assert.Equal(t, "token=signed", queries[0])
		for name, values := range headers[0] {
			assert.NotEqual(t, "Authorization", name)
			assert.NotEqual(t, "Cookie", name)
			for _, v := range values {
				assert.NotContains(t, v, logTestToken, "header %s", name)
			}
		}
		mu.Unlock()
	}
}

// TestStreamLogsHTTPSURLGoesThroughTLS: the https live URL reaches the
// user's transport as an upgrade on https (wss), never plain http.
func TestStreamLogsHTTPSURLGoesThroughTLS(t *testing.T) {
	ls := newLogServer(t, true, func(w http.ResponseWriter, r *http.Request) {
		conn, err := websocket.Accept(w, r, nil)
		if !assert.NoError(t, err) {
			return
		}
		_ = conn.Close(websocket.StatusNormalClosure, "")
	})
	rt := &logRecordingTransport{base: ls.Client().Transport}
	c, err := New(WithToken(logTestToken), WithHTTPClient(&http.Client{Transport: rt}))
	require.NoError(t, err)
	_, err = drainLogStream(c, ls.URL+"/live?token=signed")
	require.NoError(t, err)
	rt.mu.Lock()
	defer rt.mu.Unlock()
	require.Len(t, rt.schemes, 1)
	assert.Equal(t, "https", rt.schemes[0])
	assert.Equal(t, "websocket", rt.upgrades[0])
	assert.Equal(t, "wss://127.0.0.1/live?token=signed", websocketURL(mustParseURL(t, "https://127.0.0.1/live?token=signed")))
	assert.Equal(t, "ws://127.0.0.1/live", websocketURL(mustParseURL(t, "http://127.0.0.1/live")))
	assert.Equal(t, "wss://127.0.0.1/live", websocketURL(mustParseURL(t, "wss://127.0.0.1/live")))
	assert.Equal(t, "ws://127.0.0.1/live", websocketURL(mustParseURL(t, "ws://127.0.0.1/live")))
}

func mustParseURL(t *testing.T, raw string) *url.URL {
	t.Helper()
	u, err := url.Parse(raw)
	require.NoError(t, err)
	return u
}

func TestStreamLogsWebsocket(t *testing.T) {
	ls := newLogServer(t, true, func(w http.ResponseWriter, r *http.Request) {
		conn, err := websocket.Accept(w, r, nil)
		if !assert.NoError(t, err) {
			return
		}
		defer conn.CloseNow()
		ctx := r.Context()
		// App Platform's envelope with several lines, then a plain message.
		assert.NoError(t, conn.Write(ctx, websocket.MessageText,
			[]byte(`{"data":"web 2024-05-01T12:00:01Z one\nweb 2024-05-01T12:00:02Z two\n"}`)))
		assert.NoError(t, conn.Write(ctx, websocket.MessageText, []byte("worker 2024-05-01T12:00:03Z three")))
		assert.NoError(t, conn.Write(ctx, websocket.MessageText, []byte(`{"other":"json kept as text"}`)))
		conn.Close(websocket.StatusNormalClosure, "")
	})
	c := newLogTestClient(t, ls)
	var got []LogLine
	for line, err := range c.Apps.StreamLogs(t.Context(), "wss"+strings.TrimPrefix(ls.URL, "https")+"/live?token=signed") {
		require.NoError(t, err)
		got = append(got, line)
	}
	require.Len(t, got, 4)
	assert.Equal(t, "one", got[0].Message)
	assert.Equal(t, "two", got[1].Message)
	assert.Equal(t, "web", got[1].Component)
	assert.Equal(t, "worker", got[2].Component)
	assert.Equal(t, 3, got[2].Timestamp.Second())
	assert.Equal(t, `{"other":"json kept as text"}`, got[3].Text)
	ls.assertNoToken(t)
}

func TestStreamLogsWebsocketBreakAndCancel(t *testing.T) {
	closed := make(chan struct{}, 2)
	ls := newLogServer(t, false, func(w http.ResponseWriter, r *http.Request) {
		conn, err := websocket.Accept(w, r, nil)
		if !assert.NoError(t, err) {
			return
		}
		defer conn.CloseNow()
		for i := 1; i <= 3; i++ {
			if conn.Write(r.Context(), websocket.MessageText, fmt.Appendf(nil, `{"data":"line %d\n"}`, i)) != nil {
				break
			}
		}
		// Returns once the client hangs up; the bound makes a client that
		// never does fail the test instead of hanging it.
		ctx, cancel := context.WithTimeout(r.Context(), 10*time.Second)
		defer cancel()
		_, _, err = conn.Read(ctx)
		assert.Error(t, err)
		assert.NoError(t, ctx.Err(), "the client hung up")
		closed <- struct{}{}
	})
	c := newLogTestClient(t, ls)
	wsURL := "ws" + strings.TrimPrefix(ls.URL, "http") + "/live"

	var texts []string
	for line, err := range c.Apps.StreamLogs(t.Context(), wsURL) {
		require.NoError(t, err)
		texts = append(texts, line.Text)
		if len(texts) == 2 {
			break
		}
	}
	assert.Equal(t, []string{"line 1", "line 2"}, texts)
	waitLogServerClosed(t, closed, "websocket break")

	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	var lastErr error
	texts = nil
	for line, err := range capped(t, c.Apps.StreamLogs(ctx, wsURL), 10) {
		if err != nil {
			lastErr = err
			continue
		}
		texts = append(texts, line.Text)
		if len(texts) == 3 {
			cancel() // the server now sends nothing more: only ctx ends the read
		}
	}
	assert.Equal(t, []string{"line 1", "line 2", "line 3"}, texts)
	assert.ErrorIs(t, lastErr, context.Canceled)
	waitLogServerClosed(t, closed, "websocket cancel")
	ls.assertNoToken(t)
}

func TestStreamLogsWebsocketLongLine(t *testing.T) {
	ls := newLogServer(t, false, func(w http.ResponseWriter, r *http.Request) {
		conn, err := websocket.Accept(w, r, nil)
		if !assert.NoError(t, err) {
			return
		}
		defer conn.CloseNow()
		msg := "ok\n" + strings.Repeat("z", MaxLogLineBytes+1) + "\n"
		assert.NoError(t, conn.Write(r.Context(), websocket.MessageText, []byte(msg)))
		conn.Close(websocket.StatusNormalClosure, "")
	})
	c := newLogTestClient(t, ls)
	texts, err := drainLogStream(c, "ws"+strings.TrimPrefix(ls.URL, "http")+"/live")
	assert.Equal(t, []string{"ok"}, texts)
	assert.True(t, errors.Is(err, ErrLogLineTooLong), "got %v", err)
}

// cutReader returns its text, then err instead of io.EOF.
type cutReader struct {
	text string
	err  error
}

func (c *cutReader) Read(p []byte) (int, error) {
	if c.text == "" {
		return 0, c.err
	}
	n := copy(p, c.text)
	c.text = c.text[n:]
	return n, nil
}

func TestReadLogLinesDropsALineCutByAnError(t *testing.T) {
	var got []string
	var gotErr error
	for line, err := range ReadLogLines(&cutReader{text: "web 2024-05-01T12:00:00Z one\nweb 2024-05-01T12:00:01Z tw", err: io.ErrUnexpectedEOF}) {
		if err != nil {
			gotErr = err
			break
		}
		got = append(got, line.Message)
	}
	assert.Equal(t, []string{"one"}, got, "the half line is not yielded as a line")
	assert.ErrorIs(t, gotErr, io.ErrUnexpectedEOF)

	// At a clean end, a last line without a newline is still a line.
	got = nil
	for line, err := range ReadLogLines(&cutReader{text: "one\ntwo", err: io.EOF}) {
		require.NoError(t, err)
		got = append(got, line.Text)
	}
	assert.Equal(t, []string{"one", "two"}, got)
}

// TestFollowLogsWebsocket follows a websocket live log, App Platform's
// transport, across a connection dropped without a close frame and a
// normal close, until the API hands out archived URLs only.
func TestFollowLogsWebsocket(t *testing.T) {
	log := []string{
		"web 2024-05-01T12:00:01Z one",
		"web 2024-05-01T12:00:02Z two",
		"web 2024-05-01T12:00:03Z three",
		"web 2024-05-01T12:00:04Z four",
	}
	var mu sync.Mutex
	conns := 0
	ls := newLogServer(t, false, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/archive" {
			_, _ = io.WriteString(w, strings.Join(log, "\n")+"\n")
			return
		}
		conn, err := websocket.Accept(w, r, nil)
		if !assert.NoError(t, err) {
			return
		}
		defer conn.CloseNow()
		mu.Lock()
		conns++
		n := conns
		mu.Unlock()
		send := func(lines []string) {
			for _, l := range lines {
				assert.NoError(t, conn.Write(r.Context(), websocket.MessageText, fmt.Appendf(nil, `{"data":%q}`, l+"\n")))
			}
		}
		switch n {
		case 1: // two lines, then the connection drops without a close frame
			send(log[:2])
		case 2: // the tail asked for (the last 2 of 3 lines so far), then a normal close
			send(log[1:3])
			_ = conn.Close(websocket.StatusNormalClosure, "")
		}
	})
	var tails []string
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !strings.HasSuffix(r.URL.Path, "/logs") { // FollowLogs looks up the active deployment
			_, _ = io.WriteString(w, `{"app":{"id":"a","active_deployment":{"id":"d1"}}}`)
			return
		}
		mu.Lock()
		tails = append(tails, r.URL.Query().Get("tail_lines"))
		n := len(tails)
		mu.Unlock()
		live := "ws" + strings.TrimPrefix(ls.URL, "http") + "/live?token=signed"
		if n == 3 {
			fmt.Fprintf(w, `{"historic_urls":[%q]}`, ls.URL+"/archive?token=signed")
			return
		}
		fmt.Fprintf(w, `{"live_url":%q}`, live)
	}))
	t.Cleanup(api.Close)
	c, err := New(WithToken(logTestToken), WithBaseURL(api.URL), WithRetry(RetryPolicy{}))
	require.NoError(t, err)

	var got []string
	var causes []error
	opts := &FollowLogsOptions{
		LogsOptions:     LogsOptions{Type: AppLogTypeRun},
		ResumeTailLines: 2,
		BaseDelay:       time.Nanosecond, // backoff timing is tested on the fake with synctest
		OnReconnect:     func(_ int, _ time.Duration, cause error) { causes = append(causes, cause) },
	}
	for line, err := range c.Apps.FollowLogs(t.Context(), "a", opts) {
		require.NoError(t, err)
		got = append(got, line.Message)
		require.Less(t, len(got), 10)
	}
	assert.Equal(t, []string{"one", "two", "three", "four"}, got)
	assert.Equal(t, []string{"", "2", "2"}, tails)
	require.Len(t, causes, 2)
	var reqErr *RequestError
	assert.ErrorAs(t, causes[0], &reqErr, "a dropped websocket is a request error")
	assert.ErrorIs(t, causes[1], ErrLiveLogEnded)
	ls.assertNoToken(t)
}

func TestStreamLogsWebsocketDropIsAnError(t *testing.T) {
	ls := newLogServer(t, false, func(w http.ResponseWriter, r *http.Request) {
		conn, err := websocket.Accept(w, r, nil)
		if !assert.NoError(t, err) {
			return
		}
		assert.NoError(t, conn.Write(r.Context(), websocket.MessageText, []byte(`{"data":"one\n"}`)))
		conn.CloseNow() // no close frame
	})
	c := newLogTestClient(t, ls)
	texts, err := drainLogStream(c, "ws"+strings.TrimPrefix(ls.URL, "http")+"/live?token=signed")
	assert.Equal(t, []string{"one"}, texts)
	var reqErr *RequestError
	require.ErrorAs(t, err, &reqErr)
	assert.ErrorIs(t, err, io.ErrUnexpectedEOF)
	assert.NotContains(t, err.Error(), "signed", "the URL's query stays out of the error")
}

func TestStreamLogsHTTPDropIsAnError(t *testing.T) {
	ls := newLogServer(t, false, func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.WriteString(w, "one\ntw")
		w.(http.Flusher).Flush()
		panic(http.ErrAbortHandler) // the connection drops mid-line
	})
	c := newLogTestClient(t, ls)
	texts, err := drainLogStream(c, ls.URL+"/live?token=signed")
	assert.Equal(t, []string{"one"}, texts, "the cut line is not a line")
	var reqErr *RequestError
	require.ErrorAs(t, err, &reqErr)
	assert.ErrorIs(t, err, io.ErrUnexpectedEOF)
	assert.NotContains(t, err.Error(), "signed")
}

// TestStreamLogsWebsocketOtherCloseIsAnError: a close other than 1000 or
// 1001 ends the stream with a *RequestError naming the code, not a drop.
func TestStreamLogsWebsocketOtherCloseIsAnError(t *testing.T) {
	ls := newLogServer(t, true, func(w http.ResponseWriter, r *http.Request) {
		conn, err := websocket.Accept(w, r, nil)
		if !assert.NoError(t, err) {
			return
		}
		assert.NoError(t, conn.Write(r.Context(), websocket.MessageText, []byte(`{"data":"one\n"}`)))
		_ = conn.Close(websocket.StatusInternalError, "log backend unavailable")
	})
	c := newLogTestClient(t, ls)
	texts, err := drainLogStream(c, ls.URL+"/live?token=signed")
	assert.Equal(t, []string{"one"}, texts)
	var reqErr *RequestError
	require.ErrorAs(t, err, &reqErr)
	assert.Equal(t, websocket.StatusInternalError, websocket.CloseStatus(err))
	assert.NotErrorIs(t, err, io.ErrUnexpectedEOF, "a close frame is not a drop")
	assert.NotContains(t, err.Error(), "signed")
}
