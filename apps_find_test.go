package digitalocean_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"

	do "github.com/oceankit/digitalocean"
	"github.com/oceankit/digitalocean/digitaloceantest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func createShop(t *testing.T, c *do.Client) *do.App {
	t.Helper()
	app, _, err := c.Apps.Create(context.Background(), &do.AppCreateRequest{Spec: &do.AppSpec{
		Name: "shop", Region: do.AppRegionSlugNYC,
		Services: []*do.AppServiceSpec{{Name: "web", GitHub: &do.AppGitHubSourceSpec{Repo: "digitalocean/sample-golang", Branch: "main"}}},
	}})
	require.NoError(t, err)
	return app
}

// TestAppsFind: an app is found by name or by ID with one request each; a
// missing one is an *AppNotFoundError matching ErrNotFound.
func TestAppsFind(t *testing.T) {
	srv := digitaloceantest.New(t)
	c := srv.Client(do.WithRetry(do.RetryPolicy{}))
	ctx := context.Background()
	app := createShop(t, c)

	requestsOf := func(f func()) []digitaloceantest.Request {
		before := len(srv.Requests())
		f()
		return srv.Requests()[before:]
	}

	reqs := requestsOf(func() {
		got, _, err := c.Apps.Find(ctx, "shop")
		require.NoError(t, err)
		assert.Equal(t, app.ID, got.ID)
	})
	require.Len(t, reqs, 1, "by name: one request")
	assert.Equal(t, "shop", reqs[0].Query.Get("name"))

	reqs = requestsOf(func() {
		got, _, err := c.Apps.Find(ctx, app.ID)
		require.NoError(t, err)
		assert.Equal(t, "shop", got.Spec.Name)
	})
	require.Len(t, reqs, 1, "by ID: one request")
	assert.Equal(t, "/v2/apps/"+app.ID, reqs[0].Path)

	for _, tc := range []struct {
		nameOrID string
		byID     bool
	}{
		{"nope", false},
		{"00000000-0000-4000-8000-000000000000", true},
	} {
		var err error
		reqs = requestsOf(func() { _, _, err = c.Apps.Find(ctx, tc.nameOrID) })
		assert.Len(t, reqs, 1, "%s: one request, a UUID is not tried as a name", tc.nameOrID)
		var nf *do.AppNotFoundError
		require.ErrorAs(t, err, &nf, tc.nameOrID)
		assert.Equal(t, tc.byID, nf.ByID, tc.nameOrID)
		assert.Equal(t, tc.nameOrID, nf.NameOrID)
		assert.ErrorIs(t, err, do.ErrNotFound)
		var apiErr *do.Error
		require.ErrorAs(t, err, &apiErr, "the API's answer is kept")
		assert.Equal(t, http.StatusNotFound, apiErr.StatusCode)
		assert.Contains(t, err.Error(), tc.nameOrID)
	}

	reqs = requestsOf(func() {
		_, _, err := c.Apps.Find(ctx, " ")
		assert.ErrorIs(t, err, do.ErrInvalidArgument)
	})
	assert.Empty(t, reqs, "bad input is refused before any request")
}

// TestAppsFindOtherErrorsPassThrough: an error other than 404 is not
// turned into a not-found.
func TestAppsFindOtherErrorsPassThrough(t *testing.T) {
	srv := digitaloceantest.New(t)
	c := srv.Client(do.WithRetry(do.RetryPolicy{}))
	srv.FailNext(1, digitaloceantest.Match{Operation: "apps_get"}, digitaloceantest.Fault{Status: http.StatusForbidden})
	_, _, err := c.Apps.Find(context.Background(), "shop")
	require.Error(t, err)
	var nf *do.AppNotFoundError
	assert.False(t, errors.As(err, &nf), "a 403 is not a not-found: %v", err)
	assert.ErrorIs(t, err, do.ErrForbidden)
	assert.False(t, strings.Contains(err.Error(), "no app"), err.Error())
}
