#!/usr/bin/env bash
# Runs every SDK operation against Prism mock servers of the OpenAPI spec
# and of the live-API overlay (conformance/prism_test.go). Prism answers
# with the documents' examples and flags each request that breaks them; any
# flag fails the run. One Prism mocks one document, so a second instance
# serves testdata/live-api-overlay.yaml (Prism resolves its $refs into the
# spec next to it).
#
# Prism comes from the npm registry at the version pinned in
# .ci/prism/package-lock.json and is installed into .ci/prism/node_modules
# (ignored by git). PRISM_PORT picks the spec's port (default 4010),
# PRISM_OVERLAY_PORT the overlay's (default PRISM_PORT + 1).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
prism_dir=.ci/prism
prism="$prism_dir/node_modules/.bin/prism"
port="${PRISM_PORT:-4010}"
overlay_port="${PRISM_OVERLAY_PORT:-$((port + 1))}"

# The machine image has Node.js and npm; install Debian's if it does not.
if ! command -v npm >/dev/null; then
	echo "prism: npm not found, installing Debian's nodejs and npm"
	apt-get update -qq && apt-get install -y -qq nodejs npm >/dev/null
fi

# Install when missing or when the lock file changed since the install.
if [ ! -x "$prism" ] || [ "$prism_dir/package-lock.json" -nt "$prism_dir/node_modules/.package-lock.json" ]; then
	echo "prism: installing $(node -p "require('./$prism_dir/package.json').dependencies['@stoplight/prism-cli']") with npm ci"
	npm ci --prefix "$prism_dir" --no-audit --no-fund --ignore-scripts --loglevel=error
fi

log="$(mktemp)"
overlay_log="$(mktemp)"
"$prism" mock -h 127.0.0.1 -p "$port" testdata/digitalocean-v2-subset.yaml >"$log" 2>&1 &
pid=$!
"$prism" mock -h 127.0.0.1 -p "$overlay_port" testdata/live-api-overlay.yaml >"$overlay_log" 2>&1 &
overlay_pid=$!
cleanup() {
	kill "$pid" "$overlay_pid" 2>/dev/null || true
	wait "$pid" "$overlay_pid" 2>/dev/null || true
	rm -f "$log" "$overlay_log"
}
trap cleanup EXIT

# Prism prints this line once it serves; give each up to 60 s.
await() { # pid log port
	for _ in $(seq 1 120); do
		if grep -q "Prism is listening" "$2"; then
			echo "prism: $("$prism" --version) listening on 127.0.0.1:$3"
			return 0
		fi
		if ! kill -0 "$1" 2>/dev/null; then
			break
		fi
		sleep 0.5
	done
	echo "prism: did not start on 127.0.0.1:$3; its log:" >&2
	cat "$2" >&2
	return 1
}
await "$pid" "$log" "$port"
await "$overlay_pid" "$overlay_log" "$overlay_port"

cd conformance
PRISM_URL="http://127.0.0.1:$port" PRISM_OVERLAY_URL="http://127.0.0.1:$overlay_port" \
	go test -tags prism -run '^TestPrism$' -count=1 -timeout 5m . || {
	echo "prism: failed; the last lines of Prism's logs:" >&2
	tail -n 40 "$log" "$overlay_log" >&2
	exit 1
}
