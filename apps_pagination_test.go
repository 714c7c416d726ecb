package digitalocean

import (
	"context"
	"encoding/json"
	"fmt"
	"iter"
	"net/http"
	"net/url"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// appsPagedAPI serves a list of `total` items under key, IDs "1".."total", in
// pages as the request's page and per_page ask, with a next link until the
// last page.
func appsPagedAPI(key string, total int) func(appsRequest) (int, []byte) {
	return func(r appsRequest) (int, []byte) {
		page, _ := strconv.Atoi(r.Query.Get("page"))
		per, _ := strconv.Atoi(r.Query.Get("per_page"))
		if page < 1 {
			page = 1
		}
		if per < 1 {
			per = 20
		}
		items := []map[string]string{}
		for i := (page-1)*per + 1; i <= min(page*per, total); i++ {
			items = append(items, map[string]string{"id": strconv.Itoa(i)})
		}
		body := map[string]any{key: items, "meta": map[string]int{"total": total}}
		if page*per < total {
			next := url.URL{Scheme: "https", Host: "api.digitalocean.com", Path: r.Path,
				RawQuery: url.Values{"page": {strconv.Itoa(page + 1)}, "per_page": {strconv.Itoa(per)}}.Encode()}
			body["links"] = map[string]any{"pages": map[string]string{"next": next.String()}}
		}
		return http.StatusOK, appsMarshal(body)
	}
}

func appsMarshal(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}

// appsCollectIDs drains an iterator of items with an ID field.
func appsCollectIDs[T any](t *testing.T, seq iter.Seq2[T, error], id func(T) string) []string {
	t.Helper()
	var ids []string
	for item, err := range seq {
		require.NoError(t, err)
		ids = append(ids, id(item))
	}
	return ids
}

func appsIDsUpTo(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = strconv.Itoa(i + 1)
	}
	return out
}

func TestAppsIterators(t *testing.T) {
	ctx := context.Background()
	cases := []struct {
		name string
		key  string
		// walk iterates with a page size of 2 and filters set.
		walk func(s *AppsService) []string
		// filter is the query every page request must carry.
		filter url.Values
	}{
		{"All", "apps", func(s *AppsService) []string {
			return appsCollectIDs(t, s.All(ctx, &AppListOptions{ListOptions: ListOptions{PerPage: 2}, WithProjects: true}), func(a App) string { return a.ID })
		}, url.Values{"with_projects": {"true"}}},
		{"AllDeployments", "deployments", func(s *AppsService) []string {
			return appsCollectIDs(t, s.AllDeployments(ctx, "a/1", &DeploymentListOptions{
				ListOptions: ListOptions{PerPage: 2}, DeploymentTypes: []DeploymentType{DeploymentTypeManual, DeploymentTypeAutoRollback},
			}), func(d Deployment) string { return d.ID })
		}, url.Values{"deployment_types": {"MANUAL", "AUTO_ROLLBACK"}}},
		{"AllJobInvocations", "job_invocations", func(s *AppsService) []string {
			return appsCollectIDs(t, s.AllJobInvocations(ctx, "a/1", &JobInvocationListOptions{
				ListOptions: ListOptions{PerPage: 2}, JobNames: []string{"j1", "j2"}, DeploymentID: "d",
			}), func(j JobInvocation) string { return j.ID })
		}, url.Values{"job_names": {"j1", "j2"}, "deployment_id": {"d"}}},
		{"AllEvents", "events", func(s *AppsService) []string {
			return appsCollectIDs(t, s.AllEvents(ctx, "a/1", &EventListOptions{
				ListOptions: ListOptions{PerPage: 2}, EventTypes: []AppEventType{AppEventTypeAutoscaling},
			}), func(e AppEvent) string { return e.ID })
		}, url.Values{"event_types": {"AUTOSCALING"}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c, fake := newAppsClientFunc(t, appsPagedAPI(tc.key, 5))
			assert.Equal(t, appsIDsUpTo(5), tc.walk(c.Apps))
			reqs := fake.requests()
			require.Len(t, reqs, 3)
			for i, r := range reqs {
				assert.Equal(t, strconv.Itoa(i+1), r.Query.Get("page"))
				assert.Equal(t, "2", r.Query.Get("per_page"))
				for k, v := range tc.filter {
					assert.Equal(t, v, r.Query[k], "page %d lost filter %s", i+1, k)
				}
			}
			if tc.key != "apps" {
				assert.Equal(t, "/v2/apps/a%2F1/"+map[string]string{
					"deployments": "deployments", "job_invocations": "job-invocations", "events": "events",
				}[tc.key], reqs[0].Path)
			}
		})
	}
}

func TestAppsIteratorDefaultsAndEarlyStop(t *testing.T) {
	c, fake := newAppsClientFunc(t, appsPagedAPI("deployments", 450))
	n := 0
	for d, err := range c.Apps.AllDeployments(context.Background(), "a", nil) {
		require.NoError(t, err)
		n++
		if d.ID == "201" { // the first item of the second page
			break
		}
	}
	assert.Equal(t, 201, n)
	reqs := fake.requests()
	require.Len(t, reqs, 2, "breaking out of the loop must stop fetching")
	assert.Equal(t, strconv.Itoa(MaxPerPage), reqs[0].Query.Get("per_page"))
	assert.Equal(t, "2", reqs[1].Query.Get("page"))
}

func TestAppsIteratorStopsOnError(t *testing.T) {
	calls := 0
	c, _ := newAppsClientFunc(t, func(r appsRequest) (int, []byte) {
		calls++
		if calls == 2 {
			return http.StatusInternalServerError, []byte(`{"id":"server_error","message":"boom"}`)
		}
		return appsPagedAPI("events", 10)(r)
	})
	var errs []error
	n := 0
	for _, err := range capped(t, c.Apps.AllEvents(context.Background(), "a", &EventListOptions{ListOptions: ListOptions{PerPage: 4}}), 100) {
		if err != nil {
			errs = append(errs, err)
			continue
		}
		n++
	}
	assert.Equal(t, 4, n)
	require.Len(t, errs, 1)
	assert.ErrorIs(t, errs[0], ErrServerError)
}

func TestAppsIteratorInvalidOptions(t *testing.T) {
	c, fake := newAppsClient(t, []byte(`{}`))
	// Each iterator must yield exactly its error: an iterator that yields
	// nothing would otherwise pass without asserting anything.
	yields := 0
	for _, err := range capped(t, c.Apps.AllDeployments(context.Background(), "a", &DeploymentListOptions{DeploymentTypes: []DeploymentType{"nope"}}), 10) {
		yields++
		assertArgumentError(t, err, "DeploymentListOptions.DeploymentTypes", fake)
	}
	assert.Equal(t, 1, yields, "AllDeployments yields its argument error once")
	yields = 0
	for _, err := range capped(t, c.Apps.AllJobInvocations(context.Background(), "", nil), 10) {
		yields++
		assertArgumentError(t, err, "appID", fake)
	}
	assert.Equal(t, 1, yields, "AllJobInvocations yields its argument error once")
	var got error
	yields = 0
	for _, err := range capped(t, c.Apps.All(context.Background(), &AppListOptions{ListOptions: ListOptions{PerPage: -1}}), 10) {
		yields++
		got = err
	}
	assert.Equal(t, 1, yields, "All yields its argument error once")
	assertArgumentError(t, got, "ListOptions.PerPage", fake)
	assert.Equal(t, 0, len(fake.requests()), fmt.Sprint(fake.requests()))
}
