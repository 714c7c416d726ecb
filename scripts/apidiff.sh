#!/usr/bin/env bash
# Fails when the exported API of the root module (every package of it but
# internal/ ones; conformance/ and bench/ are modules of their own) has an
# incompatible change that CHANGELOG.md's Unreleased section does not list.
#
#   scripts/apidiff.sh                  against the recorded base (below)
#   APIDIFF_BASE=HEAD^ scripts/apidiff.sh   against another commit
#
# The convention, also at the top of CHANGELOG.md: each incompatible change
# is a list item under "## [Unreleased]" that starts with "- **Breaking:**"
# and names, in backquotes, the identifier apidiff reports
# (`NormalizeAppSpec`, `AppSpec.Validate`, `digitaloceantest.Server.Foo`;
# apidiff's "(*T).M" is written `T.M`, its "./pkg." prefix `pkg.`), or the
# type or function the identifier belongs to (`AppSpec` covers
# `AppSpec.Validate` and `AppSpec.Foo`). A removed package is named by its
# import path.
#
# The base. Not HEAD^: helpers land several commits at once (a
# fast-forward merge), CI runs on the last one, and a break in any earlier
# commit would never be compared; and a break that slipped through once
# would pass for good after the next commit. Instead the base is a recorded
# commit, .ci/apidiff-base: the last published state of the API (today the
# last commit landed before the Unreleased work, f84a4e6; after a release,
# the release's commit). Unreleased then lists every incompatible change
# since that base, however many commits it took, which is what a user
# upgrading from the base needs to read. Move the base when a version is
# tagged (and start a new Unreleased section then).
set -euo pipefail
cd "$(dirname "$0")/.."

apidiff_version=v0.0.0-20261120182113-8801fbdfac81 # golang.org/x/exp, from the module proxy
module=$(go list -m)
base=${APIDIFF_BASE:-$(grep -v '^#' .ci/apidiff-base | head -n1)}
base_commit=$(git rev-parse --verify --quiet "$base^{commit}") || {
	echo "apidiff: base $base is not a commit of this clone (a shallow clone? fetch it)" >&2
	exit 1
}

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
GOBIN="$tmp/bin" go install "golang.org/x/exp/cmd/apidiff@$apidiff_version"

# The base's API, from a clean export of its tree.
mkdir "$tmp/base"
git archive "$base_commit" | tar -x -C "$tmp/base"
(cd "$tmp/base" && "$tmp/bin/apidiff" -m -w "$tmp/base.export" "$module") 2> >(grep -v "^Ignoring internal package" >&2)

# This tree's incompatible changes, one "- IDENT: what" line each.
"$tmp/bin/apidiff" -m -incompatible "$tmp/base.export" "$module" >"$tmp/report" 2> >(grep -v "^Ignoring internal package" >&2)

# The backquoted names on the Breaking lines of the Unreleased section.
awk '/^## \[Unreleased\]/ { on = 1; next } /^## / { on = 0 } on' CHANGELOG.md >"$tmp/unreleased"
declare -A listed=()
while IFS= read -r name; do
	listed[$name]=1
done < <(grep -E '^- \*\*Breaking:?\*\*:?' "$tmp/unreleased" | grep -oE '`[^`]+`' | tr -d '`' || true)

# listed_as IDENT: IDENT, or a prefix of it ending before a dot, is listed.
# A package qualifier alone (pkg. in pkg.T.M) does not count.
is_listed() {
	local qual=$1 rest=$2
	while :; do
		[[ -n ${listed[$qual$rest]:-} ]] && return 0
		[[ $rest == *.* ]] || return 1
		rest=${rest%.*}
	done
}

unlisted=0 total=0
while IFS= read -r line; do
	[[ $line == "- "* ]] || continue
	total=$((total + 1))
	change=${line#- }
	if [[ $change == "package "* ]]; then # "package PATH: removed"
		ident=${change#package }
		ident=${ident%%: *}
		qual="" rest=$ident
		[[ -n ${listed[$ident]:-} || -n ${listed[${ident#"$module"/}]:-} ]] && continue
	else
		ident=${change%%: *}
		ident=$(sed -E 's/\(\*?([A-Za-z0-9_]+)\)/\1/g' <<<"$ident") # (*T).M -> T.M
		qual=""
		if [[ $ident == ./* ]]; then # ./dir/pkg.T.M: qualified by the package name
			ident=${ident#./}
			local_pkg=${ident%%.*}
			qual="${local_pkg##*/}."
			ident=${ident#*.}
		fi
		rest=$ident
		is_listed "$qual" "$rest" && continue
	fi
	if ((unlisted == 0)); then
		echo "apidiff: incompatible changes since $(git rev-parse --short "$base_commit") that CHANGELOG.md's Unreleased section does not list"
		echo "(each needs a \"- **Breaking:**\" line naming it in backquotes; see the top of CHANGELOG.md):"
	fi
	unlisted=$((unlisted + 1))
	echo "  $change    [list it as \`$qual$rest\`]"
done <"$tmp/report"

if ((unlisted > 0)); then
	echo "apidiff: $unlisted of $total incompatible changes are not listed"
	exit 1
fi
echo "apidiff: $total incompatible changes since $(git rev-parse --short "$base_commit"), all listed in CHANGELOG.md"
