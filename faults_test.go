package digitalocean

// Fault-injection suite: every case states the exact number of requests
// the server received and the error the caller got. Cases whose outcome
// depends on time run inside testing/synctest bubbles against an in-memory
// transport, so no test sleeps for real.

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// faultToken is distinctive so that leak checks cannot match by accident.
const faultToken = "dop_v1_FAULT-SUITE-5b7d0e41"

const faultBaseURL = "https://api.fault.test"

// faultSeen is one request as the fake server received it.
type faultSeen struct {
	method, host, path, auth string
	body                     []byte
	at                       time.Time
}

// faultRT is an in-memory http.RoundTripper: reply answers the n-th
// request (1-based) with a response or a transport error. It starts no
// goroutines, so it works inside synctest bubbles.
type faultRT struct {
	reply func(n int, req *http.Request) (*http.Response, error)

	mu   sync.Mutex
	seen []faultSeen
}

func (f *faultRT) RoundTrip(req *http.Request) (*http.Response, error) {
	var body []byte
	if req.Body != nil {
		body, _ = io.ReadAll(req.Body)
		_ = req.Body.Close()
	}
	f.mu.Lock()
	f.seen = append(f.seen, faultSeen{method: req.Method, host: req.URL.Host, path: req.URL.Path,
		auth: req.Header.Get("Authorization"), body: body, at: time.Now()})
	n := len(f.seen)
	f.mu.Unlock()
	resp, err := f.reply(n, req)
	if err != nil {
		return nil, err
	}
	resp.Request = req
	return resp, nil
}

func (f *faultRT) requests() []faultSeen {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]faultSeen(nil), f.seen...)
}

// faultResp builds a response; hdr is alternating names and values.
func faultResp(status int, body string, hdr ...string) *http.Response {
	h := http.Header{}
	for i := 0; i+1 < len(hdr); i += 2 {
		h.Set(hdr[i], hdr[i+1])
	}
	if body != "" && h.Get("Content-Type") == "" {
		h.Set("Content-Type", "application/json")
	}
	return &http.Response{
		Status:        fmt.Sprintf("%d %s", status, http.StatusText(status)),
		StatusCode:    status,
		Proto:         "HTTP/1.1",
		ProtoMajor:    1,
		ProtoMinor:    1,
		Header:        h,
		Body:          io.NopCloser(strings.NewReader(body)),
		ContentLength: int64(len(body)),
	}
}

const faultAccountJSON = `{"account":{"email":"ops@example.com","uuid":"u-1","status":"active","droplet_limit":25}}`

func faultOK(int, *http.Request) (*http.Response, error) {
	return faultResp(200, faultAccountJSON, "X-Request-Id", "req-ok"), nil
}

// faultInstallJSON is the 1-Click install response.
const faultInstallJSON = `{"message":"Successfully kicked off addon job."}`

// faultLog collects debug log output.
type faultLog struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *faultLog) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

func (l *faultLog) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

// faultClient returns a client on rt with the default retry policy and a
// debug logger writing to the returned log; opts come last and win.
func faultClient(t testing.TB, rt http.RoundTripper, opts ...Option) (*Client, *faultLog) {
	t.Helper()
	log := &faultLog{}
	base := []Option{
		WithToken(faultToken),
		WithBaseURL(faultBaseURL),
		WithHTTPClient(&http.Client{Transport: rt}),
		WithLogger(slog.New(slog.NewTextHandler(log, &slog.HandlerOptions{Level: slog.LevelDebug}))),
	}
	c, err := New(append(base, opts...)...)
	require.NoError(t, err)
	return c, log
}

// faultGet is an idempotent call: GET /v2/account.
func faultGet(ctx context.Context, c *Client) (*Response, error) {
	_, resp, err := c.Account.Get(ctx)
	return resp, err
}

// faultPost is a non-idempotent call: POST /v2/1-clicks/kubernetes.
func faultPost(ctx context.Context, c *Client) (*Response, error) {
	_, resp, err := c.OneClicks.InstallKubernetes(ctx, &InstallKubernetesRequest{AddonSlugs: []string{"monitoring", "kube-state-metrics"}, ClusterUUID: "c-42"})
	return resp, err
}

// faultNoLeak asserts that the token appears nowhere the caller can see.
func faultNoLeak(t *testing.T, resp *Response, err error, logs string) {
	t.Helper()
	var texts []string
	if err != nil {
		texts = append(texts, err.Error(), fmt.Sprintf("%+v", err), fmt.Sprintf("%#v", err))
		var apiErr *Error
		if errors.As(err, &apiErr) {
			texts = append(texts, fmt.Sprintf("%+v", *apiErr))
		}
	}
	if resp != nil {
		texts = append(texts, fmt.Sprintf("%+v", resp), fmt.Sprintf("%+v", *resp), fmt.Sprintf("%+v", *resp.Response))
		if resp.Request != nil {
			texts = append(texts, fmt.Sprintf("%+v", *resp.Request))
			assert.Empty(t, resp.Request.Header.Get("Authorization"), "Response.Request carries the Authorization header")
		}
	}
	texts = append(texts, logs)
	for _, s := range texts {
		require.NotContains(t, s, faultToken)
		require.NotContains(t, s, "FAULT-SUITE")
	}
}

// faultCase is one fault: what the server does and what the caller must get.
type faultCase struct {
	name    string
	opts    []Option
	timeout time.Duration // the call's context deadline; 0 for none
	reply   func(n int, req *http.Request) (*http.Response, error)
	call    func(context.Context, *Client) (*Response, error)
	// requests is the exact number the server must receive.
	requests int
	check    func(t *testing.T, resp *Response, err error, seen []faultSeen, took time.Duration)
}

func faultReset(op string) error {
	return &net.OpError{Op: op, Net: "tcp", Err: os.NewSyscallError(op, syscall.ECONNRESET)}
}

func faultRefused() error {
	return &net.OpError{Op: "dial", Net: "tcp", Err: os.NewSyscallError("connect", syscall.ECONNREFUSED)}
}

// faultErrReader yields data, then err.
type faultErrReader struct {
	data []byte
	err  error
}

func (r *faultErrReader) Read(p []byte) (int, error) {
	if len(r.data) == 0 {
		return 0, r.err
	}
	n := copy(p, r.data)
	r.data = r.data[n:]
	return n, nil
}

// faultCountingBody is a large body that counts what the client read.
type faultCountingBody struct {
	size, read int64
	closed     bool
}

func (b *faultCountingBody) Read(p []byte) (int, error) {
	if b.read >= b.size {
		return 0, io.EOF
	}
	n := int(min(int64(len(p)), b.size-b.read))
	for i := range p[:n] {
		p[i] = 'x'
	}
	b.read += int64(n)
	return n, nil
}

func (b *faultCountingBody) Close() error { b.closed = true; return nil }

func faultAPIError(t *testing.T, err error, status int) *Error {
	t.Helper()
	var apiErr *Error
	require.ErrorAs(t, err, &apiErr)
	require.Equal(t, status, apiErr.StatusCode)
	return apiErr
}

func faultRequestError(t *testing.T, err error) *RequestError {
	t.Helper()
	var reqErr *RequestError
	require.ErrorAs(t, err, &reqErr)
	return reqErr
}

func faultCases() []faultCase {
	bigBody := &faultCountingBody{size: 10 << 20}
	return []faultCase{
		{
			name: "429 with retry-after is retried after the wait",
			reply: func(n int, _ *http.Request) (*http.Response, error) {
				if n == 1 {
					return faultResp(429, `{"id":"too_many_requests","message":"API rate limit exceeded"}`, "Retry-After", "7"), nil
				}
				return faultOK(n, nil)
			},
			call:     faultGet,
			requests: 2,
			check: func(t *testing.T, _ *Response, err error, seen []faultSeen, _ time.Duration) {
				require.NoError(t, err)
				gap := seen[1].at.Sub(seen[0].at)
				assert.GreaterOrEqual(t, gap, 7*time.Second)
				assert.LessOrEqual(t, gap, 7*time.Second+time.Second, "jitter on a server wait is at most a tenth of it")
			},
		},
		{
			name: "429 with only ratelimit-reset waits until the reset",
			reply: func(n int, _ *http.Request) (*http.Response, error) {
				if n == 1 {
					reset := strconv.FormatInt(time.Now().Add(20*time.Second).Unix(), 10)
					return faultResp(429, `{"id":"too_many_requests","message":"API rate limit exceeded"}`,
						"Ratelimit-Limit", "5000", "Ratelimit-Remaining", "0", "Ratelimit-Reset", reset), nil
				}
				return faultOK(n, nil)
			},
			call:     faultGet,
			requests: 2,
			check: func(t *testing.T, _ *Response, err error, seen []faultSeen, _ time.Duration) {
				require.NoError(t, err)
				gap := seen[1].at.Sub(seen[0].at)
				assert.GreaterOrEqual(t, gap, 19*time.Second, "reset has one-second resolution")
				assert.LessOrEqual(t, gap, 23*time.Second)
			},
		},
		{
			name: "503 on GET then 200",
			reply: func(n int, _ *http.Request) (*http.Response, error) {
				if n == 1 {
					return faultResp(503, `{"id":"service_unavailable","message":"try later"}`), nil
				}
				return faultOK(n, nil)
			},
			call:     faultGet,
			requests: 2,
			check: func(t *testing.T, resp *Response, err error, _ []faultSeen, _ time.Duration) {
				require.NoError(t, err)
				assert.Equal(t, 2, resp.Attempts)
			},
		},
		{
			name: "503 on POST is not re-sent and the outcome is unknown",
			reply: func(int, *http.Request) (*http.Response, error) {
				return faultResp(503, `{"id":"service_unavailable","message":"try later","request_id":"req-503"}`), nil
			},
			call:     faultPost,
			requests: 1,
			check: func(t *testing.T, _ *Response, err error, _ []faultSeen, _ time.Duration) {
				apiErr := faultAPIError(t, err, 503)
				assert.True(t, apiErr.OutcomeUnknown)
				assert.Equal(t, "req-503", apiErr.RequestID)
				assert.Contains(t, err.Error(), "outcome unknown")
				assert.ErrorIs(t, err, ErrServerError)
			},
		},
		{
			name: "429 on POST is re-sent with the same body",
			reply: func(n int, _ *http.Request) (*http.Response, error) {
				if n == 1 {
					return faultResp(429, `{"id":"too_many_requests","message":"slow down"}`, "Retry-After", "1"), nil
				}
				return faultResp(200, faultInstallJSON), nil
			},
			call:     faultPost,
			requests: 2,
			check: func(t *testing.T, _ *Response, err error, seen []faultSeen, _ time.Duration) {
				require.NoError(t, err)
				assert.JSONEq(t, `{"addon_slugs":["monitoring","kube-state-metrics"],"cluster_uuid":"c-42"}`, string(seen[0].body))
				assert.Equal(t, seen[0].body, seen[1].body)
			},
		},
		{
			name: "connection reset before the response on GET is retried",
			reply: func(n int, _ *http.Request) (*http.Response, error) {
				if n == 1 {
					return nil, faultReset("read")
				}
				return faultOK(n, nil)
			},
			call:     faultGet,
			requests: 2,
			check: func(t *testing.T, _ *Response, err error, _ []faultSeen, _ time.Duration) {
				require.NoError(t, err)
			},
		},
		{
			name: "EOF before the response on GET is retried",
			reply: func(n int, _ *http.Request) (*http.Response, error) {
				if n < 3 {
					return nil, io.EOF
				}
				return faultOK(n, nil)
			},
			call:     faultGet,
			requests: 3,
			check: func(t *testing.T, resp *Response, err error, _ []faultSeen, _ time.Duration) {
				require.NoError(t, err)
				assert.Equal(t, 3, resp.Attempts)
			},
		},
		{
			name:     "connection reset on POST is not re-sent and the outcome is unknown",
			reply:    func(int, *http.Request) (*http.Response, error) { return nil, faultReset("read") },
			call:     faultPost,
			requests: 1,
			check: func(t *testing.T, _ *Response, err error, _ []faultSeen, _ time.Duration) {
				reqErr := faultRequestError(t, err)
				assert.True(t, reqErr.OutcomeUnknown)
				assert.False(t, reqErr.NotSent)
				assert.ErrorIs(t, err, syscall.ECONNRESET)
				assert.Contains(t, err.Error(), "outcome unknown")
			},
		},
		{
			name: "connection refused on POST is re-sent: it never reached the server",
			reply: func(n int, _ *http.Request) (*http.Response, error) {
				if n == 1 {
					return nil, faultRefused()
				}
				return faultResp(200, faultInstallJSON), nil
			},
			call:     faultPost,
			requests: 2, // attempts; only the second reached the fake server
			check: func(t *testing.T, _ *Response, err error, seen []faultSeen, _ time.Duration) {
				require.NoError(t, err)
				assert.Equal(t, seen[0].body, seen[1].body)
			},
		},
		{
			name:     "connection refused on every POST attempt reports every attempt",
			opts:     []Option{WithRetry(RetryPolicy{MaxAttempts: 3})},
			reply:    func(int, *http.Request) (*http.Response, error) { return nil, faultRefused() },
			call:     faultPost,
			requests: 3,
			check: func(t *testing.T, _ *Response, err error, _ []faultSeen, _ time.Duration) {
				reqErr := faultRequestError(t, err)
				assert.True(t, reqErr.NotSent)
				assert.False(t, reqErr.OutcomeUnknown)
				assert.Equal(t, 3, reqErr.Attempts)
				assert.Contains(t, err.Error(), "after 3 attempts")
				assert.ErrorIs(t, err, syscall.ECONNREFUSED)
			},
		},
		{
			name: "200 with a body cut mid-JSON is a DecodeError, not retried",
			reply: func(int, *http.Request) (*http.Response, error) {
				r := faultResp(200, "")
				r.Header.Set("Content-Type", "application/json")
				r.ContentLength = int64(len(faultAccountJSON))
				r.Body = io.NopCloser(&faultErrReader{data: []byte(faultAccountJSON[:30]), err: io.ErrUnexpectedEOF})
				return r, nil
			},
			call:     faultGet,
			requests: 1,
			check: func(t *testing.T, _ *Response, err error, _ []faultSeen, _ time.Duration) {
				var decErr *DecodeError
				require.ErrorAs(t, err, &decErr)
				assert.Equal(t, 200, decErr.StatusCode)
				assert.ErrorIs(t, err, io.ErrUnexpectedEOF)
			},
		},
		{
			name: "HTML 502 page is retried, then reported as text",
			reply: func(int, *http.Request) (*http.Response, error) {
				return faultResp(502, "<html><head><title>502 Bad Gateway</title></head>\n<body><center><h1>502 Bad Gateway</h1></center>\n<hr><center>cloudflare</center></body></html>",
					"Content-Type", "text/html", "X-Request-Id", "edge-9"), nil
			},
			call:     faultGet,
			requests: 5,
			check: func(t *testing.T, _ *Response, err error, _ []faultSeen, _ time.Duration) {
				apiErr := faultAPIError(t, err, 502)
				assert.Equal(t, 5, apiErr.Attempts)
				assert.Equal(t, "edge-9", apiErr.RequestID)
				assert.Contains(t, apiErr.Message, "502 Bad Gateway")
				assert.Contains(t, apiErr.Message, "cloudflare")
				assert.NotContains(t, err.Error(), "<")
				assert.NotContains(t, err.Error(), "\n")
				assert.Contains(t, err.Error(), "after 5 attempts")
			},
		},
		{
			name:  "204 with an empty body succeeds",
			reply: func(int, *http.Request) (*http.Response, error) { return faultResp(204, ""), nil },
			call: func(ctx context.Context, c *Client) (*Response, error) {
				return c.call(ctx, opAppsDelete, escapePath("v2/apps/%s", "a-1"), nil, nil, nil)
			},
			requests: 1,
			check: func(t *testing.T, resp *Response, err error, _ []faultSeen, _ time.Duration) {
				require.NoError(t, err)
				assert.Equal(t, 204, resp.StatusCode)
			},
		},
		{
			name:     "200 with invalid JSON is a DecodeError, not retried",
			reply:    func(int, *http.Request) (*http.Response, error) { return faultResp(200, `{"account": nope}`), nil },
			call:     faultGet,
			requests: 1,
			check: func(t *testing.T, resp *Response, err error, _ []faultSeen, _ time.Duration) {
				var decErr *DecodeError
				require.ErrorAs(t, err, &decErr)
				require.NotNil(t, resp)
				assert.Same(t, resp, decErr.Response)
			},
		},
		{
			name: "10 MiB error body is read only up to the caps",
			reply: func(int, *http.Request) (*http.Response, error) {
				r := faultResp(400, "", "Content-Type", "text/plain")
				r.Body, r.ContentLength = bigBody, bigBody.size
				return r, nil
			},
			call:     faultGet,
			requests: 1,
			check: func(t *testing.T, _ *Response, err error, _ []faultSeen, _ time.Duration) {
				apiErr := faultAPIError(t, err, 400)
				assert.LessOrEqual(t, bigBody.read, int64(maxErrorBody+maxDrainedBody))
				assert.True(t, bigBody.closed)
				assert.Less(t, len(apiErr.Error()), 400)
			},
		},
		{
			name:    "a server that never answers: the deadline ends the call on time",
			timeout: 5 * time.Second,
			reply: func(_ int, req *http.Request) (*http.Response, error) {
				<-req.Context().Done()
				return nil, req.Context().Err()
			},
			call:     faultGet,
			requests: 1,
			check: func(t *testing.T, _ *Response, err error, _ []faultSeen, took time.Duration) {
				faultRequestError(t, err)
				assert.ErrorIs(t, err, context.DeadlineExceeded)
				assert.Equal(t, 5*time.Second, took)
			},
		},
		{
			name:    "a POST timing out waiting for the response has an unknown outcome",
			timeout: 5 * time.Second,
			reply: func(_ int, req *http.Request) (*http.Response, error) {
				<-req.Context().Done()
				return nil, req.Context().Err()
			},
			call:     faultPost,
			requests: 1,
			check: func(t *testing.T, _ *Response, err error, _ []faultSeen, took time.Duration) {
				reqErr := faultRequestError(t, err)
				assert.True(t, reqErr.OutcomeUnknown)
				assert.ErrorIs(t, err, context.DeadlineExceeded)
				assert.Equal(t, 5*time.Second, took)
			},
		},
		{
			name:    "a retry-after past the deadline returns at once",
			timeout: 10 * time.Second,
			reply: func(int, *http.Request) (*http.Response, error) {
				return faultResp(429, `{"id":"too_many_requests","message":"slow down","request_id":"req-429"}`, "Retry-After", "60"), nil
			},
			call:     faultGet,
			requests: 1,
			check: func(t *testing.T, _ *Response, err error, _ []faultSeen, took time.Duration) {
				var abort *RetryAbortedError
				require.ErrorAs(t, err, &abort)
				assert.Equal(t, time.Duration(0), took)
				assert.Contains(t, err.Error(), "context deadline")
				apiErr := faultAPIError(t, err, 429)
				assert.Equal(t, "too_many_requests", apiErr.ID)
				assert.Equal(t, "req-429", apiErr.RequestID)
				assert.ErrorIs(t, err, ErrRateLimited)
			},
		},
		{
			name: "a retry-after beyond MaxWait gives up at once and says why",
			reply: func(int, *http.Request) (*http.Response, error) {
				return faultResp(429, `{"id":"too_many_requests","message":"hourly limit"}`, "Retry-After", "3600"), nil
			},
			call:     faultGet,
			requests: 1,
			check: func(t *testing.T, _ *Response, err error, _ []faultSeen, took time.Duration) {
				var abort *RetryAbortedError
				require.ErrorAs(t, err, &abort)
				assert.Equal(t, time.Duration(0), took)
				assert.Contains(t, err.Error(), "MaxWait")
				faultAPIError(t, err, 429)
			},
		},
		{
			name: "404 is final at once",
			reply: func(int, *http.Request) (*http.Response, error) {
				return faultResp(404, `{"id":"not_found","message":"The resource you were accessing could not be found."}`, "X-Request-Id", "req-404"), nil
			},
			call:     faultGet,
			requests: 1,
			check: func(t *testing.T, _ *Response, err error, _ []faultSeen, _ time.Duration) {
				apiErr := faultAPIError(t, err, 404)
				assert.Equal(t, "req-404", apiErr.RequestID)
				assert.ErrorIs(t, err, ErrNotFound)
				assert.False(t, apiErr.OutcomeUnknown)
			},
		},
		{
			name: "retries off: one 503 is final",
			opts: []Option{WithRetry(RetryPolicy{})},
			reply: func(int, *http.Request) (*http.Response, error) {
				return faultResp(503, `{"id":"service_unavailable","message":"down"}`), nil
			},
			call:     faultGet,
			requests: 1,
			check: func(t *testing.T, _ *Response, err error, _ []faultSeen, _ time.Duration) {
				assert.Equal(t, 1, faultAPIError(t, err, 503).Attempts)
			},
		},
	}
}

func TestFaults(t *testing.T) {
	for _, tc := range faultCases() {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				rt := &faultRT{reply: tc.reply}
				c, log := faultClient(t, rt, tc.opts...)
				ctx := context.Background()
				if tc.timeout > 0 {
					var cancel context.CancelFunc
					ctx, cancel = context.WithTimeout(ctx, tc.timeout)
					defer cancel()
				}
				start := time.Now()
				resp, err := tc.call(ctx, c)
				took := time.Since(start)
				seen := rt.requests()
				require.Len(t, seen, tc.requests, "requests the server received")
				for _, s := range seen {
					assert.Equal(t, "Bearer "+faultToken, s.auth, "the API host gets the token")
				}
				assert.Equal(t, tc.requests, strings.Count(log.String(), `msg="digitalocean request"`), "one debug line per attempt")
				tc.check(t, resp, err, seen, took)
				faultNoLeak(t, resp, err, log.String())
			})
		})
	}
}

func TestFaultPacingWaitsForRatelimitReset(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var reset time.Time
		rt := &faultRT{reply: func(n int, _ *http.Request) (*http.Response, error) {
			if n == 1 {
				reset = time.Now().Add(30 * time.Second).Truncate(time.Second)
				return faultResp(200, faultAccountJSON, "Ratelimit-Limit", "5000", "Ratelimit-Remaining", "0",
					"Ratelimit-Reset", strconv.FormatInt(reset.Unix(), 10)), nil
			}
			return faultResp(200, faultAccountJSON, "Ratelimit-Limit", "5000", "Ratelimit-Remaining", "4999",
				"Ratelimit-Reset", strconv.FormatInt(time.Now().Add(time.Hour).Unix(), 10)), nil
		}}
		c, log := faultClient(t, rt)
		ctx := context.Background()
		_, err := faultGet(ctx, c)
		require.NoError(t, err)
		assert.Equal(t, 0, c.Rate().Remaining)

		// A caller whose deadline comes before the reset is refused at once,
		// without a request.
		short, cancel := context.WithTimeout(ctx, 10*time.Second)
		start := time.Now()
		_, err = faultGet(short, c)
		cancel()
		var waitErr *RateLimitWaitError
		require.ErrorAs(t, err, &waitErr)
		assert.Equal(t, time.Duration(0), time.Since(start))
		assert.ErrorIs(t, err, ErrRateLimited)
		assert.ErrorIs(t, err, context.DeadlineExceeded)
		assert.True(t, waitErr.Until.Equal(reset))
		assert.Len(t, rt.requests(), 1)

		// Without a deadline the next request waits for the reset.
		_, err = faultGet(ctx, c)
		require.NoError(t, err)
		seen := rt.requests()
		require.Len(t, seen, 2)
		assert.False(t, seen[1].at.Before(reset), "second request sent at %v, before the reset %v", seen[1].at, reset)
		maxJitter := min(DefaultRetryPolicy().BaseDelay, 30*time.Second/10)
		assert.LessOrEqual(t, seen[1].at.Sub(reset), maxJitter, "and no later than needed, jitter included")
		assert.Contains(t, log.String(), `msg="digitalocean pacing"`)
		assert.Equal(t, 4999, c.Rate().Remaining)
	})
}

// A context that ends while pacing leaves the request unsent.
func TestFaultPacingCancelled(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		rt := &faultRT{reply: func(int, *http.Request) (*http.Response, error) {
			return faultResp(200, faultAccountJSON, "Ratelimit-Limit", "5000", "Ratelimit-Remaining", "0",
				"Ratelimit-Reset", strconv.FormatInt(time.Now().Add(time.Minute).Unix(), 10)), nil
		}}
		c, _ := faultClient(t, rt)
		_, err := faultGet(context.Background(), c)
		require.NoError(t, err)
		ctx, cancel := context.WithCancel(context.Background())
		go func() {
			time.Sleep(5 * time.Second)
			cancel()
		}()
		start := time.Now()
		_, err = faultGet(ctx, c)
		assert.Equal(t, 5*time.Second, time.Since(start))
		require.ErrorIs(t, err, context.Canceled)
		assert.ErrorIs(t, err, ErrRateLimited)
		assert.Contains(t, err.Error(), "context ended while waiting")
		assert.Len(t, rt.requests(), 1)
	})
}

// 64 goroutines share one client through a burst of 429s: the fake API
// admits 16 requests per second and answers the rest with retry-after: 1.
func TestFaultConcurrentBurstOf429s(t *testing.T) {
	const workers, perSecond = 64, 16
	synctest.Test(t, func(t *testing.T) {
		var mu sync.Mutex
		admitted := map[int64]int{} // second → requests admitted
		rt := &faultRT{reply: func(int, *http.Request) (*http.Response, error) {
			mu.Lock()
			defer mu.Unlock()
			sec := time.Now().Unix()
			if admitted[sec] >= perSecond {
				return faultResp(429, `{"id":"too_many_requests","message":"burst limit"}`, "Retry-After", "1"), nil
			}
			admitted[sec]++
			return faultOK(0, nil)
		}}
		c, log := faultClient(t, rt)
		errs := make([]error, workers)
		var wg sync.WaitGroup
		for i := range workers {
			wg.Go(func() {
				_, errs[i] = faultGet(context.Background(), c)
			})
		}
		wg.Wait()
		for i, err := range errs {
			require.NoError(t, err, "worker %d", i)
		}
		total := len(rt.requests())
		// Retrying independently, every rejected worker comes back each
		// second: 64+48+32+16 = 160 requests. Sharing the server's wait
		// holds back workers that have not yet drawn a 429, and a held
		// worker looks again when it wakes, so each later second sees its
		// 16 plus the one 429 that moves the wait on: 67 when the first
		// 429 lands before most workers start, 64+17+17+16 = 114 when all
		// 64 go at once. (Before workers looked again on waking, those
		// that had read the old wait all went and drew 429s: up to 129.)
		assert.LessOrEqual(t, total, 2*workers)
		assert.GreaterOrEqual(t, total, workers)
		mu.Lock()
		sum := 0
		for _, n := range admitted {
			sum += n
		}
		mu.Unlock()
		assert.Equal(t, workers, sum, "every worker succeeded exactly once")
		faultNoLeak(t, nil, nil, log.String())
	})
}

// The cases below need real sockets: they run outside synctest with
// backoff of at most a millisecond, so nothing meaningful sleeps.

var faultFastRetry = WithRetry(RetryPolicy{MaxAttempts: 5, BaseDelay: time.Millisecond, MaxDelay: time.Millisecond})

// faultServer counts requests and answers the n-th with handle.
type faultServer struct {
	*httptest.Server
	mu       sync.Mutex
	n        int
	bodies   [][]byte
	auths    []string
	newConns int
}

func newFaultServer(t *testing.T, handle func(n int, w http.ResponseWriter, r *http.Request)) *faultServer {
	t.Helper()
	fs := &faultServer{}
	fs.Server = httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		fs.mu.Lock()
		fs.n++
		n := fs.n
		fs.bodies = append(fs.bodies, body)
		fs.auths = append(fs.auths, r.Header.Get("Authorization"))
		fs.mu.Unlock()
		handle(n, w, r)
	}))
	fs.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			fs.mu.Lock()
			fs.newConns++
			fs.mu.Unlock()
		}
	}
	fs.Start()
	t.Cleanup(fs.Close)
	return fs
}

func (fs *faultServer) stats() (requests, conns int, auths []string, bodies [][]byte) {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	return fs.n, fs.newConns, append([]string(nil), fs.auths...), append([][]byte(nil), fs.bodies...)
}

func faultSocketClient(t *testing.T, baseURL string, opts ...Option) (*Client, *faultLog) {
	t.Helper()
	log := &faultLog{}
	base := []Option{WithToken(faultToken), WithBaseURL(baseURL), faultFastRetry,
		WithLogger(slog.New(slog.NewTextHandler(log, &slog.HandlerOptions{Level: slog.LevelDebug})))}
	c, err := New(append(base, opts...)...)
	require.NoError(t, err)
	t.Cleanup(c.http.CloseIdleConnections)
	return c, log
}

// faultRST aborts the connection with a TCP reset once the request has
// been read in full, as a crashing server or a proxy would.
func faultRST(t *testing.T, w http.ResponseWriter) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if !assert.NoError(t, err) {
		return
	}
	if tcp, ok := conn.(*net.TCPConn); ok {
		_ = tcp.SetLinger(0)
	}
	_ = conn.Close()
}

func TestFaultSocketResetOnGETIsRetried(t *testing.T) {
	srv := newFaultServer(t, func(n int, w http.ResponseWriter, _ *http.Request) {
		if n == 1 {
			faultRST(t, w)
			return
		}
		_, _ = io.WriteString(w, faultAccountJSON)
	})
	c, log := faultSocketClient(t, srv.URL)
	acct, resp, err := c.Account.Get(context.Background())
	require.NoError(t, err)
	assert.Equal(t, "ops@example.com", acct.Email)
	assert.Equal(t, 2, resp.Attempts)
	requests, _, _, _ := srv.stats()
	assert.Equal(t, 2, requests)
	faultNoLeak(t, resp, err, log.String())
}

func TestFaultSocketResetOnPOSTIsNotResent(t *testing.T) {
	srv := newFaultServer(t, func(_ int, w http.ResponseWriter, _ *http.Request) { faultRST(t, w) })
	c, log := faultSocketClient(t, srv.URL)
	resp, err := faultPost(context.Background(), c)
	reqErr := faultRequestError(t, err)
	assert.True(t, reqErr.OutcomeUnknown, "error: %v", err)
	assert.Contains(t, err.Error(), "outcome unknown")
	requests, _, _, bodies := srv.stats()
	assert.Equal(t, 1, requests, "a POST that may have been received is never sent twice")
	assert.JSONEq(t, `{"addon_slugs":["monitoring","kube-state-metrics"],"cluster_uuid":"c-42"}`, string(bodies[0]))
	faultNoLeak(t, resp, err, log.String())
}

// A 307 from the API to another host is refused by default, naming the
// target, and that host sees nothing: no token, and no POST or PUT body.
func TestFaultSocketRedirectToAnotherHostIsRefused(t *testing.T) {
	other := newFaultServer(t, func(_ int, w http.ResponseWriter, r *http.Request) {
		_, _ = io.WriteString(w, faultAccountJSON)
	})
	api := newFaultServer(t, func(_ int, w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, other.URL+r.URL.Path, http.StatusTemporaryRedirect)
	})
	c, log := faultSocketClient(t, api.URL)
	otherHost := strings.TrimPrefix(other.URL, "http://")

	for name, call := range map[string]func() (*Response, error){
		"GET": func() (*Response, error) { return faultGet(context.Background(), c) },
		"POST that may be re-sent": func() (*Response, error) {
			return c.call(context.Background(), opAppsAssignAlertDestinations, "v2/apps/a-1/alerts/a-2/destinations", nil, map[string]string{"secret": "s3cr3t"}, nil)
		},
		// net/http hands this 307 back unfollowed (the body is not
		// replayable); it is refused the same.
		"POST": func() (*Response, error) { return faultPost(context.Background(), c) },
	} {
		resp, err := call()
		var redirectErr *CrossHostRedirectError
		require.ErrorAs(t, err, &redirectErr, name)
		assert.Equal(t, otherHost, redirectErr.To, name)
		assert.Equal(t, http.StatusTemporaryRedirect, redirectErr.StatusCode, name)
		assert.Contains(t, err.Error(), otherHost, name)
		assert.Equal(t, 1, faultRequestError(t, err).Attempts, "%s: a refused redirect is not retried", name)
		faultNoLeak(t, resp, err, log.String())
		if name == "POST" {
			assert.NotErrorIs(t, err, ErrOutcomeUnknown, "a 307 says the request was not processed")
		}
	}

	apiRequests, _, apiAuths, _ := api.stats()
	otherRequests, _, _, _ := other.stats()
	assert.Equal(t, 3, apiRequests)
	assert.Equal(t, []string{"Bearer " + faultToken, "Bearer " + faultToken, "Bearer " + faultToken}, apiAuths)
	assert.Zero(t, otherRequests, "the other host sees no request, body or token")
}

// With the user's own redirect policy the redirect is followed, without
// the token; a POST body still never follows.
func TestFaultSocketRedirectToAnotherHostWithOwnPolicy(t *testing.T) {
	other := newFaultServer(t, func(_ int, w http.ResponseWriter, r *http.Request) {
		_, _ = io.WriteString(w, faultAccountJSON)
	})
	api := newFaultServer(t, func(_ int, w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, other.URL+r.URL.Path, http.StatusTemporaryRedirect)
	})
	c, log := faultSocketClient(t, api.URL,
		WithHTTPClient(&http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return nil }}))

	acct, resp, err := c.Account.Get(context.Background())
	require.NoError(t, err)
	assert.Equal(t, "ops@example.com", acct.Email)
	faultNoLeak(t, resp, err, log.String())
	// net/http hands the POST's 307 back without asking the policy: the
	// caller's policy decides nothing, and it stays a plain 307 *Error.
	resp, err = faultPost(context.Background(), c)
	faultAPIError(t, err, http.StatusTemporaryRedirect)
	assert.False(t, errors.As(err, new(*CrossHostRedirectError)), "refused only under the default policy")
	faultNoLeak(t, resp, err, log.String())

	otherRequests, _, otherAuths, otherBodies := other.stats()
	assert.Equal(t, 1, otherRequests, "only the GET was followed")
	assert.Equal(t, []string{""}, otherAuths, "the other host never sees the token")
	assert.Empty(t, otherBodies[0])
}

// Bodies are drained and closed, so sequential requests share one
// connection even through error responses.
func TestFaultSocketConnectionReuse(t *testing.T) {
	srv := newFaultServer(t, func(n int, w http.ResponseWriter, r *http.Request) {
		switch n {
		case 1, 6:
			_, _ = io.WriteString(w, faultAccountJSON+"\n\n")
		case 2:
			w.WriteHeader(http.StatusNotFound)
			_, _ = io.WriteString(w, `{"id":"not_found","message":"nope"}`)
		case 3:
			w.Header().Set("Content-Type", "text/html")
			w.WriteHeader(http.StatusUnprocessableEntity)
			_, _ = io.WriteString(w, "<html>"+strings.Repeat("x", 100<<10)+"</html>") // past maxErrorBody
		case 4:
			w.WriteHeader(http.StatusNoContent)
		case 5:
			w.WriteHeader(http.StatusServiceUnavailable)
			_, _ = io.WriteString(w, `{"id":"service_unavailable","message":"retry me"}`)
		}
	})
	c, _ := faultSocketClient(t, srv.URL)
	ctx := context.Background()
	_, err := faultGet(ctx, c)
	require.NoError(t, err)
	_, err = faultGet(ctx, c)
	faultAPIError(t, err, 404)
	_, err = faultGet(ctx, c)
	faultAPIError(t, err, 422)
	_, err = c.call(ctx, opAppsDelete, "v2/apps/a-1", nil, nil, nil)
	require.NoError(t, err)
	resp, err := faultGet(ctx, c) // 503, then 200 on retry
	require.NoError(t, err)
	assert.Equal(t, 2, resp.Attempts)

	requests, conns, _, _ := srv.stats()
	assert.Equal(t, 6, requests)
	assert.Equal(t, 1, conns, "every request reused the first connection")
}

func TestFaultSocketHugeErrorBody(t *testing.T) {
	chunk := bytes.Repeat([]byte("<p>overloaded</p>\n"), 1<<10)
	srv := newFaultServer(t, func(_ int, w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(http.StatusRequestEntityTooLarge)
		for written := 0; written < 10<<20; written += len(chunk) {
			if _, err := w.Write(chunk); err != nil {
				return // the client stopped reading: that is the point
			}
		}
	})
	c, log := faultSocketClient(t, srv.URL)
	resp, err := faultGet(context.Background(), c)
	apiErr := faultAPIError(t, err, http.StatusRequestEntityTooLarge)
	assert.Less(t, len(apiErr.Error()), 400)
	assert.Contains(t, apiErr.Message, "overloaded")
	requests, _, _, _ := srv.stats()
	assert.Equal(t, 1, requests)
	faultNoLeak(t, resp, err, log.String())
}
