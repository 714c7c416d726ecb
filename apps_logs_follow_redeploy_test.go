package digitalocean_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	do "github.com/oceankit/digitalocean"
	"github.com/oceankit/digitalocean/digitaloceantest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// followed is one iteration of FollowLogs: a line or an error.
type followed struct {
	line do.LogLine
	err  error
}

// followEvery collects lines and errors until stop says so, the iteration
// ends, or an error that is not a *LogGapError comes; max bounds a runaway.
func followEvery(t *testing.T, seq func(func(do.LogLine, error) bool), stop func(do.LogLine) bool) []followed {
	t.Helper()
	var got []followed
	for line, err := range seq {
		got = append(got, followed{line, err})
		var gap *do.LogGapError
		if err != nil && !errors.As(err, &gap) {
			break
		}
		if (err == nil && stop(line)) || len(got) > 100 {
			break
		}
	}
	return got
}

// redeploy starts a new deployment and waits, in the fake's time, until
// it is active; it returns the new deployment's ID.
func (f *followFixture) redeploy(t *testing.T) string {
	t.Helper()
	d, _, err := f.c.Apps.Restart(context.Background(), f.appID, nil)
	require.NoError(t, err)
	f.srv.Advance(3 * digitaloceantest.DefaultPhaseDuration)
	app, _, err := f.c.Apps.Get(context.Background(), f.appID)
	require.NoError(t, err)
	require.Equal(t, d.ID, app.ActiveDeployment.ID)
	return d.ID
}

// messages renders iterations as "<deployment>/<message>", or "gap" for
// a *LogGapError, to compare the whole sequence at once.
func messages(got []followed, names map[string]string) []string {
	var out []string
	for _, g := range got {
		var gap *do.LogGapError
		switch {
		case errors.As(g.err, &gap):
			out = append(out, "gap "+names[gap.DeploymentID]+"->"+names[gap.Next])
		case g.err != nil:
			out = append(out, "error: "+g.err.Error())
		default:
			out = append(out, names[g.line.DeploymentID]+"/"+g.line.Message)
		}
	}
	return out
}

// logPaths are the API paths of the logs requests, deployment IDs named.
func logPaths(srv *digitaloceantest.Server, names map[string]string) []string {
	var out []string
	for _, r := range srv.Requests() {
		if !strings.HasPrefix(r.Operation, "apps_get_logs") {
			continue
		}
		p := r.Path
		for id, name := range names {
			p = strings.ReplaceAll(p, id, name)
		}
		out = append(out, p[strings.Index(p, "/deployments/")+1:]+"?tail_lines="+r.Query.Get("tail_lines"))
	}
	return out
}

// A redeploy while FollowLogs is reconnecting: the old deployment's lines
// from the gap come first, each once, then the new deployment's, all of
// them, each line naming its deployment.
func TestFollowLogsDeliversTheOldDeploymentsGapAfterARedeploy(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := newFollowFixture(t)
		f.emit(t, "a1")
		f.srv.FailNextLogStreams(1, digitaloceantest.LogStreamFault{AfterLines: 2}) // start line, a1
		var next string
		opts := &do.FollowLogsOptions{
			LogsOptions: do.LogsOptions{Type: do.AppLogTypeRun, ComponentFilter: "web"},
			OnReconnect: func(int, time.Duration, error) {
				if next != "" {
					return
				}
				f.emit(t, "a2", "a3") // the old deployment's gap
				next = f.redeploy(t)
				f.emit(t, "b1")
			},
		}
		got := followEvery(t, f.c.Apps.FollowLogs(t.Context(), f.appID, opts), func(l do.LogLine) bool { return l.Message == "b1" })
		names := map[string]string{f.depID: "A", next: "B"}
		assert.Equal(t, []string{
			"A/server listening on :8080", "A/a1", "A/a2", "A/a3",
			"B/server listening on :8080", "B/b1",
		}, messages(got, names), "the gap in order, once, before the new deployment")
		assert.Equal(t, []string{
			"deployments/A/logs?tail_lines=",    // the first connection
			"deployments/A/logs?tail_lines=500", // its archive, read past the place
			"deployments/B/logs?tail_lines=-1",  // all of the new deployment's lines
		}, logPaths(f.srv, names))
		assert.Zero(t, f.srv.LogRequestsWithAuth())
	})
}

// A redeploy while the stream is up: the old stream ends normally, its
// rest is read, then the new deployment follows, none of its lines skipped
// for being older than the old deployment's newest.
func TestFollowLogsMovesOnAfterARedeployWithoutADrop(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := newFollowFixture(t)
		var causes []error
		opts := &do.FollowLogsOptions{
			LogsOptions: do.LogsOptions{Type: do.AppLogTypeRun, ComponentFilter: "web"},
			OnReconnect: func(_ int, _ time.Duration, cause error) { causes = append(causes, cause) },
		}
		var next string
		got := followEvery(t, f.c.Apps.FollowLogs(t.Context(), f.appID, opts), func(l do.LogLine) bool {
			if l.Message == "a1" {
				f.emit(t, "a2")
				next = f.redeploy(t)
				f.emit(t, "b1")
			}
			if l.Message == "server listening on :8080" && next == "" {
				f.emit(t, "a1")
			}
			return l.Message == "b1"
		})
		names := map[string]string{f.depID: "A", next: "B"}
		assert.Equal(t, []string{
			"A/server listening on :8080", "A/a1", "A/a2",
			"B/server listening on :8080", "B/b1",
		}, messages(got, names))
		require.Len(t, causes, 1, "one reconnection: the old stream's end")
		assert.ErrorIs(t, causes[0], do.ErrLiveLogEnded)
	})
}

// Two redeploys while FollowLogs is reconnecting: the deployment active in
// between is read too, found through PreviousDeploymentID.
func TestFollowLogsReadsADeploymentActiveInBetween(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := newFollowFixture(t)
		f.srv.FailNextLogStreams(1, digitaloceantest.LogStreamFault{AfterLines: 1})
		var mid, last string
		opts := &do.FollowLogsOptions{
			LogsOptions: do.LogsOptions{Type: do.AppLogTypeRun, ComponentFilter: "web"},
			OnReconnect: func(int, time.Duration, error) {
				if mid != "" {
					return
				}
				f.emit(t, "a1")
				mid = f.redeploy(t)
				f.emit(t, "b1")
				last = f.redeploy(t)
				f.emit(t, "c1")
			},
		}
		got := followEvery(t, f.c.Apps.FollowLogs(t.Context(), f.appID, opts), func(l do.LogLine) bool { return l.Message == "c1" })
		names := map[string]string{f.depID: "A", mid: "B", last: "C"}
		assert.Equal(t, []string{
			"A/server listening on :8080", "A/a1",
			"B/server listening on :8080", "B/b1",
			"C/server listening on :8080", "C/c1",
		}, messages(got, names))
	})
}

// The old deployment's archive is gone (404): the gap is reported at once,
// as a *LogGapError, and the iteration goes on with the new deployment.
func TestFollowLogsReportsAGapWhenTheOldLogsAreGone(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := newFollowFixture(t)
		sig := f.recordSignatures()
		f.emit(t, "a1")
		f.srv.FailNextLogStreams(1, digitaloceantest.LogStreamFault{AfterLines: 2})
		var next string
		reconnects := 0
		opts := &do.FollowLogsOptions{
			LogsOptions: do.LogsOptions{Type: do.AppLogTypeRun, ComponentFilter: "web"},
			OnReconnect: func(int, time.Duration, error) {
				reconnects++
				if next != "" {
					return
				}
				f.emit(t, "a2") // lost with the archive
				next = f.redeploy(t)
				require.NoError(t, f.srv.RemoveLogArchive(f.appID, f.depID))
				f.emit(t, "b1")
			},
		}
		got := followEvery(t, f.c.Apps.FollowLogs(t.Context(), f.appID, opts), func(l do.LogLine) bool { return l.Message == "b1" })
		names := map[string]string{f.depID: "A", next: "B"}
		assert.Equal(t, []string{
			"A/server listening on :8080", "A/a1",
			"gap A->B",
			"B/server listening on :8080", "B/b1",
		}, messages(got, names), "the gap is said, and the follow goes on")
		assert.Equal(t, 1, reconnects, "a 404 is not retried")

		require.Len(t, got, 5)
		var gap *do.LogGapError
		require.ErrorAs(t, got[2].err, &gap)
		assert.Equal(t, f.depID, gap.DeploymentID)
		assert.Equal(t, next, gap.Next)
		assert.Equal(t, got[1].line.Timestamp, gap.Since, "the last line yielded from it")
		var apiErr *do.Error
		require.ErrorAs(t, gap, &apiErr, "the log host's answer is kept")
		assert.Equal(t, http.StatusNotFound, apiErr.StatusCode)
		assertNoSignature(t, f.srv, sig, gap)
	})
}

// The old deployment's logs stay out of reach through MaxReconnects
// reconnections (the API answers 503): the gap is reported, not a
// *FollowLogsError, and the new deployment is followed.
func TestFollowLogsReportsAGapAfterTheRetryBudget(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := newFollowFixture(t)
		sig := f.recordSignatures()
		f.srv.FailNextLogStreams(1, digitaloceantest.LogStreamFault{AfterLines: 1})
		var next string
		reconnects := 0
		opts := &do.FollowLogsOptions{
			LogsOptions:   do.LogsOptions{Type: do.AppLogTypeRun, ComponentFilter: "web"},
			MaxReconnects: 3,
			OnReconnect: func(int, time.Duration, error) {
				reconnects++
				if next != "" {
					return
				}
				next = f.redeploy(t)
				f.srv.FailNext(100, digitaloceantest.Match{Path: "/v2/apps/" + f.appID + "/deployments/" + f.depID + "/logs"},
					digitaloceantest.Fault{Status: http.StatusServiceUnavailable})
				f.emit(t, "b1")
			},
		}
		got := followEvery(t, f.c.Apps.FollowLogs(t.Context(), f.appID, opts), func(l do.LogLine) bool { return l.Message == "b1" })
		names := map[string]string{f.depID: "A", next: "B"}
		assert.Equal(t, []string{
			"A/server listening on :8080",
			"gap A->B",
			"B/server listening on :8080", "B/b1",
		}, messages(got, names))
		assert.Equal(t, 3, reconnects, "the budget, then the gap")
		require.Len(t, got, 4)
		var gap *do.LogGapError
		require.ErrorAs(t, got[1].err, &gap)
		assert.ErrorIs(t, gap, do.ErrServerError, "the last cause")
		var fe *do.FollowLogsError
		assert.False(t, errors.As(got[1].err, &fe), "not the end of the follow")
		assertNoSignature(t, f.srv, sig, gap)
	})
}

// A caller that stops at the gap stops FollowLogs: nothing more is asked.
func TestFollowLogsStopsWhenTheCallerBreaksAtAGap(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := newFollowFixture(t)
		f.srv.FailNextLogStreams(1, digitaloceantest.LogStreamFault{AfterLines: 1})
		opts := &do.FollowLogsOptions{
			LogsOptions: do.LogsOptions{Type: do.AppLogTypeRun, ComponentFilter: "web"},
			OnReconnect: func(int, time.Duration, error) {
				f.redeploy(t)
				require.NoError(t, f.srv.RemoveLogArchive(f.appID, f.depID))
			},
		}
		var last error
		for _, err := range f.c.Apps.FollowLogs(t.Context(), f.appID, opts) {
			if last = err; err != nil {
				break
			}
		}
		var gap *do.LogGapError
		require.ErrorAs(t, last, &gap)
		before := len(f.srv.Requests())
		time.Sleep(time.Hour)
		assert.Len(t, f.srv.Requests(), before, "nothing is asked after the break")
	})
}

// signatures records the signed queries of the requests sent to the log
// host.
type signatures struct {
	base    http.RoundTripper
	logHost string
	mu      sync.Mutex
	tokens  []string
}

func (s *signatures) RoundTrip(r *http.Request) (*http.Response, error) {
	if strings.HasPrefix(r.URL.String(), s.logHost) {
		s.mu.Lock()
		s.tokens = append(s.tokens, r.URL.Query().Get("token"))
		s.mu.Unlock()
	}
	return s.base.RoundTrip(r)
}

// recordSignatures makes f's client record the log URLs' tokens.
func (f *followFixture) recordSignatures() *signatures {
	sig := &signatures{base: f.srv.HTTPClient().Transport, logHost: f.srv.LogHostURL()}
	f.c = f.srv.Client(do.WithRetry(do.RetryPolicy{}), do.WithHTTPClient(&http.Client{Transport: sig}))
	return sig
}

// assertNoSignature checks that err's text carries neither the API token
// nor any log URL's signed query.
func assertNoSignature(t *testing.T, srv *digitaloceantest.Server, sig *signatures, err error) {
	t.Helper()
	text := err.Error()
	assert.NotContains(t, text, "token=")
	assert.NotContains(t, text, "X-Expires")
	assert.NotContains(t, text, srv.Token())
	sig.mu.Lock()
	defer sig.mu.Unlock()
	require.NotEmpty(t, sig.tokens)
	for _, token := range sig.tokens {
		require.NotEmpty(t, token)
		assert.NotContains(t, text, token)
	}
}

// A deployment active in between that cannot be looked up (404), or more
// redeploys in between than FollowLogs walks back through: the deployments
// it cannot read are reported as a gap, then it goes on.
func TestFollowLogsReportsDeploymentsInBetweenItCannotName(t *testing.T) {
	for _, tc := range []struct {
		name      string
		redeploys int
		lookup404 bool
	}{
		{"lookup 404", 2, true},
		{"too many redeploys", 10, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				f := newFollowFixture(t)
				f.srv.FailNextLogStreams(1, digitaloceantest.LogStreamFault{AfterLines: 1})
				var deps []string
				opts := &do.FollowLogsOptions{
					LogsOptions: do.LogsOptions{Type: do.AppLogTypeRun, ComponentFilter: "web"},
					OnReconnect: func(int, time.Duration, error) {
						if deps != nil {
							return
						}
						for range tc.redeploys {
							deps = append(deps, f.redeploy(t))
						}
						f.emit(t, "last")
						if tc.lookup404 {
							f.srv.FailNext(1, digitaloceantest.Match{Operation: "apps_get_deployment"}, digitaloceantest.Fault{Status: http.StatusNotFound})
						}
					},
				}
				got := followEvery(t, f.c.Apps.FollowLogs(t.Context(), f.appID, opts), func(l do.LogLine) bool { return l.Message == "last" })
				names := map[string]string{f.depID: "A"}
				for i, d := range deps {
					names[d] = fmt.Sprint(i + 1)
				}
				var want []string
				want = append(want, "A/server listening on :8080")
				// Walking back from the last deployment: the lookup of the
				// one before it fails, or the walk stops after 8 lookups.
				named := len(deps) - 1 - min(len(deps)-1, 8)
				if tc.lookup404 {
					named = len(deps) - 1
				}
				want = append(want, "gap "+names[deps[named-1]]+"->"+names[deps[named]])
				for _, d := range deps[named:] {
					want = append(want, names[d]+"/server listening on :8080")
				}
				want = append(want, names[deps[len(deps)-1]]+"/last")
				assert.Equal(t, want, messages(got, names))
				var gap *do.LogGapError
				for _, g := range got {
					if errors.As(g.err, &gap) {
						assert.True(t, gap.Since.IsZero(), "none of its lines was read")
					}
				}
			})
		})
	}
}
