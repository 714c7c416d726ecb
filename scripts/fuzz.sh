#!/usr/bin/env bash
# Runs every fuzz target of the root and appspec packages for a short fixed
# time each.
#   FUZZTIME=30s scripts/fuzz.sh            # longer runs
#   scripts/fuzz.sh FuzzEscapePath          # selected targets (any package)
# New failing inputs are written to <package>/testdata/fuzz/<FuzzName>/; commit them
# with the fix so they stay regression tests.
set -euo pipefail
cd "$(dirname "$0")/.."

fuzztime="${FUZZTIME:-10s}"
# Minimising each new interesting input may take up to a minute by default,
# which would eat a short run; failures are still minimised, briefly.
minimize="${FUZZMINIMIZETIME:-5s}"

packages=(. ./appspec)
# targets are "package target" pairs.
targets=()
for pkg in "${packages[@]}"; do
	while read -r name; do
		if [ "$#" -eq 0 ] || [[ " $* " == *" $name "* ]]; then
			targets+=("$pkg $name")
		fi
	done < <(go test -list '^Fuzz' "$pkg" | grep '^Fuzz')
done
if [ "${#targets[@]}" -eq 0 ]; then
	echo "no fuzz target matches: $*" >&2
	exit 1
fi

# fuzz_once runs one target, keeping its output for the retry check.
fuzz_once() {
	go test -run '^$' -fuzz "^${2}\$" -fuzztime "$fuzztime" -fuzzminimizetime "$minimize" "$1" 2>&1 | tee "$log"
	return "${PIPESTATUS[0]}"
}

log="$(mktemp)"
trap 'rm -f "$log"' EXIT
for pair in "${targets[@]}"; do
	read -r pkg target <<<"$pair"
	echo "== $pkg $target ($fuzztime)"
	corpus="$pkg/testdata/fuzz/$target"
	before="$(ls "$corpus" 2>/dev/null || true)"
	fuzz_once "$pkg" "$target" && continue
	# Go's fuzzing coordinator can give up on a slow worker on a loaded
	# machine ("context deadline exceeded") without any failing input.
	# That, and only that, is retried once; a failing input always fails.
	if grep -q "context deadline exceeded" "$log" && [ "$(ls "$corpus" 2>/dev/null || true)" = "$before" ]; then
		echo "== $target: the fuzzing engine timed out without a failing input; once more"
		fuzz_once "$pkg" "$target" && continue
	fi
	exit 1
done
