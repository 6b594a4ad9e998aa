#!/usr/bin/env bash
# lintian on the amd64 packages (suite dist): no error, and no warning that
# debian/common.lintian-overrides does not justify.
#   deb-lintian.sh SOURCE_DIR BUILD_DIR
set -uo pipefail
# shellcheck source=tests/dist/common.sh
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"
command -v lintian >/dev/null || skip "no lintian (scripts/install-deps.sh pkg)"
work_dir deb-lintian
dist_artifacts deb-amd64
ls "$work/dist"/*.deb | xargs -n1 basename | sed 's/^/# /'
lintian --tag-display-limit 0 "$work/dist"/*.deb >"$work/lintian.out" 2>&1
grep -v -e '^running with root privileges' "$work/lintian.out" | sed 's/^/# /'
tags="$(grep -E '^[EW]: ' "$work/lintian.out" || true)"
[ -z "$tags" ] || fail "lintian errors or unjustified warnings:
$tags"
echo "lintian: no error, no warning ($(ls "$work/dist"/*.deb | wc -l) packages)"
