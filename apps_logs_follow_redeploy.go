package digitalocean

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"
)

// LogGapError is yielded by FollowLogs, as the error of one iteration, when
// lines of a deployment it was following could not be read after a
// redeploy replaced it: the deployment's lines after Since may be missing.
// It does not end the iteration: FollowLogs goes on with Next. A loop that
// returns on every error therefore stops at a gap; to keep following, test
// for it with errors.As and continue.
type LogGapError struct {
	// DeploymentID is the deployment whose lines may be missing.
	DeploymentID string
	// Since is the timestamp of the last line yielded from it; zero when
	// none was (then any of its lines may be missing).
	Since time.Time
	// Next is the deployment FollowLogs goes on with.
	Next string
	// Err is why the lines could not be read: the last error of the
	// reconnections, or the API's answer that they are gone (404).
	Err error
}

func (e *LogGapError) Error() string {
	since := ""
	if !e.Since.IsZero() {
		since = " after " + e.Since.Format(time.RFC3339Nano)
	}
	return fmt.Sprintf("digitalocean: following logs: lines of deployment %s%s may be missing, going on with deployment %s: %s", e.DeploymentID, since, e.Next, causeText(e.Err))
}

func (e *LogGapError) Unwrap() error { return e.Err }

// errRedeployChainTooLong is the Err of a LogGapError for deployments that
// FollowLogs could not name because more than maxRedeployHops redeploys
// came while it was away.
var errRedeployChainTooLong = errors.New("digitalocean: too many redeploys while reconnecting to name the deployments in between")

// maxRedeployHops bounds the deployments FollowLogs looks up, walking back
// from the active one through PreviousDeploymentID, to find the one that
// replaced the deployment it was reading.
const maxRedeployHops = 8

// runStep is what run does after a connection.
type runStep int

const (
	runReconnect runStep = iota // back off, then reconnect
	runMovedOn                  // moved to the next deployment: connect at once
	runStop                     // the run is over
)

// locate looks up the app's active deployment, to follow it by its ID.
// ok is false when the lookup failed; res then says how.
func (f *logFollower) locate(ctx context.Context, yield func(LogLine, error) bool) (res connResult, ok bool) {
	app, _, err := f.s.Get(ctx, f.appID)
	if err != nil {
		return f.lookupFailed(ctx, err, yield), false
	}
	if app.ActiveDeployment != nil {
		f.deployment = app.ActiveDeployment.ID
	}
	return connResult{}, true
}

// lookupFailed turns a failed app or deployment lookup into the result of
// a connection: final (yielded) or a cause to reconnect.
func (f *logFollower) lookupFailed(ctx context.Context, err error, yield func(LogLine, error) bool) connResult {
	if ctx.Err() != nil {
		err = ctx.Err()
	}
	if ctx.Err() != nil || !retryableLogsError(err) {
		yield(LogLine{}, err)
		return connResult{stop: true}
	}
	return connResult{cause: err}
}

// afterConnection decides, while following the active deployment, what
// the end of a connection means: the deployment being read may have been
// replaced by a redeploy. It may set res.cause to the reason to reconnect.
func (f *logFollower) afterConnection(ctx context.Context, res *connResult, yield func(LogLine, error) bool) runStep {
	if !f.following || f.deployment == "" {
		if res.ended {
			return runStop // the logs can no longer grow
		}
		return runReconnect
	}
	if f.successor == "" {
		succ, skipped, err := f.successorOf(ctx)
		if err != nil {
			lookup := f.lookupFailed(ctx, err, yield)
			if lookup.stop {
				return runStop
			}
			res.cause = lookup.cause // an ended archive is read again: nothing is yielded twice
			return runReconnect
		}
		if succ == "" {
			if res.ended {
				return runStop // no deployment replaced it: the logs can no longer grow
			}
			return runReconnect
		}
		f.successor, f.skipped = succ, skipped
	}
	// The deployment was replaced: it is read to its end, or its gap said.
	var gap error
	switch {
	case res.ended, res.draining && errors.Is(res.cause, ErrLiveLogEnded):
		// Its archive was read, or a live stream opened once it was
		// replaced ended normally. A live stream opened before may have
		// ended for another reason (an expired URL): read it once more.
	case logsGone(res.cause):
		gap = res.cause
	default:
		return runReconnect // the next connection reads it to its end
	}
	if !f.moveOn(gap, yield) {
		return runStop
	}
	return runMovedOn
}

// successorOf looks up the deployment that replaced the one being read:
// "" while it is still the active one (or the app has none). It walks back
// from the active deployment through PreviousDeploymentID, so deployments
// that were active in between are read too; skipped reports deployments
// in between that could not be named.
func (f *logFollower) successorOf(ctx context.Context) (succ string, skipped *LogGapError, err error) {
	app, _, err := f.s.Get(ctx, f.appID)
	if err != nil {
		return "", nil, err
	}
	d := app.ActiveDeployment
	if d == nil || d.ID == f.deployment {
		return "", nil, nil
	}
	// An empty PreviousDeploymentID (a field the spec does not list) is
	// taken to mean that d replaced the deployment being read.
	for hops := 0; d.PreviousDeploymentID != "" && d.PreviousDeploymentID != f.deployment; hops++ {
		if hops == maxRedeployHops {
			return d.ID, &LogGapError{DeploymentID: d.PreviousDeploymentID, Next: d.ID, Err: errRedeployChainTooLong}, nil
		}
		prev, _, err := f.s.GetDeployment(ctx, f.appID, d.PreviousDeploymentID)
		switch {
		case err != nil && (ctx.Err() != nil || retryableLogsError(err)):
			return "", nil, err
		case err != nil: // the deployment in between is gone: its lines too
			return d.ID, &LogGapError{DeploymentID: d.PreviousDeploymentID, Next: d.ID, Err: err}, nil
		}
		d = prev
	}
	return d.ID, nil, nil
}

// moveOn leaves the deployment being read for its successor. cause, when
// set, is why its lines could not all be read: the gap is yielded first.
// It reports false when the caller broke the loop.
func (f *logFollower) moveOn(cause error, yield func(LogLine, error) bool) bool {
	var gaps []*LogGapError
	if cause != nil {
		gap := &LogGapError{DeploymentID: f.deployment, Next: f.successor, Err: cause}
		if f.seen {
			gap.Since = f.newest
		}
		gaps = append(gaps, gap)
	}
	if f.skipped != nil {
		gaps = append(gaps, f.skipped)
	}
	f.deployment, f.successor, f.skipped = f.successor, "", nil
	f.fresh, f.seen, f.newest, f.atNewest = true, false, time.Time{}, f.atNewest[:0]
	for _, gap := range gaps {
		if !yield(LogLine{}, gap) {
			return false
		}
	}
	return true
}

// logsGone reports whether an error says a deployment's logs are no longer
// there: the API or the log host answered 404 or 410.
func logsGone(err error) bool {
	var apiErr *Error
	return errors.As(err, &apiErr) && (apiErr.StatusCode == http.StatusNotFound || apiErr.StatusCode == http.StatusGone)
}
