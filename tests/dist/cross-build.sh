#!/usr/bin/env bash
# Set up (once) and build the cross build dir of this tree for a Debian
# architecture, next to the native build dir; print its path on stdout.
#
#   cross-build.sh SOURCE_DIR NATIVE_BUILD_DIR ARCH      (ARCH: arm64, armhf)
#
# <NATIVE_BUILD_DIR>/cross-ARCH, with cross/ARCH.ini and the VM test programs;
# later runs are incremental (ninja). Concurrent callers wait on a lock.
# Exit 77 with "SKIP: reason" when the cross toolchain or qemu-user is missing
# (scripts/install-deps.sh cross installs them).
set -euo pipefail
src="$(cd "${1:?source dir}" && pwd)" native="$(cd "${2:?native build dir}" && pwd)" arch="${3:?arch}"
skip() {
	echo "SKIP: $*"
	exit 77
}
case "$arch" in
arm64) triplet=aarch64-linux-gnu qemu=qemu-aarch64 ;;
armhf) triplet=arm-linux-gnueabihf qemu=qemu-arm ;;
*)
	echo "cross-build: unknown arch '$arch'" >&2
	exit 2
	;;
esac
command -v "$triplet-gcc" >/dev/null || skip "no $triplet-gcc (scripts/install-deps.sh cross)"
command -v "$qemu" >/dev/null || skip "no $qemu (scripts/install-deps.sh cross: qemu-user)"
command -v "$triplet-pkg-config" >/dev/null || skip "no $triplet-pkg-config (scripts/install-deps.sh cross)"
[ -f "/usr/lib/$triplet/pkgconfig/cmocka.pc" ] || skip "no cmocka for $arch (scripts/install-deps.sh cross)"

b="$native/cross-$arch"
exec 9>"$b.lock"
flock 9
if [ ! -f "$b/build.ninja" ]; then
	rm -rf "$b"
	meson setup "$b" "$src" --cross-file "$src/cross/$arch.ini" -Dvm_tests=true -Ddist_tests=false \
		>"$b.setup.log" 2>&1 || {
		cat "$b.setup.log" >&2
		echo "cross-build: meson setup failed" >&2
		exit 1
	}
fi
# Everything, and what only tests use (generated inputs that are not built by
# default): the suites then run with --no-rebuild.
ninja -C "$b" all meson-test-prereq >"$b.ninja.log" 2>&1 || {
	tail -n 40 "$b.ninja.log" >&2
	echo "cross-build: ninja failed" >&2
	exit 1
}
echo "$b"
