package digitaloceantest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/coder/websocket"
	do "github.com/oceankit/digitalocean"
)

// ConsoleIdleTimeout is how long a console session may go without a
// message from the client before the fake closes it with code 1001 (going
// away). The live value is not documented; this is the idle timeout of
// Cloudflare, which fronts the App Platform proxy hosts (inferred). A
// client's keep-alives (an empty stdin message every 30 s) keep it open.
const ConsoleIdleTimeout = 100 * time.Second

// consolePrompt is the fake shell's prompt.
const consolePrompt = "$ "

// ConsoleSession is what the fake's console host saw of one attempt to
// open a console at a URL from GetExec.
type ConsoleSession struct {
	// AppID, Component and Instance name the console's target; empty when
	// the URL's token was not valid.
	AppID, Component, Instance string
	// Status is the HTTP status of the upgrade: 101 when the session
	// opened, 400 for a request with an Authorization header or a
	// subprotocol, 403 for a token that is not valid (or whose app or
	// instance is gone), 426 for a request that is not a websocket upgrade.
	Status int
	// HadAuthorization is true when the request carried an Authorization
	// header: the console URL carries its own credential, so a client that
	// sends one leaks the API token to another host.
	HadAuthorization bool
	// Stdin is the stdin data received, in order; StdinMessages counts the
	// messages it came in. Keep-alives add nothing to either.
	Stdin         string
	StdinMessages int
	// Resizes are the terminal sizes received, in order.
	Resizes []ConsoleSize
	// KeepAlives are the times (time.Now, so fake time inside a
	// testing/synctest bubble) at which empty stdin messages arrived.
	KeepAlives []time.Time
	// ProtocolError says why the fake closed the session with code 1003: a
	// message outside the protocol (not JSON, an unknown op or key, a
	// resize without a positive size).
	ProtocolError string
	// Ended is true once the session is over: set before the fake sends
	// its close frame or cuts the connection, so a client that has seen
	// the end finds it set (a close the client starts is recorded when
	// the fake reads it). CloseCode is the close code
	// the server sent (ClosedByServer) or else the client's, and 1006 when
	// the connection ended without a close frame; CloseReason goes with it.
	Ended          bool
	ClosedByServer bool
	CloseCode      int
	CloseReason    string
}

// ConsoleSize is a terminal size from a resize message.
type ConsoleSize struct{ Width, Height int }

// ConsoleSessions returns the console sessions so far, oldest first.
func (s *Server) ConsoleSessions() []ConsoleSession {
	h := &s.consoles
	h.mu.Lock()
	defer h.mu.Unlock()
	out := make([]ConsoleSession, len(h.sessions))
	for i, sess := range h.sessions {
		out[i] = sess.rec
		out[i].Resizes = slices.Clone(sess.rec.Resizes)
		out[i].KeepAlives = slices.Clone(sess.rec.KeepAlives)
	}
	return out
}

// CloseConsoles ends every open console session after the output written
// so far, with the websocket close code and reason (1000 ends a session
// normally; 1001-1003, 1007-1014 and 3000-4999 are the others a server
// may send). It returns how many sessions it closed.
func (s *Server) CloseConsoles(code int, reason string) int {
	n := 0
	for _, sess := range s.consoles.open() {
		if s.consoles.closeSession(sess, websocket.StatusCode(code), reason) {
			n++
		}
	}
	return n
}

// DropConsoles cuts the connection of every open console session without
// a close frame, as a network failure would. It returns how many it cut.
func (s *Server) DropConsoles() int {
	open := s.consoles.open()
	for _, sess := range open {
		s.consoles.drop(sess)
	}
	return len(open)
}

// consoleHub is the state of the console host. Its mutex is taken without
// Server.mu held, or after it.
type consoleHub struct {
	mu       sync.Mutex
	tokens   map[string]consoleTarget
	sessions []*consoleSession
	closed   bool
	wg       sync.WaitGroup // one per running handler
}

type consoleTarget struct{ appID, component, instance string }

// consoleSession is one open (or ended) websocket session.
type consoleSession struct {
	rec     ConsoleSession  // guarded by consoleHub.mu
	conn    *websocket.Conn // set once the handshake is done; guarded by consoleHub.mu
	out     *consoleWriter
	dropped bool // guarded by consoleHub.mu
}

// issue makes token open a console in target.
func (h *consoleHub) issue(token string, target consoleTarget) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.tokens == nil {
		h.tokens = map[string]consoleTarget{}
	}
	h.tokens[token] = target
}

func (h *consoleHub) open() []*consoleSession {
	h.mu.Lock()
	defer h.mu.Unlock()
	var out []*consoleSession
	for _, sess := range h.sessions {
		if !sess.rec.Ended {
			out = append(out, sess)
		}
	}
	return out
}

// closeSession asks the session's writer to close after its output.
func (h *consoleHub) closeSession(sess *consoleSession, code websocket.StatusCode, reason string) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	if sess.rec.Ended || sess.rec.ClosedByServer {
		return false
	}
	sess.rec.ClosedByServer, sess.rec.CloseCode, sess.rec.CloseReason = true, int(code), reason
	sess.out.close(code, reason)
	return true
}

func (h *consoleHub) drop(sess *consoleSession) {
	h.mu.Lock()
	sess.dropped = true
	conn := sess.conn // nil until the handshake is done, which then drops it
	if conn != nil {
		h.cutLocked(sess)
	}
	h.mu.Unlock()
	if conn != nil {
		_ = conn.CloseNow()
	}
}

// cutLocked records a session as cut by the server, before the connection
// is cut, so that a client that sees the cut finds the session Ended. h.mu
// is held.
func (h *consoleHub) cutLocked(sess *consoleSession) {
	if sess.rec.Ended {
		return
	}
	sess.rec.Ended = true
	if !sess.rec.ClosedByServer { // else the code asked for stays, as ended keeps it
		sess.rec.ClosedByServer, sess.rec.CloseCode = true, int(websocket.StatusAbnormalClosure)
	}
}

// shutdown cuts every session and waits for their handlers.
func (h *consoleHub) shutdown() {
	h.mu.Lock()
	h.closed = true
	for _, sess := range h.sessions {
		if !sess.rec.Ended && sess.conn != nil {
			sess.dropped = true
			h.cutLocked(sess)
			_ = sess.conn.CloseNow()
		}
	}
	h.mu.Unlock()
	h.wg.Wait()
}

// target looks up a console token; the app and instance must still exist.
func (s *Server) consoleTarget(r *http.Request) (consoleTarget, bool) {
	h := &s.consoles
	h.mu.Lock()
	t, found := h.tokens[r.URL.Query().Get("token")]
	h.mu.Unlock()
	if !found || r.URL.Path != "/v1/exec/"+t.instance {
		return consoleTarget{}, false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.settleLocked()
	a := s.findApp(t.appID)
	if a == nil {
		return consoleTarget{}, false
	}
	running := slices.ContainsFunc(s.instances(a), func(in do.AppInstance) bool { return in.InstanceName == t.instance })
	return t, running
}

// proxyHandler serves the second host: pre-signed log URLs and consoles.
func (s *Server) proxyHandler() http.Handler {
	logs := s.logHandler()
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/v1/exec/") {
			s.serveConsole(w, r)
			return
		}
		logs.ServeHTTP(w, r)
	})
}

// serveConsole opens a console session: the URL's token is the only
// credential, and a request that also carries the API token is refused.
func (s *Server) serveConsole(w http.ResponseWriter, r *http.Request) {
	h := &s.consoles
	rec := ConsoleSession{HadAuthorization: r.Header.Get("Authorization") != ""}
	target, valid := s.consoleTarget(r)
	if valid {
		rec.AppID, rec.Component, rec.Instance = target.appID, target.component, target.instance
	}
	var refusal string
	switch {
	case rec.HadAuthorization:
		rec.Status, refusal = http.StatusBadRequest, "The console URL carries its own credential: send no Authorization header."
	case r.Header.Get("Sec-WebSocket-Protocol") != "":
		rec.Status, refusal = http.StatusBadRequest, "The console speaks no websocket subprotocol."
	case !valid:
		rec.Status, refusal = http.StatusForbidden, "The console token is not valid or has expired."
	case !strings.EqualFold(r.Header.Get("Upgrade"), "websocket"):
		rec.Status, refusal = http.StatusUpgradeRequired, "The console is a websocket."
	}
	h.mu.Lock()
	if h.closed {
		h.mu.Unlock()
		http.Error(w, "closed", http.StatusServiceUnavailable)
		return
	}
	if refusal != "" {
		h.sessions = append(h.sessions, &consoleSession{rec: rec})
		h.sessions[len(h.sessions)-1].rec.Ended = true
		h.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(rec.Status)
		_ = json.NewEncoder(w).Encode(errorBody{ID: errorID(rec.Status), Message: refusal})
		return
	}
	// Recorded before the handshake answers, so that a client that has
	// its console can already close or drop it.
	rec.Status = http.StatusSwitchingProtocols
	sess := &consoleSession{rec: rec, out: newConsoleWriter()}
	sess.out.closing = func() { // before the close frame, which the client may see at once
		h.mu.Lock()
		sess.rec.Ended = true
		h.mu.Unlock()
	}
	h.sessions = append(h.sessions, sess)
	h.wg.Add(1)
	h.mu.Unlock()
	defer h.wg.Done()

	conn, err := websocket.Accept(w, r, nil)
	h.mu.Lock()
	if err != nil { // Accept has answered
		sess.rec.Status, sess.rec.Ended = http.StatusBadRequest, true
		h.mu.Unlock()
		return
	}
	conn.SetReadLimit(1 << 20) // "a server should accept any length of data"
	sess.conn = conn
	if h.closed || sess.dropped {
		sess.dropped = true
		h.cutLocked(sess)
		_ = conn.CloseNow()
	}
	h.mu.Unlock()
	h.serve(sess)
}

type consoleEvent struct {
	msg []byte
	err error
}

// serve runs a session until its connection ends: a reader feeds client
// messages to the shell, a writer sends the shell's output, so that a
// client that writes without reading never blocks the fake.
func (h *consoleHub) serve(sess *consoleSession) {
	events := make(chan consoleEvent)
	readerDone := make(chan struct{})
	go func() {
		defer close(readerDone)
		for {
			_, msg, err := sess.conn.Read(context.Background())
			events <- consoleEvent{msg, err}
			if err != nil {
				return
			}
		}
	}()
	writerDone := make(chan struct{})
	go func() {
		defer close(writerDone)
		sess.out.run(sess.conn)
	}()

	shell := &consoleShell{instance: sess.rec.Instance, width: 80, height: 24}
	sess.out.write(consolePrompt)
	idle := time.NewTimer(ConsoleIdleTimeout)
	defer idle.Stop()
	for {
		select {
		case ev := <-events:
			if ev.err != nil {
				_ = sess.conn.CloseNow()
				sess.out.stop()
				<-readerDone
				<-writerDone
				h.ended(sess, ev.err)
				return
			}
			idle.Reset(ConsoleIdleTimeout)
			h.handle(sess, shell, ev.msg)
		case <-idle.C:
			h.closeSession(sess, websocket.StatusGoingAway, "idle timeout")
		}
	}
}

// ended records how the session ended.
func (h *consoleHub) ended(sess *consoleSession, err error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	rec := &sess.rec
	rec.Ended = true
	if rec.ClosedByServer {
		return // code and reason recorded when the close was asked for
	}
	var ce websocket.CloseError
	switch {
	case sess.dropped:
		rec.ClosedByServer, rec.CloseCode = true, int(websocket.StatusAbnormalClosure)
	case errors.As(err, &ce):
		rec.CloseCode, rec.CloseReason = int(ce.Code), ce.Reason
	default:
		rec.CloseCode = int(websocket.StatusAbnormalClosure)
	}
}

// consoleMessage is a client message: stdin or resize.
type consoleMessage struct {
	Op     string  `json:"op"`
	Data   *string `json:"data"`
	Width  *int    `json:"width"`
	Height *int    `json:"height"`
}

// handle applies one client message.
func (h *consoleHub) handle(sess *consoleSession, shell *consoleShell, raw []byte) {
	var m consoleMessage
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	problem := ""
	if err := dec.Decode(&m); err != nil {
		problem = "not a console message: " + err.Error()
	} else {
		switch {
		case m.Op == "stdin" && m.Data != nil && m.Width == nil && m.Height == nil:
		case m.Op == "resize" && m.Data == nil && m.Width != nil && m.Height != nil && *m.Width > 0 && *m.Height > 0:
		case m.Op == "stdin":
			problem = `stdin takes "data" only`
		case m.Op == "resize":
			problem = `resize takes a positive "width" and "height" only`
		default:
			problem = fmt.Sprintf("unknown op %q", m.Op)
		}
	}
	if problem != "" {
		h.mu.Lock()
		sess.rec.ProtocolError = problem
		h.mu.Unlock()
		reason := problem
		if len(reason) > 120 {
			reason = reason[:120]
		}
		h.closeSession(sess, websocket.StatusUnsupportedData, reason)
		return
	}
	h.mu.Lock()
	switch {
	case m.Op == "resize":
		sess.rec.Resizes = append(sess.rec.Resizes, ConsoleSize{Width: *m.Width, Height: *m.Height})
		shell.width, shell.height = *m.Width, *m.Height
	case *m.Data == "":
		sess.rec.KeepAlives = append(sess.rec.KeepAlives, time.Now())
	default:
		sess.rec.Stdin += *m.Data
		sess.rec.StdinMessages++
	}
	h.mu.Unlock()
	if m.Op == "stdin" && *m.Data != "" && !shell.exited {
		sess.out.write(shell.input(*m.Data))
		if shell.exited {
			h.closeSession(sess, websocket.StatusNormalClosure, "")
		}
	}
}

// consoleWriter queues a session's output for its writer goroutine, then
// a close frame.
type consoleWriter struct {
	mu      sync.Mutex
	buf     []byte
	code    websocket.StatusCode // close after the output, when set
	reason  string
	stopped bool
	wake    chan struct{}
	closing func() // called before the close frame is sent
}

func newConsoleWriter() *consoleWriter { return &consoleWriter{wake: make(chan struct{}, 1)} }

func (o *consoleWriter) notify() {
	select {
	case o.wake <- struct{}{}:
	default:
	}
}

func (o *consoleWriter) write(s string) {
	if s == "" {
		return
	}
	o.mu.Lock()
	o.buf = append(o.buf, s...)
	o.mu.Unlock()
	o.notify()
}

func (o *consoleWriter) close(code websocket.StatusCode, reason string) {
	o.mu.Lock()
	if o.code == 0 {
		o.code, o.reason = code, reason
	}
	o.mu.Unlock()
	o.notify()
}

func (o *consoleWriter) stop() {
	o.mu.Lock()
	o.stopped = true
	o.mu.Unlock()
	o.notify()
}

// run sends the queued output as {"data": ...} messages until stopped or
// closed.
func (o *consoleWriter) run(conn *websocket.Conn) {
	for range o.wake {
		o.mu.Lock()
		data, code, reason, stopped := o.buf, o.code, o.reason, o.stopped
		o.buf = nil
		o.mu.Unlock()
		if stopped {
			return
		}
		if len(data) > 0 {
			msg, _ := json.Marshal(map[string]string{"data": string(data)})
			if conn.Write(context.Background(), websocket.MessageText, msg) != nil {
				return
			}
		}
		if code != 0 {
			o.closing()
			_ = conn.Close(code, reason)
			return
		}
	}
}

// consoleShell is the fake's shell: a line editor with terminal echo (the
// live console runs in a PTY) and a few built-in commands.
type consoleShell struct {
	instance      string
	width, height int
	line          []rune
	exited        bool
}

// input applies keystrokes and returns what the terminal shows.
func (sh *consoleShell) input(data string) string {
	var out strings.Builder
	for _, r := range data {
		if sh.exited {
			break
		}
		switch r {
		case '\r', '\n':
			out.WriteString("\r\n")
			out.WriteString(sh.run(string(sh.line)))
			sh.line = sh.line[:0]
			if !sh.exited {
				out.WriteString(consolePrompt)
			}
		case 0x03: // Ctrl-C
			out.WriteString("^C\r\n" + consolePrompt)
			sh.line = sh.line[:0]
		case 0x04: // Ctrl-D ends the shell on an empty line
			if len(sh.line) == 0 {
				out.WriteString("exit\r\n")
				sh.exited = true
			}
		case 0x7f, 0x08: // backspace
			if len(sh.line) > 0 {
				sh.line = sh.line[:len(sh.line)-1]
				out.WriteString("\b \b")
			}
		default:
			if r >= 0x20 {
				sh.line = append(sh.line, r)
				out.WriteRune(r)
			}
		}
	}
	return out.String()
}

// run runs one command line.
func (sh *consoleShell) run(line string) string {
	args := strings.Fields(line)
	if len(args) == 0 {
		return ""
	}
	var out string
	switch args[0] {
	case "echo":
		out = strings.Join(args[1:], " ")
	case "hostname":
		out = sh.instance
	case "pwd":
		out = "/workspace"
	case "env":
		out = strings.Join([]string{"HOME=/workspace", "HOSTNAME=" + sh.instance, "PATH=/usr/local/bin:/usr/bin:/bin",
			"PWD=/workspace", "TERM=xterm-256color"}, "\r\n")
	case "stty":
		if len(args) != 2 || args[1] != "size" {
			out = "stty: the fake knows only 'stty size'"
			break
		}
		out = fmt.Sprintf("%d %d", sh.height, sh.width)
	case "exit":
		sh.exited = true // the exit status is not conveyed
		return ""
	default:
		out = "sh: 1: " + args[0] + ": not found"
	}
	return out + "\r\n"
}

// consoleURL is the URL getExec answers with for a console in instance.
func (s *Server) consoleURL(token, instance string) string {
	host := strings.TrimPrefix(strings.TrimPrefix(s.logs.base, "http://"), "https://")
	return "ws://" + host + "/v1/exec/" + url.PathEscape(instance) + "?" + url.Values{"token": {token}}.Encode()
}
