package digitaloceantest

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/coder/websocket"
	do "github.com/oceankit/digitalocean"
)

// logTarget is what one pre-signed log URL shows.
type logTarget struct {
	app        *appState
	deployment *deploymentState
	job        *jobInvocationState
	event      *eventState
	component  string // "" for every component
	logType    do.AppLogType
	follow     bool
	tail       int       // last lines only; 0 for all
	expires    time.Time // the URL's X-Expires
	expired    bool      // expired early, by ExpireLogURLs or a LogStreamFault
}

// usable reports whether the target's URL still works at now.
func (t *logTarget) usable(now time.Time) bool {
	return !t.expired && now.Before(t.expires)
}

// tailStart is the index of the first line to send out of n: tail_lines
// counts back from the end of the log as it is when the URL is opened.
func (t *logTarget) tailStart(n int) int {
	if t.tail > 0 && n > t.tail {
		return n - t.tail
	}
	return 0
}

// lines returns the target's lines so far.
func (t *logTarget) lines() []logLine {
	var src []logLine
	switch {
	case t.job != nil:
		src = t.job.logs
	case t.event != nil:
		src = t.event.logs
	default:
		src = t.deployment.logs[t.logType]
	}
	var out []logLine
	for _, l := range src {
		if t.component == "" || l.component == t.component {
			out = append(out, l)
		}
	}
	return out
}

// live reports whether more lines may still come.
func (t *logTarget) live(s *Server) bool {
	if s.findApp(t.app.id) == nil {
		return false // deleted
	}
	switch {
	case t.job != nil:
		return t.job.live()
	case t.event != nil:
		return t.event.scalePhase == do.AppEventAutoscalingPhasePending || t.event.scalePhase == do.AppEventAutoscalingPhaseInProgress
	}
	return !t.deployment.terminal() || t.deployment == t.app.active
}

// logURLs answers a logs operation: a live URL while the logs can still
// grow (an in-progress or active deployment, a running job or autoscaling
// event), archived URLs once they cannot.
func (c *call) logURLs(t *logTarget) reply {
	token := shortHash(40, c.s.state.newID("log-token"))
	t.expires = c.now.Add(LogURLLifetime)
	c.s.state.logTokens[token] = t
	q := url.Values{"token": {token}, "X-Expires": {strconv.FormatInt(t.expires.Unix(), 10)}}
	base := c.s.logs.base + "/v1/logs/" + token[:12]
	if t.live(c.s) {
		return ok(&do.AppLogs{LiveURL: base + "/live?" + q.Encode()})
	}
	return ok(&do.AppLogs{HistoricURLs: []string{base + "/archive.log?" + q.Encode()}})
}

// LogURLLifetime is how long a log URL handed out by the fake works, by the
// fake's clock; Server.ExpireLogURLs ends them early.
const LogURLLifetime = 15 * time.Minute

// tailLines reads the optional tail_lines query parameter: an integer, and
// <= 0 means no limit (how the live API is understood to treat -1, which
// doctl sends by default, and 0, which godo sends by default).
func tailLines(c *call) (int, *reply) {
	v := c.r.URL.Query().Get("tail_lines")
	if v == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		r := badRequest("tail_lines must be an integer, got %q.", v)
		return 0, &r
	}
	return max(n, 0), nil
}

// logType reads the type query parameter, which validateParameters has
// checked is there and in the operation's enum; UNSPECIFIED means RUN.
func logType(c *call) do.AppLogType {
	if t := do.AppLogType(c.r.URL.Query().Get("type")); t != do.AppLogTypeUnspecified {
		return t
	}
	return do.AppLogTypeRun
}

// getDeploymentLogs serves the four deployment log operations: active or
// given deployment, one or every component.
func getDeploymentLogs(c *call) reply {
	a, bad := appOf(c)
	if bad != nil {
		return *bad
	}
	typ, follow := logType(c), boolQuery(c, "follow")
	d := a.active
	if id := c.param("deployment_id"); id != "" {
		d = a.findDeployment(id)
	}
	if d == nil {
		if c.param("deployment_id") == "" {
			return apiError(http.StatusNotFound, "The app has no active deployment.")
		}
		return notFound()
	}
	tail, bad := tailLines(c)
	if bad != nil {
		return *bad
	}
	comp := c.param("component_name")
	if comp == "" {
		comp = c.r.URL.Query().Get("component_name") // the aggregate paths' filter
	}
	if comp != "" && !d.hasComponent(comp) {
		return notFound()
	}
	return c.logURLs(&logTarget{app: a, deployment: d, component: comp, logType: typ, follow: follow, tail: tail})
}

func getJobInvocationLogs(c *call) reply {
	_, j, bad := jobOf(c, "job_name")
	if bad != nil {
		return *bad
	}
	a, _ := appOf(c)
	if dep := c.r.URL.Query().Get("deployment_id"); dep != "" && dep != j.inv.DeploymentID {
		return notFound()
	}
	follow := boolQuery(c, "follow")
	tail, bad := tailLines(c)
	if bad != nil {
		return *bad
	}
	return c.logURLs(&logTarget{app: a, job: j, follow: follow, tail: tail, logType: do.AppLogTypeJobInvocation})
}

func getEventLogs(c *call) reply {
	a, e, bad := eventOf(c)
	if bad != nil {
		return *bad
	}
	typ, follow := logType(c), boolQuery(c, "follow")
	tail, bad := tailLines(c)
	if bad != nil {
		return *bad
	}
	if e.typ != do.AppEventTypeAutoscaling {
		// A deployment event's logs are its deployment's.
		return c.logURLs(&logTarget{app: a, deployment: e.deployment, logType: typ, follow: follow, tail: tail})
	}
	return c.logURLs(&logTarget{app: a, event: e, follow: follow, tail: tail, logType: do.AppLogTypeAutoscaleEvent})
}

// waitChange waits for a state change; on a wall clock, where nothing else
// moves the state on, it also wakes up now and then. It reports false when
// ctx ends (the client left) or the server closed.
func (s *Server) waitChange(ctx context.Context, changed <-chan struct{}, realTime bool) bool {
	var tick <-chan time.Time
	if realTime {
		timer := time.NewTimer(max(s.cfg.phaseDuration/10, 10*time.Millisecond))
		defer timer.Stop()
		tick = timer.C
	}
	select {
	case <-changed:
		return true
	case <-tick:
		return true
	case <-ctx.Done():
		return false
	case <-s.closed:
		return false
	}
}

// EmitLogs appends run-time log lines from component to the app's active
// deployment, for tests of code that follows live logs.
func (s *Server) EmitLogs(appID, component string, lines ...string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.settleLocked()
	a := s.findApp(appID)
	if a == nil || a.active == nil {
		return errNoActive(appID)
	}
	now := s.nowLocked()
	for _, l := range lines {
		a.active.log(do.AppLogTypeRun, component, now, l)
	}
	s.notifyLocked()
	return nil
}

// RemoveLogArchive makes a deployment's archived logs gone, as once they
// pass the log host's retention: its archived URLs, those handed out and
// later ones, answer 404 (NoSuchKey). Its live URLs are unaffected. For
// tests of code that reads a superseded deployment's logs.
func (s *Server) RemoveLogArchive(appID, deploymentID string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.settleLocked()
	a := s.findApp(appID)
	if a == nil {
		return errNoDeployment{appID, deploymentID}
	}
	d := a.findDeployment(deploymentID)
	if d == nil {
		return errNoDeployment{appID, deploymentID}
	}
	d.archiveGone = true
	return nil
}

type errNoDeployment struct{ app, deployment string }

func (e errNoDeployment) Error() string {
	return "digitaloceantest: app " + strconv.Quote(e.app) + " has no deployment " + strconv.Quote(e.deployment)
}

type errNoActive string

func (e errNoActive) Error() string {
	return "digitaloceantest: app " + strconv.Quote(string(e)) + " does not exist or has no active deployment"
}

// logHandler serves the log host: pre-signed URLs that need no (and must
// get no) Authorization header. Live logs are websockets, as on the live
// API (or chunked HTTP with WithChunkedLiveLogs); archived logs are plain
// bodies.
func (s *Server) logHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := LogRequest{Path: r.URL.Path, HadAuthorization: r.Header.Get("Authorization") != ""}
		s.mu.Lock()
		s.settleLocked()
		t := s.state.logTokens[r.URL.Query().Get("token")]
		usable := t != nil && t.usable(s.nowLocked())
		live := strings.HasSuffix(r.URL.Path, "/live")
		gone := usable && !live && t.deployment != nil && t.deployment.archiveGone
		s.mu.Unlock()
		status := http.StatusOK
		switch {
		case r.Method != http.MethodGet:
			status = http.StatusMethodNotAllowed
		case !usable:
			status = http.StatusForbidden
		case gone:
			status = http.StatusNotFound
		case live && !s.cfg.chunkedLiveLogs && !strings.EqualFold(r.Header.Get("Upgrade"), "websocket"):
			status = http.StatusUpgradeRequired
		case live && !s.cfg.chunkedLiveLogs:
			status = http.StatusSwitchingProtocols
		}
		rec.Status = status
		s.mu.Lock()
		s.state.logRequests = append(s.state.logRequests, rec)
		s.mu.Unlock()
		switch {
		case status == http.StatusUpgradeRequired:
			http.Error(w, "The live log is a websocket.", status)
			return
		case status == http.StatusNotFound:
			w.Header().Set("Content-Type", "application/xml")
			w.WriteHeader(status)
			_, _ = w.Write([]byte(`<?xml version="1.0" encoding="UTF-8"?><Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message></Error>`))
			return
		case status != http.StatusOK && status != http.StatusSwitchingProtocols:
			w.Header().Set("Content-Type", "application/xml")
			w.WriteHeader(status)
			_, _ = w.Write([]byte(`<?xml version="1.0" encoding="UTF-8"?><Error><Code>AccessDenied</Code><Message>Request has expired or the signature does not match</Message></Error>`))
			return
		case status == http.StatusSwitchingProtocols:
			s.serveLiveWebsocket(w, r, t)
			return
		case live:
			s.streamLive(r.Context(), t, s.takeLogStreamFault(), newChunkedSink(w))
			return
		}
		s.mu.Lock()
		var b strings.Builder
		lines := t.lines()
		for _, l := range lines[t.tailStart(len(lines)):] {
			b.WriteString(l.String() + "\n")
		}
		s.mu.Unlock()
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Header().Set("Content-Length", strconv.Itoa(b.Len()))
		_, _ = w.Write([]byte(b.String()))
	})
}

// serveLiveWebsocket streams a live log over a websocket. The handler is
// counted in Server.liveLogs, as a hijacked connection outlives the HTTP
// server's own bookkeeping.
func (s *Server) serveLiveWebsocket(w http.ResponseWriter, r *http.Request, t *logTarget) {
	s.mu.Lock()
	select {
	case <-s.closed:
		s.mu.Unlock()
		http.Error(w, "closed", http.StatusServiceUnavailable)
		return
	default:
		s.liveLogs.Add(1)
	}
	s.mu.Unlock()
	defer s.liveLogs.Done()
	fault := s.takeLogStreamFault()
	conn, err := websocket.Accept(w, r, nil)
	if err != nil {
		return // Accept has answered
	}
	defer conn.CloseNow()
	// The client sends nothing: reading only notices when it leaves. The
	// server's Close ends the stream too, also a write the client is not
	// reading.
	ctx, cancel := context.WithCancel(conn.CloseRead(context.Background()))
	defer cancel()
	go func() {
		select {
		case <-s.closed:
			cancel()
		case <-ctx.Done():
		}
	}()
	s.streamLive(ctx, t, fault, &websocketSink{ctx: ctx, conn: conn})
}

// liveSink is how a live log reaches the client: websocket messages, or
// chunks of an HTTP body.
type liveSink interface {
	// line sends one whole line.
	line(text string) error
	// end ends the stream normally: websocket close 1000, the end of the
	// body.
	end()
	// drop cuts the connection without a normal end, after sending the
	// first half of a line where the transport can.
	drop(half string)
}

// websocketSink sends each line as a {"data": "<line>\n"} message.
type websocketSink struct {
	ctx  context.Context
	conn *websocket.Conn
}

func (ws *websocketSink) line(text string) error {
	msg, _ := json.Marshal(map[string]string{"data": text + "\n"})
	return ws.conn.Write(ws.ctx, websocket.MessageText, msg)
}

func (ws *websocketSink) end() { _ = ws.conn.Close(websocket.StatusNormalClosure, "") }

// drop cuts the connection without a close frame; a message is whole or
// not at all, so no half line reaches the client.
func (ws *websocketSink) drop(string) { _ = ws.conn.CloseNow() }

// chunkedSink writes each line as a chunk of an HTTP body.
type chunkedSink struct {
	w       http.ResponseWriter
	flusher http.Flusher
}

func newChunkedSink(w http.ResponseWriter) *chunkedSink {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(http.StatusOK)
	cs := &chunkedSink{w: w}
	cs.flusher, _ = w.(http.Flusher)
	cs.flush() // a live log answers at once, lines or not
	return cs
}

func (cs *chunkedSink) flush() {
	if cs.flusher != nil {
		cs.flusher.Flush()
	}
}

func (cs *chunkedSink) line(text string) error {
	if _, err := cs.w.Write([]byte(text + "\n")); err != nil {
		return err
	}
	cs.flush()
	return nil
}

func (cs *chunkedSink) end() {}

func (cs *chunkedSink) drop(half string) {
	if half != "" {
		_, _ = cs.w.Write([]byte(half))
		cs.flush()
	}
	panic(http.ErrAbortHandler) // closes the connection mid-body
}

// streamLive sends the target's lines (the last tail_lines of them when
// asked), then, when following, new lines as they come. It ends the stream
// normally when the logs can no longer grow (at once when not following)
// or the URL expires, and stops when ctx ends (the client left), the
// server closes or fault strikes.
func (s *Server) streamLive(ctx context.Context, t *logTarget, fault *LogStreamFault, sink liveSink) {
	start, sent := -1, 0
	_, realTime := s.cfg.clock.(realClock)
	for {
		s.mu.Lock()
		s.settleLocked()
		lines := t.lines()
		if start < 0 {
			start = t.tailStart(len(lines))
			sent = start
		}
		more := t.follow && t.live(s)
		usable := t.usable(s.nowLocked())
		changed := s.changed
		s.mu.Unlock()
		if !usable {
			sink.end() // an expired URL's stream ends
			return
		}
		for ; sent < len(lines); sent++ {
			if fault != nil && sent-start == fault.AfterLines {
				s.strikeLogStream(t, fault, lines[sent].String(), sink)
				return
			}
			if sink.line(lines[sent].String()) != nil {
				return
			}
		}
		if fault != nil && !fault.MidLine && sent-start == fault.AfterLines {
			s.strikeLogStream(t, fault, "", sink)
			return
		}
		if !more {
			sink.end()
			return
		}
		if !s.waitChange(ctx, changed, realTime) {
			return
		}
	}
}
