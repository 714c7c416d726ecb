#!/usr/bin/env bash
# Runs every fuzz target of the root package for a short fixed time each.
#   FUZZTIME=30s scripts/fuzz.sh            # longer runs
#   scripts/fuzz.sh FuzzEscapePath          # selected targets
# New failing inputs are written to testdata/fuzz/<FuzzName>/; commit them
# with the fix so they stay regression tests.
set -euo pipefail
cd "$(dirname "$0")/.."

fuzztime="${FUZZTIME:-10s}"
# Minimising each new interesting input may take up to a minute by default,
# which would eat a short run; failures are still minimised, briefly.
minimize="${FUZZMINIMIZETIME:-5s}"

if [ "$#" -gt 0 ]; then
	targets=("$@")
else
	mapfile -t targets < <(go test -list '^Fuzz' . | grep '^Fuzz')
fi

# fuzz_once runs one target, keeping its output for the retry check.
fuzz_once() {
	go test -run '^$' -fuzz "^${1}\$" -fuzztime "$fuzztime" -fuzzminimizetime "$minimize" . 2>&1 | tee "$log"
	return "${PIPESTATUS[0]}"
}

log="$(mktemp)"
trap 'rm -f "$log"' EXIT
for target in "${targets[@]}"; do
	echo "== $target ($fuzztime)"
	corpus="testdata/fuzz/$target"
	before="$(ls "$corpus" 2>/dev/null || true)"
	fuzz_once "$target" && continue
	# Go's fuzzing coordinator can give up on a slow worker on a loaded
	# machine ("context deadline exceeded") without any failing input.
	# That, and only that, is retried once; a failing input always fails.
	if grep -q "context deadline exceeded" "$log" && [ "$(ls "$corpus" 2>/dev/null || true)" = "$before" ]; then
		echo "== $target: the fuzzing engine timed out without a failing input; once more"
		fuzz_once "$target" && continue
	fi
	exit 1
done
