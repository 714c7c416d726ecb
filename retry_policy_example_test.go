package digitalocean_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/oceankit/digitalocean"
	"github.com/oceankit/digitalocean/digitaloceantest"
)

// One call with its own retry policy, without a second client: no retries,
// another MaxWait, or no reading back after an unknown outcome.
func ExampleWithRetryPolicy() {
	srv := digitaloceantest.NewServer()
	defer srv.Close()
	client := srv.Client(digitalocean.WithRetry(digitalocean.RetryPolicy{MaxAttempts: 3, BaseDelay: time.Millisecond}))
	ctx := context.Background()
	unavailable := digitaloceantest.Fault{Status: http.StatusServiceUnavailable}

	// No retries for this call: the first 503 is its answer.
	srv.FailNext(1, digitaloceantest.Match{Operation: "account_get"}, unavailable)
	_, _, err := client.Account.Get(digitalocean.WithRetryPolicy(ctx, digitalocean.RetryPolicy{}))
	fmt.Println("no retries:", errors.Is(err, digitalocean.ErrServerError))

	// The client's own policy still holds for the next call.
	srv.FailNext(1, digitaloceantest.Match{Operation: "account_get"}, unavailable)
	_, resp, err := client.Account.Get(ctx)
	fmt.Println("client policy:", err, resp.Attempts)

	// Another MaxWait: a server asking for a minute's wait is not waited for.
	srv.FailNext(1, digitaloceantest.Match{Operation: "account_get"}, digitaloceantest.Fault{Status: http.StatusServiceUnavailable, RetryAfter: time.Minute})
	short := digitalocean.DefaultRetryPolicy()
	short.MaxWait = 10 * time.Second
	_, _, err = client.Account.Get(digitalocean.WithRetryPolicy(ctx, short))
	var aborted *digitalocean.RetryAbortedError
	fmt.Println("MaxWait 10s:", errors.As(err, &aborted))

	// No recovery: a create whose answer was lost is not looked up by name.
	srv.FailNext(1, digitaloceantest.Match{Operation: "apps_create"}, digitaloceantest.Fault{Status: http.StatusBadGateway, Applied: true})
	noRecovery := digitalocean.DefaultRetryPolicy()
	noRecovery.NoRecovery = true
	_, _, err = client.Apps.Create(digitalocean.WithRetryPolicy(ctx, noRecovery), &digitalocean.AppCreateRequest{Spec: helloSpec("shop")})
	fmt.Println("no recovery:", errors.Is(err, digitalocean.ErrOutcomeUnknown))
	// Output:
	// no retries: true
	// client policy: <nil> 2
	// MaxWait 10s: true
	// no recovery: true
}
