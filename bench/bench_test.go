package bench

import (
	"context"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/digitalocean/godo"

	do "github.com/oceankit/digitalocean"
)

var srv *apiServer

// Sinks keep results alive so the compiler cannot drop the work.
var (
	sinkAny any
	sinkInt int
)

// impl is one client doing one request of a workload.
type impl struct {
	name string
	op   func(ctx context.Context) error
}

// round is the BENCH_ROUND run.sh sets: it runs the benchmarks once per
// round, each in a new process, so that every implementation's samples
// are spread over the whole run instead of taken back to back.
var round, _ = strconv.Atoi(os.Getenv("BENCH_ROUND"))

// runImpls benchmarks each implementation of one request as a
// sub-benchmark impl=NAME, for benchstat -col /impl. Each round starts
// with the next implementation, so that none always runs first.
func runImpls(b *testing.B, impls []impl) {
	r := round % len(impls)
	for _, im := range append(impls[r:len(impls):len(impls)], impls[:r]...) {
		b.Run("impl="+im.name, func(b *testing.B) {
			ctx := context.Background()
			if err := im.op(ctx); err != nil { // also opens the connection
				b.Fatal(err)
			}
			b.ReportAllocs()
			cpu := startCPUClock()
			for b.Loop() {
				if err := im.op(ctx); err != nil {
					b.Fatal(err)
				}
			}
			cpu.report(b)
		})
	}
}

func fastBase() string { return srv.base(0, 0) }

// cpuClock measures the CPU time the process (clients and server alike)
// spends, which other load on the machine disturbs far less than the
// wall-clock ns/op.
type cpuClock struct{ start time.Duration }

func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func startCPUClock() cpuClock { return cpuClock{start: processCPU()} }

// report adds the CPU time per operation as cpu-ns/op.
func (c cpuClock) report(b *testing.B) {
	b.ReportMetric(float64(processCPU()-c.start)/float64(b.N), "cpu-ns/op")
}

// Workload 1: GET /v2/account.
func BenchmarkAccountGet(b *testing.B) {
	base := fastBase()
	runImpls(b, []impl{
		{"sdk", sdkAccountGet(newSDK(b, base))},
		{"bare-sdk-types", bareAccountGet[sdkAccountRoot](newBare(b, base))},
		{"bare-v2-sdk-types", bareAccountGet[sdkAccountRoot](newBareV2(b, base))},
		{"godo", godoAccountGet(newGodo(b, base))},
		{"godo-plain", godoAccountGet(newGodoPlain(b, base))},
		{"bare-godo-types", bareAccountGet[godoAccountRoot](newBare(b, base))},
	})
}

func sdkAccountGet(c *do.Client) func(context.Context) error {
	return func(ctx context.Context) error {
		a, _, err := c.Account.Get(ctx)
		sinkAny = a
		return err
	}
}

func godoAccountGet(c *godo.Client) func(context.Context) error {
	return func(ctx context.Context) error {
		a, _, err := c.Account.Get(ctx)
		sinkAny = a
		return err
	}
}

func bareAccountGet[Root any](c *bareClient) func(context.Context) error {
	return func(ctx context.Context) error {
		var out Root
		err := c.get(ctx, "v2/account", &out)
		sinkAny = &out
		return err
	}
}

// Workload 2: GET /v2/actions?per_page=200, one page of 200 actions.
func BenchmarkActionsList200(b *testing.B) {
	base := srv.base(0, 200)
	runImpls(b, []impl{
		{"sdk", sdkActionsList(newSDK(b, base))},
		{"bare-sdk-types", bareGet[sdkActionsPage](newBare(b, base), "v2/actions?per_page=200")},
		{"bare-v2-sdk-types", bareGet[sdkActionsPage](newBareV2(b, base), "v2/actions?per_page=200")},
		{"godo", godoActionsList(newGodo(b, base))},
		{"godo-plain", godoActionsList(newGodoPlain(b, base))},
		{"bare-godo-types", bareGet[godoActionsPage](newBare(b, base), "v2/actions?per_page=200")},
	})
}

func sdkActionsList(c *do.Client) func(context.Context) error {
	return func(ctx context.Context) error {
		actions, _, err := c.Actions.List(ctx, &do.ListOptions{PerPage: 200})
		if err == nil && len(actions) != 200 {
			err = fmt.Errorf("got %d actions", len(actions))
		}
		sinkAny = actions
		return err
	}
}

func godoActionsList(c *godo.Client) func(context.Context) error {
	return func(ctx context.Context) error {
		actions, _, err := c.Actions.List(ctx, &godo.ListOptions{PerPage: 200})
		if err == nil && len(actions) != 200 {
			err = fmt.Errorf("got %d actions", len(actions))
		}
		sinkAny = actions
		return err
	}
}

func bareGet[Root any](c *bareClient, path string) func(context.Context) error {
	return func(ctx context.Context) error {
		var out Root
		err := c.get(ctx, path, &out)
		sinkAny = &out
		return err
	}
}

// Workload 3: GET /v2/apps/{id}, the largest example app.
func BenchmarkAppsGet(b *testing.B) {
	base := fastBase()
	const id = "c2a93513-8d9b-4223-9d61-5e7272c81cf5"
	runImpls(b, []impl{
		{"sdk", sdkAppsGet(newSDK(b, base), id)},
		{"bare-sdk-types", bareGet[sdkAppRoot](newBare(b, base), "v2/apps/"+id)},
		{"bare-v2-sdk-types", bareGet[sdkAppRoot](newBareV2(b, base), "v2/apps/"+id)},
		{"godo", godoAppsGet(newGodo(b, base), id)},
		{"godo-plain", godoAppsGet(newGodoPlain(b, base), id)},
		{"bare-godo-types", bareGet[godoAppRoot](newBare(b, base), "v2/apps/"+id)},
	})
}

func sdkAppsGet(c *do.Client, id string) func(context.Context) error {
	return func(ctx context.Context) error {
		app, _, err := c.Apps.Get(ctx, id)
		sinkAny = app
		return err
	}
}

func godoAppsGet(c *godo.Client, id string) func(context.Context) error {
	return func(ctx context.Context) error {
		app, _, err := c.Apps.Get(ctx, id)
		sinkAny = app
		return err
	}
}

// Workload 4: GET /v2/apps?per_page=50, 50 of the largest example app.
func BenchmarkAppsList50(b *testing.B) {
	base := fastBase()
	runImpls(b, []impl{
		{"sdk", sdkAppsList(newSDK(b, base))},
		{"bare-sdk-types", bareGet[sdkAppsPage](newBare(b, base), "v2/apps?per_page=50")},
		{"bare-v2-sdk-types", bareGet[sdkAppsPage](newBareV2(b, base), "v2/apps?per_page=50")},
		{"godo", godoAppsList(newGodo(b, base))},
		{"godo-plain", godoAppsList(newGodoPlain(b, base))},
		{"bare-godo-types", bareGet[godoAppsPage](newBare(b, base), "v2/apps?per_page=50")},
	})
}

func sdkAppsList(c *do.Client) func(context.Context) error {
	return func(ctx context.Context) error {
		apps, _, err := c.Apps.List(ctx, &do.AppListOptions{ListOptions: do.ListOptions{PerPage: 50}})
		if err == nil && len(apps) != 50 {
			err = fmt.Errorf("got %d apps", len(apps))
		}
		sinkAny = apps
		return err
	}
}

func godoAppsList(c *godo.Client) func(context.Context) error {
	return func(ctx context.Context) error {
		apps, _, err := c.Apps.List(ctx, &godo.ListOptions{PerPage: 50})
		if err == nil && len(apps) != 50 {
			err = fmt.Errorf("got %d apps", len(apps))
		}
		sinkAny = apps
		return err
	}
}

// enumerator walks a whole actions list and returns how many actions it
// saw. atPage, when set, is called once per page while that page is in
// hand (used to sample the live heap).
type enumerator func(ctx context.Context, atPage func()) (int, error)

// sdkEnumerate is this SDK's iterator.
func sdkEnumerate(c *do.Client, opts *do.ListOptions) enumerator {
	perPage := do.MaxPerPage
	if opts != nil && opts.PerPage > 0 {
		perPage = opts.PerPage
	}
	return func(ctx context.Context, atPage func()) (int, error) {
		n, sum := 0, 0
		for a, err := range c.Actions.All(ctx, opts) {
			if err != nil {
				return n, err
			}
			if atPage != nil && n%perPage == 0 {
				atPage()
			}
			n++
			sum += a.ID
		}
		sinkInt = sum
		return n, nil
	}
}

// godoEnumerate is the page loop godo's README documents (opt.Page from
// resp.Links.CurrentPage()+1 until IsLastPage), except that items are
// consumed page by page instead of appended to one slice, as an iterator
// consumer would.
func godoEnumerate(c *godo.Client, perPage int) enumerator {
	return func(ctx context.Context, atPage func()) (int, error) {
		n, sum := 0, 0
		opt := &godo.ListOptions{PerPage: perPage}
		for {
			actions, resp, err := c.Actions.List(ctx, opt)
			if err != nil {
				return n, err
			}
			if atPage != nil {
				atPage()
			}
			for _, a := range actions {
				n++
				sum += a.ID
			}
			if resp.Links == nil || resp.Links.IsLastPage() {
				break
			}
			page, err := resp.Links.CurrentPage()
			if err != nil {
				return n, err
			}
			opt.Page = page + 1
		}
		sinkInt = sum
		return n, nil
	}
}

// enumerators are the ways to walk the list that workloads 5 and 6 compare.
func enumeratorsFor(tb testing.TB, base string) []struct {
	name string
	run  enumerator
} {
	return []struct {
		name string
		run  enumerator
	}{
		{"sdk", sdkEnumerate(newSDK(tb, base), nil)},
		{"sdk-prefetch4", sdkEnumerate(newSDK(tb, base), &do.ListOptions{Prefetch: 4})},
		{"sdk-prefetch8", sdkEnumerate(newSDK(tb, base), &do.ListOptions{Prefetch: 8})},
		{"godo-default", godoEnumerate(newGodo(tb, base), 0)},
		{"godo-perpage200", godoEnumerate(newGodo(tb, base), 200)},
	}
}

// peakLiveHeap runs e once and returns the largest live heap, above what
// was live before, seen at any page boundary. Each sample forces a GC and
// reads HeapAlloc, so it counts only memory still referenced (the page in
// hand, pages prefetched or in flight, client state) and not garbage
// awaiting collection, whose amount depends on GOGC rather than on the
// client.
func peakLiveHeap(ctx context.Context, e enumerator) (uint64, error) {
	var ms runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&ms)
	base, peak := ms.HeapAlloc, ms.HeapAlloc
	_, err := e(ctx, func() {
		runtime.GC()
		runtime.ReadMemStats(&ms)
		peak = max(peak, ms.HeapAlloc)
	})
	return peak - base, err
}

// peaks caches peakLiveHeap by benchmark name.
var peaks = map[string]uint64{}

// benchmarkEnumerate runs every enumerator over lists of each size and
// reports requests per walk (req/op) and, from one extra untimed walk, the
// peak live heap (peak-live-B).
func benchmarkEnumerate(b *testing.B, latency time.Duration, sizes []int, heap bool) {
	for _, n := range sizes {
		b.Run("n="+strconv.Itoa(n), func(b *testing.B) {
			all := enumeratorsFor(b, srv.base(latency, n))
			r := round % len(all)
			for _, e := range append(all[r:len(all):len(all)], all[:r]...) {
				b.Run("impl="+e.name, func(b *testing.B) {
					ctx := context.Background()
					if heap {
						peak, ok := peaks[b.Name()]
						if !ok { // measured once per process: -count repeats it exactly
							var err error
							if peak, err = peakLiveHeap(ctx, e.run); err != nil {
								b.Fatal(err)
							}
							peaks[b.Name()] = peak
						}
						defer b.ReportMetric(float64(peak), "peak-live-B")
					}
					b.ReportAllocs()
					cpu := startCPUClock()
					before := srv.requests.Load()
					for b.Loop() {
						got, err := e.run(ctx, nil)
						if err != nil {
							b.Fatal(err)
						}
						if got != n {
							b.Fatalf("saw %d actions, want %d", got, n)
						}
					}
					b.ReportMetric(float64(srv.requests.Load()-before)/float64(b.N), "req/op")
					cpu.report(b)
				})
			}
		})
	}
}

// Workload 5: enumerate every action, on a server without added latency.
func BenchmarkEnumerate(b *testing.B) {
	benchmarkEnumerate(b, 0, []int{10_000, 100_000}, true)
}

// Workload 6: the same on a server that takes 50ms per request, the time
// a user waits. run.sh picks the rows and iteration counts.
func BenchmarkEnumerateLatency50ms(b *testing.B) {
	benchmarkEnumerate(b, 50*time.Millisecond, []int{10_000, 100_000}, false)
}
