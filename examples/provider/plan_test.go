package main

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/oceankit/digitalocean"
	"github.com/oceankit/digitalocean/appspec"
	"github.com/oceankit/digitalocean/digitaloceantest"
)

// mustPlan plans desired against st.
func mustPlan(t *testing.T, r *Resource, st *State, desired *digitalocean.AppSpec) *Plan {
	t.Helper()
	p, err := r.Plan(t.Context(), st, desired)
	if err != nil {
		t.Fatalf("Plan: %v", err)
	}
	return p
}

// planApply plans desired and applies the plan, as terraform apply does.
func planApply(t *testing.T, r *Resource, st *State, desired *digitalocean.AppSpec) *Plan {
	t.Helper()
	p := mustPlan(t, r, st, desired)
	if err := r.Apply(t.Context(), st, desired, p); err != nil {
		t.Fatalf("Apply: %v", err)
	}
	return p
}

func wantNoOp(t *testing.T, p *Plan) {
	t.Helper()
	if p.Action != NoOp || len(p.Changes) != 0 || len(p.Unknown) != 0 {
		t.Errorf("plan:\n%s\nwant no-op with nothing unknown", p)
	}
}

func paths(changes []appspec.Change) []string {
	var out []string
	for _, c := range changes {
		out = append(out, c.Path.String())
	}
	return out
}

func TestPlanAfterApplyShowsNoChange(t *testing.T) {
	inBubble(t, func(t *testing.T, srv *digitaloceantest.Server, r *Resource) {
		st := &State{}
		if p := planApply(t, r, st, testSpec("k", "p")); p.Action != Create {
			t.Fatalf("first plan:\n%s\nwant create", p)
		}
		wantNoOp(t, mustPlan(t, r, st, testSpec("k", "p")))
	})
}

func TestReapplyingTheSameSecretSendsNoUpdate(t *testing.T) {
	inBubble(t, func(t *testing.T, srv *digitaloceantest.Server, r *Resource) {
		st := &State{}
		planApply(t, r, st, testSpec("api-key", "db-password"))
		// A fresh desired spec, as from re-reading the configuration.
		p := planApply(t, r, st, testSpec("api-key", "db-password"))
		wantNoOp(t, p)
		if n := requests(srv, http.MethodPut); n != 0 {
			t.Errorf("sent %d updates, want none", n)
		}
	})
}

func TestAChangedSecretPlansAnUpdate(t *testing.T) {
	inBubble(t, func(t *testing.T, srv *digitaloceantest.Server, r *Resource) {
		st := &State{}
		planApply(t, r, st, testSpec("api-key", "db-password"))

		p := planApply(t, r, st, testSpec("api-key", "rotated-password"))
		if p.Action != Update || !slices.Equal(paths(p.Changes), []string{"services[name=web].envs[key=DB_PASSWORD].value"}) {
			t.Fatalf("plan:\n%s\nwant an update of the component's DB_PASSWORD only", p)
		}
		if c := p.Changes[0]; !c.Sensitive || c.Undecidable {
			t.Errorf("change %+v: want Sensitive and decided", c)
		}
		if strings.Contains(p.String(), "rotated-password") {
			t.Errorf("the plan shows the secret:\n%s", p)
		}
		if n := requests(srv, http.MethodPut); n != 1 {
			t.Errorf("sent %d updates, want 1", n)
		}
		// The new plaintext is now the applied one.
		wantNoOp(t, mustPlan(t, r, st, testSpec("api-key", "rotated-password")))
	})
}

func TestAnOutOfBandChangeShowsAsDrift(t *testing.T) {
	inBubble(t, func(t *testing.T, srv *digitaloceantest.Server, r *Resource) {
		st := &State{}
		planApply(t, r, st, testSpec("k", "p"))

		changed := st.Spec.Clone()
		changed.Services[0].InstanceCount = 3
		if _, _, err := r.Client.Apps.Update(t.Context(), st.ID, &digitalocean.AppUpdateRequest{Spec: changed}); err != nil {
			t.Fatal(err)
		}

		p := planApply(t, r, st, testSpec("k", "p"))
		if p.Action != Update || !slices.Equal(paths(p.Changes), []string{"services[name=web].instance_count"}) {
			t.Fatalf("plan:\n%s\nwant the drift of services[name=web].instance_count", p)
		}
		if got := string(p.Changes[0].Old); got != "3" {
			t.Errorf("drift from %s, want from 3", got)
		}
		// The apply put the desired spec back.
		wantNoOp(t, mustPlan(t, r, st, testSpec("k", "p")))
	})
}

func TestABadEnumFailsAtPlanBeforeAnyRequest(t *testing.T) {
	inBubble(t, func(t *testing.T, srv *digitaloceantest.Server, r *Resource) {
		st := &State{}
		planApply(t, r, st, testSpec("k", "p"))
		before := requests(srv, "")

		bad := testSpec("k", "p")
		bad.Envs[0].Type = "SECERT"
		bad.Services[0].InstanceSizeSlug = "apps-s-64vcpu-1tb"
		_, err := r.Plan(t.Context(), st, bad)
		var got []string
		for _, d := range Diagnostics(err) {
			got = append(got, d.Path)
		}
		if want := []string{"envs[0].type", "services[0].instance_size_slug"}; !slices.Equal(got, want) {
			t.Errorf("plan error %v: paths %q, want %q", err, got, want)
		}
		if _, err := r.Create(t.Context(), bad); err == nil {
			t.Error("Create accepted the bad spec")
		}
		if err := r.Update(t.Context(), st, bad); err == nil {
			t.Error("Update accepted the bad spec")
		}
		if after := requests(srv, ""); after != before {
			t.Errorf("%d requests sent for a bad spec, want none", after-before)
		}
	})
}

func TestLegacyRoutesPlanCleanAfterApply(t *testing.T) {
	inBubble(t, func(t *testing.T, srv *digitaloceantest.Server, r *Resource) {
		desired := func() *digitalocean.AppSpec {
			spec := testSpec("k", "p")
			web := spec.Services[0]
			spec.Services[0] = &digitalocean.AppServiceSpec{
				Name: web.Name, Image: web.Image, Envs: web.Envs,
				Routes: []*digitalocean.AppRouteSpec{{Path: "/api", PreservePathPrefix: true}},
				CORS:   &digitalocean.AppCORSPolicy{AllowMethods: []string{"GET"}},
			}
			spec.StaticSites = []*digitalocean.AppStaticSiteSpec{{
				Name:   "site",
				GitHub: &digitalocean.AppGitHubSourceSpec{Repo: "acme/site", Branch: "main"},
				Routes: []*digitalocean.AppRouteSpec{{Path: "/"}},
			}}
			return spec
		}
		st := &State{}
		planApply(t, r, st, desired())
		//lint:ignore SA1019 the API must have moved the legacy routes out
		moved := st.Spec.Services[0].Routes == nil
		if st.Spec.Ingress == nil || len(st.Spec.Ingress.Rules) != 2 || !moved {
			t.Fatalf("the API kept %+v: want the routes moved to two ingress rules", st.Spec.Ingress)
		}
		wantNoOp(t, mustPlan(t, r, st, desired()))
	})
}

func TestTheStateHoldsNoPlaintextAndSurvivesJSON(t *testing.T) {
	inBubble(t, func(t *testing.T, srv *digitaloceantest.Server, r *Resource) {
		st := &State{}
		planApply(t, r, st, testSpec("the-api-key", "the-db-password"))
		b, err := json.Marshal(st)
		if err != nil {
			t.Fatal(err)
		}
		for _, plaintext := range []string{"the-api-key", "the-db-password"} {
			if strings.Contains(string(b), plaintext) {
				t.Errorf("the state holds the plaintext %q", plaintext)
			}
		}

		loaded := &State{}
		if err := json.Unmarshal(b, loaded); err != nil {
			t.Fatal(err)
		}
		wantNoOp(t, mustPlan(t, r, loaded, testSpec("the-api-key", "the-db-password")))
		p := mustPlan(t, r, loaded, testSpec("another-key", "the-db-password"))
		if !slices.Equal(paths(p.Changes), []string{"envs[key=API_KEY].value"}) {
			t.Errorf("plan from the loaded state:\n%s\nwant the rotated API_KEY", p)
		}
	})
}
