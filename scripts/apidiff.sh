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
# apidiff's "(*T).M" may be written `T.M`, its "./pkg." prefix is `pkg.`),
# or the type or function the identifier belongs to (`AppSpec` covers
# `AppSpec.Validate` and `AppSpec.Foo`). The item's wrapped lines and nested
# list count as part of it. A removed package is named by its import path.
# Commands (package main, such as examples/provider) are not API.
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

# normalize writes a name the way the check compares it: "(*T).M" and
# "T.M()" as T.M, "*T" as T, "digitalocean.X" (the root package) as X.
normalize() {
	sed -E 's/\(\*?([A-Za-z0-9_]+)\)/\1/g; s/^\*//; s/\(\)$//; s/^digitalocean\.//'
}

# breaking_items prints the list items that start with "- **Breaking:**",
# with their continuation lines (wrapped text, nested lists).
breaking_items() {
	awk '/^- / { on = /^- \*\*Breaking:?\*\*/ } /^[^ \t-]/ { on = 0 } on'
}

# The backquoted names on the Breaking items of the Unreleased section.
awk '/^## \[Unreleased\]/ { on = 1; next } /^## / { on = 0 } on' CHANGELOG.md >"$tmp/unreleased"
declare -A listed=()
while IFS= read -r name; do
	listed[$name]=1
done < <(breaking_items <"$tmp/unreleased" | grep -oE '`[^`]+`' | tr -d '`' | normalize || true)

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

# Commands (package main) cannot be imported: their exported names are
# not API, whatever apidiff says about them.
declare -A commands=()
while IFS= read -r pkg; do
	[[ -n $pkg ]] && commands[${pkg#"$module"/}]=1
done < <(go list -f '{{if eq .Name "main"}}{{.ImportPath}}{{end}}' ./... 2>/dev/null)

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
		ident=$(normalize <<<"$ident")
		qual=""
		if [[ $ident == ./* ]]; then # ./dir/pkg.T.M: qualified by the package name
			ident=${ident#./}
			local_pkg=${ident%%.*}
			if [[ -n ${commands[$local_pkg]:-} ]]; then
				total=$((total - 1))
				continue
			fi
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
