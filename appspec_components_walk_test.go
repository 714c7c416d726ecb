package digitalocean

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The paths count nil entries, as the JSON does, and each order lists the
// kinds as its comment says.
func TestPlacedComponentsPathsAndOrders(t *testing.T) {
	spec := everyKindSpec()
	spec.Services = append([]*AppServiceSpec{nil}, spec.Services...)
	spec.Jobs = append(spec.Jobs, nil, &AppJobSpec{Name: "job2"})
	walk := func(kinds []AppComponentKind) (names, paths []string) {
		for c := range spec.placedComponents(kinds) {
			require.Equal(t, c.Name, c.AppComponent.Name)
			require.NotNil(t, c.Spec(), c.path())
			names = append(names, c.Name)
			paths = append(paths, c.path())
		}
		return names, paths
	}
	names, paths := walk(validationOrder)
	assert.Equal(t, []string{"svc", "site", "wrk", "job", "job2", "fn", "db"}, names)
	assert.Equal(t, []string{"services[1]", "static_sites[0]", "workers[0]", "jobs[0]", "jobs[2]", "functions[0]", "databases[0]"}, paths)
	names, paths = walk(componentsOrder)
	assert.Equal(t, []string{"svc", "wrk", "job", "job2", "site", "db", "fn"}, names)
	assert.Equal(t, []string{"services[1]", "workers[0]", "jobs[0]", "jobs[2]", "static_sites[0]", "databases[0]", "functions[0]"}, paths)

	for c := range spec.placedComponents(validationOrder) {
		assert.Equal(t, validationOrder[0], c.Kind)
		break // a break stops the walk: no panic for a yield after false
	}
	var none *AppSpec
	for c := range none.placedComponents(validationOrder) {
		t.Fatalf("a nil spec has no components, got %s", c.path())
	}
}

// fields reads the kind's own routes, cors, autoscaling and sources and
// leaves zero what a kind does not have.
func TestAppComponentFieldsWhateverTheKind(t *testing.T) {
	routes := func(path string) []*AppRouteSpec { return []*AppRouteSpec{{Path: path}} }
	cors := func(origin string) *AppCORSPolicy {
		return &AppCORSPolicy{AllowOrigins: []*AppStringMatch{{Exact: &origin}}}
	}
	auto := func(maxCount int64) *AppAutoscalingSpec { return &AppAutoscalingSpec{MaxInstanceCount: maxCount} }
	spec := &AppSpec{
		Services: []*AppServiceSpec{{Name: "svc", Routes: routes("/svc"), CORS: cors("svc"), Autoscaling: auto(2),
			GitHub: &AppGitHubSourceSpec{}, Image: &AppImageSourceSpec{}}},
		Workers:     []*AppWorkerSpec{{Name: "wrk", Autoscaling: auto(3), Git: &AppGitSourceSpec{}}},
		Jobs:        []*AppJobSpec{{Name: "job", GitLab: &AppGitLabSourceSpec{}}},
		StaticSites: []*AppStaticSiteSpec{{Name: "site", Routes: routes("/site"), CORS: cors("site"), Bitbucket: &AppBitbucketSourceSpec{}}},
		Functions: []*AppFunctionsSpec{{Name: "fn", Routes: routes("/fn"), CORS: cors("fn"),
			Git: &AppGitSourceSpec{}, GitHub: &AppGitHubSourceSpec{}, GitLab: &AppGitLabSourceSpec{}, Bitbucket: &AppBitbucketSourceSpec{}}},
		Databases: []*AppDatabaseSpec{{Name: "db"}},
	}
	type got struct {
		route, origin string
		maxInstances  int64
		sources       []string
	}
	want := map[string]got{
		"svc":  {"/svc", "svc", 2, []string{"github", "image"}},
		"wrk":  {"", "", 3, []string{"git"}},
		"job":  {"", "", 0, []string{"gitlab"}},
		"site": {"/site", "site", 0, []string{"bitbucket"}},
		"fn":   {"/fn", "fn", 0, []string{"git", "github", "gitlab", "bitbucket"}},
		"db":   {},
	}
	seen := 0
	for c := range spec.Components() {
		seen++
		var g got
		f := c.fields()
		if len(f.routes) > 0 {
			g.route = f.routes[0].Path
		}
		if f.cors != nil {
			g.origin = *f.cors.AllowOrigins[0].Exact
		}
		if f.autoscaling != nil {
			g.maxInstances = f.autoscaling.MaxInstanceCount
		}
		g.sources = f.sources.keys()
		assert.Equal(t, want[c.Name], g, c.Name)
	}
	assert.Equal(t, len(want), seen)
}
