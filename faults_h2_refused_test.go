package digitalocean

// HTTP/2 REFUSED_STREAM: the server closed the stream before any
// processing (RFC 9113, section 8.7), so the request was not applied and
// may be sent again, whatever the operation does.

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const h2RefusedStreamCode = 0x7

// fastNoRecovery is a context whose calls retry at once (these tests use
// real sockets, so real time) and never read back.
func fastNoRecovery() context.Context {
	return WithRetryPolicy(context.Background(), RetryPolicy{MaxAttempts: 3, BaseDelay: time.Millisecond, NoRecovery: true})
}

// A write that acts anew, refused unprocessed, is sent again and succeeds:
// one request was refused, one applied. net/http cannot rewind such a
// write's body (nor the empty one a bodiless write gets), so it reports
// the stream error as text inside its own error, which is what is
// recognised here.
func TestFaultH2RefusedStreamIsResent(t *testing.T) {
	for name, call := range map[string]func(context.Context, *Client) (*Response, error){
		"Update": func(ctx context.Context, c *Client) (*Response, error) {
			_, resp, err := c.Apps.Update(ctx, "app-1", &AppUpdateRequest{Spec: &AppSpec{Name: "web"}})
			return resp, err
		},
		"Create": func(ctx context.Context, c *Client) (*Response, error) {
			_, resp, err := c.Apps.Create(ctx, &AppCreateRequest{Spec: &AppSpec{Name: "web"}})
			return resp, err
		},
		"Restart": func(ctx context.Context, c *Client) (*Response, error) {
			_, resp, err := c.Apps.Restart(ctx, "app-1", nil)
			return resp, err
		},
		"InstallKubernetes": func(ctx context.Context, c *Client) (*Response, error) { return faultPost(ctx, c) },
	} {
		t.Run(name, func(t *testing.T) {
			srv := newH2ResetServer(t, `{"app":{"id":"app-1","spec":{"name":"web"}},"deployment":{"id":"dep-1"}}`)
			srv.code = h2RefusedStreamCode
			c, _ := faultSocketClient(t, srv.URL, WithHTTPClient(srv.Client()))
			resp, err := call(fastNoRecovery(), c)
			require.NoError(t, err, "refused unprocessed: safe to send again")
			assert.Equal(t, 2, resp.Attempts)
			assert.False(t, resp.Recovered)
			assert.Len(t, srv.requests(), 2, "refused once, then sent once more")
		})
	}
}

// Without retries the refusal is reported as not sent, and the outcome is
// known: nothing was applied.
func TestFaultH2RefusedStreamIsNotSent(t *testing.T) {
	srv := newH2ResetServer(t, `{}`)
	srv.code = h2RefusedStreamCode
	c, _ := faultSocketClient(t, srv.URL, WithHTTPClient(srv.Client()))
	once := WithRetryPolicy(context.Background(), RetryPolicy{NoRecovery: true}) // one attempt, no read back
	_, _, err := c.Apps.Update(once, "app-1", &AppUpdateRequest{Spec: &AppSpec{Name: "web"}})
	reqErr := faultRequestError(t, err)
	assert.True(t, reqErr.NotSent, "error: %v", err)
	assert.NotErrorIs(t, err, ErrOutcomeUnknown)
	assert.Contains(t, err.Error(), "REFUSED_STREAM")
	assert.Len(t, srv.requests(), 1)
}

// Any other reset code after the server read the request leaves a write
// that acts anew unknown, as before.
func TestFaultH2OtherResetCodesAreNotNotSent(t *testing.T) {
	for _, code := range []uint32{0x1, 0x2, 0x8} { // PROTOCOL_ERROR, INTERNAL_ERROR, CANCEL
		t.Run(fmt.Sprintf("%#x", code), func(t *testing.T) {
			srv := newH2ResetServer(t, `{}`)
			srv.code = code
			c, _ := faultSocketClient(t, srv.URL, WithHTTPClient(srv.Client()))
			_, _, err := c.Apps.Restart(fastNoRecovery(), "app-1", nil)
			reqErr := faultRequestError(t, err)
			assert.False(t, reqErr.NotSent)
			assert.ErrorIs(t, err, ErrOutcomeUnknown)
			assert.Len(t, srv.requests(), 1)
		})
	}
}

// net/http's own StreamError is found by errors.As through h2StreamError,
// on the error a real reset gives: the SDK does not need the type's name.
func TestH2StreamErrorIsFoundByErrorsAs(t *testing.T) {
	srv := newH2ResetServer(t, `{}`)
	srv.code = 0x2 // INTERNAL_ERROR: no transport replays it
	hc := srv.Client()
	req, err := http.NewRequest(http.MethodGet, srv.URL+"/v2/account", nil)
	require.NoError(t, err)
	resp, err := hc.Do(req)
	if resp != nil {
		resp.Body.Close()
	}
	require.Error(t, err)
	var streamErr h2StreamError
	require.True(t, errors.As(err, &streamErr), "%T %v", err, err)
	assert.Equal(t, uint32(0x2), streamErr.Code)
	assert.NotZero(t, streamErr.StreamID)
	assert.True(t, isStreamError(err))
	assert.False(t, refusedStream(err))
}

func TestRefusedStreamClassification(t *testing.T) {
	for text, want := range map[string]bool{
		"http2: Transport: cannot retry err [stream error: stream ID 3; REFUSED_STREAM; received from peer] after Request.Body was written; define Request.GetBody to avoid this error": true,
		"http2: Transport: cannot retry err [stream error: stream ID 3; PROTOCOL_ERROR; received from peer] after Request.Body was written; define Request.GetBody to avoid this error": false,
		"http2: Transport: cannot retry err [stream error: stream ID 3; INTERNAL_ERROR; received from peer] after Request.Body was written; REFUSED_STREAM said a proxy in its body":    false,
		"stream error: stream ID 3; REFUSED_STREAM; received from peer": false, // as text only, not the type: not recognised
		"connection reset by peer":                                      false,
	} {
		assert.Equal(t, want, refusedStream(errors.New(text)), text)
	}
	assert.True(t, refusedStream(fmt.Errorf("wrapped: %w", h2StreamError{StreamID: 1, Code: h2RefusedStream})))
	assert.False(t, refusedStream(h2StreamError{StreamID: 1, Code: 0x1}))
	assert.True(t, isStreamError(errors.New("http2: Transport: cannot retry err [stream error: stream ID 3; PROTOCOL_ERROR; received from peer] after Request.Body was written")))
}

// Every operation of the table, refused once with REFUSED_STREAM, is sent
// again (by net/http itself where it can rewind the body, by the SDK
// otherwise) and succeeds: two requests reach the server, one applied.
func TestFaultH2RefusedStreamIsResentForEveryOperation(t *testing.T) {
	for op := range opCount {
		o := &operations[op]
		t.Run(o.id, func(t *testing.T) {
			srv := newH2ResetServer(t, `{}`)
			srv.code = h2RefusedStreamCode
			c, _ := faultSocketClient(t, srv.URL, WithHTTPClient(srv.Client()))
			path := strings.NewReplacer("{", "", "}", "").Replace(strings.TrimPrefix(o.path, "/"))
			var body any
			if o.method == http.MethodPost || o.method == http.MethodPut {
				body = map[string]string{"k": "v"}
			}
			_, err := c.call(fastNoRecovery(), op, path, nil, body, nil)
			require.NoError(t, err)
			assert.Len(t, srv.requests(), 2, "refused once, then sent once more")
		})
	}
}
