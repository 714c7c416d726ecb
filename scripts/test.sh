#!/usr/bin/env bash
# The whole test suite: the SDK module and every nested module (conformance,
# benchmarks harness), with the race detector. Benchmarks themselves run
# from bench/run.sh.
#
#   scripts/test.sh                           with the installed Go
#   GOTOOLCHAIN=go1.27.3 scripts/test.sh      with another Go release (the
#                                             go command fetches it once
#                                             from the module proxy)
#
# Every module runs even when an earlier one fails, so one run reports
# every failure. TEST_TIMEOUT caps each test binary (default 300s: the root
# package takes about a minute alone, several on a loaded 2-core machine).
set -euo pipefail
cd "$(dirname "$0")/.."
timeout="${TEST_TIMEOUT:-300s}"
echo "== $(go version)"
failed=()
for mod in . conformance bench; do
	[ -f "$mod/go.mod" ] || continue
	echo "== go test -race -count=1 -timeout $timeout ./... in $mod"
	(cd "$mod" && go test -race -count=1 -timeout "$timeout" ./...) || failed+=("$mod")
done
if [ ${#failed[@]} -gt 0 ]; then
	echo "== FAILED with $(go env GOVERSION) in: ${failed[*]}"
	exit 1
fi
