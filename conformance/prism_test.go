//go:build prism

package conformance

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	do "github.com/oceankit/digitalocean"
)

// TestPrism drives every SDK operation against a Prism mock server of the
// spec (scripts/prism.sh starts one and sets PRISM_URL). Prism validates
// each request and reports what breaks the spec in an sl-violations header
// and, for errors, a 422; either fails the test. Prism answers with the
// spec's raw examples, so results are not checked beyond decoding.
func TestPrism(t *testing.T) {
	base := os.Getenv("PRISM_URL")
	if base == "" {
		t.Fatal("PRISM_URL is not set: run scripts/prism.sh, which starts Prism and sets it")
	}
	spec := loadSpec(t)
	rec := &prismRecorder{spec: spec, base: http.DefaultTransport}
	client, err := do.New(
		do.WithToken("dop_v1_prism_dummy_token"),
		do.WithBaseURL(base),
		do.WithHTTPClient(&http.Client{Transport: rec}),
	)
	require.NoError(t, err)

	reached := map[string]bool{}
	for _, tc := range allCases() {
		t.Run(tc.name, func(t *testing.T) {
			_, err := tc.run(context.Background(), client)
			exchanges := rec.take()
			for _, x := range exchanges {
				reached[x.op] = true
				assert.Emptyf(t, x.violations, "%s %s: Prism reports violations", x.method, x.url)
				assert.NotEqualf(t, http.StatusUnprocessableEntity, x.status, "%s %s: Prism rejects the request: %s", x.method, x.url, x.body)
			}
			require.NotEmpty(t, exchanges, "the call reached Prism")
			require.NoError(t, err)
		})
	}
	var missing []string
	for _, id := range spec.operationIDs() {
		if !reached[id] {
			missing = append(missing, id)
		}
	}
	assert.Empty(t, missing, "operations of the spec that no case sent to Prism")
}

// prismExchange is one request to Prism and what it said about it.
type prismExchange struct {
	op, method, url string
	status          int
	violations      string // the sl-violations header
	body            string // of a 422
}

// prismRecorder passes requests to Prism and records the answers, naming
// each request's operation with the spec's router.
type prismRecorder struct {
	spec *apiSpec
	base http.RoundTripper

	mu        sync.Mutex
	exchanges []prismExchange
}

func (r *prismRecorder) take() []prismExchange {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := r.exchanges
	r.exchanges = nil
	return out
}

func (r *prismRecorder) RoundTrip(req *http.Request) (*http.Response, error) {
	x := prismExchange{op: r.operationOf(req), method: req.Method, url: req.URL.String()}
	resp, err := r.base.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	x.status = resp.StatusCode
	x.violations = resp.Header.Get("sl-violations")
	if resp.StatusCode == http.StatusUnprocessableEntity {
		b, _ := io.ReadAll(io.LimitReader(resp.Body, 4<<10))
		resp.Body.Close()
		x.body = string(b)
		resp.Body = io.NopCloser(strings.NewReader(x.body))
	}
	r.mu.Lock()
	r.exchanges = append(r.exchanges, x)
	r.mu.Unlock()
	return resp, nil
}

// operationOf names the operation of a request to Prism by routing it as
// if it were sent to the spec's server.
func (r *prismRecorder) operationOf(req *http.Request) string {
	asAPI := req.Clone(req.Context())
	u := *req.URL
	u.Scheme, u.Host = "https", "api.digitalocean.com"
	asAPI.URL = &url.URL{Scheme: u.Scheme, Host: u.Host, Path: u.Path, RawPath: u.RawPath, RawQuery: u.RawQuery}
	asAPI.Host = u.Host
	route, _, err := r.spec.findRoute(asAPI)
	if err != nil {
		return fmt.Sprintf("unknown (%s %s)", req.Method, req.URL.Path)
	}
	return route.Operation.OperationID
}
