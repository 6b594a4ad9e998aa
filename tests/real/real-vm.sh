#!/usr/bin/env bash
# Boot the guest with the real plugins on the host (the VM suite's 'real / vm' test and
# `make demo-real` both come through here):
#
#   tests/real/real-vm.sh BUILD_DIR IMAGE_DIR [vaccel-vm options...]
#
# 1. QEMU with vhost-user-accel (vmm/qemu/build-qemu.sh; cached)
# 2. the guest image for BUILD_DIR into IMAGE_DIR (vm/build-image.sh), plus, through
#    VACCEL_IMAGE_EXTRA: real-client and tests/real/guest/ in /usr/local/bin, and the data
#    the checks need in /usr/local/share/vaccel/real (digits model and labels, the known
#    digit, the held-out digits, the faces photo and its ground truth)
# 3. vm/vaccel-vm with the daemon serving libvaccel-blas.so, -torch.so and -vision.so
#    (VACCEL_PLUGINS, in that order: see docs/real-plugins.md) and the given options.
# Exit status: vaccel-vm's; 77 when a plugin, the data or QEMU is missing (SKIP: line).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
src="$(cd "$here/../.." && pwd)"
build="$(cd "${1:?build dir}" && pwd)"
image="${2:?image dir}"
shift 2
skip() {
	echo "SKIP: $*"
	exit 77
}

plugins=""
for p in blas torch vision; do
	f="$build/plugins/$p/libvaccel-$p.so"
	[ -f "$f" ] || skip "libvaccel-$p.so is not built (scripts/install-deps.sh blas torch vision, then meson setup --reconfigure)"
	plugins="${plugins:+$plugins:}$f"
done
client="$build/tests/real/real-client"
[ -x "$client" ] || skip "real-client is not built"
for f in torch/digits.pt torch/digits-labels.txt torch/digit-7.png torch/heldout.txt \
	vision/faces.png vision/faces-truth.txt; do
	[ -f "$build/plugins/$f" ] || skip "$build/plugins/$f was not made"
done

if [ -z "${VACCEL_QEMU:-}" ]; then
	VACCEL_QEMU="$("$src/vmm/qemu/build-qemu.sh" 2>"$build/qemu-build.log" | tail -n1)" ||
		skip "QEMU with vhost-user-accel could not be built ($build/qemu-build.log)"
	export VACCEL_QEMU
fi

extra="$(mktemp -d "${TMPDIR:-/tmp}/vaccel-real-extra.XXXXXX")"
trap 'rm -rf "$extra"' EXIT
share="$extra/usr/local/share/vaccel/real"
mkdir -p "$extra/usr/local/bin" "$share"
cp "$client" "$here/guest/"* "$extra/usr/local/bin/"
# The benchmark's client too, when built (bench/run-bench-real.sh runs it in the guest).
[ ! -x "$build/bench/bench-real" ] || cp "$build/bench/bench-real" "$extra/usr/local/bin/"
cp -r "$build/plugins/torch/"{digits.pt,digits-labels.txt,digit-7.png,heldout.txt,heldout} "$share/"
cp "$build/plugins/vision/"{faces.png,faces-truth.txt} "$share/"
rc=0
VACCEL_IMAGE_EXTRA="$extra" "$src/vm/build-image.sh" "$build" "$image" >&2 || rc=$?
case $rc in
0) ;;
3) skip "the image has no virtio_accel.ko (no module source)" ;;
4) skip "the guest kernel package could not be obtained" ;;
*) exit "$rc" ;;
esac

export VACCEL_BUILD_DIR="$build" VACCEL_VM_IMAGE_DIR="$image" VACCEL_PLUGINS="$plugins"
export VACCEL_DAEMON="${VACCEL_DAEMON:-$build/backend/vhost-user-accel}"
set +e
"$src/vm/vaccel-vm" "$@"
rc=$?
exit "$rc"
