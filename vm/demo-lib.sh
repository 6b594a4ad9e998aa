# SPDX-License-Identifier: Apache-2.0
# shellcheck shell=bash
# Sourced by vm/demo*.sh, with the demo's arguments: sets here, repo and build
# (BUILD_DIR, first argument; else VACCEL_BUILD_DIR; else <repo>/build) and gives
# the steps every demo takes before its guest runs. Each prints a step line.
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/.." && pwd)"
build="$(realpath -m "${1:-${VACCEL_BUILD_DIR:-$repo/build}}")"
step() { printf '\n==> %s\n' "$*" >&2; }

# demo_deps GROUP...: the packages of those groups (scripts/install-deps.sh).
demo_deps() {
	step "dependencies (scripts/install-deps.sh $*)"
	"$repo/scripts/install-deps.sh" "$@"
}

# demo_build WHAT [NEEDS]: configure and build the tree. NEEDS is a file (under the
# build dir) that the build makes only when optional packages were found: a build dir
# configured without it is set up again from scratch (--wipe, keeping its options), so
# the auto features see the packages: a plain --reconfigure keeps meson's cached
# "library not found" answers (make demo, then make demo-real, built no torch plugin).
demo_build() {
	step "$1 (meson/ninja in $build)"
	if [ ! -f "$build/build.ninja" ]; then
		meson setup "$build" "$repo" >/dev/null
	elif [ -n "${2:-}" ] && [ ! -f "$build/$2" ]; then
		meson setup --wipe "$build" "$repo" >/dev/null
	fi
	ninja -C "$build" >/dev/null
}

# demo_qemu: the patched QEMU (built once, then cached), exported as VACCEL_QEMU.
demo_qemu() {
	step "QEMU with vhost-user-accel (vmm/qemu/build-qemu.sh; cached)"
	VACCEL_QEMU="$("$repo/vmm/qemu/build-qemu.sh" | tail -n1)"
	export VACCEL_QEMU
}
