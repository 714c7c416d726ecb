package digitalocean

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"net/http"
	"net/url"
	"strconv"
	"time"
)

// MaxPerPage is the largest page size the API serves.
const MaxPerPage = 200

// ListOptions selects one page of a list. Zero values use the API's
// defaults (page 1, 20 items); iterators default to MaxPerPage.
type ListOptions struct {
	// Page is the 1-based page number.
	Page int `url:"page,omitempty"`
	// PerPage is the page size, at most MaxPerPage.
	PerPage int `url:"per_page,omitempty"`
	// Prefetch is how many pages an iterator fetches ahead in parallel once
	// the first page has told the list's length (0: one page at a time), at
	// most MaxPrefetch. Items still arrive in order, and no more requests
	// run at once than the rate limit has left. List methods ignore it.
	Prefetch int `url:"-"`
}

func (o *ListOptions) validate() error {
	if o == nil {
		return nil
	}
	if o.Page < 0 {
		return &ArgumentError{Name: "ListOptions.Page", Reason: fmt.Sprintf("must not be negative, got %d", o.Page)}
	}
	if o.PerPage < 0 || o.PerPage > MaxPerPage {
		return &ArgumentError{Name: "ListOptions.PerPage", Reason: fmt.Sprintf("must be between 1 and %d, got %d", MaxPerPage, o.PerPage)}
	}
	if o.Prefetch < 0 || o.Prefetch > MaxPrefetch {
		return &ArgumentError{Name: "ListOptions.Prefetch", Reason: fmt.Sprintf("must be between 0 and %d, got %d", MaxPrefetch, o.Prefetch)}
	}
	return nil
}

// Response is the HTTP response of an API call, with the API's metadata
// parsed. Its body has been read and closed.
type Response struct {
	*http.Response

	// Rate is the rate-limit state the response reported.
	Rate Rate
	// Links holds the pagination links of a list response.
	Links Links
	// Meta holds the metadata of a list response.
	Meta Meta
	// RequestID is the x-request-id header.
	RequestID string
	// Attempts is the number of times the request was sent.
	Attempts int
	// GoneOnRetry is set on a DELETE that succeeded this way: an earlier
	// attempt may have been applied (a 5xx or a lost connection) and the
	// retry found nothing (404). The resource is gone, most likely deleted
	// by that earlier attempt; see docs/retries.md.
	GoneOnRetry bool
	// Recovered is set when the call's outcome was unknown (its response
	// was lost after it may have been applied) and a read established that
	// it was applied: this is then the read's response. See the Recovery
	// section of docs/retries.md.
	Recovered bool
}

func newResponse(r *http.Response, received time.Time) *Response {
	return &Response{
		Response:  r,
		Rate:      parseRate(r.Header, received),
		RequestID: headerValue(r.Header, "X-Request-Id"),
	}
}

// Links are the pagination links of a list response.
type Links struct {
	Pages PageLinks `json:"pages,omitzero"`
}

// PageLinks are absolute URLs of neighbouring pages; empty when absent.
type PageLinks struct {
	First string `json:"first,omitempty"`
	Prev  string `json:"prev,omitempty"`
	Next  string `json:"next,omitempty"`
	Last  string `json:"last,omitempty"`
}

// Meta is the metadata of a list response.
type Meta struct {
	// Total is the number of items in the whole list.
	Total int `json:"total"`
}

// pageData is embedded in every list envelope so that call can copy the
// links and meta onto the Response.
type pageData struct {
	Links Links `json:"links,omitzero"`
	Meta  Meta  `json:"meta,omitzero"`
}

func (p *pageData) pageInfo() *pageData { return p }

type pager interface{ pageInfo() *pageData }

// NextPage returns the number of the next page, or false on the last page.
func (r *Response) NextPage() (int, bool) { return pageNumber(r.Links.Pages.Next) }

// LastPage returns the number of the last page, or false when not known
// (the API omits it on the last page itself).
func (r *Response) LastPage() (int, bool) { return pageNumber(r.Links.Pages.Last) }

// pageNumber reads the page query parameter of a pagination link.
func pageNumber(link string) (int, bool) {
	if link == "" {
		return 0, false
	}
	u, err := url.Parse(link)
	if err != nil {
		return 0, false
	}
	n, err := strconv.Atoi(u.Query().Get("page"))
	if err != nil || n < 1 {
		return 0, false
	}
	return n, true
}

// ErrPaginationLoop is returned by an iterator when the server sends a page
// it has already sent, which would otherwise loop forever.
var ErrPaginationLoop = errors.New("digitalocean: pagination loop: server repeated a page")

// pageFetcher fetches one page of a list.
type pageFetcher[T any] func(ctx context.Context, page ListOptions) ([]T, *Response, error)

// paginate walks a list page by page, asking for MaxPerPage items unless
// opts says otherwise, and stops fetching as soon as the loop breaks.
func paginate[T any](ctx context.Context, opts *ListOptions, fetch pageFetcher[T]) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		var zero T
		cur := ListOptions{Page: 1, PerPage: MaxPerPage}
		if opts != nil {
			if err := opts.validate(); err != nil {
				yield(zero, err)
				return
			}
			if opts.Page > 0 {
				cur.Page = opts.Page
			}
			if opts.PerPage > 0 {
				cur.PerPage = opts.PerPage
			}
			if opts.Prefetch > 0 { // see prefetch.go
				prefetchPages(ctx, cur, opts.Prefetch, fetch, yield)
				return
			}
		}
		seen := map[int]bool{}
		for {
			if err := ctx.Err(); err != nil {
				yield(zero, err)
				return
			}
			seen[cur.Page] = true
			items, resp, err := fetch(ctx, cur)
			if err != nil {
				yield(zero, err)
				return
			}
			for _, item := range items {
				if !yield(item, nil) {
					return
				}
			}
			if resp == nil || len(items) == 0 {
				return
			}
			next, ok := resp.NextPage()
			if !ok {
				return
			}
			if seen[next] {
				yield(zero, fmt.Errorf("%w: page %d links to page %d again", ErrPaginationLoop, cur.Page, next))
				return
			}
			cur.Page = next
		}
	}
}
