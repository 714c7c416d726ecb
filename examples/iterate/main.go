// Command iterate shows the ways to walk the API's lists: iterators over
// every item, filters, early breaks, one page at a time with the page data
// of *Response, and prefetching pages in parallel.
//
// Without DIGITALOCEAN_TOKEN it runs against the fake API, filled with a
// few apps, deployments and actions first; with a token it only reads.
//
//	go run ./examples/iterate
package main

import (
	"context"
	"fmt"
	"iter"
	"os"
	"strings"
	"time"

	"github.com/oceankit/digitalocean"
	"github.com/oceankit/digitalocean/digitaloceantest"
)

func main() {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if err := run(ctx); err != nil {
		fmt.Fprintln(os.Stderr, "iterate:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context) error {
	var client *digitalocean.Client
	if token := os.Getenv("DIGITALOCEAN_TOKEN"); token != "" {
		c, err := digitalocean.New(digitalocean.WithToken(token))
		if err != nil {
			return err
		}
		client = c
		fmt.Println("using the real API, read-only")
	} else {
		srv := digitaloceantest.NewServer()
		defer srv.Close()
		client = srv.Client()
		fmt.Println("DIGITALOCEAN_TOKEN is not set: using the fake API")
		if err := seed(ctx, srv, client); err != nil {
			return fmt.Errorf("fill the fake: %w", err)
		}
	}

	for _, f := range []func(context.Context, *digitalocean.Client) error{
		everyApp, filteredApps, pageByPage, deploymentsByType, firstFailedAction, prefetched,
	} {
		if err := f(ctx, client); err != nil {
			return err
		}
	}
	return nil
}

// everyApp ranges over all apps: the iterator fetches pages of 200 as the
// loop needs them; an error ends the sequence.
func everyApp(ctx context.Context, client *digitalocean.Client) error {
	fmt.Println("\nEvery app:")
	n := 0
	for app, err := range client.Apps.All(ctx, nil) {
		if err != nil {
			return fmt.Errorf("list apps: %w", err)
		}
		n++
		if n <= 3 {
			fmt.Printf("  %s  %s\n", app.ID, app.Spec.Name)
		}
	}
	fmt.Printf("  … %d apps in all\n", n)
	return nil
}

// filteredApps composes the iterator with a filter of our own; small pages
// make the iterator walk several of them.
func filteredApps(ctx context.Context, client *digitalocean.Client) error {
	fmt.Println("\nApps whose name starts with \"shop-\" (pages of 5):")
	opts := &digitalocean.AppListOptions{ListOptions: digitalocean.ListOptions{PerPage: 5}}
	isShop := func(a digitalocean.App) bool { return a.Spec != nil && strings.HasPrefix(a.Spec.Name, "shop-") }
	for app, err := range where(client.Apps.All(ctx, opts), isShop) {
		if err != nil {
			return fmt.Errorf("list apps: %w", err)
		}
		fmt.Printf("  %s\n", app.Spec.Name)
	}
	return nil
}

// where keeps the items of seq that keep reports true for; errors pass
// through.
func where[T any](seq iter.Seq2[T, error], keep func(T) bool) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		for item, err := range seq {
			if err != nil || keep(item) {
				if !yield(item, err) {
					return
				}
			}
		}
	}
}

// pageByPage uses List and the page data of *Response: Meta.Total, the
// links and NextPage.
func pageByPage(ctx context.Context, client *digitalocean.Client) error {
	fmt.Println("\nApps page by page (pages of 4):")
	opts := &digitalocean.AppListOptions{ListOptions: digitalocean.ListOptions{Page: 1, PerPage: 4}}
	for {
		apps, resp, err := client.Apps.List(ctx, opts)
		if err != nil {
			return fmt.Errorf("list apps page %d: %w", opts.Page, err)
		}
		last, known := resp.LastPage()
		if !known {
			last = opts.Page // the last page does not link to itself
		}
		fmt.Printf("  page %d of %d: %d apps (of %d), request %s\n", opts.Page, last, len(apps), resp.Meta.Total, resp.RequestID)
		next, ok := resp.NextPage()
		if !ok {
			return nil
		}
		opts.Page = next
	}
}

// deploymentsByType lists only some kinds of deployment: the filter runs on
// the server.
func deploymentsByType(ctx context.Context, client *digitalocean.Client) error {
	fmt.Println("\nRollback deployments of each app:")
	onlyRollbacks := &digitalocean.DeploymentListOptions{
		DeploymentTypes: []digitalocean.DeploymentType{digitalocean.DeploymentTypeManualRollback},
	}
	for app, err := range client.Apps.All(ctx, nil) {
		if err != nil {
			return fmt.Errorf("list apps: %w", err)
		}
		for d, err := range client.Apps.AllDeployments(ctx, app.ID, onlyRollbacks) {
			if err != nil {
				return fmt.Errorf("list deployments of %s: %w", app.Spec.Name, err)
			}
			fmt.Printf("  %-8s %s  %s (%s)\n", app.Spec.Name, d.ID, d.Cause, d.Phase)
		}
	}
	return nil
}

// firstFailedAction breaks out of the loop at the first match: the
// iterator then fetches no further page.
func firstFailedAction(ctx context.Context, client *digitalocean.Client) error {
	fmt.Println("\nMost recent errored action:")
	seen := 0
	for action, err := range client.Actions.All(ctx, &digitalocean.ListOptions{PerPage: 10}) {
		if err != nil {
			return fmt.Errorf("list actions: %w", err)
		}
		seen++
		if action.Status == digitalocean.ActionStatusErrored {
			fmt.Printf("  action %d (%s on %s %d), found after %d actions\n", action.ID, action.Type, action.ResourceType, action.ResourceID, seen)
			return nil
		}
	}
	fmt.Printf("  none among %d actions\n", seen)
	return nil
}

// prefetched fetches up to 4 pages ahead in parallel once the first page
// has told the list's length; items still arrive in order.
func prefetched(ctx context.Context, client *digitalocean.Client) error {
	fmt.Println("\nEvery action, pages of 10 prefetched 4 at a time:")
	start := time.Now()
	n, prev := 0, 0
	for action, err := range client.Actions.All(ctx, &digitalocean.ListOptions{PerPage: 10, Prefetch: 4}) {
		if err != nil {
			return fmt.Errorf("list actions: %w", err)
		}
		if prev != 0 && action.ID > prev {
			return fmt.Errorf("actions out of order: %d after %d", action.ID, prev)
		}
		prev = action.ID
		n++
	}
	fmt.Printf("  %d actions, newest first, in %s\n", n, time.Since(start).Round(time.Millisecond))
	return nil
}

// seed fills the fake with twelve apps (two of them rolled back) and some
// forty actions, a few of them errored.
func seed(ctx context.Context, srv *digitaloceantest.Server, client *digitalocean.Client) error {
	var rolledBack []*digitalocean.App
	for i := range 12 {
		name := fmt.Sprintf("demo-%02d", i)
		if i%3 == 0 {
			name = fmt.Sprintf("shop-%02d", i)
		}
		app, _, err := client.Apps.Create(ctx, &digitalocean.AppCreateRequest{Spec: &digitalocean.AppSpec{
			Name:     name,
			Services: []*digitalocean.AppServiceSpec{{Name: "web", InstanceCount: 1}},
		}})
		if err != nil {
			return err
		}
		if i < 2 {
			rolledBack = append(rolledBack, app)
		}
	}
	// The fake's clock moves only when told: every deployment is now ACTIVE.
	srv.Advance(3 * digitaloceantest.DefaultPhaseDuration)

	for _, app := range rolledBack {
		first, _, err := client.Apps.Get(ctx, app.ID)
		if err != nil {
			return err
		}
		if _, _, err := client.Apps.CreateDeployment(ctx, app.ID, nil); err != nil {
			return err
		}
		srv.Advance(3 * digitaloceantest.DefaultPhaseDuration)
		req := &digitalocean.AppRollbackRequest{DeploymentID: first.ActiveDeployment.ID}
		if _, _, err := client.Apps.CreateRollback(ctx, app.ID, req); err != nil {
			return err
		}
		srv.Advance(3 * digitaloceantest.DefaultPhaseDuration)
		if _, err := client.Apps.CommitRollback(ctx, app.ID); err != nil {
			return err
		}
	}

	for i := range 40 {
		srv.AddAction("power_cycle", "droplet", 3164444+i%4, i == 7 || i == 31)
	}
	srv.Advance(digitaloceantest.DefaultPhaseDuration)
	return nil
}
