#!/usr/bin/env bash
# Build the vAccel VirtIO guest image, without Docker and without root mounts.
#
#   vm/build-image.sh [--arch x86_64|aarch64] [BUILD_DIR [OUT_DIR]]
#
# --arch     guest architecture (default: VACCEL_GUEST_ARCH, else this machine's).
#            aarch64 takes BUILD_DIR from a cross build (meson --cross-file
#            cross/arm64.ini), arm64 libraries from the multiarch libc6:arm64, and
#            the arm64 kernel, headers and busybox-static downloaded and unpacked,
#            never installed (scripts/install-deps.sh cross).
# BUILD_DIR  meson build dir of this tree (default: build); its libvaccel,
#            libvaccel-virtio.so, examples, libmytestlib.so and tests/vm programs
#            go into the guest's /usr/local.
# OUT_DIR    default BUILD_DIR/vm-image. Produces:
#   bzImage | Image       Debian's cloud kernel (linux-image-cloud-amd64 or -arm64,
#                         uncompressed Image on aarch64), not installed
#   initramfs.cpio.gz     self-contained guest: busybox, glibc, modules, vAccel, /init
#   initrd-boot.cpio.gz   modules + /init only, to boot rootfs.img (vaccel.root=/dev/vda)
#   rootfs.img            ext4 (mkfs.ext4 -d) with the same contents as initramfs.cpio.gz
#   virtio_accel.ko       our module, built against the matching headers
#   ARCH, KERNEL_VERSION, MANIFEST, KBUILD_ARGS (make arguments that build a module
#                         for this kernel: KDIR=..., and ARCH, CROSS_COMPILE)
#
# Environment:
#   VACCEL_CACHE        cache root for downloaded kernel packages (default $HOME/.cache/vaccel-virtio)
#   VACCEL_GUEST_ARCH   x86_64 or aarch64 (as --arch)
#   VACCEL_GUEST_KVER   kernel ABI, e.g. 6.1.0-56-cloud-amd64, or a series (6.1, 6.12: the
#                       newest cloud kernel of it that apt knows); default:
#                       linux-image-cloud-<arch>'s
#   VACCEL_DRIVER_DIR   module source (default: <repo>/driver/linux)
#   VACCEL_IMAGE_EXTRA  directory copied over the image root last (extra files)
#
# Exit status: 0 built; 1 error; 3 the module source is missing (image built without it);
# 4 the kernel package cannot be obtained.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/.." && pwd)"
arch="${VACCEL_GUEST_ARCH:-$(uname -m)}"
case "${1:-}" in
--arch=*) arch="${1#--arch=}"; shift ;;
--arch) arch="${2:-}"; shift 2 || { echo "build-image: --arch needs a value" >&2; exit 1; } ;;
esac
build="$(realpath -m "${1:-$repo/build}")"
out="$(realpath -m "${2:-$build/vm-image}")"
cache="${VACCEL_CACHE:-$HOME/.cache/vaccel-virtio}"
driver_src="${VACCEL_DRIVER_DIR:-$repo/driver/linux}"

log() { echo "build-image: $*" >&2; }

# The guest architecture: Debian's name, GNU triplet, kernel image name, and the
# cross compiler prefix when it is not this machine's.
case "$arch" in
x86_64) darch=amd64 triplet=x86_64-linux-gnu kimage=bzImage ;;
aarch64) darch=arm64 triplet=aarch64-linux-gnu kimage=Image ;;
*)
	echo "build-image: error: unknown --arch '$arch' (x86_64, aarch64)" >&2
	exit 1
	;;
esac
foreign=0 cross="" qual=""
if [ "$darch" != "$(dpkg --print-architecture)" ]; then
	foreign=1 cross="$triplet-" qual=":$darch"
fi
die() {
	echo "build-image: error: $*" >&2
	exit 1
}
nokernel() { # the guest kernel cannot be had at all (offline, no such package)
	echo "build-image: error: $*" >&2
	exit 4
}

[ -d "$build" ] || die "no build dir $build (run meson setup first)"
command -v busybox >/dev/null || [ -x /bin/busybox ] || die "busybox-static missing (scripts/install-deps.sh vm)"
for t in cpio mkfs.ext4 depmod modprobe dpkg-deb gzip readelf; do
	command -v "$t" >/dev/null || die "$t missing (scripts/install-deps.sh vm)"
done
grep -q 'statically linked' <<<"$(file -L /bin/busybox)" || die "/bin/busybox is not static (install busybox-static)"
if [ "$foreign" -eq 1 ]; then
	command -v "${cross}gcc" >/dev/null || die "${cross}gcc missing (scripts/install-deps.sh cross)"
	[ -d "/usr/lib/$triplet" ] || die "no $darch libraries in /usr/lib/$triplet (scripts/install-deps.sh cross)"
fi

SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO=sudo
export DEBIAN_FRONTEND=noninteractive

t0=$(date +%s)

# 1. Kernel: the image package is downloaded and unpacked, never installed.
kver="${VACCEL_GUEST_KVER:-}"
if [[ "$kver" =~ ^[0-9]+\.[0-9]+$ ]]; then
	# A series: the newest ABI that a cloud metapackage of any version
	# depends on (6.12 on Debian 12: linux-image-6.12-cloud-amd64), else
	# the newest one already cached.
	series_re="${kver//./\\.}[.-]"
	kver="$({ apt-cache show "linux-image-cloud-$darch$qual" "linux-image-$kver-cloud-$darch$qual" 2>/dev/null || true; } |
		sed -n "s/^Depends: .*linux-image-\(${series_re}[^ ,]*-cloud-$darch\)\([ ,].*\)\{0,1\}$/\1/p" |
		sort -V | tail -n1)"
	[ -n "$kver" ] || kver="$({ ls -1 "$cache/kernel" 2>/dev/null || true; } |
		sed -n "s/^linux-image-\(${series_re}.*-cloud-$darch\)_.*\.deb$/\1/p" | sort -V | tail -n1)"
	[ -n "$kver" ] || nokernel "no cloud kernel of series $VACCEL_GUEST_KVER known to apt or cached"
elif [ -z "$kver" ]; then
	kver="$(apt-cache depends "linux-image-cloud-$darch$qual" 2>/dev/null |
		sed -n "s/^ *Depends: linux-image-\(.*-cloud-$darch\)\(:$darch\)\{0,1\}\$/\1/p" | sort -V | tail -n1)"
	if [ -z "$kver" ]; then
		# No apt lists (offline?): fall back to what is already cached.
		kver="$(ls -1 "$cache/kernel" 2>/dev/null | sed -n "s/^linux-image-\(.*-cloud-$darch\)_.*\.deb\$/\1/p" | sort -V | tail -n1)"
	fi
fi
[ -n "$kver" ] || nokernel "cannot determine the guest kernel version (apt-get update?)"
kdir="$cache/kernel"
mkdir -p "$kdir"
# fetch_deb PKG GLOB: the newest .deb in $kdir matching GLOB, downloaded (apt-get
# download PKG) when there is none; prints nothing if it cannot be had.
fetch_deb() {
	local f
	# shellcheck disable=SC2086 # GLOB is a pattern
	f="$(ls -1 "$kdir"/$2 2>/dev/null | tail -n1 || true)"
	if [ -z "$f" ]; then
		log "downloading $1"
		(cd "$kdir" && apt-get download -qq "$1" 2>&1 | grep -v 'unsandboxed' >&2 || true)
		# shellcheck disable=SC2086
		f="$(ls -1 "$kdir"/$2 2>/dev/null | tail -n1 || true)"
	fi
	echo "$f"
}
deb="$(fetch_deb "linux-image-$kver$qual" "linux-image-${kver}_*.deb")"
[ -n "$deb" ] || nokernel "download of linux-image-$kver failed"
kroot="$kdir/$kver"
if [ ! -f "$kroot/.unpacked" ]; then
	log "unpacking $(basename "$deb")"
	rm -rf "$kroot"
	mkdir -p "$kroot"
	dpkg-deb -x "$deb" "$kroot"
	depmod -b "$kroot" "$kver"
	touch "$kroot/.unpacked"
fi
hdr="/usr/src/linux-headers-$kver"
if [ "$foreign" -eq 1 ]; then
	# Another architecture's headers are unpacked, never installed (apt would remove
	# this machine's toolchain): the flavour's headers and their -common part, made
	# to include each other where they are, with this machine's kbuild tools.
	hroot="$kdir/$kver-headers"
	hdr="$hroot/usr/src/linux-headers-$kver"
	if [ ! -f "$hroot/.unpacked" ]; then
		rm -rf "$hroot"
		mkdir -p "$hroot"
		for p in "linux-headers-$kver$qual" "linux-headers-${kver%-cloud-*}-common"; do
			f="$(fetch_deb "$p" "${p%%:*}_*.deb")"
			[ -n "$f" ] || nokernel "download of $p failed"
			dpkg-deb -x "$f" "$hroot"
		done
		sed -i "s|^include /usr/src/|include $hroot/usr/src/|" "$hdr/Makefile"
		touch "$hroot/.unpacked"
	fi
	kbuild="$(basename "$(dirname "$(readlink "$hdr/scripts")")")" # linux-kbuild-6.1
	if [ ! -d "/usr/lib/$kbuild/scripts" ]; then
		log "installing $kbuild (kbuild tools for the module)"
		$SUDO apt-get install -y -qq --no-install-recommends -o DPkg::Lock::Timeout=600 \
			"$kbuild" >&2 || die "cannot install $kbuild"
	fi
	mkdir -p "$hroot/usr/lib"
	ln -sfn "/usr/lib/$kbuild" "$hroot/usr/lib/$kbuild"
elif [ ! -f "$hdr/Makefile" ]; then
	log "installing linux-headers-$kver (to build the module)"
	$SUDO apt-get install -y -qq --no-install-recommends -o DPkg::Lock::Timeout=600 \
		"linux-headers-$kver" >&2 || die "cannot install linux-headers-$kver"
fi
# busybox-static of the guest's architecture (same Debian version, so the same
# applets as this machine's, which lists them).
busybox=/bin/busybox
if [ "$foreign" -eq 1 ]; then
	bbroot="$cache/busybox-$darch"
	if [ ! -x "$bbroot/bin/busybox" ]; then
		f="$(fetch_deb "busybox-static$qual" "busybox-static_*_$darch.deb")"
		[ -n "$f" ] || die "download of busybox-static$qual failed"
		rm -rf "$bbroot"
		dpkg-deb -x "$f" "$bbroot"
	fi
	busybox="$bbroot/bin/busybox"
fi

rm -rf "$out.tmp"
mkdir -p "$out.tmp"
tmp="$out.tmp"

# 2. Our module, built in a scratch copy so the source tree stays clean.
module_rc=0
if [ -f "$driver_src/Makefile" ] || [ -f "$driver_src/Kbuild" ]; then
	log "building virtio_accel.ko against $hdr"
	# Same relative layout as the repo, so the module finds include/uapi.
	mkdir -p "$tmp/driver/driver/linux"
	# Sources only: never pick up objects someone built in the source tree.
	tar -C "$driver_src" --exclude='*.o' --exclude='*.ko' --exclude='*.mod' --exclude='*.mod.c' \
		--exclude='.*.cmd' --exclude=modules.order --exclude=Module.symvers --exclude=.tmp_versions \
		-cf - . | tar -C "$tmp/driver/driver/linux" -xf -
	cp -a "$repo/include" "$tmp/driver/include"
	kmake=(KDIR="$hdr")
	[ "$foreign" -eq 0 ] || kmake+=(ARCH="$darch" CROSS_COMPILE="$cross")
	# How to build a module for this kernel, for the VM tests' W=1 check.
	printf '%s\n' "${kmake[@]}" >"$tmp/KBUILD_ARGS"
	make -s -C "$tmp/driver/driver/linux" "${kmake[@]}" >"$tmp/driver.log" 2>&1 ||
		{
			tail -n 30 "$tmp/driver.log" >&2
			die "module build failed"
		}
	ko="$(find "$tmp/driver" -name virtio_accel.ko -print -quit)"
	[ -n "$ko" ] || die "module build produced no virtio_accel.ko"
	cp "$ko" "$tmp/virtio_accel.ko"
else
	log "WARNING: no module source in $driver_src: image without virtio_accel.ko"
	module_rc=3
fi

# 3. The guest tree.
root="$tmp/root"
mkdir -p "$root"/{bin,sbin,etc/vaccel,proc,sys,dev,tmp,run,data,root,home/vaccel,home/outsider}
mkdir -p "$root"/usr/{bin,sbin} "$root"/usr/local/{bin,lib,share/vaccel} "$root"/lib/modules/vaccel
chmod 1777 "$root/tmp"
cp "$busybox" "$root/bin/busybox"
for a in $(/bin/busybox --list-full); do
	[ -e "$root/$a" ] || ln -s /bin/busybox "$root/$a"
done
install -m 0755 "$here/guest-init.sh" "$root/init"
cat >"$root/etc/passwd" <<'EOF'
root:x:0:0:root:/root:/bin/sh
vaccel:x:1000:1000:vAccel user:/home/vaccel:/bin/sh
outsider:x:1001:1001:not in group vaccel:/home/outsider:/bin/sh
nobody:x:65534:65534:nobody:/nonexistent:/bin/false
EOF
cat >"$root/etc/group" <<'EOF'
root:x:0:
vaccel:x:1000:vaccel
outsider:x:1001:
nogroup:x:65534:
EOF
printf 'root::0:0:99999:7:::\nvaccel:!:0:0:99999:7:::\noutsider:!:0:0:99999:7:::\n' >"$root/etc/shadow"
chmod 0640 "$root/etc/shadow"
chown 1000:1000 "$root/home/vaccel"
chown 1001:1001 "$root/home/outsider"
echo /bin/sh >"$root/etc/shells"
cat >"$root/etc/profile" <<'EOF'
export PATH=/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export LD_LIBRARY_PATH=/usr/local/lib
export VACCEL_PLUGINS=${VACCEL_PLUGINS:-libvaccel-virtio.so}
PS1='vaccel-guest:\w\$ '
EOF
printf '/usr/local/lib\n' >"$root/etc/ld.so.conf"

# Kernel modules: the virtio transports and the devices we use, with their deps.
mods=(virtio_pci virtio_mmio virtio_blk virtiofs qemu_fw_cfg virtio_rng virtio_console)
: >"$root/etc/vaccel/modules.list"
for m in "${mods[@]}"; do
	modprobe -d "$kroot" -S "$kver" --show-depends "$m" 2>/dev/null | awk '$1 == "insmod" { print $2 }'
done | awk '!seen[$0]++' | while read -r path; do
	rel="${path#"$kroot"}"
	mkdir -p "$root$(dirname "$rel")"
	# Newer kernels (6.12) ship compressed modules: busybox insmod wants them plain.
	case "$rel" in
	*.ko.xz) xz -dc "$path" >"$root${rel%.xz}" && rel="${rel%.xz}" ;;
	*.ko.zst) zstd -qdc "$path" >"$root${rel%.zst}" && rel="${rel%.zst}" ;;
	*) cp "$path" "$root$rel" ;;
	esac
	echo "$rel" >>"$root/etc/vaccel/modules.list"
done
# virtio_pci is a module in 6.1's cloud kernel, built in since 6.12's.
grep -q virtio_pci.ko "$root/etc/vaccel/modules.list" ||
	grep -q '/virtio_pci\.ko$' "$kroot/lib/modules/$kver/modules.builtin" ||
	die "virtio_pci.ko not found in the kernel package"
for f in modules.order modules.builtin modules.builtin.modinfo; do
	[ -f "$kroot/lib/modules/$kver/$f" ] && cp "$kroot/lib/modules/$kver/$f" "$root/lib/modules/$kver/"
done
if [ -f "$tmp/virtio_accel.ko" ]; then
	cp "$tmp/virtio_accel.ko" "$root/lib/modules/vaccel/virtio_accel.ko"
	mkdir -p "$root/lib/modules/$kver/extra"
	ln -sf /lib/modules/vaccel/virtio_accel.ko "$root/lib/modules/$kver/extra/virtio_accel.ko"
fi
depmod -b "$root" "$kver" 2>/dev/null || true

# vAccel: runtime, plugins, examples, test programs, data.
is_elf() { [ "$(head -c4 "$1" 2>/dev/null | tr -d '\0')" = $'\x7fELF' ]; }
copy_lib() { # copy a shared library with its soname symlinks
	local f="$1" base
	base="$(basename "$f")"
	cp -L "$f" "$root/usr/local/lib/$base"
}
nlib=0 nbin=0
while IFS= read -r -d '' f; do
	copy_lib "$f"
	nlib=$((nlib + 1))
done < <(find "$build/src" "$build/plugins" "$build/examples" "$build/tests/vm" -maxdepth 3 \
	\( -name 'libvaccel*.so*' -o -name 'libmytestlib.so*' -o -name 'libvmtest*.so*' \) \
	! -name '*.symbols' ! -name '*.p' \( -type f -o -type l \) \
	! -name libvaccel-blas.so ! -name libvaccel-torch.so ! -name libvaccel-vision.so \
	-print0 2>/dev/null)
# (The real plugins run on the host only; in the guest they would pull libtorch, OpenCV
# and dlib, some 700 MB, into the initramfs.)
for d in "$build/examples" "$build/tests/vm"; do
	[ -d "$d" ] || continue
	while IFS= read -r -d '' f; do
		case "$(basename "$f")" in *.so* | *.o | *.a) continue ;; esac
		is_elf "$f" || continue
		cp "$f" "$root/usr/local/bin/"
		nbin=$((nbin + 1))
	done < <(find "$d" -maxdepth 1 -type f -perm -u+x -print0)
done
[ -d "$repo/tests/vm/guest" ] && cp -a "$repo/tests/vm/guest/." "$root/usr/local/bin/"
if [ -d "$repo/examples/data" ]; then
	for d in images labels input models; do
		[ -d "$repo/examples/data/$d" ] && cp -a "$repo/examples/data/$d" "$root/usr/local/share/vaccel/"
	done
fi
[ -f "$root/usr/local/lib/libvaccel-virtio.so" ] || log "WARNING: libvaccel-virtio.so not in $build (guest plugin not built yet?)"
[ -f "$root/usr/local/lib/libvaccel.so" ] || log "WARNING: libvaccel.so not in $build"

# glibc and every library our programs need, from this machine (same Debian release;
# for another architecture its multiarch libc6:<arch>): the ELF interpreter and the
# NEEDED entries, recursively (ldd cannot read another architecture's programs).
libs="$tmp/libs.txt"
: >"$libs"
libdirs=("$root/usr/local/lib" "/lib/$triplet" "/usr/lib/$triplet")
find_lib() {
	local d
	for d in "${libdirs[@]}"; do
		[ -e "$d/$1" ] && echo "$d/$1" && return 0
	done
	return 1
}
queue=()
for f in "$root"/usr/local/bin/* "$root"/usr/local/lib/*; do
	is_elf "$f" && queue+=("$f")
done
# Loaded with dlopen() (or by pthread_cancel: libgcc_s), so not always in NEEDED.
for l in libc.so.6 libm.so.6 libdl.so.2 libpthread.so.0 librt.so.1 libgcc_s.so.1; do
	p="$(find_lib "$l")" && queue+=("$p")
done
declare -A seen=()
while [ ${#queue[@]} -gt 0 ]; do
	f="${queue[0]}"
	queue=("${queue[@]:1}")
	[ -z "${seen[$f]:-}" ] || continue
	seen[$f]=1
	case "$f" in "$root"/*) ;; *) echo "$f" >>"$libs" ;; esac
	readelf -lW "$f" 2>/dev/null | sed -n 's/.*program interpreter: \(.*\)\]$/\1/p' >>"$libs"
	for n in $(readelf -dW "$f" 2>/dev/null | sed -n 's/.*(NEEDED).*\[\(.*\)\]$/\1/p'); do
		if p="$(find_lib "$n")"; then
			queue+=("$p")
		else
			log "WARNING: $(basename "$f") needs $n, which is not in ${libdirs[*]}"
		fi
	done
done
sort -u "$libs" | while read -r l; do
	case "$l" in "$root"/*) continue ;; esac
	[ -e "$l" ] || continue
	mkdir -p "$root$(dirname "$l")"
	cp -L "$l" "$root$l"
	# Programs look up the canonical paths too (/lib vs /usr/lib on merged-usr).
	real="$(readlink -f "$l")"
	if [ "$real" != "$l" ]; then
		mkdir -p "$root$(dirname "$real")"
		[ -e "$root$real" ] || cp -L "$l" "$root$real"
	fi
done
# Merged-/usr layout as on the host.
for d in lib lib64; do
	if [ -L "/$d" ] && [ ! -L "$root/$d" ]; then
		mkdir -p "$root/usr/$d"
		cp -a "$root/$d/." "$root/usr/$d/" 2>/dev/null || true
		rm -rf "${root:?}/$d"
		ln -s "usr/$d" "$root/$d"
	fi
done

[ -n "${VACCEL_IMAGE_EXTRA:-}" ] && [ -d "$VACCEL_IMAGE_EXTRA" ] && cp -a "$VACCEL_IMAGE_EXTRA/." "$root/"

# 4. Archives.
# arm64's vmlinuz is a gzip'd Image: unpacked, so VMMs without gzip support boot it too.
if [ "$kimage" = Image ] && gzip -t "$kroot/boot/vmlinuz-$kver" 2>/dev/null; then
	gzip -dc "$kroot/boot/vmlinuz-$kver" >"$tmp/$kimage"
else
	cp "$kroot/boot/vmlinuz-$kver" "$tmp/$kimage"
fi
echo "$kver" >"$tmp/KERNEL_VERSION"
echo "$arch" >"$tmp/ARCH"
log "packing initramfs.cpio.gz"
(cd "$root" && find . -print0 | sort -z | cpio --null -o -H newc --quiet | gzip -1 >"$tmp/initramfs.cpio.gz")

# Minimal initrd for rootfs boots: /init, busybox, the modules.
boot="$tmp/boot-root"
mkdir -p "$boot"
(cd "$root" && find . \( -path ./usr/local -o -path "./usr/lib/$triplet" -o -path ./usr/lib64 \
	-o -path "./lib/$triplet" -o -path ./lib64 \) -prune -o -print0 |
	cpio --null -p -d -m --quiet "$boot" 2>/dev/null)
(cd "$boot" && find . -print0 | sort -z | cpio --null -o -H newc --quiet | gzip -1 >"$tmp/initrd-boot.cpio.gz")
rm -rf "$boot"

log "making rootfs.img (mkfs.ext4 -d)"
kb=$(du -sk "$root" | cut -f1)
size_mb=$((kb / 1024 + kb / 4096 + 64))
truncate -s 0 "$tmp/rootfs.img"
mkfs.ext4 -q -F -L vaccel-root -d "$root" "$tmp/rootfs.img" "${size_mb}M" ||
	die "mkfs.ext4 -d failed (e2fsprogs >= 1.43 needed)"

{
	echo "arch=$arch kernel=$kver"
	echo "module=$([ -f "$tmp/virtio_accel.ko" ] && echo yes || echo no)"
	echo "libs=$nlib bins=$nbin"
	echo "built=$(date -u +%FT%TZ)"
	(cd "$root" && find usr/local -type f | sort)
} >"$tmp/MANIFEST"
rm -rf "$tmp/driver" "$tmp/libs.txt"
mv "$root" "$tmp/.root"
rm -rf "$out"
mv "$tmp" "$out"
rm -rf "$out/.root"
log "done in $(($(date +%s) - t0)) s: $out ($(du -sh "$out/initramfs.cpio.gz" | cut -f1) initramfs, ${size_mb} MB rootfs, module: $([ -f "$out/virtio_accel.ko" ] && echo yes || echo no))"
exit "$module_rc"
