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

# meson comes from ensure_meson below (>= 1.5, as QEMU 10 needs: one meson for
# the whole tree, so a build dir is never read by a newer meson than made it).
pkgs_base=(gcc make ninja-build pkg-config libcmocka-dev python3 file)
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

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
	SUDO=sudo
fi
export DEBIAN_FRONTEND=noninteractive

meson_new_enough() {
	command -v meson >/dev/null && printf '%s\n1.5.0\n' "$(meson --version)" | sort -V -C -r
}

# meson >= 1.5: Debian 12 has 1.0; bookworm-backports (Debian's archive) has 1.7.
ensure_meson() {
	meson_new_enough && return 0
	local bpo=/etc/apt/sources.list.d/vaccel-bookworm-backports.sources
	. /etc/os-release
	if [ "${VERSION_CODENAME:-}" = bookworm ] && [ ! -f "$bpo" ]; then
		echo "install-deps: adding $bpo (meson >= 1.5)"
		$SUDO tee "$bpo" >/dev/null <<'SRC'
# Added by vaccel-virtio scripts/install-deps.sh: meson >= 1.5
Types: deb
URIs: http://deb.debian.org/debian
Suites: bookworm-backports
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
	fi
	$SUDO apt-get update -qq
	if [ "${VERSION_CODENAME:-}" = bookworm ]; then
		$SUDO apt-get install -y -qq --no-install-recommends -t bookworm-backports meson
	else
		$SUDO apt-get install -y -qq --no-install-recommends meson
	fi
	meson_new_enough || { echo "install-deps: meson >= 1.5 is needed" >&2; exit 1; }
}

missing=()
for p in "${want[@]}"; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
		missing+=("$p")
	fi
done
if [ -n "$SUDO" ] && ! command -v sudo >/dev/null; then
	if [ ${#missing[@]} -gt 0 ] || ! meson_new_enough; then
		echo "install-deps: need root to install: ${missing[*]} meson" >&2
		exit 1
	fi
fi
if [ ${#missing[@]} -gt 0 ]; then
	echo "install-deps: installing ${missing[*]}"
	$SUDO apt-get update -qq
	$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
ensure_meson
