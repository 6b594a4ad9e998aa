#!/usr/bin/env bash
# The .debs on a fresh Debian 12 (suite dist):
#
#   deb-install.sh SOURCE_DIR BUILD_DIR
#
# Builds the amd64 packages (packaging/dist.sh deb-amd64, cached by the source
# tree's hash), unpacks a pristine Debian 12 root (fresh-debian.sh, cached) into
# BUILD_DIR, and in it, inside a private mount and PID namespace (nothing is
# installed on or left behind on this machine), runs deb-install-guest.sh:
# dpkg -i of the userspace packages, then classify over the socket transport
# from the installed files only. virtio-accel-dkms: its /usr/src tree builds
# the module against this machine's kernel headers, as DKMS would.
set -uo pipefail
# shellcheck source=tests/dist/common.sh
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"
here="$src/tests/dist"
need_namespaces "installing into a chroot"
work_dir deb-install
t0=$(date +%s)
dist_artifacts deb-amd64
tarball="$("$here/fresh-debian.sh")"
rc=$?
[ $rc -eq 0 ] || { echo "$tarball"; exit $rc; }
echo "# packages and chroot ready in $(($(date +%s) - t0)) s"

root="$work/root"
mkdir -p "$root"
zstd -dc "$tarball" | tar -x -C "$root" || fail "cannot unpack $tarball"
mkdir -p "$root/root/t"
for p in libvaccel0 libvaccel-dev vaccel-plugins vaccel-virtio vaccel-examples vhost-user-accel; do
	cp "$work/dist/${p}_"*_amd64.deb "$root/root/t/" || fail "no $p package"
done
cp "$here/deb-install-guest.sh" "$src/tests/install/upstream_app.c" "$src/tests/install/upstream_app.out" \
	"$src/tests/examples/expected/classify.out" "$root/root/t/"

in_namespaces bash -c '
	set -e
	root="$1"
	mount -t proc proc "$root/proc"
	mount --rbind /dev "$root/dev"
	mount -t tmpfs tmpfs "$root/run"
	mount -t tmpfs tmpfs "$root/tmp"
	exec chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root \
		/bin/bash /root/t/deb-install-guest.sh
' -- "$root"
rc=$?
[ $rc -eq 0 ] || fail "in the fresh Debian 12 root (exit $rc)"

# virtio-accel-dkms: the source tree DKMS gets builds on its own.
dkms_deb="$(ls "$work/dist"/virtio-accel-dkms_*_all.deb)"
dpkg-deb -x "$dkms_deb" "$work/dkms"
dkms_src="$(ls -d "$work/dkms/usr/src/virtio-accel-"*)"
grep -q 'addgroup --system --quiet vaccel' <(dpkg-deb -I "$dkms_deb" postinst) || fail "dkms postinst does not create the group vaccel"
[ -f "$work/dkms/lib/udev/rules.d/60-virtio-accel.rules" ] || fail "no udev rule in virtio-accel-dkms"
[ -f "$dkms_src/dkms.conf" ] || fail "no dkms.conf in $dkms_src"
# The guest kernel vm/build-image.sh uses by default (linux-image-cloud-amd64's).
kver="$(apt-cache depends linux-image-cloud-amd64 2>/dev/null |
	sed -n 's/^ *Depends: linux-image-\(.*-cloud-amd64\)$/\1/p' | sort -V | tail -n1)"
kdir="/usr/src/linux-headers-$kver"
if [ -n "$kver" ] && [ -f "$kdir/Makefile" ]; then
	# dkms.conf's MAKE line, with DKMS's variables filled in.
	make_cmd="$(sed -n 's/^MAKE\[0\]="\(.*\)"$/\1/p' "$dkms_src/dkms.conf")"
	make_cmd="${make_cmd//\$\{kernel_source_dir\}/$kdir}"
	make_cmd="${make_cmd//\$\{dkms_tree\}\/\$\{PACKAGE_NAME\}\/\$\{PACKAGE_VERSION\}\/build/$dkms_src}"
	echo "# dkms: $make_cmd"
	bash -c "$make_cmd" >"$work/dkms.log" 2>&1 || {
		tail -n 20 "$work/dkms.log"
		fail "the DKMS tree does not build"
	}
	[ -f "$dkms_src/virtio_accel.ko" ] || fail "the DKMS build made no virtio_accel.ko"
	echo "ok - virtio-accel-dkms: module builds from /usr/src against $(basename "$kdir")"
else
	echo "# no headers for the guest kernel ${kver:-?} here: DKMS build not tried (the vm suite installs them)"
fi
echo "deb-install: ok in $(($(date +%s) - t0)) s"
