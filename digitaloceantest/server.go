package digitaloceantest

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/oceankit/digitalocean"
)

// DefaultToken is the API token a Server accepts unless WithToken says
// otherwise. It has the shape of a personal access token.
const DefaultToken = "dop_v1_digitaloceantest0000000000000000000000000000000000000000000"

// DefaultPhaseDuration is how long a deployment stays in each phase unless
// WithPhaseDuration says otherwise.
const DefaultPhaseDuration = 30 * time.Second

// Server is a stateful in-memory fake of the DigitalOcean API (Account,
// Actions, 1-Click applications and App Platform). It serves the API on one
// host and pre-signed log URLs on another. All methods are safe for
// concurrent use.
type Server struct {
	cfg config

	api, logs *host
	routes    []route
	consoles  consoleHub
	// liveLogs counts the handlers of live log websockets.
	liveLogs sync.WaitGroup

	mu    sync.Mutex
	state *state
	// changed is closed and replaced whenever the state moves on, waking
	// live log streams.
	changed chan struct{}

	transport closingTransport

	closeOnce sync.Once
	closed    chan struct{}
}

// host is one of the fake's two HTTP hosts: an httptest.Server on loopback,
// or an in-memory listener (WithInMemoryNetwork).
type host struct {
	base   string // scheme://host, no trailing slash
	ts     *httptest.Server
	mem    *memListener
	server *http.Server
}

func (h *host) close() {
	if h.ts != nil {
		h.ts.CloseClientConnections()
		h.ts.Close()
		return
	}
	_ = h.server.Close()
}

// Option configures a Server.
type Option func(*config)

type config struct {
	token           string
	clock           Clock
	phaseDuration   time.Duration
	inMemory        bool
	http2           bool
	chunkedLiveLogs bool
	account         digitalocean.Account
	teamEmails      []string
	rateLimit       int
	seedActions     bool
}

// WithToken sets the bearer token the fake accepts (and Client sends).
func WithToken(token string) Option { return func(c *config) { c.token = token } }

// WithClock makes the fake read the time from clock. The default is a
// manual clock that starts at the creation time and moves only with
// Server.Advance. Server.Advance also moves an injected clock forward.
func WithClock(clock Clock) Option { return func(c *config) { c.clock = clock } }

// WithRealClock makes the fake's time follow the wall clock, so that
// deployments progress on their own; Server.Advance still jumps ahead.
// Use it with a short WithPhaseDuration for demos run outside tests.
func WithRealClock() Option { return func(c *config) { c.clock = realClock{} } }

// WithPhaseDuration sets how long a deployment (and an autoscaling event or
// job invocation) stays in each phase; the default is DefaultPhaseDuration.
func WithPhaseDuration(d time.Duration) Option {
	return func(c *config) {
		if d > 0 {
			c.phaseDuration = d
		}
	}
}

// WithInMemoryNetwork serves the fake over an in-memory network instead of
// loopback sockets. Only Client and HTTPClient can reach it (URL returns a
// name that does not resolve). Use it inside a testing/synctest bubble:
// every wait then blocks durably, so retries, rate-limit pauses and
// deployment waits run in fake time.
func WithInMemoryNetwork() Option { return func(c *config) { c.inMemory = true } }

// WithHTTP2 makes the API host speak HTTP/2 without TLS (h2c, prior
// knowledge) besides HTTP/1.1, and the fake's HTTPClient and Client use
// HTTP/2 to reach it, as clients of the live API (HTTPS, ALPN "h2") do.
// Faults then act on streams: Fault.ResetStream resets the request's
// stream, and so does DropConnection (HTTP/2 gives a handler no connection
// to drop). The log host stays HTTP/1.1: its live logs are websockets.
func WithHTTP2() Option { return func(c *config) { c.http2 = true } }

// WithChunkedLiveLogs makes the log host serve live log URLs as chunked
// HTTP, one line per chunk, answering websocket upgrades with a plain 200:
// the form live logs had before App Platform moved them to websockets
// (doctl v1.57.0). For tests of a client's fallback; the live API is
// understood to serve websockets only.
func WithChunkedLiveLogs() Option { return func(c *config) { c.chunkedLiveLogs = true } }

// WithAccount sets the account that GET /v2/account returns.
func WithAccount(a digitalocean.Account) Option { return func(c *config) { c.account = a } }

// WithTeamEmails adds email addresses that may receive app alerts besides
// the account's own: the API accepts only emails of users with access.
func WithTeamEmails(emails ...string) Option {
	return func(c *config) { c.teamEmails = append(c.teamEmails, emails...) }
}

// WithRateLimit sets the hourly request limit reported in the ratelimit-*
// headers (default 5000). Requests over it get 429 too_many_requests.
func WithRateLimit(perHour int) Option {
	return func(c *config) {
		if perHour > 0 {
			c.rateLimit = perHour
		}
	}
}

// WithoutSeedData starts with no actions: by default the fake holds the
// actions of the spec's examples.
func WithoutSeedData() Option { return func(c *config) { c.seedActions = false } }

// New starts a fake on loopback for the test t and closes it when the test
// ends. Use Client for an SDK client that talks to it.
func New(t testing.TB, opts ...Option) *Server {
	t.Helper()
	s := NewServer(opts...)
	t.Cleanup(s.Close)
	return s
}

// NewServer starts a fake outside a test, for example in a demo's main.
// Call Close when done.
func NewServer(opts ...Option) *Server {
	cfg := config{
		token:         DefaultToken,
		phaseDuration: DefaultPhaseDuration,
		rateLimit:     5000,
		seedActions:   true,
		account:       defaultAccount(),
	}
	for _, opt := range opts {
		opt(&cfg)
	}
	if cfg.clock == nil {
		cfg.clock = NewManualClock(time.Now().UTC().Truncate(time.Second))
	}
	s := &Server{cfg: cfg, changed: make(chan struct{}), closed: make(chan struct{})}
	s.state = newState(s)
	if cfg.inMemory {
		s.api = startMemHost("http://api.digitalocean.test", s.apiHandler(), cfg.http2)
		s.logs = startMemHost("http://logs.digitalocean.test", s.proxyHandler(), false)
	} else {
		s.api = startLoopbackHost(s.apiHandler(), cfg.http2)
		s.logs = startLoopbackHost(s.proxyHandler(), false)
	}
	s.transport = s.newTransport()
	return s
}

// serverProtocols are the protocols a host serves: HTTP/1.1, and with h2c
// HTTP/2 without TLS too.
func serverProtocols(h2c bool) *http.Protocols {
	p := new(http.Protocols)
	p.SetHTTP1(true)
	p.SetUnencryptedHTTP2(h2c)
	return p
}

func startLoopbackHost(h http.Handler, h2c bool) *host {
	ts := httptest.NewUnstartedServer(h)
	ts.Config.Protocols = serverProtocols(h2c)
	if h2c { // Fault.ResetCode
		ts.Listener = resetListener{ts.Listener}
		ts.Config.ConnContext = resetConnContext
	}
	ts.Start()
	return &host{base: ts.URL, ts: ts}
}

func startMemHost(base string, h http.Handler, h2c bool) *host {
	l := newMemListener(base)
	srv := &http.Server{Handler: h, ReadHeaderTimeout: time.Minute, Protocols: serverProtocols(h2c)}
	var served net.Listener = l
	if h2c { // Fault.ResetCode
		served = resetListener{l}
		srv.ConnContext = resetConnContext
	}
	go func() { _ = srv.Serve(served) }()
	return &host{base: base, mem: l, server: srv}
}

// Close stops both hosts and ends live log streams and consoles. It is
// idempotent.
func (s *Server) Close() {
	s.closeOnce.Do(func() {
		s.mu.Lock() // no live log handler starts after this
		close(s.closed)
		s.mu.Unlock()
		s.api.close()
		s.logs.close()
		s.consoles.shutdown()
		s.liveLogs.Wait()
		s.transport.CloseIdleConnections()
	})
}

// URL is the API's base URL, such as "http://127.0.0.1:40123" (no
// trailing slash); pass it to digitalocean.WithBaseURL.
func (s *Server) URL() string { return s.api.base }

// LogHostURL is the base URL of the second host, which serves the
// pre-signed live and archived log URLs.
func (s *Server) LogHostURL() string { return s.logs.base }

// Token is the bearer token the fake accepts.
func (s *Server) Token() string { return s.cfg.token }

// HTTPClient returns an http.Client that reaches both of the fake's hosts,
// also over the in-memory network. It adds no token.
func (s *Server) HTTPClient() *http.Client {
	return &http.Client{Transport: s.transport}
}

// closingTransport is a RoundTripper whose idle connections can be
// closed, as *http.Transport's.
type closingTransport interface {
	http.RoundTripper
	CloseIdleConnections()
}

func (s *Server) newTransport() closingTransport {
	h1 := s.newHTTPTransport()
	if !s.cfg.http2 {
		return h1
	}
	h2 := s.newHTTPTransport()
	h2.Protocols = new(http.Protocols)
	h2.Protocols.SetUnencryptedHTTP2(true)
	u, _ := url.Parse(s.api.base)
	return &apiHostTransport{apiHost: u.Host, api: h2, other: h1}
}

func (s *Server) newHTTPTransport() *http.Transport {
	if !s.cfg.inMemory {
		return &http.Transport{}
	}
	return &http.Transport{
		DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			for _, h := range []*host{s.api, s.logs} {
				if h.mem.addr.String() == addr {
					return h.mem.dial(ctx)
				}
			}
			return nil, fmt.Errorf("digitaloceantest: no in-memory host %s", addr)
		},
	}
}

// apiHostTransport sends requests for the API host over HTTP/2 (WithHTTP2)
// and the others, the log host's websockets among them, over HTTP/1.1.
type apiHostTransport struct {
	apiHost    string
	api, other *http.Transport
}

func (t *apiHostTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.URL.Host == t.apiHost {
		return t.api.RoundTrip(r)
	}
	return t.other.RoundTrip(r)
}

func (t *apiHostTransport) CloseIdleConnections() {
	t.api.CloseIdleConnections()
	t.other.CloseIdleConnections()
}

// Client returns an SDK client for the fake, with its token and base URL
// set. opts are applied after those, for example digitalocean.WithRetry.
// It panics if opts are invalid.
func (s *Server) Client(opts ...digitalocean.Option) *digitalocean.Client {
	all := append([]digitalocean.Option{
		digitalocean.WithToken(s.cfg.token),
		digitalocean.WithBaseURL(s.URL()),
		digitalocean.WithHTTPClient(s.HTTPClient()),
	}, opts...)
	c, err := digitalocean.New(all...)
	if err != nil {
		panic("digitaloceantest: " + err.Error())
	}
	return c
}

// notifyLocked wakes everything waiting for a state change. s.mu is held.
func (s *Server) notifyLocked() {
	close(s.changed)
	s.changed = make(chan struct{})
}
