package bench

import (
	"context"
	"testing"
	"time"

	"github.com/digitalocean/godo"

	do "github.com/oceankit/digitalocean"
)

// BenchmarkPaired compares this SDK with one other client by paired
// samples: every iteration sends one request through each, alternating
// which goes first, and times both. Load from elsewhere on a noisy machine
// then falls on both alike, so overhead-% (SDK time over the other's,
// minus one; negative when the SDK is faster) is far steadier than the
// ratio of two separate benchmarks. ns/op is the pair; sdk-ns/op and
// other-ns/op are each side's share.
//
// The others: bare net/http + encoding/json (v1) and bare net/http + JSON
// v2 into this SDK's types (the machinery target and the v2 floor) and godo as godo.NewFromToken builds it, over loopback;
// bare again over the in-memory transport, which leaves the client alone.
func BenchmarkPaired(b *testing.B) {
	workloads := requestWorkloads()
	for _, w := range workloads {
		base := srv.base(0, w.total)
		b.Run("net=loopback/workload="+w.name+"/vs=bare", func(b *testing.B) {
			runPaired(b, w.sdk(newSDK(b, base)), w.bare(newBare(b, base)))
		})
		b.Run("net=loopback/workload="+w.name+"/vs=bare-v2", func(b *testing.B) {
			runPaired(b, w.sdk(newSDK(b, base)), w.bare(newBareV2(b, base)))
		})
		b.Run("net=loopback/workload="+w.name+"/vs=godo", func(b *testing.B) {
			runPaired(b, w.sdk(newSDK(b, base)), w.godo(newGodoOver(b, base, newTransport(b))))
		})
	}
	for _, w := range workloads {
		b.Run("net=memory/workload="+w.name+"/vs=bare", func(b *testing.B) {
			sdk, bare, _ := newMemoryClients(b)
			runPaired(b, w.sdk(sdk), w.bare(bare))
		})
		b.Run("net=memory/workload="+w.name+"/vs=bare-v2", func(b *testing.B) {
			sdk, _, bareV2 := newMemoryClients(b)
			runPaired(b, w.sdk(sdk), w.bare(bareV2))
		})
		// godo's code is the same whichever SDK tree a binary is built
		// from, so this ratio compares trees (bench/ab.sh) in memory.
		// godo without retries: go-retryablehttp would replace the
		// in-memory transport with its own.
		b.Run("net=memory/workload="+w.name+"/vs=godo-plain", func(b *testing.B) {
			sdk, _, _ := newMemoryClients(b)
			runPaired(b, w.sdk(sdk), w.godo(newGodoPlainOver(b, "http://api.test/", newMemoryTransport(srv.f))))
		})
	}
}

// requestWorkload is one of workloads 1 to 4 as each client sends it.
type requestWorkload struct {
	name  string
	total int // length of the actions list the server renders
	sdk   func(*do.Client) func(context.Context) error
	bare  func(*bareClient) func(context.Context) error
	godo  func(*godo.Client) func(context.Context) error
}

func requestWorkloads() []requestWorkload {
	const id = "c2a93513-8d9b-4223-9d61-5e7272c81cf5"
	return []requestWorkload{
		{"AccountGet", 0, sdkAccountGet, bareAccountGet[sdkAccountRoot], godoAccountGet},
		{"ActionsList200", 200, sdkActionsList,
			func(c *bareClient) func(context.Context) error {
				return bareGet[sdkActionsPage](c, "v2/actions?per_page=200")
			}, godoActionsList},
		{"AppsGet", 0,
			func(c *do.Client) func(context.Context) error { return sdkAppsGet(c, id) },
			func(c *bareClient) func(context.Context) error { return bareGet[sdkAppRoot](c, "v2/apps/"+id) },
			func(c *godo.Client) func(context.Context) error { return godoAppsGet(c, id) }},
		{"AppsList50", 0, sdkAppsList,
			func(c *bareClient) func(context.Context) error { return bareGet[sdkAppsPage](c, "v2/apps?per_page=50") },
			godoAppsList},
	}
}

// runPaired times sdk and other alternately and reports each side's time
// per request and the SDK's overhead in percent.
func runPaired(b *testing.B, sdk, other func(context.Context) error) {
	ctx := context.Background()
	for _, op := range []func(context.Context) error{sdk, other} { // open the connections
		if err := op(ctx); err != nil {
			b.Fatal(err)
		}
	}
	var sdkTime, otherTime time.Duration
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
			timed(other, &otherTime)
		} else {
			timed(other, &otherTime)
			timed(sdk, &sdkTime)
		}
		i++
	}
	b.ReportMetric(float64(sdkTime.Nanoseconds())/float64(i), "sdk-ns/op")
	b.ReportMetric(float64(otherTime.Nanoseconds())/float64(i), "other-ns/op")
	b.ReportMetric((float64(sdkTime)/float64(otherTime)-1)*100, "overhead-%")
}
