package digitalocean

// Writes under faults, each reproduced on loopback: a POST is never applied
// twice, never reported as not sent once it may have arrived, timeouts are
// retried for idempotent methods only, and a DELETE whose first attempt may
// have been applied reports the resource gone.

import (
	"bufio"
	"cmp"
	"context"
	"crypto/tls"
	"encoding/binary"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// h2ResetServer is an HTTP/2 server written frame by frame, because Go's
// own server resets a failing stream with INTERNAL_ERROR, which the client
// never replays. This one reads the first request in full, then resets its
// stream with PROTOCOL_ERROR, as a server that acted on the request and
// then failed would; that is the reset Go's transport retries by itself
// when it can rewind the body (golang/go#47635). Later streams get 200 and
// okBody.
type h2ResetServer struct {
	*httptest.Server
	okBody string
	// notFound makes later streams get 404 instead of 200.
	notFound bool
	// code is the first stream's RST_STREAM error code; 0 means
	// PROTOCOL_ERROR.
	code uint32

	mu     sync.Mutex
	bodies []string // request bodies, one per stream
}

func newH2ResetServer(t *testing.T, okBody string) *h2ResetServer {
	t.Helper()
	s := &h2ResetServer{okBody: okBody}
	s.Server = httptest.NewUnstartedServer(http.NotFoundHandler())
	s.EnableHTTP2 = true
	s.Config.TLSNextProto = map[string]func(*http.Server, *tls.Conn, http.Handler){
		"h2": func(_ *http.Server, c *tls.Conn, _ http.Handler) { s.serve(c) },
	}
	s.StartTLS()
	t.Cleanup(s.Close)
	return s
}

func (s *h2ResetServer) requests() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.bodies...)
}

// HTTP/2 frame types and flags used here (RFC 9113, section 6).
const (
	h2Data, h2Headers, h2RSTStream, h2Settings, h2Ping, h2GoAway = 0x0, 0x1, 0x3, 0x4, 0x6, 0x7
	h2EndStream, h2Ack, h2EndHeaders, h2Padded                   = 0x1, 0x1, 0x4, 0x8
	h2ProtocolError                                              = 0x1
)

func h2WriteFrame(w io.Writer, typ, flags byte, stream uint32, payload []byte) error {
	hdr := make([]byte, 9, 9+len(payload))
	hdr[0], hdr[1], hdr[2] = byte(len(payload)>>16), byte(len(payload)>>8), byte(len(payload))
	hdr[3], hdr[4] = typ, flags
	binary.BigEndian.PutUint32(hdr[5:], stream&0x7fffffff)
	_, err := w.Write(append(hdr, payload...))
	return err
}

func (s *h2ResetServer) serve(c *tls.Conn) {
	defer c.Close()
	// A bound on a hang: a client that never hangs up fails the test
	// (goleak, the assertions) instead of blocking its cleanup forever.
	_ = c.SetDeadline(time.Now().Add(10 * time.Second))
	preface := make([]byte, len(http2Preface))
	if _, err := io.ReadFull(c, preface); err != nil || string(preface) != http2Preface {
		return
	}
	if h2WriteFrame(c, h2Settings, 0, 0, nil) != nil {
		return
	}
	bodies := map[uint32][]byte{}
	finish := func(stream uint32) error {
		s.mu.Lock()
		s.bodies = append(s.bodies, string(bodies[stream]))
		n := len(s.bodies)
		s.mu.Unlock()
		if n == 1 {
			code := make([]byte, 4)
			binary.BigEndian.PutUint32(code, cmp.Or(s.code, h2ProtocolError))
			return h2WriteFrame(c, h2RSTStream, 0, stream, code)
		}
		// 0x88 and 0x8d are HPACK's static-table entries for ":status: 200"
		// and ":status: 404".
		status := byte(0x88)
		if s.notFound {
			status = 0x8d
		}
		if err := h2WriteFrame(c, h2Headers, h2EndHeaders, stream, []byte{status}); err != nil {
			return err
		}
		return h2WriteFrame(c, h2Data, h2EndStream, stream, []byte(s.okBody))
	}
	hdr := make([]byte, 9)
	for {
		if _, err := io.ReadFull(c, hdr); err != nil {
			return
		}
		payload := make([]byte, int(hdr[0])<<16|int(hdr[1])<<8|int(hdr[2]))
		if _, err := io.ReadFull(c, payload); err != nil {
			return
		}
		typ, flags, stream := hdr[3], hdr[4], binary.BigEndian.Uint32(hdr[5:])&0x7fffffff
		var err error
		switch typ {
		case h2Settings:
			if flags&h2Ack == 0 {
				err = h2WriteFrame(c, h2Settings, h2Ack, 0, nil)
			}
		case h2Ping:
			if flags&h2Ack == 0 {
				err = h2WriteFrame(c, h2Ping, h2Ack, 0, payload)
			}
		case h2Headers:
			bodies[stream] = []byte{}
			if flags&h2EndStream != 0 {
				err = finish(stream)
			}
		case h2Data:
			if flags&h2Padded != 0 && len(payload) > 0 {
				payload = payload[1 : len(payload)-int(payload[0])]
			}
			bodies[stream] = append(bodies[stream], payload...)
			if flags&h2EndStream != 0 {
				err = finish(stream)
			}
		case h2GoAway:
			return
		}
		if err != nil {
			return
		}
	}
}

const http2Preface = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"

// noRecoveryContext turns off reading back, so that a test sees what the
// transport and the retry loop alone do.
func noRecoveryContext() context.Context {
	p := DefaultRetryPolicy()
	p.NoRecovery = true
	return WithRetryPolicy(context.Background(), p)
}

// (a) A POST the server read and then reset over HTTP/2 is not replayed by
// the transport: one app at most, and (without recovery) the caller hears
// the outcome is unknown. A GET on the same server is replayed, as it may be.
func TestFaultH2ResetAfterPOSTBodyIsNotReplayed(t *testing.T) {
	srv := newH2ResetServer(t, `{"app":{"id":"app-1","spec":{"name":"web"}}}`)
	c, log := faultSocketClient(t, srv.URL, WithHTTPClient(srv.Client()))

	app, resp, err := c.Apps.Create(noRecoveryContext(), &AppCreateRequest{Spec: &AppSpec{Name: "web"}})
	assert.Nil(t, app, "no app is reported created")
	reqErr := faultRequestError(t, err)
	assert.True(t, reqErr.OutcomeUnknown, "error: %v", err)
	assert.False(t, reqErr.NotSent)
	assert.Contains(t, err.Error(), "outcome unknown")
	bodies := srv.requests()
	require.Len(t, bodies, 1, "the POST reached the server once, and only once")
	assert.Contains(t, bodies[0], `"name":"web"`)
	faultNoLeak(t, resp, err, log.String())
}

// With recovery on, the same reset is resolved by looking the app up by
// name: the POST is sent once, then one read finds the requested spec.
func TestFaultH2ResetAfterCreateIsRecovered(t *testing.T) {
	srv := newH2ResetServer(t, `{"app":{"id":"app-1","spec":{"name":"web"}}}`)
	c, _ := faultSocketClient(t, srv.URL, WithHTTPClient(srv.Client()))
	app, resp, err := c.Apps.Create(context.Background(), &AppCreateRequest{Spec: &AppSpec{Name: "web"}})
	require.NoError(t, err)
	assert.True(t, resp.Recovered)
	assert.Equal(t, "app-1", app.ID)
	bodies := srv.requests()
	require.Len(t, bodies, 2, "the POST, then the read")
	assert.Contains(t, bodies[0], `"name":"web"`)
	assert.Empty(t, bodies[1], "the second request is the bodiless read")
}

// A GET whose stream the server reset is sent again: by the transport
// itself on Go 1.26 (it replays a request without a body), by the SDK's
// own loop on Go 1.27, which no longer does. Either way the call succeeds.
func TestFaultH2ResetAfterGETIsRetried(t *testing.T) {
	srv := newH2ResetServer(t, faultAccountJSON)
	c, _ := faultSocketClient(t, srv.URL, WithHTTPClient(srv.Client()))
	acct, resp, err := c.Account.Get(context.Background())
	require.NoError(t, err)
	assert.Equal(t, "ops@example.com", acct.Email)
	assert.Equal(t, "HTTP/2.0", resp.Proto)
	assert.Len(t, srv.requests(), 2)
}

// An app update is a PUT, but every update starts a deployment: a reset
// after the server read it is neither replayed by the transport nor
// re-sent, and (without recovery) the caller hears the outcome is unknown.
func TestFaultH2ResetAfterUpdateIsNotReplayed(t *testing.T) {
	srv := newH2ResetServer(t, `{"app":{"id":"app-1","spec":{"name":"web"}}}`)
	c, _ := faultSocketClient(t, srv.URL, WithHTTPClient(srv.Client()), WithRetry(RetryPolicy{MaxAttempts: 5, BaseDelay: time.Millisecond}))
	app, _, err := c.Apps.Update(noRecoveryContext(), "app-1", &AppUpdateRequest{Spec: &AppSpec{Name: "web"}})
	assert.Nil(t, app)
	assert.ErrorIs(t, err, ErrOutcomeUnknown)
	require.Len(t, srv.requests(), 1, "the update reached the server once")
}

// A write that acts anew and has no body (RevertRollback starts a
// deployment) is not replayed by the transport either, although net/http
// replays a bodiless request freely.
func TestFaultH2ResetAfterBodilessWriteIsNotReplayed(t *testing.T) {
	srv := newH2ResetServer(t, `{"deployment":{"id":"dep-1"}}`)
	c, _ := faultSocketClient(t, srv.URL, WithHTTPClient(srv.Client()), WithRetry(RetryPolicy{MaxAttempts: 5, BaseDelay: time.Millisecond}))
	dep, _, err := c.Apps.RevertRollback(withoutRecovery(context.Background()), "app-1") // the transport alone
	assert.Nil(t, dep)
	assert.ErrorIs(t, err, ErrOutcomeUnknown)
	require.Len(t, srv.requests(), 1, "the revert reached the server once")
}

// A DELETE the server read, then reset, and a 404 to the copy sent after
// it (by the transport within the same attempt on Go 1.26, by the SDK's
// loop on Go 1.27): the first one deleted it, so the call succeeds with
// GoneOnRetry instead of ErrNotFound.
func TestFaultH2ResetAfterDeleteIsGoneOnRetry(t *testing.T) {
	srv := newH2ResetServer(t, `{"id":"not_found","message":"The resource you requested could not be found."}`)
	srv.notFound = true
	c, _ := faultSocketClient(t, srv.URL, WithHTTPClient(srv.Client()), WithRetry(RetryPolicy{MaxAttempts: 5, BaseDelay: time.Millisecond}))
	resp, err := c.Apps.Delete(context.Background(), "app-1")
	require.NoError(t, err)
	assert.True(t, resp.GoneOnRetry)
	assert.Equal(t, http.StatusNotFound, resp.StatusCode)
	assert.Len(t, srv.requests(), 2)
}

// newGarbageServer is a TLS server that writes garbage instead of TLS
// records, as a broken middlebox would: right away, in place of the
// handshake, or once it has read one request in full. It returns the base
// URL, a client trusting its certificate and the number of requests read.
func newGarbageServer(t *testing.T, afterRequest bool, garbage string) (string, *http.Client, func() int) {
	t.Helper()
	certs := httptest.NewUnstartedServer(http.NotFoundHandler())
	certs.StartTLS() // only for its certificate and a client that trusts it
	t.Cleanup(certs.Close)
	cfg := certs.TLS.Clone()
	cfg.NextProtos = []string{"http/1.1"}
	var wg sync.WaitGroup
	t.Cleanup(wg.Wait) // after the listener is closed, below
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	t.Cleanup(func() { _ = l.Close() })
	var mu sync.Mutex
	n := 0
	wg.Go(func() {
		for {
			raw, err := l.Accept()
			if err != nil {
				return
			}
			wg.Go(func() {
				defer raw.Close()
				_ = raw.SetDeadline(time.Now().Add(10 * time.Second)) // a bound on a hang, as above
				if afterRequest {
					conn := tls.Server(raw, cfg)
					req, err := http.ReadRequest(bufio.NewReader(conn))
					if err != nil {
						return
					}
					_, _ = io.Copy(io.Discard, req.Body)
					mu.Lock()
					n++
					mu.Unlock()
				}
				_, _ = io.WriteString(raw, garbage)
				_, _ = io.Copy(io.Discard, raw) // until the client hangs up
			})
		}
	})
	hc := certs.Client()
	t.Cleanup(hc.CloseIdleConnections)
	return "https://" + l.Addr().String(), hc, func() int {
		mu.Lock()
		defer mu.Unlock()
		return n
	}
}

// (b) A TLS record error read after the request was written is not "not
// sent": the POST may have been applied, so it is not re-sent and the
// outcome is unknown.
func TestFaultTLSBadRecordAfterRequestIsNotNotSent(t *testing.T) {
	url, hc, requests := newGarbageServer(t, true, "garbage from a middlebox")
	c, log := faultSocketClient(t, url, WithHTTPClient(hc))

	resp, err := faultPost(context.Background(), c)
	reqErr := faultRequestError(t, err)
	var recordErr tls.RecordHeaderError
	require.ErrorAs(t, err, &recordErr, "the fault is the one under test: %v", err)
	assert.False(t, reqErr.NotSent, "the request was written before the bad record came")
	assert.True(t, reqErr.OutcomeUnknown)
	assert.Contains(t, err.Error(), "outcome unknown")
	assert.Equal(t, 1, requests(), "a POST that may have been applied is not re-sent")
	faultNoLeak(t, resp, err, log.String())
}

// Garbage in place of the TLS handshake (a middlebox, or a plain-HTTP
// server on the TLS port) does count as not sent: no connection ever
// carried the request, and the caller may safely send it again.
func TestFaultTLSGarbageInHandshakeIsNotSent(t *testing.T) {
	for name, garbage := range map[string]string{
		"not a TLS record": "garbage from a middlebox",
		"plain HTTP":       "HTTP/1.1 400 Bad Request\r\n\r\n",
	} {
		t.Run(name, func(t *testing.T) {
			url, hc, _ := newGarbageServer(t, false, garbage)
			c, _ := faultSocketClient(t, url, WithHTTPClient(hc))
			_, err := faultPost(context.Background(), c)
			reqErr := faultRequestError(t, err)
			assert.True(t, reqErr.NotSent, "error: %v", err)
			assert.False(t, reqErr.OutcomeUnknown)
			assert.NotContains(t, err.Error(), "outcome unknown")
		})
	}
}

// slowFirst answers the first request only when its context ends (a
// server that hangs), later ones at once.
func slowFirst(body string) (http.Handler, func() int) {
	var mu sync.Mutex
	n := 0
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		n++
		first := n == 1
		mu.Unlock()
		if first {
			<-r.Context().Done()
			return
		}
		writeJSON(w, http.StatusOK, body)
	})
	return h, func() int { mu.Lock(); defer mu.Unlock(); return n }
}

// (c) An http.Client.Timeout ends the attempt, not the call: reads and
// writes that may be re-sent are retried (the caller's context is still
// alive); a create, or an update (a PUT that starts a deployment), is not.
func TestFaultClientTimeoutIsRetriedForResendableOperations(t *testing.T) {
	for _, op := range []opID{opAppsGet, opAppsAssignAlertDestinations, opAppsDelete, opAppsUpdate, opAppsCreate} {
		t.Run(operations[op].id, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				h, requests := slowFirst(`{}`)
				hc := &http.Client{Transport: handlerTransport(h), Timeout: 10 * time.Second}
				c, _ := faultClient(t, hc.Transport, WithHTTPClient(hc))
				start := time.Now()
				var body any
				if operations[op].method != http.MethodGet && operations[op].method != http.MethodDelete {
					body = map[string]string{"k": "v"}
				}
				resp, err := c.call(t.Context(), op, "v2/apps/a-1", nil, body, nil)
				if !operations[op].resend() {
					reqErr := faultRequestError(t, err)
					assert.True(t, reqErr.OutcomeUnknown)
					assert.ErrorIs(t, err, context.DeadlineExceeded, "the timeout is named")
					assert.Equal(t, 1, requests())
					return
				}
				require.NoError(t, err)
				assert.Equal(t, 2, resp.Attempts)
				assert.Equal(t, 2, requests())
				assert.Less(t, time.Since(start), 11*time.Second)
			})
		})
	}
}

// The caller's own deadline ending is not retried, although it matches
// context.DeadlineExceeded like a client timeout does.
func TestFaultCallerDeadlineIsNotRetried(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		h, requests := slowFirst(`{}`)
		c, _ := faultClient(t, handlerTransport(h))
		ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
		defer cancel()
		_, err := faultGet(ctx, c)
		require.ErrorIs(t, err, context.DeadlineExceeded)
		var aborted *RetryAbortedError
		assert.False(t, errors.As(err, &aborted), "final at once, not a retry given up: %v", err)
		reqErr := faultRequestError(t, err)
		assert.Equal(t, 1, reqErr.Attempts)
		assert.Equal(t, 1, requests())
	})
}

// Transport.ResponseHeaderTimeout over real loopback sockets: the slow
// first answer is abandoned and the GET retried on a new connection. The
// timeout is real time, kept short; nothing else sleeps.
func TestFaultResponseHeaderTimeoutIsRetried(t *testing.T) {
	release := make(chan struct{})
	t.Cleanup(func() { close(release) })
	srv := newFaultServer(t, func(n int, w http.ResponseWriter, r *http.Request) {
		if n == 1 {
			select {
			case <-release:
			case <-r.Context().Done():
			case <-time.After(10 * time.Second): // a bound on a hang: the test then fails
			}
			return
		}
		_, _ = io.WriteString(w, faultAccountJSON)
	})
	tr := &http.Transport{ResponseHeaderTimeout: 50 * time.Millisecond}
	t.Cleanup(tr.CloseIdleConnections)
	c, _ := faultSocketClient(t, srv.URL, WithHTTPClient(&http.Client{Transport: tr}))
	acct, resp, err := c.Account.Get(context.Background())
	require.NoError(t, err)
	assert.Equal(t, "ops@example.com", acct.Email)
	assert.Equal(t, 2, resp.Attempts)
}

// (e) A DELETE whose first attempt got a 5xx (it may have been applied)
// and whose retry finds nothing has done what was asked: success, flagged
// GoneOnRetry. A DELETE that finds nothing at once is still ErrNotFound,
// and so is one whose earlier attempt was refused unprocessed (429).
func TestFaultDeleteGoneOnRetry(t *testing.T) {
	for name, tc := range map[string]struct {
		first   int
		success bool
	}{
		"after a 503": {http.StatusServiceUnavailable, true},
		"after a 429": {http.StatusTooManyRequests, false},
		"at once":     {http.StatusNotFound, false},
	} {
		t.Run(name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				rt := &faultRT{reply: func(n int, _ *http.Request) (*http.Response, error) {
					if n == 1 {
						return faultResp(tc.first, `{"id":"x","message":"first"}`), nil
					}
					return faultResp(http.StatusNotFound, `{"id":"not_found","message":"The resource you requested could not be found."}`), nil
				}}
				c, _ := faultClient(t, rt)
				resp, err := c.Apps.Delete(t.Context(), "app-1")
				if tc.success {
					require.NoError(t, err)
					assert.True(t, resp.GoneOnRetry)
					assert.Equal(t, http.StatusNotFound, resp.StatusCode)
					assert.Equal(t, 2, resp.Attempts)
					return
				}
				require.ErrorIs(t, err, ErrNotFound)
				if resp != nil {
					assert.False(t, resp.GoneOnRetry)
				}
			})
		})
	}
}

// A DELETE whose first attempt lost its connection after sending is also
// gone on retry; other methods that get a 404 on retry still fail.
func TestFaultDeleteGoneOnRetryAfterReset(t *testing.T) {
	srv := newFaultServer(t, func(n int, w http.ResponseWriter, r *http.Request) {
		if n == 1 {
			faultRST(t, w)
			return
		}
		w.WriteHeader(http.StatusNotFound)
		_, _ = io.WriteString(w, `{"id":"not_found","message":"gone"}`)
	})
	c, _ := faultSocketClient(t, srv.URL)
	resp, err := c.Apps.Delete(context.Background(), "app-1")
	require.NoError(t, err)
	assert.True(t, resp.GoneOnRetry)

	_, _, err = c.Apps.Get(context.Background(), "app-1")
	require.ErrorIs(t, err, ErrNotFound, "a GET that finds nothing is not found, whatever came before")
}
