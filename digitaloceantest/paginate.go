package digitaloceantest

import (
	"net/url"
	"strconv"
)

const (
	defaultPerPage = 20
	maxPerPage     = 200
)

type pageLinks struct {
	First string `json:"first,omitempty"`
	Prev  string `json:"prev,omitempty"`
	Next  string `json:"next,omitempty"`
	Last  string `json:"last,omitempty"`
}

// paginate cuts one page out of items as the API does: page and per_page
// query parameters (default 20; validateParameters has checked them against
// the documents: integers, at least 1, per_page at most 200), absolute
// links to the pages that make sense (none when everything fits on one
// page) and, with withMeta, meta.total. It returns the page and the
// envelope to add the items to.
func paginate[T any](c *call, items []T, withMeta bool) ([]T, map[string]any) {
	q := c.r.URL.Query()
	page, perPage := 1, defaultPerPage
	if n, err := strconv.Atoi(q.Get("page")); err == nil && n > 0 {
		page = n
	}
	if n, err := strconv.Atoi(q.Get("per_page")); err == nil && n > 0 {
		perPage = min(n, maxPerPage)
	}
	total := len(items)
	last := max(1, (total+perPage-1)/perPage)
	start := min((page-1)*perPage, total)
	end := min(start+perPage, total)
	envelope := map[string]any{}
	if withMeta {
		envelope["meta"] = map[string]int{"total": total}
	}
	var links pageLinks
	link := func(n int) string {
		u := url.URL{Path: c.r.URL.Path}
		qq := url.Values{}
		for k, v := range q {
			qq[k] = v
		}
		qq.Set("page", strconv.Itoa(n))
		u.RawQuery = qq.Encode()
		return c.s.URL() + u.String()
	}
	if page > 1 {
		links.First = link(1)
		links.Prev = link(min(page-1, last))
	}
	if page < last {
		links.Next = link(page + 1)
		links.Last = link(last)
	}
	if links != (pageLinks{}) { // a single page has no links object
		envelope["links"] = map[string]any{"pages": links}
	}
	return items[start:end], envelope
}
