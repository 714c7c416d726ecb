package digitaloceantest_test

import (
	"context"
	"testing"

	do "github.com/oceankit/digitalocean"
	"github.com/oceankit/digitalocean/digitaloceantest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The fake accepts the enum values the live API has beyond the spec
// (internal/specgen/overlay.yaml, generated into the schema table), and
// still rejects values nobody has.
func TestStrictAcceptsLiveAPIEnumValues(t *testing.T) {
	srv := digitaloceantest.New(t)
	spec := &do.AppSpec{
		Name: "live-enums",
		Alerts: []*do.AppAlertSpec{
			{Rule: do.AppAlertSpecRuleDeploymentStarted},
			{Rule: do.AppAlertSpecRuleDeploymentCanceled},
		},
		Services: []*do.AppServiceSpec{{Name: "web", InstanceCount: 1}},
		Jobs: []*do.AppJobSpec{{
			Name:   "report",
			Kind:   do.AppJobSpecKindScheduled,
			Alerts: []*do.AppAlertSpec{{Rule: do.AppAlertSpecRuleJobInvocationFailed}},
		}},
	}
	app, _, err := srv.Client().Apps.Create(context.Background(), &do.AppCreateRequest{Spec: spec})
	require.NoError(t, err)
	require.Len(t, app.Spec.Alerts, 2)
	assert.Equal(t, do.AppAlertSpecRuleDeploymentStarted, app.Spec.Alerts[0].Rule)

	code, body := post(t, srv, "POST", "/v2/apps",
		`{"spec":{"name":"raw-alerts","alerts":[{"rule":"DEPLOYMENT_STARTED"}],"services":[{"name":"web"}]}}`)
	assert.Equal(t, 200, code, "%v", body)

	code, body = post(t, srv, "POST", "/v2/apps",
		`{"spec":{"name":"bogus-alerts","alerts":[{"rule":"DEPLOYMENT_EXPLODED"}],"services":[{"name":"web"}]}}`)
	assert.Equal(t, 400, code)
	assert.Equal(t, "invalid_argument", body["id"])
	assert.Contains(t, body["message"], `error validating app spec field "alerts.rule": "DEPLOYMENT_EXPLODED" is not one of`)
	assert.Contains(t, body["message"], "DEPLOYMENT_STARTED", "the allowed values list the live-API ones")
}
