package appspec

import (
	"encoding/json"
	"strings"
	"testing"

	do "github.com/oceankit/digitalocean"
	"github.com/oceankit/digitalocean/internal/specmodel"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// specFromJSON decodes an app spec, unknown keys kept.
func specFromJSON(t testing.TB, s string) *do.AppSpec {
	t.Helper()
	var spec do.AppSpec
	require.NoError(t, json.Unmarshal([]byte(s), &spec), s)
	return &spec
}

// changeStrings renders changes with String, for compact expectations.
func changeStrings(changes []Change) []string {
	out := make([]string, len(changes))
	for i, c := range changes {
		out[i] = c.String()
	}
	return out
}

const diffBaseSpec = `{
  "name": "shop",
  "region": "ams",
  "envs": [{"key": "LOG_LEVEL", "value": "info"}, {"key": "MODE", "value": "prod", "scope": "RUN_TIME"}],
  "domains": [{"domain": "shop.example.com", "type": "PRIMARY"}, {"domain": "www.shop.example.com", "type": "ALIAS"}],
  "alerts": [{"rule": "DEPLOYMENT_FAILED"}, {"rule": "DOMAIN_FAILED"}],
  "features": ["buildpack-stack=ubuntu-22", "disable-http2"],
  "services": [
    {"name": "api", "http_port": 3000, "internal_ports": [9090, 9091],
     "github": {"repo": "acme/shop", "branch": "main"},
     "envs": [{"key": "DB_URL", "value": "postgres://db"}, {"key": "PORT", "value": "3000"}],
     "alerts": [{"rule": "CPU_UTILIZATION", "operator": "GREATER_THAN", "value": 80, "window": "FIVE_MINUTES"}],
     "log_destinations": [{"name": "papertrail", "papertrail": {"endpoint": "https://logs.example.com"}}, {"name": "dd", "datadog": {"api_key": "k"}}]},
    {"name": "web", "github": {"repo": "acme/web", "branch": "main"}}
  ],
  "workers": [{"name": "mailer", "github": {"repo": "acme/mailer", "branch": "main"}}],
  "databases": [{"name": "db", "engine": "PG", "production": true}],
  "ingress": {"rules": [
    {"match": {"path": {"prefix": "/api"}}, "component": {"name": "api"}},
    {"match": {"path": {"prefix": "/"}}, "component": {"name": "web"}}
  ]}
}`

func TestDiffNoChange(t *testing.T) {
	base := specFromJSON(t, diffBaseSpec)
	cases := map[string]string{
		"same document": diffBaseSpec,
		"everything matched by key reordered": `{
  "name": "shop", "region": "ams",
  "envs": [{"key": "MODE", "value": "prod", "scope": "RUN_TIME"}, {"key": "LOG_LEVEL", "value": "info"}],
  "domains": [{"domain": "www.shop.example.com", "type": "ALIAS"}, {"domain": "shop.example.com", "type": "PRIMARY"}],
  "alerts": [{"rule": "DOMAIN_FAILED"}, {"rule": "DEPLOYMENT_FAILED"}],
  "features": ["disable-http2", "buildpack-stack=ubuntu-22"],
  "databases": [{"name": "db", "engine": "PG", "production": true}],
  "workers": [{"name": "mailer", "github": {"branch": "main", "repo": "acme/mailer"}}],
  "services": [
    {"name": "web", "github": {"repo": "acme/web", "branch": "main"}},
    {"name": "api", "http_port": 3000, "internal_ports": [9091, 9090],
     "github": {"repo": "acme/shop", "branch": "main"},
     "envs": [{"key": "PORT", "value": "3000"}, {"key": "DB_URL", "value": "postgres://db"}],
     "alerts": [{"rule": "CPU_UTILIZATION", "operator": "GREATER_THAN", "value": 80, "window": "FIVE_MINUTES"}],
     "log_destinations": [{"name": "dd", "datadog": {"api_key": "k"}}, {"name": "papertrail", "papertrail": {"endpoint": "https://logs.example.com"}}]}
  ],
  "ingress": {"rules": [
    {"match": {"path": {"prefix": "/api"}}, "component": {"name": "api"}},
    {"match": {"path": {"prefix": "/"}}, "component": {"name": "web"}}
  ]}
}`,
		"zero values and defaults spelled out": `{
  "name": "shop", "region": "ams", "disable_edge_cache": false, "vpc": null,
  "envs": [{"key": "LOG_LEVEL", "value": "info", "type": "GENERAL", "scope": "RUN_AND_BUILD_TIME"}, {"key": "MODE", "value": "prod", "scope": "RUN_TIME", "type": "GENERAL"}],
  "domains": [{"domain": "shop.example.com", "type": "PRIMARY", "wildcard": false}, {"domain": "www.shop.example.com", "type": "ALIAS", "zone": ""}],
  "alerts": [{"rule": "DEPLOYMENT_FAILED", "disabled": false}, {"rule": "DOMAIN_FAILED", "operator": "UNSPECIFIED_OPERATOR"}],
  "features": ["buildpack-stack=ubuntu-22", "disable-http2"],
  "services": [
    {"name": "api", "http_port": 3000, "internal_ports": [9090, 9091], "instance_count": 1, "instance_size_slug": "apps-s-1vcpu-0.5gb",
     "github": {"repo": "acme/shop", "branch": "main", "deploy_on_push": false},
     "envs": [{"key": "DB_URL", "value": "postgres://db", "type": "GENERAL"}, {"key": "PORT", "value": "3000", "scope": "UNSET"}],
     "alerts": [{"rule": "CPU_UTILIZATION", "operator": "GREATER_THAN", "value": 80, "window": "FIVE_MINUTES"}],
     "log_destinations": [{"name": "papertrail", "papertrail": {"endpoint": "https://logs.example.com"}}, {"name": "dd", "datadog": {"api_key": "k", "endpoint": ""}}],
     "routes": [], "cors": {}},
    {"name": "web", "http_port": 8080, "github": {"repo": "acme/web", "branch": "main"}, "build_command": ""}
  ],
  "workers": [{"name": "mailer", "instance_count": 0, "github": {"repo": "acme/mailer", "branch": "main"}}],
  "jobs": [],
  "databases": [{"name": "db", "engine": "PG", "production": true, "num_nodes": 0}],
  "ingress": {"rules": [
    {"match": {"path": {"prefix": "/api"}, "authority": {"exact": ""}}, "component": {"name": "api", "preserve_path_prefix": false}},
    {"match": {"path": {"prefix": "/"}, "authority": {}}, "component": {"name": "web"}}
  ]}
}`,
	}
	for name, doc := range cases {
		t.Run(name, func(t *testing.T) {
			other := specFromJSON(t, doc)
			assert.Empty(t, changeStrings(Diff(base, other)))
			assert.Empty(t, changeStrings(Diff(other, base)))
		})
	}
}

func TestDiffNilAndEmpty(t *testing.T) {
	assert.Empty(t, Diff(nil, nil))
	assert.Empty(t, Diff(nil, &do.AppSpec{}))
	assert.Empty(t, Diff(&do.AppSpec{Services: []*do.AppServiceSpec{}}, nil), "an empty list is absent")
	assert.Empty(t, Diff(&do.AppSpec{Services: []*do.AppServiceSpec{nil}}, nil), "a nil component is skipped, as Components does")

	spec := &do.AppSpec{Name: "a", Services: []*do.AppServiceSpec{{Name: "api", HTTPPort: 9000}}}
	assert.Equal(t, []string{`+ name: "a"`, `+ services[name=api]: {"http_port":9000,"name":"api"}`},
		changeStrings(Diff(nil, spec)))
	assert.Equal(t, []string{`- name: "a"`, `- services[name=api]: {"http_port":9000,"name":"api"}`},
		changeStrings(Diff(spec, nil)))
}

// diffEdit applies edit to a fresh copy of the base spec and returns
// Diff(base, edited).
func diffEdit(t *testing.T, edit func(s *do.AppSpec)) []Change {
	t.Helper()
	edited := specFromJSON(t, diffBaseSpec)
	edit(edited)
	return Diff(specFromJSON(t, diffBaseSpec), edited)
}

func TestDiffChanges(t *testing.T) {
	cases := []struct {
		name string
		edit func(s *do.AppSpec)
		want []string
	}{
		{"component env value", func(s *do.AppSpec) { s.Services[0].Envs[0].Value = "postgres://other" },
			[]string{`~ services[name=api].envs[key=DB_URL].value: "postgres://db" -> "postgres://other"`}},
		{"env added and removed", func(s *do.AppSpec) {
			s.Services[0].Envs = []*do.AppVariableDefinition{s.Services[0].Envs[1], {Key: "NEW", Value: "1"}}
		}, []string{
			`- services[name=api].envs[key=DB_URL]: {"key":"DB_URL","value":"postgres://db"}`,
			`+ services[name=api].envs[key=NEW]: {"key":"NEW","value":"1"}`,
		}},
		{"env scope", func(s *do.AppSpec) { s.Envs[1].Scope = do.AppVariableScopeBuildTime },
			[]string{`~ envs[key=MODE].scope: "RUN_TIME" -> "BUILD_TIME"`}},
		{"env scope to its default", func(s *do.AppSpec) { s.Envs[1].Scope = "" },
			[]string{`- envs[key=MODE].scope: "RUN_TIME"`}},
		{"http_port to the default", func(s *do.AppSpec) { s.Services[0].HTTPPort = 0 },
			[]string{`- services[name=api].http_port: 3000`}},
		{"internal port set", func(s *do.AppSpec) { s.Services[0].InternalPorts = []int64{9090} },
			[]string{`~ services[name=api].internal_ports: [9090,9091] -> [9090]`}},
		{"feature added", func(s *do.AppSpec) { s.Features = append(s.Features, "new-flag") },
			[]string{`~ features: ["buildpack-stack=ubuntu-22","disable-http2"] -> ["buildpack-stack=ubuntu-22","disable-http2","new-flag"]`}},
		{"domain type", func(s *do.AppSpec) { s.Domains[1].Type = do.AppDomainSpecTypeDefault },
			[]string{`~ domains[domain=www.shop.example.com].type: "ALIAS" -> "DEFAULT"`}},
		{"component alert value", func(s *do.AppSpec) { s.Services[0].Alerts[0].Value = 90 },
			[]string{`~ services[name=api].alerts[rule=CPU_UTILIZATION].value: 80 -> 90`}},
		{"app alert removed", func(s *do.AppSpec) { s.Alerts = s.Alerts[:1] },
			[]string{`- alerts[rule=DOMAIN_FAILED]: {"rule":"DOMAIN_FAILED"}`}},
		{"log destination", func(s *do.AppSpec) { s.Services[0].LogDestinations[0].Papertrail.Endpoint = "https://other" },
			[]string{`~ services[name=api].log_destinations[name=papertrail].papertrail.endpoint: "https://logs.example.com" -> "https://other"`}},
		{"ingress rule prefix", func(s *do.AppSpec) { s.Ingress.Rules[0].Match.Path.Prefix = do.Ptr("/v2") },
			[]string{`~ ingress.rules[0].match.path.prefix: "/api" -> "/v2"`}},
		{"ingress rules swapped: order matters", func(s *do.AppSpec) {
			s.Ingress.Rules[0], s.Ingress.Rules[1] = s.Ingress.Rules[1], s.Ingress.Rules[0]
		}, []string{
			`~ ingress.rules[0].component.name: "api" -> "web"`,
			`~ ingress.rules[0].match.path.prefix: "/api" -> "/"`,
			`~ ingress.rules[1].component.name: "web" -> "api"`,
			`~ ingress.rules[1].match.path.prefix: "/" -> "/api"`,
		}},
		{"ingress rule added", func(s *do.AppSpec) {
			s.Ingress.Rules = append(s.Ingress.Rules, &do.AppIngressSpecRule{Component: &do.AppIngressSpecRuleRoutingComponent{Name: "docs"}})
		}, []string{`+ ingress.rules[2]: {"component":{"name":"docs"}}`}},
		{"component routes compare in order", func(s *do.AppSpec) {
			s.Services[1].Routes = []*do.AppRouteSpec{{Path: "/b"}, {Path: "/a", PreservePathPrefix: true}}
		}, []string{`+ services[name=web].routes: [{"path":"/b"},{"path":"/a","preserve_path_prefix":true}]`}},
		{"service added", func(s *do.AppSpec) { s.Services = append(s.Services, &do.AppServiceSpec{Name: "admin"}) },
			[]string{`+ services[name=admin]: {"name":"admin"}`}},
		{"worker removed", func(s *do.AppSpec) { s.Workers = nil },
			[]string{`- workers[name=mailer]: {"github":{"branch":"main","repo":"acme/mailer"},"name":"mailer"}`}},
		{"database changed", func(s *do.AppSpec) { s.Databases[0].Production = false },
			[]string{`- databases[name=db].production: true`}},
		{"top-level scalar", func(s *do.AppSpec) { s.Region = "fra" }, []string{`~ region: "ams" -> "fra"`}},
		{"object added", func(s *do.AppSpec) { s.Maintenance = &do.AppMaintenanceSpec{Enabled: true} },
			[]string{`+ maintenance: {"enabled":true}`}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			changes := diffEdit(t, tc.edit)
			assert.Equal(t, tc.want, changeStrings(changes))
			assert.True(t, HasChanges(changes))
		})
	}
}

func TestDiffRoutesInOrder(t *testing.T) {
	withRoutes := func(paths ...string) *do.AppSpec {
		s := &do.AppSpec{Services: []*do.AppServiceSpec{{Name: "web"}}}
		for _, p := range paths {
			s.Services[0].Routes = append(s.Services[0].Routes, &do.AppRouteSpec{Path: p})
		}
		return s
	}
	assert.Empty(t, Diff(withRoutes("/a", "/b"), withRoutes("/a", "/b")))
	assert.Equal(t, []string{
		`~ services[name=web].routes[0].path: "/a" -> "/b"`,
		`~ services[name=web].routes[1].path: "/b" -> "/a"`,
	}, changeStrings(Diff(withRoutes("/a", "/b"), withRoutes("/b", "/a"))))
	assert.Equal(t, []string{`- services[name=web].routes[1]: {"path":"/b"}`},
		changeStrings(Diff(withRoutes("/a", "/b"), withRoutes("/a"))))
}

func TestDiffComponentChangesKind(t *testing.T) {
	changes := diffEdit(t, func(s *do.AppSpec) {
		w := s.Workers[0]
		s.Workers = nil
		s.Services = append(s.Services, &do.AppServiceSpec{Name: w.Name, GitHub: w.GitHub})
	})
	require.Len(t, changes, 1, changeStrings(changes))
	c := changes[0]
	assert.Equal(t, Modified, c.Kind)
	assert.Equal(t, "services[name=mailer]", c.Path.String())
	assert.Equal(t, "workers[name=mailer]", c.OldPath.String())
	assert.JSONEq(t, `{"name":"mailer","github":{"repo":"acme/mailer","branch":"main"}}`, string(c.Old))
	assert.JSONEq(t, `{"name":"mailer","github":{"repo":"acme/mailer","branch":"main"}}`, string(c.New))
	assert.Equal(t, `~ services[name=mailer] (was workers[name=mailer]): {"github":{"branch":"main","repo":"acme/mailer"},"name":"mailer"} -> {"github":{"branch":"main","repo":"acme/mailer"},"name":"mailer"}`, c.String())
}

func TestDiffUnknownKeys(t *testing.T) {
	old := specFromJSON(t, `{"name":"a","future_flag":{"x":1},"services":[{"name":"api","beta_knob":"on","envs":[{"key":"K","value":"v","origin":"ui"}]}]}`)
	same := specFromJSON(t, `{"services":[{"envs":[{"origin":"ui","value":"v","key":"K"}],"beta_knob":"on","name":"api"}],"future_flag":{"x":1.0},"name":"a","zero_knob":""}`)
	assert.Empty(t, changeStrings(Diff(old, same)), "unknown keys equal, numbers by value, an unknown zero is absent")

	changed := specFromJSON(t, `{"name":"a","future_flag":{"x":2},"services":[{"name":"api","beta_knob":"off","envs":[{"key":"K","value":"v","origin":"cli"}]}],"new_top":[1,2]}`)
	assert.Equal(t, []string{
		`~ future_flag.x: 1 -> 2`,
		`+ new_top: [1,2]`,
		`~ services[name=api].beta_knob: "on" -> "off"`,
		`~ services[name=api].envs[key=K].origin: "ui" -> "cli"`,
	}, changeStrings(Diff(old, changed)))
}

// secretSpec is an app with one SECRET and one GENERAL env on a service,
// and an image with registry credentials on a worker.
func secretSpec(secret, general, credentials string) *do.AppSpec {
	return &do.AppSpec{
		Name: "s",
		Services: []*do.AppServiceSpec{{Name: "api", Envs: []*do.AppVariableDefinition{
			{Key: "TOKEN", Type: do.AppVariableTypeSecret, Value: secret},
			{Key: "PLAIN", Value: general},
		}}},
		Workers: []*do.AppWorkerSpec{{Name: "w", Image: &do.AppImageSourceSpec{
			RegistryType: do.AppImageSourceSpecRegistryTypeDockerHub, Repository: "acme/w", RegistryCredentials: credentials}}},
	}
}

func TestDiffSecrets(t *testing.T) {
	const (
		ev1 = "EV[1:zqiRIeaaYK/NqctZDYzy6t0pTrtRDez8:wqGpZRrsKN5nPhWQrS479cfBiXT0WQ==]"
		ev2 = "EV[1:AAAAIeaaYK/NqctZDYzy6t0pTrtRDez8:BBBBZRrsKN5nPhWQrS479cfBiXT0WQ==]"
	)
	t.Run("ciphertext against plaintext is undecidable", func(t *testing.T) {
		changes := Diff(secretSpec(ev1, "p", ev2), secretSpec("hunter2", "p", "user:pass"))
		require.Len(t, changes, 2, changeStrings(changes))
		for _, c := range changes {
			assert.True(t, c.Undecidable, c.Path.String())
			assert.True(t, c.Sensitive, c.Path.String())
			assert.Equal(t, Modified, c.Kind)
			assert.NotContains(t, c.String(), "hunter2")
			assert.NotContains(t, c.String(), "user:pass")
		}
		assert.Equal(t, "services[name=api].envs[key=TOKEN].value", changes[0].Path.String())
		assert.Equal(t, "workers[name=w].image.registry_credentials", changes[1].Path.String())
		assert.Equal(t, `"(sensitive)"`, string(changes[0].New), "masked")
		old, new := changes[0].Reveal()
		assert.Equal(t, `"`+ev1+`"`, string(old))
		assert.Equal(t, `"hunter2"`, string(new))
		assert.False(t, HasChanges(changes), "a plan re-sending the same plaintext shows no change")
		assert.Equal(t, "~ services[name=api].envs[key=TOKEN].value: encrypted value and plaintext cannot be compared", changes[0].String())

		// The other way round (a state holding the plaintext, the API
		// answering with the ciphertext) is just as undecidable.
		reverse := Diff(secretSpec("hunter2", "p", "user:pass"), secretSpec(ev1, "p", ev2))
		require.Len(t, reverse, 2, changeStrings(reverse))
		for _, c := range reverse {
			assert.True(t, c.Undecidable, c.Path.String())
			assert.True(t, c.Sensitive, c.Path.String())
		}
		assert.False(t, HasChanges(reverse))
	})
	t.Run("two ciphertexts are compared", func(t *testing.T) {
		assert.Empty(t, Diff(secretSpec(ev1, "p", ev1), secretSpec(ev1, "p", ev1)))
		changes := Diff(secretSpec(ev1, "p", ev1), secretSpec(ev2, "p", ev1))
		require.Len(t, changes, 1)
		assert.False(t, changes[0].Undecidable)
		assert.True(t, changes[0].Sensitive)
		assert.True(t, HasChanges(changes))
	})
	t.Run("two plaintexts are compared", func(t *testing.T) {
		assert.Empty(t, Diff(secretSpec("a", "p", "u:p"), secretSpec("a", "p", "u:p")))
		changes := Diff(secretSpec("a", "p", "u:p"), secretSpec("b", "p", "u:q"))
		require.Len(t, changes, 2)
		for _, c := range changes {
			assert.False(t, c.Undecidable)
			assert.True(t, c.Sensitive)
			assert.Equal(t, Modified, c.Kind)
			assert.True(t, strings.HasSuffix(c.String(), ": (sensitive value)"), c.String())
		}
		assert.True(t, HasChanges(changes))
	})
	t.Run("a GENERAL env is plain text even when it looks encrypted", func(t *testing.T) {
		changes := Diff(secretSpec(ev1, ev1, ev1), secretSpec(ev1, "plain", ev1))
		require.Len(t, changes, 1)
		assert.Equal(t, "services[name=api].envs[key=PLAIN].value", changes[0].Path.String())
		assert.False(t, changes[0].Undecidable)
		assert.False(t, changes[0].Sensitive)
	})
	t.Run("secret removed or type changed", func(t *testing.T) {
		changes := Diff(secretSpec(ev1, "p", ""), secretSpec("", "p", ""))
		require.Len(t, changes, 1)
		assert.Equal(t, Removed, changes[0].Kind)
		assert.False(t, changes[0].Undecidable)
		assert.True(t, changes[0].Sensitive)

		changes = Diff(secretSpec("", "p", ""), secretSpec("hunter2", "p", ""))
		require.Len(t, changes, 1)
		assert.Equal(t, Added, changes[0].Kind)
		assert.False(t, changes[0].Undecidable)
		assert.True(t, changes[0].Sensitive)
		assert.NotContains(t, changes[0].String(), "hunter2")

		generalNow := secretSpec("hunter2", "p", "")
		generalNow.Services[0].Envs[0].Type = do.AppVariableTypeGeneral
		changes = Diff(secretSpec(ev1, "p", ""), generalNow)
		assert.Equal(t, []string{
			`- services[name=api].envs[key=TOKEN].type: "SECRET"`,
			`~ services[name=api].envs[key=TOKEN].value: encrypted value and plaintext cannot be compared`,
		}, changeStrings(changes))
		assert.True(t, HasChanges(changes), "the type change is known")
	})
	t.Run("a whole element holding a secret is sensitive", func(t *testing.T) {
		changes := Diff(&do.AppSpec{Name: "s"}, secretSpec("hunter2", "p", "u:p"))
		require.Len(t, changes, 2)
		for _, c := range changes {
			assert.True(t, c.Sensitive, c.Path.String())
			assert.NotContains(t, c.String(), "hunter2")
		}
		plain := Diff(nil, &do.AppSpec{Envs: []*do.AppVariableDefinition{{Key: "K", Value: "v"}}})
		require.Len(t, plain, 1)
		assert.False(t, plain[0].Sensitive)
	})
	t.Run("a ciphertext in another field is undecidable", func(t *testing.T) {
		old := specFromJSON(t, `{"services":[{"name":"api","log_destinations":[{"name":"dd","datadog":{"api_key":"`+ev1+`"}}]}]}`)
		new := specFromJSON(t, `{"services":[{"name":"api","log_destinations":[{"name":"dd","datadog":{"api_key":"plain-key"}}]}]}`)
		changes := Diff(old, new)
		require.Len(t, changes, 1)
		assert.True(t, changes[0].Undecidable)
		assert.True(t, changes[0].Sensitive)

		other := specFromJSON(t, `{"services":[{"name":"api","log_destinations":[{"name":"dd","datadog":{"api_key":"`+ev2+`"}}]}]}`)
		changes = Diff(old, other)
		require.Len(t, changes, 1)
		assert.False(t, changes[0].Undecidable, "two ciphertexts compare")
		assert.True(t, changes[0].Sensitive)
	})
}

func TestDiffRepeatedKeys(t *testing.T) {
	old := specFromJSON(t, `{"envs":[{"key":"A","value":"1"},{"key":"A","value":"2"}]}`)
	new := specFromJSON(t, `{"envs":[{"key":"A","value":"1"},{"key":"A","value":"3"},{"key":"A","value":"4"}]}`)
	changes := Diff(old, new)
	assert.Equal(t, []string{
		`~ envs[key=A#2].value: "2" -> "3"`,
		`+ envs[key=A#3]: {"key":"A","value":"4"}`,
	}, changeStrings(changes))
	assert.Equal(t, 1, changes[0].Path[0].Nth)
}

func TestDiffDeterministicOrder(t *testing.T) {
	old := specFromJSON(t, diffBaseSpec)
	edited := func() *do.AppSpec {
		s := specFromJSON(t, diffBaseSpec)
		s.Name, s.Region = "shop2", "fra"
		s.Services[0].Envs[0].Value, s.Services[1].BuildCommand = "x", "make"
		s.Envs[0].Value, s.Workers[0].RunCommand = "debug", "run"
		s.Ingress.Rules[1].Match.Path.Prefix = do.Ptr("/web")
		return s
	}
	first := changeStrings(Diff(old, edited()))
	require.Len(t, first, 7)
	for range 20 {
		assert.Equal(t, first, changeStrings(Diff(old, edited())))
	}
	// Reordering the lists matched by key does not reorder the changes.
	reordered := edited()
	reordered.Services[0], reordered.Services[1] = reordered.Services[1], reordered.Services[0]
	reordered.Envs[0], reordered.Envs[1] = reordered.Envs[1], reordered.Envs[0]
	assert.Equal(t, first, changeStrings(Diff(old, reordered)))
	assert.Equal(t, []string{
		`~ envs[key=LOG_LEVEL].value: "info" -> "debug"`,
		`~ ingress.rules[1].match.path.prefix: "/" -> "/web"`,
		`~ name: "shop" -> "shop2"`,
		`~ region: "ams" -> "fra"`,
		`~ services[name=api].envs[key=DB_URL].value: "postgres://db" -> "x"`,
		`+ services[name=web].build_command: "make"`,
		`+ workers[name=mailer].run_command: "run"`,
	}, first)
}

func TestPathRendering(t *testing.T) {
	p := Path{
		{Field: "services", Key: "name", Value: "api", Index: -1},
		{Field: "envs", Key: "key", Value: "DB_URL", Index: -1},
		{Field: "value", Index: -1},
	}
	assert.Equal(t, "services[name=api].envs[key=DB_URL].value", p.String())
	assert.Equal(t, "$.services[?@.name=='api'].envs[?@.key=='DB_URL'].value", p.JSONPath())

	rules := Path{{Field: "ingress", Index: -1}, {Field: "rules", Index: 12}, {Field: "match", Index: -1}}
	assert.Equal(t, "ingress.rules[12].match", rules.String())
	assert.Equal(t, "$.ingress.rules[12].match", rules.JSONPath())

	odd := Path{
		{Field: "domains", Key: "domain", Value: "a.example.com", Index: -1},
		{Field: "future-flag", Index: -1},
		{Field: "envs", Key: "key", Value: "it's", Nth: 2, Index: -1},
	}
	assert.Equal(t, `domains[domain=a.example.com]["future-flag"].envs[key=it's#3]`, odd.String())
	assert.Equal(t, `$.domains[?@.domain=='a.example.com']['future-flag'].envs[?@.key=='it\'s']`, odd.JSONPath())
	assert.Equal(t, `envs[key=""]`, Path{{Field: "envs", Key: "key", Index: -1}}.String())
	assert.Equal(t, `envs[key="a]b#c d"]`, Path{{Field: "envs", Key: "key", Value: "a]b#c d", Index: -1}}.String())
	assert.Equal(t, "$", Path(nil).JSONPath())
}

// TestDefaultsAreEnumValues guards the defaults table, which names the
// SDK's enum values as strings (internal/specmodel cannot import them),
// against typos and renames: every value it names is the SDK's constant.
func TestDefaultsAreEnumValues(t *testing.T) {
	defaults := specmodel.Defaults
	assert.Equal(t, string(do.AppVariableTypeGeneral), defaults["envs"]["type"])
	assert.Equal(t, []any{string(do.AppVariableScopeUnset), string(do.AppVariableScopeRunAndBuildTime)}, defaults["envs"]["scope"])
	assert.Equal(t, string(do.AppJobSpecKindUnspecified), defaults["jobs"]["kind"])
	assert.Equal(t, string(do.AppDomainSpecTypeUnspecified), defaults["domains"]["type"])
	assert.Equal(t, string(do.AppDatabaseSpecEngineUnset), defaults["databases"]["engine"])
	assert.Equal(t, string(do.AppAlertSpecRuleUnspecifiedRule), defaults["alerts"]["rule"])
	assert.Equal(t, string(do.AppAlertSpecOperatorUnspecifiedOperator), defaults["alerts"]["operator"])
	assert.Equal(t, string(do.AppAlertSpecWindowUnspecifiedWindow), defaults["alerts"]["window"])
	assert.Equal(t, string(do.AppImageSourceSpecRegistryTypeUnspecified), defaults["image"]["registry_type"])
	assert.Equal(t, string(do.AppEgressTypeAutoassign), defaults["egress"]["type"])
	assert.Equal(t, string(do.InstanceSizeSlugAppsS1VCPU0_5GB), specmodel.DefaultInstanceSize)
	assert.Equal(t, string(do.AppVariableTypeSecret), specmodel.EnvTypeSecret)
	assert.Equal(t, string(do.AppVariableTypeGeneral), specmodel.EnvTypeGeneral)
}

// TestDiffLiveAPIEcho compares a desired spec with what the live
// API returns for it, written from testdata/live-api-behaviour.md: SECRET
// values encrypted (a.1), GENERAL and zero values omitted (a.9, a.10),
// http_port 8080 filled in (a.18), an empty ingress match string read back
// as an empty object (a.11). A plan shows nothing to do; the secret is
// listed as undecidable only.
func TestDiffLiveAPIEcho(t *testing.T) {
	desired := specFromJSON(t, `{
  "name": "shop", "region": "ams",
  "services": [{"name": "api", "instance_count": 0, "http_port": 0,
    "github": {"repo": "acme/shop", "branch": "main", "deploy_on_push": false},
    "envs": [
      {"key": "DB_PASSWORD", "type": "SECRET", "value": "hunter2"},
      {"key": "LOG_LEVEL", "type": "GENERAL", "value": "info", "scope": "RUN_AND_BUILD_TIME"}
    ]}],
  "ingress": {"rules": [{"match": {"path": {"prefix": "/"}, "authority": {"exact": ""}}, "component": {"name": "api", "preserve_path_prefix": false}}]}
}`)
	returned := specFromJSON(t, `{
  "name": "shop", "region": "ams",
  "services": [{"name": "api", "http_port": 8080,
    "github": {"repo": "acme/shop", "branch": "main"},
    "envs": [
      {"key": "LOG_LEVEL", "value": "info", "scope": "RUN_AND_BUILD_TIME"},
      {"key": "DB_PASSWORD", "type": "SECRET", "value": "EV[1:zqiRIeaaYK/NqctZDYzy6t0pTrtRDez8:wqGpZRrsKN5nPhWQrS479cfBiXT0WQ==]"}
    ]}],
  "ingress": {"rules": [{"match": {"path": {"prefix": "/"}, "authority": {}}, "component": {"name": "api"}}]}
}`)
	changes := Diff(returned, desired)
	assert.False(t, HasChanges(changes), "%v", changeStrings(changes))
	require.Len(t, changes, 1)
	assert.Equal(t, "services[name=api].envs[key=DB_PASSWORD].value", changes[0].Path.String())
	assert.True(t, changes[0].Undecidable)

	// Drift made out of band shows.
	returned.Services[0].Envs[0].Value = "debug"
	changes = Diff(returned, desired)
	assert.True(t, HasChanges(changes))
	assert.Contains(t, changeStrings(changes), `~ services[name=api].envs[key=LOG_LEVEL].value: "debug" -> "info"`)
}

func BenchmarkDiff(b *testing.B) {
	old, new := specFromJSON(b, diffBaseSpec), specFromJSON(b, diffBaseSpec)
	new.Services[0].Envs[0].Value = "changed"
	b.ReportAllocs()
	for b.Loop() {
		if len(Diff(old, new)) != 1 {
			b.Fatal("want one change")
		}
	}
}
