package bench

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"testing"

	"github.com/digitalocean/godo"
	jsonv2 "github.com/go-json-experiment/json"
	"golang.org/x/oauth2"

	do "github.com/oceankit/digitalocean"
)

const benchToken = "bench-token"

// newTransport is a fresh keep-alive transport per client, so benchmarks
// never share connection pools; it allows as many idle connections as the
// largest prefetch window keeps busy.
func newTransport(tb testing.TB) *http.Transport {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConnsPerHost = do.MaxPrefetch
	tb.Cleanup(t.CloseIdleConnections)
	return t
}

// newSDK is this SDK with its defaults (retries on) over its own transport.
func newSDK(tb testing.TB, base string) *do.Client {
	c, err := do.New(do.WithToken(benchToken), do.WithBaseURL(base),
		do.WithHTTPClient(&http.Client{Transport: newTransport(tb)}))
	if err != nil {
		tb.Fatal(err)
	}
	return c
}

// newGodo is godo as godo.NewFromToken builds it (oauth2, and retries
// through go-retryablehttp with godo's default settings), pointed at base.
func newGodo(tb testing.TB, base string) *godo.Client {
	return newGodoOver(tb, base, http.DefaultTransport)
}

// newGodoOver is newGodo over transport t.
func newGodoOver(tb testing.TB, base string, t http.RoundTripper) *godo.Client {
	ts := oauth2.StaticTokenSource(&oauth2.Token{AccessToken: benchToken})
	ctx := context.WithValue(context.Background(), oauth2.HTTPClient, &http.Client{Transport: t})
	c, err := godo.New(oauth2.NewClient(ctx, ts), godo.SetBaseURL(base),
		godo.WithRetryAndBackoffs(godo.RetryConfig{RetryMax: 4, RetryWaitMin: godo.PtrTo(1.0), RetryWaitMax: godo.PtrTo(30.0)}))
	if err != nil {
		tb.Fatal(err)
	}
	return c
}

// newGodoPlain is godo's leanest setup: godo.New over an oauth2 client,
// no retries, the same kind of transport as the other clients.
func newGodoPlain(tb testing.TB, base string) *godo.Client {
	return newGodoPlainOver(tb, base, newTransport(tb))
}

// newGodoPlainOver is newGodoPlain over transport t.
func newGodoPlainOver(tb testing.TB, base string, t http.RoundTripper) *godo.Client {
	ts := oauth2.StaticTokenSource(&oauth2.Token{AccessToken: benchToken})
	ctx := context.WithValue(context.Background(), oauth2.HTTPClient, &http.Client{Transport: t})
	c, err := godo.New(oauth2.NewClient(ctx, ts), godo.SetBaseURL(base))
	if err != nil {
		tb.Fatal(err)
	}
	return c
}

// bareClient is the floor: net/http and one JSON decoder, nothing else.
// With v2 unset it decodes with encoding/json (v1), streaming from the
// body; with v2 set, with github.com/go-json-experiment/json (which,
// built with Go 1.27 or later, is the standard library's encoding/json/v2)
// reading the whole body, the way v2 decodes a stream.
type bareClient struct {
	hc   *http.Client
	base string
	auth string
	v2   bool
}

func newBare(tb testing.TB, base string) *bareClient {
	return &bareClient{hc: &http.Client{Transport: newTransport(tb)}, base: base, auth: "Bearer " + benchToken}
}

// newBareV2 is newBare decoding with JSON v2.
func newBareV2(tb testing.TB, base string) *bareClient {
	c := newBare(tb, base)
	c.v2 = true
	return c
}

func (c *bareClient) get(ctx context.Context, path string, out any) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.base+path, nil)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", c.auth)
	req.Header.Set("Accept", "application/json")
	resp, err := c.hc.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("GET %s: %s", path, resp.Status)
	}
	if c.v2 {
		err = jsonv2.UnmarshalRead(resp.Body, out)
	} else {
		err = json.NewDecoder(resp.Body).Decode(out)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	return err
}

// The envelopes the bare clients decode: the same shapes the SDKs use.
type (
	sdkAccountRoot struct {
		Account *do.Account `json:"account"`
	}
	godoAccountRoot struct {
		Account *godo.Account `json:"account"`
	}
	sdkActionsPage struct {
		Actions []do.Action `json:"actions"`
		Links   do.Links    `json:"links"`
		Meta    do.Meta     `json:"meta"`
	}
	godoActionsPage struct {
		Actions []godo.Action `json:"actions"`
		Links   *godo.Links   `json:"links"`
		Meta    *godo.Meta    `json:"meta"`
	}
	sdkAppRoot struct {
		App *do.App `json:"app"`
	}
	godoAppRoot struct {
		App *godo.App `json:"app"`
	}
	sdkAppsPage struct {
		Apps  []do.App `json:"apps"`
		Links do.Links `json:"links"`
		Meta  do.Meta  `json:"meta"`
	}
	godoAppsPage struct {
		Apps  []*godo.App `json:"apps"`
		Links *godo.Links `json:"links"`
		Meta  *godo.Meta  `json:"meta"`
	}
)
