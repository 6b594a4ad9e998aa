#!/usr/bin/env bash
# The VM artifacts, booted as their README says (suite dist):
#
#   vm-artifacts.sh SOURCE_DIR BUILD_DIR
#
# Builds vaccel-virtio-vm_<ver>_{amd64,arm64}.tar.xz and the amd64 .debs
# (packaging/dist.sh, cached), unpacks the vaccel-vm, vhost-user-accel,
# libvaccel0 and vaccel-plugins packages into a scratch dir (not installed),
# and from inside each unpacked artifact runs the README's one command with
# that vaccel-vm (and so the package's private QEMU):
#   vaccel-vm -r rootfs.img -c "classify /usr/local/share/vaccel/images/example.jpg"
# classify must print the seed's output; the guest booted from rootfs.img
# through initrd-boot.cpio.gz (virtio-blk; virtio-mmio on aarch64).
set -uo pipefail
# shellcheck source=tests/dist/common.sh
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"
work_dir vm-artifacts
mkdir -p "$work/pkgs"
t0=$(date +%s)
dist_artifacts deb-amd64 vm-amd64 vm-arm64
echo "# artifacts ready in $(($(date +%s) - t0)) s"
for p in vaccel-vm vhost-user-accel libvaccel0 vaccel-plugins; do
	dpkg-deb -x "$(ls "$work/dist/${p}_"*_amd64.deb)" "$work/pkgs" || fail "no $p package"
done
x="$work/pkgs"
ml="$(dpkg-architecture -qDEB_HOST_MULTIARCH)"
pass=0
for arch in amd64 arm64; do
	t=$(date +%s)
	tar -C "$work" -xJf "$(ls "$work/dist"/vaccel-virtio-vm_*_"$arch".tar.xz)" || fail "unpack the $arch artifact"
	dir="$(ls -d "$work"/vaccel-virtio-vm_*_"$arch")"
	(cd "$dir" && sha256sum -c --quiet SHA256SUMS) || fail "$arch: SHA256SUMS"
	grep -q 'vaccel-vm -r rootfs.img -c "classify /usr/local/share/vaccel/images/example.jpg"' "$dir/README" ||
		fail "$arch: README lacks the boot command"
	# The packaged daemon and plugins, not installed: their dirs on the library path.
	(cd "$dir" && env -u VACCEL_BUILD_DIR -u VACCEL_VM_IMAGE_DIR -u VACCEL_QEMU \
		VACCEL_DAEMON="$x/usr/bin/vhost-user-accel" VACCEL_PLUGINS=libvaccel-noop.so VACCEL_LOG_LEVEL=1 \
		LD_LIBRARY_PATH="$x/usr/lib/$ml:$x/usr/lib/$ml/vaccel" \
		"$x/usr/bin/vaccel-vm" -v --no-kvm -t 300 -r rootfs.img \
		-c "echo VMART-BEGIN; classify /usr/local/share/vaccel/images/example.jpg; echo VMART-END" \
		>"$work/$arch.log" 2>&1)
	rc=$?
	sed -n '/^VMART-BEGIN/,/^VMART-END/p' "$work/$arch.log" | sed -e '1d' -e '$d' >"$work/$arch.out"
	if [ $rc -ne 0 ] || ! diff -u "$src/tests/examples/expected/classify.out" "$work/$arch.out"; then
		tail -n 40 "$work/$arch.log"
		fail "$arch artifact: classify (vaccel-vm exit $rc, log $work/$arch.log)"
	fi
	grep -q "guest: $x/usr/bin/../lib/vaccel/qemu/bin/qemu-system-" "$work/$arch.log" ||
		fail "$arch: vaccel-vm did not use the package's private QEMU"
	echo "ok - $arch artifact: README command, classify prints the seed's output ($(($(date +%s) - t)) s)"
	pass=$((pass + 1))
done
echo "vm-artifacts: $pass passed in $(($(date +%s) - t0)) s"
