#!/usr/bin/env bash
# Runs every SDK operation against a Prism mock server of the OpenAPI spec
# (conformance/prism_test.go). Prism answers with the spec's examples and
# flags each request that breaks the spec; any flag fails the run.
#
# Prism comes from the npm registry at the version pinned in
# .ci/prism/package-lock.json and is installed into .ci/prism/node_modules
# (ignored by git). PRISM_PORT picks the port (default 4010).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
prism_dir=.ci/prism
prism="$prism_dir/node_modules/.bin/prism"
port="${PRISM_PORT:-4010}"

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
"$prism" mock -h 127.0.0.1 -p "$port" testdata/digitalocean-v2-subset.yaml >"$log" 2>&1 &
pid=$!
cleanup() {
	kill "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
	rm -f "$log"
}
trap cleanup EXIT

# Prism prints this line once it serves; give it up to 60 s.
ready=""
for _ in $(seq 1 120); do
	if grep -q "Prism is listening" "$log"; then
		ready=yes
		break
	fi
	if ! kill -0 "$pid" 2>/dev/null; then
		break
	fi
	sleep 0.5
done
if [ -z "$ready" ]; then
	echo "prism: did not start on 127.0.0.1:$port; its log:" >&2
	cat "$log" >&2
	exit 1
fi
echo "prism: $("$prism" --version) listening on 127.0.0.1:$port"

cd conformance
PRISM_URL="http://127.0.0.1:$port" go test -tags prism -run '^TestPrism$' -count=1 -timeout 5m . || {
	echo "prism: failed; the last lines of Prism's log:" >&2
	tail -n 40 "$log" >&2
	exit 1
}
