package digitalocean_test

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"net/http"
	"time"

	"github.com/oceankit/digitalocean"
	"github.com/oceankit/digitalocean/digitaloceantest"
)

// The examples run against the fake API of package digitaloceantest. Its
// clock stands still unless told to move (Server.Advance), which keeps
// their output the same on every run. Against the real API, create the
// client with New and WithToken instead of Server.Client.

// helloSpec is a one-service app spec.
func helloSpec(name string) *digitalocean.AppSpec {
	return &digitalocean.AppSpec{
		Name: name,
		Services: []*digitalocean.AppServiceSpec{{
			Name:          "web",
			GitHub:        &digitalocean.AppGitHubSourceSpec{Repo: "example/hello", Branch: "main"},
			HTTPPort:      8080,
			InstanceCount: 1,
		}},
	}
}

func ExampleNew() {
	client, err := digitalocean.New(
		digitalocean.WithToken("dop_v1_example"), // in real code: os.Getenv("DIGITALOCEAN_TOKEN")
		digitalocean.WithUserAgent("my-tool/1.0"),
	)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(client.BaseURL())

	// Options are checked when the client is built.
	_, err = digitalocean.New()
	fmt.Println(err)
	// Output:
	// https://api.digitalocean.com/
	// digitalocean: invalid argument token: missing: use WithToken or WithTokenSource
}

func ExampleAccountService_Get() {
	srv := digitaloceantest.NewServer()
	defer srv.Close()
	client := srv.Client()

	acct, resp, err := client.Account.Get(context.Background())
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(acct.Email, acct.Status, acct.DropletLimit)
	fmt.Println("requests left this hour:", resp.Rate.Remaining)
	// Output:
	// sammy@digitalocean.com active 25
	// requests left this hour: 4999
}

func ExampleActionsService_All() {
	srv := digitaloceantest.NewServer()
	defer srv.Close()
	client := srv.Client()

	// The iterator fetches pages as the loop needs them; an error ends it.
	for action, err := range client.Actions.All(context.Background(), nil) {
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println(action.ID, action.Type, action.Status)
	}
	// Output:
	// 36804638 snapshot in-progress
	// 36804637 power_cycle completed
	// 36804636 create completed
}

func ExampleActionsService_Wait() {
	srv := digitaloceantest.NewServer()
	defer srv.Close()
	client := srv.Client()
	action := srv.AddAction("snapshot", "droplet", 3164444, false)

	done, err := client.Actions.Wait(context.Background(), action.ID, &digitalocean.WaitOptions{
		MinInterval: time.Millisecond, // the default starts at 1s and backs off to 30s
		OnPoll: func(status string) {
			fmt.Println("polled:", status)
			srv.Advance(digitaloceantest.DefaultPhaseDuration) // only the fake's clock needs this
		},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(done.Type, done.Status, "after", done.CompletedAt.Sub(done.StartedAt))
	// Output:
	// polled: in-progress
	// polled: completed
	// snapshot completed after 30s
}

func ExampleAppsService_Create() {
	srv := digitaloceantest.NewServer()
	defer srv.Close()
	client := srv.Client()

	app, _, err := client.Apps.Create(context.Background(), &digitalocean.AppCreateRequest{Spec: helloSpec("hello")})
	if err != nil {
		fmt.Println(err)
		return
	}
	// The app's first deployment has started; WaitForAppDeployment waits for it.
	fmt.Println(app.Spec.Name, app.PendingDeployment.Phase)
	// Output:
	// hello PENDING_BUILD
}

func ExampleAppsService_WaitForDeployment() {
	srv := digitaloceantest.NewServer()
	defer srv.Close()
	client := srv.Client()
	ctx := context.Background()

	app, _, err := client.Apps.Create(ctx, &digitalocean.AppCreateRequest{Spec: helloSpec("hello")})
	if err != nil {
		fmt.Println(err)
		return
	}
	d, err := client.Apps.WaitForDeployment(ctx, app.ID, app.PendingDeployment.ID, &digitalocean.WaitOptions{
		MinInterval: time.Millisecond,
		// OnProgress gets the deployment read at each poll, with its steps.
		OnProgress: func(p digitalocean.WaitProgress) {
			if pr := p.Deployment.Progress; pr != nil {
				fmt.Printf("phase: %s (%d/%d steps)\n", p.State, pr.SuccessSteps, pr.TotalSteps)
			}
			srv.Advance(digitaloceantest.DefaultPhaseDuration)
		},
	})
	var failed *digitalocean.DeploymentFailedError
	switch {
	case errors.As(err, &failed):
		fmt.Println("deployment failed:", failed.Step.Name, failed.ReasonMessage)
		return
	case err != nil:
		fmt.Println(err)
		return
	}
	fmt.Println("deployed:", d.Phase)
	// Output:
	// phase: PENDING_BUILD (0/4 steps)
	// phase: BUILDING (1/4 steps)
	// phase: DEPLOYING (2/4 steps)
	// phase: ACTIVE (4/4 steps)
	// deployed: ACTIVE
}

func ExampleAppsService_WaitForAppDeployment() {
	srv := digitaloceantest.NewServer()
	defer srv.Close()
	client := srv.Client()
	ctx := context.Background()

	app, _, err := client.Apps.Create(ctx, &digitalocean.AppCreateRequest{Spec: helloSpec("hello")})
	if err != nil {
		fmt.Println(err)
		return
	}
	if err := srv.FailNextDeployment(app.ID); err != nil { // only the fake can do this
		fmt.Println(err)
		return
	}

	// Update starts a deployment, as Create does; pass the returned app on.
	spec := helloSpec("hello")
	spec.Services[0].HTTPPort = 9090
	app, _, err = client.Apps.Update(ctx, app.ID, &digitalocean.AppUpdateRequest{Spec: spec})
	if err != nil {
		fmt.Println(err)
		return
	}
	_, err = client.Apps.WaitForAppDeployment(ctx, app, &digitalocean.WaitOptions{
		MinInterval: time.Millisecond,
		OnPoll:      func(string) { srv.Advance(digitaloceantest.DefaultPhaseDuration) },
	})
	var failed *digitalocean.DeploymentFailedError
	if errors.As(err, &failed) {
		fmt.Println("ended", failed.Phase, "in step", failed.Step.Name)
	}
	// Output:
	// ended ERROR in step build
}

func ExampleAppsService_GetLogs() {
	srv := digitaloceantest.NewServer()
	defer srv.Close()
	client := srv.Client()
	ctx := context.Background()

	app, _, err := client.Apps.Create(ctx, &digitalocean.AppCreateRequest{Spec: helloSpec("hello")})
	if err != nil {
		fmt.Println(err)
		return
	}
	srv.Advance(3 * digitaloceantest.DefaultPhaseDuration) // the deployment is ACTIVE

	// GetLogs returns pre-signed URLs, not the log itself: a live URL while
	// the log can grow, archived ones once it cannot.
	logs, _, err := client.Apps.GetLogs(ctx, app.ID, &digitalocean.LogsOptions{
		Type:      digitalocean.AppLogTypeBuild,
		Component: "web",
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	var lines iter.Seq2[digitalocean.LogLine, error]
	switch {
	case logs.LiveURL != "":
		lines = client.Apps.StreamLogs(ctx, logs.LiveURL) // ends with the log unless Follow was set
	case len(logs.HistoricURLs) > 0:
		body, err := client.Apps.DownloadLogs(ctx, logs.HistoricURLs[0])
		if err != nil {
			fmt.Println(err)
			return
		}
		defer body.Close()
		lines = digitalocean.ReadLogLines(body)
	default:
		fmt.Println("no logs")
		return
	}
	for line, err := range lines {
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println(line.Component, "|", line.Message)
	}
	// Output:
	// web | starting build of web
	// web | fetching source at commit 906d7e1
	// web | build complete
}

func ExampleAppsService_StreamLogs() {
	srv := digitaloceantest.NewServer()
	defer srv.Close()
	client := srv.Client()
	ctx := context.Background()

	app, _, err := client.Apps.Create(ctx, &digitalocean.AppCreateRequest{Spec: helloSpec("hello")})
	if err != nil {
		fmt.Println(err)
		return
	}
	srv.Advance(3 * digitaloceantest.DefaultPhaseDuration)
	if err := srv.EmitLogs(app.ID, "web", "GET / 200", "GET /missing 404"); err != nil { // as if the app logged them
		fmt.Println(err)
		return
	}

	logs, _, err := client.Apps.GetLogs(ctx, app.ID, &digitalocean.LogsOptions{
		Type:   digitalocean.AppLogTypeRun,
		Follow: true, // keep the stream open for new lines
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	// A followed live log has no end: stop after a few lines (or use a
	// context with a timeout).
	n := 0
	for line, err := range client.Apps.StreamLogs(ctx, logs.LiveURL) {
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println(line.Component, "|", line.Message)
		if n++; n == 3 {
			break
		}
	}
	// Output:
	// web | server listening on :8080
	// web | GET / 200
	// web | GET /missing 404
}

func ExampleAppsService_CreateRollback() {
	srv := digitaloceantest.NewServer()
	defer srv.Close()
	client := srv.Client()
	ctx := context.Background()

	app, _, err := client.Apps.Create(ctx, &digitalocean.AppCreateRequest{Spec: helloSpec("hello")})
	if err != nil {
		fmt.Println(err)
		return
	}
	first := app.PendingDeployment.ID
	srv.Advance(3 * digitaloceantest.DefaultPhaseDuration)
	if _, _, err := client.Apps.CreateDeployment(ctx, app.ID, nil); err != nil {
		fmt.Println(err)
		return
	}
	srv.Advance(3 * digitaloceantest.DefaultPhaseDuration)

	req := &digitalocean.AppRollbackRequest{DeploymentID: first}
	check, _, err := client.Apps.ValidateRollback(ctx, app.ID, req)
	if err != nil || !check.Valid {
		fmt.Println("cannot roll back:", err, check)
		return
	}
	d, _, err := client.Apps.CreateRollback(ctx, app.ID, req)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(d.ClonedFrom == first, d.Phase)
	srv.Advance(3 * digitaloceantest.DefaultPhaseDuration)

	// The app stays pinned to the rollback until it is committed or reverted.
	if _, err := client.Apps.CommitRollback(ctx, app.ID); err != nil {
		fmt.Println(err)
		return
	}
	app, _, err = client.Apps.Get(ctx, app.ID)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("pinned:", app.PinnedDeployment != nil, "active is the rollback:", app.ActiveDeployment.ID == d.ID)
	// Output:
	// true PENDING_DEPLOY
	// pinned: false active is the rollback: true
}

func ExampleError() {
	srv := digitaloceantest.NewServer()
	defer srv.Close()
	client := srv.Client()

	_, _, err := client.Apps.Get(context.Background(), "4f6c71e2-0000-4000-8000-000000000000")
	if errors.Is(err, digitalocean.ErrNotFound) {
		fmt.Println("no such app")
	}
	var apiErr *digitalocean.Error
	if errors.As(err, &apiErr) {
		fmt.Println(apiErr.StatusCode, apiErr.ID, apiErr.Method, apiErr.RequestID != "")
	}
	// Output:
	// no such app
	// 404 not_found GET true
}

func ExampleArgumentError() {
	srv := digitaloceantest.NewServer()
	defer srv.Close()
	client := srv.Client()

	// Invalid arguments fail before anything is sent.
	_, _, err := client.Apps.Get(context.Background(), "")
	var argErr *digitalocean.ArgumentError
	if errors.As(err, &argErr) {
		fmt.Println(argErr.Name, "-", argErr.Reason)
	}
	fmt.Println(errors.Is(err, digitalocean.ErrInvalidArgument), len(srv.Requests()))
	// Output:
	// appID - must not be empty
	// true 0
}

func ExampleListOptions() {
	srv := digitaloceantest.NewServer()
	defer srv.Close()
	client := srv.Client()
	ctx := context.Background()
	for _, name := range []string{"alpha", "bravo", "charlie", "delta", "echo"} {
		if _, _, err := client.Apps.Create(ctx, &digitalocean.AppCreateRequest{Spec: helloSpec(name)}); err != nil {
			fmt.Println(err)
			return
		}
	}

	// One page at a time, following the *Response's page data.
	opts := &digitalocean.AppListOptions{ListOptions: digitalocean.ListOptions{Page: 1, PerPage: 2}}
	for {
		apps, resp, err := client.Apps.List(ctx, opts)
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Printf("page %d: %d of %d apps\n", opts.Page, len(apps), resp.Meta.Total)
		next, ok := resp.NextPage()
		if !ok {
			break
		}
		opts.Page = next
	}
	// Output:
	// page 1: 2 of 5 apps
	// page 2: 2 of 5 apps
	// page 3: 1 of 5 apps
}

func ExampleAppsService_All() {
	srv := digitaloceantest.NewServer()
	defer srv.Close()
	client := srv.Client()
	ctx := context.Background()
	for _, name := range []string{"alpha", "bravo", "charlie"} {
		if _, _, err := client.Apps.Create(ctx, &digitalocean.AppCreateRequest{Spec: helloSpec(name)}); err != nil {
			fmt.Println(err)
			return
		}
	}

	// Breaking out of the loop stops the iterator fetching pages.
	for app, err := range client.Apps.All(ctx, nil) {
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println(app.Spec.Name)
		if app.Spec.Name == "bravo" {
			break
		}
	}
	// Output:
	// alpha
	// bravo
}

func ExampleWithRetry() {
	srv := digitaloceantest.NewServer()
	defer srv.Close()
	// Retry reads up to 4 times with a short backoff.
	client := srv.Client(digitalocean.WithRetry(digitalocean.RetryPolicy{MaxAttempts: 4, BaseDelay: 10 * time.Millisecond}))

	srv.FailNext(2, digitaloceantest.Match{Path: "/v2/account"}, digitaloceantest.Fault{Status: http.StatusServiceUnavailable})
	acct, resp, err := client.Account.Get(context.Background())
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(acct.Email, "after", resp.Attempts, "attempts")
	// Output:
	// sammy@digitalocean.com after 3 attempts
}

func ExampleClient_Rate() {
	srv := digitaloceantest.NewServer(digitaloceantest.WithRateLimit(250))
	defer srv.Close()
	client := srv.Client()
	ctx := context.Background()

	for range 3 {
		if _, _, err := client.Account.Get(ctx); err != nil {
			fmt.Println(err)
			return
		}
	}
	rate := client.Rate()
	fmt.Printf("%d of %d requests left\n", rate.Remaining, rate.Limit)
	// Output:
	// 247 of 250 requests left
}

func ExampleParseLogLine() {
	line := digitalocean.ParseLogLine("web 2024-05-01T12:00:00.123Z listening on :8080")
	fmt.Println(line.Component)
	fmt.Println(line.Timestamp.Format(time.RFC3339Nano))
	fmt.Println(line.Message)
	// Output:
	// web
	// 2024-05-01T12:00:00.123Z
	// listening on :8080
}
