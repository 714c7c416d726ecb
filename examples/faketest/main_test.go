package main

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/oceankit/digitalocean"
	"github.com/oceankit/digitalocean/digitaloceantest"
)

// TestDeployApp runs deployApp against the fake API, one fresh fake per
// case. Inside a synctest bubble over the fake's in-memory network, time
// is fake: the waits of deployApp, the fake's deployment phases and the
// SDK's retries all pass instantly, so the test never sleeps.
func TestDeployApp(t *testing.T) {
	tests := []struct {
		name string
		// setup prepares the fake; it may create apps or inject faults.
		setup   func(t *testing.T, srv *digitaloceantest.Server, client *digitalocean.Client)
		spec    *digitalocean.AppSpec
		timeout time.Duration
		// wantErr, if set, is checked with errors.Is; else deployApp must
		// succeed.
		wantErr error
		// wantCall is a request deployApp must have made, such as "POST /v2/apps".
		wantCall string
		// check looks at the error or the state afterwards.
		check func(t *testing.T, srv *digitaloceantest.Server, err error)
	}{
		{
			name:     "creates a new app",
			spec:     helloSpec(),
			wantCall: "POST /v2/apps",
		},
		{
			name: "updates an app of the same name",
			setup: func(t *testing.T, srv *digitaloceantest.Server, client *digitalocean.Client) {
				createActive(t, srv, client, helloSpec())
			},
			spec:     helloSpec(),
			wantCall: "PUT /v2/apps/*",
		},
		{
			name: "reports the failing step of a failed deployment",
			setup: func(t *testing.T, srv *digitaloceantest.Server, client *digitalocean.Client) {
				app := createActive(t, srv, client, helloSpec())
				if err := srv.FailNextDeployment(app.ID); err != nil {
					t.Fatal(err)
				}
			},
			spec: helloSpec(),
			check: func(t *testing.T, _ *digitaloceantest.Server, err error) {
				var failed *digitalocean.DeploymentFailedError
				if !errors.As(err, &failed) {
					t.Fatalf("error = %v, want a *DeploymentFailedError", err)
				}
				if failed.Phase != digitalocean.DeploymentPhaseError || failed.Step == nil {
					t.Errorf("phase %s, step %v: want ERROR and the failing step", failed.Phase, failed.Step)
				}
			},
		},
		{
			name: "passes on the API's rejection of a bad spec",
			spec: &digitalocean.AppSpec{Name: "Hello World", Services: helloSpec().Services},
			check: func(t *testing.T, _ *digitaloceantest.Server, err error) {
				var apiErr *digitalocean.Error
				if !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusBadRequest ||
					!strings.HasPrefix(apiErr.Message, `error validating app spec field "name": `) {
					t.Errorf("error = %v, want the API's 400 naming the field \"name\"", err)
				}
			},
		},
		{
			name: "retries the lookup through a short outage",
			setup: func(t *testing.T, srv *digitaloceantest.Server, _ *digitalocean.Client) {
				srv.FailNext(2, digitaloceantest.Match{Method: http.MethodGet, Path: "/v2/apps/"}, digitaloceantest.Fault{Status: http.StatusServiceUnavailable})
			},
			spec:     helloSpec(),
			wantCall: "POST /v2/apps",
			check: func(t *testing.T, srv *digitaloceantest.Server, err error) {
				if err != nil {
					t.Fatalf("unexpected error: %v", err)
				}
				if n := countCalls(srv, "GET /v2/apps/"); n != 3 {
					t.Errorf("sent the lookup %d times, want 3 (two 503s, then the answer)", n)
				}
			},
		},
		{
			name: "recovers a create that was applied without re-sending it",
			setup: func(t *testing.T, srv *digitaloceantest.Server, _ *digitalocean.Client) {
				srv.FailNext(1, digitaloceantest.Match{Operation: "apps_create"}, digitaloceantest.Fault{Status: http.StatusBadGateway, Applied: true})
			},
			spec: helloSpec(),
			check: func(t *testing.T, srv *digitaloceantest.Server, err error) {
				if err != nil {
					t.Fatalf("unexpected error: %v", err)
				}
				if n := countCalls(srv, "POST /v2/apps"); n != 1 {
					t.Errorf("sent POST /v2/apps %d times, want once", n)
				}
			},
		},
		{
			name:    "gives up at the deadline",
			spec:    helloSpec(),
			timeout: time.Minute, // a deployment takes 3 phases of 30s
			wantErr: context.DeadlineExceeded,
		},
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				srv := digitaloceantest.New(t,
					digitaloceantest.WithInMemoryNetwork(),
					digitaloceantest.WithRealClock(), // the bubble's fake clock
				)
				client := srv.Client()
				if tt.setup != nil {
					tt.setup(t, srv, client)
				}
				// Every case has a deadline in fake time, so that a waiter
				// that never stops fails instead of hanging.
				timeout := tt.timeout
				if timeout == 0 {
					timeout = time.Hour
				}
				ctx, cancel := context.WithTimeout(t.Context(), timeout)
				defer cancel()

				url, err := deployApp(ctx, client, tt.spec)

				switch {
				case tt.wantErr != nil && !errors.Is(err, tt.wantErr):
					t.Errorf("error = %v, want %v", err, tt.wantErr)
				case tt.wantErr == nil && tt.check == nil && err != nil:
					t.Fatalf("unexpected error: %v", err)
				case err == nil && !strings.HasPrefix(url, "https://"+tt.spec.Name+"-"):
					t.Errorf("live URL = %q, want the app's ondigitalocean.app URL", url)
				}
				if tt.wantCall != "" && countCalls(srv, tt.wantCall) == 0 {
					t.Errorf("deployApp never sent %s", tt.wantCall)
				}
				if tt.check != nil {
					tt.check(t, srv, err)
				}
			})
		})
	}
}

// createActive creates an app and lets its first deployment finish.
func createActive(t *testing.T, srv *digitaloceantest.Server, client *digitalocean.Client, spec *digitalocean.AppSpec) *digitalocean.App {
	t.Helper()
	app, _, err := client.Apps.Create(t.Context(), &digitalocean.AppCreateRequest{Spec: spec})
	if err != nil {
		t.Fatal(err)
	}
	srv.Advance(3 * digitaloceantest.DefaultPhaseDuration)
	return app
}

// countCalls counts the requests matching "METHOD path", where a "*" in
// the path stands for one segment.
func countCalls(srv *digitaloceantest.Server, call string) int {
	method, pattern, _ := strings.Cut(call, " ")
	n := 0
	for _, r := range srv.Requests() {
		if r.Method == method && pathMatches(pattern, r.Path) {
			n++
		}
	}
	return n
}

func pathMatches(pattern, path string) bool {
	want, got := strings.Split(pattern, "/"), strings.Split(path, "/")
	if len(want) != len(got) {
		return false
	}
	for i := range want {
		if want[i] != "*" && want[i] != got[i] {
			return false
		}
	}
	return true
}
