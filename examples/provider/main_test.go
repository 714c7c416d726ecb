package main

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"testing/synctest"

	"github.com/oceankit/digitalocean"
	"github.com/oceankit/digitalocean/appspec"
	"github.com/oceankit/digitalocean/digitaloceantest"
)

// The demo go run shows, against the fake in fake time: every step
// happens and no secret is printed.
func TestDemo(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		// Phases as short as runFake's: the demo polls as often as it needs then.
		srv := digitaloceantest.New(t, digitaloceantest.WithInMemoryNetwork(), digitaloceantest.WithRealClock(),
			digitaloceantest.WithPhaseDuration(fakePhase))
		var out strings.Builder
		if err := demo(t.Context(), srv, &out); err != nil {
			t.Fatalf("demo: %v\n%s", err, out.String())
		}
		for _, want := range []string{
			"plan: create",
			"ACTIVE, 4/4 steps",
			"== plan again with the same secret plaintext: nothing to do\nplan: no-op\n",
			"~ envs[key=API_KEY].value: (sensitive value, rotated)",
			"- services[name=web].instance_count: 2",
			"error at envs[0].type:",
			"error at services.health_check.port:",
			"? envs[key=API_KEY].value: not in state",
			"gone: true",
			"delete: ok",
		} {
			if !strings.Contains(out.String(), want) {
				t.Errorf("output lacks %q:\n%s", want, out.String())
			}
		}
		if strings.Contains(out.String(), "s3cret") {
			t.Errorf("output shows a secret:\n%s", out.String())
		}
	})
}

func TestDiagnostics(t *testing.T) {
	joined := appspec.Errors{
		{Path: "envs[0].type", Msg: "bad type"},
		{Path: "services[0].instance_count", Msg: "too many"},
	}
	bad := &digitalocean.AppSpec{Name: "ok", Envs: []*digitalocean.AppVariableDefinition{{Key: "K", Type: "SECRT"}}}
	tests := []struct {
		name string
		err  error
		want []Diagnostic
	}{
		{"nil", nil, nil},
		{"Validate's problems, wrapped", fmt.Errorf("plan: %w", joined), []Diagnostic{
			{Path: "envs[0].type", Summary: "bad type"},
			{Path: "services[0].instance_count", Summary: "too many"},
		}},
		{"Validate's own answer", appspec.Validate(bad), []Diagnostic{
			{Path: "envs[0].type", Summary: `"SECRT" is not one of GENERAL, SECRET`},
		}},
		{"an API rejection naming a field", fmt.Errorf("create: %w", &digitalocean.Error{StatusCode: 400, Field: "services.name", Message: "bad name"}),
			[]Diagnostic{{Path: "services.name", Summary: "bad name"}}},
		{"an API error naming no field", &digitalocean.Error{StatusCode: 500, Message: "oops", Method: "GET", Path: "/v2/apps"},
			[]Diagnostic{{Summary: "digitalocean: GET /v2/apps: 500: oops"}}},
		{"any other error", errors.New("boom"), []Diagnostic{{Summary: "boom"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Diagnostics(tt.err)
			if fmt.Sprint(got) != fmt.Sprint(tt.want) {
				t.Errorf("Diagnostics = %+v, want %+v", got, tt.want)
			}
		})
	}
}
