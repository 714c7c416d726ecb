package digitalocean

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestResponseRateAndRequestID(t *testing.T) {
	c, _ := newTestClient(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Ratelimit-Limit", "5000")
		w.Header().Set("Ratelimit-Remaining", "4816")
		w.Header().Set("Ratelimit-Reset", "1444931833")
		w.Header().Set("Retry-After", "30")
		w.Header().Set("X-Request-Id", "req-42")
		writeJSON(w, 200, `{"account":{"email":"a@b.c"}}`)
	}))
	_, resp, err := c.Account.Get(context.Background())
	require.NoError(t, err)
	assert.Equal(t, 5000, resp.Rate.Limit)
	assert.Equal(t, 4816, resp.Rate.Remaining)
	assert.True(t, resp.Rate.Reset.Equal(time.Unix(1444931833, 0)), "reset = %v", resp.Rate.Reset)
	assert.Equal(t, 30*time.Second, resp.Rate.RetryAfter)
	assert.Equal(t, "req-42", resp.RequestID)
	assert.Equal(t, 1, resp.Attempts)
	assert.Equal(t, 200, resp.StatusCode)
	assert.Equal(t, resp.Rate.Limit, c.Rate().Limit, "the client remembers the last rate")
	assert.Equal(t, resp.Rate.Remaining, c.Rate().Remaining)
}

func TestResponseRetryAfterHTTPDate(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		retryAt := time.Now().Add(90 * time.Second).UTC().Format(http.TimeFormat)
		c := newMemClient(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Retry-After", retryAt)
			writeJSON(w, 200, `{"account":{}}`)
		}))
		_, resp, err := c.Account.Get(context.Background())
		require.NoError(t, err)
		assert.Equal(t, 90*time.Second, resp.Rate.RetryAfter)
	})
}

func TestResponseRateIgnoresMalformedHeaders(t *testing.T) {
	c, _ := newTestClient(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Ratelimit-Limit", "lots")
		w.Header().Set("Ratelimit-Remaining", "-3")
		w.Header().Set("Ratelimit-Reset", "soon")
		w.Header().Set("Retry-After", "a while")
		writeJSON(w, 200, `{"account":{}}`)
	}))
	_, resp, err := c.Account.Get(context.Background())
	require.NoError(t, err)
	assert.Equal(t, Rate{}, resp.Rate)
}

func TestListResponseLinksMetaAndPages(t *testing.T) {
	var log requestLog
	c, _ := newTestClient(t, log.wrap(jsonHandler(200, `{
		"actions": [{"id": 1}, {"id": 2}],
		"links": {"pages": {
			"first": "https://api.digitalocean.com/v2/actions?page=1&per_page=2",
			"prev": "https://api.digitalocean.com/v2/actions?page=1&per_page=2",
			"next": "https://api.digitalocean.com/v2/actions?page=3&per_page=2",
			"last": "https://api.digitalocean.com/v2/actions?page=10&per_page=2"}},
		"meta": {"total": 20}}`)))

	actions, resp, err := c.Actions.List(context.Background(), &ListOptions{Page: 2, PerPage: 2})
	require.NoError(t, err)
	require.Len(t, actions, 2)
	assert.Equal(t, 20, resp.Meta.Total)
	assert.Equal(t, "https://api.digitalocean.com/v2/actions?page=1&per_page=2", resp.Links.Pages.First)
	assert.Equal(t, "https://api.digitalocean.com/v2/actions?page=1&per_page=2", resp.Links.Pages.Prev)
	next, ok := resp.NextPage()
	assert.True(t, ok)
	assert.Equal(t, 3, next)
	last, ok := resp.LastPage()
	assert.True(t, ok)
	assert.Equal(t, 10, last)
}

func TestLastPageResponseHasNoNextPage(t *testing.T) {
	c, _ := newTestClient(t, jsonHandler(200, `{"actions":[{"id":1}],
		"links":{"pages":{"first":"https://api.digitalocean.com/v2/actions?page=1","prev":"https://api.digitalocean.com/v2/actions?page=9"}},
		"meta":{"total":181}}`))
	_, resp, err := c.Actions.List(context.Background(), &ListOptions{Page: 10})
	require.NoError(t, err)
	_, ok := resp.NextPage()
	assert.False(t, ok)
	_, ok = resp.LastPage()
	assert.False(t, ok)
	assert.Equal(t, 181, resp.Meta.Total)
}

func TestPageNumber(t *testing.T) {
	cases := map[string]int{
		"https://api.digitalocean.com/v2/actions?page=4&per_page=2": 4,
		"/v2/actions?per_page=2&page=12":                            12,
		"https://api.digitalocean.com/v2/actions?page=0":            0,
		"https://api.digitalocean.com/v2/actions?page=-1":           0,
		"https://api.digitalocean.com/v2/actions?page=two":          0,
		"https://api.digitalocean.com/v2/actions":                   0,
		"":    0,
		"%zz": 0,
	}
	for link, want := range cases {
		n, ok := pageNumber(link)
		assert.Equal(t, want, n, link)
		assert.Equal(t, want > 0, ok, link)
	}
}

// actionPages serves /v2/actions as total actions with IDs 1..total, in
// pages of the requested size, with next links like the API's.
func actionPages(total int) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		page, _ := strconv.Atoi(r.URL.Query().Get("page"))
		perPage, _ := strconv.Atoi(r.URL.Query().Get("per_page"))
		if page < 1 {
			page = 1
		}
		if perPage < 1 {
			perPage = 20
		}
		body := map[string]any{"meta": map[string]any{"total": total}}
		var items []map[string]any
		for id := (page-1)*perPage + 1; id <= min(page*perPage, total); id++ {
			items = append(items, map[string]any{"id": id, "status": "completed"})
		}
		body["actions"] = items
		if page*perPage < total {
			body["links"] = map[string]any{"pages": map[string]any{
				"next": fmt.Sprintf("https://api.digitalocean.com/v2/actions?page=%d&per_page=%d", page+1, perPage),
			}}
		}
		writeJSON(w, 200, body)
	}
}

func collectIDs(t *testing.T, seq func(func(Action, error) bool)) ([]int, error) {
	t.Helper()
	var ids []int
	for a, err := range seq {
		if err != nil {
			return ids, err
		}
		ids = append(ids, a.ID)
	}
	return ids, nil
}

func TestAllAsksForMaxPerPageByDefault(t *testing.T) {
	var log requestLog
	c, _ := newTestClient(t, log.wrap(actionPages(450)))
	ids, err := collectIDs(t, c.Actions.All(context.Background(), nil))
	require.NoError(t, err)
	require.Len(t, ids, 450)
	for i, id := range ids {
		require.Equal(t, i+1, id, "items arrive in order")
	}
	reqs := log.all()
	require.Len(t, reqs, 3)
	for i, r := range reqs {
		assert.Equal(t, "/v2/actions", r.Path)
		assert.Equal(t, "200", r.Query.Get("per_page"))
		assert.Equal(t, strconv.Itoa(i+1), r.Query.Get("page"))
	}
}

func TestAllHonoursPerPageAndStartPage(t *testing.T) {
	var log requestLog
	c, _ := newTestClient(t, log.wrap(actionPages(23)))
	ids, err := collectIDs(t, c.Actions.All(context.Background(), &ListOptions{Page: 3, PerPage: 5}))
	require.NoError(t, err)
	assert.Equal(t, []int{11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23}, ids)
	reqs := log.all()
	require.Len(t, reqs, 3)
	for i, r := range reqs {
		assert.Equal(t, "5", r.Query.Get("per_page"))
		assert.Equal(t, strconv.Itoa(3+i), r.Query.Get("page"))
	}
}

func TestAllFollowsNextLinks(t *testing.T) {
	// The next links skip pages; the iterator follows them rather than
	// counting on its own.
	var log requestLog
	c, _ := newTestClient(t, log.wrap(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Query().Get("page") {
		case "1":
			writeJSON(w, 200, `{"actions":[{"id":1}],"links":{"pages":{"next":"https://api.digitalocean.com/v2/actions?page=5"}}}`)
		case "5":
			writeJSON(w, 200, `{"actions":[{"id":5}],"links":{"pages":{"next":"https://api.digitalocean.com/v2/actions?page=9"}}}`)
		case "9":
			writeJSON(w, 200, `{"actions":[{"id":9}]}`)
		default:
			writeJSON(w, 404, `{"id":"not_found","message":"no such page"}`)
		}
	})))
	ids, err := collectIDs(t, c.Actions.All(context.Background(), nil))
	require.NoError(t, err)
	assert.Equal(t, []int{1, 5, 9}, ids)
	assert.Equal(t, 3, log.count())
}

func TestAllStopsOnEmptyPage(t *testing.T) {
	var log requestLog
	c, _ := newTestClient(t, log.wrap(jsonHandler(200,
		`{"actions":[],"links":{"pages":{"next":"https://api.digitalocean.com/v2/actions?page=2"}}}`)))
	ids, err := collectIDs(t, c.Actions.All(context.Background(), nil))
	require.NoError(t, err)
	assert.Empty(t, ids)
	assert.Equal(t, 1, log.count())
}

func TestAllStopsFetchingWhenLoopBreaks(t *testing.T) {
	var log requestLog
	c, _ := newTestClient(t, log.wrap(actionPages(1000)))
	var ids []int
	for a, err := range c.Actions.All(context.Background(), &ListOptions{PerPage: 2}) {
		require.NoError(t, err)
		ids = append(ids, a.ID)
		if len(ids) == 3 {
			break
		}
	}
	assert.Equal(t, []int{1, 2, 3}, ids)
	assert.Equal(t, 2, log.count(), "no page is fetched after the loop breaks")
}

func TestAllHonoursContextCancellation(t *testing.T) {
	var log requestLog
	c, _ := newTestClient(t, log.wrap(actionPages(1000)))
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var ids []int
	var gotErr error
	for a, err := range c.Actions.All(ctx, &ListOptions{PerPage: 2}) {
		if err != nil {
			gotErr = err
			break
		}
		ids = append(ids, a.ID)
		cancel()
	}
	assert.ErrorIs(t, gotErr, context.Canceled)
	assert.Equal(t, []int{1, 2}, ids, "the page in hand is finished")
	assert.Equal(t, 1, log.count())
}

func TestAllWithCancelledContextSendsNothing(t *testing.T) {
	var log requestLog
	c, _ := newTestClient(t, log.wrap(actionPages(10)))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := collectIDs(t, c.Actions.All(ctx, nil))
	assert.ErrorIs(t, err, context.Canceled)
	assert.Equal(t, 0, log.count())
}

// loopGuard answers 500 once the handler has served limit requests, so a
// test of loop detection fails fast instead of hanging when it regresses.
func loopGuard(limit int, h http.HandlerFunc) http.HandlerFunc {
	var n atomic.Int32
	return func(w http.ResponseWriter, r *http.Request) {
		if int(n.Add(1)) > limit {
			writeJSON(w, 500, `{"id":"loop","message":"the client keeps asking"}`)
			return
		}
		h(w, r)
	}
}

func TestAllDetectsAPageLoop(t *testing.T) {
	var log requestLog
	c, _ := newTestClient(t, log.wrap(loopGuard(10, func(w http.ResponseWriter, r *http.Request) {
		page := r.URL.Query().Get("page")
		next := map[string]string{"1": "2", "2": "1"}[page] // page 2 points back to page 1
		writeJSON(w, 200, fmt.Sprintf(`{"actions":[{"id":%s}],"links":{"pages":{"next":"https://api.digitalocean.com/v2/actions?page=%s"}}}`, page, next))
	})))
	ids, err := collectIDs(t, c.Actions.All(context.Background(), nil))
	require.ErrorIs(t, err, ErrPaginationLoop)
	assert.Equal(t, []int{1, 2}, ids)
	assert.Equal(t, 2, log.count())
}

func TestAllDetectsASelfLinkingPage(t *testing.T) {
	var log requestLog
	c, _ := newTestClient(t, log.wrap(loopGuard(10, jsonHandler(200,
		`{"actions":[{"id":1}],"links":{"pages":{"next":"https://api.digitalocean.com/v2/actions?page=1"}}}`))))
	ids, err := collectIDs(t, c.Actions.All(context.Background(), nil))
	require.ErrorIs(t, err, ErrPaginationLoop)
	assert.Equal(t, []int{1}, ids)
	assert.Equal(t, 1, log.count())
}

func TestAllStopsAtTheFirstError(t *testing.T) {
	var log requestLog
	c, _ := newTestClient(t, log.wrap(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("page") == "2" {
			writeJSON(w, 403, `{"id":"forbidden","message":"You do not have access."}`)
			return
		}
		actionPages(10)(w, r)
	})))
	var errs []error
	var ids []int
	for a, err := range capped(t, c.Actions.All(context.Background(), &ListOptions{PerPage: 3}), 100) {
		if err != nil {
			errs = append(errs, err)
			continue // a well-behaved iterator ends after an error anyway
		}
		ids = append(ids, a.ID)
	}
	assert.Equal(t, []int{1, 2, 3}, ids)
	require.Len(t, errs, 1)
	assert.ErrorIs(t, errs[0], ErrForbidden)
	assert.Equal(t, 2, log.count())
}

func TestListOptionsValidation(t *testing.T) {
	valid := []*ListOptions{nil, {}, {Page: 1, PerPage: 1}, {Page: 99, PerPage: MaxPerPage}}
	for _, o := range valid {
		assert.NoError(t, o.validate(), "%+v", o)
	}
	invalid := []struct {
		name  string
		field string
		opts  ListOptions
	}{
		{"per page too large", "ListOptions.PerPage", ListOptions{PerPage: MaxPerPage + 1}},
		{"negative per page", "ListOptions.PerPage", ListOptions{PerPage: -1}},
		{"negative page", "ListOptions.Page", ListOptions{Page: -1}},
	}
	for _, tc := range invalid {
		t.Run(tc.name, func(t *testing.T) {
			var log requestLog
			c, _ := newTestClient(t, log.wrap(actionPages(10)))
			_, resp, err := c.Actions.List(context.Background(), &tc.opts)
			mustBeArgumentError(t, err, tc.field)
			assert.Nil(t, resp)

			var iterErrs []error
			for _, err := range capped(t, c.Actions.All(context.Background(), &tc.opts), 10) {
				iterErrs = append(iterErrs, err)
			}
			require.Len(t, iterErrs, 1)
			mustBeArgumentError(t, iterErrs[0], tc.field)
			assert.Equal(t, 0, log.count(), "no request with invalid options")
		})
	}
}

func TestPaginateDirectly(t *testing.T) {
	// paginate is generic; drive it with a fake fetcher to check what it
	// asks for without HTTP.
	var asked []ListOptions
	fetch := func(_ context.Context, page ListOptions) ([]string, *Response, error) {
		asked = append(asked, page)
		resp := &Response{}
		if page.Page < 3 {
			resp.Links.Pages.Next = fmt.Sprintf("https://x/?page=%d", page.Page+1)
		}
		return []string{fmt.Sprint("item", page.Page)}, resp, nil
	}
	var got []string
	for s, err := range capped(t, paginate(context.Background(), &ListOptions{PerPage: 7}, fetch), 10) {
		require.NoError(t, err)
		got = append(got, s)
	}
	assert.Equal(t, []string{"item1", "item2", "item3"}, got)
	assert.Equal(t, []ListOptions{{Page: 1, PerPage: 7}, {Page: 2, PerPage: 7}, {Page: 3, PerPage: 7}}, asked)

	// The error is yielded once: counting the yields makes an iterator
	// that yields nothing fail too.
	boom := errors.New("boom")
	yields := 0
	for _, err := range capped(t, paginate(context.Background(), nil, func(context.Context, ListOptions) ([]int, *Response, error) {
		return nil, nil, boom
	}), 10) {
		yields++
		assert.ErrorIs(t, err, boom)
	}
	assert.Equal(t, 1, yields, "the fetch error is yielded once, then the end")
}
