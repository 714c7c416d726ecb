package digitaloceantest_test

import (
	"context"
	"testing"

	do "github.com/oceankit/digitalocean"
	"github.com/oceankit/digitalocean/digitaloceantest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Query and path parameters are judged by the OpenAPI documents (with the
// overlay's x-parameter-additions) before any handler runs: values the
// SDK's own constants hold but the documents do not (UNKNOWN deployments,
// JOB_INVOCATION logs on a deployment) are refused, as are misspelled keys.
func TestStrictQueryParameters(t *testing.T) {
	srv := digitaloceantest.New(t)
	ctx := context.Background()
	app, _, err := srv.Client().Apps.Create(ctx, &do.AppCreateRequest{Spec: &do.AppSpec{
		Name: "params", Services: []*do.AppServiceSpec{{Name: "web", InstanceCount: 1}}}})
	require.NoError(t, err)
	srv.Advance(4 * digitaloceantest.DefaultPhaseDuration)
	apps := "/v2/apps/" + app.ID

	refused := []struct {
		name, path, msg string
	}{
		// do.DeploymentTypeUnknown is an SDK constant; the documents' enum
		// for this parameter lacks it.
		{"enum value only the SDK has", apps + "/deployments?deployment_types=UNKNOWN",
			`query parameter deployment_types[0]: "UNKNOWN" is not one of MANUAL, DEPLOY_ON_PUSH,`},
		{"second value of a repeated key", apps + "/deployments?deployment_types=MANUAL&deployment_types=BOGUS",
			`query parameter deployment_types[1]: "BOGUS" is not one of`},
		// do.AppLogTypeJobInvocation is an SDK constant; the deployment
		// logs' enum lacks it.
		{"log type of another operation", apps + "/logs?type=JOB_INVOCATION",
			`query parameter type: "JOB_INVOCATION" is not one of UNSPECIFIED, BUILD,`},
		{"event type", apps + "/events?event_types=SCALING", `query parameter event_types[0]: "SCALING" is not one of UNKNOWN, DEPLOYMENT, AUTOSCALING`},
		{"one-click type", "/v2/1-clicks?type=app", `query parameter type: "app" is not one of droplet, kubernetes`},
		{"misspelled key", apps + "/logs?type=RUN&tail_line=5", `unknown query parameter "tail_line"`},
		{"required key missing", apps + "/logs?follow=true", `query parameter type: is required`},
		{"integer as text", apps + "/logs?type=RUN&tail_lines=ten", `query parameter tail_lines: "ten" does not match the pattern ^-?[0-9]+$`},
		{"boolean", "/v2/apps?with_projects=yes", `query parameter with_projects: must be a boolean, not the string "yes"`},
		{"per_page above the maximum", "/v2/apps?per_page=201", `query parameter per_page: must be at most 200, is 201`},
		{"page below the minimum", apps + "/deployments?page=0", `query parameter page: must be at least 1, is 0`},
		{"not a number", "/v2/actions?page=2x", `query parameter page: must be an integer, not the string "2x"`},
	}
	for _, tc := range refused {
		t.Run(tc.name, func(t *testing.T) {
			code, body := post(t, srv, "GET", tc.path, "")
			assert.Equal(t, 400, code)
			assert.Equal(t, "bad_request", body["id"])
			assert.Contains(t, body["message"], tc.msg)
		})
	}

	// Every problem is listed, in a stable order.
	code, body := post(t, srv, "GET", apps+"/logs?type=NOPE&tail_lines=x&zzz=1", "")
	assert.Equal(t, 400, code)
	assert.Equal(t, `query parameter type: "NOPE" is not one of UNSPECIFIED, BUILD, DEPLOY, RUN, RUN_RESTARTED, AUTOSCALE_EVENT; `+
		`query parameter tail_lines: "x" does not match the pattern ^-?[0-9]+$; unknown query parameter "zzz".`, body["message"])

	// The overlay's x-parameter-additions are parameters like the others.
	for _, path := range []string{
		apps + "/logs?type=RUN&follow=false&tail_lines=-1&component_name=web",
		apps + "/deployments/" + app.PendingDeployment.ID + "/logs?type=BUILD&tail_lines=0&component_name=web",
		apps + "/events?deployment_types=MANUAL&deployment_types=ANYTHING_GOES",
		apps + "/deployments?deployment_types=MANUAL&deployment_types=AUTOSCALED&page=1&per_page=200",
		"/v2/apps?with_projects=true&per_page=1",
		"/v2/1-clicks?type=kubernetes",
	} {
		code, body := post(t, srv, "GET", path, "")
		assert.Equal(t, 200, code, "%s: %v", path, body)
	}

	// A path parameter of the wrong type names nothing.
	for _, path := range []string{"/v2/actions/abc", "/v2/actions/0"} {
		code, body := post(t, srv, "GET", path, "")
		assert.Equal(t, 404, code, path)
		assert.Equal(t, "not_found", body["id"], path)
	}
}
