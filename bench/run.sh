#!/usr/bin/env bash
# Runs the benchmarks of RESULTS.md and prints benchstat tables.
#
#   bench/run.sh            all workloads, 6 rounds (about 9 minutes on 2 idle cores)
#   bench/run.sh quick      one round, to check the harness
#   bench/run.sh profile    CPU and allocation profiles of this SDK's side
#
# Each round runs every benchmark once in a fresh process, starting with a
# different implementation, so that no client's samples are all taken
# first, last or back to back. Raw results and profiles go to bench/out/.
set -euo pipefail
cd "$(dirname "$0")"
mode=${1:-full}
out=out
mkdir -p "$out"
benchstat() { go run golang.org/x/perf/cmd/benchstat@v0.0.0-20260908200009-22c9c6c9d4da "$@"; }

go test -c -o "$out/bench.test" .
bench() { "$out/bench.test" -test.run '^$' -test.benchmem "$@"; }

if [[ $mode == profile ]]; then
	for w in AccountGet ActionsList200 AppsGet AppsList50; do
		bench -test.bench "^BenchmarkMachinery\$/^workload=$w\$/^impl=sdk\$" -test.benchtime 2s \
			-test.cpuprofile "$out/$w.cpu.pprof" -test.memprofile "$out/$w.mem.pprof"
		go tool pprof -top -cum -nodecount 30 "$out/bench.test" "$out/$w.cpu.pprof" 2>/dev/null | sed -n '1,40p'
		go tool pprof -sample_index alloc_objects -top -nodecount 15 "$out/bench.test" "$out/$w.mem.pprof" 2>/dev/null | sed -n '1,25p'
	done
	exit 0
fi

rounds=6
[[ $mode == quick ]] && rounds=1
{
	go version
	echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //'), $(nproc) cores"
	echo "load average before the run: $(cut -d' ' -f1-3 /proc/loadavg)"
} | tee "$out/env.txt"
rm -f "$out"/{requests,machinery,paired,enumerate,latency}.txt

lat='^BenchmarkEnumerateLatency50ms$'
for ((r = 0; r < rounds; r++)); do
	export BENCH_ROUND=$r
	echo "round $((r + 1)) of $rounds"
	# Workloads 1-4 over loopback, and over an in-memory transport (the
	# client alone, against bare net/http + encoding/json).
	bench -test.bench '^Benchmark(AccountGet|ActionsList200|AppsGet|AppsList50)$' -test.benchtime 500ms >>"$out/requests.txt"
	bench -test.bench '^BenchmarkMachinery$' -test.benchtime 500ms >>"$out/machinery.txt"
	# The same over loopback with paired samples (overhead-%: SDK over bare).
	bench -test.bench '^BenchmarkPaired$' -test.benchtime 1s >>"$out/paired.txt"
	# Workload 5: whole-list enumeration without added latency; a walk of
	# 100,000 actions takes seconds, so those run every other round.
	bench -test.bench '^BenchmarkEnumerate$/^n=10000$' >>"$out/enumerate.txt"
	if ((r % 2 == 0)); then
		bench -test.bench '^BenchmarkEnumerate$/^n=100000$' -test.benchtime 1x >>"$out/enumerate.txt"
	fi
	# Workload 6: 50 ms per request, one walk per sample.
	bench -test.bench "$lat/^n=10000\$/^impl=(sdk|sdk-prefetch4|sdk-prefetch8|godo-perpage200)\$" -test.benchtime 1x >>"$out/latency.txt"
done
# godo's default page size (500 requests = 25 s a walk of 10,000) and the
# 100,000-action walks at 50 ms run once.
bench -test.bench "$lat/^n=10000\$/^impl=godo-default\$" -test.benchtime 1x >>"$out/latency.txt"
bench -test.bench "$lat/^n=100000\$/^impl=(sdk-prefetch4|sdk-prefetch8|godo-perpage200)\$" -test.benchtime 1x >>"$out/latency.txt"
echo "load average after the run: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$out/env.txt"

for f in requests machinery enumerate latency; do
	echo
	echo "=== $f"
	benchstat -col /impl "$out/$f.txt" | tee "$out/$f.benchstat.txt"
done
echo
echo "=== paired"
benchstat "$out/paired.txt" | tee "$out/paired.benchstat.txt"
