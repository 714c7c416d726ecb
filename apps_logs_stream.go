package digitalocean

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"iter"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/coder/websocket"
)

// MaxLogLineBytes bounds one log line; a longer line ends the stream with
// an error wrapping ErrLogLineTooLong rather than buffering without limit.
const MaxLogLineBytes = 1 << 20

// maxLogMessageBytes bounds one websocket message, which may hold several lines.
const maxLogMessageBytes = 8 * MaxLogLineBytes

// ErrLogLineTooLong is wrapped by the error of a log line over MaxLogLineBytes.
var ErrLogLineTooLong = errors.New("digitalocean: log line too long")

// LogLine is one line of an App Platform log.
//
// Live and archived logs prefix each line with the component name and an
// RFC 3339 timestamp ("web 2024-05-01T12:00:00.123Z listening on :8080"),
// sometimes with an instance name between them. The prefix is parsed
// leniently: fields it cannot find stay empty and Text is always the line.
type LogLine struct {
	// Text is the raw line, without its line ending.
	Text string
	// Component is the component that wrote the line, when the line names it.
	Component string
	// Instance is the component instance, when the line names it.
	Instance string
	// Timestamp is the line's leading timestamp, zero when it has none.
	Timestamp time.Time
	// Message is the line after its prefix; the whole line when it has none.
	Message string
	// DeploymentID is the deployment whose log the line is from, when
	// known: FollowLogs sets it; ParseLogLine, ReadLogLines and StreamLogs
	// cannot tell and leave it empty.
	DeploymentID string
}

// ParseLogLine splits an App Platform log line into its prefix fields.
func ParseLogLine(text string) LogLine {
	line := LogLine{Text: text, Message: text}
	rest := text
	var names []string
	for range 3 { // a timestamp preceded by at most a component and an instance
		token, after, _ := strings.Cut(rest, " ")
		if ts, ok := parseLogTimestamp(token); ok {
			switch len(names) {
			case 2:
				line.Instance = names[1]
				fallthrough
			case 1:
				line.Component = names[0]
			}
			line.Timestamp, line.Message = ts, after
			return line
		}
		if !isLogName(token) || after == "" {
			return line
		}
		names = append(names, strings.TrimSuffix(strings.TrimPrefix(token, "["), "]"))
		rest = after
	}
	return line
}

// parseLogTimestamp reads an RFC 3339 timestamp, optionally in brackets or
// without a zone (then UTC).
func parseLogTimestamp(token string) (time.Time, bool) {
	token = strings.TrimSuffix(strings.TrimPrefix(token, "["), "]")
	if len(token) < len("2006-01-02T15:04:05") || token[0] < '0' || token[0] > '9' {
		return time.Time{}, false
	}
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999"} {
		if ts, err := time.Parse(layout, token); err == nil {
			return ts, true
		}
	}
	return time.Time{}, false
}

// isLogName reports whether token looks like a component or instance name.
func isLogName(token string) bool {
	token = strings.TrimSuffix(strings.TrimPrefix(token, "["), "]")
	if token == "" || len(token) > 253 {
		return false
	}
	for _, r := range token {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '-', r == '_', r == '.':
		default:
			return false
		}
	}
	return true
}

// ReadLogLines iterates over the lines of r, for example the body from
// DownloadLogs. It stops at the end of r, or with an error wrapping
// ErrLogLineTooLong at a line over MaxLogLineBytes.
func ReadLogLines(r io.Reader) iter.Seq2[LogLine, error] {
	return func(yield func(LogLine, error) bool) {
		er := &errRecorder{r: r}
		sc := bufio.NewScanner(er)
		sc.Buffer(make([]byte, 0, 64<<10), MaxLogLineBytes+1) // +1 for the newline
		sc.Split(func(data []byte, atEOF bool) (int, []byte, error) {
			if atEOF && len(data) > 0 && er.err != nil && bytes.IndexByte(data, '\n') < 0 {
				// A line cut off by a failed read is not a line: the
				// error ends the iteration instead.
				return 0, nil, er.err
			}
			return bufio.ScanLines(data, atEOF)
		})
		for sc.Scan() {
			if !yield(ParseLogLine(strings.TrimSuffix(sc.Text(), "\r")), nil) {
				return
			}
		}
		if err := sc.Err(); err != nil {
			if errors.Is(err, bufio.ErrTooLong) {
				err = fmt.Errorf("%w: over %d bytes", ErrLogLineTooLong, MaxLogLineBytes)
			}
			yield(LogLine{}, err)
		}
	}
}

// errRecorder keeps the error of a read that failed other than at io.EOF.
type errRecorder struct {
	r   io.Reader
	err error
}

func (e *errRecorder) Read(p []byte) (int, error) {
	n, err := e.r.Read(p)
	if err != nil && err != io.EOF {
		e.err = err
	}
	return n, err
}

// StreamLogs follows the live log at liveURL, the LiveURL of an AppLogs
// from one of the GetLogs calls, yielding each line as it arrives.
//
// The live URL is always dialled as a websocket, as doctl does, whatever
// its scheme: http means ws, https means wss, ws and wss are used as
// given. Each message holds one or more lines, in App Platform's
// {"data": "..."} envelope or as plain text. For compatibility with log
// hosts that predate websockets, a server that answers the upgrade with a
// plain 2xx response is read as a chunked HTTP body, line by line.
//
// The stream ends when the server closes it (websocket close 1000 or 1001,
// or the end of an HTTP body), when the loop breaks (the connection is
// closed at once), or when ctx ends (yielding ctx's error). The client's
// http.Client Timeout does not apply: a live log has no natural end.
// A connection that drops (a websocket gone without a close frame, a cut
// HTTP body) ends it with a *RequestError matching io.ErrUnexpectedEOF;
// a line cut off with it is not yielded. FollowLogs resumes after drops.
//
// The URL is pre-signed and usually on another host: the API token is
// never sent with it, whatever its host, nor any header but User-Agent,
// and errors name it without its query.
func (s *AppsService) StreamLogs(ctx context.Context, liveURL string) iter.Seq2[LogLine, error] {
	return func(yield func(LogLine, error) bool) {
		u, err := parseLogURL("liveURL", liveURL, "http", "https", "ws", "wss")
		if err != nil {
			yield(LogLine{}, err)
			return
		}
		cl := s.client.newConnLog(ctx, connKindLiveLog, u)
		s.streamWebsocket(ctx, u, cl, cl.countLines(yield))
		cl.streamEnded()
	}
}

// streamHTTP reads a live log served as a plain HTTP body.
func streamHTTP(ctx context.Context, u *url.URL, body io.ReadCloser, yield func(LogLine, error) bool) {
	defer body.Close()
	for line, err := range ReadLogLines(body) {
		switch {
		case err == nil, errors.Is(err, ErrLogLineTooLong):
		case ctx.Err() != nil:
			err = ctx.Err() // the read failed because ctx ended
		default:
			err = logRequestError(u, err)
		}
		if !yield(line, err) || err != nil {
			return
		}
	}
	if err := ctx.Err(); err != nil {
		yield(LogLine{}, err)
	}
}

// DownloadLogs opens an archived log at historicURL, one of the
// HistoricURLs of an AppLogs. The caller must close the returned body;
// ReadLogLines iterates over its lines.
//
// The URL is pre-signed and usually on another host: the API token is
// never sent with it, whatever its host.
func (s *AppsService) DownloadLogs(ctx context.Context, historicURL string) (io.ReadCloser, error) {
	u, err := parseLogURL("historicURL", historicURL, "http", "https")
	if err != nil {
		return nil, err
	}
	return s.getLog(ctx, u, true)
}

// parseLogURL accepts an absolute URL with one of the schemes.
func parseLogURL(name, raw string, schemes ...string) (*url.URL, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, &ArgumentError{Name: name, Reason: "not a URL"}
	}
	u.Scheme = strings.ToLower(u.Scheme)
	for _, scheme := range schemes {
		if u.Scheme == scheme && u.Host != "" {
			return u, nil
		}
	}
	return nil, &ArgumentError{Name: name, Reason: "must be an absolute " + strings.Join(schemes, ", ") + " URL"}
}

// logHTTPClient is the user's HTTP client without the client's auth
// transport: pre-signed log URLs must never see the token, so requests go
// straight to the user's base transport. The cookie jar is left out too.
func (s *AppsService) logHTTPClient(keepTimeout bool) *http.Client {
	hc := &http.Client{Transport: s.client.http.Transport}
	if at, ok := hc.Transport.(*authTransport); ok {
		hc.Transport = at.base // nil means http.DefaultTransport
	}
	hc.CheckRedirect = s.client.http.CheckRedirect
	if keepTimeout {
		hc.Timeout = s.client.http.Timeout
	}
	return hc
}

// getLog sends a GET for a log URL and returns the body of a 2xx response.
func (s *AppsService) getLog(ctx context.Context, u *url.URL, keepTimeout bool) (io.ReadCloser, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, &ArgumentError{Name: "url", Reason: "cannot build a request: " + scrubURLError(err).Error()}
	}
	req.Header.Set("User-Agent", s.client.userAgent)
	cl := s.client.newConnLog(ctx, connKindArchivedLog, u)
	resp, err := s.logHTTPClient(keepTimeout).Do(req)
	if err != nil {
		// The URL's query is a credential: keep it out of the error.
		reqErr := logRequestError(u, err)
		cl.opened("http", 0, reqErr)
		return nil, reqErr
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		defer resp.Body.Close()
		apiErr := presignedAPIError(u, resp)
		cl.opened("http", resp.StatusCode, apiErr)
		return nil, apiErr
	}
	cl.opened("http", resp.StatusCode, nil)
	return cl.body(resp.Body, true), nil
}

// redactedURL names a log URL in errors without its secret query.
func redactedURL(u *url.URL) string {
	return (&url.URL{Scheme: u.Scheme, Host: u.Host, Path: u.Path, RawPath: u.RawPath}).String()
}

// websocketURL is the URL a live log or console is dialled at: http means
// ws and anything else wss, as in doctl.
func websocketURL(u *url.URL) string {
	ws := *u
	switch u.Scheme {
	case "http", "ws":
		ws.Scheme = "ws"
	default:
		ws.Scheme = "wss"
	}
	return ws.String()
}

// logRequestError is the error of a request to a pre-signed log or
// console URL that got no answer: it names the URL without its query.
func logRequestError(u *url.URL, err error) *RequestError {
	return &RequestError{Method: http.MethodGet, Path: redactedURL(u), Attempts: 1, Err: withoutQuery(scrubURLError(err), u)}
}

// withoutQuery hides u's query, a credential, in err's text: a transport
// (a proxy, a user's middleware) may name the URL it failed on. The cause
// stays reachable through Unwrap for errors.Is and errors.As.
func withoutQuery(err error, u *url.URL) error {
	if err == nil || u.RawQuery == "" {
		return err
	}
	secrets := []string{u.RawQuery}
	for _, values := range u.Query() {
		for _, v := range values {
			if len(v) >= 8 { // short values (a flag, a small number) are no credential
				secrets = append(secrets, v, url.QueryEscape(v))
			}
		}
	}
	msg := err.Error()
	if scrubbed := scrubSecrets(msg, secrets...); scrubbed != msg {
		return &redactedError{msg: scrubbed, err: err}
	}
	return err
}

// redactedError is an error whose text had a credential taken out.
type redactedError struct {
	msg string
	err error
}

func (e *redactedError) Error() string { return e.msg }
func (e *redactedError) Unwrap() error { return e.err }

// dialPresigned dials the websocket at a pre-signed URL through hc, a
// token-free client from logHTTPClient, sending no header but User-Agent.
// The error is ctx's
// once ctx has ended, an *APIError for a non-upgrade answer, and a
// *RequestError without the URL's query otherwise. dialCtx bounds the dial
// alone, for callers whose session outlives it; it may be ctx.
func (s *AppsService) dialPresigned(ctx, dialCtx context.Context, u *url.URL, hc *http.Client) (*websocket.Conn, error) {
	header := http.Header{}
	header.Set("User-Agent", s.client.userAgent)
	conn, resp, err := websocket.Dial(dialCtx, websocketURL(u), &websocket.DialOptions{HTTPClient: hc, HTTPHeader: header})
	switch {
	case err == nil:
		return conn, nil
	case ctx.Err() != nil:
		return nil, ctx.Err()
	case resp != nil && resp.StatusCode != http.StatusSwitchingProtocols:
		return nil, presignedAPIError(u, resp)
	}
	return nil, logRequestError(u, err)
}

// streamWebsocket follows a live log served as websocket messages, or as
// an HTTP body by a server that answers the upgrade with a plain 2xx.
func (s *AppsService) streamWebsocket(ctx context.Context, u *url.URL, cl *connLog, yield func(LogLine, error) bool) {
	hc := s.logHTTPClient(false)
	plain := &plainAnswerTransport{base: hc.Transport}
	hc.Transport = plain
	conn, err := s.dialPresigned(ctx, ctx, u, hc)
	if err != nil && plain.resp != nil { // a log host streaming plain HTTP
		cl.opened("http", plain.resp.StatusCode, nil)
		streamHTTP(ctx, u, cl.body(plain.resp.Body, false), yield)
		return
	}
	cl.dialed(err)
	if err != nil {
		yield(LogLine{}, err)
		return
	}
	// Closing without the handshake: a break must not wait on the server.
	defer conn.CloseNow()
	conn.SetReadLimit(maxLogMessageBytes)
	for {
		_, msg, err := conn.Read(ctx)
		if err != nil {
			cl.sawReadError(err)
			switch {
			case ctx.Err() != nil:
				yield(LogLine{}, ctx.Err())
			case websocket.CloseStatus(err) == websocket.StatusNormalClosure,
				websocket.CloseStatus(err) == websocket.StatusGoingAway:
			case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
				// Gone without a close frame: a drop, not the end of the log.
				yield(LogLine{}, logRequestError(u,
					fmt.Errorf("%w: the connection closed without a websocket close frame", io.ErrUnexpectedEOF)))
			default:
				yield(LogLine{}, logRequestError(u, err))
			}
			return
		}
		for line, err := range ReadLogLines(bytes.NewReader(logMessageText(msg))) {
			if !yield(line, err) || err != nil {
				return
			}
		}
	}
}

// plainAnswerTransport keeps a 2xx answer to a websocket upgrade, a log
// host streaming plain HTTP, for StreamLogs to read: the websocket dial
// sees an empty body and fails, instead of reading and closing the stream.
type plainAnswerTransport struct {
	base http.RoundTripper // nil means http.DefaultTransport
	resp *http.Response
}

func (t *plainAnswerTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	base := t.base
	if base == nil {
		base = http.DefaultTransport
	}
	resp, err := base.RoundTrip(r)
	if err != nil || resp.StatusCode < 200 || resp.StatusCode > 299 {
		return resp, err
	}
	t.resp = resp
	stub := *resp
	stub.Body = http.NoBody
	return &stub, nil
}

// logMessageText unwraps a websocket log message: App Platform sends
// {"data": "<lines>"}; anything else is taken as plain text.
func logMessageText(msg []byte) []byte {
	trimmed := bytes.TrimSpace(msg)
	if len(trimmed) == 0 || trimmed[0] != '{' {
		return msg
	}
	var envelope struct {
		Data *string `json:"data"`
	}
	if json.Unmarshal(trimmed, &envelope) != nil || envelope.Data == nil {
		return msg
	}
	return []byte(*envelope.Data)
}
