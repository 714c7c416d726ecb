#!/usr/bin/env bash
# Runs the benchmarks of RESULTS.md and prints benchstat tables.
#
#   bench/run.sh            all workloads (about 6 minutes on 2 idle cores)
#   bench/run.sh quick      one count of each, to check the harness
#   bench/run.sh profile    CPU and allocation profiles of this SDK's side
#
# Raw results and profiles go to bench/out/ (git-ignored).
set -euo pipefail
cd "$(dirname "$0")"
mode=${1:-full}
out=out
mkdir -p "$out"
benchstat() { go run golang.org/x/perf/cmd/benchstat@v0.0.0-20260908200009-22c9c6c9d4da "$@"; }

go test -c -o "$out/bench.test" .
bench() { "$out/bench.test" -test.run '^$' -test.benchmem "$@"; }

if [[ $mode == profile ]]; then
	for w in 'AccountGet' 'ActionsList200' 'AppsGet' 'AppsList50'; do
		bench -test.bench "^BenchmarkMachinery\$/^workload=$w\$/^impl=sdk\$" -test.benchtime 2s \
			-test.cpuprofile "$out/$w.cpu.pprof" -test.memprofile "$out/$w.mem.pprof"
		go tool pprof -top -cum -nodecount 25 "$out/bench.test" "$out/$w.cpu.pprof" | sed -n '1,35p'
		go tool pprof -sample_index alloc_objects -top -nodecount 15 "$out/bench.test" "$out/$w.mem.pprof" | sed -n '1,25p'
	done
	exit 0
fi

count=6
[[ $mode == quick ]] && count=1
{
	echo "$(go version)"
	echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //'), $(nproc) cores"
	echo "load average before the run: $(cut -d' ' -f1-3 /proc/loadavg)"
} | tee "$out/env.txt"

# Workloads 1-4 over loopback, and the same over an in-memory transport
# (the client alone).
bench -test.bench '^Benchmark(AccountGet|ActionsList200|AppsGet|AppsList50)$' -test.benchtime 500ms -test.count $count | tee "$out/requests.txt"
bench -test.bench '^BenchmarkMachinery$' -test.benchtime 500ms -test.count $count | tee "$out/machinery.txt"
# Workload 5: whole-list enumeration, no added latency; a walk of 100,000
# actions takes seconds, so those get half the samples.
bench -test.bench '^BenchmarkEnumerate$/^n=10000$' -test.count $count | tee "$out/enumerate.txt"
bench -test.bench '^BenchmarkEnumerate$/^n=100000$' -test.benchtime 1x -test.count $(((count + 1) / 2)) | tee -a "$out/enumerate.txt"
# Workload 6: 50 ms per request. One walk per sample; godo's default page
# size (500 requests at 10,000 actions = 25 s a walk) and the 100,000-action
# lists run once.
lat='^BenchmarkEnumerateLatency50ms$'
bench -test.bench "$lat/^n=10000\$/^impl=(sdk|sdk-prefetch4|sdk-prefetch8|godo-perpage200)\$" -test.benchtime 1x -test.count $count | tee "$out/latency.txt"
bench -test.bench "$lat/^n=10000\$/^impl=godo-default\$" -test.benchtime 1x -test.count 1 | tee -a "$out/latency.txt"
bench -test.bench "$lat/^n=100000\$/^impl=(sdk-prefetch4|sdk-prefetch8|godo-perpage200)\$" -test.benchtime 1x -test.count 1 | tee -a "$out/latency.txt"
echo "load average after the run: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$out/env.txt"

for f in requests machinery enumerate latency; do
	echo
	echo "=== $f"
	benchstat -col /impl "$out/$f.txt" | tee "$out/$f.benchstat.txt"
done
