package digitaloceantest

import (
	"net/http"
	"path"
	"strconv"
	"strings"
	"time"
)

// Match selects API requests. Empty fields match anything.
type Match struct {
	// Method is an HTTP method such as "POST".
	Method string
	// Path is a path.Match pattern over the unescaped path, such as
	// "/v2/apps/*/deployments"; a pattern ending in "/**" also matches
	// everything below it.
	Path string
	// Operation is the spec's operationId, such as "apps_create".
	Operation string
}

func (m Match) matches(method, urlPath, op string) bool {
	if m.Method != "" && !strings.EqualFold(m.Method, method) {
		return false
	}
	if m.Operation != "" && m.Operation != op {
		return false
	}
	if m.Path == "" {
		return true
	}
	if prefix, isTree := strings.CutSuffix(m.Path, "/**"); isTree {
		return urlPath == prefix || strings.HasPrefix(urlPath, prefix+"/")
	}
	okMatch, err := path.Match(m.Path, urlPath)
	return err == nil && okMatch
}

// Fault is what a matched request gets instead of its normal response.
type Fault struct {
	// Status is the HTTP status to answer with, such as 503. The body is
	// the API's error object unless Body is set.
	Status int
	// ID and Message override the error object's fields.
	ID, Message string
	// Body, if set, is sent as is (text/html), like a proxy's error page.
	Body string
	// RetryAfter, if set, is sent as the retry-after header (seconds).
	RetryAfter time.Duration
	// Delay holds the response back this long (wall-clock time; fake
	// inside a synctest bubble), or until the client gives up.
	Delay time.Duration
	// DropConnection closes the connection without any response. Over
	// HTTP/2 (WithHTTP2) it resets the request's stream instead, as
	// ResetStream does.
	DropConnection bool
	// ResetStream answers with an HTTP/2 RST_STREAM (INTERNAL_ERROR, as a
	// server whose handler failed sends) instead of a response, leaving
	// the connection and its other streams up. Over HTTP/1.1 there are no
	// streams and the connection is dropped.
	ResetStream bool
	// ResetCode, if not zero, is the HTTP/2 error code (RFC 9113, section
	// 7; below 0x100) of the RST_STREAM that ResetStream or, over HTTP/2,
	// DropConnection sends instead of INTERNAL_ERROR, such as 0x7
	// REFUSED_STREAM: a server that closed the stream before processing
	// it (leave Applied unset to say so truly). Setting it implies
	// ResetStream. FailNext panics on a code above 0xff.
	ResetCode uint32
	// Applied carries the request out before the fault: the client cannot
	// tell that it worked, as when a response is lost after the server
	// acted on it.
	Applied bool
}

type pendingFault struct {
	match Match
	fault Fault
	left  int
	// stream, when set, makes this a fault for live log streams, which
	// API requests never take.
	stream *LogStreamFault
}

// FailNext makes the next n requests that match get fault. Faults queued
// earlier are used up first.
func (s *Server) FailNext(n int, match Match, fault Fault) {
	if n <= 0 {
		return
	}
	if fault.ResetCode > 0xff {
		panic("digitaloceantest: Fault.ResetCode " + strconv.FormatUint(uint64(fault.ResetCode), 10) + " is above 0xff")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.state.faults = append(s.state.faults, &pendingFault{match: match, fault: fault, left: n})
}

func (s *Server) takeFault(method, urlPath, op string) (Fault, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, pf := range s.state.faults {
		if pf.stream != nil || !pf.match.matches(method, urlPath, op) {
			continue
		}
		pf.left--
		if pf.left == 0 {
			s.state.faults = append(s.state.faults[:i:i], s.state.faults[i+1:]...)
		}
		return pf.fault, true
	}
	return Fault{}, false
}

func (s *Server) writeFault(w http.ResponseWriter, r *http.Request, f Fault, rec *Request) {
	if f.Delay > 0 {
		t := time.NewTimer(f.Delay)
		select {
		case <-t.C:
		case <-r.Context().Done():
		case <-s.closed:
		}
		t.Stop()
	}
	if f.DropConnection || f.ResetStream || f.ResetCode != 0 {
		rec.Status = 0
		s.record(*rec)
		if rc, isResetConn := r.Context().Value(resetConnKey{}).(*resetConn); isResetConn && r.ProtoMajor == 2 && f.ResetCode != 0 {
			rc.resetWith(uint8(f.ResetCode))
		}
		// Over HTTP/2 a ResponseWriter is no Hijacker, and the abort
		// below resets the stream.
		if hj, isHijacker := w.(http.Hijacker); isHijacker {
			if conn, _, err := hj.Hijack(); err == nil {
				_ = conn.Close()
				return
			}
		}
		panic(http.ErrAbortHandler) // no response: the connection closes, or the HTTP/2 stream is reset
	}
	status := f.Status
	if status == 0 {
		status = http.StatusServiceUnavailable
	}
	rec.Status = status
	s.record(*rec)
	s.mu.Lock()
	s.state.rate.peek(time.Now()).setHeaders(w.Header())
	s.mu.Unlock()
	if f.RetryAfter > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(int((f.RetryAfter+time.Second-1)/time.Second)))
	}
	if f.Body != "" {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.WriteHeader(status)
		_, _ = w.Write([]byte(f.Body))
		return
	}
	e := &errorBody{ID: errorID(status), Message: http.StatusText(status)}
	if f.ID != "" {
		e.ID = f.ID
	}
	if f.Message != "" {
		e.Message = f.Message
	}
	s.writeReply(w, w.Header().Get("X-Request-Id"), reply{status: status, body: e})
}

// LogStreamFault is what a live log stream (a LiveURL being read) gets
// instead of its normal course, once it has sent AfterLines whole lines.
type LogStreamFault struct {
	// AfterLines is how many whole lines the stream sends first (counted
	// from the first line it sends, after tail_lines).
	AfterLines int
	// MidLine then waits for the next line to exist and drops the
	// connection while sending it: a websocket is cut without a close
	// frame and the line's message never arrives whole; a chunked body
	// (WithChunkedLiveLogs) gets the first half of the line, then is cut.
	MidLine bool
	// ExpireURL makes the stream's URL expire: later requests with it get
	// 403, as after its X-Expires. Without MidLine the stream then ends
	// normally (websocket close 1000, the end of a chunked body); without
	// MidLine or ExpireURL the connection drops between two lines, without
	// a close frame.
	ExpireURL bool
}

// FailNextLogStreams makes the next n live log streams opened get fault.
func (s *Server) FailNextLogStreams(n int, fault LogStreamFault) {
	if n <= 0 {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.state.faults = append(s.state.faults, &pendingFault{stream: &fault, left: n})
}

// ExpireLogURLs makes every log URL handed out so far expire now: requests
// with them get 403 and the live streams open on them end.
func (s *Server) ExpireLogURLs() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, t := range s.state.logTokens {
		t.expired = true
	}
	s.notifyLocked()
}

func (s *Server) takeLogStreamFault() *LogStreamFault {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, pf := range s.state.faults {
		if pf.stream == nil {
			continue
		}
		pf.left--
		if pf.left == 0 {
			s.state.faults = append(s.state.faults[:i:i], s.state.faults[i+1:]...)
		}
		return pf.stream
	}
	return nil
}

// strikeLogStream carries out fault on a live stream; next is the line
// due next, "" when there is none yet.
func (s *Server) strikeLogStream(t *logTarget, f *LogStreamFault, next string, sink liveSink) {
	if f.ExpireURL {
		s.mu.Lock()
		t.expired = true
		s.mu.Unlock()
	}
	switch {
	case f.MidLine:
		sink.drop(next[:max(len(next)/2, 1)])
	case f.ExpireURL:
		sink.end()
	default:
		sink.drop("")
	}
}
