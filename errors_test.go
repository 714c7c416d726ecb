package digitalocean

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestAPIErrorFromJSONBody(t *testing.T) {
	c, _ := newTestClient(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Request-Id", "header-id")
		writeJSON(w, 404, `{"id":"not_found","message":"The resource you were accessing could not be found.","request_id":"4d9d8375-3c56"}`)
	}))
	_, resp, err := c.Actions.Get(context.Background(), 36804636)

	var apiErr *Error
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, 404, apiErr.StatusCode)
	assert.Equal(t, "not_found", apiErr.ID)
	assert.Equal(t, "The resource you were accessing could not be found.", apiErr.Message)
	assert.Equal(t, "4d9d8375-3c56", apiErr.RequestID, "the body's request_id wins over the header")
	assert.Equal(t, http.MethodGet, apiErr.Method)
	assert.Equal(t, "/v2/actions/36804636", apiErr.Path)
	assert.Equal(t, 1, apiErr.Attempts)
	require.NotNil(t, resp)
	assert.Same(t, resp, apiErr.Response)
	assert.Equal(t, "header-id", resp.RequestID)
	assert.ErrorIs(t, err, ErrNotFound)

	msg := err.Error()
	assert.NotContains(t, msg, "\n")
	for _, part := range []string{"GET", "/v2/actions/36804636", "404", "not_found", "could not be found", "4d9d8375-3c56"} {
		assert.Contains(t, msg, part)
	}
}

func TestAPIErrorRequestIDFallsBackToHeader(t *testing.T) {
	c, _ := newTestClient(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Request-Id", "from-header-123")
		writeJSON(w, 401, `{"id":"unauthorized","message":"Unable to authenticate you."}`)
	}))
	_, _, err := c.Account.Get(context.Background())
	var apiErr *Error
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, "from-header-123", apiErr.RequestID)
	assert.Contains(t, err.Error(), "from-header-123")
}

func TestAPIErrorRequestIDFromBodyWithoutMessage(t *testing.T) {
	c, _ := newTestClient(t, jsonHandler(500, `{"request_id":"only-the-id"}`))
	_, _, err := c.Account.Get(context.Background())
	var apiErr *Error
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, "only-the-id", apiErr.RequestID)
	assert.True(t, strings.HasPrefix(apiErr.Message, "Internal Server Error"), apiErr.Message)
}

func TestAPIErrorSentinels(t *testing.T) {
	sentinels := []error{ErrNotFound, ErrUnauthorized, ErrForbidden, ErrConflict, ErrUnprocessable, ErrRateLimited, ErrServerError}
	cases := map[int]error{
		400: nil,
		401: ErrUnauthorized,
		403: ErrForbidden,
		404: ErrNotFound,
		409: ErrConflict,
		422: ErrUnprocessable,
		429: ErrRateLimited,
		500: ErrServerError,
		502: ErrServerError,
		503: ErrServerError,
		504: ErrServerError,
		599: ErrServerError,
	}
	for status, want := range cases {
		c, _ := newTestClient(t, jsonHandler(status, `{"id":"x","message":"y"}`))
		_, _, err := c.Account.Get(context.Background())
		var apiErr *Error
		require.ErrorAs(t, err, &apiErr, "status %d", status)
		assert.Equal(t, status, apiErr.StatusCode)
		for _, s := range sentinels {
			assert.Equal(t, s == want, errors.Is(err, s), "status %d, errors.Is(%v)", status, s)
		}
		assert.False(t, errors.Is(err, ErrInvalidArgument))
	}
}

func TestErrorIsOneLine(t *testing.T) {
	e := &Error{Method: "GET", Path: "/v2/account", StatusCode: 400, ID: "bad\nrequest",
		Message: "first line\nsecond line\r\n\tthird", RequestID: "r\n1"}
	assert.Equal(t, "digitalocean: GET /v2/account: 400 bad request: first line second line third (request r 1)", e.Error())
	assert.Equal(t, "first line\nsecond line\r\n\tthird", e.Message, "the field itself is kept as sent")
}

func TestErrorStringMentionsAttemptsAndUnknownOutcome(t *testing.T) {
	e := &Error{Method: "POST", Path: "/v2/1-clicks/kubernetes", StatusCode: 503, Message: "Service Unavailable", Attempts: 3, OutcomeUnknown: true}
	msg := e.Error()
	assert.Contains(t, msg, "after 3 attempts")
	assert.Contains(t, msg, "outcome unknown")
}

const nginxBadGateway = `<html>
<head><title>502 Bad Gateway</title>
<style>body { width: 35em; margin: 0 auto; font-family: Tahoma, Verdana, Arial, sans-serif; }</style>
<script type="text/javascript">window.__cf = {"ray": "abc"}; (function(){ var x = 1; })();</script>
</head>
<body>
<center><h1>502 Bad Gateway</h1></center>
<hr><center>nginx</center>
</body>
</html>`

func TestAPIErrorFromHTMLPage(t *testing.T) {
	c, _ := newTestClient(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(502)
		_, _ = io.WriteString(w, nginxBadGateway)
	}))
	_, _, err := c.Account.Get(context.Background())
	var apiErr *Error
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, "Bad Gateway: 502 Bad Gateway 502 Bad Gateway nginx", apiErr.Message)
	assert.Empty(t, apiErr.ID)
	assert.ErrorIs(t, err, ErrServerError)
	assert.NotContains(t, err.Error(), "<")
	assert.NotContains(t, err.Error(), "\n")
}

func TestAPIErrorExcerptIsCapped(t *testing.T) {
	page := "<html><body><p>" + strings.Repeat("Something went wrong ünïcode. ", 100) + "</p></body></html>"
	c, _ := newTestClient(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(503)
		_, _ = io.WriteString(w, page)
	}))
	_, _, err := c.Account.Get(context.Background())
	var apiErr *Error
	require.ErrorAs(t, err, &apiErr)
	assert.True(t, strings.HasPrefix(apiErr.Message, "Service Unavailable: Something went wrong"), apiErr.Message)
	assert.True(t, strings.HasSuffix(apiErr.Message, "…"), "a cut excerpt says so: %q", apiErr.Message)
	assert.LessOrEqual(t, len(apiErr.Message), 250)
	assert.True(t, utf8.ValidString(apiErr.Message), "the cut must not split a character")
}

func TestAPIErrorEmptyBodyUsesStatusText(t *testing.T) {
	c, _ := newTestClient(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusServiceUnavailable)
	}))
	_, _, err := c.Account.Get(context.Background())
	var apiErr *Error
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, "Service Unavailable", apiErr.Message)
	assert.Equal(t, "digitalocean: GET /v2/account: 503: Service Unavailable", err.Error())
}

func TestAPIErrorHugeBodyIsReadOnlyUpToCap(t *testing.T) {
	const huge = 10 << 20
	body := &countingReader{r: io.LimitReader(repeatReader('x'), huge)}
	transport := roundTripFunc(func(r *http.Request) (*http.Response, error) {
		return &http.Response{
			StatusCode: 500, Status: "500 Internal Server Error", Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
			Header: http.Header{"Content-Type": {"text/plain"}}, Body: body, ContentLength: huge, Request: r,
		}, nil
	})
	c, err := New(WithToken(testToken), WithBaseURL(memBaseURL), WithRetry(RetryPolicy{}),
		WithHTTPClient(&http.Client{Transport: transport}))
	require.NoError(t, err)

	_, _, err = c.Account.Get(context.Background())
	var apiErr *Error
	require.ErrorAs(t, err, &apiErr)
	assert.LessOrEqual(t, body.n, int64(maxErrorBody+maxDrainedBody), "bytes read of a 10 MiB error body")
	assert.Less(t, len(err.Error()), 300)
	assert.True(t, strings.HasPrefix(apiErr.Message, "Internal Server Error: xxx"))
}

// repeatReader yields b forever.
type repeatReader byte

func (r repeatReader) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = byte(r)
	}
	return len(p), nil
}

func TestMalformed2xxBodyGivesDecodeError(t *testing.T) {
	cases := map[string]string{
		"truncated":    `{"account": {"email": "sammy@digital`,
		"wrong type":   `{"account": {"droplet_limit": "twenty-five"}}`,
		"not JSON":     `<html>OK</html>`,
		"empty":        ``,
		"null account": `{"account": null}`,
		"no account":   `{}`,
	}
	for name, body := range cases {
		t.Run(name, func(t *testing.T) {
			c, _ := newTestClient(t, jsonHandler(200, body))
			acct, resp, err := c.Account.Get(context.Background())
			assert.Nil(t, acct)
			var decErr *DecodeError
			require.ErrorAs(t, err, &decErr)
			assert.Equal(t, http.MethodGet, decErr.Method)
			assert.Equal(t, "/v2/account", decErr.Path)
			assert.Equal(t, 200, decErr.StatusCode)
			require.NotNil(t, resp)
			assert.Same(t, resp, decErr.Response)
			for _, part := range []string{"GET", "/v2/account", "200"} {
				assert.Contains(t, err.Error(), part)
			}
		})
	}
}

func TestDecodeErrorIsNotRetried(t *testing.T) {
	var log requestLog
	c, _ := newTestClient(t, log.wrap(jsonHandler(200, `{"actions": [`)), WithRetry(DefaultRetryPolicy()))
	_, _, err := c.Actions.List(context.Background(), nil)
	var decErr *DecodeError
	require.ErrorAs(t, err, &decErr)
	assert.Equal(t, 1, log.count(), "the response arrived; sending again would not help")
}

func TestLenientDateTimes(t *testing.T) {
	cases := map[string]time.Time{
		`"2020-11-14T16:29:21Z"`:                time.Date(2020, 11, 14, 16, 29, 21, 0, time.UTC),
		`"2020-11-14T16:29:21.123456Z"`:         time.Date(2020, 11, 14, 16, 29, 21, 123456000, time.UTC),
		`"2020-11-14T17:29:21+01:00"`:           time.Date(2020, 11, 14, 16, 29, 21, 0, time.UTC),
		`"2020-11-14T16:29:21.5-00:00"`:         time.Date(2020, 11, 14, 16, 29, 21, 500000000, time.UTC),
		`"0001-01-01T00:00:00"`:                 {},
		`"2021-03-04T05:06:07"`:                 time.Date(2021, 3, 4, 5, 6, 7, 0, time.UTC),
		`"2021-03-04T05:06:07.891"`:             time.Date(2021, 3, 4, 5, 6, 7, 891000000, time.UTC),
		`null`:                                  {},
		`""`:                                    {},
		`"2020-11-14T16:29:21.000000001Z"`:      time.Date(2020, 11, 14, 16, 29, 21, 1, time.UTC),
		`"2020-11-14T16:29:21.999999999Z"`:      time.Date(2020, 11, 14, 16, 29, 21, 999999999, time.UTC),
		`"2020-11-14T16:29:21.999999999+00:00"`: time.Date(2020, 11, 14, 16, 29, 21, 999999999, time.UTC),
	}
	for raw, want := range cases {
		var a Action
		require.NoError(t, unmarshalResponse([]byte(`{"id":1,"started_at":`+raw+`}`), &a), raw)
		assert.True(t, want.Equal(a.StartedAt), "%s: got %v, want %v", raw, a.StartedAt, want)
		assert.True(t, a.CompletedAt.IsZero())
	}
	for _, bad := range []string{`"yesterday"`, `"2020-13-01T00:00:00Z"`, `1605371361`, `true`} {
		var a Action
		assert.Error(t, unmarshalResponse([]byte(`{"started_at":`+bad+`}`), &a), bad)
	}
}

func TestLenientDateTimesEndToEnd(t *testing.T) {
	c, _ := newTestClient(t, jsonHandler(200,
		`{"action":{"id":7,"status":"in-progress","started_at":"0001-01-01T00:00:00","completed_at":null}}`))
	a, _, err := c.Actions.Get(context.Background(), 7)
	require.NoError(t, err)
	assert.True(t, a.StartedAt.IsZero())
	assert.True(t, a.CompletedAt.IsZero())

	c, _ = newTestClient(t, jsonHandler(200, `{"action":{"id":7,"started_at":"last tuesday"}}`))
	_, _, err = c.Actions.Get(context.Background(), 7)
	var decErr *DecodeError
	require.ErrorAs(t, err, &decErr)
	assert.Contains(t, err.Error(), "last tuesday")
}

func TestTruncateKeepsUTF8(t *testing.T) {
	assert.Equal(t, "abc", truncate("abc", 3))
	assert.Equal(t, "ab…", truncate("abcd", 2))
	for n := range 8 {
		got := truncate("ééééé", n)
		assert.True(t, utf8.ValidString(got), "truncate(_, %d) = %q", n, got)
		assert.LessOrEqual(t, len(strings.TrimSuffix(got, "…")), n)
	}
}

func TestBodyExcerpt(t *testing.T) {
	cases := map[string]string{
		"":                               "",
		"plain text":                     "plain text",
		"  lots \n\n of\t space  ":       "lots of space",
		"<p>a</p><p>b</p>":               "a b",
		"<SCRIPT>alert(1)</SCRIPT>after": "after",
		"<style>p{}</style>text":         "text",
		"before<script>never closed":     "before",
		"bad \xff\xfe bytes":             "bad bytes",
		"ctrl\x00\x07chars":              "ctrlchars",
	}
	for in, want := range cases {
		assert.Equal(t, want, bodyExcerpt([]byte(in), 200), "excerpt of %q", in)
	}
	assert.Equal(t, "0123456789", bodyExcerpt([]byte("0123456789"), 10), "exactly at the cap: nothing cut")
	assert.Equal(t, "0123456789…", bodyExcerpt([]byte("0123456789A"), 10))
}

func TestArgumentAndTokenErrors(t *testing.T) {
	err := error(&ArgumentError{Name: "action id", Reason: "must be at least 1, got 0"})
	assert.Equal(t, "digitalocean: invalid argument action id: must be at least 1, got 0", err.Error())
	assert.ErrorIs(t, err, ErrInvalidArgument)
	assert.NotErrorIs(t, err, ErrNotFound)

	cause := errors.New("boom")
	tokErr := error(&TokenError{Err: cause})
	assert.ErrorIs(t, tokErr, cause)
	assert.Equal(t, "digitalocean: token source: boom", tokErr.Error())

	mustBeArgumentError(t, requireID("app id", " "), "app id")
	assert.NoError(t, requireID("app id", "x"))
	mustBeArgumentError(t, requirePositive("n", 0), "n")
	assert.NoError(t, requirePositive("n", 1))
}
