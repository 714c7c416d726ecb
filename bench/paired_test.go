package bench

import (
	"context"
	"testing"
	"time"
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
	workloads := []struct {
		name      string
		base      string
		sdk, bare func(base string) func(context.Context) error
	}{
		{"AccountGet", fastBase(),
			func(base string) func(context.Context) error { return sdkAccountGet(newSDK(b, base)) },
			func(base string) func(context.Context) error { return bareAccountGet[sdkAccountRoot](newBare(b, base)) }},
		{"ActionsList200", srv.base(0, 200),
			func(base string) func(context.Context) error { return sdkActionsList(newSDK(b, base)) },
			func(base string) func(context.Context) error {
				return bareGet[sdkActionsPage](newBare(b, base), "v2/actions?per_page=200")
			}},
		{"AppsGet", fastBase(),
			func(base string) func(context.Context) error { return sdkAppsGet(newSDK(b, base), id) },
			func(base string) func(context.Context) error {
				return bareGet[sdkAppRoot](newBare(b, base), "v2/apps/"+id)
			}},
		{"AppsList50", fastBase(),
			func(base string) func(context.Context) error { return sdkAppsList(newSDK(b, base)) },
			func(base string) func(context.Context) error {
				return bareGet[sdkAppsPage](newBare(b, base), "v2/apps?per_page=50")
			}},
	}
	for _, w := range workloads {
		b.Run("workload="+w.name, func(b *testing.B) {
			sdk, bare := w.sdk(w.base), w.bare(w.base)
			ctx := context.Background()
			for _, op := range []func(context.Context) error{sdk, bare} { // open both connections
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
		})
	}
}
