package digitalocean

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// fakeList is a list of the integers 1..total served page by page, with
// per-page latency on the (synctest) clock, for driving paginate directly.
type fakeList struct {
	total   int
	latency func(page int) time.Duration // nil: 10ms for every page
	fail    map[int]error                // pages that answer with an error
	pages   map[int][]int                // pages served instead of the computed ones
	next    map[int]int                  // next links that replace the computed ones
	noMeta  bool                         // omit meta.total
	rate    *Rate                        // rate-limit state every response reports

	mu        sync.Mutex
	calls     map[int]int // page number → times fetched
	fetches   int         // all fetches, for fakeListMaxFetches
	active    int
	maxActive int
	cancelled int // fetches that ended because the iteration stopped
}

// fakeListMaxFetches caps the fetches of one fakeList, so that a test of
// loop detection or early stopping fails with a message when it regresses
// instead of paging forever on the fake clock.
const fakeListMaxFetches = 500

func (f *fakeList) fetch(ctx context.Context, opts ListOptions) ([]int, *Response, error) {
	f.mu.Lock()
	if f.calls == nil {
		f.calls = map[int]int{}
	}
	f.fetches++
	if f.fetches > fakeListMaxFetches {
		f.mu.Unlock()
		return nil, nil, fmt.Errorf("fakeList: more than %d fetches: the iteration does not stop", fakeListMaxFetches)
	}
	f.calls[opts.Page]++
	f.active++
	f.maxActive = max(f.maxActive, f.active)
	f.mu.Unlock()
	defer func() {
		f.mu.Lock()
		f.active--
		f.mu.Unlock()
	}()

	delay := 10 * time.Millisecond
	if f.latency != nil {
		delay = f.latency(opts.Page)
	}
	select {
	case <-time.After(delay):
	case <-ctx.Done():
		f.mu.Lock()
		f.cancelled++
		f.mu.Unlock()
		return nil, nil, ctx.Err()
	}
	if err := f.fail[opts.Page]; err != nil {
		return nil, nil, err
	}

	last := (f.total + opts.PerPage - 1) / opts.PerPage
	items, ok := f.pages[opts.Page]
	if !ok {
		for v := (opts.Page-1)*opts.PerPage + 1; v <= min(opts.Page*opts.PerPage, f.total); v++ {
			items = append(items, v)
		}
	}
	resp := &Response{Response: &http.Response{StatusCode: http.StatusOK, Header: http.Header{}}}
	if !f.noMeta {
		resp.Meta.Total = f.total
	}
	next := opts.Page + 1
	if n, ok := f.next[opts.Page]; ok {
		next = n
	}
	if n, ok := f.next[opts.Page]; (ok && n > 0) || (!ok && opts.Page < last) {
		resp.Links.Pages.Next = fmt.Sprintf("https://api.example/v2/things?page=%d&per_page=%d", next, opts.PerPage)
	}
	if f.rate != nil {
		resp.Rate = *f.rate
	}
	return items, resp, nil
}

func (f *fakeList) fetchCounts() (calls map[int]int, maxActive int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	calls = map[int]int{}
	for k, v := range f.calls {
		calls[k] = v
	}
	return calls, f.maxActive
}

func (f *fakeList) stillActive() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.active
}

// collect runs paginate over f and returns the items, and the error if
// one was yielded. It fails the test if anything is yielded after an error.
func collect(t *testing.T, ctx context.Context, f *fakeList, opts *ListOptions) ([]int, error) {
	t.Helper()
	var got []int
	var gotErr error
	for v, err := range paginate(ctx, opts, f.fetch) {
		require.NoError(t, gotErr, "nothing may follow an error")
		if err != nil {
			gotErr = err
			continue
		}
		got = append(got, v)
	}
	return got, gotErr
}

func seq(from, to int) []int {
	var s []int
	for v := from; v <= to; v++ {
		s = append(s, v)
	}
	return s
}

func TestPrefetchYieldsInOrderAndFetchesEachPageOnce(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		// Later pages answer sooner, so responses arrive out of order.
		f := &fakeList{total: 1000, latency: func(page int) time.Duration { return time.Duration(40-page) * time.Millisecond }}
		got, err := collect(t, t.Context(), f, &ListOptions{PerPage: 30, Prefetch: 4})
		require.NoError(t, err)
		assert.Equal(t, seq(1, 1000), got)

		calls, maxActive := f.fetchCounts()
		assert.Len(t, calls, 34, "ceil(1000/30) requests")
		for page, n := range calls {
			assert.Equal(t, 1, n, "page %d fetched %d times", page, n)
		}
		assert.Equal(t, 4, maxActive, "Prefetch pages in flight at once, no more")
	})
}

func TestPrefetchRequestCountWithDefaultPageSize(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		for _, total := range []int{1, 199, 200, 201, 10_000} {
			f := &fakeList{total: total}
			got, err := collect(t, t.Context(), f, &ListOptions{Prefetch: 3})
			require.NoError(t, err)
			assert.Len(t, got, total)
			calls, _ := f.fetchCounts()
			assert.Len(t, calls, (total+MaxPerPage-1)/MaxPerPage, "total %d", total)
		}
	})
}

func TestPrefetchStartsAtRequestedPage(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := &fakeList{total: 100}
		got, err := collect(t, t.Context(), f, &ListOptions{Page: 3, PerPage: 10, Prefetch: 2})
		require.NoError(t, err)
		assert.Equal(t, seq(21, 100), got)
		calls, _ := f.fetchCounts()
		assert.Len(t, calls, 8)
		assert.Zero(t, calls[1]+calls[2], "pages before the first are never fetched")
	})
}

func TestPrefetchEarlyBreakCancelsAndWaitsForFetches(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := &fakeList{total: 10_000}
		seen := 0
		for _, err := range paginate(t.Context(), &ListOptions{PerPage: 10, Prefetch: 5}, f.fetch) {
			require.NoError(t, err)
			seen++
			if seen == 25 {
				break
			}
		}
		require.Equal(t, 25, seen, "the loop ran up to its break")
		// The iterator has returned: every fetch it started has ended.
		assert.Zero(t, f.stillActive(), "no fetch outlives the loop")
		calls, _ := f.fetchCounts()
		assert.LessOrEqual(t, len(calls), 3+5, "pages read plus the prefetch window")
		f.mu.Lock()
		assert.Positive(t, f.cancelled, "fetches in flight were cancelled, not awaited to completion")
		f.mu.Unlock()
		// synctest.Test itself fails if a goroutine of the bubble is left.
	})
}

func TestPrefetchErrorIsYieldedInOrder(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		boom := errors.New("page 3 failed")
		// Page 3 fails last; pages 4 and 5 are already back by then.
		f := &fakeList{
			total: 100,
			fail:  map[int]error{3: boom},
			latency: func(page int) time.Duration {
				return map[int]time.Duration{3: 50 * time.Millisecond}[page] + time.Millisecond
			},
		}
		got, err := collect(t, t.Context(), f, &ListOptions{PerPage: 10, Prefetch: 4})
		require.ErrorIs(t, err, boom)
		assert.Equal(t, seq(1, 20), got, "pages before the failing one, then its error, then nothing")
		assert.Zero(t, f.stillActive())
	})
}

func TestPrefetchFirstPageError(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		boom := errors.New("down")
		f := &fakeList{total: 100, fail: map[int]error{1: boom}}
		got, err := collect(t, t.Context(), f, &ListOptions{PerPage: 10, Prefetch: 4})
		require.ErrorIs(t, err, boom)
		assert.Empty(t, got)
		calls, _ := f.fetchCounts()
		assert.Len(t, calls, 1)
	})
}

func TestPrefetchStaysWithinRateLimit(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		reset := time.Now().Add(time.Minute)
		for _, tc := range []struct{ remaining, wantMax int }{{2, 2}, {0, 1}, {250, 6}} {
			f := &fakeList{total: 500, rate: &Rate{Limit: 250, Remaining: tc.remaining, Reset: reset}}
			got, err := collect(t, t.Context(), f, &ListOptions{PerPage: 20, Prefetch: 6})
			require.NoError(t, err)
			assert.Equal(t, seq(1, 500), got)
			_, maxActive := f.fetchCounts()
			assert.Equal(t, tc.wantMax, maxActive, "remaining %d", tc.remaining)
		}
	})
}

func TestPrefetchFollowsLinksPastAnnouncedEnd(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		// meta.total says 3 pages, but the list grew: page 3 links to 4.
		f := &fakeList{total: 30, next: map[int]int{3: 4, 4: 0}, pages: map[int][]int{4: {31, 32}}}
		got, err := collect(t, t.Context(), f, &ListOptions{PerPage: 10, Prefetch: 3})
		require.NoError(t, err)
		assert.Equal(t, seq(1, 32), got)
	})
}

func TestPrefetchWithoutLengthFallsBackToLinks(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := &fakeList{total: 50, noMeta: true}
		got, err := collect(t, t.Context(), f, &ListOptions{PerPage: 10, Prefetch: 4})
		require.NoError(t, err)
		assert.Equal(t, seq(1, 50), got)
		_, maxActive := f.fetchCounts()
		assert.Equal(t, 1, maxActive, "length unknown: one page at a time")
	})
}

func TestPrefetchStopsWhenListShrinks(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := &fakeList{total: 100, pages: map[int][]int{3: {}}}
		got, err := collect(t, t.Context(), f, &ListOptions{PerPage: 10, Prefetch: 4})
		require.NoError(t, err)
		assert.Equal(t, seq(1, 20), got)
		assert.Zero(t, f.stillActive())
	})
}

func TestPrefetchLinkLoopIsAnError(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := &fakeList{total: 20, next: map[int]int{2: 1}}
		got, err := collect(t, t.Context(), f, &ListOptions{PerPage: 10, Prefetch: 2})
		require.ErrorIs(t, err, ErrPaginationLoop)
		assert.Equal(t, seq(1, 20), got)
	})
}

func TestPrefetchCancelledContext(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ctx, cancel := context.WithCancel(t.Context())
		defer cancel()
		f := &fakeList{total: 1000}
		seen := 0
		var gotErr error
		for _, err := range paginate(ctx, &ListOptions{PerPage: 10, Prefetch: 4}, f.fetch) {
			if err != nil {
				gotErr = err
				break
			}
			if seen++; seen == 15 {
				cancel()
			}
		}
		require.ErrorIs(t, gotErr, context.Canceled)
		assert.Equal(t, 20, seen, "the page in hand is finished, then the error")
		assert.Zero(t, f.stillActive())
	})
}

func TestPrefetchOptionIsValidated(t *testing.T) {
	for _, n := range []int{-1, MaxPrefetch + 1} {
		f := &fakeList{total: 10}
		_, err := collect(t, t.Context(), f, &ListOptions{Prefetch: n})
		var argErr *ArgumentError
		require.ErrorAs(t, err, &argErr, "Prefetch %d", n)
		assert.Equal(t, "ListOptions.Prefetch", argErr.Name)
		calls, _ := f.fetchCounts()
		assert.Empty(t, calls)
	}
}

// TestActionsAllPrefetchOverHTTP runs the option end to end through the
// client: page size, query string and request count.
func TestActionsAllPrefetchOverHTTP(t *testing.T) {
	const total = 1050
	var requests atomic.Int32
	var badQuery atomic.Value
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requests.Add(1)
		q := r.URL.Query()
		if q.Has("prefetch") || q.Get("per_page") != "200" {
			badQuery.Store(r.URL.RawQuery)
		}
		page, _ := strconv.Atoi(q.Get("page"))
		var body struct {
			Actions []map[string]any `json:"actions"`
			Meta    map[string]int   `json:"meta"`
		}
		for id := (page-1)*200 + 1; id <= min(page*200, total); id++ {
			body.Actions = append(body.Actions, map[string]any{"id": id, "status": "completed", "started_at": "2020-11-14T16:29:21Z"})
		}
		body.Meta = map[string]int{"total": total}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(body)
	}))
	defer srv.Close()
	c, err := New(WithToken("t"), WithBaseURL(srv.URL))
	require.NoError(t, err)

	want := 1
	for a, err := range c.Actions.All(t.Context(), &ListOptions{Prefetch: 3}) {
		require.NoError(t, err)
		require.Equal(t, want, a.ID)
		want++
	}
	assert.Equal(t, total+1, want)
	assert.EqualValues(t, 6, requests.Load(), "ceil(1050/200) requests")
	assert.Nil(t, badQuery.Load(), "Prefetch never reaches the query string")
}
