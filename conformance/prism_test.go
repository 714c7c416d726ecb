//go:build prism

package conformance

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	do "github.com/oceankit/digitalocean"
)

// TestPrism drives every SDK operation against Prism mock servers of the
// spec and of the live-API overlay (scripts/prism.sh starts them and sets
// PRISM_URL and PRISM_OVERLAY_URL). Prism validates
// each request and reports what breaks the spec in an sl-violations header
// and, for errors, a 422; either fails the test. Prism answers with the
// spec's raw examples, so results are not checked beyond decoding.
func TestPrism(t *testing.T) {
	base := os.Getenv("PRISM_URL")
	if base == "" {
		t.Fatal("PRISM_URL is not set: run scripts/prism.sh, which starts Prism and sets it")
	}
	// A second Prism serves the live-API overlay, whose $refs it resolves
	// into the spec: one Prism mocks one document.
	overlayBase, err := url.Parse(os.Getenv("PRISM_OVERLAY_URL"))
	if err != nil || overlayBase.Host == "" {
		t.Fatal("PRISM_OVERLAY_URL is not set: run scripts/prism.sh, which starts a Prism for the overlay and sets it")
	}
	spec := loadSpec(t)
	// An own transport, so that its idle connections to Prism can be closed
	// before goleak looks for goroutines left behind.
	transport := http.DefaultTransport.(*http.Transport).Clone()
	t.Cleanup(transport.CloseIdleConnections)
	rec := &prismRecorder{spec: spec, base: transport, overlay: overlayBase}
	client, err := do.New(
		do.WithToken("dop_v1_prism_dummy_token"),
		do.WithBaseURL(base),
		do.WithHTTPClient(&http.Client{Transport: rec}),
	)
	require.NoError(t, err)

	cases := allCases()
	names := map[string]bool{}
	for _, tc := range cases {
		names[tc.name] = true
	}
	for name := range prismDeviations {
		require.Truef(t, names[name], "prismDeviations names %q, which is no case", name)
	}

	reached := map[string]bool{}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dev := prismDeviations[tc.name]
			timeout := time.Minute // no case may hang the run
			if dev.timeout > 0 {
				timeout = dev.timeout
			}
			ctx, cancel := context.WithTimeout(context.Background(), timeout)
			defer cancel()
			_, err := tc.run(ctx, client)
			exchanges := rec.take()
			require.NotEmpty(t, exchanges, "the call reached Prism")
			var requestViolations []string
			for _, x := range exchanges {
				reached[x.op] = true
				reqV, respV := splitViolations(t, x.violations)
				requestViolations = append(requestViolations, reqV...)
				for _, v := range respV {
					assert.Truef(t, knownResponseViolation(v), "%s %s: Prism finds its answer breaks the spec in a new way: %s", x.method, x.url, v)
				}
				if dev.requestViolation == "" {
					assert.NotEqualf(t, http.StatusUnprocessableEntity, x.status, "%s %s: Prism rejects the request: %s", x.method, x.url, x.body)
				}
			}
			if dev.requestViolation != "" {
				assert.Equal(t, []string{dev.requestViolation}, requestViolations)
			} else {
				assert.Empty(t, requestViolations, "Prism finds that the SDK's requests break the spec")
			}
			switch {
			case dev.err != nil:
				require.Error(t, err)
				assert.Truef(t, dev.err(err), "unexpected error: %v", err)
			default:
				require.NoError(t, err)
			}
		})
	}
	var missing []string
	for _, id := range spec.operationIDs() {
		if !reached[id] {
			missing = append(missing, id)
		}
	}
	assert.Empty(t, missing, "operations of the spec that no case sent to Prism")
	t.Logf("%d cases sent %d operations to Prism", len(cases), len(reached))
}

// prismDeviation is how a case legitimately fares differently against
// Prism than against the schema-corrected mock of TestOperationsConformToSpec.
type prismDeviation struct {
	// err accepts the error the call returns; nil means it must succeed.
	err func(error) bool
	// requestViolation is the one request violation Prism reports.
	requestViolation string
	// timeout bounds the call (default one minute).
	timeout time.Duration
}

func isDeadline(err error) bool { return errors.Is(err, context.DeadlineExceeded) }

func isPaginationLoop(err error) bool { return errors.Is(err, do.ErrPaginationLoop) }

func isDecodeError(err error) bool {
	var de *do.DecodeError
	return errors.As(err, &de)
}

func isUnprocessable(err error) bool {
	var apiErr *do.Error
	return errors.As(err, &apiErr) && apiErr.StatusCode == http.StatusUnprocessableEntity
}

// prismDeviations lists the cases that fare differently against Prism.
var prismDeviations = map[string]prismDeviation{
	// Prism serves the same static page for every page number, and its
	// links (from the page_links examples) point to page 2 again; the
	// iterators stop with ErrPaginationLoop instead of looping forever.
	"Actions.All":          {err: isPaginationLoop},
	"Actions.All/prefetch": {err: isPaginationLoop},
	"Apps.AllEvents":       {err: isPaginationLoop},
	// Prism fills in an action's status from the schema's default
	// (in-progress) before its example (completed): the action never
	// completes, so the waiter polls until its deadline.
	"Actions.Wait": {err: isDeadline, timeout: 3 * time.Second},
	// The job_invocation example (served raw by Prism) has trigger as an
	// array where the schema has an object: see TestJobInvocationExampleShape.
	"Apps.GetJobInvocation":    {err: isDecodeError},
	"Apps.CancelJobInvocation": {err: isDecodeError},
	// apps_get's description says to leave the ID out of the path to get an
	// app by name, but its path template requires the ID: Prism follows the
	// template (see findRoute for the same case in the local mock).
	"Apps.GetByName": {err: isUnprocessable, requestViolation: "Request path must have required property 'id'"},
}

// knownResponseViolation reports whether a violation Prism finds in its
// own answer is a known spec erratum (knownErrata): Prism builds bodies
// that have no example from the schema, and app_log_destination_logtail_spec
// requires an "endpoint" it never declares.
func knownResponseViolation(message string) bool {
	return strings.HasSuffix(message, "logtail must have required property 'endpoint'")
}

// splitViolations parses an sl-violations header into the messages about
// the request and those about Prism's own response.
func splitViolations(t *testing.T, header string) (request, response []string) {
	t.Helper()
	if header == "" {
		return nil, nil
	}
	var vs []struct {
		Location []string `json:"location"`
		Message  string   `json:"message"`
	}
	require.NoErrorf(t, json.Unmarshal([]byte(header), &vs), "sl-violations: %s", header)
	for _, v := range vs {
		if len(v.Location) > 0 && v.Location[0] == "response" {
			response = append(response, v.Message)
		} else {
			request = append(request, v.Message)
		}
	}
	return request, response
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
	spec    *apiSpec
	base    http.RoundTripper
	overlay *url.URL // the Prism of the overlay's operations

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
	if r.spec.inOverlay(x.op) {
		req = req.Clone(req.Context())
		req.URL.Scheme, req.URL.Host, req.Host = r.overlay.Scheme, r.overlay.Host, r.overlay.Host
	}
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

// inOverlay reports whether the operation is one of the overlay's.
func (s *apiSpec) inOverlay(operationID string) bool {
	for _, item := range s.overlay.Paths.Map() {
		for _, op := range item.Operations() {
			if op.OperationID == operationID {
				return true
			}
		}
	}
	return false
}
