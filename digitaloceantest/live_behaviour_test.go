package digitaloceantest_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"regexp"
	"strings"
	"testing"

	do "github.com/oceankit/digitalocean"
	"github.com/oceankit/digitalocean/digitaloceantest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Tests of the behaviours of live-api-behaviour.md that the OpenAPI
// description does not state, each through the SDK.

var evPattern = regexp.MustCompile(`^EV\[1:([A-Za-z0-9+/=]+):([A-Za-z0-9+/=]+)\]$`)

func secret(key, value string) *do.AppVariableDefinition {
	return &do.AppVariableDefinition{Key: key, Value: value, Type: do.AppVariableTypeSecret}
}

// secretSpec has a SECRET env var at app level and in every component
// kind, and registry credentials on an image.
func secretSpec(name string) *do.AppSpec {
	gh := func() *do.AppGitHubSourceSpec {
		return &do.AppGitHubSourceSpec{Repo: "digitalocean/sample-golang", Branch: "main"}
	}
	return &do.AppSpec{
		Name: name,
		Envs: []*do.AppVariableDefinition{secret("APP_SECRET", "app-plain"), {Key: "PLAIN", Value: "visible", Type: do.AppVariableTypeGeneral}},
		Services: []*do.AppServiceSpec{{Name: "web", GitHub: gh(), Envs: []*do.AppVariableDefinition{secret("SVC", "svc-plain")},
			Routes: []*do.AppRouteSpec{{Path: "/"}}}},
		Workers: []*do.AppWorkerSpec{{Name: "queue", Envs: []*do.AppVariableDefinition{secret("WRK", "wrk-plain")},
			Image: &do.AppImageSourceSpec{RegistryType: do.AppImageSourceSpecRegistryTypeDockerHub, Registry: "acme", Repository: "queue", Tag: "1",
				RegistryCredentials: "acme:dckr_pat_plain"}}},
		Jobs:        []*do.AppJobSpec{{Name: "migrate", GitHub: gh(), Envs: []*do.AppVariableDefinition{secret("JOB", "job-plain")}}},
		StaticSites: []*do.AppStaticSiteSpec{{Name: "docs", GitHub: gh(), Envs: []*do.AppVariableDefinition{secret("SITE", "site-plain")}}},
		Functions:   []*do.AppFunctionsSpec{{Name: "fn", GitHub: gh(), Envs: []*do.AppVariableDefinition{secret("FN", "fn-plain")}}},
	}
}

// secretsOf lists the secret-bearing values of a spec, in a fixed order.
func secretsOf(s *do.AppSpec) []string {
	return []string{s.Envs[0].Value, s.Services[0].Envs[0].Value, s.Workers[0].Envs[0].Value,
		s.Workers[0].Image.RegistryCredentials, s.Jobs[0].Envs[0].Value, s.StaticSites[0].Envs[0].Value, s.Functions[0].Envs[0].Value}
}

func TestSecretsComeBackEncrypted(t *testing.T) {
	srv := digitaloceantest.New(t)
	c := srv.Client()
	ctx := context.Background()

	app, _, err := c.Apps.Create(ctx, &do.AppCreateRequest{Spec: secretSpec("secrets")})
	require.NoError(t, err)
	created := secretsOf(app.Spec)
	for i, v := range created {
		m := evPattern.FindStringSubmatch(v)
		require.NotNil(t, m, "secret %d in the create response is a ciphertext, got %q", i, v)
		nonce, err := base64.StdEncoding.DecodeString(m[1])
		require.NoError(t, err)
		assert.Len(t, nonce, 24, "the first field is a 24-byte nonce")
		_, err = base64.StdEncoding.DecodeString(m[2])
		assert.NoError(t, err)
		assert.NotContains(t, v, "plain")
	}
	assert.Equal(t, "visible", app.Spec.Envs[1].Value, "GENERAL values stay readable")
	assert.Empty(t, app.Spec.Envs[1].Type, "GENERAL, the default, reads back absent (a.9)")

	got, _, err := c.Apps.Get(ctx, app.ID)
	require.NoError(t, err)
	assert.Equal(t, created, secretsOf(got.Spec), "every later read returns the same ciphertexts")
	dep, _, err := c.Apps.GetDeployment(ctx, app.ID, app.PendingDeployment.ID)
	require.NoError(t, err)
	assert.Equal(t, created, secretsOf(dep.Spec), "the deployment's spec holds the ciphertexts too")
}

func TestSecretsKeptOrReencryptedOnUpdate(t *testing.T) {
	srv := digitaloceantest.New(t)
	c := srv.Client()
	ctx := context.Background()
	app, _, err := c.Apps.Create(ctx, &do.AppCreateRequest{Spec: secretSpec("resend")})
	require.NoError(t, err)
	first := secretsOf(app.Spec)

	// The spec as read, ciphertexts included, sent back: kept byte for byte.
	app, _, err = c.Apps.Update(ctx, app.ID, &do.AppUpdateRequest{Spec: app.Spec})
	require.NoError(t, err)
	assert.Equal(t, first, secretsOf(app.Spec))

	// The same plaintexts again: new ciphertexts, different from the first.
	app, _, err = c.Apps.Update(ctx, app.ID, &do.AppUpdateRequest{Spec: secretSpec("resend")})
	require.NoError(t, err)
	again := secretsOf(app.Spec)
	for i := range again {
		assert.Regexp(t, evPattern, again[i])
		assert.NotEqual(t, first[i], again[i], "secret %d re-encrypted with a fresh nonce", i)
	}
	got, _, err := c.Apps.Get(ctx, app.ID)
	require.NoError(t, err)
	assert.Equal(t, again, secretsOf(got.Spec))
}

func TestRoutesComeBackAsIngressRules(t *testing.T) {
	srv := digitaloceantest.New(t)
	c := srv.Client()
	ctx := context.Background()
	spec := &do.AppSpec{Name: "routes", Services: []*do.AppServiceSpec{{
		Name: "api", GitHub: &do.AppGitHubSourceSpec{Repo: "acme/api", Branch: "main"},
		Routes: []*do.AppRouteSpec{{Path: "/api", PreservePathPrefix: true}},
		CORS:   &do.AppCORSPolicy{AllowMethods: []string{"GET"}},
	}}}
	app, _, err := c.Apps.Create(ctx, &do.AppCreateRequest{Spec: spec})
	require.NoError(t, err)
	for _, s := range []*do.AppSpec{app.Spec, mustGet(t, c, app.ID).Spec} {
		svc := s.Services[0]
		keys := jsonKeys(t, svc)
		assert.NotContains(t, keys, "routes", "routes leave the component (a.14)")
		assert.NotContains(t, keys, "cors", "cors leaves the component (a.13)")
		assert.Equal(t, int64(8080), svc.HTTPPort, "http_port defaults to 8080 (a.18)")
		require.NotNil(t, s.Ingress)
		require.Len(t, s.Ingress.Rules, 1)
		rule := s.Ingress.Rules[0]
		assert.Equal(t, "/api", *rule.Match.Path.Prefix)
		assert.Equal(t, "api", rule.Component.Name)
		assert.True(t, bool(rule.Component.PreservePathPrefix))
		assert.Equal(t, []string{"GET"}, rule.CORS.AllowMethods)
	}
}

func TestDefaultIngressRule(t *testing.T) {
	srv := digitaloceantest.New(t)
	c := srv.Client()
	ctx := context.Background()
	lone, _, err := c.Apps.Create(ctx, &do.AppCreateRequest{Spec: &do.AppSpec{Name: "lone",
		Services: []*do.AppServiceSpec{{Name: "web", InstanceSizeSlug: "basic-xxs", GitHub: &do.AppGitHubSourceSpec{Repo: "acme/web", Branch: "main"}}}}})
	require.NoError(t, err)
	require.NotNil(t, lone.Spec.Ingress)
	require.Len(t, lone.Spec.Ingress.Rules, 1, "a lone service gets one rule (a.15)")
	assert.Equal(t, "/", *lone.Spec.Ingress.Rules[0].Match.Path.Prefix)
	assert.Equal(t, "web", lone.Spec.Ingress.Rules[0].Component.Name)
	assert.Equal(t, do.InstanceSizeSlug("basic-xxs"), lone.Spec.Services[0].InstanceSizeSlug, "legacy slugs are kept (a.21)")
	assert.Zero(t, lone.Spec.Services[0].InstanceCount, "instance_count is not filled in (a.19)")

	internal, _, err := c.Apps.Create(ctx, &do.AppCreateRequest{Spec: &do.AppSpec{Name: "internal", Ingress: &do.AppIngressSpec{},
		Services: []*do.AppServiceSpec{{Name: "go-service", InternalPorts: []int64{8080}, GitHub: &do.AppGitHubSourceSpec{Repo: "acme/web", Branch: "main"}}}}})
	require.NoError(t, err)
	assert.Empty(t, mustGet(t, c, internal.ID).Spec.Ingress.Rules, "an internal-only service gets no rule (a.16)")
	assert.Zero(t, internal.Spec.Services[0].HTTPPort, "nor a port")
}

// jsonKeys lists the keys v encodes, without reading deprecated fields.
func jsonKeys(t *testing.T, v any) map[string]json.RawMessage {
	t.Helper()
	raw, err := json.Marshal(v)
	require.NoError(t, err)
	var out map[string]json.RawMessage
	require.NoError(t, json.Unmarshal(raw, &out))
	return out
}

func mustGet(t *testing.T, c *do.Client, id string) *do.App {
	t.Helper()
	app, _, err := c.Apps.Get(context.Background(), id)
	require.NoError(t, err)
	return app
}

func TestDuplicateAppNameConflicts(t *testing.T) {
	srv := digitaloceantest.New(t)
	c := srv.Client()
	ctx := context.Background()
	first, _, err := c.Apps.Create(ctx, &do.AppCreateRequest{Spec: sampleSpec("taken")})
	require.NoError(t, err)
	_, _, err = c.Apps.Create(ctx, &do.AppCreateRequest{Spec: sampleSpec("taken")})
	require.ErrorIs(t, err, do.ErrConflict, "a.26")

	other, _, err := c.Apps.Create(ctx, &do.AppCreateRequest{Spec: sampleSpec("other")})
	require.NoError(t, err)
	_, _, err = c.Apps.Update(ctx, other.ID, &do.AppUpdateRequest{Spec: sampleSpec("taken")})
	require.ErrorIs(t, err, do.ErrConflict, "renaming onto another app's name")
	_, _, err = c.Apps.Update(ctx, first.ID, &do.AppUpdateRequest{Spec: sampleSpec("taken")})
	require.NoError(t, err, "an app keeps its own name")
	apps, _, err := c.Apps.List(ctx, nil)
	require.NoError(t, err)
	assert.Len(t, apps, 2)
	assert.Equal(t, "other", mustGet(t, c, other.ID).Spec.Name)
}

func TestSpecAlertsAreListed(t *testing.T) {
	srv := digitaloceantest.New(t, digitaloceantest.WithTeamEmails("ops@example.com"))
	c := srv.Client()
	ctx := context.Background()
	app, _, err := c.Apps.Create(ctx, &do.AppCreateRequest{Spec: sampleSpec("alerts")})
	require.NoError(t, err)

	byRule := func() map[do.AppAlertSpecRule]do.AppAlert {
		alerts, _, err := c.Apps.ListAlerts(ctx, app.ID)
		require.NoError(t, err)
		out := map[do.AppAlertSpecRule]do.AppAlert{}
		for _, a := range alerts {
			require.NotEmpty(t, a.ID)
			out[a.Spec.Rule] = a
		}
		return out
	}
	alerts := byRule()
	require.Len(t, alerts, 2, "one alert per spec rule (a.27)")
	assert.Empty(t, alerts[do.AppAlertSpecRuleDeploymentFailed].ComponentName, "app-level")
	assert.Equal(t, "web", alerts[do.AppAlertSpecRuleCPUUtilization].ComponentName, "per component")

	// Found by rule, as a provider does, then given destinations.
	updated, _, err := c.Apps.UpdateAlertDestinations(ctx, app.ID, alerts[do.AppAlertSpecRuleDeploymentFailed].ID,
		&do.AlertDestinationsUpdateRequest{Emails: []string{"ops@example.com"}})
	require.NoError(t, err)
	assert.Equal(t, []string{"ops@example.com"}, updated.Emails)

	spec := sampleSpec("alerts")
	spec.Alerts = append([]*do.AppAlertSpec{{Rule: do.AppAlertSpecRuleDomainFailed}}, spec.Alerts...) // the old alert moves
	spec.Workers[0].Alerts = []*do.AppAlertSpec{{Rule: do.AppAlertSpecRuleRestartCount, Operator: do.AppAlertSpecOperatorGreaterThan, Value: 3, Window: do.AppAlertSpecWindowFiveMinutes}}
	_, _, err = c.Apps.Update(ctx, app.ID, &do.AppUpdateRequest{Spec: spec})
	require.NoError(t, err)
	alerts = byRule()
	require.Len(t, alerts, 4, "alerts added by an update are listed")
	assert.Equal(t, []string{"ops@example.com"}, alerts[do.AppAlertSpecRuleDeploymentFailed].Emails, "destinations survive the update")
	assert.Equal(t, "queue", alerts[do.AppAlertSpecRuleRestartCount].ComponentName)
}

func TestDeploymentsCarryProgress(t *testing.T) {
	srv := digitaloceantest.New(t)
	c := srv.Client()
	ctx := context.Background()
	const phase = digitaloceantest.DefaultPhaseDuration

	app, _, err := c.Apps.Create(ctx, &do.AppCreateRequest{Spec: sampleSpec("progress")})
	require.NoError(t, err)
	require.NotNil(t, app.PendingDeployment, "create answers with pending_deployment (a.24)")
	require.NotNil(t, app.PendingDeployment.Progress, "every deployment carries progress (a.25)")
	first := app.PendingDeployment.ID

	srv.Advance(phase) // the first deployment is building: one step done, one running
	app, _, err = c.Apps.Update(ctx, app.ID, &do.AppUpdateRequest{Spec: sampleSpec("progress")})
	require.NoError(t, err)
	require.NotNil(t, app.PendingDeployment, "update answers with pending_deployment (a.24)")
	second := app.PendingDeployment.ID

	old, _, err := c.Apps.GetDeployment(ctx, app.ID, first)
	require.NoError(t, err)
	assert.Equal(t, do.DeploymentPhaseSuperseded, old.Phase)
	require.NotNil(t, old.Progress)
	assert.Equal(t, int32(1), old.Progress.SuccessSteps, "a superseded deployment keeps the progress it had")
	assert.Equal(t, int32(1), old.Progress.RunningSteps)
	assert.Equal(t, do.DeploymentProgressStepStatusSuccess, old.Progress.Steps[0].Status)

	// The second becomes ACTIVE, then a third supersedes it: its steps stay done.
	srv.Advance(3 * phase)
	third, _, err := c.Apps.CreateDeployment(ctx, app.ID, nil)
	require.NoError(t, err)
	srv.Advance(3 * phase)
	done, _, err := c.Apps.GetDeployment(ctx, app.ID, second)
	require.NoError(t, err)
	assert.Equal(t, do.DeploymentPhaseSuperseded, done.Phase)
	assert.Equal(t, done.Progress.TotalSteps, done.Progress.SuccessSteps, "an active deployment that is superseded stays all done")

	list, _, err := c.Apps.ListDeployments(ctx, app.ID, nil)
	require.NoError(t, err)
	var ids []string
	for _, d := range list {
		require.NotNil(t, d.Progress, "deployment %s carries progress", d.ID)
		ids = append(ids, d.ID)
	}
	assert.Equal(t, []string{third.ID, second, first}, ids, "newest first (a.24)")
}

func TestSpecValidationErrors(t *testing.T) {
	srv := digitaloceantest.New(t)
	c := srv.Client()
	ctx := context.Background()
	check := func(t *testing.T, err error, want string) {
		t.Helper()
		var apiErr *do.Error
		require.ErrorAs(t, err, &apiErr)
		assert.Equal(t, 400, apiErr.StatusCode, "d.1")
		assert.Equal(t, "invalid_argument", apiErr.ID, "d.2")
		assert.NotEmpty(t, apiErr.RequestID)
		assert.Equal(t, want, apiErr.Message, "d.3")
	}

	// Two problems: a duplicate name and a rule routing to a worker. Only the
	// first is told (d.4).
	bad := sampleSpec("bad")
	bad.Workers[0].Name = "web"
	bad.Ingress = &do.AppIngressSpec{Rules: []*do.AppIngressSpecRule{{Component: &do.AppIngressSpecRuleRoutingComponent{Name: "queue"}}}}
	const dup = `error validating app spec field "workers.name": component name "web" is used by another component: names must be unique within an app`
	_, _, err := c.Apps.Create(ctx, &do.AppCreateRequest{Spec: bad})
	check(t, err, dup)
	_, _, err = c.Apps.Propose(ctx, &do.AppProposeRequest{Spec: bad})
	check(t, err, dup)

	app, _, err := c.Apps.Create(ctx, &do.AppCreateRequest{Spec: sampleSpec("good")})
	require.NoError(t, err)
	bad = sampleSpec("good")
	bad.Jobs[0].Envs = []*do.AppVariableDefinition{{Key: "1BAD"}}
	_, _, err = c.Apps.Update(ctx, app.ID, &do.AppUpdateRequest{Spec: bad})
	// Schema problems (here a pattern) answer the same way, from the
	// OpenAPI table, before the semantic checks.
	check(t, err, `error validating app spec field "jobs.envs.key": "1BAD" does not match the pattern ^[_A-Za-z][_A-Za-z0-9]*$`)

	// A null component is refused, not a crash of the fake.
	bad = sampleSpec("good")
	bad.Workers = append(bad.Workers, nil)
	_, _, err = c.Apps.Update(ctx, app.ID, &do.AppUpdateRequest{Spec: bad})
	check(t, err, `error validating app spec field "workers": a component must be an object, not null`)

	bad = sampleSpec("good")
	bad.Ingress = &do.AppIngressSpec{Rules: []*do.AppIngressSpecRule{{Component: &do.AppIngressSpecRuleRoutingComponent{Name: "queue"}}}}
	_, _, err = c.Apps.Update(ctx, app.ID, &do.AppUpdateRequest{Spec: bad})
	check(t, err, `error validating app spec field "ingress.rules.component.name": component "queue" is a worker: rules route to services, static sites and functions only`)
}

// Propose shows the rewrites but stores nothing, so it encrypts nothing
// (a.6 is not established; the fake's choice).
func TestProposeRewritesWithoutEncrypting(t *testing.T) {
	srv := digitaloceantest.New(t)
	out, _, err := srv.Client().Apps.Propose(context.Background(), &do.AppProposeRequest{Spec: secretSpec("proposal")})
	require.NoError(t, err)
	assert.NotContains(t, jsonKeys(t, out.Spec.Services[0]), "routes")
	require.NotNil(t, out.Spec.Ingress)
	assert.Equal(t, "web", out.Spec.Ingress.Rules[0].Component.Name)
	for _, v := range secretsOf(out.Spec) {
		assert.True(t, strings.HasSuffix(v, "plain"), "%q is returned as sent", v)
	}
}
