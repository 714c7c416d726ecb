package digitalocean

import (
	"context"
	"fmt"
	"sync"
	"time"
)

// MaxPrefetch is the largest ListOptions.Prefetch accepted: more pages in
// flight buy little once requests overlap, and would burn through the
// API's burst limit. With Prefetch above 2, give the client a transport
// whose MaxIdleConnsPerHost is at least Prefetch, or connections beyond
// http.DefaultTransport's two idle ones are reopened for every page.
const MaxPrefetch = 16

// pageResult is one fetched page on its way to the consumer.
type pageResult[T any] struct {
	items []T
	resp  *Response
	err   error
}

// prefetcher walks a list whose length is known, keeping up to window
// pages fetched ahead of the consumer. Only the iterating goroutine
// touches next, last and queue; the fetching goroutines report through
// their own buffered channel and, for rate-limit accounting, under mu.
type prefetcher[T any] struct {
	ctx     context.Context
	fetch   pageFetcher[T]
	perPage int
	window  int // most pages launched and not yet yielded
	next    int // next page number to launch
	last    int // last page number the first response announced
	queue   []chan pageResult[T]
	wg      sync.WaitGroup

	mu        sync.Mutex
	active    int       // requests in flight
	remaining int       // requests left in the rate-limit window; -1 when not reported
	reset     time.Time // when that window resets
}

// prefetchPages is paginate with up to window pages fetched in parallel.
// The first page is fetched alone: its meta.total (or its last link) tells
// how many pages follow. Items and errors are yielded in list order, and
// leaving the loop cancels and waits for every fetch still running, so no
// goroutine outlives the iteration. Pages past the announced last one (a
// list that grew meanwhile), or all pages when the first response tells
// no length, are followed one at a time through the links, as paginate
// does.
func prefetchPages[T any](ctx context.Context, first ListOptions, window int, fetch pageFetcher[T], yield func(T, error) bool) {
	var zero T
	if err := ctx.Err(); err != nil {
		yield(zero, err)
		return
	}
	ctx, cancel := context.WithCancel(ctx)
	p := &prefetcher[T]{ctx: ctx, fetch: fetch, perPage: first.PerPage, window: window, remaining: -1}
	defer p.wg.Wait() // runs after cancel: in-flight fetches end promptly
	defer cancel()

	page := ListOptions{Page: first.Page, PerPage: first.PerPage}
	items, resp, err := fetch(ctx, page)
	if err != nil {
		yield(zero, err)
		return
	}
	if resp == nil || len(items) == 0 {
		yieldAll(items, yield)
		return
	}
	p.observe(resp)
	p.next, p.last = page.Page+1, lastPageOf(resp, page)
	p.launch() // the next pages load while the consumer reads this one

	if !yieldAll(items, yield) {
		return
	}
	for len(p.queue) > 0 {
		if err := ctx.Err(); err != nil { // pages already fetched are dropped, as paginate would not fetch them
			yield(zero, err)
			return
		}
		res := <-p.queue[0]
		p.queue = p.queue[1:]
		page.Page++
		if res.err != nil {
			yield(zero, res.err)
			return
		}
		if res.resp == nil || len(res.items) == 0 {
			return // the list shrank since the first page
		}
		resp = res.resp
		p.launch()
		if !yieldAll(res.items, yield) {
			return
		}
	}
	followLinks(ctx, page, resp, fetch, yield)
}

// followLinks continues a walk one page at a time from the page that resp
// answered, for as long as its next link points further on.
func followLinks[T any](ctx context.Context, page ListOptions, resp *Response, fetch pageFetcher[T], yield func(T, error) bool) {
	var zero T
	for {
		next, ok := resp.NextPage()
		if !ok {
			return
		}
		if next <= page.Page {
			yield(zero, fmt.Errorf("%w: page %d links to page %d", ErrPaginationLoop, page.Page, next))
			return
		}
		if err := ctx.Err(); err != nil {
			yield(zero, err)
			return
		}
		page.Page = next
		items, r, err := fetch(ctx, page)
		if err != nil {
			yield(zero, err)
			return
		}
		if r == nil || len(items) == 0 {
			yieldAll(items, yield)
			return
		}
		if !yieldAll(items, yield) {
			return
		}
		resp = r
	}
}

// yieldAll yields items in order and reports whether the consumer wants more.
func yieldAll[T any](items []T, yield func(T, error) bool) bool {
	for _, item := range items {
		if !yield(item, nil) {
			return false
		}
	}
	return true
}

// lastPageOf is the number of the list's last page as the response states
// it: from meta.total, else from the last link; 0 when it says neither.
func lastPageOf(resp *Response, page ListOptions) int {
	if total := resp.Meta.Total; total > 0 && page.PerPage > 0 {
		return (total + page.PerPage - 1) / page.PerPage
	}
	if last, ok := resp.LastPage(); ok {
		return last
	}
	return 0
}

// launch starts fetches until window pages are pending, the list's end is
// reached, or the rate limit has no room for another request.
func (p *prefetcher[T]) launch() {
	for len(p.queue) < p.window && p.next <= p.last && p.mayStart() {
		p.start(p.next)
		p.next++
	}
}

// mayStart reports whether one more concurrent request fits in what is
// left of the rate-limit window. With nothing in flight one request always
// starts: the client's own pacing makes it wait for the window's reset.
func (p *prefetcher[T]) mayStart() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.active == 0 || p.remaining < 0 || p.active < p.remaining
}

func (p *prefetcher[T]) start(n int) {
	done := make(chan pageResult[T], 1) // buffered: the sender never blocks
	p.queue = append(p.queue, done)
	p.mu.Lock()
	p.active++
	p.mu.Unlock()
	p.wg.Add(1)
	go func() {
		defer p.wg.Done()
		items, resp, err := p.fetch(p.ctx, ListOptions{Page: n, PerPage: p.perPage})
		p.mu.Lock()
		p.active--
		p.observeLocked(resp)
		p.mu.Unlock()
		done <- pageResult[T]{items: items, resp: resp, err: err}
	}()
}

// observe records the rate-limit state a response reported.
func (p *prefetcher[T]) observe(resp *Response) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.observeLocked(resp)
}

// observeLocked keeps the state of the newest window (latest reset) and,
// within it, the lowest remaining count: responses to parallel requests
// arrive in any order.
func (p *prefetcher[T]) observeLocked(resp *Response) {
	if resp == nil || resp.Rate.Limit <= 0 {
		return
	}
	r := resp.Rate
	newer := p.remaining < 0 || r.Reset.After(p.reset)
	if newer || (r.Reset.Equal(p.reset) && r.Remaining < p.remaining) {
		p.remaining, p.reset = r.Remaining, r.Reset
	}
}
