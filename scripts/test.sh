#!/usr/bin/env bash
# The whole test suite: the SDK module and every nested module (conformance,
# benchmarks harness), with the race detector. Benchmarks themselves run
# from bench/run.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
for mod in . conformance bench; do
  [ -f "$mod/go.mod" ] || continue
  echo "== go test -race -count=1 -timeout 120s ./... in $mod"
  (cd "$mod" && go test -race -count=1 -timeout 120s ./...)
done
