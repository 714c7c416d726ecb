package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"strconv"
	"time"

	"github.com/oceankit/digitalocean"
)

// runLive makes read-only calls against the real API and, with write,
// deploys a small app and deletes it again.
func runLive(token, specPath string, write bool) error {
	client, err := digitalocean.New(
		digitalocean.WithToken(token),
		digitalocean.WithUserAgent("quickstart-example"),
	)
	if err != nil {
		return err
	}
	fmt.Println("DIGITALOCEAN_TOKEN is set: using the real API (read-only unless -write)")

	// Ctrl-C cancels the context: waits stop and the cleanup still runs.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()

	readCtx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	if err := readOnlyTour(readCtx, client); err != nil {
		if errors.Is(err, digitalocean.ErrUnauthorized) {
			return fmt.Errorf("the API refused DIGITALOCEAN_TOKEN (expired or revoked?): %w", err)
		}
		return err
	}
	if !write {
		fmt.Println("\n(run with -write to also create, wait for and delete a small app)")
		return nil
	}
	return deployTinyApp(ctx, client, specPath)
}

func readOnlyTour(ctx context.Context, client *digitalocean.Client) error {
	step(1, "Account")
	acct, resp, err := client.Account.Get(ctx)
	if err != nil {
		return fmt.Errorf("get account: %w", err)
	}
	fmt.Printf("   %s, status %s, Droplet limit %d\n", acct.Email, acct.Status, acct.DropletLimit)
	if acct.Team != nil {
		fmt.Printf("   team %q\n", acct.Team.Name)
	}
	fmt.Printf("   rate limit: %d of %d requests left this hour\n", resp.Rate.Remaining, resp.Rate.Limit)

	step(2, "Apps (first page)")
	apps, resp, err := client.Apps.List(ctx, &digitalocean.AppListOptions{ListOptions: digitalocean.ListOptions{PerPage: 10}})
	if err != nil {
		return fmt.Errorf("list apps: %w", err)
	}
	for _, app := range apps {
		phase := "no active deployment"
		if app.ActiveDeployment != nil {
			phase = "active deployment " + string(app.ActiveDeployment.Phase)
		}
		fmt.Printf("   %s  %-24s %s\n", app.ID, app.Spec.Name, phase)
	}
	fmt.Printf("   %d of %d apps shown\n", len(apps), resp.Meta.Total)

	step(3, "Actions (first page)")
	actions, resp, err := client.Actions.List(ctx, &digitalocean.ListOptions{PerPage: 5})
	if err != nil {
		return fmt.Errorf("list actions: %w", err)
	}
	for _, a := range actions {
		fmt.Printf("   action %d: %s %s on %s %d\n", a.ID, a.Type, a.Status, a.ResourceType, a.ResourceID)
	}
	last, _ := resp.LastPage()
	fmt.Printf("   %d actions in all, on %d page(s) of 5\n", resp.Meta.Total, max(last, 1))

	step(4, "App Platform regions")
	regions, _, err := client.Apps.ListRegions(ctx)
	if err != nil {
		return fmt.Errorf("list regions: %w", err)
	}
	for _, r := range regions {
		note := ""
		if r.Default {
			note = " (default)"
		}
		if r.Disabled {
			note += " disabled: " + r.Reason
		}
		fmt.Printf("   %-4s %s, %s%s\n", r.Slug, r.Label, r.Continent, note)
	}

	step(5, "Instance sizes")
	sizes, _, err := client.Apps.ListInstanceSizes(ctx)
	if err != nil {
		return fmt.Errorf("list instance sizes: %w", err)
	}
	for _, s := range sizes.InstanceSizes {
		fmt.Printf("   %-22s %s vCPU, %s MiB, $%s/month\n", s.Slug, s.CPUs, mebibytes(s.MemoryBytes), s.USDPerMonth)
	}
	return nil
}

// deployTinyApp deploys app.yaml's first service alone, on one small
// instance, waits for it and deletes it, also when the wait fails.
func deployTinyApp(ctx context.Context, client *digitalocean.Client, specPath string) error {
	step(6, "Deploy a one-instance app, then delete it")
	full, err := loadSpec(specPath)
	if err != nil {
		return err
	}
	spec, err := tinySpec(full)
	if err != nil {
		return err
	}
	createCtx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	app, _, err := client.Apps.Create(createCtx, &digitalocean.AppCreateRequest{Spec: spec})
	if err != nil {
		var apiErr *digitalocean.Error
		if errors.As(err, &apiErr) && apiErr.OutcomeUnknown {
			return fmt.Errorf("create app %q: %w\n(check the control panel: the app may exist)", spec.Name, err)
		}
		return fmt.Errorf("create app %q: %w", spec.Name, err)
	}
	fmt.Printf("   created app %s (%s)\n", app.ID, spec.Name)
	defer func() {
		// Delete even after Ctrl-C or a failed deployment, with a context
		// of its own.
		delCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Minute)
		defer cancel()
		if _, err := client.Apps.Delete(delCtx, app.ID); err != nil {
			fmt.Fprintf(os.Stderr, "quickstart: delete app %s: %v (delete it in the control panel)\n", app.ID, err)
			return
		}
		fmt.Printf("   deleted app %s\n", app.ID)
	}()

	// A first build from source takes a few minutes.
	waitCtx, cancel := context.WithTimeout(ctx, 15*time.Minute)
	defer cancel()
	d, err := client.Apps.WaitForAppDeployment(waitCtx, app, progress(5*time.Second, 20*time.Second))
	if err != nil {
		return fmt.Errorf("wait for deployment: %w", err)
	}
	fmt.Printf("   deployment %s is %s\n", d.ID, d.Phase)
	if live, _, err := client.Apps.Get(ctx, app.ID); err == nil && live.LiveURL != "" {
		fmt.Printf("   it served at %s\n", live.LiveURL)
	}
	return nil
}

// tinySpec keeps the first service of spec, on one of the smallest shared
// instances, under a name of its own.
func tinySpec(spec *digitalocean.AppSpec) (*digitalocean.AppSpec, error) {
	if len(spec.Services) == 0 {
		return nil, errors.New("the app spec has no service to deploy")
	}
	svc := *spec.Services[0]
	svc.Autoscaling = nil
	svc.InstanceCount = 1
	svc.InstanceSizeSlug = "apps-s-1vcpu-0.5gb"
	svc.Alerts = nil
	return &digitalocean.AppSpec{
		Name:     "quickstart-" + strconv.FormatInt(time.Now().Unix()%1e6, 10),
		Region:   spec.Region,
		Envs:     spec.Envs,
		Services: []*digitalocean.AppServiceSpec{&svc},
	}, nil
}

// mebibytes converts the API's memory_bytes string for display.
func mebibytes(bytes string) string {
	n, err := strconv.ParseInt(bytes, 10, 64)
	if err != nil {
		return bytes
	}
	return strconv.FormatInt(n>>20, 10)
}
