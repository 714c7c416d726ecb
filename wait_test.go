package digitalocean

import (
	"context"
	"errors"
	"math"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestWaitOptionsIntervals(t *testing.T) {
	s := time.Second
	cases := []struct {
		opts           *WaitOptions
		first, ceiling time.Duration
	}{
		{nil, 1 * s, 30 * s},
		{&WaitOptions{}, 1 * s, 30 * s},
		{&WaitOptions{MinInterval: 5 * s}, 5 * s, 30 * s},
		{&WaitOptions{MaxInterval: 10 * s}, 1 * s, 10 * s},
		{&WaitOptions{MinInterval: 20 * s, MaxInterval: 10 * s}, 20 * s, 20 * s}, // the ceiling is never below the first wait
		{&WaitOptions{MinInterval: -s, MaxInterval: -s}, 1 * s, 30 * s},
	}
	for _, tc := range cases {
		first, ceiling := tc.opts.intervals()
		assert.Equal(t, tc.first, first, "%+v", tc.opts)
		assert.Equal(t, tc.ceiling, ceiling, "%+v", tc.opts)
	}
}

// pollTimes runs poll until check has been called n times and returns the
// gaps between calls.
func pollTimes(t *testing.T, opts *WaitOptions, n int) []time.Duration {
	t.Helper()
	var at []time.Time
	err := poll(context.Background(), opts, func(context.Context, int) (bool, error) {
		at = append(at, time.Now())
		return len(at) == n, nil
	})
	require.NoError(t, err)
	var gaps []time.Duration
	for i := 1; i < len(at); i++ {
		gaps = append(gaps, at[i].Sub(at[i-1]))
	}
	return gaps
}

func TestPollBackoff(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ms := time.Millisecond
		assert.Equal(t, []time.Duration{100 * ms, 200 * ms, 400 * ms, 500 * ms, 500 * ms},
			pollTimes(t, &WaitOptions{MinInterval: 100 * ms, MaxInterval: 500 * ms}, 6))
		assert.Equal(t, []time.Duration{3 * time.Second, 3 * time.Second, 3 * time.Second},
			pollTimes(t, &WaitOptions{MinInterval: 3 * time.Second, MaxInterval: 3 * time.Second}, 4))
	})
}

func TestBackoffDoublingSaturates(t *testing.T) {
	s := time.Second
	assert.Equal(t, 2*s, doubled(s, 30*s))
	assert.Equal(t, 30*s, doubled(16*s, 30*s))
	assert.Equal(t, 30*s, doubled(15*s, 30*s))
	assert.Equal(t, 30*s, doubled(30*s, 30*s))
	huge := time.Duration(math.MaxInt64)
	assert.Equal(t, time.Duration(1<<62), doubled(1<<61, huge))
	assert.Equal(t, huge, doubled(1<<62, huge), "doubling must saturate, not wrap negative")
	assert.Equal(t, huge, doubled(huge, huge))
}

func TestPollCheckErrorEndsWait(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		boom := errors.New("boom")
		calls := 0
		start := time.Now()
		err := poll(context.Background(), nil, func(context.Context, int) (bool, error) {
			calls++
			if calls == 2 {
				return false, boom
			}
			return false, nil
		})
		assert.Same(t, boom, err, "the check's error is returned as is")
		assert.Equal(t, 2, calls)
		assert.Equal(t, time.Second, time.Since(start))
	})
}

func TestPollDoneWithErrorReturnsError(t *testing.T) {
	boom := errors.New("failed state")
	err := poll(context.Background(), nil, func(context.Context, int) (bool, error) { return true, boom })
	assert.Same(t, boom, err)
}

func TestPollContextCancelled(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		time.AfterFunc(2500*time.Millisecond, cancel)
		calls := 0
		start := time.Now()
		err := poll(ctx, nil, func(context.Context, int) (bool, error) {
			calls++
			return false, nil
		})
		require.ErrorIs(t, err, context.Canceled)
		assert.Equal(t, 2500*time.Millisecond, time.Since(start), "cancellation interrupts the sleep")
		assert.Equal(t, 2, calls, "polls at 0s and 1s; the next would be at 3s")
	})
}
