package digitaloceantest_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"strings"
	"testing"

	do "github.com/oceankit/digitalocean"
	"github.com/oceankit/digitalocean/digitaloceantest"
	"github.com/oceankit/digitalocean/internal/apischema"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.yaml.in/yaml/v3"
)

// post sends a raw JSON request with the fake's token and decodes the
// error body.
func post(t *testing.T, srv *digitaloceantest.Server, method, path, body string) (int, map[string]string) {
	t.Helper()
	req, err := http.NewRequest(method, srv.URL()+path, strings.NewReader(body))
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+srv.Token())
	req.Header.Set("Content-Type", "application/json")
	resp, err := srv.HTTPClient().Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	var out map[string]string
	if resp.StatusCode >= 400 {
		require.NoError(t, json.Unmarshal(raw, &out), "error body %s", raw)
		assert.Equal(t, resp.Header.Get("X-Request-Id"), out["request_id"])
	}
	return resp.StatusCode, out
}

func TestStrictRequests(t *testing.T) {
	srv := digitaloceantest.New(t)
	good := `{"spec":{"name":"strict","services":[{"name":"web","instance_count":1}]}}`
	code, _ := post(t, srv, "POST", "/v2/apps", good)
	require.Equal(t, 200, code)

	const spec = "error validating app spec field "
	cases := []struct {
		name, body string
		status     int
		id, msg    string
	}{
		{"unknown top-level field", `{"spec":{"name":"a1","services":[{"name":"web"}]},"projectid":"x"}`, 400, "bad_request", `"projectid"`},
		{"unknown field deep in the spec", `{"spec":{"name":"a2","services":[{"name":"web","instance_cuont":2}]}}`, 400, "bad_request", `"spec.services[0].instance_cuont"`},
		{"keys are case-sensitive", `{"spec":{"Name":"a3","services":[{"name":"web"}]}}`, 400, "bad_request", `"spec.Name"`},
		{"missing spec", `{"project_id":"p"}`, 422, "unprocessable_entity", "spec: is required"},
		{"missing spec name", `{"spec":{"services":[{"name":"web"}]}}`, 400, "invalid_argument", spec + `"name": is required`},
		{"missing component name", `{"spec":{"name":"a4","services":[{"instance_count":1}]}}`, 400, "invalid_argument", spec + `"services.name": is required`},
		{"bad region", `{"spec":{"name":"a5","region":"mars","services":[{"name":"web"}]}}`, 400, "invalid_argument", spec + `"region": "mars" is not one of atl, nyc,`},
		{"bad nested enum", `{"spec":{"name":"a6","services":[{"name":"web","envs":[{"key":"K","scope":"ALWAYS"}]}]}}`, 400, "invalid_argument", spec + `"services.envs.scope": "ALWAYS" is not one of`},
		{"bad name pattern", `{"spec":{"name":"Bad_Name","services":[{"name":"web"}]}}`, 400, "invalid_argument", spec + `"name": "Bad_Name" does not match the pattern`},
		{"out of range", `{"spec":{"name":"a9","services":[{"name":"web","http_port":70000}]}}`, 400, "invalid_argument", spec + `"services.http_port": must be at most 65535, is 70000`},
		{"too long", `{"spec":{"name":"a-name-that-is-far-too-long-for-an-app","services":[{"name":"web"}]}}`, 400, "invalid_argument", spec + `"name": must be at most 32 characters long, is 38`},
		{"wrong type", `{"spec":{"name":"a9","services":[{"name":"web","instance_count":"two"}]}}`, 400, "invalid_argument", spec + `"services.instance_count": must be an integer, not the string "two"`},
		{"duplicate component", `{"spec":{"name":"a7","services":[{"name":"web"}],"workers":[{"name":"web"}]}}`, 400, "invalid_argument", `field "workers.name": component name "web" is used by another component`},
		{"no component", `{"spec":{"name":"a8"}}`, 400, "invalid_argument", "at least one"},
		{"malformed JSON", `{"spec":`, 400, "bad_request", "not valid"},
		{"trailing data", good + `{}`, 400, "bad_request", "nothing after it"},
		{"empty body", ``, 400, "bad_request", "required"},
		{"name taken", good, 409, "conflict", "already exists"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			code, body := post(t, srv, "POST", "/v2/apps", tc.body)
			assert.Equal(t, tc.status, code)
			assert.Equal(t, tc.id, body["id"])
			assert.Contains(t, body["message"], tc.msg)
		})
	}
	apps, _, err := srv.Client().Apps.List(context.Background(), nil)
	require.NoError(t, err)
	assert.Len(t, apps, 1, "no rejected request created an app")
}

// The two cases, sent raw so that the SDK's types are bypassed: a
// misspelled field and an enum value the documents do not have are refused
// on every operation that takes an app spec.
func TestStrictRefusesMisspelledFieldAndUnknownEnumValue(t *testing.T) {
	srv := digitaloceantest.New(t)
	app, _, err := srv.Client().Apps.Create(context.Background(), &do.AppCreateRequest{Spec: &do.AppSpec{
		Name: "target", Services: []*do.AppServiceSpec{{Name: "web"}}}})
	require.NoError(t, err)
	for _, target := range []struct{ method, path string }{
		{"POST", "/v2/apps"}, {"PUT", "/v2/apps/" + app.ID}, {"POST", "/v2/apps/propose"},
	} {
		code, body := post(t, srv, target.method, target.path,
			`{"spec":{"name":"target","services":[{"name":"web","instance_size_slg":"apps-s-1vcpu-1gb"}]}}`)
		assert.Equal(t, 400, code, target.path)
		assert.Equal(t, "bad_request", body["id"])
		assert.Equal(t, `unknown field "spec.services[0].instance_size_slg"`, body["message"])

		code, body = post(t, srv, target.method, target.path,
			`{"spec":{"name":"target","services":[{"name":"web","instance_size_slug":"apps-s-64vcpu-1tb"}]}}`)
		assert.Equal(t, 400, code, target.path)
		assert.Equal(t, "invalid_argument", body["id"])
		assert.True(t, strings.HasPrefix(body["message"],
			`error validating app spec field "services.instance_size_slug": "apps-s-64vcpu-1tb" is not one of apps-s-1vcpu-0.5gb,`), body["message"])
	}
}

// Only the first problem of a spec is answered, as the live API does; the
// problems of other request bodies are all listed, with a 422.
func TestStrictProblemReporting(t *testing.T) {
	srv := digitaloceantest.New(t)
	code, body := post(t, srv, "POST", "/v2/apps/propose",
		`{"spec":{"name":"Bad","region":"mars","services":[{"name":"web","instance_count":0}]}}`)
	assert.Equal(t, 400, code)
	assert.Equal(t, `error validating app spec field "name": "Bad" does not match the pattern ^[a-z][a-z0-9-]{0,30}[a-z0-9]$`, body["message"])
	assert.NotContains(t, body["message"], "region")

	ids := make([]string, 101)
	for i := range ids {
		ids[i] = `"4f6c71e2-1e90-4762-9fee-6cc4a0a9f2cf"`
	}
	code, body = post(t, srv, "POST", "/v2/apps/metrics/bandwidth_daily", `{"app_ids":[`+strings.Join(ids, ",")+`],"date":5}`)
	assert.Equal(t, 422, code)
	assert.Equal(t, "unprocessable_entity", body["id"])
	assert.Equal(t, "app_ids: must have at most 100 items, has 101; date: must be a string, not the number 5", body["message"])

	code, body = post(t, srv, "POST", "/v2/apps/metrics/bandwidth_daily", `{}`)
	assert.Equal(t, 422, code)
	assert.Equal(t, "app_ids: is required", body["message"])
}

// Validation runs in the dispatch, before the handler: a bad body to an
// app that does not exist is judged on the body first, on every route.
func TestStrictValidatesEveryRouteCentrally(t *testing.T) {
	srv := digitaloceantest.New(t)
	const missing = "/v2/apps/00000000-0000-0000-0000-000000000000"
	for _, tc := range []struct{ method, path, body, want string }{
		{"POST", missing + "/rollback", `{"deployment_id":"d","skip_pin":"yes"}`, "skip_pin: must be a boolean"},
		{"POST", missing + "/deployments", `{"force_build":1}`, "force_build: must be a boolean"},
		{"POST", missing + "/alerts/a1/destinations", `{"emails":"sammy@example.com"}`, "emails: must be an array"},
		{"POST", missing + "/restart", `{"components":"web"}`, "components: must be an array"},
		{"POST", "/v2/1-clicks/kubernetes", `{"addon_slugs":["kube-state-metrics"]}`, "cluster_uuid: is required"},
	} {
		code, body := post(t, srv, tc.method, tc.path, tc.body)
		assert.Equal(t, 422, code, tc.path)
		assert.Contains(t, body["message"], tc.want, tc.path)
	}
	code, body := post(t, srv, "POST", missing+"/rollback", `{"deployment_id":"d","skipPin":true}`)
	assert.Equal(t, 400, code)
	assert.Equal(t, `unknown field "skipPin"`, body["message"])
	code, _ = post(t, srv, "POST", missing+"/rollback", `{"deployment_id":"d"}`)
	assert.Equal(t, 404, code, "a good body reaches the handler")
}

// Every operation the fake serves has its request schema in the generated
// table, so a route added later is validated without more code.
func TestStrictTableCoversEveryRoute(t *testing.T) {
	for _, op := range digitaloceantest.Operations() {
		_, found := apischema.OperationFor(op)
		assert.True(t, found, "operation %s is not in internal/apischema", op)
	}
	assert.GreaterOrEqual(t, len(apischema.OperationIDs()), 51, "the subset's 43 and the overlay's 8")
}

// The fake's enums come from the OpenAPI documents (plus the live-API
// values of internal/specgen/overlay.yaml), not from the SDK's constants:
// every enum declared directly on a property of a document schema is, in
// the table, exactly the document's list plus the overlay's additions.
func TestStrictEnumsComeFromTheDocuments(t *testing.T) {
	overlayAdds := map[string][]string{}
	var overlay struct {
		Enums []struct {
			Schema, Path string
			Values       []struct{ Value string }
		}
	}
	readYAML(t, "../internal/specgen/overlay.yaml", &overlay)
	for _, e := range overlay.Enums {
		for _, v := range e.Values {
			overlayAdds[e.Schema+"."+e.Path] = append(overlayAdds[e.Schema+"."+e.Path], v.Value)
		}
	}
	checked := 0
	for _, file := range []string{"../testdata/digitalocean-v2-subset.yaml", "../testdata/live-api-overlay.yaml"} {
		var doc struct {
			Components struct {
				Schemas map[string]struct {
					Enum       []string
					Properties map[string]struct{ Enum []string }
				}
			}
		}
		readYAML(t, file, &doc)
		for name, s := range doc.Components.Schemas {
			table := apischema.Lookup(name)
			if table == nil {
				continue // not reachable from a request body
			}
			if len(s.Enum) > 0 {
				assert.Equal(t, append(s.Enum, overlayAdds[name+"."]...), table.Enum, name)
				checked++
			}
			for prop, p := range s.Properties {
				if len(p.Enum) == 0 || table.Properties[prop] == nil {
					continue
				}
				assert.Equal(t, append(p.Enum, overlayAdds[name+"."+prop]...), table.Properties[prop].Enum, name+"."+prop)
				checked++
			}
		}
	}
	assert.GreaterOrEqual(t, checked, 10)

	// A value the SDK could carry but the documents lack is refused: the
	// SDK's legacy-size constants are in the documents' deprecated oneOf
	// branch, a made-up constant is not.
	srv := digitaloceantest.New(t)
	for slug, want := range map[do.InstanceSizeSlug]int{"basic-xxs": 200, do.InstanceSizeSlugAppsS1VCPU1GB: 200, "apps-s-1vcpu-3gb": 400} {
		code, body := post(t, srv, "POST", "/v2/apps/propose",
			`{"spec":{"name":"sizes","services":[{"name":"web","instance_size_slug":"`+string(slug)+`"}]}}`)
		assert.Equal(t, want, code, "%s: %v", slug, body)
	}
}

func readYAML(t *testing.T, path string, v any) {
	t.Helper()
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	require.NoError(t, yaml.Unmarshal(b, v))
}

// A spec that picked up an unknown key (a typo in a YAML file, say) is
// sent by the SDK as is, and the fake rejects it as the API would.
func TestStrictRejectsUnknownFieldThroughSDK(t *testing.T) {
	srv := digitaloceantest.New(t)
	var spec do.AppSpec
	require.NoError(t, json.Unmarshal([]byte(`{"name":"typo","services":[{"name":"web","instance_sise_slug":"apps-s-1vcpu-1gb"}]}`), &spec))
	_, _, err := srv.Client().Apps.Create(context.Background(), &do.AppCreateRequest{Spec: &spec})
	var apiErr *do.Error
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, 400, apiErr.StatusCode)
	assert.Equal(t, "bad_request", apiErr.ID)
	assert.Contains(t, apiErr.Message, "spec.services[0].instance_sise_slug")
}

func TestAuthAndRouting(t *testing.T) {
	srv := digitaloceantest.New(t, digitaloceantest.WithToken("dop_v1_right"))
	ctx := context.Background()

	wrong, err := do.New(do.WithToken("dop_v1_wrong"), do.WithBaseURL(srv.URL()))
	require.NoError(t, err)
	_, resp, err := wrong.Account.Get(ctx)
	require.ErrorIs(t, err, do.ErrUnauthorized)
	var apiErr *do.Error
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, "unauthorized", apiErr.ID)
	assert.NotEmpty(t, resp.Header.Get("Ratelimit-Limit"), "401s carry the rate-limit headers too")

	req, err := http.NewRequest("GET", srv.URL()+"/v2/account", nil)
	require.NoError(t, err)
	r, err := srv.HTTPClient().Do(req)
	require.NoError(t, err)
	r.Body.Close()
	assert.Equal(t, 401, r.StatusCode, "no Authorization header")

	code, body := post(t, srv, "GET", "/v2/nothing", "")
	assert.Equal(t, 404, code)
	assert.Equal(t, "not_found", body["id"])
	code, body = post(t, srv, "PATCH", "/v2/account", "{}")
	assert.Equal(t, 405, code)
	assert.Equal(t, "method_not_allowed", body["id"])
	code, body = post(t, srv, "GET", "/v2/actions/999", "")
	assert.Equal(t, 404, code)
	assert.Equal(t, "not_found", body["id"])
}
