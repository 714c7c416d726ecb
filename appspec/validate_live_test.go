package appspec

import (
	"path/filepath"
	"testing"

	do "github.com/oceankit/digitalocean"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Terraform's digitalocean_app acceptance scenarios run against the live
// API, so the API accepts each: Validate must too (zero false alarms).
// Two of them check a health check on port 1234 with neither http_port nor
// internal_ports (live-api-behaviour.md fact 38).
func TestValidateAcceptsTerraformScenarios(t *testing.T) {
	files, err := filepath.Glob("../testdata/appspecs/terraform/*.yaml")
	require.NoError(t, err)
	require.Len(t, files, 23)
	for _, f := range files {
		spec, err := Load(f)
		require.NoError(t, err, f)
		assert.Empty(t, validationProblems(t, spec), f)
	}
}

// The health-check-port rule refuses only what is established: an
// internal-only service checking a port outside its internal_ports.
func TestValidateHealthCheckPortOnlyWhatIsEstablished(t *testing.T) {
	service := func(httpPort int64, internal []int64, health int64) *do.AppSpec {
		return &do.AppSpec{Name: "hc", Services: []*do.AppServiceSpec{{
			Name: "web", GitHub: &do.AppGitHubSourceSpec{Repo: "acme/web", Branch: "main"},
			HTTPPort: httpPort, InternalPorts: internal, HealthCheck: &do.AppServiceSpecHealthCheck{Port: health},
		}}}
	}
	for name, spec := range map[string]*do.AppSpec{
		"fact 38: neither port list":               service(0, nil, 1234),
		"the http_port":                            service(80, nil, 80),
		"http_port and internal_ports, other port": service(80, []int64{9000}, 1234), // not established either way
		"internal-only, one of internal_ports":     service(0, []int64{9000, 9001}, 9001),
		"internal-only, the default http_port":     service(0, []int64{9000}, 8080), // the API may make 8080 the http_port (fact 18)
	} {
		assert.Empty(t, validationProblems(t, spec), name)
	}
	assert.Equal(t, []string{"services[0].health_check.port: health check port 9090 is not one of internal_ports (9000) of this internal-only service (no http_port)"},
		validationProblems(t, service(0, []int64{9000}, 9090)))
}

// Validate and Diff agree on error_document: 404.html, the documented
// default the diff takes for absent: a static site with a catch-all
// document and that error document is what the same site without it is.
func TestValidateAndDiffAgreeOnTheDefaultErrorDocument(t *testing.T) {
	site := func(errorDocument string) *do.AppSpec {
		return &do.AppSpec{Name: "site", StaticSites: []*do.AppStaticSiteSpec{{
			Name: "web", GitHub: &do.AppGitHubSourceSpec{Repo: "acme/web", Branch: "main"},
			CatchallDocument: "index.html", ErrorDocument: errorDocument,
		}}}
	}
	withDefault, without, other := site("404.html"), site(""), site("oops.html")
	assert.False(t, HasChanges(Diff(without, withDefault)), "the diff takes 404.html for absent")
	assert.Empty(t, validationProblems(t, without))
	assert.Empty(t, validationProblems(t, withDefault), "so Validate does too")

	assert.True(t, HasChanges(Diff(without, other)))
	assert.Equal(t, []string{`static_sites[0].catchall_document: must not be set together with error_document "oops.html"`}, validationProblems(t, other))
}

// Routes Validate refuses as duplicates become, after Normalize, ingress
// rules with the same match: Validate refuses those too, and a route that
// repeats a rule's match.
func TestValidateRefusesDuplicateMatchesBeforeAndAfterNormalize(t *testing.T) {
	spec, err := Parse([]byte(`
name: dup
services:
  - name: api
    github: {repo: acme/api, branch: main}
    routes: [{path: /api}]
  - name: admin
    github: {repo: acme/admin, branch: main}
    routes: [{path: /api}]
`))
	require.NoError(t, err)
	assert.Equal(t, []string{`services[1].routes[0].path: "/api" is already routed by services[0].routes[0].path: route paths must be unique within an app`},
		validationProblems(t, spec))
	assert.Equal(t, []string{`ingress.rules[1].match: matches path prefix "/api", as ingress.rules[0] does: two ingress rules cannot have the same match`},
		validationProblems(t, Normalize(spec)))

	mixed, err := Parse([]byte(`
name: dup
services:
  - name: api
    github: {repo: acme/api, branch: main}
    routes: [{path: /v1}]
ingress:
  rules:
    - match: {authority: {exact: api.example.com}, path: {prefix: /v1}}
      component: {name: api}
    - match: {path: {prefix: /v1}}
      component: {name: api}
    - match: {authority: {exact: api.example.com}, path: {prefix: /v1}}
      redirect: {authority: example.com}
`))
	require.NoError(t, err)
	assert.Equal(t, []string{
		`ingress.rules[2].match: matches authority exact "api.example.com" and path prefix "/v1", as ingress.rules[0] does: two ingress rules cannot have the same match`,
		`services[0].routes[0].path: matches path prefix "/v1", as ingress.rules[1] does: a route becomes an ingress rule, and two rules cannot have the same match`,
	}, validationProblems(t, mixed))
	assert.Len(t, validationProblems(t, Normalize(mixed)), 2, "after Normalize: the same two, as rules")
}

// An ingress match with no key is refused (live-api-behaviour.md fact 33),
// through the generated table.
func TestValidateRefusesAnEmptyIngressMatch(t *testing.T) {
	spec := validBase(t)
	spec.Ingress.Rules[0].Match.Authority = &do.AppIngressSpecRuleStringMatch{}
	assert.Equal(t, []string{"ingress.rules[0].match.authority.exact: is required"}, validationProblems(t, spec))
	spec.Ingress.Rules[0].Match.Authority = &do.AppIngressSpecRuleStringMatch{Exact: ptrTo("")}
	assert.Empty(t, validationProblems(t, spec), `"" is a value (fact 11)`)
}

// An uncertain fact is never refused offline: dev databases may be
// PostgreSQL only (live-api-behaviour.md fact 37, uncertain), so a dev
// database of another engine passes.
func TestValidateDoesNotRefuseUncertainFacts(t *testing.T) {
	spec, err := Parse([]byte(`
name: dev-dbs
services:
  - name: api
    github: {repo: acme/api, branch: main}
databases:
  - {name: mongo, engine: MONGODB, production: false}
  - {name: cache, engine: REDIS}
`))
	require.NoError(t, err)
	assert.Empty(t, validationProblems(t, spec))
}
