package digitalocean

import "testing"

// The API may keep the old spec on the app until the new deployment is
// live: the update is applied when the pending or in-progress deployment
// carries the requested spec.
func TestUpdateAppliedLooksAtDeployments(t *testing.T) {
	old := &AppSpec{Name: "shop", Region: "ams"}
	requested := &AppSpec{Name: "shop", Region: "nyc"}
	cases := []struct {
		name string
		app  App
		want bool
	}{
		{"old spec only", App{Spec: old}, false},
		{"app spec", App{Spec: requested}, true},
		{"pending deployment", App{Spec: old, PendingDeployment: &Deployment{Spec: requested}}, true},
		{"in-progress deployment", App{Spec: old, InProgressDeployment: &Deployment{Spec: requested}}, true},
		{"other deployment spec", App{Spec: old, PendingDeployment: &Deployment{Spec: old}}, false},
	}
	for _, tc := range cases {
		if got := updateApplied(&tc.app, requested); got != tc.want {
			t.Errorf("%s: updateApplied = %v, want %v", tc.name, got, tc.want)
		}
	}
}
