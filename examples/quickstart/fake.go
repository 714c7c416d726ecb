package main

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/oceankit/digitalocean"
	"github.com/oceankit/digitalocean/digitaloceantest"
)

// phase is how long a fake deployment stays in each phase, so that a whole
// deployment takes about a second.
const phase = 300 * time.Millisecond

// runFake tours the SDK against the fake API, started in-process.
func runFake(specPath string) error {
	srv := digitaloceantest.NewServer(
		digitaloceantest.WithRealClock(), // deployments progress on their own
		digitaloceantest.WithPhaseDuration(phase),
	)
	defer srv.Close()
	// Client is digitalocean.New with the fake's URL and token; against the
	// real API it would be digitalocean.New(digitalocean.WithToken(token)).
	client := srv.Client(digitalocean.WithUserAgent("quickstart-example"))
	fmt.Printf("DIGITALOCEAN_TOKEN is not set: touring the fake API at %s\n", srv.URL())

	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	t := &fakeTour{client: client, srv: srv}
	return t.run(ctx, specPath)
}

type fakeTour struct {
	client *digitalocean.Client
	srv    *digitaloceantest.Server
	app    *digitalocean.App
}

func (t *fakeTour) run(ctx context.Context, specPath string) error {
	steps := []struct {
		title string
		do    func(context.Context) error
	}{
		{"Account", t.account},
		{"Create an app from " + specPath, func(ctx context.Context) error { return t.create(ctx, specPath) }},
		{"Wait for its first deployment", t.waitFirst},
		{"Follow its logs", t.logs},
		{"List the account's actions", t.actions},
		{"Redeploy, then roll back to the first deployment", t.rollback},
		{"Delete the app", t.delete},
	}
	for i, s := range steps {
		step(i+1, s.title)
		if err := s.do(ctx); err != nil {
			return fmt.Errorf("%s: %w", s.title, err)
		}
	}
	return nil
}

func (t *fakeTour) account(ctx context.Context) error {
	acct, resp, err := t.client.Account.Get(ctx)
	if err != nil {
		return err
	}
	fmt.Printf("   %s <%s>, status %s, team %q\n", acct.Name, acct.Email, acct.Status, acct.Team.Name)
	fmt.Printf("   rate limit: %d of %d requests left (request %s)\n", resp.Rate.Remaining, resp.Rate.Limit, resp.RequestID)
	return nil
}

func (t *fakeTour) create(ctx context.Context, specPath string) error {
	spec, err := loadSpec(specPath)
	if err != nil {
		return err
	}
	fmt.Printf("   spec %q: %s\n", spec.Name, components(spec))

	// Propose checks a spec without creating anything.
	proposal, _, err := t.client.Apps.Propose(ctx, &digitalocean.AppProposeRequest{Spec: spec})
	if err != nil {
		return fmt.Errorf("propose: %w", err)
	}
	fmt.Printf("   proposed: name available %t, $%.2f/month\n", proposal.AppNameAvailable, proposal.AppCost)

	app, _, err := t.client.Apps.Create(ctx, &digitalocean.AppCreateRequest{Spec: spec})
	if err != nil {
		return err
	}
	t.app = app
	fmt.Printf("   created app %s; deployment %s is %s\n", app.ID, app.PendingDeployment.ID, app.PendingDeployment.Phase)
	return nil
}

func (t *fakeTour) waitFirst(ctx context.Context) error {
	// Create returned the app with its pending deployment: wait for that one.
	d, err := t.client.Apps.WaitForAppDeployment(ctx, t.app, progress(100*time.Millisecond, 250*time.Millisecond))
	if err != nil {
		var failed *digitalocean.DeploymentFailedError
		if errors.As(err, &failed) && failed.Step != nil {
			fmt.Printf("   step %q failed: %s\n", failed.Step.Name, failed.ReasonMessage)
		}
		return err
	}
	done := 0
	if d.Progress != nil {
		done = int(d.Progress.SuccessSteps)
	}
	fmt.Printf("   deployment %s is %s (%d steps succeeded)\n", d.ID, d.Phase, done)

	app, _, err := t.client.Apps.Get(ctx, t.app.ID)
	if err != nil {
		return err
	}
	t.app = app
	fmt.Printf("   live at %s\n", app.LiveURL)
	return nil
}

func (t *fakeTour) logs(ctx context.Context) error {
	logs, _, err := t.client.Apps.GetLogs(ctx, t.app.ID, &digitalocean.LogsOptions{
		Type:   digitalocean.AppLogTypeRun,
		Follow: true,
	})
	if err != nil {
		return err
	}

	// Simulate some traffic on the fake while we follow the live log.
	go func() {
		for _, path := range []string{"/api/products", "/api/cart", "/api/checkout"} {
			time.Sleep(50 * time.Millisecond)
			_ = t.srv.EmitLogs(t.app.ID, "api", "GET "+path+" 200")
		}
	}()

	// A live log never ends by itself: stop after a few lines or a timeout.
	ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	const wanted = 5
	n := 0
	for line, err := range t.client.Apps.StreamLogs(ctx, logs.LiveURL) {
		if errors.Is(err, context.DeadlineExceeded) {
			fmt.Println("   (no more lines within 3s)")
			break
		}
		if err != nil {
			return err
		}
		fmt.Printf("   [%s] %s\n", line.Component, line.Message)
		if n++; n == wanted {
			break
		}
	}
	return nil
}

func (t *fakeTour) actions(ctx context.Context) error {
	// All fetches pages as the loop needs them.
	for action, err := range t.client.Actions.All(ctx, nil) {
		if err != nil {
			return err
		}
		fmt.Printf("   action %d: %-11s %-11s on %s %d\n", action.ID, action.Type, action.Status, action.ResourceType, action.ResourceID)
	}
	return nil
}

func (t *fakeTour) rollback(ctx context.Context) error {
	first := t.app.ActiveDeployment.ID
	wait := progress(50*time.Millisecond, 250*time.Millisecond)

	second, _, err := t.client.Apps.CreateDeployment(ctx, t.app.ID, &digitalocean.DeploymentCreateRequest{ForceBuild: true})
	if err != nil {
		return err
	}
	fmt.Printf("   redeploying as %s\n", second.ID)
	if _, err := t.client.Apps.WaitForDeployment(ctx, t.app.ID, second.ID, wait); err != nil {
		return err
	}

	target := &digitalocean.AppRollbackRequest{DeploymentID: first}
	check, _, err := t.client.Apps.ValidateRollback(ctx, t.app.ID, target)
	if err != nil {
		return err
	}
	if !check.Valid {
		return fmt.Errorf("cannot roll back to %s: %s", first, check.Error.Message)
	}
	for _, w := range check.Warnings {
		fmt.Printf("   warning: %s\n", w.Message)
	}

	rollback, _, err := t.client.Apps.CreateRollback(ctx, t.app.ID, target)
	if err != nil {
		return err
	}
	fmt.Printf("   rolling back to %s as %s\n", first, rollback.ID)
	wait = progress(50*time.Millisecond, 250*time.Millisecond)
	if _, err := t.client.Apps.WaitForDeployment(ctx, t.app.ID, rollback.ID, wait); err != nil {
		return err
	}

	// The app stays pinned to the rollback until it is committed or reverted.
	app, _, err := t.client.Apps.Get(ctx, t.app.ID)
	if err != nil {
		return err
	}
	if app.PinnedDeployment != nil {
		fmt.Printf("   app is pinned to %s; committing the rollback\n", app.PinnedDeployment.ID)
	}
	if _, err := t.client.Apps.CommitRollback(ctx, t.app.ID); err != nil {
		return err
	}

	n := 0
	for d, err := range t.client.Apps.AllDeployments(ctx, t.app.ID, nil) {
		if err != nil {
			return err
		}
		n++
		fmt.Printf("   deployment %s  %-10s %s\n", d.ID, d.Phase, d.Cause)
	}
	fmt.Printf("   %d deployments in all\n", n)
	return nil
}

func (t *fakeTour) delete(ctx context.Context) error {
	if _, err := t.client.Apps.Delete(ctx, t.app.ID); err != nil {
		return err
	}
	_, _, err := t.client.Apps.Get(ctx, t.app.ID)
	var apiErr *digitalocean.Error
	switch {
	case errors.Is(err, digitalocean.ErrNotFound) && errors.As(err, &apiErr):
		fmt.Printf("   deleted; a Get now fails with %d %s (request %s)\n", apiErr.StatusCode, apiErr.ID, apiErr.RequestID)
		return nil
	case err != nil:
		return err
	}
	return fmt.Errorf("app %s still exists after Delete", t.app.ID)
}
