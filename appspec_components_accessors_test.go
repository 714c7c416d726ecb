package digitalocean

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// everyKindSpec has one component of each kind, each with its own values
// in the shared fields, so that an accessor reading the wrong kind fails.
func everyKindSpec() *AppSpec {
	env := func(key string) []*AppVariableDefinition {
		return []*AppVariableDefinition{{Key: key, Value: key + "-value"}}
	}
	alerts := func(rule AppAlertSpecRule) []*AppAlertSpec { return []*AppAlertSpec{{Rule: rule}} }
	logs := func(name string) []*AppLogDestination { return []*AppLogDestination{{Name: name}} }
	image := func(repo string) *AppImageSourceSpec { return &AppImageSourceSpec{Repository: repo} }
	return &AppSpec{
		Name: "every-kind",
		Services: []*AppServiceSpec{{Name: "svc", Envs: env("SVC"), SourceDir: "svc/", InstanceSizeSlug: "apps-s-1vcpu-1gb",
			InstanceCount: 2, Image: image("svc-img"), Alerts: alerts(AppAlertSpecRuleCPUUtilization), LogDestinations: logs("svc-logs")}},
		Workers: []*AppWorkerSpec{{Name: "wrk", Envs: env("WRK"), SourceDir: "wrk/", InstanceSizeSlug: "apps-s-1vcpu-2gb",
			InstanceCount: 3, Image: image("wrk-img"), Alerts: alerts(AppAlertSpecRuleMemUtilization), LogDestinations: logs("wrk-logs")}},
		Jobs: []*AppJobSpec{{Name: "job", Envs: env("JOB"), SourceDir: "job/", InstanceSizeSlug: "apps-d-1vcpu-4gb",
			InstanceCount: 1, Image: image("job-img"), Alerts: alerts(AppAlertSpecRuleJobInvocationFailed), LogDestinations: logs("job-logs")}},
		StaticSites: []*AppStaticSiteSpec{{Name: "site", Envs: env("SITE"), SourceDir: "site/", Image: image("site-img"),
			LogDestinations: logs("site-logs")}},
		Functions: []*AppFunctionsSpec{{Name: "fn", Envs: env("FN"), SourceDir: "fn/", Alerts: alerts(AppAlertSpecRuleFunctionsErrorCount),
			LogDestinations: logs("fn-logs")}},
		Databases: []*AppDatabaseSpec{{Name: "db", Engine: AppDatabaseSpecEnginePG}},
	}
}

func TestAppComponentSharedFieldsWhateverTheKind(t *testing.T) {
	type shared struct {
		env, sourceDir, image, alert, logs string
		size                               InstanceSizeSlug
		count                              int64
	}
	want := map[string]shared{
		"svc":  {"SVC", "svc/", "svc-img", "CPU_UTILIZATION", "svc-logs", "apps-s-1vcpu-1gb", 2},
		"wrk":  {"WRK", "wrk/", "wrk-img", "MEM_UTILIZATION", "wrk-logs", "apps-s-1vcpu-2gb", 3},
		"job":  {"JOB", "job/", "job-img", "JOB_INVOCATION_FAILED", "job-logs", "apps-d-1vcpu-4gb", 1},
		"site": {"SITE", "site/", "site-img", "", "site-logs", "", 0},
		"fn":   {"FN", "fn/", "", "FUNCTIONS_ERROR_COUNT", "fn-logs", "", 0},
		"db":   {},
	}
	spec := everyKindSpec()
	seen := 0
	for c := range spec.Components() {
		seen++
		w, ok := want[c.Name]
		require.True(t, ok, c.Name)
		var got shared
		if envs := c.Envs(); len(envs) > 0 {
			got.env = envs[0].Key
		}
		got.sourceDir = c.SourceDir()
		if img := c.Image(); img != nil {
			got.image = img.Repository
		}
		if a := c.Alerts(); len(a) > 0 {
			got.alert = string(a[0].Rule)
		}
		if l := c.LogDestinations(); len(l) > 0 {
			got.logs = l[0].Name
		}
		got.size, got.count = c.InstanceSizeSlug(), c.InstanceCount()
		assert.Equal(t, w, got, c.Name)
	}
	assert.Equal(t, len(want), seen)

	var zero AppComponent
	assert.Nil(t, zero.Envs())
	assert.False(t, zero.SetEnvs(nil))
	assert.Empty(t, zero.SourceDir())
}

func TestAppComponentSetEnvsWritesIntoTheSpec(t *testing.T) {
	spec := everyKindSpec()
	for c := range spec.Components() {
		replaced := []*AppVariableDefinition{{Key: "NEW_" + c.Name, Type: AppVariableTypeSecret, Value: "s"}}
		ok := c.SetEnvs(replaced)
		assert.Equal(t, c.Kind != AppComponentKindDatabase, ok, c.Name)
	}
	assert.Equal(t, "NEW_svc", spec.Services[0].Envs[0].Key)
	assert.Equal(t, "NEW_wrk", spec.Workers[0].Envs[0].Key)
	assert.Equal(t, "NEW_job", spec.Jobs[0].Envs[0].Key)
	assert.Equal(t, "NEW_site", spec.StaticSites[0].Envs[0].Key)
	assert.Equal(t, "NEW_fn", spec.Functions[0].Envs[0].Key)

	c, ok := spec.Component("wrk")
	require.True(t, ok)
	env, ok := c.Env("NEW_wrk")
	require.True(t, ok)
	assert.Same(t, spec.Workers[0].Envs[0], env, "Env points into the spec")
	env.Value = "changed"
	assert.Equal(t, "changed", spec.Workers[0].Envs[0].Value)
	_, ok = c.Env("MISSING")
	assert.False(t, ok)

	db, ok := spec.Component("db")
	require.True(t, ok)
	_, ok = db.Env("NEW_db")
	assert.False(t, ok)
}
