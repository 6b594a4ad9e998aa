#!/usr/bin/env bash
# lintian on the amd64 packages (suite dist): no error, and no warning that
# debian/*.lintian-overrides does not justify.
#   deb-lintian.sh SOURCE_DIR BUILD_DIR
set -uo pipefail
src="$(cd "${1:?source dir}" && pwd)"
build="$(cd "${2:?build dir}" && pwd)"
command -v lintian >/dev/null || { echo "SKIP: no lintian (scripts/install-deps.sh pkg)"; exit 77; }
work="$build/tests/dist/deb-lintian"
rm -rf "$work"
"$src/packaging/dist.sh" --out "$work" deb-amd64 2>&1 | sed 's/^/# /'
[ "${PIPESTATUS[0]}" -eq 0 ] || { echo "FAIL: packaging/dist.sh deb-amd64"; exit 1; }
ls "$work"/*.deb | xargs -n1 basename | sed 's/^/# /'
lintian --tag-display-limit 0 "$work"/*.deb >"$work/lintian.out" 2>&1
grep -v -e '^running with root privileges' "$work/lintian.out" | sed 's/^/# /'
tags="$(grep -E '^[EW]: ' "$work/lintian.out" || true)"
[ -z "$tags" ] || { echo "FAIL: lintian errors or unjustified warnings:"; echo "$tags"; exit 1; }
echo "lintian: no error, no warning ($(ls "$work"/*.deb | wc -l) packages)"
