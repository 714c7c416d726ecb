package digitaloceantest

import (
	"context"
	"errors"
	"net"
	"net/url"
	"sync"
)

// memListener is a net.Listener whose connections are in-memory pipes. Its
// blocking points are channel operations, so inside a testing/synctest
// bubble they block durably and fake time can advance.
type memListener struct {
	addr  memAddr
	conns chan net.Conn

	once sync.Once
	done chan struct{}
}

type memAddr string

func (a memAddr) Network() string { return "mem" }
func (a memAddr) String() string  { return string(a) }

func newMemListener(base string) *memListener {
	u, _ := url.Parse(base)
	host := u.Host
	if u.Port() == "" {
		host += ":80" // the transport dials host:port
	}
	return &memListener{addr: memAddr(host), conns: make(chan net.Conn), done: make(chan struct{})}
}

func (l *memListener) Accept() (net.Conn, error) {
	select {
	case c := <-l.conns:
		return c, nil
	case <-l.done:
		return nil, net.ErrClosed
	}
}

func (l *memListener) Close() error {
	l.once.Do(func() { close(l.done) })
	return nil
}

func (l *memListener) Addr() net.Addr { return l.addr }

// dial connects a new pipe to the listener.
func (l *memListener) dial(ctx context.Context) (net.Conn, error) {
	client, server := net.Pipe()
	select {
	case l.conns <- server:
		return client, nil
	case <-l.done:
		return nil, &net.OpError{Op: "dial", Net: "mem", Addr: l.addr, Err: errors.New("connection refused")}
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}
