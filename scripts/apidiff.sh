#!/usr/bin/env bash
# The Go API changes of this module's packages (gen/, pkg/..., api/, cmd/...; internal/ is not API) between
# two revisions, with golang.org/x/exp's apidiff, to decide the semver bump of the next release.
#
#   scripts/apidiff.sh BASE [NEW]      # NEW defaults to the working tree; `make apidiff BASE=v0.1.0`
#
# Each revision is checked out with `git worktree` into a temporary directory (the working tree is not
# touched). apidiff runs from the module proxy at a pinned version (APIDIFF overrides the command).
set -euo pipefail

APIDIFF=${APIDIFF:-go run golang.org/x/exp/cmd/apidiff@v0.0.0-20261113113407-e3970619a1a4}
base=${1:-}
new=${2:-}
if [ -z "$base" ]; then
	echo "usage: $0 BASE [NEW]   (git revisions; NEW defaults to the working tree)" >&2
	exit 2
fi

root=$(git rev-parse --show-toplevel)
module=$(cd "$root" && go list -m)
tmp=$(mktemp -d)
worktrees=()
cleanup() {
	for w in "${worktrees[@]}"; do git -C "$root" worktree remove --force "$w" >/dev/null 2>&1 || true; done
	rm -rf "$tmp"
}
trap cleanup EXIT

checkout() { # revision dir
	git -C "$root" worktree add --detach --quiet "$2" "$1"
	worktrees+=("$2")
}

checkout "$base" "$tmp/base"
(cd "$tmp/base" && $APIDIFF -m -w "$tmp/base.api" "$module")
newdir=$root
newname="the working tree"
if [ -n "$new" ]; then
	checkout "$new" "$tmp/new"
	newdir=$tmp/new
	newname=$new
fi
(cd "$newdir" && $APIDIFF -m -w "$tmp/new.api" "$module")

echo "== Go API changes of $module: $base -> $newname"
report=$($APIDIFF -m "$tmp/base.api" "$tmp/new.api" 2>"$tmp/stderr") || { cat "$tmp/stderr" >&2; exit 1; }
grep -v '^Ignoring internal package' "$tmp/stderr" >&2 || true
if [ -z "$report" ]; then
	echo "no changes to the exported API"
else
	echo "$report"
fi

# The bump this asks for (a v0 module takes a minor bump for incompatible changes).
version=$(sed -n 's/^const Version = "\(.*\)"$/\1/p' "$newdir/pkg/iconect/client.go" 2>/dev/null || true)
echo
if grep -q '^Incompatible changes:' <<<"$report"; then
	echo "suggested bump: incompatible changes -> major (minor while the version, ${version:-?}, is 0.x)"
elif grep -q '^Compatible changes:' <<<"$report"; then
	echo "suggested bump: compatible additions -> minor"
else
	echo "suggested bump: no API change -> patch"
fi
