package digitalocean

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/oauth2"
)

func TestNewRequiresToken(t *testing.T) {
	cases := map[string][]Option{
		"no options":        nil,
		"empty token":       {WithToken("")},
		"blank token":       {WithToken("  \t")},
		"nil token source":  {WithTokenSource(nil)},
		"only base URL set": {WithBaseURL("https://example.com")},
	}
	for name, opts := range cases {
		t.Run(name, func(t *testing.T) {
			c, err := New(opts...)
			require.Nil(t, c)
			mustBeArgumentError(t, err, "token")
		})
	}
}

func TestNewRejectsInvalidBaseURL(t *testing.T) {
	for _, raw := range []string{
		"",
		"api.digitalocean.com",
		"ftp://api.digitalocean.com",
		"https://",
		"http://[::1",
		"https://user:secret@api.digitalocean.com",
		"https://api.digitalocean.com/?debug=1",
		"https://api.digitalocean.com/#frag",
		"/v2",
	} {
		t.Run(raw, func(t *testing.T) {
			c, err := New(WithToken(testToken), WithBaseURL(raw))
			require.Nil(t, c)
			mustBeArgumentError(t, err, "baseURL")
			assert.NotContains(t, err.Error(), "secret", "the error must not echo user info")
		})
	}
}

func TestNewRejectsNilHTTPClient(t *testing.T) {
	_, err := New(WithToken(testToken), WithHTTPClient(nil))
	mustBeArgumentError(t, err, "httpClient")
}

func TestBaseURLPathPrefixIsKept(t *testing.T) {
	for _, prefix := range []string{"/proxy/do", "/proxy/do/"} {
		t.Run(prefix, func(t *testing.T) {
			var log requestLog
			srv := httptest.NewServer(log.wrap(jsonHandler(200, `{"account":{"email":"a@b.c"}}`)))
			defer srv.Close()
			c, err := New(WithToken(testToken), WithBaseURL(srv.URL+prefix))
			require.NoError(t, err)
			assert.Equal(t, srv.URL+"/proxy/do/", c.BaseURL())

			_, _, err = c.Account.Get(context.Background())
			require.NoError(t, err)
			assert.Equal(t, "/proxy/do/v2/account", log.only(t).Path)
			assert.Equal(t, "Bearer "+testToken, log.only(t).Header.Get("Authorization"),
				"the token goes to the API host even behind a path prefix")
		})
	}
}

func TestDefaultBaseURL(t *testing.T) {
	c, err := New(WithToken(testToken))
	require.NoError(t, err)
	assert.Equal(t, "https://api.digitalocean.com/", c.BaseURL())
}

// countingTransport is caller middleware that must see every request.
type countingTransport struct {
	n    atomic.Int32
	next http.RoundTripper
}

func (c *countingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	c.n.Add(1)
	return c.next.RoundTrip(r)
}

func TestWithHTTPClientKeepsCallerTransportAndDoesNotMutateIt(t *testing.T) {
	var log requestLog
	srv := httptest.NewServer(log.wrap(jsonHandler(200, `{"account":{"email":"a@b.c"},"actions":[]}`)))
	defer srv.Close()

	counter := &countingTransport{next: http.DefaultTransport}
	jar := &nopJar{}
	checkRedirect := func(*http.Request, []*http.Request) error { return nil }
	hc := &http.Client{Transport: counter, Timeout: 42 * time.Second, Jar: jar, CheckRedirect: checkRedirect}

	c, err := New(WithToken(testToken), WithBaseURL(srv.URL), WithHTTPClient(hc))
	require.NoError(t, err)
	ctx := context.Background()
	_, _, err = c.Account.Get(ctx)
	require.NoError(t, err)
	_, _, err = c.Actions.List(ctx, nil)
	require.NoError(t, err)
	_, _, err = c.Account.Get(ctx)
	require.NoError(t, err)

	assert.EqualValues(t, 3, counter.n.Load(), "the caller's transport sees every request")
	assert.Equal(t, 3, log.count())
	for _, r := range log.all() {
		assert.Equal(t, "Bearer "+testToken, r.Header.Get("Authorization"))
	}

	// The caller's client is untouched: same transport, timeout, jar, policy.
	assert.Same(t, counter, hc.Transport)
	assert.Equal(t, 42*time.Second, hc.Timeout)
	assert.Same(t, jar, hc.Jar)
	assert.NotNil(t, hc.CheckRedirect)

	// Using hc directly still sends no token.
	resp, err := hc.Get(srv.URL + "/direct")
	require.NoError(t, err)
	resp.Body.Close()
	assert.Empty(t, log.all()[3].Header.Get("Authorization"))
}

type nopJar struct{}

func (*nopJar) SetCookies(*url.URL, []*http.Cookie) {}
func (*nopJar) Cookies(*url.URL) []*http.Cookie     { return nil }

func TestWithHTTPClientKeepsTimeout(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		stuck := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			<-r.Context().Done() // a server that never answers
		})
		hc := &http.Client{Transport: handlerTransport(stuck), Timeout: 7 * time.Second}
		c, err := New(WithToken(testToken), WithBaseURL(memBaseURL), WithHTTPClient(hc), WithRetry(RetryPolicy{}))
		require.NoError(t, err)

		start := time.Now()
		_, _, err = c.Account.Get(context.Background())
		require.Error(t, err)
		assert.Equal(t, 7*time.Second, time.Since(start), "the caller's Timeout ends the request")
		var netErr net.Error
		require.ErrorAs(t, err, &netErr)
		assert.True(t, netErr.Timeout())
		var reqErr *RequestError
		assert.ErrorAs(t, err, &reqErr)
	})
}

func TestWithHTTPClientKeepsCheckRedirect(t *testing.T) {
	var other requestLog
	elsewhere := httptest.NewServer(other.wrap(nil))
	defer elsewhere.Close()

	errNoRedirects := errors.New("redirects are not allowed here")
	var calls atomic.Int32
	hc := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error {
		calls.Add(1)
		return errNoRedirects
	}}
	c, _ := newTestClient(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, elsewhere.URL+"/v2/account", http.StatusTemporaryRedirect)
	}), WithHTTPClient(hc))

	_, _, err := c.Account.Get(context.Background())
	require.ErrorIs(t, err, errNoRedirects)
	assert.EqualValues(t, 1, calls.Load())
	assert.Equal(t, 0, other.count(), "the redirect was not followed")
}

func TestUserAgent(t *testing.T) {
	t.Run("default", func(t *testing.T) {
		var log requestLog
		c, _ := newTestClient(t, log.wrap(nil))
		_, _, _ = c.Account.Get(context.Background())
		assert.Equal(t, "oceankit-digitalocean-go/"+Version, log.only(t).Header.Get("User-Agent"))
	})
	t.Run("WithUserAgent prepends", func(t *testing.T) {
		var log requestLog
		c, _ := newTestClient(t, log.wrap(nil), WithUserAgent("my-tool/1.2"))
		_, _, _ = c.Account.Get(context.Background())
		assert.Equal(t, "my-tool/1.2 oceankit-digitalocean-go/"+Version, log.only(t).Header.Get("User-Agent"))
	})
}

func TestRequestHeaders(t *testing.T) {
	var log requestLog
	c, _ := newTestClient(t, log.wrap(jsonHandler(200, `{"account":{}}`)))
	_, _, err := c.Account.Get(context.Background())
	require.NoError(t, err)
	got := log.only(t)
	assert.Equal(t, "Bearer "+testToken, got.Header.Get("Authorization"))
	assert.Equal(t, "application/json", got.Header.Get("Accept"))
	assert.Empty(t, got.Header.Get("Content-Type"), "a GET has no body")
}

// listenOn starts an httptest server on addr ("127.0.0.2:0", say).
func listenOn(t *testing.T, addr string, h http.Handler) *httptest.Server {
	t.Helper()
	l, err := net.Listen("tcp", addr)
	require.NoError(t, err)
	srv := httptest.NewUnstartedServer(h)
	srv.Listener.Close()
	srv.Listener = l
	srv.Start()
	t.Cleanup(srv.Close)
	return srv
}

// With a redirect policy of the user's own, a redirect to another host is
// followed, without the token. (By default it is refused: see
// TestFaultSocketRedirectToAnotherHostIsRefused.)
func TestRedirectToAnotherHostCarriesNoToken(t *testing.T) {
	follow := WithHTTPClient(&http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return nil }})
	for name, addr := range map[string]string{
		"same IP, other port": "127.0.0.1:0",
		"other loopback IP":   "127.0.0.2:0",
	} {
		t.Run(name, func(t *testing.T) {
			var other requestLog
			elsewhere := listenOn(t, addr, other.wrap(jsonHandler(200, `{"account":{"email":"moved@example.com"}}`)))
			var api requestLog
			c, srv := newTestClient(t, api.wrap(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				http.Redirect(w, r, elsewhere.URL+"/v2/account", http.StatusTemporaryRedirect)
			})), follow)
			require.NotEqual(t, srv.Listener.Addr().String(), elsewhere.Listener.Addr().String())

			acct, resp, err := c.Account.Get(context.Background())
			require.NoError(t, err)
			assert.Equal(t, "moved@example.com", acct.Email)
			assert.Equal(t, "Bearer "+testToken, api.only(t).Header.Get("Authorization"))
			assert.Empty(t, other.only(t).Header.Get("Authorization"), "the token must not follow a redirect to another host")
			assert.Empty(t, resp.Request.Header.Get("Authorization"))
		})
	}
}

func TestRedirectWithinAPIHostKeepsToken(t *testing.T) {
	var log requestLog
	c, _ := newTestClient(t, log.wrap(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/v2/account" {
			http.Redirect(w, r, "/v2/account-moved", http.StatusTemporaryRedirect)
			return
		}
		writeJSON(w, 200, `{"account":{"email":"a@b.c"}}`)
	})))
	_, _, err := c.Account.Get(context.Background())
	require.NoError(t, err)
	reqs := log.all()
	require.Len(t, reqs, 2)
	assert.Equal(t, "/v2/account-moved", reqs[1].Path)
	assert.Equal(t, "Bearer "+testToken, reqs[1].Header.Get("Authorization"))
}

func TestReturnedRequestsCarryNoToken(t *testing.T) {
	c, _ := newTestClient(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/v2/account" {
			writeJSON(w, 200, `{"account":{"email":"a@b.c"}}`)
			return
		}
		writeJSON(w, 404, `{"id":"not_found","message":"gone"}`)
	}))
	_, resp, err := c.Account.Get(context.Background())
	require.NoError(t, err)
	require.NotNil(t, resp.Request)
	assert.Empty(t, resp.Request.Header.Get("Authorization"))

	_, resp, err = c.Actions.Get(context.Background(), 1)
	var apiErr *Error
	require.ErrorAs(t, err, &apiErr)
	require.NotNil(t, apiErr.Response)
	assert.Same(t, resp, apiErr.Response)
	assert.Empty(t, apiErr.Response.Request.Header.Get("Authorization"))
}

func TestTokenNeverInErrorStrings(t *testing.T) {
	var errs []error
	ctx := context.Background()
	// The server misbehaves in every way the client reports.
	c, srv := newTestClient(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/v2/account":
			writeJSON(w, 401, `{"id":"unauthorized","message":"Unable to authenticate you."}`)
		case "/v2/actions":
			writeJSON(w, 200, `{"actions":[{"id":`)
		case "/v2/actions/1":
			w.Header().Set("Content-Type", "text/html")
			w.WriteHeader(502)
			_, _ = w.Write([]byte("<html><body>Bad gateway</body></html>"))
		default:
			http.Redirect(w, r, "http://127.0.0.1:1/unreachable", http.StatusTemporaryRedirect)
		}
	}))
	_, _, err := c.Account.Get(ctx)
	errs = append(errs, err)
	_, _, err = c.Actions.List(ctx, nil)
	errs = append(errs, err)
	_, _, err = c.Actions.Get(ctx, 1)
	errs = append(errs, err)
	_, _, err = c.Actions.Get(ctx, 2) // redirect to a closed port
	errs = append(errs, err)
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	_, _, err = c.Actions.Get(cancelled, 3)
	errs = append(errs, err)

	srv.Close()
	_, _, err = c.Account.Get(ctx) // connection refused
	errs = append(errs, err)

	for i, err := range errs {
		require.Error(t, err, "case %d", i)
		assert.NotContains(t, err.Error(), testToken, "case %d", i)
		assert.NotContains(t, err.Error(), "Bearer", "case %d", i)
	}
}

type failingTokenSource struct{}

func (failingTokenSource) Token() (*oauth2.Token, error) {
	return nil, errors.New("refresh endpoint said no")
}

func TestFailingTokenSourceGivesTokenError(t *testing.T) {
	var log requestLog
	c, _ := newTestClient(t, log.wrap(nil), WithTokenSource(failingTokenSource{}))

	_, _, err := c.Account.Get(context.Background())
	var tokenErr *TokenError
	require.ErrorAs(t, err, &tokenErr)
	assert.Contains(t, err.Error(), "refresh endpoint said no")

	// A POST whose token could not be fetched was certainly not sent.
	_, _, err = c.OneClicks.InstallKubernetes(context.Background(),
		&InstallKubernetesRequest{ClusterUUID: "c1", AddonSlugs: []string{"loki"}})
	require.ErrorAs(t, err, &tokenErr)
	var reqErr *RequestError
	require.ErrorAs(t, err, &reqErr)
	assert.True(t, reqErr.NotSent)
	assert.False(t, reqErr.OutcomeUnknown)
	assert.NotContains(t, err.Error(), "outcome unknown")

	assert.Equal(t, 0, log.count(), "nothing reaches the server without a token")
}

func TestClientIsSafeForConcurrentUse(t *testing.T) {
	var log requestLog
	c, _ := newTestClient(t, log.wrap(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Ratelimit-Limit", "5000")
		w.Header().Set("Ratelimit-Remaining", "4000")
		w.Header().Set("Ratelimit-Reset", "1444931833")
		if r.URL.Path == "/v2/account" {
			writeJSON(w, 200, `{"account":{"email":"a@b.c"}}`)
			return
		}
		writeJSON(w, 200, `{"actions":[{"id":1,"status":"completed"}],"meta":{"total":1}}`)
	})))

	const goroutines = 64
	// A bound on a hang: a request stuck for good fails the test.
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var wg sync.WaitGroup
	errs := make(chan error, 2*goroutines)
	for range goroutines {
		wg.Go(func() {
			acct, _, err := c.Account.Get(ctx)
			if err == nil && acct.Email != "a@b.c" {
				err = errors.New("wrong account " + acct.Email)
			}
			errs <- err
			actions, resp, err := c.Actions.List(ctx, &ListOptions{PerPage: 5})
			if err == nil && (len(actions) != 1 || resp.Meta.Total != 1) {
				err = errors.New("wrong actions page")
			}
			errs <- err
			_ = c.Rate()
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	assert.Equal(t, 2*goroutines, log.count())
	assert.Equal(t, 5000, c.Rate().Limit)
	assert.Equal(t, 4000, c.Rate().Remaining)
}

func TestEscapePath(t *testing.T) {
	cases := map[string]string{
		"plain-id":    "plain-id",
		"a/b":         "a%2Fb",
		"a?b=c":       "a%3Fb=c",
		"100%":        "100%25",
		"with space":  "with%20space",
		"frag#x":      "frag%23x",
		"..":          "%2E%2E",
		".":           "%2E",
		"../../admin": "..%2F..%2Fadmin",
		"a;b":         "a%3Bb",
	}
	for id, want := range cases {
		assert.Equal(t, "v2/apps/"+want+"/deployments", escapePath("v2/apps/%s/deployments", id), "id %q", id)
	}
	assert.Equal(t, "v2/apps/a%2Fb/deployments/c%3Fd", escapePath("v2/apps/%s/deployments/%s", "a/b", "c?d"))
}

// resolve concatenates instead of calling url.Parse; for every path
// without dot segments it must build the very URL url.Parse builds.
func TestResolveMatchesURLParse(t *testing.T) {
	bases := []string{"https://api.digitalocean.com", "http://127.0.0.1:8080/proxy/do", "https://h.test/a%20b/", "https://h.test/p%2Fq/"}
	paths := []string{"v2/account", "v2/apps/" + url.PathEscape("a/b") + "/logs", escapePath("v2/apps/%s/deployments/%s", "x y", "50%"),
		escapePath("v2/apps/%s", "é?#;")}
	for _, b := range bases {
		c, err := New(WithToken(testToken), WithBaseURL(b))
		require.NoError(t, err)
		base, err := url.Parse(c.BaseURL())
		require.NoError(t, err)
		for _, p := range paths {
			got, err := c.resolve(p)
			require.NoError(t, err, "%s + %s", b, p)
			want, err := base.Parse(p)
			require.NoError(t, err)
			assert.Equal(t, want.String(), got.String(), "%s + %s", b, p)
			assert.Equal(t, want.Path, got.Path, "%s + %s", b, p)
			assert.Equal(t, want.EscapedPath(), got.EscapedPath(), "%s + %s", b, p)
		}
	}
	// The one intended difference: escaped dot segments stay put.
	c, err := New(WithToken(testToken), WithBaseURL("https://h.test/pre/"))
	require.NoError(t, err)
	got, err := c.resolve(escapePath("v2/apps/%s/logs", ".."))
	require.NoError(t, err)
	assert.Equal(t, "/pre/v2/apps/%2E%2E/logs", got.EscapedPath())
	assert.Equal(t, "https://h.test/pre/", c.BaseURL(), "resolving never changes the base URL")
}

func TestResolveRejectsPathsThatWouldMoveTheRequest(t *testing.T) {
	c, err := New(WithToken(testToken))
	require.NoError(t, err)
	for _, p := range []string{"/v2/account", "v2/apps?name=x", "v2/apps#frag", "v2/apps/%zz"} {
		_, err := c.resolve(p)
		assert.Error(t, err, p)
	}
}

func TestBuiltRequestsShareNoHeaderValues(t *testing.T) {
	c, err := New(WithToken(testToken), WithBaseURL("https://h.test:/"), WithUserAgent("tool/1"))
	require.NoError(t, err)
	u, err := c.resolve("v2/apps")
	require.NoError(t, err)
	get := &apiRequest{op: &operations[opAppsList], method: http.MethodGet, url: u}
	first, err := get.build(context.Background(), c.userAgent)
	require.NoError(t, err)
	second, err := get.build(context.Background(), c.userAgent)
	require.NoError(t, err)
	first.Header["Accept"][0] = "text/plain" // a careless middleware
	first.Header["User-Agent"][0] = "x"
	assert.Equal(t, "application/json", second.Header.Get("Accept"))
	assert.Equal(t, "tool/1 "+sdkUserAgent, second.Header.Get("User-Agent"))
	assert.Empty(t, second.Header.Get("Content-Type"), "no body, no Content-Type")
	assert.Equal(t, "h.test", second.Host, "an empty port is dropped, as http.NewRequest does")
	assert.Equal(t, "https://h.test:/v2/apps", second.URL.String())

	post := &apiRequest{op: &operations[opAppsCreate], method: http.MethodPost, url: u, body: []byte(`{}`)}
	req, err := post.build(context.Background(), c.userAgent)
	require.NoError(t, err)
	assert.Equal(t, "application/json", req.Header.Get("Content-Type"))
	assert.EqualValues(t, 2, req.ContentLength)
	assert.Nil(t, req.GetBody, "a POST body is never replayed by the transport (HTTP/2 retries, 307s)")
	assert.Equal(t, "application/json", second.Header.Get("Accept"), "Content-Type shares no array with Accept")

	put := &apiRequest{op: &operations[opAppsUpdate], method: http.MethodPut, url: u, body: []byte(`{}`)}
	req, err = put.build(context.Background(), c.userAgent)
	require.NoError(t, err)
	assert.Nil(t, req.GetBody, "an app update starts a deployment: its body is never replayed")

	assign := &apiRequest{op: &operations[opAppsAssignAlertDestinations], method: http.MethodPost, url: u, body: []byte(`{}`)}
	req, err = assign.build(context.Background(), c.userAgent)
	require.NoError(t, err)
	require.NotNil(t, req.GetBody, "a body that may be re-sent can be replayed on a same-host redirect")

	revert := &apiRequest{op: &operations[opAppsRevertRollback], method: http.MethodPost, url: u}
	req, err = revert.build(context.Background(), c.userAgent)
	require.NoError(t, err)
	assert.Nil(t, req.GetBody)
	require.NotNil(t, req.Body, "a bodiless write gets an empty body net/http cannot replay")
	assert.NotEqual(t, http.NoBody, req.Body)
	n, err := req.Body.Read(make([]byte, 1))
	assert.Equal(t, 0, n)
	assert.ErrorIs(t, err, io.EOF)
}

func TestEscapedIDsReachTheServerAsOneSegment(t *testing.T) {
	var log requestLog
	// A bare handler: a ServeMux would clean the path before we saw it.
	srv := httptest.NewServer(log.wrap(nil))
	defer srv.Close()
	c, err := New(WithToken(testToken), WithBaseURL(srv.URL+"/prefix"), WithRetry(RetryPolicy{}))
	require.NoError(t, err)

	cases := map[string]string{
		"a/b":        "/prefix/v2/apps/a%2Fb/logs",
		"a?b":        "/prefix/v2/apps/a%3Fb/logs",
		"50%":        "/prefix/v2/apps/50%25/logs",
		"with space": "/prefix/v2/apps/with%20space/logs",
		"..":         "/prefix/v2/apps/%2E%2E/logs",
		".":          "/prefix/v2/apps/%2E/logs",
	}
	for id, want := range cases {
		before := log.count()
		_, err := c.call(context.Background(), opAppsGetLogsActiveDeploymentAggregate, escapePath("v2/apps/%s/logs", id), nil, nil, nil)
		require.NoError(t, err, "id %q", id)
		reqs := log.all()
		require.Len(t, reqs, before+1)
		got := reqs[len(reqs)-1]
		assert.Equal(t, want, got.RequestURI, "id %q", id)
		assert.Empty(t, got.Query, "id %q must not add a query", id)
	}
}

func TestArgumentErrorsSendNothing(t *testing.T) {
	var log requestLog
	c, _ := newTestClient(t, log.wrap(nil))
	ctx := context.Background()
	checks := map[string]func() error{
		"action id 0":           func() error { _, _, err := c.Actions.Get(ctx, 0); return err },
		"action id -5":          func() error { _, _, err := c.Actions.Get(ctx, -5); return err },
		"wait action id 0":      func() error { _, err := c.Actions.Wait(ctx, 0, nil); return err },
		"1-click type":          func() error { _, _, err := c.OneClicks.List(ctx, "vm"); return err },
		"1-click type case":     func() error { _, _, err := c.OneClicks.List(ctx, "Droplet"); return err },
		"install nil":           func() error { _, _, err := c.OneClicks.InstallKubernetes(ctx, nil); return err },
		"install no cluster":    func() error { return install(c, "", "loki") },
		"install blank cluster": func() error { return install(c, "  ", "loki") },
		"install no addons":     func() error { return install(c, "c1") },
		"install empty slug":    func() error { return install(c, "c1", "loki", "") },
		"list per page 201":     func() error { _, _, err := c.Actions.List(ctx, &ListOptions{PerPage: 201}); return err },
		"list per page -1":      func() error { _, _, err := c.Actions.List(ctx, &ListOptions{PerPage: -1}); return err },
		"list page -1":          func() error { _, _, err := c.Actions.List(ctx, &ListOptions{Page: -1}); return err },
	}
	for name, check := range checks {
		err := check()
		var argErr *ArgumentError
		assert.ErrorAs(t, err, &argErr, name)
		assert.ErrorIs(t, err, ErrInvalidArgument, name)
	}
	assert.Equal(t, 0, log.count(), "argument errors are reported before any request")
}

func install(c *Client, cluster string, slugs ...string) error {
	_, _, err := c.OneClicks.InstallKubernetes(context.Background(),
		&InstallKubernetesRequest{ClusterUUID: cluster, AddonSlugs: slugs})
	return err
}

func TestErrorsMentionNoTokenForBaseURLWithSpaces(t *testing.T) {
	_, err := New(WithToken(testToken), WithBaseURL("http://exa mple.com"))
	require.Error(t, err)
	assert.NotContains(t, err.Error(), testToken)
	assert.True(t, strings.HasPrefix(err.Error(), "digitalocean: "))
}

// A redirect loop on the API host stops where net/http's default policy
// does: after ten requests in all.
func TestSameHostRedirectLoopIsBounded(t *testing.T) {
	rt := &faultRT{reply: func(int, *http.Request) (*http.Response, error) {
		return faultResp(http.StatusFound, "", "Location", faultBaseURL+"/v2/account"), nil
	}}
	c, _ := faultClient(t, rt)
	_, err := faultGet(context.Background(), c)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "stopped after 10 redirects")
	assert.Len(t, rt.requests(), maxRedirects)
	assert.Equal(t, 10, maxRedirects)
}
