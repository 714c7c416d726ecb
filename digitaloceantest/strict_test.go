package digitaloceantest_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	do "github.com/oceankit/digitalocean"
	"github.com/oceankit/digitalocean/digitaloceantest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
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

	cases := []struct {
		name, body string
		status     int
		id, msg    string
	}{
		{"unknown top-level field", `{"spec":{"name":"a1","services":[{"name":"web"}]},"projectid":"x"}`, 400, "bad_request", `"projectid"`},
		{"unknown field deep in the spec", `{"spec":{"name":"a2","services":[{"name":"web","instance_cuont":2}]}}`, 400, "bad_request", `"spec.services[0].instance_cuont"`},
		{"keys are case-sensitive", `{"spec":{"Name":"a3","services":[{"name":"web"}]}}`, 400, "bad_request", `"spec.Name"`},
		{"missing spec name", `{"spec":{"services":[{"name":"web"}]}}`, 422, "unprocessable_entity", "spec.name is required"},
		{"missing component name", `{"spec":{"name":"a4","services":[{"instance_count":1}]}}`, 422, "unprocessable_entity", "spec.services[0].name is required"},
		{"bad region", `{"spec":{"name":"a5","region":"mars","services":[{"name":"web"}]}}`, 422, "unprocessable_entity", `spec.region: "mars" is not one of`},
		{"bad nested enum", `{"spec":{"name":"a6","services":[{"name":"web","envs":[{"key":"K","scope":"ALWAYS"}]}]}}`, 422, "unprocessable_entity", `spec.services[0].envs[0].scope`},
		{"bad name pattern", `{"spec":{"name":"Bad_Name","services":[{"name":"web"}]}}`, 400, "invalid_argument", `error validating app spec field "name": `},
		{"duplicate component", `{"spec":{"name":"a7","services":[{"name":"web"}],"workers":[{"name":"web"}]}}`, 400, "invalid_argument", `field "workers.name": component name "web" is used by another component`},
		{"no component", `{"spec":{"name":"a8"}}`, 400, "invalid_argument", "at least one"},
		{"wrong type", `{"spec":{"name":"a9","services":[{"name":"web","instance_count":"two"}]}}`, 400, "bad_request", "instance_count"},
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
