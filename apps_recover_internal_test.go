package digitalocean

import (
	"context"
	"testing"
	"time"
)

// Only a cause no API call gives rules a new deployment out; a cause the
// SDK does not expect for the operation leaves it undecided, never "not
// this call's" (which would lead to a second send).
func TestDeploymentEffectJudge(t *testing.T) {
	spec := &AppSpec{Name: "shop", Region: "ams"}
	other := &AppSpec{Name: "shop", Region: "nyc"}
	user := func(typ DeploymentType, action DeploymentCauseDetailsDigitalOceanUserActionName) *DeploymentCauseDetails {
		return &DeploymentCauseDetails{Type: typ, DigitalOceanUserAction: &DeploymentCauseDetailsDigitalOceanUserAction{Name: action}}
	}
	cases := []struct {
		name   string
		effect deploymentEffect
		d      Deployment
		want   deploymentVerdict
	}{
		{"no cause", restartEffect, Deployment{}, maybeThisCall},
		{"restart", restartEffect, Deployment{CauseDetails: user(DeploymentTypeManual, DeploymentCauseDetailsDigitalOceanUserActionNameRestart)}, thisCallsKind},
		{"type only", restartEffect, Deployment{CauseDetails: &DeploymentCauseDetails{Type: DeploymentTypeManual}}, thisCallsKind},
		{"another user action", restartEffect, Deployment{CauseDetails: user(DeploymentTypeManual, DeploymentCauseDetailsDigitalOceanUserActionNameCreateDeployment)}, maybeThisCall},
		{"another user type", restartEffect, Deployment{CauseDetails: user(DeploymentTypeManualRollback, "")}, maybeThisCall},
		{"unknown type", restartEffect, Deployment{CauseDetails: user(DeploymentTypeUnknown, "")}, maybeThisCall},
		{"deploy on push", restartEffect, Deployment{CauseDetails: &DeploymentCauseDetails{Type: DeploymentTypeDeployOnPush}}, notThisCall},
		{"autoscaled", restartEffect, Deployment{CauseDetails: &DeploymentCauseDetails{Type: DeploymentTypeAutoscaled}}, notThisCall},
		{"git push, no type", restartEffect, Deployment{CauseDetails: &DeploymentCauseDetails{GitPush: &DeploymentCauseDetailsGitPush{}}}, notThisCall},
		{"rollback to the target", createRollbackEffect("d1"), Deployment{ClonedFrom: "d1", CauseDetails: user(DeploymentTypeManualRollback, DeploymentCauseDetailsDigitalOceanUserActionNameRollbackApp)}, thisCallsKind},
		{"rollback elsewhere", createRollbackEffect("d1"), Deployment{ClonedFrom: "d2", CauseDetails: user(DeploymentTypeManualRollback, DeploymentCauseDetailsDigitalOceanUserActionNameRollbackApp)}, notThisCall},
		{"update to the spec", updateEffect(spec), Deployment{Spec: spec, CauseDetails: user(DeploymentTypeManual, DeploymentCauseDetailsDigitalOceanUserActionNameUpdateSpec)}, thisCallsKind},
		{"update to another spec", updateEffect(spec), Deployment{Spec: other, CauseDetails: user(DeploymentTypeManual, DeploymentCauseDetailsDigitalOceanUserActionNameUpdateSpec)}, maybeThisCall},
		{"trusted sources", trustedSourcesEffect, Deployment{CauseDetails: user(DeploymentTypeUpdateDatabaseTrustedSources, DeploymentCauseDetailsDigitalOceanUserActionNameCreateDeployment)}, thisCallsKind},
	}
	for _, tc := range cases {
		if got := tc.effect.judge(&tc.d); got != tc.want {
			t.Errorf("%s: judge = %v, want %v", tc.name, got, tc.want)
		}
	}
}

// withoutRecovery is ctx with recovery off: tests of one request's wire
// form or of the retry loop alone, where the read a write that starts a
// deployment makes first would be in the way.
func withoutRecovery(ctx context.Context) context.Context {
	p := DefaultRetryPolicy()
	p.NoRecovery = true
	return WithRetryPolicy(ctx, p)
}

// A list that is not newest first (a deployment before the noted one that
// is older than it) cannot show which deployments are new.
func TestNewDeploymentNeedsANewestFirstList(t *testing.T) {
	noted := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	list := `{"deployments":[
		{"id":"d-old","created_at":"2026-03-01T11:00:00Z","cause_details":{"type":"MANUAL","digitalocean_user_action":{"name":"RESTART"}}},
		{"id":"d-noted","created_at":"2026-03-01T12:00:00Z"}]}`
	c, _ := newAppsClient(t, []byte(list))
	mark := &deploymentMark{id: "d-noted", created: noted}
	d, _, undecided, err := c.Apps.newDeployment(context.Background(), "app-1", mark, restartEffect)
	if err != nil || d != nil || undecided != "the deployments are not listed newest first" {
		t.Fatalf("newDeployment = %v, %q, %v; want undecided: not newest first", d, undecided, err)
	}
	mark.created = noted.Add(-2 * time.Hour) // the same list, d-old newer than the mark
	d, _, undecided, err = c.Apps.newDeployment(context.Background(), "app-1", mark, restartEffect)
	if err != nil || d == nil || d.ID != "d-old" || undecided != "" {
		t.Fatalf("newDeployment = %v, %q, %v; want d-old", d, undecided, err)
	}
}
