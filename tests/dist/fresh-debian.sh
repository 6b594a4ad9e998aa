#!/usr/bin/env bash
# A pristine Debian 12 root, cached as a tarball; prints its path.
#
#   fresh-debian.sh
#
# debootstrap --variant=minbase bookworm with adduser (which maintainer scripts
# use), gcc, libc6-dev and pkgconf (to build a program against the installed
# libvaccel-dev): about 2-3 minutes once, then cached in
# ${VACCEL_CACHE:-$HOME/.cache/vaccel-virtio}/chroot/ under a hash of how it is
# made. Needs root and debootstrap (scripts/install-deps.sh pkg); exit 77 with
# "SKIP: reason" without them.
set -euo pipefail
skip() {
	echo "SKIP: $*"
	exit 77
}
[ "$(id -u)" -eq 0 ] || skip "a Debian chroot needs root"
command -v debootstrap >/dev/null || skip "no debootstrap (scripts/install-deps.sh pkg)"
command -v zstd >/dev/null || skip "no zstd (scripts/install-deps.sh vm)"
cache="${VACCEL_CACHE:-$HOME/.cache/vaccel-virtio}/chroot"
mirror="${VACCEL_DEBIAN_MIRROR:-http://deb.debian.org/debian}"
include=adduser,gcc,libc6-dev,pkgconf
key="$(printf '%s\n' bookworm minbase "$include" "$mirror" | sha256sum | cut -c1-12)"
tarball="$cache/debian12-minbase-$key.tar.zst"
mkdir -p "$cache"
exec 9>"$cache/chroot.lock"
flock 9
if [ ! -f "$tarball" ]; then
	t0=$(date +%s)
	tmp="$(mktemp -d "$cache/make.XXXXXX")"
	trap 'rm -rf "$tmp"' EXIT
	echo "fresh-debian: debootstrap --variant=minbase --include=$include bookworm ($mirror)" >&2
	debootstrap --variant=minbase --include="$include" bookworm "$tmp/root" "$mirror" >"$tmp/log" 2>&1 || {
		tail -n 30 "$tmp/log" >&2
		echo "fresh-debian: debootstrap failed" >&2
		exit 1
	}
	rm -rf "$tmp/root/var/cache/apt/archives/"*.deb "$tmp/root/var/lib/apt/lists/"*_Packages
	tar -C "$tmp/root" --numeric-owner -cf - . | zstd -q -T0 >"$tarball.tmp"
	mv "$tarball.tmp" "$tarball"
	echo "fresh-debian: made $tarball in $(($(date +%s) - t0)) s" >&2
fi
echo "$tarball"
