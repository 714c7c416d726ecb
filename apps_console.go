package digitalocean

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/coder/websocket"
)

// DefaultConsoleKeepAlive is how often an idle Console sends an empty stdin
// message unless ConsoleOptions.KeepAlive says otherwise; doctl's interval.
const DefaultConsoleKeepAlive = 30 * time.Second

// ConsoleStatusDropped is ConsoleClosedError.Code when the connection ended
// without a close frame (websocket code 1006, abnormal closure).
const ConsoleStatusDropped = int(websocket.StatusAbnormalClosure)

const (
	// maxConsoleMessageBytes bounds one output message from the server.
	maxConsoleMessageBytes = 1 << 20
	// maxConsoleStdinBytes bounds the data of one stdin message; a longer
	// Write is split between runes. Even with every byte escaped, a message
	// stays under 32 KiB, a common websocket read limit.
	maxConsoleStdinBytes = 4 << 10
	// maxConsoleDimension is the largest terminal width or height: the
	// kernel's window size fields are 16 bits.
	maxConsoleDimension = 1<<16 - 1
)

// ErrConsoleClosed is returned by a Console's methods once it is closed:
// after Close, or after the server ended the session normally (then Read
// returns io.EOF).
var ErrConsoleClosed = errors.New("digitalocean: console closed")

// ErrConsoleProtocol is wrapped by the error of a server message that is
// not a JSON object; the console is closed.
var ErrConsoleProtocol = errors.New("digitalocean: console protocol error")

// ConsoleClosedError ends a console session that the server closed with a
// code other than 1000 (normal closure), or whose connection dropped.
type ConsoleClosedError struct {
	// Code is the websocket close code the server sent, or
	// ConsoleStatusDropped when the connection ended without one.
	Code int
	// Reason is the server's close reason, if any.
	Reason string
	// Err is the transport error of a dropped connection.
	Err error
}

func (e *ConsoleClosedError) Error() string {
	if e.Code == ConsoleStatusDropped {
		msg := "digitalocean: console connection dropped"
		if e.Err != nil {
			msg += ": " + e.Err.Error()
		}
		return msg
	}
	msg := fmt.Sprintf("digitalocean: console closed by the server with code %d", e.Code)
	if e.Reason != "" {
		msg += ": " + oneLine(e.Reason)
	}
	return msg
}

func (e *ConsoleClosedError) Unwrap() error { return e.Err }

// ConsoleOptions configures a console session. A nil *ConsoleOptions means
// no initial size and the default keep-alive.
type ConsoleOptions struct {
	// Width and Height are the terminal's initial size in columns and
	// rows, sent as the session's first message (see Console.Resize). Zero
	// sends no size: the server keeps its default.
	Width, Height int
	// KeepAlive is how often an empty stdin message is sent so that an idle
	// session is not closed by proxies: zero means DefaultConsoleKeepAlive,
	// a negative value sends none.
	KeepAlive time.Duration
}

func (o *ConsoleOptions) validate() error {
	if o == nil || (o.Width == 0 && o.Height == 0) {
		return nil
	}
	if err := checkConsoleSize("ConsoleOptions.Width", o.Width); err != nil {
		return err
	}
	return checkConsoleSize("ConsoleOptions.Height", o.Height)
}

func checkConsoleSize(name string, v int) error {
	if v < 1 || v > maxConsoleDimension {
		return &ArgumentError{Name: name, Reason: fmt.Sprintf("must be 1 to %d, got %d", maxConsoleDimension, v)}
	}
	return nil
}

// OpenConsole opens an interactive console in a running component
// instance: it asks GetExec for the console's URL and dials it (see
// DialConsole). exec selects the component, deployment and instance.
//
// ctx governs the whole session, not only the dial: when it ends, the
// console is closed. The caller must Close the console.
//
// API: https://docs.digitalocean.com/reference/api/digitalocean/#tag/Apps/operation/apps_get_exec_active_deployment
func (s *AppsService) OpenConsole(ctx context.Context, appID string, exec *ExecOptions, opts *ConsoleOptions) (*Console, *Response, error) {
	if err := opts.validate(); err != nil {
		return nil, nil, err
	}
	ex, resp, err := s.GetExec(ctx, appID, exec)
	if err != nil {
		return nil, resp, err
	}
	c, err := s.DialConsole(ctx, ex.URL, opts)
	return c, resp, err
}

// DialConsole opens the console at execURL, the URL of an AppExec from
// GetExec. ws and wss URLs are used as given; http and https mean ws and
// wss.
//
// The URL carries its own credential in its token query parameter: the
// API token is never sent to it, nor any header but User-Agent, and the
// URL's query never appears in an error. ctx governs the whole session:
// when it ends, the console is closed. The caller must Close the console.
func (s *AppsService) DialConsole(ctx context.Context, execURL string, opts *ConsoleOptions) (*Console, error) {
	if err := opts.validate(); err != nil {
		return nil, err
	}
	u, err := parseLogURL("execURL", execURL, "ws", "wss", "http", "https")
	if err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	// ctx may end only the dial here: the session's end is the console's
	// to handle, so that it can still send its close frame.
	dialCtx, cancelDial := context.WithCancel(context.WithoutCancel(ctx))
	stopDial := context.AfterFunc(ctx, cancelDial)
	cl := s.client.newConnLog(ctx, connKindConsole, u)
	conn, err := s.dialPresigned(ctx, dialCtx, u, s.logHTTPClient(false))
	stopDial()
	cl.dialed(err)
	if err != nil {
		cancelDial()
		return nil, err
	}
	conn.SetReadLimit(maxConsoleMessageBytes)
	c := &Console{
		conn:       conn,
		log:        cl,
		ctx:        ctx,
		cancelDial: cancelDial,
		stopped:    make(chan struct{}),
		ended:      make(chan struct{}),
		done:       make(chan struct{}),
	}
	if opts != nil && opts.Width > 0 {
		if err := c.Resize(ctx, opts.Width, opts.Height); err != nil {
			c.shutdown(err, websocket.StatusNormalClosure)
			close(c.done)
			return nil, err
		}
	}
	keepAlive := DefaultConsoleKeepAlive
	if opts != nil && opts.KeepAlive != 0 {
		keepAlive = opts.KeepAlive
	}
	go c.run(keepAlive)
	return c, nil
}

// Console is an open console session: an interactive shell in an App
// Platform component instance. Write sends keystrokes, Read returns the
// terminal's output, Resize reports the terminal's size; an io.Copy in
// each direction attaches a local terminal.
//
// Read, Write and Resize may be called concurrently with each other and
// with Close; concurrent Reads (or Writes) are serialised. A Console keeps
// the session alive by itself (ConsoleOptions.KeepAlive).
type Console struct {
	conn       *websocket.Conn
	log        *connLog // nil when the client logs no connections
	ctx        context.Context
	cancelDial context.CancelFunc

	readMu  sync.Mutex
	pending []byte // output of the last message not yet returned
	readErr error  // sticky: how the session ended, as Read reports it

	writeMu sync.Mutex
	partial []byte // an incomplete UTF-8 sequence ending the last Write

	closeOnce sync.Once
	stopped   chan struct{} // closed when this side ends the session
	endOnce   sync.Once
	ended     chan struct{} // closed when Read has seen the session end
	done      chan struct{} // closed when run has returned

	errMu    sync.Mutex
	localErr error // why this side ended the session
	endErr   error // how the server ended it, once Read saw it
}

// keepAliveMessage is the empty stdin message that keeps a session open.
var keepAliveMessage = []byte(`{"op":"stdin","data":""}`)

// run sends keep-alives and ends the session when ctx ends.
func (c *Console) run(keepAlive time.Duration) {
	defer close(c.done)
	var tick <-chan time.Time
	if keepAlive > 0 {
		t := time.NewTicker(keepAlive)
		defer t.Stop()
		tick = t.C
	}
	for {
		select {
		case <-c.stopped:
			return
		case <-c.ended:
			return // nothing left to keep alive
		case <-c.ctx.Done():
			c.shutdown(c.ctx.Err(), websocket.StatusNormalClosure)
			return
		case <-tick:
			if c.send(context.Background(), keepAliveMessage) != nil {
				return // Read reports why
			}
		}
	}
}

// Read reads terminal output: the data of the server's messages, in order.
// It returns io.EOF once the server has ended the session normally, a
// *ConsoleClosedError when it closed it otherwise or the connection
// dropped, ctx's error once the session's ctx has ended, ErrConsoleClosed
// after Close, and an error wrapping ErrConsoleProtocol for a message that
// is not a JSON object.
//
// Read must be called for the session to see the server's close.
func (c *Console) Read(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	c.readMu.Lock()
	defer c.readMu.Unlock()
	for len(c.pending) == 0 {
		if c.readErr != nil {
			return 0, c.readErr
		}
		// No ctx here: ending the session is run's and Close's job, which
		// send a close frame first; the Read then returns.
		_, msg, err := c.conn.Read(context.Background())
		if err != nil {
			c.readErr = c.sessionEnded(err)
			c.endOnce.Do(func() { close(c.ended) })
			return 0, c.readErr
		}
		c.log.received(len(msg))
		data, err := consoleOutput(msg)
		if err != nil {
			c.readErr = err
			c.shutdown(err, websocket.StatusUnsupportedData)
			return 0, err
		}
		c.pending = data
	}
	n := copy(p, c.pending)
	c.pending = c.pending[n:]
	return n, nil
}

// consoleOutput returns the data of an output message, {"data": "..."}.
// Other fields are ignored, as doctl does; a message without data has
// none.
func consoleOutput(msg []byte) ([]byte, error) {
	var out struct {
		Data string `json:"data"`
	}
	if err := json.Unmarshal(msg, &out); err != nil {
		return nil, fmt.Errorf("%w: a %d-byte message is not a JSON object with string data", ErrConsoleProtocol, len(msg))
	}
	return []byte(out.Data), nil
}

// sessionEnded turns the error that ended a Read into what Read reports,
// and remembers it for Write.
func (c *Console) sessionEnded(err error) error {
	c.errMu.Lock()
	defer c.errMu.Unlock()
	if c.localErr != nil {
		return c.localErr
	}
	c.log.endedBy(err) // the server's end, not one this side started
	var ce websocket.CloseError
	switch {
	case errors.As(err, &ce) && ce.Code == websocket.StatusNormalClosure:
		c.endErr = io.EOF
	case errors.As(err, &ce):
		c.endErr = &ConsoleClosedError{Code: int(ce.Code), Reason: ce.Reason}
	default:
		c.endErr = &ConsoleClosedError{Code: ConsoleStatusDropped, Err: scrubURLError(err)}
	}
	return c.endErr
}

// writeError turns a failed send into what Write and Resize report.
func (c *Console) writeError(err error) error {
	c.errMu.Lock()
	defer c.errMu.Unlock()
	switch {
	case c.localErr != nil:
		return c.localErr
	case c.endErr == io.EOF:
		return ErrConsoleClosed
	case c.endErr != nil:
		return c.endErr
	case errors.Is(err, net.ErrClosed):
		// Closed by the server while no Read was running to see how.
		return ErrConsoleClosed
	}
	return &ConsoleClosedError{Code: ConsoleStatusDropped, Err: scrubURLError(err)}
}

// Write sends p as terminal input, such as keystrokes ("\r" for Enter,
// "\x03" for Ctrl-C). Characters are never split between messages: a
// Write that ends inside a UTF-8 sequence keeps its last bytes until the
// next Write completes it, so copying a terminal read byte by byte sends
// whole characters. Bytes that are not UTF-8 arrive as U+FFFD, as the
// protocol's JSON strings hold only Unicode.
func (c *Console) Write(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	c.writeMu.Lock()
	defer c.writeMu.Unlock()
	buf, held := p, len(c.partial)
	if held > 0 {
		buf = append(c.partial, p...)
	}
	complete := len(buf) - incompleteRuneSuffix(buf)
	for off := 0; off < complete; {
		end := runeBoundary(buf, min(off+maxConsoleStdinBytes, complete))
		msg, _ := json.Marshal(consoleStdin{Op: "stdin", Data: string(buf[off:end])})
		if err := c.send(context.Background(), msg); err != nil {
			c.partial = c.partial[:0]
			return max(off-held, 0), err
		}
		off = end
	}
	c.partial = append(c.partial[:0], buf[complete:]...)
	return len(p), nil
}

type consoleStdin struct {
	Op   string `json:"op"`
	Data string `json:"data"`
}

// incompleteRuneSuffix is the length of an unfinished UTF-8 sequence at the
// end of b: a start byte of a multi-byte character not yet followed by all
// its continuation bytes.
func incompleteRuneSuffix(b []byte) int {
	for i := len(b) - 1; i >= 0 && i >= len(b)-utf8.UTFMax+1; i-- {
		if utf8.RuneStart(b[i]) {
			if b[i] >= 0xC2 && b[i] <= 0xF4 && !utf8.FullRune(b[i:]) {
				return len(b) - i
			}
			return 0
		}
	}
	return 0
}

// runeBoundary moves end back to the start of the character it falls in.
func runeBoundary(b []byte, end int) int {
	for i := end; i > end-utf8.UTFMax && i > 0; i-- {
		if i == len(b) || utf8.RuneStart(b[i]) {
			return i
		}
	}
	return end
}

// Resize tells the server the terminal's size in columns and rows; send it
// whenever the local terminal changes size. If ctx ends while the message
// is being written, the console is closed: a partly written message cannot
// be taken back.
func (c *Console) Resize(ctx context.Context, width, height int) error {
	if err := checkConsoleSize("width", width); err != nil {
		return err
	}
	if err := checkConsoleSize("height", height); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err // nothing sent; an ended ctx would close the connection
	}
	msg := fmt.Appendf(nil, `{"op":"resize","width":%d,"height":%d}`, width, height)
	if err := c.send(ctx, msg); err != nil {
		if ctx.Err() != nil {
			c.shutdown(ctx.Err(), websocket.StatusNormalClosure)
			return ctx.Err()
		}
		return err
	}
	return nil
}

// send writes one text message.
func (c *Console) send(ctx context.Context, msg []byte) error {
	select {
	case <-c.stopped:
		return c.writeError(net.ErrClosed)
	default:
	}
	if err := c.conn.Write(ctx, websocket.MessageText, msg); err != nil {
		return c.writeError(err)
	}
	c.log.sent(len(msg))
	return nil
}

// Close ends the session with a normal closure (code 1000), as doctl does,
// waiting up to 5 seconds for the server's reply. Later calls of any
// method return ErrConsoleClosed.
func (c *Console) Close() error {
	err := c.shutdown(ErrConsoleClosed, websocket.StatusNormalClosure)
	<-c.done
	return err
}

// shutdown ends the session once, remembering why for Read and Write. The
// close handshake waits for the server's reply (at most 5 s, websocket's
// bound).
func (c *Console) shutdown(reason error, code websocket.StatusCode) error {
	first := false
	c.closeOnce.Do(func() {
		first = true
		c.errMu.Lock()
		c.localErr = reason
		c.errMu.Unlock()
		close(c.stopped)
	})
	if !first {
		return nil
	}
	defer c.cancelDial()
	alreadyEnded := false
	select {
	case <-c.ended:
		alreadyEnded = true
	default:
	}
	err := c.conn.Close(code, "")
	c.log.closedBy(reason) // unless the server's end was logged first
	if alreadyEnded {
		// Read has seen the server close or the connection drop: closing
		// only frees what is left, and its error says nothing new.
		return nil
	}
	if err == nil || errors.Is(err, net.ErrClosed) || websocket.CloseStatus(err) != -1 {
		return nil // closed already, or the server answered with its own code
	}
	return fmt.Errorf("digitalocean: closing the console: %w", scrubURLError(err))
}
