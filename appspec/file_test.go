package appspec

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	do "github.com/oceankit/digitalocean"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.yaml.in/yaml/v3"
)

func loadSpecFile(t *testing.T, name string) *do.AppSpec {
	t.Helper()
	spec, err := Load(filepath.Join("testdata", "appspecs", name))
	require.NoError(t, err)
	return spec
}

func TestLoadStorefront(t *testing.T) {
	s := loadSpecFile(t, "storefront.yaml")

	assert.Equal(t, "storefront", s.Name)
	assert.Equal(t, do.AppRegionSlug("nyc"), s.Region)
	assert.Equal(t, []string{"buildpack-stack=ubuntu-22"}, s.Features)
	assert.True(t, s.EnhancedThreatControlEnabled)
	assert.True(t, s.DisableEmailObfuscation)
	assert.False(t, s.DisableEdgeCache)

	// App-level envs and alerts (live-API fields).
	require.Len(t, s.Envs, 3)
	assert.Equal(t, do.AppVariableDefinition{Key: "APP_ENV", Value: "production", Scope: "RUN_AND_BUILD_TIME"}, *s.Envs[0])
	assert.Equal(t, do.AppVariableType("SECRET"), s.Envs[1].Type)
	assert.Equal(t, do.AppVariableScope("RUN_TIME"), s.Envs[1].Scope)
	assert.True(t, strings.HasPrefix(s.Envs[1].Value, "EV[1:"))
	assert.Equal(t, "true", s.Envs[2].Value, "a YAML boolean given to a string field")
	require.Len(t, s.Alerts, 3)
	assert.Equal(t, do.AppAlertSpecRule("DOMAIN_FAILED"), s.Alerts[1].Rule)
	assert.True(t, s.Alerts[2].Disabled)

	require.Len(t, s.Domains, 2)
	assert.Equal(t, do.AppDomainSpec{Domain: "shop.example.com", Type: "PRIMARY", Zone: "example.com", MinimumTLSVersion: "1.3"}, *s.Domains[0])
	assert.Equal(t, do.TLSVersion("1.2"), s.Domains[1].MinimumTLSVersion, "an unquoted 1.2 is the string 1.2")
	assert.Equal(t, "6d3f1c2a-8b4e-4f0a-9c7d-2e5b1a0f9c33", s.Domains[1].Certificate)

	in := s.Ingress
	require.NotNil(t, in)
	assert.Equal(t, do.AppIngressSpecLoadBalancer("DIGITALOCEAN"), in.LoadBalancer)
	assert.Equal(t, int64(3), in.LoadBalancerSize)
	require.NotNil(t, in.SecureHeader)
	assert.Equal(t, "Strict-Transport-Security", in.SecureHeader.Key)
	assert.Equal(t, "max-age=63072000; includeSubDomains", in.SecureHeader.Value)
	require.Len(t, in.Rules, 5)
	r0 := in.Rules[0]
	assert.Equal(t, "/api", *r0.Match.Path.Prefix)
	assert.Equal(t, "api", r0.Component.Name)
	assert.Equal(t, do.FlexBool(true), r0.Component.PreservePathPrefix)
	assert.Equal(t, "https://shop.example.com", *r0.CORS.AllowOrigins[0].Exact)
	assert.Equal(t, `^https://[a-z0-9-]+\.shop\.example\.com$`, r0.CORS.AllowOrigins[1].Regex)
	assert.Equal(t, []string{"GET", "POST", "PUT", "DELETE", "OPTIONS"}, r0.CORS.AllowMethods)
	assert.Equal(t, "1h", r0.CORS.MaxAge)
	assert.True(t, r0.CORS.AllowCredentials)
	assert.Equal(t, "/healthz", *in.Rules[1].Match.Path.Exact, "rules[].match.path.exact")
	assert.Equal(t, do.FlexBool(false), in.Rules[1].Component.PreservePathPrefix, `preserve_path_prefix: "false"`)
	assert.Equal(t, "/health", in.Rules[1].Component.Rewrite)
	assert.Equal(t, "legacy.example.com", *in.Rules[2].Match.Authority.Exact)
	assert.Equal(t, do.AppIngressSpecRuleRoutingRedirect{Authority: "shop.example.com", Scheme: "https", Port: 443, RedirectCode: 301}, *in.Rules[2].Redirect)
	assert.Equal(t, "docs.", *in.Rules[3].Match.Authority.Prefix, "rules[].match.authority.prefix")

	require.Len(t, s.Services, 2)
	api := s.Services[0]
	assert.Equal(t, "api", api.Name)
	assert.Equal(t, do.AppGitHubSourceSpec{Repo: "example/storefront", Branch: "main", DeployOnPush: true}, *api.GitHub)
	assert.Equal(t, "services/api/Dockerfile", api.DockerfilePath)
	assert.Equal(t, int64(8080), api.HTTPPort)
	assert.Equal(t, []int64{9090, 9464}, api.InternalPorts)
	assert.Equal(t, do.AppServiceProtocol("HTTP"), api.Protocol)
	assert.Equal(t, do.InstanceSizeSlug("apps-d-1vcpu-2gb"), api.InstanceSizeSlug)
	assert.Zero(t, api.InstanceCount, "autoscaled: instance_count left out")
	require.NotNil(t, api.Autoscaling)
	assert.Equal(t, int64(2), api.Autoscaling.MinInstanceCount)
	assert.Equal(t, int64(6), api.Autoscaling.MaxInstanceCount)
	assert.Equal(t, int64(75), api.Autoscaling.Metrics.CPU.Percent)
	assert.Equal(t, int64(150), api.Autoscaling.Metrics.RequestsPerSecond.PerInstance)
	assert.Equal(t, int64(400), api.Autoscaling.Metrics.RequestDuration.P95Milliseconds)
	assert.Equal(t, do.AppServiceSpecHealthCheck{HTTPPath: "/health", Port: 8080, InitialDelaySeconds: 10, PeriodSeconds: 15, TimeoutSeconds: 3, SuccessThreshold: 1, FailureThreshold: 3}, *api.HealthCheck)
	assert.Equal(t, int32(6), api.LivenessHealthCheck.FailureThreshold)
	assert.Equal(t, do.AppServiceSpecTermination{DrainSeconds: 30, GracePeriodSeconds: 60}, *api.Termination)
	require.Len(t, api.Envs, 4)
	assert.Equal(t, "${db.DATABASE_URL}", api.Envs[0].Value)
	assert.Equal(t, "8080", api.Envs[2].Value, "a YAML number given to a string field")
	require.Len(t, api.Alerts, 2)
	assert.Equal(t, do.AppAlertSpec{Rule: "CPU_UTILIZATION", Operator: "GREATER_THAN", Value: 80, Window: "FIVE_MINUTES"}, *api.Alerts[0])
	assert.Equal(t, float32(750.5), api.Alerts[1].Value)
	require.Len(t, api.LogDestinations, 2)
	assert.Equal(t, "0123456789abcdef0123456789abcdef", api.LogDestinations[0].Datadog.APIKey)
	otel := api.LogDestinations[1]
	assert.Equal(t, "https://logs.example.com:4318/v1/logs", otel.Endpoint)
	assert.Equal(t, []*do.AppLogDestinationHeader{
		{Key: "Authorization", Value: "Bearer 7c4a8d09ca3762af61e59520943dc26494f8941b"},
		{Key: "X-Scope-OrgID", Value: "42"},
	}, otel.Headers)
	assert.False(t, otel.TLSInsecure)

	web := s.Services[1]
	assert.Equal(t, do.AppGitSourceSpec{RepoCloneURL: "https://github.com/example/storefront-web.git", Branch: "main"}, *web.Git)
	assert.Equal(t, "npm ci && npm run build", web.BuildCommand)
	assert.Equal(t, int64(2), web.InstanceCount)
	require.NotNil(t, web.InactivitySleep)
	assert.Equal(t, int32(900), web.InactivitySleep.AfterSeconds)
	assert.Equal(t, do.AppServiceSpecInactivitySleepLoadingPage{Enabled: true, CustomURL: "https://shop.example.com/waking-up.html"}, *web.InactivitySleep.LoadingPage)
	assert.Equal(t, "syslog+tls://logs5.papertrailapp.com:12345", web.LogDestinations[0].Papertrail.Endpoint)

	require.Len(t, s.Workers, 1)
	mailer := s.Workers[0]
	assert.Equal(t, do.AppGitLabSourceSpec{Repo: "example/storefront-mailer", Branch: "release"}, *mailer.GitLab)
	assert.Equal(t, int64(60), mailer.Autoscaling.Metrics.CPU.Percent)
	assert.Equal(t, int64(9000), mailer.LivenessHealthCheck.Port)
	assert.Equal(t, int32(120), mailer.Termination.GracePeriodSeconds)
	assert.Equal(t, do.AppAlertSpecWindow("ONE_HOUR"), mailer.Alerts[0].Window)
	assert.Equal(t, "bZh5Hk3mDqWc8uLrT1pYvXeN", mailer.LogDestinations[0].Logtail.Token)
	assert.Equal(t, "storefront-logs", mailer.LogDestinations[1].OpenSearch.ClusterName)
	assert.Equal(t, "doadmin", mailer.LogDestinations[1].OpenSearch.BasicAuth.User)

	require.Len(t, s.Jobs, 3)
	assert.Equal(t, do.AppJobSpecKind("PRE_DEPLOY"), s.Jobs[0].Kind)
	assert.Equal(t, "example/storefront", s.Jobs[0].Bitbucket.Repo)
	assert.Equal(t, int32(300), s.Jobs[0].Termination.GracePeriodSeconds)
	report := s.Jobs[1]
	assert.Equal(t, do.AppJobSpecKind("SCHEDULED"), report.Kind)
	assert.Equal(t, do.AppJobSpecSchedule{Cron: "0 3 * * *", TimeZone: "America/New_York"}, *report.Schedule)
	assert.Equal(t, "30m", report.Timeout)
	assert.Equal(t, do.AppAlertSpecRule("DEPLOYMENT_FAILED"), report.Alerts[0].Rule)
	assert.Equal(t, do.AppImageSourceSpec{RegistryType: "DOCR", Repository: "ops-notifier", Tag: "2.1"}, *s.Jobs[2].Image)

	require.Len(t, s.StaticSites, 1)
	docs := s.StaticSites[0]
	assert.Equal(t, "public", docs.OutputDir)
	assert.Equal(t, "404.html", docs.ErrorDocument)
	assert.Equal(t, "0.125.4", docs.Envs[0].Value)

	require.Len(t, s.Databases, 2)
	assert.Equal(t, do.AppDatabaseSpec{Name: "db", Engine: "PG", Version: "16", Production: true, ClusterName: "storefront-pg", DBName: "storefront", DBUser: "storefront_app"}, *s.Databases[0])
	assert.Equal(t, "db-s-1vcpu-1gb", s.Databases[1].Size)
	assert.Equal(t, int64(1), s.Databases[1].NumNodes)

	assert.Equal(t, do.AppEgressType("DEDICATED_IP"), s.Egress.Type)
	assert.Equal(t, "https://status.example.com/maintenance.html", s.Maintenance.OfflinePageURL)
}

func TestLoadFunctions(t *testing.T) {
	s := loadSpecFile(t, "functions.yaml")
	require.Len(t, s.Functions, 1)
	fn := s.Functions[0]
	assert.Equal(t, "api", fn.Name)
	assert.Equal(t, "/packages", fn.SourceDir)
	assert.True(t, fn.GitHub.DeployOnPush)
	assert.Equal(t, "300", fn.Envs[1].Value)
	assert.Equal(t, do.AppAlertSpecRule("FUNCTIONS_AVERAGE_DURATION_MS"), fn.Alerts[1].Rule)
	assert.Equal(t, float32(1200), fn.Alerts[1].Value)
	assert.Equal(t, "abcdefabcdefabcdefabcdefabcdefab", fn.LogDestinations[0].Datadog.APIKey)
	assert.Equal(t, "index.html", s.StaticSites[0].CatchallDocument)
	assert.Equal(t, "site", s.Ingress.Rules[1].Component.Name)
	assert.Equal(t, do.AppRegionSlug("ams"), s.Region)
}

func TestLoadImagesWithAnchorsAndMerges(t *testing.T) {
	s := loadSpecFile(t, "images.yaml")
	require.Len(t, s.Services, 2)
	gw, search := s.Services[0], s.Services[1]
	assert.Equal(t, do.AppImageSourceSpec{RegistryType: "DOCR", Repository: "gateway", Tag: "v1.8.2", DeployOnPush: &do.AppImageSourceSpecDeployOnPush{Enabled: true}}, *gw.Image)
	assert.Equal(t, do.AppServiceProtocol("HTTP2"), gw.Protocol)
	assert.Equal(t, do.AppImageSourceSpecRegistryType("DOCKER_HUB"), search.Image.RegistryType)
	assert.Equal(t, "sha256:795e91610e9cccb7bb80893fbabf9c808df7d52ae1f39cd1158618b4a33041ac", search.Image.Digest)
	assert.Equal(t, "example-user:dckr_pat_0123456789abcdef", search.Image.RegistryCredentials)

	// Aliases repeat the anchored values; merge keys lose to written keys.
	assert.Equal(t, do.InstanceSizeSlug("apps-d-1vcpu-1gb"), search.InstanceSizeSlug)
	assert.Equal(t, gw.Envs, search.Envs)
	assert.Equal(t, gw.Envs, s.Workers[0].Envs)
	assert.Equal(t, do.AppServiceSpecHealthCheck{HTTPPath: "/_cluster/health", Port: 9200, PeriodSeconds: 10, TimeoutSeconds: 2}, *search.HealthCheck)

	indexer := s.Workers[0].Image
	assert.Equal(t, do.AppImageSourceSpec{RegistryType: "GHCR", Registry: "example-org", Repository: "indexer", Tag: "2025.01", RegistryCredentials: "example-bot:ghp_0123456789abcdefABCDEF"}, *indexer)
	assert.Equal(t, "indexer --full", s.Jobs[0].RunCommand)
}

func TestLoadJSONAndRequestWrapper(t *testing.T) {
	s := loadSpecFile(t, "sample-nodejs.json")
	assert.Equal(t, "example-app", s.Name)
	assert.Equal(t, "SECRET", string(s.Envs[0].Type))
	assert.Equal(t, &do.AppIngressSpec{}, s.Ingress)
	svc := s.Services[0]
	assert.Equal(t, "https://github.com/digitalocean/sample-nodejs.git", svc.Git.RepoCloneURL)
	assert.Equal(t, int64(70), svc.Autoscaling.Metrics.CPU.Percent)
	assert.Equal(t, []int64{8080}, svc.InternalPorts)
	os := svc.LogDestinations[0].OpenSearch
	assert.Equal(t, do.AppLogDestinationOpenSearchBasicAuth{User: "doadmin", Password: "1234567890abcdef"}, *os.BasicAuth)
	assert.Equal(t, "example-cluster", os.ClusterName)

	wrapped := loadSpecFile(t, "wrapped-request.json")
	assert.Equal(t, s, wrapped, `{"spec": {...}} loads like the bare spec`)
}

func TestAppSpecRoundTrip(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "appspecs", "*.*"))
	require.NoError(t, err)
	require.GreaterOrEqual(t, len(files), 5)
	for _, file := range files {
		t.Run(filepath.Base(file), func(t *testing.T) {
			first, err := Load(file)
			require.NoError(t, err)
			out, err := Marshal(first)
			require.NoError(t, err)
			second, err := Parse(out)
			require.NoError(t, err, "re-reading:\n%s", out)
			assert.Equal(t, first, second)
			again, err := Marshal(second)
			require.NoError(t, err)
			assert.Equal(t, string(out), string(again), "YAML output is stable")

			// The YAML form carries the same JSON the API would get.
			j1, err := json.Marshal(first)
			require.NoError(t, err)
			j2, err := json.Marshal(second)
			require.NoError(t, err)
			assert.JSONEq(t, string(j1), string(j2))
		})
	}
}

func TestMarshalOutput(t *testing.T) {
	spec := &do.AppSpec{
		Name:   "demo",
		Region: "fra",
		Services: []*do.AppServiceSpec{{
			Name:     "web",
			HTTPPort: 8080,
			Envs: []*do.AppVariableDefinition{
				{Key: "PORT", Value: "8080"},
				{Key: "DEBUG", Value: "true"},
				{Key: "LEGACY", Value: "yes"},
				{Key: "CERT", Value: "-----BEGIN-----\nabc\n-----END-----\n"},
			},
			InstanceCount: 2,
		}},
		Domains: []*do.AppDomainSpec{{Domain: "demo.example.com", MinimumTLSVersion: "1.2"}},
	}
	out, err := Marshal(spec)
	require.NoError(t, err)
	text := string(out)
	assert.True(t, strings.HasPrefix(text, "name: demo\nregion: fra\n"), text)
	assert.Less(t, strings.Index(text, "domains:"), strings.Index(text, "services:"), "spec property order")
	for _, want := range []string{
		"  - name: web\n", "    http_port: 8080\n", "    instance_count: 2\n",
		`value: "8080"`, `value: "true"`, `value: "yes"`, `minimum_tls_version: "1.2"`,
		"value: |\n",
	} {
		assert.Contains(t, text, want)
	}
	for _, absent := range []string{"static_sites", "disable_edge_cache", "ingress", "null", "{}", "wildcard"} {
		assert.NotContains(t, text, absent, "empty fields are left out")
	}
	back, err := Parse(out)
	require.NoError(t, err)
	assert.Equal(t, spec, back)

	_, err = Marshal(nil)
	assert.ErrorIs(t, err, do.ErrInvalidArgument)
}

func TestAppSpecYAMLMethodsInLargerDocument(t *testing.T) {
	type deployConfig struct {
		Environment string     `yaml:"environment"`
		App         do.AppSpec `yaml:"app"`
	}
	doc := "environment: staging\napp:\n  name: demo\n  services:\n    - name: web\n      http_port: 3000\n"
	var cfg deployConfig
	require.NoError(t, yaml.Unmarshal([]byte(doc), &cfg))
	assert.Equal(t, "demo", cfg.App.Name)
	assert.Equal(t, int64(3000), cfg.App.Services[0].HTTPPort)

	out, err := yaml.Marshal(cfg)
	require.NoError(t, err)
	assert.Contains(t, string(out), "http_port: 3000", "JSON key names, not Go field names")

	err = yaml.Unmarshal([]byte("app:\n  name: demo\n  servcies: []\n"), &cfg)
	var specErr *Error
	require.ErrorAs(t, err, &specErr)
	assert.Equal(t, 3, specErr.Line)
	assert.Equal(t, "services", specErr.Suggestion)
}

func TestParseUnknownKeys(t *testing.T) {
	tests := []struct {
		name, doc          string
		line, column       int
		path, key, suggest string
	}{
		{"root typo", "name: a\nnmae: b\n", 2, 1, "nmae", "nmae", "name"},
		{"root dash", "name: a\ndisable-edge-cache: true\n", 2, 1, "disable-edge-cache", "disable-edge-cache", "disable_edge_cache"},
		{"service", "name: a\nservices:\n  - name: web\n    helth_check: {}\n", 4, 5, "services[0].helth_check", "helth_check", "health_check"},
		{"nested", "name: a\nservices:\n  - name: web\n  - name: api\n    health_check:\n      http_path: /\n      prot: 80\n", 7, 7, "services[1].health_check.prot", "prot", "port"},
		{"deep", "name: a\nworkers:\n  - name: w\n    log_destinations:\n      - name: os\n        open_search:\n          basic_auth:\n            usr: x\n", 8, 13, "workers[0].log_destinations[0].open_search.basic_auth.usr", "usr", "user"},
		{"job schedule", "name: a\njobs:\n- name: j\n  schedule:\n    cron: '* * * * *'\n    timezone: UTC\n", 6, 5, "jobs[0].schedule.timezone", "timezone", "time_zone"},
		{"ingress rule", "name: a\ningress:\n  rules:\n    - component:\n        name: web\n        preserve_prefix: true\n", 6, 9, "ingress.rules[0].component.preserve_prefix", "preserve_prefix", "preserve_path_prefix"},
		{"flow style JSON", "{\"name\": \"a\",\n \"databases\": [{\"name\": \"db\", \"engin\": \"PG\"}]}", 2, 31, "databases[0].engin", "engin", "engine"},
		{"case differs", "name: a\nRegion: nyc\n", 2, 1, "Region", "Region", "region"},
		{"wrapped", "spec:\n  name: a\n  services:\n    - name: web\n      envss: []\n", 5, 7, "spec.services[0].envss", "envss", "envs"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse([]byte(tt.doc))
			var specErr *Error
			require.ErrorAs(t, err, &specErr)
			assert.Equal(t, tt.line, specErr.Line, "line")
			assert.Equal(t, tt.column, specErr.Column, "column")
			assert.Equal(t, tt.path, specErr.Path)
			assert.Equal(t, tt.key, specErr.Key)
			assert.Equal(t, tt.suggest, specErr.Suggestion)
			assert.Contains(t, err.Error(), `unknown key "`+tt.key+`"`)
			if tt.suggest != "" {
				assert.Contains(t, err.Error(), `did you mean "`+tt.suggest+`"?`)
			}
		})
	}
}

func TestLoadErrorNamesFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "app.yaml")
	require.NoError(t, os.WriteFile(path, []byte("name: a\nservices:\n  - name: web\n    instance_cont: 2\n"), 0o600))
	_, err := Load(path)
	var specErr *Error
	require.ErrorAs(t, err, &specErr)
	assert.Equal(t, path, specErr.File)
	assert.Equal(t, path+`:4:5: services[0].instance_cont: unknown key "instance_cont" (did you mean "instance_count"?)`,
		strings.TrimPrefix(err.Error(), "digitalocean: app spec: "))

	_, err = Parse([]byte("name: a\nregoin: nyc\n"))
	assert.EqualError(t, err, `digitalocean: app spec: line 2, column 1: regoin: unknown key "regoin" (did you mean "region"?)`)

	_, err = Load(filepath.Join(t.TempDir(), "missing.yaml"))
	assert.ErrorIs(t, err, fs.ErrNotExist)
}

func TestParseTypeErrors(t *testing.T) {
	tests := []struct {
		name, doc, path, msg string
		line                 int
	}{
		{"word for int", "name: a\nservices:\n  - name: web\n    http_port: eighty\n", "services[0].http_port", `want an integer, got "eighty"`, 4},
		{"float for int", "name: a\nworkers:\n  - name: w\n    instance_count: 1.5\n", "workers[0].instance_count", "want an integer, got the number 1.5", 4},
		{"quoted int", "name: a\nservices:\n  - name: web\n    internal_ports: [8080, \"9090\"]\n", "services[0].internal_ports[1]", `want an integer, got "9090"`, 4},
		{"int32 overflow", "name: a\nservices:\n  - name: web\n    health_check:\n      failure_threshold: 3000000000\n", "services[0].health_check.failure_threshold", "out of range for int32", 5},
		{"bad bool", "name: a\ndomains:\n  - domain: x.example.com\n    wildcard: maybe\n", "domains[0].wildcard", `want true or false, got "maybe"`, 4},
		{"quoted bool", "name: a\ndisable_edge_cache: \"true\"\n", "disable_edge_cache", `want true or false, got "true"`, 2},
		{"mapping for list", "name: a\nservices:\n  name: web\n", "services", "want a list, got a mapping", 3},
		{"mapping for string", "name: a\nenvs:\n  - key: A\n    value: {nested: 1}\n", "envs[0].value", "want a string, got a mapping", 4},
		{"list for struct", "name: a\ningress: [a, b]\n", "ingress", "want a mapping, got a list", 2},
		{"flex bool", "name: a\ningress:\n  rules:\n    - component:\n        name: web\n        preserve_path_prefix: maybe\n", "ingress.rules[0].component.preserve_path_prefix", "invalid value", 6},
		{"infinite float", "name: a\nalerts:\n  - rule: CPU_UTILIZATION\n    value: .inf\n", "alerts[0].value", "not a finite float32", 4},
		{"float32 overflow", "name: a\nalerts:\n  - rule: CPU_UTILIZATION\n    value: 1e300\n", "alerts[0].value", "not a finite float32", 4},
		{"duplicate key", "name: a\nregion: nyc\nname: b\n", "name", `key "name" repeated (first at line 1)`, 3},
		{"complex key", "name: a\n? [x]\n: y\n", "", "a key must be a plain string", 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse([]byte(tt.doc))
			var specErr *Error
			require.ErrorAs(t, err, &specErr)
			assert.Equal(t, tt.line, specErr.Line, "line")
			assert.Equal(t, tt.path, specErr.Path)
			assert.Contains(t, specErr.Msg, tt.msg)
		})
	}
}

func TestParseLenientScalars(t *testing.T) {
	doc := `name: a
domains:
  - domain: a.example.com
    wildcard: yes
  - domain: b.example.com
    wildcard: Off
services:
  - name: web
    http_port: 0x1F90
    internal_ports: [1_000]
    run_command: 12345
    build_command: 2024-01-01
alerts:
  - rule: CPU_UTILIZATION
    value: 7
`
	s, err := Parse([]byte(doc))
	require.NoError(t, err)
	assert.True(t, s.Domains[0].Wildcard, "YAML 1.1 yes")
	assert.False(t, s.Domains[1].Wildcard, "YAML 1.1 Off")
	assert.Equal(t, int64(8080), s.Services[0].HTTPPort)
	assert.Equal(t, []int64{1000}, s.Services[0].InternalPorts)
	assert.Equal(t, "12345", s.Services[0].RunCommand)
	assert.Equal(t, "2024-01-01", s.Services[0].BuildCommand, "a date stays as written")
	assert.Equal(t, float32(7), s.Alerts[0].Value)

	s, err = Parse([]byte("name: a\nregion: ~\nservices: null\n"))
	require.NoError(t, err)
	assert.Equal(t, &do.AppSpec{Name: "a"}, s, "null leaves fields empty")
}

func TestParseDocumentErrors(t *testing.T) {
	tests := []struct {
		name, doc, msg string
		line           int
	}{
		{"empty", "", "empty document", 0},
		{"comments only", "# nothing here\n", "empty document", 0},
		{"null", "~\n", "empty document", 1},
		{"two documents", "name: a\n---\nname: b\n", "more than one YAML document", 2},
		{"syntax", "name: a\nregion: nyc\nservices: a: b\n", "invalid YAML: mapping values are not allowed", 3},
		{"unknown anchor", "name: a\nregion: *nope\n", "invalid YAML: unknown anchor", 0},
		{"list root", "- name: a\n", "want a mapping, got a list", 1},
		{"scalar root", "just text\n", `want a mapping, got "just text"`, 1},
		{"JSON array", `[{"name": "a"}]`, "want a mapping, got a list", 1},
		{"tabs", "name: a\n\tregion: nyc\n", "invalid YAML", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse([]byte(tt.doc))
			var specErr *Error
			require.ErrorAs(t, err, &specErr)
			assert.Contains(t, specErr.Msg, tt.msg)
			if tt.line > 0 {
				assert.Equal(t, tt.line, specErr.Line)
			}
		})
	}

	_, err := Parse(make([]byte, maxFileBytes+1))
	assert.ErrorContains(t, err, "larger than")
}

func TestParseAliasBombIsBounded(t *testing.T) {
	_, err := Parse([]byte(mergeBomb(40)))
	var specErr *Error
	require.ErrorAs(t, err, &specErr)
	assert.Contains(t, specErr.Msg, "too many nodes")

	spec, err := Parse([]byte(mergeBomb(3)))
	require.NoError(t, err, "a few levels of merges are fine")
	assert.Equal(t, "/", spec.Services[3].HealthCheck.HTTPPath)
}

// mergeBomb nests merge keys so that each level doubles the expansion:
// 2^levels mappings if followed blindly.
func mergeBomb(levels int) string {
	var b strings.Builder
	b.WriteString("name: a\nservices:\n  - name: web\n    health_check: &h0 {http_path: /}\n")
	for i := 1; i <= levels; i++ {
		fmt.Fprintf(&b, "  - name: web%d\n    health_check: &h%d\n      <<: [*h%d, *h%d]\n", i, i, i-1, i-1)
	}
	return b.String()
}
