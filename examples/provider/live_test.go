package main

import (
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/oceankit/digitalocean"
	"github.com/oceankit/digitalocean/appspec"
	"github.com/oceankit/digitalocean/digitaloceantest"
)

// writeSpec writes spec as a YAML file and returns its path.
func writeSpec(t *testing.T, spec *digitalocean.AppSpec) string {
	t.Helper()
	b, err := appspec.Marshal(spec)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "app.yaml")
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// The live path, against the fake: without -apply it only reads; with
// -apply it updates and keeps a state file that makes the next plan clean.
func TestLiveRunOnlyReadsWithoutApply(t *testing.T) {
	inBubble(t, func(t *testing.T, srv *digitaloceantest.Server, r *Resource) {
		mustCreate(t, r, testSpec("k", "p"))
		desired := testSpec("k", "p")
		desired.Services[0].InstanceCount = 2
		l := live{specPath: writeSpec(t, desired), statePath: filepath.Join(t.TempDir(), "state.json")}
		before := len(srv.Requests())

		var out strings.Builder
		if err := l.run(t.Context(), r.Client, &out); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(out.String(), "plan: update\n  + services[name=web].instance_count: 2\n") {
			t.Errorf("output:\n%s\nwant the planned instance_count change", out.String())
		}
		for _, req := range srv.Requests()[before:] {
			if req.Method != http.MethodGet {
				t.Errorf("sent %s %s without -apply", req.Method, req.Path)
			}
		}
		if _, err := os.Stat(l.statePath); !os.IsNotExist(err) {
			t.Errorf("a plan wrote the state file (%v)", err)
		}

		l.apply = true
		out.Reset()
		if err := l.run(t.Context(), r.Client, &out); err != nil {
			t.Fatal(err)
		}
		if requests(srv, http.MethodPut) != 1 {
			t.Errorf("-apply sent %d updates, want 1", requests(srv, http.MethodPut))
		}
		key, err := os.ReadFile(l.statePath + ".key")
		if err != nil {
			t.Fatalf("the apply kept no key beside the state: %v", err)
		}
		state, err := os.ReadFile(l.statePath)
		if err != nil {
			t.Fatal(err)
		}
		if k := strings.TrimSpace(string(key)); len(k) != 64 || strings.Contains(string(state), k) {
			t.Errorf("key %q: want 32 hex bytes, kept out of the state", k)
		}
		if !strings.Contains(string(state), `"secret_fingerprints"`) || strings.Contains(string(state), `"p"`) {
			t.Errorf("state:\n%s\nwant fingerprints and no plaintext", state)
		}
		out.Reset()
		if err := l.run(t.Context(), r.Client, &out); err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(out.String(), "plan: no-op\n") || strings.Contains(out.String(), "?") {
			t.Errorf("plan from the saved state:\n%s\nwant no-op, the secrets known", out.String())
		}
	})
}
