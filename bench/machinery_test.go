package bench

import (
	"bytes"
	"io"
	"net/http"
	"strings"
	"testing"

	do "github.com/oceankit/digitalocean"
)

// memoryTransport answers every request in memory with the server's
// fixtures, so that a benchmark measures the client alone: no sockets, no
// server goroutines, and far less noise from other load on the machine.
type memoryTransport struct {
	f       *fixtures
	headers http.Header
}

func newMemoryTransport(f *fixtures) *memoryTransport {
	h := http.Header{}
	h["Content-Type"] = jsonType
	h["Ratelimit-Limit"] = rateLimit
	h["Ratelimit-Remaining"] = rateRemain
	h["Ratelimit-Reset"] = rateReset
	return &memoryTransport{f: f, headers: h}
}

func (t *memoryTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	var body []byte
	switch p := req.URL.Path; {
	case strings.HasSuffix(p, "/v2/account"):
		body = t.f.account
	case strings.HasSuffix(p, "/v2/actions"):
		body = t.f.actions200
	case strings.HasSuffix(p, "/v2/apps"):
		body = t.f.apps50
	default:
		body = t.f.app
	}
	return &http.Response{
		StatusCode:    http.StatusOK,
		Status:        "200 OK",
		Proto:         "HTTP/1.1",
		ProtoMajor:    1,
		ProtoMinor:    1,
		Header:        t.headers,
		ContentLength: int64(len(body)),
		Body:          io.NopCloser(bytes.NewReader(body)),
		Request:       req,
	}, nil
}

// newMemoryClients is this SDK and the bare clients (JSON v1, JSON v2)
// over one memoryTransport.
func newMemoryClients(tb testing.TB) (*do.Client, *bareClient, *bareClient) {
	const base = "http://api.test/"
	tr := newMemoryTransport(srv.f)
	sdk, err := do.New(do.WithToken(benchToken), do.WithBaseURL(base), do.WithHTTPClient(&http.Client{Transport: tr}))
	if err != nil {
		tb.Fatal(err)
	}
	bare := &bareClient{hc: &http.Client{Transport: tr}, base: base, auth: "Bearer " + benchToken}
	bareV2 := *bare
	bareV2.v2 = true
	return sdk, bare, &bareV2
}

// BenchmarkMachinery runs workloads 1 to 4 over memoryTransport: this SDK
// against net/http + encoding/json (v1) and net/http + JSON v2 decoding
// into the same types, so the difference is the SDK's own per-request cost.
func BenchmarkMachinery(b *testing.B) {
	sdk, bare, bareV2 := newMemoryClients(b)
	for _, w := range requestWorkloads() {
		b.Run("workload="+w.name, func(b *testing.B) {
			runImpls(b, []impl{{"sdk", w.sdk(sdk)}, {"bare-sdk-types", w.bare(bare)}, {"bare-v2-sdk-types", w.bare(bareV2)}})
		})
	}
}
