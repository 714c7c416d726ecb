// Command errors shows how the SDK reports failures and how to handle
// them: typed API errors, invalid arguments caught before sending, retries
// of server errors, rate limits and what Client.Rate tells.
//
// It runs against the fake API, whose fault injection makes every case
// happen on demand. It takes about three seconds, spent waiting out rate
// limits as a real client would:
//
//	go run ./examples/errors
package main

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"time"

	"github.com/oceankit/digitalocean"
	"github.com/oceankit/digitalocean/digitaloceantest"
)

func main() {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	srv := digitaloceantest.NewServer()
	defer srv.Close()
	fmt.Println("using the fake API")

	cases := []struct {
		title string
		run   func(context.Context, *digitaloceantest.Server) error
	}{
		{"Not found: errors.Is and errors.As", notFound},
		{"Invalid arguments are refused before sending", invalidArgument},
		{"The API rejects a bad spec", invalidSpec},
		{"Server errors are retried for reads", retriedRead},
		{"A lost answer to a create: read back, never re-sent", unknownOutcome},
		{"A proxy's error page", proxyPage},
		{"429 with retry-after: the client waits and retries", rateLimitedRetry},
		{"429 with retries off", rateLimitedNoRetry},
		{"Client.Rate and pacing before the limit is hit", pacing},
	}
	for i, c := range cases {
		fmt.Printf("\n%d. %s\n", i+1, c.title)
		if err := c.run(ctx, srv); err != nil {
			fmt.Fprintf(os.Stderr, "errors: %s: %v\n", c.title, err)
			os.Exit(1)
		}
	}
}

func notFound(ctx context.Context, srv *digitaloceantest.Server) error {
	client := srv.Client()
	_, _, err := client.Apps.Get(ctx, "6a4c8e3f-0000-4000-8000-000000000000")
	if !errors.Is(err, digitalocean.ErrNotFound) {
		return fmt.Errorf("want ErrNotFound, got %v", err)
	}
	fmt.Printf("   errors.Is(err, ErrNotFound): %v\n", err)

	// The details: what to log, and the request ID support asks for.
	var apiErr *digitalocean.Error
	if errors.As(err, &apiErr) {
		fmt.Printf("   status %d, id %q, message %q\n", apiErr.StatusCode, apiErr.ID, apiErr.Message)
		fmt.Printf("   %s %s, request ID %s\n", apiErr.Method, apiErr.Path, apiErr.RequestID)
	}
	return nil
}

func invalidArgument(ctx context.Context, srv *digitaloceantest.Server) error {
	client := srv.Client()
	before := len(srv.Requests())
	_, _, err := client.Apps.GetLogs(ctx, "6a4c8e3f-0000-4000-8000-000000000000", &digitalocean.LogsOptions{Type: "EVERYTHING"})

	var argErr *digitalocean.ArgumentError
	if !errors.As(err, &argErr) || !errors.Is(err, digitalocean.ErrInvalidArgument) {
		return fmt.Errorf("want an *ArgumentError, got %v", err)
	}
	fmt.Printf("   %v\n", err)
	fmt.Printf("   ArgumentError.Name %q; requests sent: %d\n", argErr.Name, len(srv.Requests())-before)
	return nil
}

// invalidSpec shows a spec the API refuses: 400 invalid_argument, with one
// problem and the field it concerns in the message.
func invalidSpec(ctx context.Context, srv *digitaloceantest.Server) error {
	client := srv.Client()
	spec := &digitalocean.AppSpec{Name: "Shop_App", Services: []*digitalocean.AppServiceSpec{{Name: "web"}}}
	_, _, err := client.Apps.Create(ctx, &digitalocean.AppCreateRequest{Spec: spec})
	// The live API answers a bad spec with 400 invalid_argument, naming the field.
	var apiErr *digitalocean.Error
	if !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusBadRequest || apiErr.ID != "invalid_argument" {
		return fmt.Errorf("want a 400 invalid_argument, got %v", err)
	}
	fmt.Printf("   %v\n", err)
	return nil
}

func retriedRead(ctx context.Context, srv *digitaloceantest.Server) error {
	// The default policy makes 5 attempts, backing off from 250ms; a
	// shorter backoff keeps this demo quick.
	client := srv.Client(digitalocean.WithRetry(digitalocean.RetryPolicy{MaxAttempts: 5, BaseDelay: 50 * time.Millisecond}))
	srv.FailNext(2, digitaloceantest.Match{Method: http.MethodGet, Path: "/v2/account"}, digitaloceantest.Fault{Status: 503})
	acct, resp, err := client.Account.Get(ctx)
	if err != nil {
		return err
	}
	fmt.Printf("   got %s after %d attempts (two 503s, retried with backoff)\n", acct.Email, resp.Attempts)

	// When the retries run out, the error says how many attempts it took.
	srv.FailNext(5, digitaloceantest.Match{Path: "/v2/account"}, digitaloceantest.Fault{Status: 503})
	_, _, err = client.Account.Get(ctx)
	if !errors.Is(err, digitalocean.ErrServerError) {
		return fmt.Errorf("want ErrServerError, got %v", err)
	}
	fmt.Printf("   %v\n", err)
	return nil
}

func unknownOutcome(ctx context.Context, srv *digitaloceantest.Server) error {
	client := srv.Client()
	// Applied: the fake creates the app, then answers 502 — as when a
	// response is lost on the way back. A create is never re-sent once it
	// may have been applied; by default the client reads back instead.
	srv.FailNext(1, digitaloceantest.Match{Operation: "apps_create"}, digitaloceantest.Fault{Status: 502, Applied: true})
	spec := &digitalocean.AppSpec{Name: "checkout", Services: []*digitalocean.AppServiceSpec{{Name: "web"}}}
	app, resp, err := client.Apps.Create(ctx, &digitalocean.AppCreateRequest{Spec: spec})
	if err != nil || !resp.Recovered {
		return fmt.Errorf("want the created app, recovered by reading back, got %v", err)
	}
	fmt.Printf("   the answer was lost; reading back found app %s (Response.Recovered)\n", app.ID)

	// With recovery off for this one call, the caller gets the unknown
	// outcome: errors.Is(err, ErrOutcomeUnknown), whatever the error type.
	noRecovery := digitalocean.DefaultRetryPolicy()
	noRecovery.NoRecovery = true
	srv.FailNext(1, digitaloceantest.Match{Operation: "apps_create"}, digitaloceantest.Fault{Status: 502, Applied: true})
	spec = &digitalocean.AppSpec{Name: "checkout-2", Services: []*digitalocean.AppServiceSpec{{Name: "web"}}}
	_, _, err = client.Apps.Create(digitalocean.WithRetryPolicy(ctx, noRecovery), &digitalocean.AppCreateRequest{Spec: spec})
	if !errors.Is(err, digitalocean.ErrOutcomeUnknown) {
		return fmt.Errorf("want ErrOutcomeUnknown, got %v", err)
	}
	fmt.Printf("   %v\n", err)
	// The API has no idempotency keys: look before creating again.
	app, _, err = client.Apps.GetByName(ctx, spec.Name)
	if err != nil {
		return err
	}
	fmt.Printf("   GetByName shows it was created: app %s\n", app.ID)
	return nil
}

func proxyPage(ctx context.Context, srv *digitaloceantest.Server) error {
	client := srv.Client(digitalocean.WithRetry(digitalocean.RetryPolicy{})) // no retries
	page := `<html><head><style>body{color:red}</style></head><body><h1>502 Bad Gateway</h1><p>cloudflare</p></body></html>`
	srv.FailNext(1, digitaloceantest.Match{Path: "/v2/apps"}, digitaloceantest.Fault{Status: 502, Body: page})
	_, _, err := client.Apps.List(ctx, nil)
	var apiErr *digitalocean.Error
	if !errors.As(err, &apiErr) {
		return fmt.Errorf("want an *Error, got %v", err)
	}
	fmt.Printf("   message from the HTML page: %q\n", apiErr.Message)
	return nil
}

func rateLimitedRetry(ctx context.Context, srv *digitaloceantest.Server) error {
	client := srv.Client()
	srv.FailNext(1, digitaloceantest.Match{Path: "/v2/apps"}, digitaloceantest.Fault{Status: 429, RetryAfter: time.Second})
	start := time.Now()
	_, resp, err := client.Apps.List(ctx, nil)
	if err != nil {
		return err
	}
	fmt.Printf("   listed apps after %d attempts and %s\n", resp.Attempts, time.Since(start).Round(100*time.Millisecond))
	return nil
}

func rateLimitedNoRetry(ctx context.Context, srv *digitaloceantest.Server) error {
	client := srv.Client(digitalocean.WithRetry(digitalocean.RetryPolicy{}))
	srv.FailNext(1, digitaloceantest.Match{Path: "/v2/apps"}, digitaloceantest.Fault{Status: 429, RetryAfter: 30 * time.Second})
	_, resp, err := client.Apps.List(ctx, nil)
	if !errors.Is(err, digitalocean.ErrRateLimited) {
		return fmt.Errorf("want ErrRateLimited, got %v", err)
	}
	fmt.Printf("   %v\n", err)
	fmt.Printf("   retry after %s; remaining %d of %d\n", resp.Rate.RetryAfter, resp.Rate.Remaining, resp.Rate.Limit)
	return nil
}

func pacing(ctx context.Context, srv *digitaloceantest.Server) error {
	client := srv.Client()
	if rate := client.Rate(); rate.Limit == 0 {
		fmt.Println("   Rate() before any response: zero, nothing known yet")
	}

	// Pretend the hour's budget is nearly spent: one request left, the
	// window resets in a second.
	srv.SetRateLimit(1, time.Now().Add(time.Second))
	if _, _, err := client.Account.Get(ctx); err != nil {
		return err
	}
	rate := client.Rate()
	fmt.Printf("   Rate(): %d of %d left until %s\n", rate.Remaining, rate.Limit, rate.Reset.Format(time.TimeOnly))

	// A caller that cannot wait that long gets an error at once; nothing
	// is sent.
	short, cancel := context.WithTimeout(ctx, 200*time.Millisecond)
	defer cancel()
	_, _, err := client.Account.Get(short)
	var waitErr *digitalocean.RateLimitWaitError
	if !errors.As(err, &waitErr) || !errors.Is(err, digitalocean.ErrRateLimited) {
		return fmt.Errorf("want a *RateLimitWaitError, got %v", err)
	}
	fmt.Printf("   with a 200ms deadline: %v\n", err)

	// Otherwise the next request waits for the reset instead of drawing a 429.
	start := time.Now()
	_, resp, err := client.Account.Get(ctx)
	if err != nil {
		return err
	}
	fmt.Printf("   the next request waited %s and was sent once (attempts: %d)\n", time.Since(start).Round(100*time.Millisecond), resp.Attempts)
	return nil
}
