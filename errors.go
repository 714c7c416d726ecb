package digitalocean

import (
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"
)

// Sentinel errors for errors.Is. An *Error matches the one for its status.
var (
	// ErrOutcomeUnknown matches every error of a write that may have been
	// applied although the call failed: an *Error or *RequestError with
	// OutcomeUnknown set, a *DecodeError of a write's 2xx response, and a
	// *RetryAbortedError wrapping one. Look the resource up before trying
	// again (see docs/retries.md).
	ErrOutcomeUnknown = errors.New("digitalocean: outcome unknown: the request may have been applied")

	ErrNotFound        = errors.New("digitalocean: not found")
	ErrUnauthorized    = errors.New("digitalocean: unauthorized")
	ErrForbidden       = errors.New("digitalocean: forbidden")
	ErrConflict        = errors.New("digitalocean: conflict")
	ErrUnprocessable   = errors.New("digitalocean: unprocessable entity")
	ErrRateLimited     = errors.New("digitalocean: rate limited")
	ErrServerError     = errors.New("digitalocean: server error")
	ErrInvalidArgument = errors.New("digitalocean: invalid argument")
)

// Error is an error response from the API (HTTP status 4xx or 5xx).
type Error struct {
	// StatusCode is the HTTP status.
	StatusCode int
	// ID is the API's short error identifier, such as "not_found",
	// "unauthorized" or "too_many_requests".
	ID string
	// Message is the API's human-readable explanation, or for a body that
	// was not the API's JSON, the status text and an excerpt of the body.
	Message string
	// Field is the spec field path the message names when the API rejects
	// an app spec, such as "services.health_check.port" (dotted JSON member
	// names; the observed messages carry no index or component name); empty
	// when the message names none.
	Field string
	// RequestID identifies the request for DigitalOcean support: the body's
	// request_id, else the x-request-id header.
	RequestID string
	// Method and Path name the failed request.
	Method, Path string
	// Attempts is how many times the request was sent.
	Attempts int
	// OutcomeUnknown is true when the request is a write that may have
	// been applied: this attempt got a server error, or an earlier one
	// did and the operation was re-sent. errors.Is(err, ErrOutcomeUnknown)
	// says the same.
	OutcomeUnknown bool
	// Response is the HTTP response; its body has been consumed.
	Response *Response
}

// Error returns one line: method, path, status, id, message, request id.
func (e *Error) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "digitalocean: %s %s: %d", e.Method, e.Path, e.StatusCode)
	// The fields come from the server; fold them so the error stays one line.
	if e.ID != "" {
		b.WriteString(" " + oneLine(e.ID))
	}
	if e.Message != "" {
		b.WriteString(": " + oneLine(e.Message))
	}
	if e.RequestID != "" {
		b.WriteString(" (request " + oneLine(e.RequestID) + ")")
	}
	if e.Attempts > 1 {
		fmt.Fprintf(&b, " after %d attempts", e.Attempts)
	}
	if e.OutcomeUnknown {
		b.WriteString("; outcome unknown: the request may have been applied")
	}
	return b.String()
}

// Is reports whether the error matches one of the package's sentinels.
func (e *Error) Is(target error) bool {
	switch target {
	case ErrNotFound:
		return e.StatusCode == http.StatusNotFound
	case ErrUnauthorized:
		return e.StatusCode == http.StatusUnauthorized
	case ErrForbidden:
		return e.StatusCode == http.StatusForbidden
	case ErrConflict:
		return e.StatusCode == http.StatusConflict
	case ErrUnprocessable:
		return e.StatusCode == http.StatusUnprocessableEntity
	case ErrRateLimited:
		return e.StatusCode == http.StatusTooManyRequests
	case ErrServerError:
		return e.StatusCode >= 500
	case ErrOutcomeUnknown:
		return e.OutcomeUnknown
	}
	return false
}

// newAPIError reads the capped error body of resp and builds an *Error.
func newAPIError(method, path string, resp *Response, attempts int) *Error {
	e := &Error{StatusCode: resp.StatusCode, Method: method, Path: path, Attempts: attempts, Response: resp, RequestID: resp.RequestID}
	raw, _ := io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
	var body struct {
		ID        string `json:"id"`
		Message   string `json:"message"`
		RequestID string `json:"request_id"`
	}
	isJSON := unmarshalResponse(raw, &body) == nil
	if isJSON && body.RequestID != "" {
		e.RequestID = body.RequestID
	}
	if isJSON && (body.ID != "" || body.Message != "") {
		e.ID, e.Message = body.ID, oneLine(body.Message)
		e.Field = apiErrorField(e.Message)
		return e
	}
	e.Message = http.StatusText(resp.StatusCode)
	if e.Message == "" {
		e.Message = resp.Status
	}
	if excerpt := bodyExcerpt(raw, 200); excerpt != "" {
		e.Message += ": " + excerpt
	}
	return e
}

// bodyExcerpt makes a short single-line text of a non-JSON body (an HTML
// page from a proxy, say): tags, scripts and styles dropped, space folded,
// length capped.
func bodyExcerpt(raw []byte, limit int) string {
	var b strings.Builder
	inTag, space := false, false
	for _, r := range dropCodeElements(string(raw)) {
		switch {
		case r == '<':
			inTag = true
		case r == '>':
			inTag = false
			space = true
		case inTag:
		case r == utf8.RuneError, r < ' ' && r != '\t' && r != '\n' && r != '\r':
		case r == ' ' || r == '\t' || r == '\n' || r == '\r':
			space = true
		default:
			if space && b.Len() > 0 {
				b.WriteByte(' ')
			}
			space = false
			b.WriteRune(r)
		}
		if b.Len() > limit {
			return truncate(b.String(), limit)
		}
	}
	return b.String()
}

// dropCodeElements removes <script> and <style> elements: their text is
// code, not a message, and proxies' error pages are full of it. One pass, so
// a hostile body cannot make it slow.
func dropCodeElements(s string) string {
	lower := asciiLower(s)
	// next finds the next opening of name at or after i; results are kept
	// until passed so that every byte is scanned a bounded number of times.
	cache := map[string]int{"script": -2, "style": -2}
	next := func(name string, i int) int {
		if p := cache[name]; p == -1 || p >= i {
			return p
		}
		p := strings.Index(lower[i:], "<"+name)
		if p >= 0 {
			p += i
		}
		cache[name] = p
		return p
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		script, style := next("script", i), next("style", i)
		start, name := script, "script"
		if style >= 0 && (script < 0 || style < script) {
			start, name = style, "style"
		}
		if start < 0 {
			b.WriteString(s[i:])
			break
		}
		b.WriteString(s[i:start])
		b.WriteByte(' ')
		closing := "</" + name + ">"
		end := strings.Index(lower[start:], closing)
		if end < 0 {
			break // an unclosed element runs to the end
		}
		i = start + end + len(closing)
	}
	return b.String()
}

// asciiLower lower-cases ASCII letters only, so byte offsets stay valid.
func asciiLower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + ('a' - 'A')
		}
	}
	return string(b)
}

// oneLine folds runs of white space, newlines included, into single spaces.
// Other control characters (terminal escapes, say) become spaces too.
func oneLine(s string) string {
	clean := true
	for _, r := range s {
		if r < ' ' || r == 0x7f {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	s = strings.Map(func(r rune) rune {
		if r < ' ' || r == 0x7f {
			return ' '
		}
		return r
	}, s)
	return strings.Join(strings.Fields(s), " ")
}

// DecodeError is a 2xx response whose body could not be decoded, for
// example because it was truncated. Response is still set.
type DecodeError struct {
	Method, Path string
	StatusCode   int
	Err          error
	Response     *Response

	write bool // the request was a write: applied, with an unknown result
}

func (e *DecodeError) Error() string {
	msg := fmt.Sprintf("digitalocean: %s %s: %d: cannot decode response body: %s", e.Method, e.Path, e.StatusCode, causeText(e.Err))
	if e.write {
		msg += "; outcome unknown: the request was applied, but its result cannot be read"
	}
	return msg
}

func (e *DecodeError) Unwrap() error { return e.Err }

// Is matches ErrOutcomeUnknown for a write: the server applied it (it
// answered 2xx), but what it made cannot be read.
func (e *DecodeError) Is(target error) bool { return target == ErrOutcomeUnknown && e.write }

// missingObject reports a 2xx body that lacks the object the operation
// returns, so that callers never get a nil result without an error.
func missingObject(resp *Response, key string) error {
	e := &DecodeError{StatusCode: resp.StatusCode, Err: fmt.Errorf("no %q object in the body", key), Response: resp}
	if req := resp.Request; req != nil {
		e.Method, e.Path = req.Method, req.URL.Path
	}
	return e
}

// RequestError is a request that got no HTTP response: a network failure
// or an ended context.
type RequestError struct {
	Method, Path string
	Attempts     int
	// NotSent is true when the request certainly never reached the server
	// (a dial, DNS or TLS handshake failure), or reached it and was refused
	// before any processing (an HTTP/2 REFUSED_STREAM), and the transport
	// did not write it more than once.
	NotSent bool
	// OutcomeUnknown is true when the request is a write that may have
	// reached the server (see Error.OutcomeUnknown).
	OutcomeUnknown bool
	Err            error

	ctxEnded   bool // Err is the caller's context ending: never retried
	notApplied bool // the server answered that it did not act (only 307s and 308s before a refused redirect)
}

func (e *RequestError) Error() string {
	msg := fmt.Sprintf("digitalocean: %s %s: %s", e.Method, e.Path, causeText(e.Err))
	if e.Attempts > 1 {
		msg += fmt.Sprintf(" after %d attempts", e.Attempts)
	}
	if e.OutcomeUnknown {
		msg += "; outcome unknown: the request may have reached the server"
	}
	return msg
}

func (e *RequestError) Unwrap() error { return e.Err }

// Is matches ErrOutcomeUnknown when OutcomeUnknown is set.
func (e *RequestError) Is(target error) bool { return target == ErrOutcomeUnknown && e.OutcomeUnknown }

// RetryAbortedError is returned when the client stopped retrying because
// waiting longer would pass the context deadline or the context ended.
type RetryAbortedError struct {
	Attempts int
	Wait     time.Duration
	Reason   string
	Err      error // the last attempt's error

	ctxErr error // the context's error when it ended the wait
}

func (e *RetryAbortedError) Error() string {
	return fmt.Sprintf("%v; gave up retrying: %s (next wait %s)", e.Err, e.Reason, e.Wait)
}

// Unwrap gives the last attempt's error and, when the context ended the
// wait, the context's error, so errors.Is(err, context.Canceled) holds.
func (e *RetryAbortedError) Unwrap() []error {
	if e.ctxErr == nil {
		return []error{e.Err}
	}
	return []error{e.Err, e.ctxErr}
}

// ArgumentError is an invalid argument, reported before any request is sent.
type ArgumentError struct {
	Name   string
	Reason string
}

func (e *ArgumentError) Error() string {
	return fmt.Sprintf("digitalocean: invalid argument %s: %s", e.Name, e.Reason)
}

// Is matches ErrInvalidArgument.
func (e *ArgumentError) Is(target error) bool { return target == ErrInvalidArgument }

// TokenError is a failure of the token source.
type TokenError struct{ Err error }

func (e *TokenError) Error() string { return "digitalocean: token source: " + e.Err.Error() }
func (e *TokenError) Unwrap() error { return e.Err }

func requireID(name, v string) error {
	if strings.TrimSpace(v) == "" {
		return &ArgumentError{Name: name, Reason: "must not be empty"}
	}
	// Escaped as %2E, "." and ".." still become path segments that proxies
	// and servers normalise away (GET /v2/apps/.. reaches /v2/apps).
	if v == "." || v == ".." {
		return &ArgumentError{Name: name, Reason: quote(v) + " is not an ID: it would name a different path"}
	}
	return nil
}

func requirePositive(name string, v int) error {
	if v < 1 {
		return &ArgumentError{Name: name, Reason: fmt.Sprintf("must be at least 1, got %d", v)}
	}
	return nil
}

// notSent decides RequestError.NotSent. ct is non-nil for requests that
// traced whether they got a connection: nothing is written before that, so
// an error after it never counts as not sent, whatever its type (a TLS
// record error read after the request was written, say). Without a trace a
// TLS record error is ambiguous and does not count either.
func notSent(err error, ct *connTrace) bool {
	if ct != nil && ct.rewritten.Load() {
		// The transport wrote the request more than once: an earlier copy
		// may have been applied, whatever became of the last (a
		// REFUSED_STREAM after replays).
		return false
	}
	if refusedStream(err) {
		// Refused by the server before any processing: as good as never
		// sent, whatever the trace says.
		return true
	}
	if ct != nil {
		if ct.gotConn.Load() {
			return false
		}
		return neverReachedServer(err) || handshakeGarbage(err)
	}
	return neverReachedServer(err)
}

// handshakeGarbage reports bytes that were not TLS where a record was due:
// a tls.RecordHeaderError, or net/http's rewording of one that began with
// "HTTP/". Only the connection trace tells whether it came in the
// handshake or after the request.
func handshakeGarbage(err error) bool {
	var recordErr tls.RecordHeaderError
	return errors.As(err, &recordErr) || strings.Contains(err.Error(), "server gave HTTP response to HTTPS client")
}

// truncatedBodyError marks a 2xx body that ended mid-value, so that it
// matches io.ErrUnexpectedEOF like a body cut by the connection does.
type truncatedBodyError struct{ err error }

func (e *truncatedBodyError) Error() string        { return e.err.Error() + " (body truncated)" }
func (e *truncatedBodyError) Unwrap() error        { return e.err }
func (e *truncatedBodyError) Is(target error) bool { return target == io.ErrUnexpectedEOF }

// CrossHostRedirectError is an API request redirected to another host. The
// API never does that, so the client refuses: following would re-send a
// PUT body (an app spec with its secrets, say) to that host. Supply your own
// http.Client.CheckRedirect through WithHTTPClient to decide otherwise.
type CrossHostRedirectError struct {
	// From is the API host; To is the host the redirect pointed at.
	From, To string
	// StatusCode is the redirect's status, such as 307.
	StatusCode int
}

func (e *CrossHostRedirectError) Error() string {
	return fmt.Sprintf("digitalocean: refused a %d redirect from %s to another host, %s", e.StatusCode, e.From, e.To)
}

// scrubSecrets replaces every occurrence of the given tokens, and anything
// shaped like a DigitalOcean token, in a text that came from a server.
func scrubSecrets(s string, tokens ...string) string {
	for _, tok := range tokens {
		if tok != "" && strings.Contains(s, tok) {
			s = strings.ReplaceAll(s, tok, "REDACTED")
		}
	}
	for _, prefix := range []string{"dop_v1_", "doo_v1_", "dor_v1_"} {
		for {
			i := strings.Index(s, prefix)
			if i < 0 {
				break
			}
			end := i + len(prefix)
			for end < len(s) && isTokenByte(s[end]) {
				end++
			}
			s = s[:i] + "REDACTED" + s[end:]
		}
	}
	return s
}

func isTokenByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-'
}

// scrubURLError drops the URL (with its query) from a *url.Error, keeping
// the operation and cause; the caller already knows method and path.
func scrubURLError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}
