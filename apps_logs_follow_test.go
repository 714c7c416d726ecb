package digitalocean_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	do "github.com/oceankit/digitalocean"
	"github.com/oceankit/digitalocean/digitaloceantest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// followFixture is an app with an active deployment on an in-memory fake,
// to be used inside a synctest bubble: backoff waits run in fake time.
type followFixture struct {
	srv   *digitaloceantest.Server
	c     *do.Client
	appID string
	depID string
}

func newFollowFixture(t *testing.T, opts ...digitaloceantest.Option) *followFixture {
	t.Helper()
	srv := digitaloceantest.New(t, append([]digitaloceantest.Option{digitaloceantest.WithInMemoryNetwork()}, opts...)...)
	c := srv.Client(do.WithRetry(do.RetryPolicy{})) // FollowLogs's own loop is under test
	app, _, err := c.Apps.Create(context.Background(), &do.AppCreateRequest{Spec: &do.AppSpec{
		Name: "follow", Region: do.AppRegionSlugNYC,
		Services: []*do.AppServiceSpec{{Name: "web", GitHub: &do.AppGitHubSourceSpec{Repo: "digitalocean/sample-golang", Branch: "main"}}},
	}})
	require.NoError(t, err)
	srv.Advance(3 * digitaloceantest.DefaultPhaseDuration)
	app, _, err = c.Apps.Get(context.Background(), app.ID)
	require.NoError(t, err)
	require.NotNil(t, app.ActiveDeployment)
	return &followFixture{srv: srv, c: c, appID: app.ID, depID: app.ActiveDeployment.ID}
}

// emit adds lines one second after the previous ones, so they share a
// timestamp with each other but not with earlier lines.
func (f *followFixture) emit(t *testing.T, lines ...string) {
	t.Helper()
	f.srv.Advance(time.Second)
	require.NoError(t, f.srv.EmitLogs(f.appID, "web", lines...))
}

// follow collects messages until stop says so (or the iteration ends),
// failing on an error; maxLines bounds a runaway stream.
func follow(t *testing.T, seq func(func(do.LogLine, error) bool), stop func(msg string) bool) ([]string, error) {
	t.Helper()
	var got []string
	for line, err := range seq {
		if err != nil {
			return got, err
		}
		got = append(got, line.Message)
		if stop(line.Message) || len(got) > 100 {
			break
		}
	}
	return got, nil
}

func until(last string) func(string) bool { return func(m string) bool { return m == last } }

func logTails(srv *digitaloceantest.Server) []string {
	var out []string
	for _, r := range srv.Requests() {
		if strings.HasPrefix(r.Operation, "apps_get_logs") {
			out = append(out, r.Query.Get("tail_lines"))
		}
	}
	return out
}

func TestFollowLogsResumesAfterMidLineDrop(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := newFollowFixture(t)
		// l1..l3 share one timestamp: the place is found by text among them.
		f.emit(t, "l1", "l2", "l3")
		f.srv.FailNextLogStreams(1, digitaloceantest.LogStreamFault{AfterLines: 2, MidLine: true})
		var causes []error
		opts := &do.FollowLogsOptions{
			LogsOptions: do.LogsOptions{Type: do.AppLogTypeRun, Component: "web"},
			OnReconnect: func(_ int, _ time.Duration, cause error) { causes = append(causes, cause) },
		}
		emitted := false
		got, err := follow(t, f.c.Apps.FollowLogs(t.Context(), f.appID, opts), func(m string) bool {
			if m == "l3" && !emitted {
				f.emit(t, "l4") // a live line after the resume
				emitted = true
			}
			return m == "l4"
		})
		require.NoError(t, err)
		assert.Equal(t, []string{"server listening on :8080", "l1", "l2", "l3", "l4"}, got, "no line lost or repeated")
		require.Len(t, causes, 1)
		assert.ErrorIs(t, causes[0], io.ErrUnexpectedEOF, "the drop mid-line is the cause")
		assert.Equal(t, []int{http.StatusSwitchingProtocols, http.StatusSwitchingProtocols}, logStatuses(f.srv), "both streams are websockets")
		assert.Zero(t, f.srv.LogRequestsWithAuth(), "the token never goes to the log host")
		assert.Equal(t, []string{"", "500"}, logTails(f.srv), "first TailLines as given, then DefaultResumeTailLines")
	})
}

func logStatuses(srv *digitaloceantest.Server) []int {
	var out []int
	for _, r := range srv.LogRequests() {
		out = append(out, r.Status)
	}
	return out
}

// TestFollowLogsResumesAfterWebsocketDrop: a live websocket cut without a
// close frame between two lines, twice, inside a group of lines sharing a
// timestamp: FollowLogs resumes with no line lost or repeated.
func TestFollowLogsResumesAfterWebsocketDrop(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := newFollowFixture(t)
		f.emit(t, "same", "same", "other", "same")
		// The first stream drops after 2 lines, the second (which replays
		// them) after 4.
		f.srv.FailNextLogStreams(1, digitaloceantest.LogStreamFault{AfterLines: 2})
		f.srv.FailNextLogStreams(1, digitaloceantest.LogStreamFault{AfterLines: 4})
		var causes []error
		opts := &do.FollowLogsOptions{
			LogsOptions: do.LogsOptions{Type: do.AppLogTypeRun, ComponentFilter: "web"},
			OnReconnect: func(_ int, _ time.Duration, cause error) { causes = append(causes, cause) },
		}
		emitted := false
		got, err := follow(t, f.c.Apps.FollowLogs(t.Context(), f.appID, opts), func(m string) bool {
			if m == "other" && !emitted {
				f.emit(t, "last")
				emitted = true
			}
			return m == "last"
		})
		require.NoError(t, err)
		assert.Equal(t, []string{"server listening on :8080", "same", "same", "other", "same", "last"}, got, "no line lost or repeated")
		require.Len(t, causes, 2)
		for _, cause := range causes {
			var reqErr *do.RequestError
			assert.ErrorAs(t, cause, &reqErr)
			assert.ErrorIs(t, cause, io.ErrUnexpectedEOF, "a websocket gone without a close frame is a drop")
		}
		assert.Equal(t, []int{101, 101, 101}, logStatuses(f.srv))
		assert.Zero(t, f.srv.LogRequestsWithAuth(), "the token never goes to the log host")
	})
}

// TestFollowLogsOverChunkedFallback: a log host that answers the websocket
// upgrade with a plain chunked 200 is still followed across a drop.
func TestFollowLogsOverChunkedFallback(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := newFollowFixture(t, digitaloceantest.WithChunkedLiveLogs())
		f.emit(t, "l1", "l2", "l3")
		f.srv.FailNextLogStreams(1, digitaloceantest.LogStreamFault{AfterLines: 2, MidLine: true})
		var causes []error
		opts := &do.FollowLogsOptions{
			LogsOptions: do.LogsOptions{Type: do.AppLogTypeRun, ComponentFilter: "web"},
			OnReconnect: func(_ int, _ time.Duration, cause error) { causes = append(causes, cause) },
		}
		got, err := follow(t, f.c.Apps.FollowLogs(t.Context(), f.appID, opts), until("l3"))
		require.NoError(t, err)
		assert.Equal(t, []string{"server listening on :8080", "l1", "l2", "l3"}, got)
		require.Len(t, causes, 1)
		assert.ErrorIs(t, causes[0], io.ErrUnexpectedEOF, "the chunked body cut mid-line")
		assert.Equal(t, []int{http.StatusOK, http.StatusOK}, logStatuses(f.srv), "plain HTTP answers")
	})
}

func TestFollowLogsResumesAfterExpiredURL(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := newFollowFixture(t)
		f.emit(t, "a", "b")
		var causes []error
		opts := &do.FollowLogsOptions{
			LogsOptions: do.LogsOptions{Type: do.AppLogTypeRun, ComponentFilter: "web", TailLines: do.TailAllLines},
			OnReconnect: func(_ int, _ time.Duration, cause error) { causes = append(causes, cause) },
		}
		step := 0
		got, err := follow(t, f.c.Apps.FollowLogs(t.Context(), f.appID, opts), func(m string) bool {
			switch {
			case m == "b" && step == 0:
				// The URL's lifetime passes: the open stream ends at the
				// next line, which must come through the next URL.
				f.srv.Advance(digitaloceantest.LogURLLifetime)
				f.emit(t, "c")
				step++
			case m == "c" && step == 1:
				f.srv.ExpireLogURLs()
				f.emit(t, "d")
				step++
			}
			return m == "d"
		})
		require.NoError(t, err)
		assert.Equal(t, []string{"server listening on :8080", "a", "b", "c", "d"}, got)
		require.Len(t, causes, 2)
		assert.ErrorIs(t, causes[0], do.ErrLiveLogEnded)
		assert.ErrorIs(t, causes[1], do.ErrLiveLogEnded)
		assert.Equal(t, []string{"-1", "500", "500"}, logTails(f.srv))
		assert.Zero(t, f.srv.LogRequestsWithAuth())
	})
}

func TestFollowLogsAsksForAllWhenTheTailIsShort(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := newFollowFixture(t)
		f.emit(t, "a", "b")
		f.srv.FailNextLogStreams(1, digitaloceantest.LogStreamFault{AfterLines: 2})
		opts := &do.FollowLogsOptions{
			LogsOptions:     do.LogsOptions{Type: do.AppLogTypeRun, Component: "web"},
			ResumeTailLines: 2,
			// While disconnected, more lines come than the tail reaches.
			OnReconnect: func(int, time.Duration, error) { f.emit(t, "c1", "c2", "c3", "c4") },
		}
		got, err := follow(t, f.c.Apps.FollowLogs(t.Context(), f.appID, opts), until("c4"))
		require.NoError(t, err)
		assert.Equal(t, []string{"server listening on :8080", "a", "b", "c1", "c2", "c3", "c4"}, got, "b and c1, c2 are not skipped")
		assert.Equal(t, []string{"", "2", "-1"}, logTails(f.srv))
	})
}

func TestFollowLogsReadsTheArchiveWhenTheLogsEnd(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := newFollowFixture(t)
		f.emit(t, "a")
		f.srv.FailNextLogStreams(1, digitaloceantest.LogStreamFault{AfterLines: 1})
		opts := &do.FollowLogsOptions{
			LogsOptions: do.LogsOptions{Type: do.AppLogTypeRun, DeploymentID: f.depID},
			OnReconnect: func(int, time.Duration, error) {
				// Lines come, then a new deployment supersedes this one.
				f.emit(t, "b", "c")
				_, _, err := f.c.Apps.Restart(context.Background(), f.appID, nil)
				require.NoError(t, err)
				f.srv.Advance(3 * digitaloceantest.DefaultPhaseDuration)
			},
		}
		got, err := follow(t, f.c.Apps.FollowLogs(t.Context(), f.appID, opts), func(string) bool { return false })
		require.NoError(t, err, "a log that can no longer grow ends the iteration cleanly")
		assert.Equal(t, []string{"server listening on :8080", "a", "b", "c"}, got)
		reqs := f.srv.LogRequests()
		require.Len(t, reqs, 2)
		assert.Contains(t, reqs[1].Path, "archive", "the rest came from the archive")
	})
}

func TestFollowLogsReconnectsAreBounded(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := newFollowFixture(t)
		// Every stream drops before its first line.
		f.srv.FailNextLogStreams(100, digitaloceantest.LogStreamFault{})
		var waits []time.Duration
		opts := &do.FollowLogsOptions{
			LogsOptions:   do.LogsOptions{Type: do.AppLogTypeRun, Component: "web"},
			MaxReconnects: 4, BaseDelay: time.Second, MaxDelay: 3 * time.Second,
			OnReconnect: func(attempt int, wait time.Duration, _ error) {
				assert.Equal(t, len(waits)+1, attempt)
				waits = append(waits, wait)
			},
		}
		start := time.Now()
		got, err := follow(t, f.c.Apps.FollowLogs(t.Context(), f.appID, opts), func(string) bool { return false })
		assert.Empty(t, got)
		var fe *do.FollowLogsError
		require.ErrorAs(t, err, &fe)
		assert.Equal(t, 4, fe.Reconnects)
		assert.ErrorIs(t, err, io.ErrUnexpectedEOF, "the last cause is kept")
		assert.Contains(t, err.Error(), "gave up after 4 reconnections")
		assert.Len(t, f.srv.LogRequests(), 5, "the first connection and 4 reconnections")

		// Backoff: ceilings 1s, 2s, 3s (MaxDelay), 3s; each wait in [ceiling/2, ceiling].
		require.Len(t, waits, 4)
		var sum time.Duration
		for i, ceiling := range []time.Duration{time.Second, 2 * time.Second, 3 * time.Second, 3 * time.Second} {
			assert.GreaterOrEqual(t, waits[i], ceiling/2, "wait %d", i+1)
			assert.LessOrEqual(t, waits[i], ceiling, "wait %d", i+1)
			sum += waits[i]
		}
		assert.Equal(t, sum, time.Since(start), "the waits are really waited, and nothing else")
	})
}

func TestFollowLogsProgressResetsReconnects(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := newFollowFixture(t)
		// Each stream brings one new line and drops: a run of drops that
		// keeps making progress is never given up.
		// Stream k replays the k-1 lines seen before (the tail reaches back
		// to them), sends one new line and half of the next.
		for k := 1; k <= 6; k++ {
			f.srv.FailNextLogStreams(1, digitaloceantest.LogStreamFault{AfterLines: k, MidLine: true})
		}
		f.emit(t, "1", "2", "3", "4", "5", "6")
		var attempts []int
		opts := &do.FollowLogsOptions{
			LogsOptions:   do.LogsOptions{Type: do.AppLogTypeRun, Component: "web"},
			MaxReconnects: 1,
			OnReconnect:   func(attempt int, _ time.Duration, _ error) { attempts = append(attempts, attempt) },
		}
		got, err := follow(t, f.c.Apps.FollowLogs(t.Context(), f.appID, opts), until("6"))
		require.NoError(t, err)
		assert.Equal(t, []string{"server listening on :8080", "1", "2", "3", "4", "5", "6"}, got)
		assert.Equal(t, []int{1, 1, 1, 1, 1, 1}, attempts)
	})
}

func TestFollowLogsAPIErrors(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := newFollowFixture(t)
		// A 503 from the API is retried, within the bound.
		f.srv.FailNext(2, digitaloceantest.Match{Operation: "apps_get_logs"}, digitaloceantest.Fault{Status: http.StatusServiceUnavailable})
		reconnects := 0
		opts := &do.FollowLogsOptions{
			LogsOptions: do.LogsOptions{Type: do.AppLogTypeRun, Component: "web"},
			OnReconnect: func(int, time.Duration, error) { reconnects++ },
		}
		got, err := follow(t, f.c.Apps.FollowLogs(t.Context(), f.appID, opts), until("server listening on :8080"))
		require.NoError(t, err)
		assert.Equal(t, []string{"server listening on :8080"}, got)
		assert.Equal(t, 2, reconnects)

		// A 404 is final: no reconnection.
		reconnects = 0
		_, err = f.c.Apps.Delete(context.Background(), f.appID)
		require.NoError(t, err)
		_, err = follow(t, f.c.Apps.FollowLogs(t.Context(), f.appID, opts), func(string) bool { return false })
		assert.ErrorIs(t, err, do.ErrNotFound)
		assert.Zero(t, reconnects)
	})
}

func TestFollowLogsContextCancel(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := newFollowFixture(t)
		opts := &do.FollowLogsOptions{LogsOptions: do.LogsOptions{Type: do.AppLogTypeRun, Component: "web"}}

		// Cancelled while streaming: ctx's error, then the end.
		ctx, cancel := context.WithCancel(t.Context())
		n := 0
		var last error
		for _, err := range f.c.Apps.FollowLogs(ctx, f.appID, opts) {
			n++
			last = err
			if n == 1 {
				require.NoError(t, err)
				cancel()
			}
			require.Less(t, n, 5, "the iteration goes on after cancel")
		}
		assert.Equal(t, 2, n)
		assert.ErrorIs(t, last, context.Canceled)

		// Cancelled during a backoff wait: no wait, ctx's error.
		f.srv.FailNextLogStreams(1, digitaloceantest.LogStreamFault{})
		ctx, cancel = context.WithCancel(t.Context())
		defer cancel()
		opts.OnReconnect = func(int, time.Duration, error) { cancel() }
		start := time.Now()
		_, err := follow(t, f.c.Apps.FollowLogs(ctx, f.appID, opts), func(string) bool { return false })
		assert.ErrorIs(t, err, context.Canceled)
		assert.Zero(t, time.Since(start), "the backoff ends with ctx")
		assert.Len(t, f.srv.LogRequests(), 2, "no reconnection after cancel")
	})
}

func TestFollowLogsValidation(t *testing.T) {
	srv := digitaloceantest.New(t)
	c := srv.Client()
	run := do.LogsOptions{Type: do.AppLogTypeRun}
	cases := []struct {
		name, arg, appID string
		opts             *do.FollowLogsOptions
	}{
		{"app", "appID", "", &do.FollowLogsOptions{LogsOptions: run}},
		{"nil", "FollowLogsOptions.Type", "a", nil},
		{"type", "LogsOptions.Type", "a", &do.FollowLogsOptions{}},
		{"tail", "LogsOptions.TailLines", "a", &do.FollowLogsOptions{LogsOptions: do.LogsOptions{Type: do.AppLogTypeRun, TailLines: -3}}},
		{"resume tail", "FollowLogsOptions.ResumeTailLines", "a", &do.FollowLogsOptions{LogsOptions: run, ResumeTailLines: -2}},
		{"attempts", "FollowLogsOptions.MaxReconnects", "a", &do.FollowLogsOptions{LogsOptions: run, MaxReconnects: -1}},
		{"delay", "FollowLogsOptions.BaseDelay", "a", &do.FollowLogsOptions{LogsOptions: run, MaxDelay: -time.Second}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			n := 0
			for _, err := range c.Apps.FollowLogs(t.Context(), tc.appID, tc.opts) {
				n++
				var argErr *do.ArgumentError
				require.True(t, errors.As(err, &argErr), "got %v", err)
				assert.Equal(t, tc.arg, argErr.Name)
			}
			assert.Equal(t, 1, n, "one error, then the end")
		})
	}
	assert.Empty(t, srv.Requests(), "nothing is sent for bad options")
}

// A resume tail that starts inside a group of lines sharing the newest
// timestamp: the replayed lines of that group are matched by text, so the
// ones already yielded are skipped and the rest come through, none lost.
func TestFollowLogsResumesInsideAGroupOfSameTimestampLines(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := newFollowFixture(t)
		f.emit(t, "g1", "g2", "g3", "g4") // one timestamp
		// The first stream sends the start line, g1 and g2, then drops.
		f.srv.FailNextLogStreams(1, digitaloceantest.LogStreamFault{AfterLines: 3})
		reconnects := 0
		opts := &do.FollowLogsOptions{
			LogsOptions:     do.LogsOptions{Type: do.AppLogTypeRun, ComponentFilter: "web"},
			ResumeTailLines: 3, // g2, g3, g4: the tail starts inside the group
			OnReconnect:     func(int, time.Duration, error) { reconnects++ },
		}
		got, err := follow(t, f.c.Apps.FollowLogs(t.Context(), f.appID, opts), until("g4"))
		require.NoError(t, err)
		assert.Equal(t, []string{"server listening on :8080", "g1", "g2", "g3", "g4"}, got, "no line lost or repeated")
		assert.Equal(t, 1, reconnects)
		assert.Equal(t, []string{"", "3"}, logTails(f.srv), "no second, unlimited request: the tail reached back")
	})
}

// A 429 from GetLogs is a reason to come back later, not to give up.
func TestFollowLogsReconnectsAfterRateLimit(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := newFollowFixture(t)
		f.srv.FailNext(2, digitaloceantest.Match{Operation: "apps_get_logs"}, digitaloceantest.Fault{Status: http.StatusTooManyRequests})
		var causes []error
		opts := &do.FollowLogsOptions{
			LogsOptions: do.LogsOptions{Type: do.AppLogTypeRun, Component: "web"},
			OnReconnect: func(_ int, _ time.Duration, cause error) { causes = append(causes, cause) },
		}
		got, err := follow(t, f.c.Apps.FollowLogs(t.Context(), f.appID, opts), until("server listening on :8080"))
		require.NoError(t, err)
		assert.Equal(t, []string{"server listening on :8080"}, got)
		require.Len(t, causes, 2)
		for _, cause := range causes {
			assert.ErrorIs(t, cause, do.ErrRateLimited)
		}
	})
}
