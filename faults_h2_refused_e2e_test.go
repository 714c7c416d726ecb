package digitalocean_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"testing"
	"testing/synctest"
	"time"

	"github.com/oceankit/digitalocean"
	"github.com/oceankit/digitalocean/digitaloceantest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// HTTP/2 REFUSED_STREAM end to end, as Go's transport reports it when it
// gives up: it replays a request it can rewind (no body, or GetBody) by
// itself after a refusal, seven times with backoff (1 s, 2 s, ... 32 s:
// fake time here), and the eighth refusal reaches the SDK as net/http's
// own stream error, not as the "cannot retry" text it gives for a write
// it could not rewind. Every structured REFUSED_STREAM from Go's
// transport therefore comes after replays within the one attempt, which
// the SDK counts as possibly applied (docs/retries.md, "A replay within
// one attempt counts"): the copies before the last one may have been
// reset after processing (PROTOCOL_ERROR, golang/go#47635). So with Go's
// transports the error code that refusedStream reads from the structured
// error never decides anything end to end (TestRefusedStreamClassification
// guards it, for other transports); the refusals it does decide come as
// text (faults_h2_refused_test.go).

// transportRefusals is how many refusals in a row make Go's HTTP/2
// transport give up one round trip: its first try and seven replays.
const transportRefusals = 8

var refused = digitaloceantest.Fault{ResetCode: 0x7} // REFUSED_STREAM

// refusedFake is a fake over in-memory HTTP/2 (for a synctest bubble) with
// one active app, and a client with the given attempts whose transport is
// the fake's, wrapped by wrap if not nil.
func refusedFake(t *testing.T, attempts int, wrap func(http.RoundTripper) http.RoundTripper) (*digitaloceantest.Server, *digitalocean.Client, string) {
	t.Helper()
	srv := digitaloceantest.New(t, digitaloceantest.WithInMemoryNetwork(), digitaloceantest.WithHTTP2())
	var tr http.RoundTripper = srv.HTTPClient().Transport
	if wrap != nil {
		tr = wrap(tr)
	}
	c := srv.Client(digitalocean.WithHTTPClient(&http.Client{Transport: tr}),
		digitalocean.WithRetry(digitalocean.RetryPolicy{MaxAttempts: attempts, BaseDelay: time.Millisecond, MaxWait: time.Minute}))
	app, _, err := c.Apps.Create(t.Context(), &digitalocean.AppCreateRequest{Spec: deploySpec("refused")})
	require.NoError(t, err)
	srv.Advance(3 * digitaloceantest.DefaultPhaseDuration)
	return srv, c, app.ID
}

// One attempt of a DELETE, refused by the server each time the transport
// sent it: net/http's stream error reaches the SDK, and since the
// transport wrote the attempt more than once it is neither "not sent" nor
// of a known outcome.
func TestH2RefusedStreamAfterTransportReplays(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		srv, c, appID := refusedFake(t, 1, nil)
		srv.FailNext(transportRefusals, digitaloceantest.Match{Operation: "apps_delete"}, refused)
		_, err := c.Apps.Delete(context.Background(), appID)
		var reqErr *digitalocean.RequestError
		require.True(t, errors.As(err, &reqErr), "%v", err)
		assert.Contains(t, err.Error(), "REFUSED_STREAM")
		assert.NotContains(t, err.Error(), "cannot retry", "net/http's own stream error, not its text")
		assert.False(t, reqErr.NotSent, "written %d times: not certainly unsent", transportRefusals)
		assert.ErrorIs(t, err, digitalocean.ErrOutcomeUnknown)
		assert.Len(t, statusesOf(srv, "apps_delete"), transportRefusals)
		_, _, err = c.Apps.Get(context.Background(), appID)
		require.NoError(t, err, "the app is still there")
	})
}

// Refused, then sent once more by the SDK: the DELETE succeeds, applied
// once.
func TestH2RefusedStreamIsResentOnce(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		srv, c, appID := refusedFake(t, 2, nil)
		srv.FailNext(transportRefusals, digitaloceantest.Match{Operation: "apps_delete"}, refused)
		resp, err := c.Apps.Delete(context.Background(), appID)
		require.NoError(t, err)
		assert.Equal(t, 2, resp.Attempts)
		assert.False(t, resp.GoneOnRetry)
		assert.Equal(t, 1, srv.Effects()["apps_delete"])
		want := make([]int, transportRefusals, transportRefusals+1)
		assert.Equal(t, append(want, http.StatusOK), statusesOf(srv, "apps_delete"))
	})
}

// rewindable is a middleware that makes every request body rewindable (as
// one that reads the body to sign or log it may): Go's HTTP/2 transport
// may then replay a write by itself, which the SDK otherwise prevents.
type rewindable struct{ base http.RoundTripper }

func (m rewindable) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Body == nil || r.GetBody != nil {
		return m.base.RoundTrip(r)
	}
	body, err := io.ReadAll(r.Body)
	r.Body.Close()
	if err != nil {
		return nil, err
	}
	r = r.Clone(r.Context())
	r.Body = io.NopCloser(bytes.NewReader(body))
	r.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(body)), nil }
	return m.base.RoundTrip(r)
}

// A Restart the transport replays by itself (a middleware made its body
// rewindable) after the server reset it with PROTOCOL_ERROR having applied
// it, then refused every replay until the transport gave up (after the
// PROTOCOL_ERROR, eight more copies): the last copy was refused, but the
// first was applied. The SDK must not take the attempt for unsent and
// restart the app a second time; the read back finds the call's
// deployment.
func TestH2RefusedReplayOfAnAppliedWriteIsNotResent(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		srv, c, appID := refusedFake(t, 3, func(tr http.RoundTripper) http.RoundTripper { return rewindable{tr} })
		restart := digitaloceantest.Match{Operation: "apps_restart"}
		srv.FailNext(1, restart, digitaloceantest.Fault{ResetCode: 0x1, Applied: true}) // PROTOCOL_ERROR
		srv.FailNext(transportRefusals, restart, refused)
		d, resp, err := c.Apps.Restart(context.Background(), appID, nil)
		assert.Equal(t, 1, srv.Effects()["apps_restart"], "restarted once")
		assert.NotContains(t, statusesOf(srv, "apps_restart"), http.StatusOK, "no copy answered: never sent again by the SDK")
		require.NoError(t, err)
		assert.True(t, resp.Recovered)
		ds, _, err := c.Apps.ListDeployments(context.Background(), appID, nil)
		require.NoError(t, err)
		assert.Equal(t, ds[0].ID, d.ID)
	})
}

func statusesOf(srv *digitaloceantest.Server, op string) []int {
	var out []int
	for _, r := range srv.Requests() {
		if r.Operation == op {
			out = append(out, r.Status)
		}
	}
	return out
}
