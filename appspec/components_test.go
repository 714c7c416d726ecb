package appspec

import (
	"testing"

	do "github.com/oceankit/digitalocean"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The paths count nil entries, as the JSON does, the same pointer listed
// twice gets both its places, and the order is Validate's: services,
// static_sites, workers, jobs, functions, databases.
func TestPlacedComponentsPathsAndOrder(t *testing.T) {
	job := &do.AppJobSpec{Name: "job"}
	spec := &do.AppSpec{
		Services:    []*do.AppServiceSpec{nil, {Name: "svc"}},
		Workers:     []*do.AppWorkerSpec{{Name: "wrk"}},
		Jobs:        []*do.AppJobSpec{job, nil, {Name: "job2"}, job},
		StaticSites: []*do.AppStaticSiteSpec{{Name: "site"}},
		Functions:   []*do.AppFunctionsSpec{{Name: "fn"}},
		Databases:   []*do.AppDatabaseSpec{{Name: "db"}},
	}
	var names, paths []string
	for _, c := range placedComponents(spec) {
		require.NotNil(t, c.Spec(), c.path())
		names = append(names, c.Name)
		paths = append(paths, c.path())
	}
	assert.Equal(t, []string{"svc", "site", "wrk", "job", "job2", "job", "fn", "db"}, names)
	assert.Equal(t, []string{"services[1]", "static_sites[0]", "workers[0]", "jobs[0]", "jobs[2]", "jobs[3]", "functions[0]", "databases[0]"}, paths)
	assert.Empty(t, placedComponents(nil), "a nil spec has no components")
}

// fields reads the kind's own routes, cors, autoscaling and sources and
// leaves zero what a kind does not have.
func TestAppComponentFieldsWhateverTheKind(t *testing.T) {
	routes := func(path string) []*do.AppRouteSpec { return []*do.AppRouteSpec{{Path: path}} }
	cors := func(origin string) *do.AppCORSPolicy {
		return &do.AppCORSPolicy{AllowOrigins: []*do.AppStringMatch{{Exact: &origin}}}
	}
	auto := func(maxCount int64) *do.AppAutoscalingSpec { return &do.AppAutoscalingSpec{MaxInstanceCount: maxCount} }
	spec := &do.AppSpec{
		Services: []*do.AppServiceSpec{{Name: "svc", Routes: routes("/svc"), CORS: cors("svc"), Autoscaling: auto(2),
			GitHub: &do.AppGitHubSourceSpec{}, Image: &do.AppImageSourceSpec{}}},
		Workers:     []*do.AppWorkerSpec{{Name: "wrk", Autoscaling: auto(3), Git: &do.AppGitSourceSpec{}}},
		Jobs:        []*do.AppJobSpec{{Name: "job", GitLab: &do.AppGitLabSourceSpec{}}},
		StaticSites: []*do.AppStaticSiteSpec{{Name: "site", Routes: routes("/site"), CORS: cors("site"), Bitbucket: &do.AppBitbucketSourceSpec{}}},
		Functions: []*do.AppFunctionsSpec{{Name: "fn", Routes: routes("/fn"), CORS: cors("fn"),
			Git: &do.AppGitSourceSpec{}, GitHub: &do.AppGitHubSourceSpec{}, GitLab: &do.AppGitLabSourceSpec{}, Bitbucket: &do.AppBitbucketSourceSpec{}}},
		Databases: []*do.AppDatabaseSpec{{Name: "db"}},
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
		f := fieldsOf(c)
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
