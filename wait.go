package digitalocean

import (
	"context"
	"fmt"
	"time"
)

// WaitOptions tunes a waiter. nil means defaults: first poll after 1s,
// doubling to at most 30s between polls, until ctx ends.
type WaitOptions struct {
	// MinInterval is the first wait between polls.
	MinInterval time.Duration
	// MaxInterval caps the wait between polls.
	MaxInterval time.Duration
	// OnPoll, if set, is called after every poll with the observed state
	// (an action status or a deployment phase), for progress output.
	OnPoll func(state string)
	// OnProgress, if set, is called after every poll, after OnPoll, with
	// the object read: the deployment with its progress steps, or the
	// action. It runs on the waiter's goroutine; the objects are the
	// waiter's own and must not be modified.
	OnProgress func(WaitProgress)
}

// WaitProgress is what a waiter read at one poll.
type WaitProgress struct {
	// Poll counts the polls, from 1.
	Poll int
	// State is the action status or the deployment phase, as OnPoll gets
	// it.
	State string
	// Deployment is the deployment read, for WaitForDeployment and
	// WaitForAppDeployment; its Progress holds the steps. Nil otherwise.
	Deployment *Deployment
	// Action is the action read, for Actions.Wait; nil otherwise.
	Action *Action
}

// report hands one poll's result to the callbacks that are set.
func (o *WaitOptions) report(p WaitProgress) {
	if o == nil {
		return
	}
	if o.OnPoll != nil {
		o.OnPoll(p.State)
	}
	if o.OnProgress != nil {
		o.OnProgress(p)
	}
}

func (o *WaitOptions) intervals() (first, ceiling time.Duration) {
	first, ceiling = time.Second, 30*time.Second
	if o != nil && o.MinInterval > 0 {
		first = o.MinInterval
	}
	if o != nil && o.MaxInterval > 0 {
		ceiling = o.MaxInterval
	}
	return first, max(first, ceiling)
}

// poll calls check until it reports done or fails, sleeping with capped
// exponential backoff in between; n counts the calls, from 1. A failed
// check (for example a network error that outlived the client's retries)
// ends the wait with that error.
func poll(ctx context.Context, opts *WaitOptions, check func(ctx context.Context, n int) (bool, error)) error {
	delay, ceiling := opts.intervals()
	for n := 1; ; n++ {
		done, err := check(ctx, n)
		if done || err != nil {
			return err
		}
		if err := sleepCtx(ctx, delay); err != nil {
			return fmt.Errorf("digitalocean: stopped waiting: %w", err)
		}
		delay = doubled(delay, ceiling)
	}
}

// doubled returns 2*d capped at ceiling, comparing by halves so that the
// doubling never overflows.
func doubled(d, ceiling time.Duration) time.Duration {
	if d < ceiling/2 {
		return d * 2
	}
	return ceiling
}
