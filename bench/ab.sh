#!/usr/bin/env bash
# Before/after comparison of two commits of the SDK, interleaved.
#
#   bench/ab.sh BEFORE AFTER [ROUNDS]    e.g. bench/ab.sh f84a4e6 main 3
#   AB_WORKLOADS=ActionsList200 bench/ab.sh 86cafe7 f84a4e6 4   one workload
#
# Each commit's SDK is checked out into bench/out/ab/<name>/ and its bench
# test binary is built with THIS tree's harness (bench/*_test.go, go.mod,
# go.sum), so both sides are measured by the same benchmarks. A commit
# whose SDK the harness does not compile against fails the build. Then
# every round runs the in-memory, loopback and paired benchmarks of
# workloads 1-4 once with each binary, in a fresh process, alternating
# which binary goes first, and benchstat compares the two (-col /tree).
# Raw output: bench/out/ab/{before,after}.txt.
set -euo pipefail
cd "$(dirname "$0")"
[[ $# -ge 2 ]] || { sed -n '2,4p' "$0"; exit 2; }
before=$1 after=$2 rounds=${3:-3}
out=out/ab
benchstat() { go run golang.org/x/perf/cmd/benchstat@v0.0.0-20260908200009-22c9c6c9d4da "$@"; }
harness=$(pwd)
mkdir -p "$out"

# build NAME REF: the SDK at REF with this harness, as $out/NAME.test.
build() {
	local dir="$out/$1"
	rm -rf "$dir"
	mkdir -p "$dir"
	git -C .. archive "$2" | tar -x -C "$dir"
	rm -rf "$dir/bench"
	mkdir "$dir/bench"
	cp "$harness"/*.go "$harness"/go.mod "$harness"/go.sum "$dir/bench/"
	(cd "$dir/bench" && go test -c -o "../../$1.test" .)
	echo "$1: $(git -C .. rev-parse --short "$2") ($2)"
}
{
	build before "$before"
	build after "$after"
	go version
	echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //'), $(nproc) cores"
	echo "load average before the run: $(cut -d' ' -f1-3 /proc/loadavg)"
} | tee "$out/env.txt"

rm -f "$out"/before.txt "$out"/after.txt
workloads=${AB_WORKLOADS:-AccountGet|ActionsList200|AppsGet|AppsList50}
# run NAME: one round of one binary. The sub-benchmarks get a tree=NAME
# label by rewriting the names, so benchstat can put the trees side by side.
run() {
	local bin="$out/$1.test"
	{
		"$bin" -test.run '^$' -test.benchmem -test.bench "^BenchmarkMachinery\$/^workload=($workloads)\$" -test.benchtime 500ms
		"$bin" -test.run '^$' -test.benchmem -test.bench "^Benchmark($workloads)\$" -test.benchtime 300ms
		"$bin" -test.run '^$' -test.benchmem -test.bench "^BenchmarkPaired\$/./^workload=($workloads)\$/" -test.benchtime 1s
	} | sed -E "s/^(Benchmark[^ \t]*)-([0-9]+)([ \t])/\1\/tree=$1-\2\3/" >>"$out/$1.txt"
}
for ((r = 0; r < rounds; r++)); do
	echo "round $((r + 1)) of $rounds (load $(cut -d' ' -f1 /proc/loadavg))"
	export BENCH_ROUND=$r
	if ((r % 2 == 0)); then run before; run after; else run after; run before; fi
done
echo "load average after the run: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$out/env.txt"
cat "$out/before.txt" "$out/after.txt" >"$out/all.txt"
benchstat -col /tree -filter '-.name:/Paired/' "$out/all.txt" | tee "$out/ab.benchstat.txt"
echo
echo "=== paired (overhead-% of the SDK over the other client, per tree)"
benchstat -col /tree -filter '.name:/Paired/' "$out/all.txt" | tee "$out/ab.paired.benchstat.txt"
