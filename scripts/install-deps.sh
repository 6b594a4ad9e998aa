#!/usr/bin/env bash
# Install build and test dependencies from Debian's packages (Debian 12).
# Idempotent: packages already installed are not asked for again, and
# apt-get runs only when something is missing.
#
#   scripts/install-deps.sh [base] [vm] [bench]
#
# base  : compiler, meson, cmocka (runtime, plugins, transport, unit tests)
# vm    : what the VM path needs (guest image, QEMU build; see vm/ and vmm/)
# bench : gnuplot for the benchmark plot
set -euo pipefail

groups=("$@")
[ ${#groups[@]} -gt 0 ] || groups=(base)

pkgs_base=(gcc make meson ninja-build pkg-config libcmocka-dev python3 file)
# vm: guest image (vm/build-image.sh: busybox, cpio, mkfs.ext4 -d, depmod, file), the
# launcher's virtiofsd (qemu-system-common), and QEMU's build deps (vmm/qemu/build-qemu.sh
# adds the trixie deb-src and bookworm-backports entries and meson >= 1.5 itself).
pkgs_vm=(busybox-static cpio e2fsprogs kmod zstd xz-utils dpkg-dev seabios qemu-system-data
         qemu-system-common libglib2.0-dev libpixman-1-dev libfdt-dev flex bison python3-venv
         python3-pycotap ninja-build pkg-config file bzip2 gcc make)
pkgs_bench=(gnuplot-nox)

want=()
for g in "${groups[@]}"; do
	case "$g" in
	base) want+=("${pkgs_base[@]}") ;;
	vm) want+=("${pkgs_vm[@]}") ;;
	bench) want+=("${pkgs_bench[@]}") ;;
	*) echo "install-deps: unknown group '$g' (base, vm, bench)" >&2; exit 2 ;;
	esac
done

missing=()
for p in "${want[@]}"; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
		missing+=("$p")
	fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
	command -v sudo >/dev/null || { echo "install-deps: need root to install: ${missing[*]}" >&2; exit 1; }
	SUDO=sudo
fi
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
