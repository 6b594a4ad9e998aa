#!/usr/bin/env bash
# Install build and test dependencies from Debian's packages (Debian 12).
#
#   scripts/install-deps.sh [GROUP...]        (default: base)
#
# Groups (any order, any combination):
#   base   compilers (C and C++), meson >= 1.5, ninja, cmocka: the tree and its tests
#   vm     the VM path: guest image (busybox, cpio, mkfs.ext4 -d, depmod), the
#          headers of both guest kernels the VM tests boot (Debian 12's cloud 6.1, and
#          its 6.12 LTS kernel from bookworm-security), and QEMU's build deps (QEMU
#          10.0 source from trixie's deb-src, see vmm/qemu/)
#   bench  gnuplot for the benchmark plot, valgrind (callgrind: instructions per round trip)
#   cross  arm64 and armhf cross compilers, their cmocka and pkg-config, and
#          qemu-user to run what they build (adds the two dpkg architectures)
#   pkg    Debian packaging: debhelper, dh-dkms, lintian, debootstrap (the
#          fresh-Debian install test), systemd-analyze
#   qemu-cross-arm64  arm64 libraries QEMU links, to cross-compile QEMU for
#          the arm64 vaccel-vm package (libfdt-dev is not multi-arch: it is
#          unpacked by vmm/qemu/build-qemu.sh, never installed)
#   blas   OpenBLAS (pthread variant) for plugins/blas
#   torch  libtorch (C++) for plugins/torch, python3-torch to make its digits model,
#          OpenCV's image codecs to decode the images it classifies
#   vision OpenCV objdetect + its face cascades (opencv-data), dlib + its 68-point
#          face landmark model (libdlib-data) for plugins/vision
#   fuzz   clang with libFuzzer and the sanitizer runtimes (libclang-rt-14-dev is
#          only recommended by clang, and recommends are not installed), llvm-14
#          (llvm-cov, llvm-profdata) for the fuzz coverage report
#
# Order of work, whatever the groups: (1) apt sources and dpkg architectures
# every group needs (bookworm-backports, trixie deb-src; arm64, armhf), (2) one
# `apt-get update`, (3) the packages. Idempotent: when everything is installed nothing is asked of apt,
# and a source already present is not written again. Needs root (or sudo) only
# when something is missing.
#
# Packages that Debian 12 has only in bookworm-backports are named
# PKG/bookworm-backports below: apt takes that version, and this script adds
# the backports source first.
set -euo pipefail

groups=("$@")
[ ${#groups[@]} -gt 0 ] || groups=(base)

# meson >= 1.5 for the whole tree (QEMU 10 needs it, and one meson must read
# every build dir); python3-pycotap for QEMU's test scripts, also backports only.
pkgs_base=(gcc g++ make ninja-build pkg-config libcmocka-dev python3 file
	meson/bookworm-backports)
pkgs_vm=(busybox-static cpio e2fsprogs kmod zstd xz-utils dpkg-dev seabios qemu-system-data
	qemu-system-common libglib2.0-dev libpixman-1-dev libfdt-dev flex bison python3-venv
	python3-pycotap/bookworm-backports bzip2 patch
	linux-headers-cloud-amd64 linux-headers-6.12-cloud-amd64)
pkgs_bench=(gnuplot-nox valgrind)
pkgs_cross=(crossbuild-essential-arm64 crossbuild-essential-armhf qemu-user
	libcmocka-dev:arm64 libcmocka-dev:armhf pkgconf:arm64 pkgconf:armhf)
pkgs_pkg=(build-essential debhelper dh-dkms lintian dpkg-dev fakeroot debootstrap xz-utils systemd help2man)
pkgs_qemu_cross_arm64=(libglib2.0-dev:arm64 libpixman-1-dev:arm64 zlib1g-dev:arm64 libfdt1:arm64)
# The real plugins (docs/real-plugins.md). Sizes installed on Debian 12, 2 cores:
# blas ~160 MB, torch ~700 MB, vision ~350 MB (timings in docs/real-plugins.md).
pkgs_blas=(libopenblas-dev libopenblas0-pthread)
pkgs_torch=(libtorch-dev python3-torch libopencv-imgcodecs-dev libopencv-imgproc-dev)
pkgs_vision=(libopencv-objdetect-dev libopencv-imgcodecs-dev libopencv-imgproc-dev opencv-data
	libdlib-dev libdlib-data)
pkgs_fuzz=(clang libclang-rt-14-dev llvm-14)

# Which apt sources each group needs besides the standard Debian 12 ones.
srcs_base=(backports)
srcs_vm=(backports trixie-src)
srcs_bench=()
srcs_blas=()
srcs_torch=()
srcs_vision=()
srcs_fuzz=()
srcs_cross=()
srcs_pkg=()
srcs_qemu_cross_arm64=()
# Foreign dpkg architectures each group needs.
arches_base=() arches_vm=() arches_bench=() arches_pkg=() arches_fuzz=()
arches_blas=() arches_torch=() arches_vision=()
arches_cross=(arm64 armhf)
arches_qemu_cross_arm64=(arm64)

want=() sources=() arches=()
for g in "${groups[@]}"; do
	case "$g" in
	base | vm | bench | fuzz | blas | torch | vision | cross | pkg | qemu-cross-arm64) ;;
	*)
		echo "install-deps: unknown group '$g' (base, vm, bench, fuzz, blas, torch, vision, cross, pkg, qemu-cross-arm64)" >&2
		exit 2
		;;
	esac
	v="${g//-/_}"
	declare -n p="pkgs_$v" s="srcs_$v" a="arches_$v"
	want+=("${p[@]}")
	sources+=("${s[@]+"${s[@]}"}")
	arches+=("${a[@]+"${a[@]}"}")
	unset -n p s a
done

. /etc/os-release
codename="${VERSION_CODENAME:-}"

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
	SUDO=sudo
fi
export DEBIAN_FRONTEND=noninteractive
apt_opts=(-o DPkg::Lock::Timeout=600 -y -qq --no-install-recommends)

# A package is satisfied when installed (for meson: at the version we need).
installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'; }
meson_new_enough() {
	command -v meson >/dev/null && printf '%s\n1.5.0\n' "$(meson --version)" | sort -V -C -r
}
satisfied() {
	local name="${1%%/*}"
	case "$name" in
	meson) meson_new_enough ;;
	*) installed "$name" ;;
	esac
}

missing=()
for p in "${want[@]}"; do
	satisfied "$p" || missing+=("$p")
done
# Outside bookworm (a newer Debian) the plain package is new enough, and the
# plain cloud headers are those of a kernel >= 6.12.
if [ "$codename" != bookworm ]; then
	missing=("${missing[@]%%/bookworm-backports}")
	missing=("${missing[@]/#linux-headers-6.12-cloud-amd64/linux-headers-cloud-amd64}")
fi

# A source is ready when apt already sees what we take from it; otherwise its
# file is written (unless present) and the lists are updated once.
src_dir=/etc/apt/sources.list.d
declare -A src_text=(
	[backports]="# Added by vaccel-virtio scripts/install-deps.sh: meson >= 1.5, python3-pycotap, 6.12 kernels
Types: deb
URIs: http://deb.debian.org/debian
Suites: bookworm-backports
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg"
	[trixie-src]="# Added by vaccel-virtio scripts/install-deps.sh: QEMU 10.0 source only (no binaries from trixie)
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: trixie
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg"
)
declare -A src_file=(
	[backports]="$src_dir/vaccel-bookworm-backports.sources"
	[trixie-src]="$src_dir/vaccel-trixie-src.sources"
)
# Whole outputs into grep: `apt-cache ... | grep -q` fails under pipefail when grep
# stops reading first (apt-cache gets SIGPIPE), and a ready source looked missing.
source_ready() {
	case "$1" in
	backports) grep -q bookworm-backports <<<"$(apt-cache madison meson 2>/dev/null)" ;;
	trixie-src) grep -q '^Version: 1:10\.' <<<"$(apt-cache showsrc qemu 2>/dev/null)" ;;
	esac
}
new_sources=()
if [ "$codename" = bookworm ]; then
	for s in $(printf '%s\n' "${sources[@]}" | sort -u); do
		# backports matters only when a package is missing; trixie-src is read
		# later by vmm/qemu/build-qemu.sh (apt-get source), so it must be ready.
		[ "$s" = backports ] && [ ${#missing[@]} -eq 0 ] && continue
		source_ready "$s" || new_sources+=("$s")
	done
fi

new_arches=()
foreign="$(dpkg --print-foreign-architectures)"
for a in $(printf '%s\n' "${arches[@]+"${arches[@]}"}" | sort -u); do
	grep -qx "$a" <<<"$foreign" || new_arches+=("$a")
done

if [ ${#missing[@]} -eq 0 ] && [ ${#new_sources[@]} -eq 0 ] && [ ${#new_arches[@]} -eq 0 ]; then
	exit 0
fi
if [ -n "$SUDO" ] && ! command -v sudo >/dev/null; then
	echo "install-deps: need root to install: ${missing[*]} ${new_sources[*]} ${new_arches[*]}" >&2
	exit 1
fi

# 1. Sources and architectures.
for a in "${new_arches[@]+"${new_arches[@]}"}"; do
	echo "install-deps: dpkg --add-architecture $a"
	$SUDO dpkg --add-architecture "$a"
done
for s in "${new_sources[@]+"${new_sources[@]}"}"; do
	[ -f "${src_file[$s]}" ] && continue
	echo "install-deps: adding ${src_file[$s]}"
	printf '%s\n' "${src_text[$s]}" | $SUDO tee "${src_file[$s]}" >/dev/null
done
# 2. One update.
# apt's and dpkg's chatter goes to a log, shown only when a step fails.
log="$(mktemp -t vaccel-install-deps.XXXXXX)"
trap 'rm -f "$log"' EXIT
run_apt() {
	$SUDO apt-get "$@" >"$log" 2>&1 || {
		tail -n 40 "$log" >&2
		echo "install-deps: apt-get $* failed" >&2
		exit 1
	}
}
echo "install-deps: apt-get update"
run_apt -o DPkg::Lock::Timeout=600 update -qq
# 3. Packages.
if [ ${#missing[@]} -gt 0 ]; then
	echo "install-deps: installing ${missing[*]}"
	run_apt install "${apt_opts[@]}" "${missing[@]}"
fi
for p in "${want[@]}"; do
	satisfied "$p" || {
		echo "install-deps: ${p%%/*} is still missing or too old after apt-get install" >&2
		exit 1
	}
done
