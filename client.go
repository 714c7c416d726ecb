package digitalocean

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"

	"golang.org/x/oauth2"
)

// Version is this SDK's version, sent in the User-Agent header.
const Version = "0.1.0"

// DefaultBaseURL is the DigitalOcean API endpoint.
const DefaultBaseURL = "https://api.digitalocean.com"

const sdkUserAgent = "oceankit-digitalocean-go/" + Version

// Client talks to the DigitalOcean API. It is safe for concurrent use by
// many goroutines; create one and share it.
type Client struct {
	// Account reads the current user's account.
	Account *AccountService
	// Actions lists, reads and waits on account actions.
	Actions *ActionsService
	// Apps manages App Platform apps.
	Apps *AppsService
	// OneClicks lists and installs 1-Click applications.
	OneClicks *OneClicksService

	baseURL   *url.URL // always ends in "/"
	http      *http.Client
	auth      *authTransport // hc's transport, which knows the tokens sent
	userAgent string
	logger    *slog.Logger
	retry     RetryPolicy

	maxResponseBody int64 // cap on a 2xx body (body_limit.go)

	// refuseCrossHost is true under the default redirect policy: it also
	// refuses the redirects net/http hands back unfollowed (redirect.go).
	refuseCrossHost bool

	rate    rateState // rate-limit state shared by all requests (ratelimit.go)
	limiter *limiter  // nil unless WithClientRateLimit (limiter.go)

	testHooks *clientTestHooks // nil outside tests
}

// clientTestHooks let tests watch a client; behind a pointer so that Client
// stays comparable.
type clientTestHooks struct {
	onCall func(opID) // sees the operation each call names
}

type service struct{ client *Client }

// Option configures a Client built by New.
type Option func(*config) error

type config struct {
	tokenSource  oauth2.TokenSource
	httpClient   *http.Client
	baseURL      string
	userAgent    string
	logger       *slog.Logger
	retry        *RetryPolicy
	clientLimits *clientLimits
	// maxResponseBody caps a 2xx body: DefaultMaxResponseBody unless
	// WithMaxResponseBody says otherwise.
	maxResponseBody int64
}

// WithToken authenticates with a personal access token or OAuth token.
//
// Surrounding white space (a trailing newline from a file or an environment
// variable) is trimmed; a token with other control characters or spaces
// inside is rejected here rather than failing every request later.
func WithToken(token string) Option {
	return func(c *config) error {
		token = strings.TrimSpace(token)
		if token == "" {
			return &ArgumentError{Name: "token", Reason: "must not be empty"}
		}
		if strings.IndexFunc(token, func(r rune) bool { return r <= ' ' || r == 0x7f }) >= 0 {
			return &ArgumentError{Name: "token", Reason: "must not contain spaces or control characters"}
		}
		c.tokenSource = oauth2.StaticTokenSource(&oauth2.Token{AccessToken: token})
		return nil
	}
}

// WithTokenSource authenticates with tokens from ts, for example a refreshing
// OAuth source. It is called before every request.
func WithTokenSource(ts oauth2.TokenSource) Option {
	return func(c *config) error {
		if ts == nil {
			return &ArgumentError{Name: "tokenSource", Reason: "must not be nil"}
		}
		c.tokenSource = ts
		return nil
	}
}

// WithHTTPClient sends requests through hc. Its transport, timeout, cookie
// jar and redirect policy are kept: the client wraps hc's transport to add
// authentication and never modifies hc itself. Without a CheckRedirect of
// hc's own, a redirect of an API request to another host is refused with a
// *CrossHostRedirectError; set one to follow such redirects.
func WithHTTPClient(hc *http.Client) Option {
	return func(c *config) error {
		if hc == nil {
			return &ArgumentError{Name: "httpClient", Reason: "must not be nil"}
		}
		c.httpClient = hc
		return nil
	}
}

// WithBaseURL points the client at another endpoint, such as a proxy or a
// fake API in tests. A path prefix ("https://proxy.example/do/") is kept for
// every request.
func WithBaseURL(rawURL string) Option {
	return func(c *config) error {
		c.baseURL = rawURL
		return nil
	}
}

// WithUserAgent names the calling product; it is prepended to the SDK's own
// User-Agent, as in "my-tool/1.2 oceankit-digitalocean-go/0.1.0".
func WithUserAgent(product string) Option {
	return func(c *config) error {
		c.userAgent = strings.TrimSpace(product)
		return nil
	}
}

// WithLogger logs every request attempt at debug level to l. Headers are
// logged only from an allow-list and the token never appears. Connections
// to log hosts and consoles are logged too, when they open and when they
// end, by host and path: never their URL's query, which is their
// credential, nor anything read or written on them.
func WithLogger(l *slog.Logger) Option {
	return func(c *config) error {
		c.logger = l
		return nil
	}
}

// New returns a Client configured by opts. A token (WithToken or
// WithTokenSource) is required.
func New(opts ...Option) (*Client, error) {
	cfg := config{baseURL: DefaultBaseURL, maxResponseBody: DefaultMaxResponseBody}
	for _, opt := range opts {
		if err := opt(&cfg); err != nil {
			return nil, err
		}
	}
	if cfg.tokenSource == nil {
		return nil, &ArgumentError{Name: "token", Reason: "missing: use WithToken or WithTokenSource"}
	}
	base, err := parseBaseURL(cfg.baseURL)
	if err != nil {
		return nil, err
	}

	hc := &http.Client{}
	if cfg.httpClient != nil {
		copied := *cfg.httpClient // keep the caller's timeout, jar and redirect policy
		hc = &copied
	}
	auth := &authTransport{
		base:   hc.Transport,
		source: cfg.tokenSource,
		scheme: base.Scheme,
		host:   base.Host,
	}
	hc.Transport = auth
	refuseCrossHost := hc.CheckRedirect == nil
	if refuseCrossHost {
		hc.CheckRedirect = sameHostRedirects(base)
	}

	c := &Client{
		baseURL:   base,
		http:      hc,
		auth:      auth,
		userAgent: sdkUserAgent,
		logger:    cfg.logger,
		retry:     DefaultRetryPolicy(),

		maxResponseBody: cfg.maxResponseBody,
		refuseCrossHost: refuseCrossHost,
	}
	if cfg.userAgent != "" {
		c.userAgent = cfg.userAgent + " " + sdkUserAgent
	}
	if cfg.retry != nil {
		c.retry = *cfg.retry
	}
	if cfg.clientLimits != nil {
		c.limiter = newLimiter(*cfg.clientLimits)
	}
	c.Account = &AccountService{client: c}
	c.Actions = &ActionsService{client: c}
	c.Apps = &AppsService{client: c}
	c.OneClicks = &OneClicksService{client: c}
	return c, nil
}

func parseBaseURL(raw string) (*url.URL, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, &ArgumentError{Name: "baseURL", Reason: fmt.Sprintf("not a URL: %v", errors.Unwrap(err))}
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, &ArgumentError{Name: "baseURL", Reason: "must be an absolute http or https URL"}
	}
	if u.User != nil || u.RawQuery != "" || u.Fragment != "" {
		return nil, &ArgumentError{Name: "baseURL", Reason: "must not carry user info, a query or a fragment"}
	}
	if !strings.HasSuffix(u.Path, "/") {
		u.Path += "/"
		if u.RawPath != "" {
			u.RawPath += "/"
		}
	}
	return u, nil
}

// BaseURL returns the endpoint the client sends requests to.
func (c *Client) BaseURL() string { return c.baseURL.String() }

// maxRedirects is net/http's default limit, kept by sameHostRedirects.
const maxRedirects = 10

// sameHostRedirects is the default redirect policy: a request that started
// at the API host (host and port) follows redirects on that host only; the
// token is dropped on a change of scheme (see authTransport). The API never
// redirects elsewhere, and following would re-send a PUT body to a host
// that has no business with it. Requests to other hosts (log URLs) follow
// redirects as net/http does.
func sameHostRedirects(base *url.URL) func(*http.Request, []*http.Request) error {
	apiHost := base.Host
	return func(req *http.Request, via []*http.Request) error {
		if len(via) >= maxRedirects {
			return fmt.Errorf("stopped after %d redirects", maxRedirects)
		}
		first := via[0]
		if !strings.EqualFold(first.URL.Host, apiHost) || strings.EqualFold(req.URL.Host, apiHost) {
			return nil
		}
		status := 0
		if req.Response != nil {
			status = req.Response.StatusCode
		}
		return &CrossHostRedirectError{From: first.URL.Host, To: req.URL.Host, StatusCode: status}
	}
}

// scrubTokens removes the tokens recently sent from an error a server
// wrote, in case it echoes the Authorization header back.
func (c *Client) scrubTokens(e *Error) {
	cur, prev := c.auth.recentTokens()
	e.ID = scrubSecrets(e.ID, cur, prev)
	if msg := scrubSecrets(e.Message, cur, prev); msg != e.Message {
		// Field was read from the message: read it again from what is left.
		e.Message, e.Field = msg, apiErrorField(msg)
	}
	e.RequestID = scrubSecrets(e.RequestID, cur, prev)
}

// authTransport adds the bearer token to requests for the API's own
// scheme and host only, so redirects and pre-signed URLs on other hosts
// never see it.
type authTransport struct {
	base   http.RoundTripper
	source oauth2.TokenSource
	scheme string
	host   string

	// header caches "Bearer <token>" for the token last seen, so a static
	// token costs no string building per request.
	header atomic.Pointer[bearerHeader]
}

// bearerHeader also remembers the token before, so that errors of requests
// still in flight when a refreshing source rotates it are scrubbed too.
type bearerHeader struct{ token, value, prev string }

func (t *authTransport) bearer(token string) string {
	old := t.header.Load()
	if old != nil && old.token == token {
		return old.value
	}
	h := &bearerHeader{token: token, value: "Bearer " + token}
	if old != nil {
		h.prev = old.token
	}
	t.header.Store(h)
	return h.value
}

// recentTokens returns the last token sent and the one before it.
func (t *authTransport) recentTokens() (cur, prev string) {
	if h := t.header.Load(); h != nil {
		return h.token, h.prev
	}
	return "", ""
}

func (t *authTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	rt := t.base
	if rt == nil {
		rt = http.DefaultTransport
	}
	if req.URL.Scheme != t.scheme || !strings.EqualFold(req.URL.Host, t.host) {
		out := req
		if req.Header.Get("Authorization") != "" {
			out = req.Clone(req.Context())
			out.Header.Del("Authorization")
		}
		resp, err := rt.RoundTrip(out)
		if resp != nil {
			resp.Request = req
		}
		return resp, err
	}
	tok, err := t.source.Token()
	if err != nil {
		// Typed so callers (and the retry loop) can tell it from a network
		// failure: nothing was sent.
		return nil, &TokenError{Err: err}
	}
	// A shallow copy with its own headers is enough: the base transport
	// only reads the request, and the caller's copy must stay token-free.
	// The values are shared, not copied: RoundTrippers must not modify them.
	authed := new(http.Request)
	*authed = *req
	authed.Header = make(http.Header, len(req.Header)+1)
	for k, v := range req.Header {
		authed.Header[k] = v
	}
	authed.Header["Authorization"] = []string{t.bearer(tok.AccessToken)}
	resp, err := rt.RoundTrip(authed)
	if resp != nil {
		resp.Request = req // callers never see the Authorization header
	}
	return resp, err
}
