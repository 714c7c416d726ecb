package digitalocean

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"math/rand/v2"
	"net/http"
	"slices"
	"strconv"
	"time"
)

// DefaultResumeTailLines is how many of the last lines FollowLogs asks for
// on a reconnection, unless FollowLogsOptions.ResumeTailLines says otherwise.
const DefaultResumeTailLines = 500

// maxCheckpointLines bounds the lines FollowLogs remembers that share the
// newest timestamp it has seen.
const maxCheckpointLines = 4096

// FollowLogsOptions selects the logs FollowLogs follows and how it resumes
// after a dropped connection.
type FollowLogsOptions struct {
	// LogsOptions selects the logs as for GetLogs; Type is required and
	// Follow is implied. TailLines applies to the first connection (and to
	// a reconnection before any line arrived); a deployment moved to after
	// a redeploy is read from its first line. DeploymentID empty follows
	// the active deployment across redeploys.
	LogsOptions
	// ResumeTailLines is how many of the last lines a reconnection asks for
	// to find where the stream broke off; 0 means DefaultResumeTailLines.
	// If none of them was seen before (more lines came in the meantime),
	// FollowLogs asks once more for all of them, so no line the server
	// still has is skipped. TailAllLines always asks for all of them.
	ResumeTailLines int
	// MaxReconnects bounds the reconnections in a row that bring no new line;
	// 0 means 5. Then FollowLogs ends with a *FollowLogsError.
	MaxReconnects int
	// BaseDelay is the longest wait before the first reconnection of a run;
	// it doubles with each further one, up to MaxDelay. Each wait is drawn
	// between half that ceiling and the ceiling. 0 means 1s and 30s.
	BaseDelay, MaxDelay time.Duration
	// OnReconnect, if set, is called before each reconnection with its
	// number in the current run (from 1), the wait before it and what ended
	// the previous connection, for example to log it.
	OnReconnect func(attempt int, wait time.Duration, cause error)
}

// FollowLogsError ends FollowLogs when MaxReconnects reconnections in a row
// brought no new line.
type FollowLogsError struct {
	// Reconnects is the number of reconnections made in the run.
	Reconnects int
	// Err is what ended the last one.
	Err error
}

func (e *FollowLogsError) Error() string {
	return fmt.Sprintf("digitalocean: following logs: gave up after %d reconnections in a row without a new line: %s", e.Reconnects, causeText(e.Err))
}

func (e *FollowLogsError) Unwrap() error { return e.Err }

// ErrLiveLogEnded is the cause OnReconnect sees when a live log stream ended
// normally while the logs could still grow.
var ErrLiveLogEnded = errors.New("digitalocean: the live log stream ended")

// FollowLogs follows an app's logs like GetLogs with Follow and then
// StreamLogs, and survives a dropped connection or an expired live URL: it
// asks the API for a fresh URL, with backoff, and goes on where the stream
// broke off, without yielding a line twice or skipping one the server
// still has.
//
// To find its place it asks for the last ResumeTailLines lines and skips
// those up to the newest timestamp it has yielded (lines are
// "<component> <RFC 3339 timestamp> <message>"; several lines with that
// same timestamp are matched by text, and a line without a timestamp takes
// the one of the line before it). A line older than that newest timestamp
// that the server delivers only after the break is taken as already seen.
//
// With LogsOptions.DeploymentID empty it follows the app's active
// deployment by its ID (looked up with Get) across redeploys: when another
// deployment has replaced it, it first reads the replaced one to its end,
// yielding the lines it had not, then every line of the next one (each
// LogLine names its DeploymentID), walking through the deployments active
// in between. Lines it cannot read are never skipped silently: it yields a
// *LogGapError, as the error of one iteration, and goes on.
//
// It ends when the logs can no longer grow (the live URL gives way to
// archived ones, which are read to their end, and no deployment replaced
// them), when the loop breaks, when
// ctx ends (yielding ctx's error), at an error a retry cannot fix (bad
// options, a 4xx from the API, ErrLogLineTooLong), or with a
// *FollowLogsError after MaxReconnects reconnections without a new line.
// Like StreamLogs, it never sends the API token to the log host.
func (s *AppsService) FollowLogs(ctx context.Context, appID string, opts *FollowLogsOptions) iter.Seq2[LogLine, error] {
	return func(yield func(LogLine, error) bool) {
		f, err := newLogFollower(s, appID, opts)
		if err != nil {
			yield(LogLine{}, err)
			return
		}
		f.run(ctx, yield)
	}
}

// logFollower is one FollowLogs run and the place it has reached.
type logFollower struct {
	s     *AppsService
	appID string
	opts  FollowLogsOptions
	// following is set when opts.DeploymentID is empty: the follower reads
	// the app's active deployment by its ID and, after a redeploy, reads
	// the replaced one to its end before it moves on (apps_logs_follow_redeploy.go).
	following bool
	// deployment is the deployment being read: opts.DeploymentID, or while
	// following the active one as last looked up ("" while unknown or when
	// the app has none: then the active-deployment path is asked).
	deployment string
	// successor, when set, is the deployment that replaced the one being
	// read: that one is read to its end (or its gap reported), then the
	// follower moves on to successor.
	successor string
	// skipped, when set, names deployments between the one being read and
	// successor whose lines will not be read: yielded on moving on.
	skipped *LogGapError
	// fresh says the follower moved to deployment after a redeploy: none
	// of its lines was yielded, so the first connection asks for all.
	fresh bool
	// seen is set once a line of the deployment was yielded; newest is the
	// newest timestamp yielded and atNewest the texts yielded with it,
	// oldest first.
	seen     bool
	newest   time.Time
	atNewest []string
}

func newLogFollower(s *AppsService, appID string, opts *FollowLogsOptions) (*logFollower, error) {
	if err := requireID("appID", appID); err != nil {
		return nil, err
	}
	if opts == nil {
		return nil, &ArgumentError{Name: "FollowLogsOptions.Type", Reason: "is required: opts must not be nil"}
	}
	o := *opts
	if err := o.LogsOptions.check(); err != nil {
		return nil, err // before the app is looked up
	}
	switch {
	case o.ResumeTailLines < 0 && o.ResumeTailLines != TailAllLines:
		return nil, &ArgumentError{Name: "FollowLogsOptions.ResumeTailLines", Reason: "must be positive, 0 (the default) or TailAllLines (-1), got " + strconv.Itoa(o.ResumeTailLines)}
	case o.MaxReconnects < 0:
		return nil, &ArgumentError{Name: "FollowLogsOptions.MaxReconnects", Reason: "must not be negative, got " + strconv.Itoa(o.MaxReconnects)}
	case o.BaseDelay < 0 || o.MaxDelay < 0:
		return nil, &ArgumentError{Name: "FollowLogsOptions.BaseDelay", Reason: "BaseDelay and MaxDelay must not be negative"}
	}
	if o.ResumeTailLines == 0 {
		o.ResumeTailLines = DefaultResumeTailLines
	}
	if o.MaxReconnects == 0 {
		o.MaxReconnects = 5
	}
	if o.BaseDelay == 0 {
		o.BaseDelay = time.Second
	}
	if o.MaxDelay == 0 {
		o.MaxDelay = 30 * time.Second
	}
	return &logFollower{s: s, appID: appID, opts: o, following: o.DeploymentID == "", deployment: o.DeploymentID}, nil
}

// connResult is how one connection ended.
type connResult struct {
	stop     bool  // the run is over: nothing more to do
	progress bool  // at least one new line was yielded
	cause    error // what ended the connection, when the run goes on
	needAll  bool  // the tail did not reach back to the last line seen
	ended    bool  // archived logs were read to their end: they cannot grow
	draining bool  // the connection was opened after a redeploy replaced its deployment
}

func (f *logFollower) run(ctx context.Context, yield func(LogLine, error) bool) {
	attempt := 0
	for {
		res := f.connect(ctx, f.tail(), yield)
		if res.needAll {
			res = f.connect(ctx, TailAllLines, yield)
		}
		if res.stop {
			return
		}
		if res.progress {
			attempt = 0
		}
		switch f.afterConnection(ctx, &res, yield) {
		case runStop:
			return
		case runMovedOn:
			attempt = 0
			continue
		}
		attempt++
		if attempt > f.opts.MaxReconnects {
			if f.successor != "" {
				// The replaced deployment's logs stayed out of reach.
				if !f.moveOn(res.cause, yield) {
					return
				}
				attempt = 0
				continue
			}
			yield(LogLine{}, &FollowLogsError{Reconnects: attempt - 1, Err: res.cause})
			return
		}
		wait := f.backoff(attempt)
		if f.opts.OnReconnect != nil {
			f.opts.OnReconnect(attempt, wait, res.cause)
		}
		if err := sleepCtx(ctx, wait); err != nil {
			yield(LogLine{}, err)
			return
		}
	}
}

// tail is the tail_lines the next connection asks for.
func (f *logFollower) tail() int {
	switch {
	case f.seen:
		return f.opts.ResumeTailLines
	case f.fresh:
		return TailAllLines // every line of a deployment moved to is new
	}
	return f.opts.TailLines
}

// backoff is exponential with equal jitter: uniform in [c/2, c], c =
// min(MaxDelay, BaseDelay*2^(attempt-1)), so a reconnection always waits
// and many followers dropped at once do not come back together.
func (f *logFollower) backoff(attempt int) time.Duration {
	ceiling := f.opts.BaseDelay << min(attempt-1, 30)
	if ceiling <= 0 || ceiling > f.opts.MaxDelay {
		ceiling = f.opts.MaxDelay
	}
	return ceiling/2 + rand.N(ceiling-ceiling/2+1)
}

// connect asks for fresh log URLs with tail and reads them.
func (f *logFollower) connect(ctx context.Context, tail int, yield func(LogLine, error) bool) connResult {
	if f.following && f.deployment == "" {
		if res, ok := f.locate(ctx, yield); !ok {
			return res
		}
	}
	lo := f.opts.LogsOptions
	lo.DeploymentID, lo.Follow, lo.TailLines = f.deployment, true, tail
	logs, _, err := f.s.GetLogs(ctx, f.appID, &lo)
	if err != nil {
		if ctx.Err() != nil {
			err = ctx.Err()
		}
		if ctx.Err() == nil && f.successor != "" && !errors.Is(err, ErrInvalidArgument) {
			return connResult{cause: err} // run decides whether the replaced deployment's logs are gone
		}
		if ctx.Err() != nil || !retryableLogsError(err) {
			yield(LogLine{}, err)
			return connResult{stop: true}
		}
		return connResult{cause: err}
	}
	limited := f.seen && tail > 0
	if logs.LiveURL != "" {
		res := f.feed(ctx, f.s.StreamLogs(ctx, logs.LiveURL), limited, yield)
		if !res.stop && !res.needAll && res.cause == nil {
			res.cause = ErrLiveLogEnded
		}
		res.draining = f.successor != ""
		return res
	}
	// The logs can no longer grow: read the archive past our place.
	res := f.feed(ctx, f.s.archivedLines(ctx, logs.HistoricURLs), limited, yield)
	res.ended = !res.stop && !res.needAll && res.cause == nil
	return res
}

// archivedLines iterates over the lines of archived logs, one URL after
// the other.
func (s *AppsService) archivedLines(ctx context.Context, urls []string) iter.Seq2[LogLine, error] {
	return func(yield func(LogLine, error) bool) {
		for _, u := range urls {
			body, err := s.DownloadLogs(ctx, u)
			if err != nil {
				yield(LogLine{}, err)
				return
			}
			for line, err := range ReadLogLines(body) {
				if !yield(line, err) || err != nil {
					_ = body.Close()
					return
				}
			}
			_ = body.Close()
		}
	}
}

// retryableLogsError reports whether a failed GetLogs may work later: not
// for bad arguments or a 4xx other than 408 and 429.
func retryableLogsError(err error) bool {
	var apiErr *Error
	switch {
	case errors.Is(err, ErrInvalidArgument):
		return false
	case errors.As(err, &apiErr):
		return apiErr.StatusCode >= 500 || apiErr.StatusCode == http.StatusTooManyRequests || apiErr.StatusCode == http.StatusRequestTimeout
	}
	return true
}

// feed yields the new lines of one connection. limited says the
// connection was asked for a tail after lines were seen, so a first line
// that is already new means the tail may not reach back far enough.
func (f *logFollower) feed(ctx context.Context, lines iter.Seq2[LogLine, error], limited bool, yield func(LogLine, error) bool) connResult {
	var res connResult
	replaying := f.seen
	pending := slices.Clone(f.atNewest)
	skipped := 0
	var prev time.Time // effective timestamp of the connection's last line
	for line, err := range lines {
		if err != nil {
			if ctx.Err() != nil || errors.Is(err, ErrLogLineTooLong) || errors.Is(err, ErrInvalidArgument) {
				if ctx.Err() != nil {
					err = ctx.Err()
				}
				yield(LogLine{}, err)
				res.stop = true
				return res
			}
			res.cause = err
			return res
		}
		if !line.Timestamp.IsZero() {
			prev = line.Timestamp
		}
		if replaying {
			if f.alreadySeen(prev, line.Text, &pending) {
				skipped++
				continue
			}
			replaying = false
			if limited && skipped == 0 {
				res.needAll = true // breaking the loop closes the stream
				return res
			}
		}
		f.remember(prev, line.Text)
		res.progress = true
		line.DeploymentID = f.deployment
		if !yield(line, nil) {
			res.stop = true
			return res
		}
	}
	return res
}

// alreadySeen reports whether a replayed line was yielded before: older
// than the newest timestamp yielded, or one of the lines pending at it
// (then no longer pending).
func (f *logFollower) alreadySeen(ts time.Time, text string, pending *[]string) bool {
	switch ts.Compare(f.newest) {
	case -1:
		return true
	case 0:
		if i := slices.Index(*pending, text); i >= 0 {
			*pending = slices.Delete(*pending, i, i+1)
			return true
		}
	}
	return false
}

// remember moves the follower's place to a line just yielded.
func (f *logFollower) remember(ts time.Time, text string) {
	f.seen = true
	switch ts.Compare(f.newest) {
	case 1:
		f.newest = ts
		f.atNewest = append(f.atNewest[:0], text)
	case 0:
		if len(f.atNewest) < maxCheckpointLines {
			f.atNewest = append(f.atNewest, text)
		}
	}
}
