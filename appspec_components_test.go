package digitalocean

import (
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.yaml.in/yaml/v3"
)

type componentRef struct {
	Name string
	Kind AppComponentKind
}

// loadSpecFile reads an app spec file through AppSpec's UnmarshalYAML (the
// root package cannot import appspec).
func loadSpecFile(t *testing.T, path string) (*AppSpec, error) {
	t.Helper()
	raw, err := os.ReadFile(path)
	require.NoError(t, err)
	spec := new(AppSpec)
	return spec, yaml.Unmarshal(raw, spec)
}

func componentRefs(spec *AppSpec) []componentRef {
	var refs []componentRef
	for c := range spec.Components() {
		refs = append(refs, componentRef{c.Name, c.Kind})
	}
	return refs
}

func TestAppSpecComponentsOrder(t *testing.T) {
	spec, err := loadSpecFile(t, "appspec/testdata/appspecs/storefront.yaml")
	require.NoError(t, err)
	assert.Equal(t, []componentRef{
		{"api", AppComponentKindService},
		{"web", AppComponentKindService},
		{"mailer", AppComponentKindWorker},
		{"migrate", AppComponentKindJob},
		{"nightly-report", AppComponentKindJob},
		{"notify-failure", AppComponentKindJob},
		{"docs", AppComponentKindStaticSite},
		{"db", AppComponentKindDatabase},
		{"cache", AppComponentKindDatabase},
	}, componentRefs(spec))

	fn, err := loadSpecFile(t, "appspec/testdata/appspecs/functions.yaml")
	require.NoError(t, err)
	assert.Equal(t, []componentRef{
		{"site", AppComponentKindStaticSite},
		{"api", AppComponentKindFunctions},
	}, componentRefs(fn))
}

func TestAppSpecComponentsSetsOnlyItsKind(t *testing.T) {
	spec, err := loadSpecFile(t, "appspec/testdata/appspecs/storefront.yaml")
	require.NoError(t, err)
	fn, err := loadSpecFile(t, "appspec/testdata/appspecs/functions.yaml")
	require.NoError(t, err)
	spec.Functions = fn.Functions

	seen := map[AppComponentKind]int{}
	for c := range spec.Components() {
		seen[c.Kind]++
		set := 0
		for _, p := range []bool{c.Service != nil, c.Worker != nil, c.Job != nil, c.StaticSite != nil, c.Database != nil, c.Functions != nil} {
			if p {
				set++
			}
		}
		assert.Equal(t, 1, set, "component %s: exactly one spec pointer", c.Name)
		switch s := c.Spec().(type) {
		case *AppServiceSpec:
			assert.Equal(t, AppComponentKindService, c.Kind)
			assert.Same(t, c.Service, s)
		case *AppWorkerSpec:
			assert.Equal(t, AppComponentKindWorker, c.Kind)
			assert.Same(t, c.Worker, s)
		case *AppJobSpec:
			assert.Equal(t, AppComponentKindJob, c.Kind)
			assert.Same(t, c.Job, s)
		case *AppStaticSiteSpec:
			assert.Equal(t, AppComponentKindStaticSite, c.Kind)
			assert.Same(t, c.StaticSite, s)
		case *AppDatabaseSpec:
			assert.Equal(t, AppComponentKindDatabase, c.Kind)
			assert.Same(t, c.Database, s)
		case *AppFunctionsSpec:
			assert.Equal(t, AppComponentKindFunctions, c.Kind)
			assert.Same(t, c.Functions, s)
		default:
			t.Errorf("component %s: Spec() = %T", c.Name, s)
		}
	}
	assert.Equal(t, map[AppComponentKind]int{
		AppComponentKindService: 2, AppComponentKindWorker: 1, AppComponentKindJob: 3,
		AppComponentKindStaticSite: 1, AppComponentKindDatabase: 2, AppComponentKindFunctions: 1,
	}, seen)
	assert.Nil(t, AppComponent{}.Spec())
}

func TestAppSpecComponentByName(t *testing.T) {
	spec, err := loadSpecFile(t, "appspec/testdata/appspecs/storefront.yaml")
	require.NoError(t, err)

	c, ok := spec.Component("nightly-report")
	require.True(t, ok)
	assert.Equal(t, AppComponentKindJob, c.Kind)
	assert.Same(t, spec.Jobs[1], c.Job)

	c, ok = spec.Component("cache")
	require.True(t, ok)
	assert.Equal(t, AppComponentKindDatabase, c.Kind)
	assert.Same(t, spec.Databases[1], c.Database)

	c, ok = spec.Component("missing")
	assert.False(t, ok)
	assert.Equal(t, AppComponent{}, c)

	_, ok = spec.Component("")
	assert.False(t, ok)
}

func TestAppSpecComponentModifiesSpec(t *testing.T) {
	spec, err := loadSpecFile(t, "appspec/testdata/appspecs/storefront.yaml")
	require.NoError(t, err)

	web, ok := spec.Component("web")
	require.True(t, ok)
	web.Service.InstanceCount = 5
	web.Service.Envs = append(web.Service.Envs, &AppVariableDefinition{Key: "ADDED", Value: "1"})
	assert.Equal(t, int64(5), spec.Services[1].InstanceCount)
	assert.Equal(t, "ADDED", spec.Services[1].Envs[len(spec.Services[1].Envs)-1].Key)

	for c := range spec.Components() {
		if c.Kind == AppComponentKindJob {
			c.Job.RunCommand = "true"
		}
	}
	for _, j := range spec.Jobs {
		assert.Equal(t, "true", j.RunCommand, "job %s", j.Name)
	}

	// The change survives a marshal round trip: it is in the spec itself.
	out, err := yaml.Marshal(spec)
	require.NoError(t, err)
	again := new(AppSpec)
	require.NoError(t, yaml.Unmarshal(out, again))
	web, ok = again.Component("web")
	require.True(t, ok)
	assert.Equal(t, int64(5), web.Service.InstanceCount)
}

func TestAppSpecComponentsEdgeCases(t *testing.T) {
	var nilSpec *AppSpec
	assert.Empty(t, componentRefs(nilSpec))
	_, ok := nilSpec.Component("web")
	assert.False(t, ok)

	spec := &AppSpec{
		Services: []*AppServiceSpec{nil, {Name: "web"}},
		Workers:  []*AppWorkerSpec{{Name: "web"}}, // a repeated name: the first wins
		Jobs:     []*AppJobSpec{nil},
	}
	assert.Equal(t, []componentRef{{"web", AppComponentKindService}, {"web", AppComponentKindWorker}}, componentRefs(spec))
	c, ok := spec.Component("web")
	require.True(t, ok)
	assert.Equal(t, AppComponentKindService, c.Kind)

	// Breaking out of the range stops the iteration.
	n := 0
	for range spec.Components() {
		n++
		break
	}
	assert.Equal(t, 1, n)
}
