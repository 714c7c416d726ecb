package appspec

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	do "github.com/oceankit/digitalocean"
	"github.com/oceankit/digitalocean/internal/apischema"
	"github.com/oceankit/digitalocean/internal/specfile"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// validationProblems returns Validate's problems as "path: message".
func validationProblems(t *testing.T, spec *do.AppSpec) []string {
	t.Helper()
	err := Validate(spec)
	if err == nil {
		return nil
	}
	var out []string
	for _, e := range unjoin(err) {
		var specErr *Error
		require.ErrorAs(t, e, &specErr)
		out = append(out, specErr.Path+": "+specErr.Msg)
	}
	return out
}

// unjoin returns the problems of an error from Validate, which is always
// an Errors.
func unjoin(err error) []error {
	list, ok := err.(Errors)
	if !ok {
		panic(fmt.Sprintf("Validate returned %T, want Errors: %v", err, err))
	}
	return list.Unwrap()
}

// Validate and Parse return the same list type, so one piece of
// code handles a file's problems and a spec's alike.
func TestValidateReturnsErrors(t *testing.T) {
	describe := func(err error) []string {
		var problems Errors
		require.ErrorAs(t, err, &problems)
		var out []string
		for _, p := range problems {
			out = append(out, fmt.Sprintf("%d %s %s", p.Line, p.Path, p.Msg))
		}
		return out
	}
	_, parseErr := Parse([]byte("name: a\nservices:\n  - name: web\n    instance_cont: 1\n"))
	assert.Equal(t, []string{"4 services[0].instance_cont unknown key \"instance_cont\""}, describe(parseErr))

	spec := &do.AppSpec{Name: "ab", Services: []*do.AppServiceSpec{{Name: "web", InstanceCount: -1}}}
	err := Validate(spec)
	assert.Equal(t, []string{
		"0 services[0].instance_count must be at least 1, is -1",
		"0 services[0] has no source: set one of git, github, gitlab, bitbucket or image",
	}, describe(err))
	_, isList := err.(Errors)
	assert.True(t, isList, "Validate returns an Errors itself, not wrapped: %T", err)

	var nilSpec *do.AppSpec
	assert.Equal(t, []string{"0  no app spec (nil)"}, describe(Validate(nilSpec)))

	var clean error = Validate(validBase(t))
	assert.True(t, clean == nil, "no problems is an untyped nil, not an empty Errors: %#v", clean)
}

// Validate lists at most 50 problems, then says how many it left out.
func TestValidateBoundsTheProblems(t *testing.T) {
	spec := &do.AppSpec{Name: "many"}
	for i := range 60 {
		spec.Workers = append(spec.Workers, &do.AppWorkerSpec{Name: fmt.Sprintf("w%d", i), Image: &do.AppImageSourceSpec{
			RegistryType: do.AppImageSourceSpecRegistryTypeDOCR, Repository: "r", Registry: "acme"}})
	}
	var problems Errors
	require.ErrorAs(t, Validate(spec), &problems)
	require.Len(t, problems, specfile.MaxProblems+1)
	for i, p := range problems[:specfile.MaxProblems] {
		assert.Equal(t, fmt.Sprintf("workers[%d].image.registry", i), p.Path, "in spec order")
	}
	last := problems[specfile.MaxProblems]
	assert.Empty(t, last.Path)
	assert.Equal(t, "too many problems: 10 more not reported (the first 50 are listed)", last.Msg)
	assert.True(t, strings.HasPrefix(problems.Error(), "digitalocean: app spec: more than 50 problems:"), problems.Error())
}

func TestValidateNil(t *testing.T) {
	var spec *do.AppSpec
	err := Validate(spec)
	var specErr *Error
	require.ErrorAs(t, err, &specErr)
	assert.Contains(t, specErr.Msg, "nil")
}

// Zero false alarms: every app spec of the OpenAPI documents, of testdata,
// of the quickstart and of testdata/appspecs/valid validates clean.
func TestValidateAcceptsEveryKnownGoodSpec(t *testing.T) {
	_, specs, err := apischema.DocumentExamples("../testdata/digitalocean-v2-subset.yaml", "../testdata/live-api-overlay.yaml")
	require.NoError(t, err)
	require.GreaterOrEqual(t, len(specs), 5, "app spec examples in the documents")
	for _, ex := range specs {
		raw, err := json.Marshal(ex.Value)
		require.NoError(t, err)
		var spec do.AppSpec
		require.NoError(t, json.Unmarshal(raw, &spec), ex.Where)
		assert.Empty(t, validationProblems(t, &spec), ex.Where)
	}

	files, err := filepath.Glob("testdata/appspecs/valid/*.yaml")
	require.NoError(t, err)
	require.GreaterOrEqual(t, len(files), 20)
	more, err := filepath.Glob("testdata/appspecs/*.*")
	require.NoError(t, err)
	files = append(append(files, more...), "../examples/quickstart/app.yaml")
	for _, f := range files {
		spec, err := Load(f)
		require.NoError(t, err, f)
		assert.Empty(t, validationProblems(t, spec), f)
	}
}

// The valid specs cover what the issue asks for: every component kind,
// every source kind, ingress, domains, alerts, log destinations,
// autoscaling, VPC and egress.
func TestValidSpecsCoverage(t *testing.T) {
	files, err := filepath.Glob("testdata/appspecs/valid/*.yaml")
	require.NoError(t, err)
	var all strings.Builder
	for _, f := range files {
		b, err := os.ReadFile(f)
		require.NoError(t, err)
		all.Write(b)
	}
	for _, key := range []string{"services:", "workers:", "jobs:", "static_sites:", "functions:", "databases:",
		"git:", "github:", "gitlab:", "bitbucket:", "registry_type: DOCR", "registry_type: DOCKER_HUB", "registry_type: GHCR",
		"ingress:", "redirect:", "domains:", "alerts:", "papertrail:", "datadog:", "logtail:", "open_search:", "headers:",
		"autoscaling:", "vpc:", "egress:", "maintenance:", "${db.DATABASE_URL}", "kind: SCHEDULED"} {
		assert.Contains(t, all.String(), key)
	}
}

// validBase is a small valid spec the rule tests break one way each.
func validBase(t *testing.T) *do.AppSpec {
	t.Helper()
	spec, err := Parse([]byte(`
name: base
services:
  - name: api
    github: {repo: acme/api, branch: main}
    http_port: 8080
    instance_count: 1
    envs:
      - key: DATABASE_URL
        value: ${db.DATABASE_URL}
  - name: web-svc
    github: {repo: acme/web, branch: main}
static_sites:
  - name: web
    github: {repo: acme/site, branch: main}
    error_document: 404.html
workers:
  - name: worker
    image: {registry_type: DOCR, repository: worker, tag: v1}
jobs:
  - name: migrate
    gitlab: {repo: acme/api, branch: main}
functions:
  - name: fn
    bitbucket: {repo: acme/fn, branch: main}
databases:
  - name: db
    engine: PG
domains:
  - domain: example.com
    type: PRIMARY
ingress:
  rules:
    - match: {path: {prefix: /api}}
      component: {name: api}
    - match: {path: {prefix: /}}
      component: {name: web}
`))
	require.NoError(t, err)
	require.NoError(t, Validate(spec))
	return spec
}

func ptrTo[T any](v T) *T { return &v }

// Each cross-field rule, broken once: Validate reports it at its path.
func TestValidateCrossFieldRules(t *testing.T) {
	cases := []struct {
		rule   string
		break_ func(s *do.AppSpec)
		path   string
		msg    string
	}{
		{"unique-component-names", func(s *do.AppSpec) { s.Workers[0].Name = "api" }, "workers[0].name", `"api" is already the name of services[0]`},
		{"unique-component-names", func(s *do.AppSpec) { s.Databases = append(s.Databases, &do.AppDatabaseSpec{Name: "web"}) }, "databases[1].name", `"web" is already the name of static_sites[0]`},
		{"one-source", func(s *do.AppSpec) { s.Services[0].GitHub = nil }, "services[0]", "has no source"},
		{"one-source", func(s *do.AppSpec) { s.Jobs[0].Image = &do.AppImageSourceSpec{RegistryType: "DOCR", Repository: "x"} }, "jobs[0]", "has 2 sources (gitlab, image)"},
		{"one-source", func(s *do.AppSpec) { s.Functions[0].Git = &do.AppGitSourceSpec{RepoCloneURL: "https://x/y.git"} }, "functions[0]", "has 2 sources (git, bitbucket)"},
		{"instance-count-or-autoscaling", func(s *do.AppSpec) {
			s.Services[0].Autoscaling = &do.AppAutoscalingSpec{MinInstanceCount: 1, MaxInstanceCount: 2}
		}, "services[0].instance_count", "must not be set when autoscaling is used"},
		{"autoscaling-bounds", func(s *do.AppSpec) {
			s.Workers[0].Autoscaling = &do.AppAutoscalingSpec{MinInstanceCount: 5, MaxInstanceCount: 2}
		}, "workers[0].autoscaling.min_instance_count", "5 is more than max_instance_count 2"},
		{"health-check-port", func(s *do.AppSpec) {
			s.Services[0].HTTPPort, s.Services[0].InternalPorts = 0, []int64{9000, 9001}
			s.Services[0].HealthCheck = &do.AppServiceSpecHealthCheck{Port: 9090}
		}, "services[0].health_check.port", "health check port 9090 is not one of internal_ports (9000, 9001) of this internal-only service (no http_port)"},
		{"route-paths", func(s *do.AppSpec) { s.Services[1].Routes = []*do.AppRouteSpec{{Path: "api"}} }, "services[1].routes[0].path", `"api" must start with /`},
		{"route-paths", func(s *do.AppSpec) {
			s.Services[1].Routes = []*do.AppRouteSpec{{Path: "/x"}}
			s.StaticSites[0].Routes = []*do.AppRouteSpec{{Path: "/x"}}
		}, "static_sites[0].routes[0].path", `"/x" is already routed by services[1].routes[0].path`},
		{"static-site-documents", func(s *do.AppSpec) {
			s.StaticSites[0].CatchallDocument, s.StaticSites[0].ErrorDocument = "index.html", "oops.html"
		}, "static_sites[0].catchall_document", `must not be set together with error_document "oops.html"`},
		{"image-tag-or-digest", func(s *do.AppSpec) { s.Workers[0].Image.Digest = "sha256:abc" }, "workers[0].image.tag", "must not be set together with digest"},
		{"docr-registry", func(s *do.AppSpec) { s.Workers[0].Image.Registry = "acme" }, "workers[0].image.registry", "must be empty for registry_type DOCR"},
		{"production-database-cluster", func(s *do.AppSpec) { s.Databases[0].Production = true }, "databases[0].cluster_name", "is required for a production database"},
		{"one-primary-domain", func(s *do.AppSpec) {
			s.Domains = append(s.Domains, &do.AppDomainSpec{Domain: "example.org", Type: do.AppDomainSpecTypePrimary})
		}, "domains[1].type", "only one domain may be PRIMARY; domains[0] already is"},
		{"ingress-component-or-redirect", func(s *do.AppSpec) {
			s.Ingress.Rules[0].Redirect = &do.AppIngressSpecRuleRoutingRedirect{Authority: "example.org"}
		}, "ingress.rules[0]", "sets both component and redirect"},
		{"ingress-component-exists", func(s *do.AppSpec) { s.Ingress.Rules[0].Component.Name = "apj" }, "ingress.rules[0].component.name", `no component is named "apj"`},
		{"ingress-component-exists", func(s *do.AppSpec) { s.Ingress.Rules[0].Component.Name = "worker" }, "ingress.rules[0].component.name", `"worker" is a worker (workers[0]): ingress rules route to services, static sites and functions only`},
		{"ingress-component-exists", func(s *do.AppSpec) { s.Ingress.Rules[0].Component.Name = "db" }, "ingress.rules[0].component.name", `"db" is a database (databases[0])`},
		{"unique-ingress-matches", func(s *do.AppSpec) {
			s.Ingress.Rules = append(s.Ingress.Rules, &do.AppIngressSpecRule{
				Match:     &do.AppIngressSpecRuleMatch{Path: &do.AppIngressSpecRuleStringMatch{Prefix: ptrTo("/api")}},
				Component: &do.AppIngressSpecRuleRoutingComponent{Name: "web-svc"},
			})
		}, "ingress.rules[2].match", `matches path prefix "/api", as ingress.rules[0] does: two ingress rules cannot have the same match`},
		{"unique-ingress-matches", func(s *do.AppSpec) { s.Services[1].Routes = []*do.AppRouteSpec{{Path: "/"}} },
			"services[1].routes[0].path", `matches path prefix "/", as ingress.rules[1] does: a route becomes an ingress rule`},
		{"preserve-path-prefix-or-rewrite", func(s *do.AppSpec) {
			s.Ingress.Rules[0].Component.PreservePathPrefix = true
			s.Ingress.Rules[0].Component.Rewrite = "/v1"
		}, "ingress.rules[0].component.rewrite", "must not be set together with preserve_path_prefix"},
		{"one-string-match", func(s *do.AppSpec) { s.Ingress.Rules[0].Match.Path.Exact = ptrTo("/api") }, "ingress.rules[0].match.path", "sets exact and prefix"},
		{"one-string-match", func(s *do.AppSpec) {
			s.Services[0].CORS = &do.AppCORSPolicy{AllowOrigins: []*do.AppStringMatch{{Exact: ptrTo("https://a.example"), Regex: "^https://"}}}
		}, "services[0].cors.allow_origins[0]", "sets exact and regex"},
		{"bindable-references", func(s *do.AppSpec) { s.Services[0].Envs[0].Value = "${dbb.DATABASE_URL}" }, "services[0].envs[0].value", `${dbb.DATABASE_URL} refers to "dbb", which is not a component or database of the app`},
		{"bindable-references", func(s *do.AppSpec) {
			s.Envs = []*do.AppVariableDefinition{{Key: "X", Value: "postgres://${cache.HOSTNAME}:5432"}}
		}, "envs[0].value", `"cache"`},
	}
	covered := map[string]bool{}
	for _, tc := range cases {
		t.Run(tc.rule+" "+tc.path, func(t *testing.T) {
			spec := validBase(t)
			tc.break_(spec)
			got := validationProblems(t, spec)
			require.Len(t, got, 1, "%v", got)
			assert.Equal(t, tc.path, strings.SplitN(got[0], ": ", 2)[0])
			assert.Contains(t, got[0], tc.msg)
		})
		covered[tc.rule] = true
	}
	for _, r := range validationRules {
		assert.True(t, covered[r.name], "rule %s has no test that breaks it", r.name)
	}
	assert.Len(t, validationRules, 17)
}

// Each kind of generated constraint, broken once.
func TestValidateGeneratedConstraints(t *testing.T) {
	cases := []struct {
		kind   string
		break_ func(s *do.AppSpec)
		want   string
	}{
		{"required", func(s *do.AppSpec) { s.Name = "" }, "name: is required"},
		{"required", func(s *do.AppSpec) { s.Services[0].Envs[0].Key = "" }, "services[0].envs[0].key: is required"},
		{"enum", func(s *do.AppSpec) { s.Region = "mars" }, `region: "mars" is not one of atl, nyc,`},
		{"enum", func(s *do.AppSpec) { s.Services[0].InstanceSizeSlug = "apps-s-64vcpu-1tb" }, `services[0].instance_size_slug: "apps-s-64vcpu-1tb" is not one of`},
		{"enum", func(s *do.AppSpec) { s.Databases[0].Engine = "ORACLE" }, `databases[0].engine: "ORACLE" is not one of UNSET, MYSQL, PG,`},
		{"pattern", func(s *do.AppSpec) { s.Services[1].Name = "Web_Svc" }, `services[1].name: "Web_Svc" does not match the pattern ^[a-z][a-z0-9-]{0,30}[a-z0-9]$`},
		{"pattern", func(s *do.AppSpec) { s.Services[0].Envs[0].Key = "DATABASE-URL" }, `services[0].envs[0].key: "DATABASE-URL" does not match the pattern`},
		{"minLength", func(s *do.AppSpec) { s.Domains[0].Domain = "a.b" }, "domains[0].domain: must be at least 4 characters long, is 3"},
		{"maxLength", func(s *do.AppSpec) { s.Ingress.Rules[0].Match.Path.Prefix = ptrTo("/" + strings.Repeat("a", 256)) }, "ingress.rules[0].match.path.prefix: must be at most 256 characters long, is 257"},
		{"minimum", func(s *do.AppSpec) {
			s.Services[0].Termination = &do.AppServiceSpecTermination{DrainSeconds: -1}
		}, "services[0].termination.drain_seconds: must be at least 1, is -1"},
		{"maximum", func(s *do.AppSpec) { s.Services[0].HTTPPort = 70000 }, "services[0].http_port: must be at most 65535, is 70000"},
		{"maximum", func(s *do.AppSpec) {
			s.Workers[0].Autoscaling = &do.AppAutoscalingSpec{MinInstanceCount: 1, MaxInstanceCount: 251}
		}, "workers[0].autoscaling.max_instance_count: must be at most 250, is 251"},
	}
	for _, tc := range cases {
		t.Run(tc.kind, func(t *testing.T) {
			spec := validBase(t)
			tc.break_(spec)
			got := validationProblems(t, spec)
			require.NotEmpty(t, got)
			assert.Contains(t, got[0], tc.want)
		})
	}
}

// Every problem at once, in one joined error whose first element
// errors.As finds; unknown keys are not problems.
func TestValidateReportsEveryProblem(t *testing.T) {
	spec, err := Parse([]byte(`
name: Shop_App
region: mars
services:
  - name: api
    github: {repo: acme/api, branch: main}
    image: {registry_type: DOCR, repository: api}
    instance_count: 2
    autoscaling: {min_instance_count: 3, max_instance_count: 2}
ingress:
  rules:
    - component: {name: nowhere}
`))
	require.NoError(t, err)
	err = Validate(spec)
	require.Error(t, err)
	got := validationProblems(t, spec)
	assert.Equal(t, []string{
		`name: "Shop_App" does not match the pattern ^[a-z][a-z0-9-]{0,30}[a-z0-9]$`,
		`region: "mars" is not one of atl, nyc, sfo, tor, ams, fra, lon, blr, sgp, syd`,
		"services[0]: has 2 sources (github, image): set only one of git, github, gitlab, bitbucket or image",
		"services[0].instance_count: must not be set when autoscaling is used (autoscaling sets the count)",
		"services[0].autoscaling.min_instance_count: 3 is more than max_instance_count 2",
		`ingress.rules[0].component.name: no component is named "nowhere"`,
	}, got)
	var first *Error
	require.True(t, errors.As(err, &first))
	assert.Equal(t, "name", first.Path)
	assert.Contains(t, err.Error(), "digitalocean: app spec: 6 problems:\n\tline 2, column 7: name: ")
	assert.Contains(t, err.Error(), "\n\tline 3, column 9: region: ")

	// A key the SDK does not know is kept and is no problem.
	future, err := Parse([]byte("name: future\nservices:\n  - name: web\n    github: {repo: a/b}\n    future_flag: true\n"))
	require.NoError(t, err)
	assert.NoError(t, Validate(future))
	var withUnknown do.AppSpec
	require.NoError(t, json.Unmarshal([]byte(`{"name":"future","future_flag":1,"services":[{"name":"web","github":{"repo":"a/b"},"surprise":{}}]}`), &withUnknown))
	assert.NoError(t, Validate(&withUnknown))
}

func BenchmarkAppSpecValidate(b *testing.B) {
	spec, err := Load("testdata/appspecs/storefront.yaml")
	require.NoError(b, err)
	require.NoError(b, Validate(spec))
	b.ReportAllocs()
	for b.Loop() {
		if err := Validate(spec); err != nil {
			b.Fatal(err)
		}
	}
}

// Validate never panics on a spec that parses, answers the same twice, and
// answers with a bounded Errors whose problems have paths.
func FuzzValidate(f *testing.F) {
	files, err := filepath.Glob("testdata/appspecs/valid/*.yaml")
	require.NoError(f, err)
	for _, file := range files[:5] {
		data, err := os.ReadFile(file)
		require.NoError(f, err)
		f.Add(data)
	}
	f.Add([]byte("name: x\ningress: {rules: [null, {component: {name: x}}]}\nservices: [null]\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		spec, err := Parse(data)
		if err != nil {
			return
		}
		first, second := Validate(spec), Validate(spec)
		if (first == nil) != (second == nil) || (first != nil && first.Error() != second.Error()) {
			t.Fatalf("two answers: %v / %v", first, second)
		}
		if first == nil {
			return
		}
		list, ok := first.(Errors)
		if !ok || len(list) == 0 || len(list) > specfile.MaxProblems+1 {
			t.Fatalf("Validate returned %T with %d problems, want an Errors of 1 to %d", first, len(list), specfile.MaxProblems+1)
		}
		// Parsed, so every problem is placed in the document; a clone was
		// not read from a document, so none of its problems is.
		for i, p := range list[:min(len(list), specfile.MaxProblems)] {
			if p == nil || p.Path == "" || p.Line <= 0 || p.Column <= 0 {
				t.Fatalf("problem %d: %#v: want a path, a line and a column", i, p)
			}
		}
		var cloned Errors
		require.ErrorAs(t, Validate(spec.Clone()), &cloned)
		for i, p := range cloned[:min(len(cloned), specfile.MaxProblems)] {
			if p == nil || p.Path == "" || p.Line != 0 {
				t.Fatalf("problem %d of the clone: %#v: want a path and no line", i, p)
			}
		}
	})
}

// What the API stores is still a valid spec: normalizing any known-good
// spec (what the fake stores and a provider's plan compares against) keeps
// it clean under Validate, changes nothing a second time, and diffs empty
// against a normalized clone.
func TestNormalizedKnownGoodSpecsStayValid(t *testing.T) {
	files, err := filepath.Glob("testdata/appspecs/valid/*.yaml")
	require.NoError(t, err)
	require.GreaterOrEqual(t, len(files), 20)
	for _, f := range files {
		spec, err := Load(f)
		require.NoError(t, err, f)
		normal := Normalize(spec)
		assert.Empty(t, validationProblems(t, normal), f)
		assert.Empty(t, Diff(normal, Normalize(normal)), f)
		assert.Empty(t, Diff(normal, Normalize(spec.Clone())), f)
	}
}

// Load does not call Validate: a partial file (a fragment a tool
// merges into a larger spec) loads, and Validate is a separate step.
func TestLoadDoesNotValidate(t *testing.T) {
	path := filepath.Join(t.TempDir(), "partial.yaml")
	require.NoError(t, os.WriteFile(path, []byte("region: mars\nservices:\n  - instance_count: 0\ningress:\n  rules:\n    - component: {name: elsewhere}\n"), 0o600))
	spec, err := Load(path)
	require.NoError(t, err, "a partial spec loads")
	// (The generated walker lists an object's missing required keys after
	// its members' problems, hence name after services[0].name.)
	assert.ElementsMatch(t, []string{
		"name: is required",
		`region: "mars" is not one of atl, nyc, sfo, tor, ams, fra, lon, blr, sgp, syd`,
		"services[0].name: is required",
		"services[0]: has no source: set one of git, github, gitlab, bitbucket or image",
		`ingress.rules[0].component.name: no component is named "elsewhere"`,
	}, validationProblems(t, spec))
}
