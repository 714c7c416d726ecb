package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/oceankit/digitalocean"
	"github.com/oceankit/digitalocean/appspec"
	"github.com/oceankit/digitalocean/digitaloceantest"
)

// fakePhase is how long a fake deployment stays in each phase.
const fakePhase = 50 * time.Millisecond

// runFake runs the demo against a fake API started in-process, with
// deployments that take a fraction of a second.
func runFake(out io.Writer) error {
	srv := digitaloceantest.NewServer(
		digitaloceantest.WithRealClock(),
		digitaloceantest.WithPhaseDuration(fakePhase),
	)
	defer srv.Close()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	return demo(ctx, srv, out)
}

// demoSpec is the desired app: a service with a legacy route and a secret.
func demoSpec(apiKey string) *digitalocean.AppSpec {
	return &digitalocean.AppSpec{
		Name: "shop",
		Envs: []*digitalocean.AppVariableDefinition{
			{Key: "API_KEY", Value: apiKey, Type: digitalocean.AppVariableTypeSecret},
		},
		Services: []*digitalocean.AppServiceSpec{{
			Name:   "web",
			Image:  &digitalocean.AppImageSourceSpec{RegistryType: digitalocean.AppImageSourceSpecRegistryTypeDockerHub, Registry: "library", Repository: "nginx", Tag: "alpine"},
			Routes: []*digitalocean.AppRouteSpec{{Path: "/"}},
			Envs:   []*digitalocean.AppVariableDefinition{{Key: "MODE", Value: "demo"}},
		}},
	}
}

// demo walks the resource through its life, printing each plan.
func demo(ctx context.Context, srv *digitaloceantest.Server, out io.Writer) error {
	client := srv.Client()
	// The provider's key: a real provider keeps it in its configuration or
	// a key file, never in the state.
	secrets, err := appspec.NewSecretHasher(appspec.NewSecretKey())
	if err != nil {
		return err
	}
	r := &Resource{
		Client:  client,
		Secrets: secrets,
		Wait:    digitalocean.WaitOptions{MinInterval: 20 * time.Millisecond, MaxInterval: 100 * time.Millisecond},
		Logf:    func(f string, a ...any) { fmt.Fprintf(out, "    "+f+"\n", a...) },
	}
	st := &State{}
	say := func(title string) { fmt.Fprintf(out, "\n== %s\n", title) }
	apply := func(desired *digitalocean.AppSpec) error {
		p, err := r.Plan(ctx, st, desired)
		if err != nil {
			return err
		}
		fmt.Fprintln(out, p)
		return r.Apply(ctx, st, desired, p)
	}
	plan := func(desired *digitalocean.AppSpec) error {
		p, err := r.Plan(ctx, st, desired)
		if err == nil {
			fmt.Fprintln(out, p)
		}
		return err
	}

	say("apply: create the app and wait for its deployment")
	if err := apply(demoSpec("s3cret")); err != nil {
		return err
	}
	fmt.Fprintf(out, "state: app %s, %d secret fingerprint(s), no plaintext\n", st.ID, len(st.Fingerprints))

	say("plan again with the same secret plaintext: nothing to do")
	if err := plan(demoSpec("s3cret")); err != nil {
		return err
	}

	say("rotate the secret: an update")
	if err := apply(demoSpec("n3w-s3cret")); err != nil {
		return err
	}

	say("an out-of-band change through the API shows as drift")
	changed := st.Spec.Clone()
	changed.Services[0].InstanceCount = 2
	if _, _, err := client.Apps.Update(ctx, st.ID, &digitalocean.AppUpdateRequest{Spec: changed}); err != nil {
		return err
	}
	if err := apply(demoSpec("n3w-s3cret")); err != nil {
		return err
	}

	say("a bad spec fails at plan, with its path, before any request")
	bad := demoSpec("n3w-s3cret")
	bad.Envs[0].Type = "SECERT"
	if err := expectError(out, plan(bad)); err != nil {
		return err
	}

	say("an API rejection maps to an attribute")
	srv.FailNext(1, digitaloceantest.Match{Operation: "apps_update"}, digitaloceantest.Fault{
		Status: http.StatusBadRequest, ID: "invalid_argument",
		Message: `error validating app spec field "services.health_check.port": health check port "9090" not found in internal_ports`,
	})
	other := demoSpec("n3w-s3cret")
	other.Services[0].HTTPPort = 9090
	if err := expectError(out, apply(other)); err != nil {
		return err
	}

	say("import by name, then plan: nothing to do; the secret is unknown to the new state")
	imported, err := r.Import(ctx, "shop")
	if err != nil {
		return err
	}
	*st = *imported
	if err := plan(demoSpec("n3w-s3cret")); err != nil {
		return err
	}

	say("deleted out of band: read reports it gone, delete is still fine")
	if _, err := client.Apps.Delete(ctx, st.ID); err != nil {
		return err
	}
	id := st.ID
	if err := r.Read(ctx, st); err != nil {
		return err
	}
	fmt.Fprintf(out, "read: app %s gone: %t\n", id, !st.Exists())
	st.ID = id
	if err := r.Delete(ctx, st); err != nil {
		return err
	}
	fmt.Fprintln(out, "delete: ok")
	return nil
}

// expectError prints the diagnostics of an error the demo provokes, and
// fails when there is none.
func expectError(out io.Writer, err error) error {
	if err == nil {
		return errors.New("the step was expected to fail")
	}
	for _, d := range Diagnostics(err) {
		fmt.Fprintf(out, "error at %s: %s\n", d.Path, d.Summary)
	}
	return nil
}
