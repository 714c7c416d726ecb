package digitalocean

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/url"
	"sync"
	"sync/atomic"
	"time"

	"github.com/coder/websocket"
)

// Connection kinds, the "kind" attribute of connection log records.
const (
	connKindLiveLog     = "log stream"
	connKindArchivedLog = "archived log"
	connKindConsole     = "console"
)

// How a connection ended, the "end" attribute of a disconnect record.
const (
	connEndServerClose = "server close" // a websocket close frame; close_code says which
	connEndEOF         = "eof"          // the whole HTTP body was read
	connEndDropped     = "dropped"      // gone without a close frame, or a body cut off
	connEndClient      = "client close" // the caller broke the loop, closed the body or the console
	connEndCanceled    = "canceled"     // the context ended
	connEndError       = "error"        // anything else; the error attribute says what
)

// connLog logs one connection the SDK opens outside the API (a live log,
// an archived log, a console) to the client's logger, at debug level as
// API requests are: a "digitalocean connect" record once it is open or
// has failed, and a "digitalocean disconnect" record when an open one
// ends. The URL's query is its credential (a signature, a token): records
// name the host and path only, and error texts are scrubbed of the query.
// Nothing read or written on the connection is logged, only counts.
//
// A nil *connLog, what newConnLog returns when no logger takes debug
// records, does nothing and costs nothing.
type connLog struct {
	logger   *slog.Logger
	ctx      context.Context // for the handler only; its end is also how the connection may end
	kind     string
	u        *url.URL
	start    time.Time
	protocol string    // "websocket" or "http", once open
	openedAt time.Time // set by opened, before any count or end is recorded

	lines, bytesIn, bytesOut, msgsIn, msgsOut atomic.Int64
	closeCode                                 atomic.Int64 // a websocket close code seen by a read, 0 before
	done                                      atomic.Bool  // the disconnect record is written, or the open failed

	// Set by the yield wrapper of a live log; read once the stream returns.
	firstErr error
	broke    bool
}

// newConnLog starts timing a connection of kind to u, or returns nil when
// nothing would be logged.
func (c *Client) newConnLog(ctx context.Context, kind string, u *url.URL) *connLog {
	if c.logger == nil || !c.logger.Enabled(ctx, slog.LevelDebug) {
		return nil
	}
	return &connLog{logger: c.logger, ctx: ctx, kind: kind, u: u, start: time.Now()}
}

// place is the attributes every record starts with: never the query.
func (l *connLog) place(attrs []slog.Attr) []slog.Attr {
	return append(attrs,
		slog.String("kind", l.kind),
		slog.String("host", l.u.Host),
		slog.String("path", l.u.Path),
	)
}

// errorText is err's text without the URL's query, a credential that a
// transport or a log host's error body may quote.
func (l *connLog) errorText(err error) string {
	return withoutQuery(err, l.u).Error()
}

// opened writes the connect record: the answer's status (0 when there was
// none), the time to connect, and err when the connection failed to open.
func (l *connLog) opened(protocol string, status int, err error) {
	if l == nil {
		return
	}
	l.protocol, l.openedAt = protocol, time.Now()
	attrs := l.place(make([]slog.Attr, 0, 7))
	attrs = append(attrs, slog.String("protocol", protocol))
	if status > 0 {
		attrs = append(attrs, slog.Int("status", status))
	}
	attrs = append(attrs, slog.Duration("duration", l.openedAt.Sub(l.start)))
	if err != nil {
		l.done.Store(true) // nothing was open: no disconnect record
		attrs = append(attrs, slog.String("error", l.errorText(err)))
	}
	l.logger.LogAttrs(l.ctx, slog.LevelDebug, "digitalocean connect", attrs...)
}

// dialed writes the connect record of a websocket dial by dialPresigned.
func (l *connLog) dialed(err error) {
	if l == nil {
		return
	}
	status := 0
	var apiErr *Error
	switch {
	case err == nil:
		status = 101 // Switching Protocols: the handshake succeeded
	case errors.As(err, &apiErr):
		status = apiErr.StatusCode
	}
	l.opened("websocket", status, err)
}

// ended writes the disconnect record, once: the later calls, and any call
// after a failed open, do nothing.
func (l *connLog) ended(end string, err error) {
	if l == nil || !l.done.CompareAndSwap(false, true) {
		return
	}
	attrs := l.place(make([]slog.Attr, 0, 12))
	attrs = append(attrs,
		slog.String("protocol", l.protocol),
		slog.Duration("duration", time.Since(l.openedAt)),
		slog.String("end", end),
	)
	if code := l.closeCode.Load(); end == connEndServerClose && code > 0 {
		attrs = append(attrs, slog.Int64("close_code", code))
	}
	switch l.kind {
	case connKindLiveLog:
		attrs = append(attrs, slog.Int64("lines", l.lines.Load()))
		if l.protocol == "http" {
			attrs = append(attrs, slog.Int64("bytes_received", l.bytesIn.Load()))
		}
	case connKindArchivedLog:
		attrs = append(attrs, slog.Int64("bytes_received", l.bytesIn.Load()))
	case connKindConsole:
		attrs = append(attrs,
			slog.Int64("messages_received", l.msgsIn.Load()),
			slog.Int64("bytes_received", l.bytesIn.Load()),
			slog.Int64("messages_sent", l.msgsOut.Load()),
			slog.Int64("bytes_sent", l.bytesOut.Load()),
		)
	}
	if err != nil && end != connEndEOF && end != connEndClient {
		attrs = append(attrs, slog.String("error", l.errorText(err)))
	}
	l.logger.LogAttrs(l.ctx, slog.LevelDebug, "digitalocean disconnect", attrs...)
}

// endedBy writes the disconnect record of a connection that err ended.
func (l *connLog) endedBy(err error) {
	if l == nil {
		return
	}
	var ce websocket.CloseError
	switch {
	case l.ctx.Err() != nil || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded):
		l.ended(connEndCanceled, err)
	case errors.As(err, &ce):
		l.closeCode.Store(int64(ce.Code))
		l.ended(connEndServerClose, err)
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		l.ended(connEndDropped, err)
	default:
		l.ended(connEndError, err)
	}
}

// closedBy writes the disconnect record of a console this side ended for
// reason: Close (ErrConsoleClosed), ctx, or a protocol error.
func (l *connLog) closedBy(reason error) {
	if errors.Is(reason, ErrConsoleClosed) {
		l.ended(connEndClient, nil)
		return
	}
	l.endedBy(reason)
}

// sawReadError keeps the close code of a websocket read that failed, for
// a normal close the stream does not report as an error.
func (l *connLog) sawReadError(err error) {
	if l == nil {
		return
	}
	var ce websocket.CloseError
	if errors.As(err, &ce) {
		l.closeCode.Store(int64(ce.Code))
	}
}

// received counts one message (or chunk) of n bytes read.
func (l *connLog) received(n int) {
	if l != nil {
		l.msgsIn.Add(1)
		l.bytesIn.Add(int64(n))
	}
}

// sent counts one message of n bytes written.
func (l *connLog) sent(n int) {
	if l != nil {
		l.msgsOut.Add(1)
		l.bytesOut.Add(int64(n))
	}
}

// countLines wraps a live log's yield to count the lines and see how the
// stream ended: its first error, or the caller breaking the loop.
func (l *connLog) countLines(yield func(LogLine, error) bool) func(LogLine, error) bool {
	if l == nil {
		return yield
	}
	return func(line LogLine, err error) bool {
		if err != nil && l.firstErr == nil {
			l.firstErr = err
		}
		if err == nil {
			l.lines.Add(1)
		}
		more := yield(line, err)
		l.broke = l.broke || (!more && err == nil)
		return more
	}
}

// streamEnded writes the disconnect record of a live log once StreamLogs
// has returned: an error it yielded says how it ended, otherwise the
// caller broke the loop or the server ended the log.
func (l *connLog) streamEnded() {
	switch {
	case l == nil:
	case l.firstErr != nil:
		l.endedBy(l.firstErr)
	case l.broke:
		l.ended(connEndClient, nil)
	case l.protocol == "http":
		l.ended(connEndEOF, nil)
	default:
		l.ended(connEndServerClose, nil)
	}
}

// body counts the bytes read from an HTTP body. With logClose, closing it
// writes the disconnect record (an archived log, whose reading is the
// caller's); a live log's records are streamEnded's.
func (l *connLog) body(rc io.ReadCloser, logClose bool) io.ReadCloser {
	if l == nil {
		return rc
	}
	return &loggedBody{ReadCloser: rc, log: l, logClose: logClose}
}

// loggedBody is an HTTP body whose reads are counted for a connLog.
type loggedBody struct {
	io.ReadCloser
	log      *connLog
	logClose bool

	mu      sync.Mutex // a body may be closed while a Read runs
	eof     bool
	readErr error
}

func (b *loggedBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	b.log.bytesIn.Add(int64(n))
	if err != nil {
		b.mu.Lock()
		if err == io.EOF {
			b.eof = true
		} else if b.readErr == nil {
			b.readErr = err
		}
		b.mu.Unlock()
	}
	return n, err
}

func (b *loggedBody) Close() error {
	err := b.ReadCloser.Close()
	if b.logClose {
		b.mu.Lock()
		eof, readErr := b.eof, b.readErr
		b.mu.Unlock()
		switch {
		case eof:
			b.log.ended(connEndEOF, nil)
		case readErr != nil:
			b.log.endedBy(readErr)
		default:
			b.log.ended(connEndClient, nil)
		}
	}
	return err
}
