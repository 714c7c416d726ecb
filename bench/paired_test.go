package bench

import (
	"context"
	"net/http"
	"testing"
	"time"

	do "github.com/oceankit/digitalocean"
)

// BenchmarkPaired measures the client machinery over loopback with paired
// samples: every iteration sends one request through this SDK and one
// through bare net/http + encoding/json into the same types, alternating
// which goes first, and times each. Load from elsewhere on a noisy machine
// then falls on both alike, so the reported overhead-% (SDK time over bare
// time, minus one) is far steadier than a ratio of two separate benchmarks.
// ns/op is the pair; sdk-ns/op and bare-ns/op are each side's share.
func BenchmarkPaired(b *testing.B) {
	const id = "c2a93513-8d9b-4223-9d61-5e7272c81cf5"
	type clients struct {
		sdk  *do.Client
		bare *bareClient
	}
	// Over loopback each workload gets new clients (own connections); in
	// memory both share one memoryTransport, as in BenchmarkMachinery.
	loopback := func(base string) clients { return clients{newSDK(b, base), newBare(b, base)} }
	memory := func(string) clients {
		const base = "http://api.test/"
		tr := newMemoryTransport(srv.f)
		sdk, err := do.New(do.WithToken(benchToken), do.WithBaseURL(base), do.WithHTTPClient(&http.Client{Transport: tr}))
		if err != nil {
			b.Fatal(err)
		}
		return clients{sdk, &bareClient{hc: &http.Client{Transport: tr}, base: base, auth: "Bearer " + benchToken}}
	}
	workloads := []struct {
		name string
		base string
		ops  func(c clients) (sdk, bare func(context.Context) error)
	}{
		{"AccountGet", fastBase(), func(c clients) (sdk, bare func(context.Context) error) {
			return sdkAccountGet(c.sdk), bareAccountGet[sdkAccountRoot](c.bare)
		}},
		{"ActionsList200", srv.base(0, 200), func(c clients) (sdk, bare func(context.Context) error) {
			return sdkActionsList(c.sdk), bareGet[sdkActionsPage](c.bare, "v2/actions?per_page=200")
		}},
		{"AppsGet", fastBase(), func(c clients) (sdk, bare func(context.Context) error) {
			return sdkAppsGet(c.sdk, id), bareGet[sdkAppRoot](c.bare, "v2/apps/"+id)
		}},
		{"AppsList50", fastBase(), func(c clients) (sdk, bare func(context.Context) error) {
			return sdkAppsList(c.sdk), bareGet[sdkAppsPage](c.bare, "v2/apps?per_page=50")
		}},
	}
	for _, net := range []struct {
		name    string
		clients func(base string) clients
	}{{"loopback", loopback}, {"memory", memory}} {
		for _, w := range workloads {
			b.Run("net="+net.name+"/workload="+w.name, func(b *testing.B) {
				sdk, bare := w.ops(net.clients(w.base))
				runPaired(b, sdk, bare)
			})
		}
	}
}

// runPaired times sdk and bare alternately and reports each side's time
// per request and the SDK's overhead in percent.
func runPaired(b *testing.B, sdk, bare func(context.Context) error) {
	ctx := context.Background()
	for _, op := range []func(context.Context) error{sdk, bare} { // open the connections
		if err := op(ctx); err != nil {
			b.Fatal(err)
		}
	}
	var sdkTime, bareTime time.Duration
	timed := func(op func(context.Context) error, total *time.Duration) {
		start := time.Now()
		if err := op(ctx); err != nil {
			b.Fatal(err)
		}
		*total += time.Since(start)
	}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		if i%2 == 0 {
			timed(sdk, &sdkTime)
			timed(bare, &bareTime)
		} else {
			timed(bare, &bareTime)
			timed(sdk, &sdkTime)
		}
		i++
	}
	b.ReportMetric(float64(sdkTime.Nanoseconds())/float64(i), "sdk-ns/op")
	b.ReportMetric(float64(bareTime.Nanoseconds())/float64(i), "bare-ns/op")
	b.ReportMetric((float64(sdkTime)/float64(bareTime)-1)*100, "overhead-%")
}
