#!/usr/bin/env bash
# `make demo-real`: the VM demo with real acceleration on the host.
#
#   vm/demo-real.sh [BUILD_DIR]      (default: build)
#
# Installs what it needs (scripts/install-deps.sh base vm blas torch vision), builds the
# tree (the digits model and the faces photo are made on the way, cached), the patched
# QEMU (cached) and the guest image, then boots the guest with the host daemon serving
# libvaccel-blas.so, -torch.so and -vision.so (tests/real/real-vm.sh), and in the guest:
#   1. classifies a held-out digit image with the digits model (torch), expecting 7;
#   2. detects the faces in the test photo (vision), checked against its ground truth;
#   3. runs a 256 x 256 sgemm (blas), checked against a naive reference.
# Prints the answers; exits 0 only if all three are right. The host keeps an annotated
# copy of the photo in BUILD_DIR/demo-real/ (VACCEL_VISION_OUTPUT_DIR).
set -euo pipefail
# shellcheck source=vm/demo-lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/demo-lib.sh" "$@"

demo_deps base vm blas torch vision
demo_build "vAccel, plugins, daemon, digits model, faces photo" plugins/torch/libvaccel-torch.so
demo_qemu

step "guest image, then the demo in the guest (host: blas, torch, vision plugins)"
out="$build/demo-real"
mkdir -p "$out"
d=/usr/local/share/vaccel/real
export VACCEL_VISION_OUTPUT_DIR="$out" VACCEL_LOG_LEVEL="${VACCEL_LOG_LEVEL:-2}"
set +e
"$repo/tests/real/real-vm.sh" "$build" "$build/vm-image-real" -m 1024 -c "
echo '--- 1. classify a digit (torch plugin, TorchScript model registered from the guest)'
real-client classify $d/digits.pt $d/digits-labels.txt $d/digit-7.png 7 || exit 1
echo '--- 2. faces in the test photo (vision plugin)'
real-client detect $d/faces.png $d/faces-truth.txt || exit 2
echo '--- 3. sgemm (blas plugin)'
real-client sgemm 256 || exit 3
echo '--- all three answers verified'"
rc=$?
set -e
if [ $rc -eq 0 ]; then
	echo "demo-real: OK (annotated faces photo on the host: $(ls "$out"/*.png 2>/dev/null | head -n1))"
else
	echo "demo-real: FAILED (exit $rc)" >&2
fi
exit $rc
