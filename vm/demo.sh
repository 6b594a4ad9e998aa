#!/usr/bin/env bash
# `make demo`: build everything and classify an image from inside a VM.
#
#   vm/demo.sh [BUILD_DIR]      (default: build)
#
# Installs what it needs (scripts/install-deps.sh base vm), builds the tree with
# meson/ninja, the patched QEMU (cached after the first ~5 minutes) and the guest
# image, then runs
#   vaccel-vm -c "classify /usr/local/share/vaccel/images/example.jpg"
# The host log ([host] lines) shows the noop plugin registering its ops and
# serving the call; the guest prints the dummy classification.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/.." && pwd)"
build="$(realpath -m "${1:-${VACCEL_BUILD_DIR:-$repo/build}}")"
step() { printf '\n==> %s\n' "$*" >&2; }

step "dependencies (scripts/install-deps.sh base vm)"
"$repo/scripts/install-deps.sh" base vm

step "vAccel, plugins, daemon, examples (meson/ninja in $build)"
if [ ! -f "$build/build.ninja" ]; then
	meson setup "$build" "$repo" >/dev/null
fi
ninja -C "$build" >/dev/null

step "QEMU with vhost-user-accel (vmm/qemu/build-qemu.sh; cached)"
VACCEL_QEMU="$("$repo/vmm/qemu/build-qemu.sh" | tail -n1)"
export VACCEL_QEMU

step "guest image (vm/build-image.sh)"
"$repo/vm/build-image.sh" "$build" "$build/vm-image"

step "classify an image in the guest, noop plugin on the host"
export VACCEL_BUILD_DIR="$build" VACCEL_VM_IMAGE_DIR="$build/vm-image"
export VACCEL_PLUGINS="${VACCEL_PLUGINS:-libvaccel-noop.so}" VACCEL_LOG_LEVEL="${VACCEL_LOG_LEVEL:-4}"
exec "$repo/vm/vaccel-vm" -c "classify /usr/local/share/vaccel/images/example.jpg"
