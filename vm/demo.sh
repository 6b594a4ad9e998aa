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
# shellcheck source=vm/demo-lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/demo-lib.sh" "$@"

demo_deps base vm
demo_build "vAccel, plugins, daemon, examples"
demo_qemu

step "guest image (vm/build-image.sh)"
"$repo/vm/build-image.sh" "$build" "$build/vm-image"

step "classify an image in the guest, noop plugin on the host"
export VACCEL_BUILD_DIR="$build" VACCEL_VM_IMAGE_DIR="$build/vm-image"
export VACCEL_PLUGINS="${VACCEL_PLUGINS:-libvaccel-noop.so}" VACCEL_LOG_LEVEL="${VACCEL_LOG_LEVEL:-4}"
exec "$repo/vm/vaccel-vm" -c "classify /usr/local/share/vaccel/images/example.jpg"
