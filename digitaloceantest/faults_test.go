package digitaloceantest_test

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"testing"
	"testing/synctest"
	"time"

	do "github.com/oceankit/digitalocean"
	"github.com/oceankit/digitalocean/digitaloceantest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func statuses(srv *digitaloceantest.Server, op string) []int {
	var out []int
	for _, r := range srv.Requests() {
		if r.Operation == op {
			out = append(out, r.Status)
		}
	}
	return out
}

func TestFaultThenRetrySucceeds(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		srv := digitaloceantest.New(t, digitaloceantest.WithInMemoryNetwork())
		srv.FailNext(2, digitaloceantest.Match{Method: "GET", Path: "/v2/account"}, digitaloceantest.Fault{Status: 503})
		acct, resp, err := srv.Client().Account.Get(context.Background())
		require.NoError(t, err)
		assert.Equal(t, "sammy@digitalocean.com", acct.Email)
		assert.Equal(t, 3, resp.Attempts)
		assert.Equal(t, []int{503, 503, 200}, statuses(srv, "account_get"))
	})
}

func TestFaultRetryAfterIsHonoured(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		srv := digitaloceantest.New(t, digitaloceantest.WithInMemoryNetwork())
		srv.FailNext(1, digitaloceantest.Match{Operation: "apps_list"}, digitaloceantest.Fault{Status: 429, RetryAfter: 7 * time.Second})
		start := time.Now()
		_, _, err := srv.Client().Apps.List(context.Background(), nil)
		require.NoError(t, err)
		assert.GreaterOrEqual(t, time.Since(start), 7*time.Second)
		assert.Equal(t, []int{429, 200}, statuses(srv, "apps_list"))
	})
}

func TestDropConnectionOnPostIsOutcomeUnknown(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		srv := digitaloceantest.New(t, digitaloceantest.WithInMemoryNetwork())
		c := srv.Client()
		// The fault itself is under test here, so the client's read-back
		// (which would resolve the applied create) is switched off.
		noRecovery := do.DefaultRetryPolicy()
		noRecovery.NoRecovery = true
		ctx := do.WithRetryPolicy(context.Background(), noRecovery)
		create := func(name string) error {
			_, _, err := c.Apps.Create(ctx, &do.AppCreateRequest{Spec: sampleSpec(name)})
			return err
		}

		srv.FailNext(1, digitaloceantest.Match{Method: "POST", Path: "/v2/apps"}, digitaloceantest.Fault{DropConnection: true})
		err := create("lost")
		var reqErr *do.RequestError
		require.ErrorAs(t, err, &reqErr)
		assert.True(t, reqErr.OutcomeUnknown)
		assert.Equal(t, 1, reqErr.Attempts, "a POST that may have arrived is not re-sent")

		// Applied: the app was created although the client got no answer.
		srv.FailNext(1, digitaloceantest.Match{Operation: "apps_create"}, digitaloceantest.Fault{DropConnection: true, Applied: true})
		require.ErrorAs(t, create("applied"), &reqErr)
		assert.True(t, reqErr.OutcomeUnknown)
		apps, _, err := c.Apps.List(ctx, nil)
		require.NoError(t, err)
		require.Len(t, apps, 1)
		assert.Equal(t, "applied", apps[0].Spec.Name)

		// A 500 on a POST is outcome-unknown too, and not retried.
		srv.FailNext(1, digitaloceantest.Match{Operation: "apps_create"}, digitaloceantest.Fault{Status: 500})
		var apiErr *do.Error
		require.ErrorAs(t, create("five-hundred"), &apiErr)
		assert.True(t, apiErr.OutcomeUnknown)
		assert.Equal(t, "server_error", apiErr.ID)
	})
}

func TestFaultDelayAndBody(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		srv := digitaloceantest.New(t, digitaloceantest.WithInMemoryNetwork())
		c := srv.Client(do.WithRetry(do.RetryPolicy{}))
		srv.FailNext(1, digitaloceantest.Match{Path: "/v2/apps/**"}, digitaloceantest.Fault{Delay: time.Hour})
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		_, _, err := c.Apps.ListRegions(ctx)
		require.ErrorIs(t, err, context.DeadlineExceeded)

		srv.FailNext(1, digitaloceantest.Match{}, digitaloceantest.Fault{Status: 502, Body: "<html><body><h1>502 Bad Gateway</h1></body></html>"})
		_, _, err = c.Account.Get(context.Background())
		var apiErr *do.Error
		require.ErrorAs(t, err, &apiErr)
		assert.Equal(t, 502, apiErr.StatusCode)
		assert.Contains(t, apiErr.Message, "502 Bad Gateway")
	})
}

func TestRateLimitHeadersAreHonoured(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		srv := digitaloceantest.New(t, digitaloceantest.WithInMemoryNetwork(), digitaloceantest.WithRateLimit(100))
		c := srv.Client()
		ctx := context.Background()

		reset := time.Now().Add(30 * time.Second)
		srv.SetRateLimit(2, reset)
		_, resp, err := c.Account.Get(ctx)
		require.NoError(t, err)
		assert.Equal(t, 100, resp.Rate.Limit)
		assert.Equal(t, 1, resp.Rate.Remaining)
		_, resp, err = c.Account.Get(ctx)
		require.NoError(t, err)
		assert.Equal(t, 0, resp.Rate.Remaining)
		assert.Equal(t, reset.Unix(), resp.Rate.Reset.Unix())

		// Raw requests now get 429 with retry-after until the reset.
		req, err := http.NewRequest("GET", srv.URL()+"/v2/account", nil)
		require.NoError(t, err)
		req.Header.Set("Authorization", "Bearer "+srv.Token())
		raw, err := srv.HTTPClient().Do(req)
		require.NoError(t, err)
		raw.Body.Close()
		assert.Equal(t, 429, raw.StatusCode)
		assert.Equal(t, "30", raw.Header.Get("Retry-After"))
		assert.Equal(t, strconv.FormatInt(reset.Unix(), 10), raw.Header.Get("Ratelimit-Reset"))

		// The SDK paces itself: it waits for the reset instead of drawing
		// a 429.
		start := time.Now()
		_, resp, err = c.Account.Get(ctx)
		require.NoError(t, err)
		assert.GreaterOrEqual(t, time.Since(start), 30*time.Second)

		// After the reset the hourly count applies: each request counts
		// for an hour.
		assert.Equal(t, 99, resp.Rate.Remaining)
		// The SDK's pacing adds a jitter of up to 250ms past the reset, so
		// the request, and the reset an hour on, need not be on a second.
		hourOn := time.Now().Add(time.Hour)
		assert.WithinRange(t, resp.Rate.Reset, hourOn.Truncate(time.Second), hourOn.Add(time.Second))
		assert.Equal(t, []int{200, 200, 429, 200}, statuses(srv, "account_get"))
	})
}

func TestPagination(t *testing.T) {
	srv := digitaloceantest.New(t)
	c := srv.Client()
	ctx := context.Background()
	for i := range 45 {
		spec := &do.AppSpec{Name: fmt.Sprintf("app-%02d", i), Services: []*do.AppServiceSpec{{Name: "web"}}}
		_, _, err := c.Apps.Create(ctx, &do.AppCreateRequest{Spec: spec})
		require.NoError(t, err)
	}
	link := func(page int) string {
		return fmt.Sprintf("%s/v2/apps?page=%d&per_page=20", srv.URL(), page)
	}
	want := []do.PageLinks{
		{Next: link(2), Last: link(3)},
		{First: link(1), Prev: link(1), Next: link(3), Last: link(3)},
		{First: link(1), Prev: link(2)},
	}
	var names []string
	for page := 1; page <= 3; page++ {
		apps, resp, err := c.Apps.List(ctx, &do.AppListOptions{ListOptions: do.ListOptions{Page: page, PerPage: 20}})
		require.NoError(t, err)
		assert.Equal(t, 45, resp.Meta.Total)
		assert.Equal(t, want[page-1], resp.Links.Pages, "page %d", page)
		assert.Len(t, apps, []int{20, 20, 5}[page-1])
		for _, a := range apps {
			names = append(names, a.Spec.Name)
		}
	}
	assert.Len(t, names, 45)
	assert.Equal(t, "app-00", names[0])
	assert.Equal(t, "app-44", names[44])

	// Default page size 20; at most 200; a single page has no links.
	apps, resp, err := c.Apps.List(ctx, nil)
	require.NoError(t, err)
	assert.Len(t, apps, 20)
	last, _ := resp.LastPage()
	assert.Equal(t, 3, last)
	apps, resp, err = c.Apps.List(ctx, &do.AppListOptions{ListOptions: do.ListOptions{PerPage: 200}})
	require.NoError(t, err)
	assert.Len(t, apps, 45)
	assert.Equal(t, do.PageLinks{}, resp.Links.Pages)
	count := 0
	for _, err := range c.Apps.All(ctx, &do.AppListOptions{ListOptions: do.ListOptions{PerPage: 7}}) {
		require.NoError(t, err)
		count++
		require.LessOrEqual(t, count, 45, "the iterator does not end")
	}
	assert.Equal(t, 45, count)

	code, body := post(t, srv, "GET", "/v2/apps?per_page=0", "")
	assert.Equal(t, 400, code)
	assert.Equal(t, "bad_request", body["id"])
}
