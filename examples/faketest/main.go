// Command faketest deploys an app: it creates the app, or updates it when
// one of that name exists, and waits until the deployment is live. Its
// real subject is main_test.go, which tests deployApp against the fake API
// with a table of cases, in fake time:
//
//	go test ./examples/faketest
//
// Without DIGITALOCEAN_TOKEN, go run deploys to the fake API. With a token
// it deploys -spec to your account (billed); without -spec it does nothing.
//
//	go run ./examples/faketest
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"time"

	"github.com/oceankit/digitalocean"
	"github.com/oceankit/digitalocean/appspec"
	"github.com/oceankit/digitalocean/digitaloceantest"
)

// deployApp creates or updates the app named by spec and waits until the
// deployment that started is ACTIVE. It returns the app's live URL.
func deployApp(ctx context.Context, client *digitalocean.Client, spec *digitalocean.AppSpec) (string, error) {
	app, _, err := client.Apps.GetByName(ctx, spec.Name)
	switch {
	case errors.Is(err, digitalocean.ErrNotFound):
		app, _, err = client.Apps.Create(ctx, &digitalocean.AppCreateRequest{Spec: spec})
	case err == nil:
		app, _, err = client.Apps.Update(ctx, app.ID, &digitalocean.AppUpdateRequest{Spec: spec})
	}
	if err != nil {
		return "", fmt.Errorf("deploy %s: %w", spec.Name, err)
	}
	if _, err := client.Apps.WaitForAppDeployment(ctx, app, nil); err != nil {
		return "", fmt.Errorf("deploy %s: %w", spec.Name, err)
	}
	app, _, err = client.Apps.Get(ctx, app.ID)
	if err != nil {
		return "", fmt.Errorf("deploy %s: %w", spec.Name, err)
	}
	return app.LiveURL, nil
}

// helloSpec is the app deployed when no spec file is given.
func helloSpec() *digitalocean.AppSpec {
	return &digitalocean.AppSpec{
		Name: "hello",
		Services: []*digitalocean.AppServiceSpec{{
			Name:             "web",
			Image:            &digitalocean.AppImageSourceSpec{RegistryType: digitalocean.AppImageSourceSpecRegistryTypeDockerHub, Registry: "library", Repository: "nginx", Tag: "alpine"},
			HTTPPort:         80,
			InstanceCount:    1,
			InstanceSizeSlug: "apps-s-1vcpu-0.5gb",
		}},
	}
}

func main() {
	specPath := flag.String("spec", "", "app spec file to deploy (required with DIGITALOCEAN_TOKEN)")
	flag.Parse()
	if err := run(*specPath); err != nil {
		fmt.Fprintln(os.Stderr, "faketest:", err)
		os.Exit(1)
	}
}

func run(specPath string) error {
	spec := helloSpec()
	if specPath != "" {
		s, err := appspec.Load(specPath)
		if err != nil {
			return err
		}
		spec = s
	}

	var client *digitalocean.Client
	timeout := 15 * time.Minute
	if token := os.Getenv("DIGITALOCEAN_TOKEN"); token != "" {
		if specPath == "" {
			fmt.Println("DIGITALOCEAN_TOKEN is set: pass -spec app.yaml to deploy it to your account")
			return nil
		}
		c, err := digitalocean.New(digitalocean.WithToken(token))
		if err != nil {
			return err
		}
		client = c
	} else {
		srv := digitaloceantest.NewServer(digitaloceantest.WithRealClock(), digitaloceantest.WithPhaseDuration(200*time.Millisecond))
		defer srv.Close()
		client = srv.Client()
		timeout = 30 * time.Second
		fmt.Println("DIGITALOCEAN_TOKEN is not set: deploying to the fake API")
	}

	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	start := time.Now()
	url, err := deployApp(ctx, client, spec)
	if err != nil {
		return err
	}
	fmt.Printf("%s is live at %s (deployed in %s)\n", spec.Name, url, time.Since(start).Round(100*time.Millisecond))
	return nil
}
