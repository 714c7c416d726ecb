package main

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/oceankit/digitalocean"
	"github.com/oceankit/digitalocean/appspec"
	"github.com/oceankit/digitalocean/digitaloceantest"
)

// inBubble runs f in a synctest bubble with a fresh fake API on its
// in-memory network: the deployment waits and the fake's phases run on
// the bubble's fake clock, so no test sleeps.
func inBubble(t *testing.T, f func(t *testing.T, srv *digitaloceantest.Server, r *Resource)) {
	t.Helper()
	synctest.Test(t, func(t *testing.T) {
		srv := digitaloceantest.New(t, digitaloceantest.WithInMemoryNetwork(), digitaloceantest.WithRealClock())
		f(t, srv, &Resource{Client: srv.Client(), Secrets: testHasher(t)})
	})
}

// testHasher fingerprints secrets with a fresh key, as the provider's.
func testHasher(t *testing.T) *appspec.SecretHasher {
	t.Helper()
	h, err := appspec.NewSecretHasher(appspec.NewSecretKey())
	if err != nil {
		t.Fatal(err)
	}
	return h
}

// testSpec is a service with a SECRET env at app level and one in the
// component.
func testSpec(apiKey, dbPassword string) *digitalocean.AppSpec {
	return &digitalocean.AppSpec{
		Name: "shop",
		Envs: []*digitalocean.AppVariableDefinition{{Key: "API_KEY", Value: apiKey, Type: digitalocean.AppVariableTypeSecret}},
		Services: []*digitalocean.AppServiceSpec{{
			Name:  "web",
			Image: &digitalocean.AppImageSourceSpec{RegistryType: digitalocean.AppImageSourceSpecRegistryTypeDockerHub, Registry: "library", Repository: "nginx", Tag: "alpine"},
			Envs: []*digitalocean.AppVariableDefinition{
				{Key: "DB_PASSWORD", Value: dbPassword, Type: digitalocean.AppVariableTypeSecret},
				{Key: "MODE", Value: "test"},
			},
		}},
	}
}

// mustCreate creates the app through the resource.
func mustCreate(t *testing.T, r *Resource, spec *digitalocean.AppSpec) *State {
	t.Helper()
	st, err := r.Create(t.Context(), spec)
	if err != nil {
		t.Fatalf("Create: %v", err)
	}
	return st
}

// requests counts the fake's requests with the method ("" for all).
func requests(srv *digitaloceantest.Server, method string) int {
	n := 0
	for _, req := range srv.Requests() {
		if method == "" || req.Method == method {
			n++
		}
	}
	return n
}

func TestCreateWaitsForTheDeploymentAndReportsItsSteps(t *testing.T) {
	inBubble(t, func(t *testing.T, srv *digitaloceantest.Server, r *Resource) {
		var lines []string
		r.Logf = func(f string, a ...any) { lines = append(lines, fmt.Sprintf(f, a...)) }
		var polls int
		r.Wait.OnProgress = func(digitalocean.WaitProgress) { polls++ }

		st := mustCreate(t, r, testSpec("k", "p"))

		app, _, err := r.Client.Apps.Get(t.Context(), st.ID)
		if err != nil {
			t.Fatal(err)
		}
		if app.ActiveDeployment == nil || app.ActiveDeployment.Phase != digitalocean.DeploymentPhaseActive {
			t.Errorf("after Create the app has no active deployment: Create did not wait")
		}
		if v := st.Spec.Envs[0].Value; !strings.HasPrefix(v, "EV[") {
			t.Errorf("state spec secret = %q, want the API's ciphertext", v)
		}
		if polls == 0 || len(lines) < 2 {
			t.Fatalf("%d polls, %d progress lines: want the caller's OnProgress called and several lines", polls, len(lines))
		}
		if !strings.Contains(lines[len(lines)-1], "ACTIVE") || !strings.Contains(lines[len(lines)-1], "steps") {
			t.Errorf("last progress line %q, want ACTIVE with its steps", lines[len(lines)-1])
		}
	})
}

// A deployment that never ends: Create gives up at the timeout, in fake
// time, and still returns the state of the app it created.
func TestCreateGivesUpAtTheTimeoutAndKeepsTheApp(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		// A clock nobody advances: the fake's deployments never progress.
		clock := digitaloceantest.NewManualClock(time.Now())
		srv := digitaloceantest.New(t, digitaloceantest.WithInMemoryNetwork(), digitaloceantest.WithClock(clock))
		r := &Resource{Client: srv.Client(), Timeout: 10 * time.Minute, Secrets: testHasher(t)}
		start := time.Now()
		st, err := r.Create(t.Context(), testSpec("k", "p"))
		if !errors.Is(err, context.DeadlineExceeded) || !strings.Contains(err.Error(), "not done after 10m0s") {
			t.Errorf("error = %v, want the timeout named", err)
		}
		if waited := time.Since(start); waited != 10*time.Minute {
			t.Errorf("waited %s, want the 10m timeout", waited)
		}
		if !st.Exists() || st.Spec == nil || len(st.Fingerprints) != 2 {
			t.Errorf("state = %+v, want the created app with its spec and secret fingerprints", st)
		}
	})
}

func TestCreateOfATakenNameSaysImport(t *testing.T) {
	inBubble(t, func(t *testing.T, srv *digitaloceantest.Server, r *Resource) {
		mustCreate(t, r, testSpec("k", "p"))
		_, err := r.Create(t.Context(), testSpec("k", "p"))
		if !errors.Is(err, digitalocean.ErrConflict) || !strings.Contains(err.Error(), "import it") {
			t.Errorf("error = %v, want the 409 with a hint to import", err)
		}
	})
}

// A create whose answer is lost is not re-sent: the SDK finds the app by
// name with the requested spec, and the resource adopts it.
func TestCreateWithAnUnknownOutcomeIsNotResent(t *testing.T) {
	inBubble(t, func(t *testing.T, srv *digitaloceantest.Server, r *Resource) {
		srv.FailNext(1, digitaloceantest.Match{Operation: "apps_create"}, digitaloceantest.Fault{Status: http.StatusBadGateway, Applied: true})
		st, err := r.Create(t.Context(), testSpec("k", "p"))
		if err != nil || !st.Exists() {
			t.Fatalf("Create after the lost answer: %v, %+v; want the app", err, st)
		}
		if n := requests(srv, http.MethodPost); n != 1 {
			t.Errorf("sent the create %d times, want once", n)
		}
	})
}

// A create whose connection dropped after the server acted fails with a
// *RequestError, not an *Error: with the SDK's reading back switched off,
// it too says the app may exist, whatever the error's type.
func TestCreateWithADroppedConnectionSaysImport(t *testing.T) {
	inBubble(t, func(t *testing.T, srv *digitaloceantest.Server, r *Resource) {
		srv.FailNext(1, digitaloceantest.Match{Operation: "apps_create"}, digitaloceantest.Fault{DropConnection: true, Applied: true})
		noRecovery := digitalocean.DefaultRetryPolicy()
		noRecovery.NoRecovery = true
		_, err := r.Create(digitalocean.WithRetryPolicy(t.Context(), noRecovery), testSpec("k", "p"))
		var reqErr *digitalocean.RequestError
		if !errors.As(err, &reqErr) || !errors.Is(err, digitalocean.ErrOutcomeUnknown) || !strings.Contains(err.Error(), "may exist; import it by name") {
			t.Fatalf("error = %v, want a *RequestError saying the app may exist", err)
		}
		if n := requests(srv, http.MethodPost); n != 1 {
			t.Errorf("sent the create %d times, want once", n)
		}
	})
}

func TestUpdateKeepsTheStateWhenTheDeploymentFails(t *testing.T) {
	inBubble(t, func(t *testing.T, srv *digitaloceantest.Server, r *Resource) {
		st := mustCreate(t, r, testSpec("k", "p"))
		id := st.ID
		if err := srv.FailNextDeployment(id); err != nil {
			t.Fatal(err)
		}
		desired := testSpec("k", "p")
		desired.Services[0].InstanceCount = 2
		var lines []string
		r.Logf = func(f string, a ...any) { lines = append(lines, fmt.Sprintf(f, a...)) }
		err := r.Update(t.Context(), st, desired)
		var failed *digitalocean.DeploymentFailedError
		if !errors.As(err, &failed) {
			t.Fatalf("error = %v, want a *DeploymentFailedError", err)
		}
		if log := strings.Join(lines, "\n"); !strings.Contains(log, "BUILD log: web ") || !strings.Contains(log, "failed: exit status 1") {
			t.Errorf("progress lines do not show the failing log's tail:\n%s", log)
		}
		if st.ID != id || st.Spec.Services[0].InstanceCount != 2 {
			t.Errorf("state %s with instance_count %d, want app %s with the spec the API holds (2)", st.ID, st.Spec.Services[0].InstanceCount, id)
		}
	})
}

func TestReadAfterAnOutOfBandDeleteReportsGone(t *testing.T) {
	inBubble(t, func(t *testing.T, srv *digitaloceantest.Server, r *Resource) {
		st := mustCreate(t, r, testSpec("k", "p"))
		if _, err := r.Client.Apps.Delete(t.Context(), st.ID); err != nil {
			t.Fatal(err)
		}
		if err := r.Read(t.Context(), st); err != nil {
			t.Fatalf("Read: %v, want no error for a gone app", err)
		}
		if st.Exists() || st.Spec != nil || st.Fingerprints != nil {
			t.Errorf("state after Read = %+v, want it cleared", st)
		}
		p, err := r.Plan(t.Context(), st, testSpec("k", "p"))
		if err != nil || p.Action != Create {
			t.Errorf("plan = %v, %v; want create", p, err)
		}
	})
}

func TestDeleteOfAGoneAppIsOK(t *testing.T) {
	inBubble(t, func(t *testing.T, srv *digitaloceantest.Server, r *Resource) {
		st := mustCreate(t, r, testSpec("k", "p"))
		stale := *st
		if err := r.Delete(t.Context(), st); err != nil {
			t.Fatal(err)
		}
		if st.Exists() {
			t.Error("state still tracks the app after Delete")
		}
		if _, _, err := r.Client.Apps.Get(t.Context(), stale.ID); !errors.Is(err, digitalocean.ErrNotFound) {
			t.Fatalf("Get after Delete: %v, want not found", err)
		}
		before := requests(srv, http.MethodDelete)
		if err := r.Delete(t.Context(), &stale); err != nil {
			t.Errorf("Delete of a gone app: %v, want ok", err)
		}
		if requests(srv, http.MethodDelete) != before+1 {
			t.Error("the second Delete sent no request: it must ask the API")
		}
	})
}

func TestImportByNameOrIDThenPlanShowsNoChange(t *testing.T) {
	inBubble(t, func(t *testing.T, srv *digitaloceantest.Server, r *Resource) {
		ctx := t.Context()
		// Created outside the resource: the state knows no secret.
		app, _, err := r.Client.Apps.Create(ctx, &digitalocean.AppCreateRequest{Spec: testSpec("k", "p")})
		if err != nil {
			t.Fatal(err)
		}
		// A cap in fake time: a deployment that never settles fails, not hangs.
		waitCtx, cancel := context.WithTimeout(ctx, time.Hour)
		defer cancel()
		if _, err := r.Client.Apps.WaitForAppDeployment(waitCtx, app, nil); err != nil {
			t.Fatal(err)
		}
		for _, ref := range []string{"shop", app.ID} {
			st, err := r.Import(ctx, ref)
			if err != nil {
				t.Fatalf("Import(%q): %v", ref, err)
			}
			if st.ID != app.ID {
				t.Errorf("Import(%q) tracks %q, want %q", ref, st.ID, app.ID)
			}
			p, err := r.Plan(ctx, st, testSpec("k", "p"))
			if err != nil {
				t.Fatal(err)
			}
			if p.Action != NoOp || len(p.Changes) != 0 {
				t.Errorf("plan after Import(%q):\n%s\nwant no-op", ref, p)
			}
			if len(p.Unknown) != 2 {
				t.Errorf("plan after Import(%q) has %d unknown secrets, want both (no hashes yet)", ref, len(p.Unknown))
			}
		}
		if _, err := r.Import(ctx, "nothing-here"); !errors.Is(err, digitalocean.ErrNotFound) {
			t.Errorf("Import of an unknown name: %v, want not found", err)
		}
	})
}

func TestAPIRejectionMapsToAnAttribute(t *testing.T) {
	inBubble(t, func(t *testing.T, srv *digitaloceantest.Server, r *Resource) {
		// A rule Validate cannot know (a newer API): the fake answers as the
		// API does.
		srv.FailNext(1, digitaloceantest.Match{Operation: "apps_create"}, digitaloceantest.Fault{
			Status: http.StatusBadRequest, ID: "invalid_argument",
			Message: `error validating app spec field "services.health_check.port": health check port "9090" not found in internal_ports`,
		})
		_, err := r.Create(t.Context(), testSpec("k", "p"))
		diags := Diagnostics(err)
		if len(diags) != 1 || diags[0].Path != "services.health_check.port" || !strings.Contains(diags[0].Summary, "internal_ports") {
			t.Errorf("diagnostics = %+v, want one at services.health_check.port", diags)
		}
	})
}
