package digitaloceantest

import (
	"context"
	"net"
	"sync"
)

// An http.Handler cannot choose the code of the RST_STREAM its HTTP/2
// server sends: a handler that aborts gets INTERNAL_ERROR. For
// Fault.ResetCode the API host's connections are wrapped in a resetConn,
// which rewrites the code of the next INTERNAL_ERROR reset the server
// writes on the connection after a handler asked for another one.

// HTTP/2 frame layout (RFC 9113, section 4.1) and the codes used here.
const (
	h2FrameHeaderLen = 9
	h2FrameRSTStream = 0x3
	h2CodeInternal   = 0x2
)

// resetListener wraps the connections a listener accepts in resetConns.
type resetListener struct{ net.Listener }

func (l resetListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return &resetConn{Conn: c}, nil
}

// resetConnKey is the context key of a request's resetConn (set by
// resetConnContext).
type resetConnKey struct{}

// resetConnContext is an http.Server's ConnContext: it makes a request's
// resetConn reachable from its handler.
func resetConnContext(ctx context.Context, c net.Conn) context.Context {
	if rc, ok := c.(*resetConn); ok {
		return context.WithValue(ctx, resetConnKey{}, rc)
	}
	return ctx
}

// resetConn follows the HTTP/2 frames the server writes and gives the
// INTERNAL_ERROR resets that handlers asked for (resetWith) their code.
// Two handlers of one connection that abort at once may swap codes; a
// fault sets one code for the requests it matches.
type resetConn struct {
	net.Conn

	mu    sync.Mutex
	codes []uint8 // the codes asked for, in order

	// The frame being written: its header so far, then how much of its
	// payload is still to come and the payload's offset of the next byte.
	hdr        [h2FrameHeaderLen]byte
	nhdr       int
	left, off  int
	reset      bool // the frame is an RST_STREAM and a code is asked for
	codeIsHigh bool // one of its code's three high bytes is not zero
}

// resetWith makes the next INTERNAL_ERROR RST_STREAM on the connection
// carry code instead.
func (c *resetConn) resetWith(code uint8) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.codes = append(c.codes, code)
}

// Write passes p on, with the code of a reset asked for rewritten (in a
// copy: a Writer must not modify p). Every code asked for is below 0x100,
// so only a code's last byte changes, which is never split across writes.
// An HTTP/1.1 connection is never asked for a code, so the frames its
// bytes are read as change nothing.
func (c *resetConn) Write(p []byte) (int, error) {
	c.mu.Lock()
	out := p
	for i := 0; i < len(p); {
		if c.nhdr < h2FrameHeaderLen {
			n := copy(c.hdr[c.nhdr:], p[i:])
			c.nhdr += n
			i += n
			if c.nhdr < h2FrameHeaderLen {
				break
			}
			c.left, c.off = int(c.hdr[0])<<16|int(c.hdr[1])<<8|int(c.hdr[2]), 0
			c.reset = c.hdr[3] == h2FrameRSTStream && c.left == 4 && len(c.codes) > 0
			c.codeIsHigh = false
		}
		n := min(c.left, len(p)-i)
		for k := 0; c.reset && k < n; k++ {
			switch b := p[i+k]; {
			case c.off+k < 3:
				c.codeIsHigh = c.codeIsHigh || b != 0
			case !c.codeIsHigh && b == h2CodeInternal:
				if len(out) > 0 && &out[0] == &p[0] {
					out = append([]byte(nil), p...)
				}
				out[i+k] = c.codes[0]
				c.codes = c.codes[1:]
			}
		}
		c.off += n
		c.left -= n
		i += n
		if c.left == 0 {
			c.nhdr = 0
		}
	}
	c.mu.Unlock()
	return c.Conn.Write(out)
}
