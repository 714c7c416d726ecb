package digitalocean

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"os"
	"sort"
	"strings"
	"sync"
	"testing"
	"testing/synctest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.yaml.in/yaml/v3"
)

// Tests of the 8 live-API operations of testdata/live-api-overlay.yaml
// against an in-memory handler: method, escaped path, body, the overlay's
// response examples, argument errors and retries.

var liveOverlayOnce = sync.OnceValues(func() (*yaml.Node, error) {
	raw, err := os.ReadFile("testdata/live-api-overlay.yaml")
	if err != nil {
		return nil, err
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(raw, &doc); err != nil {
		return nil, err
	}
	return doc.Content[0], nil
})

// liveOverlayOperations maps the overlay's operationIds to method, path
// and 200 examples (by name).
func liveOverlayOperations(t *testing.T) map[string]struct {
	method, path string
	examples     map[string][]byte
} {
	t.Helper()
	root, err := liveOverlayOnce()
	require.NoError(t, err)
	out := map[string]struct {
		method, path string
		examples     map[string][]byte
	}{}
	paths := appsYAMLChild(root, "paths")
	for i := 0; i+1 < len(paths.Content); i += 2 {
		item := paths.Content[i+1]
		for j := 0; j+1 < len(item.Content); j += 2 {
			op := item.Content[j+1]
			examples := map[string][]byte{}
			if exs := appsYAMLPath(op, "responses", "200", "content", "application/json", "examples"); exs != nil {
				for k := 0; k+1 < len(exs.Content); k += 2 {
					examples[exs.Content[k].Value] = appsYAMLJSON(t, appsYAMLChild(exs.Content[k+1], "value"))
				}
			}
			out[appsYAMLChild(op, "operationId").Value] = struct {
				method, path string
				examples     map[string][]byte
			}{strings.ToUpper(item.Content[j].Value), paths.Content[i].Value, examples}
		}
	}
	return out
}

var (
	appDBParam = map[string]string{"app_id": tAppID, "component_name": "db/1 x"}
	tDBName    = "db/1 x"
)

func liveOperationCases() []appsOpCase {
	return []appsOpCase{
		{
			name: "ListTiers", op: "apps_list_tiers",
			call: func(ctx context.Context, s *AppsService) (any, error) {
				v, _, err := s.ListTiers(ctx)
				return v, err
			},
			check: func(t *testing.T, ex []byte, got any) {
				tiers := got.([]AppTier)
				require.Len(t, tiers, appsJSONLen(t, ex, "tiers"))
				assert.Equal(t, appsJSONAt(t, ex, "tiers", 1, "slug"), tiers[1].Slug)
				assert.Equal(t, appsJSONAt(t, ex, "tiers", 1, "egress_bandwidth_bytes"), tiers[1].EgressBandwidthBytes)
			},
		},
		{
			name: "GetTier", op: "apps_get_tier", params: map[string]string{"slug": "basic/x?"},
			call: func(ctx context.Context, s *AppsService) (any, error) {
				v, _, err := s.GetTier(ctx, "basic/x?")
				return v, err
			},
			check: func(t *testing.T, ex []byte, got any) {
				assert.Equal(t, appsJSONAt(t, ex, "tier", "build_seconds"), got.(*AppTier).BuildSeconds)
			},
		},
		{
			name: "ListBuildpacks", op: "apps_list_buildpacks",
			call: func(ctx context.Context, s *AppsService) (any, error) {
				v, _, err := s.ListBuildpacks(ctx)
				return v, err
			},
			check: func(t *testing.T, ex []byte, got any) {
				packs := got.([]AppBuildpack)
				require.Len(t, packs, appsJSONLen(t, ex, "buildpacks"))
				assert.Equal(t, appsJSONAt(t, ex, "buildpacks", 0, "id"), packs[0].ID)
				assert.EqualValues(t, appsJSONAt(t, ex, "buildpacks", 0, "major_version"), packs[0].MajorVersion)
				assert.Equal(t, appsJSONAt(t, ex, "buildpacks", 0, "description", 0), packs[0].Description[0])
			},
		},
		{
			name: "Detect", op: "apps_detect",
			call: func(ctx context.Context, s *AppsService) (any, error) {
				v, _, err := s.Detect(ctx, &AppDetectRequest{GitHub: &AppGitHubSourceSpec{Repo: "digitalocean/sample-nodejs", Branch: "main"}, SourceDir: "/"})
				return v, err
			},
			body: `{"github":{"repo":"digitalocean/sample-nodejs","branch":"main"},"source_dir":"/"}`,
			check: func(t *testing.T, ex []byte, got any) {
				r := got.(*AppDetectResponse)
				require.Len(t, r.Components, appsJSONLen(t, ex, "components"))
				c := r.Components[0]
				assert.Equal(t, appsJSONAt(t, ex, "components", 0, "strategy"), string(c.Strategy))
				assert.Equal(t, appsJSONAt(t, ex, "components", 0, "env_vars", 0, "key"), c.EnvVars[0].Key)
				assert.EqualValues(t, appsJSONAt(t, ex, "components", 0, "http_ports", 1), c.HTTPPorts[1])
				assert.Equal(t, appsJSONAt(t, ex, "components", 0, "buildpacks", 0, "id"), c.Buildpacks[0].ID)
			},
		},
		{
			name: "UpgradeBuildpack", op: "apps_upgrade_buildpack", params: appParam,
			call: func(ctx context.Context, s *AppsService) (any, error) {
				v, _, err := s.UpgradeBuildpack(ctx, tAppID, &AppUpgradeBuildpackRequest{BuildpackID: "digitalocean/node", MajorVersion: 3, TriggerDeployment: true})
				return v, err
			},
			body: `{"buildpack_id":"digitalocean/node","major_version":3,"trigger_deployment":true}`,
			check: func(t *testing.T, ex []byte, got any) {
				r := got.(*AppUpgradeBuildpackResponse)
				assert.Equal(t, []string{"api", "web"}, r.AffectedComponents)
				require.NotNil(t, r.Deployment)
				assert.Equal(t, appsJSONAt(t, ex, "deployment", "id"), r.Deployment.ID)
				assert.Equal(t, appsJSONAt(t, ex, "deployment", "spec", "name"), r.Deployment.Spec.Name)
			},
		},
		{
			name: "GetDatabaseConnectionDetails", op: "apps_get_database_connection_details", params: appParam,
			call: func(ctx context.Context, s *AppsService) (any, error) {
				v, _, err := s.GetDatabaseConnectionDetails(ctx, tAppID)
				return v, err
			},
			check: func(t *testing.T, ex []byte, got any) {
				d := got.([]AppDatabaseConnectionDetails)
				require.Len(t, d, 1)
				assert.EqualValues(t, appsJSONAt(t, ex, "connection_details", 0, "port"), d[0].Port)
				assert.Equal(t, appsJSONAt(t, ex, "connection_details", 0, "component_name"), d[0].ComponentName)
				assert.Equal(t, appsJSONAt(t, ex, "connection_details", 0, "pools", 0, "pool_name"), d[0].Pools[0].PoolName)
			},
		},
		{
			name: "ResetDatabasePassword", op: "apps_reset_database_password", params: appDBParam,
			call: func(ctx context.Context, s *AppsService) (any, error) {
				v, _, err := s.ResetDatabasePassword(ctx, tAppID, tDBName)
				return v, err
			},
			check: func(t *testing.T, ex []byte, got any) {
				d := got.(*Deployment)
				assert.Equal(t, appsJSONAt(t, ex, "deployment", "id"), d.ID)
				assert.Equal(t, appsJSONAt(t, ex, "deployment", "cause"), d.Cause)
			},
		},
		{
			name: "ToggleDatabaseTrustedSource", op: "apps_toggle_database_trusted_source", params: appDBParam,
			call: func(ctx context.Context, s *AppsService) (any, error) {
				v, _, err := s.ToggleDatabaseTrustedSource(ctx, tAppID, tDBName, &AppDatabaseTrustedSourcesRequest{Enable: Ptr(false)})
				return v, err
			},
			body: `{"enable":false}`, // false is sent, in lower case
			check: func(t *testing.T, _ []byte, got any) {
				assert.True(t, got.(*AppDatabaseTrustedSourcesResponse).IsEnabled)
			},
		},
	}
}

// TestLiveOperations calls each live-API operation against an in-memory
// API that serves the overlay's example and checks method, escaped path,
// query, body and the decoded result.
func TestLiveOperations(t *testing.T) {
	ops := liveOverlayOperations(t)
	require.Len(t, ops, 8)
	seen := map[string]bool{}
	for _, tc := range liveOperationCases() {
		seen[tc.op] = true
		t.Run(tc.name, func(t *testing.T) {
			op, ok := ops[tc.op]
			require.True(t, ok, "%s not in the overlay", tc.op)
			names := make([]string, 0, len(op.examples))
			for n := range op.examples {
				names = append(names, n)
			}
			sort.Strings(names)
			require.NotEmpty(t, names, "%s has no 200 example", tc.op)
			body := op.examples[names[0]]
			c, fake := newAppsClient(t, body)
			named := recordOperations(c)
			got, err := tc.call(withoutRecovery(context.Background()), c.Apps) // one request: no read before a deployment
			require.NoError(t, err)
			req := fake.only(t)
			assert.Equal(t, []string{tc.op}, *named, "the operation the call names, which decides retries")
			assert.Equal(t, op.method, req.Method)
			assert.Equal(t, "/"+strings.TrimPrefix(appsExpandPath(t, op.path, tc.params), "/"), req.Path)
			assert.Equal(t, url.Values{}, req.Query)
			if tc.body == "" {
				assert.Empty(t, req.Body, "request body")
			} else {
				assertJSONBody(t, tc.body, req.Body)
			}
			tc.check(t, body, got)
		})
	}
	for id := range ops {
		assert.True(t, seen[id], "no test case for %s", id)
	}
}

// TestLiveOperationArgumentErrors: bad arguments are *ArgumentErrors and
// nothing is sent.
func TestLiveOperationArgumentErrors(t *testing.T) {
	ctx := context.Background()
	gh := &AppGitHubSourceSpec{Repo: "a/b"}
	for _, tc := range []struct {
		name, arg string
		call      func(s *AppsService) error
	}{
		{"GetTier empty", "slug", func(s *AppsService) error { _, _, err := s.GetTier(ctx, " "); return err }},
		{"GetTier dots", "slug", func(s *AppsService) error { _, _, err := s.GetTier(ctx, ".."); return err }},
		{"Detect nil", "req", func(s *AppsService) error { _, _, err := s.Detect(ctx, nil); return err }},
		{"Detect no source", "req", func(s *AppsService) error { _, _, err := s.Detect(ctx, &AppDetectRequest{SourceDir: "/"}); return err }},
		{"Detect two sources", "req", func(s *AppsService) error {
			_, _, err := s.Detect(ctx, &AppDetectRequest{GitHub: gh, GitLab: &AppGitLabSourceSpec{Repo: "a/b"}})
			return err
		}},
		{"UpgradeBuildpack app", "appID", func(s *AppsService) error {
			_, _, err := s.UpgradeBuildpack(ctx, ".", &AppUpgradeBuildpackRequest{BuildpackID: "x"})
			return err
		}},
		{"UpgradeBuildpack nil", "req", func(s *AppsService) error { _, _, err := s.UpgradeBuildpack(ctx, "a", nil); return err }},
		{"UpgradeBuildpack no ID", "req.BuildpackID", func(s *AppsService) error {
			_, _, err := s.UpgradeBuildpack(ctx, "a", &AppUpgradeBuildpackRequest{TriggerDeployment: true})
			return err
		}},
		{"UpgradeBuildpack negative", "req.MajorVersion", func(s *AppsService) error {
			_, _, err := s.UpgradeBuildpack(ctx, "a", &AppUpgradeBuildpackRequest{BuildpackID: "x", MajorVersion: -1})
			return err
		}},
		{"GetDatabaseConnectionDetails", "appID", func(s *AppsService) error { _, _, err := s.GetDatabaseConnectionDetails(ctx, ""); return err }},
		{"ResetDatabasePassword app", "appID", func(s *AppsService) error { _, _, err := s.ResetDatabasePassword(ctx, "..", "db"); return err }},
		{"ResetDatabasePassword component", "componentName", func(s *AppsService) error { _, _, err := s.ResetDatabasePassword(ctx, "a", ""); return err }},
		{"Toggle component", "componentName", func(s *AppsService) error {
			_, _, err := s.ToggleDatabaseTrustedSource(ctx, "a", ".", &AppDatabaseTrustedSourcesRequest{Enable: Ptr(true)})
			return err
		}},
		{"Toggle nil", "req.Enable", func(s *AppsService) error {
			_, _, err := s.ToggleDatabaseTrustedSource(ctx, "a", "db", nil)
			return err
		}},
		{"Toggle unset", "req.Enable", func(s *AppsService) error {
			_, _, err := s.ToggleDatabaseTrustedSource(ctx, "a", "db", &AppDatabaseTrustedSourcesRequest{})
			return err
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, fake := newAppsClient(t, []byte(`{}`))
			assertArgumentError(t, tc.call(c.Apps), tc.arg, fake)
		})
	}
}

// TestDotIDsAreArgumentErrors: "." and ".." would become path segments a
// proxy or server normalises away (GET /v2/apps/.. reaches /v2/apps), so
// every ID argument refuses them before anything is sent.
func TestDotIDsAreArgumentErrors(t *testing.T) {
	ctx := context.Background()
	for _, id := range []string{".", ".."} {
		for name, call := range map[string]func(s *AppsService) error{
			"Get":           func(s *AppsService) error { _, _, err := s.Get(ctx, id); return err },
			"Delete":        func(s *AppsService) error { _, err := s.Delete(ctx, id); return err },
			"GetDeployment": func(s *AppsService) error { _, _, err := s.GetDeployment(ctx, "a", id); return err },
			"GetEvent":      func(s *AppsService) error { _, _, err := s.GetEvent(ctx, id, "e"); return err },
			"GetLogs": func(s *AppsService) error {
				_, _, err := s.GetLogs(ctx, "a", &LogsOptions{Type: AppLogTypeRun, DeploymentID: id})
				return err
			},
			"GetExec": func(s *AppsService) error {
				_, _, err := s.GetExec(ctx, "a", &ExecOptions{Component: id})
				return err
			},
		} {
			c, fake := newAppsClient(t, []byte(`{}`))
			err := call(c.Apps)
			var argErr *ArgumentError
			require.ErrorAs(t, err, &argErr, "%s(%q)", name, id)
			assert.Contains(t, argErr.Reason, "not an ID", "%s(%q)", name, id)
			assert.Empty(t, fake.requests(), "%s(%q) sent a request", name, id)
		}
	}
	// Dots inside an ID are an ID's business: escaped as usual.
	c, fake := newAppsClient(t, []byte(`{"app":{"id":"a..b"}}`))
	_, _, err := c.Apps.Get(ctx, "a..b")
	require.NoError(t, err)
	assert.Equal(t, "/v2/apps/a..b", fake.only(t).Path)
}

// TestToggleTrustedSourceSpellings: the response's is_enabled, or the
// isEnabled of the unlinked official description; is_enabled wins when
// both are present, false or true.
func TestToggleTrustedSourceSpellings(t *testing.T) {
	for body, want := range map[string]bool{
		`{"is_enabled":true}`:                    true,
		`{"isEnabled":true}`:                     true,
		`{"is_enabled":false,"isEnabled":true}`:  false,
		`{"isEnabled":false,"is_enabled":true}`:  true,
		`{"isEnabled":false}`:                    false,
		`{}`:                                     false,
		`{"is_enabled":true,"other":{"x":[1]}}`:  true,
		`{"isEnabled":true,"is_enabled":null}`:   true,
		`{"is_enabled":true,"isEnabled":null}`:   true,
		`{"isEnabled":true,"is_enabled":false}`:  false,
		`{"isEnabled":true,"is_enabled":true}`:   true,
		`{"isEnabled":false,"is_enabled":false}`: false,
	} {
		c, _ := newAppsClient(t, []byte(body))
		got, _, err := c.Apps.ToggleDatabaseTrustedSource(context.Background(), "a", "db", &AppDatabaseTrustedSourcesRequest{Enable: Ptr(true)})
		require.NoError(t, err, body)
		assert.Equal(t, want, got.IsEnabled, body)
	}
	var r AppDatabaseTrustedSourcesResponse
	assert.Error(t, r.UnmarshalJSON([]byte(`{"isEnabled":"yes"}`)), "a wrong type is an error")
}

// TestLiveWritesAreResentByTheTable: a 503 to each write of the live
// operations that acts anew is reported after one attempt, outcome
// unknown; the reads (Detect's POST among them) are retried.
func TestLiveWritesAreResentByTheTable(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ctx := context.Background()
		for _, tc := range liveOperationCases() {
			fake := &appsFakeAPI{respond: func(appsRequest) (int, []byte) {
				return http.StatusServiceUnavailable, []byte(`{"id":"service_unavailable","message":"try later"}`)
			}}
			c, err := New(WithToken("test-token"), WithBaseURL("https://api.test"), WithRetry(RetryPolicy{MaxAttempts: 3}),
				WithHTTPClient(&http.Client{Transport: fake}))
			require.NoError(t, err)
			// The loop alone: recovery (which reads first) is tested in
			// apps_recover_deployments_test.go.
			_, err = tc.call(WithRetryPolicy(ctx, RetryPolicy{MaxAttempts: 3, NoRecovery: true}), c.Apps)
			var apiErr *Error
			require.ErrorAs(t, err, &apiErr, tc.name)
			op := operationByID(t, tc.op)
			assert.Equal(t, op.method, fake.requests()[0].Method, tc.name)
			if !op.resend() {
				assert.Len(t, fake.requests(), 1, "%s: a write that acts anew is sent once", tc.name)
				assert.True(t, apiErr.OutcomeUnknown, tc.name)
			} else {
				assert.Len(t, fake.requests(), 3, "%s: retried", tc.name)
				assert.False(t, apiErr.OutcomeUnknown, "%s: a read changes nothing", tc.name)
			}
		}
	})
}

// TestGetByNameErrorNamesTheApp: the not-found error of a lookup by name
// says which name, not just GET /v2/apps/.
func TestGetByNameErrorNamesTheApp(t *testing.T) {
	c, _ := newAppsClientFunc(t, func(appsRequest) (int, []byte) {
		return http.StatusNotFound, []byte(`{"id":"not_found","message":"The resource you requested could not be found."}`)
	})
	_, _, err := c.Apps.GetByName(context.Background(), "shop & co")
	require.ErrorIs(t, err, ErrNotFound)
	assert.Contains(t, err.Error(), "GET /v2/apps/?name=shop+%26+co: 404")
	var apiErr *Error
	require.True(t, errors.As(err, &apiErr))
	assert.Equal(t, "/v2/apps/?name=shop+%26+co", apiErr.Path)

	c, _ = newAppsClient(t, []byte(`{}`))
	_, _, err = c.Apps.GetByName(context.Background(), "shop")
	var decodeErr *DecodeError
	require.ErrorAs(t, err, &decodeErr, "a body without the app")
	assert.Contains(t, err.Error(), "?name=shop")
}

// TestListEventsDeploymentTypes: deployment_types is sent as repeated
// parameters, also by AllEvents on every page; an empty entry is refused.
func TestListEventsDeploymentTypes(t *testing.T) {
	c, fake := newAppsClient(t, []byte(`{"events":[]}`))
	_, _, err := c.Apps.ListEvents(context.Background(), "a", &EventListOptions{
		DeploymentTypes: []DeploymentType{DeploymentTypeManual, DeploymentTypeDeployOnPush}})
	require.NoError(t, err)
	assert.Equal(t, []string{"MANUAL", "DEPLOY_ON_PUSH"}, fake.only(t).Query["deployment_types"])

	c, fake = newAppsClient(t, []byte(`{"events":[]}`))
	for _, err := range c.Apps.AllEvents(context.Background(), "a", &EventListOptions{DeploymentTypes: []DeploymentType{DeploymentTypeAutoscaled}}) {
		require.NoError(t, err)
	}
	assert.Equal(t, []string{"AUTOSCALED"}, fake.only(t).Query["deployment_types"])

	c, fake = newAppsClient(t, []byte(`{"events":[]}`))
	_, _, err = c.Apps.ListEvents(context.Background(), "a", &EventListOptions{DeploymentTypes: []DeploymentType{""}})
	assertArgumentError(t, err, "EventListOptions.DeploymentTypes[0]", fake)
}
