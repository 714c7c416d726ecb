package digitalocean_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync"

	"github.com/oceankit/digitalocean"
	"github.com/oceankit/digitalocean/digitaloceantest"
)

// middlewareFunc turns a function into an http.RoundTripper.
type middlewareFunc func(*http.Request) (*http.Response, error)

func (f middlewareFunc) RoundTrip(req *http.Request) (*http.Response, error) { return f(req) }

// Request hooks (godo's SetRequestHeaders and OnRequestCompleted) are an
// http.RoundTripper around your transport. The client keeps it and adds
// the token around it, so it sees every attempt, retries included, with
// the Authorization header set: don't log that one.
func ExampleWithHTTPClient() {
	srv := digitaloceantest.NewServer()
	defer srv.Close()

	var (
		mu       sync.Mutex
		outcomes []string
	)
	next := srv.HTTPClient().Transport // in real code: http.DefaultTransport or your own
	hc := &http.Client{Transport: middlewareFunc(func(req *http.Request) (*http.Response, error) {
		req = req.Clone(req.Context()) // a RoundTripper must not change the caller's request
		req.Header.Set("X-Team", "payments")
		resp, err := next.RoundTrip(req)
		if err != nil {
			return nil, err
		}
		mu.Lock()
		outcomes = append(outcomes, fmt.Sprintf("%s %s: %d", req.Method, req.URL.Path, resp.StatusCode))
		mu.Unlock()
		return resp, nil
	})}

	client, err := digitalocean.New(
		digitalocean.WithToken(srv.Token()),
		digitalocean.WithBaseURL(srv.URL()), // only to reach the fake
		digitalocean.WithHTTPClient(hc),
	)
	if err != nil {
		fmt.Println(err)
		return
	}
	ctx := context.Background()
	if _, _, err := client.Account.Get(ctx); err != nil {
		fmt.Println(err)
		return
	}
	_, _, err = client.Apps.Get(ctx, "4f6c71e2-0000-4000-8000-000000000000")
	fmt.Println("not found:", errors.Is(err, digitalocean.ErrNotFound))

	for _, o := range outcomes {
		fmt.Println(o)
	}
	reqs := srv.Requests()
	fmt.Println("the API saw X-Team:", reqs[len(reqs)-1].Header.Get("X-Team"))
	// Output:
	// not found: true
	// GET /v2/account: 200
	// GET /v2/apps/4f6c71e2-0000-4000-8000-000000000000: 404
	// the API saw X-Team: payments
}
