#!/usr/bin/env bash
# 'real / vm' (suite real, normal build only): the real plugins from inside a VM.
#   run-vm-real.sh SOURCE_DIR BUILD_DIR
# Boots the guest (QEMU TCG) through tests/real/real-vm.sh with the daemon serving the
# real plugins and runs tests/real/guest/vm-real-tests.sh in it; prints the guest's
# "ok -" / "not ok -" lines and a "N passed, N failed" summary. Exit 77 (skip) only when
# something cannot be built, with the reason.
set -uo pipefail
src="$(cd "${1:?source dir}" && pwd)"
build="$(cd "${2:?build dir}" && pwd)"
work="$build/tests/real/vm-run"
rm -rf "$work"
mkdir -p "$work"

t0=$(date +%s)
VACCEL_LOG_LEVEL=3 "$src/tests/real/real-vm.sh" "$build" "$work/image" --no-kvm --vcpus 2 \
	-m 1024 -t 900 -c "vm-real-tests.sh /usr/local/share/vaccel/real" >"$work/vm.log" 2>&1
rc=$?
grep '^SKIP:' "$work/vm.log" && exit 77
pass=$(grep -c '^ok - ' "$work/vm.log")
fail=$(grep -c '^not ok - ' "$work/vm.log")
grep -E '^(not )?ok - |^#   ' "$work/vm.log"
if ! grep -q '^guest: [0-9]* passed' "$work/vm.log"; then
	echo "not ok - the guest script did not finish (exit $rc)"
	tail -n 40 "$work/vm.log" | sed 's/^/#   /'
	fail=$((fail + 1))
fi
if grep -qiE 'AddressSanitizer|runtime error:|Segmentation|Kernel panic|BUG:|Oops' "$work/vm.log"; then
	echo "not ok - crash or oops in the log ($work/vm.log)"
	fail=$((fail + 1))
fi
[ $rc -eq 0 ] || { echo "not ok - vaccel-vm exit $rc"; fail=$((fail + 1)); }
echo "# VM (TCG) run: $(($(date +%s) - t0)) s, log $work/vm.log"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ] && [ "$pass" -gt 0 ]
