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

for target in "${targets[@]}"; do
	echo "== $target ($fuzztime)"
	go test -run '^$' -fuzz "^${target}\$" -fuzztime "$fuzztime" -fuzzminimizetime "$minimize" .
done
