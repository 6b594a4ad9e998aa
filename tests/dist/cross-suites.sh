#!/usr/bin/env bash
# The cross build's unit, example and transport suites under qemu-user.
#
#   cross-suites.sh SOURCE_DIR NATIVE_BUILD_DIR ARCH      (ARCH: arm64, armhf)
#
# Builds <NATIVE_BUILD_DIR>/cross-ARCH (cross-build.sh), then runs its suites
# with meson's exe_wrapper (qemu-aarch64 / qemu-arm, no -L); harnesses that
# start other programs (the daemon, the examples) pass MESON_EXE_WRAPPER on.
# Passes when every test passed and at least one ran.
set -uo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
b="$("$here/cross-build.sh" "$@")"
rc=$?
[ $rc -eq 0 ] || { echo "$b"; exit $rc; }
suites=(core ops virtio vhost-user wire plugin-virtio driver examples transport)
args=()
for s in "${suites[@]}"; do args+=(--suite "$s"); done
echo "# $3: meson test -C $b ${args[*]}"
# The native build's library path (meson sets it for this test) is not the cross build's.
unset LD_LIBRARY_PATH
meson test -C "$b" --no-rebuild --print-errorlogs --num-processes 2 "${args[@]}" >"$b.test.log" 2>&1
rc=$?
grep -E '^ *[0-9]+/[0-9]+ ' "$b.test.log" | grep -v ' OK ' || true
grep -E '^(Ok|Fail|Skipped|Timeout|Expected Fail|Unexpected Pass): ' "$b.test.log"
ok="$(sed -n 's/^Ok: *//p' "$b.test.log")"
if [ $rc -ne 0 ]; then
	tail -n 200 "$b.test.log"
	echo "FAIL: $3 suites (log: $b.test.log)"
	exit 1
fi
[ "${ok:-0}" -gt 0 ] || { echo "FAIL: no test ran"; exit 1; }
echo "$3: ${ok} tests passed under qemu-user"
