#!/usr/bin/env bash
# Build a minimal qemu-system-x86_64 with the vhost-user-accel device.
#
#   vmm/qemu/build-qemu.sh [--print-path] [--force]
#
# QEMU's source comes from Debian's own source package (trixie, QEMU 10.0.x,
# with Debian's patches applied by dpkg-source); our patches in vmm/qemu/*.patch
# go on top. The result is cached in
#   ${VACCEL_CACHE:-$HOME/.cache/vaccel-virtio}/qemu-<version>-<hash>/bin/qemu-system-x86_64
# where <hash> covers the patches and the configure flags, so a second run costs
# nothing and only prints the path (the last line of stdout is always the path
# of the binary).
#
# Environment:
#   VACCEL_CACHE          cache root (default $HOME/.cache/vaccel-virtio)
#   QEMU_DEB_VERSION      pin the Debian source version (e.g. 1:10.0.13+ds-0+deb13u1)
#   QEMU_JOBS             parallel jobs for make (default: number of CPUs)
#   QEMU_KEEP_BUILD=1     keep the source/build tree after a successful build
#
# Needs root (or sudo) only the first time, when scripts/install-deps.sh adds
# the apt sources and build dependencies; everything is idempotent.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cache="${VACCEL_CACHE:-$HOME/.cache/vaccel-virtio}"
jobs="${QEMU_JOBS:-$(nproc 2>/dev/null || echo 2)}"
print_only=0
force=0

for a in "$@"; do
	case "$a" in
	--print-path) print_only=1 ;;
	--force) force=1 ;;
	-h | --help)
		sed -n '2,/^set -euo/p' "$0" | sed -e '$d' -e 's/^# \{0,1\}//'
		exit 0
		;;
	*)
		echo "build-qemu: unknown option '$a'" >&2
		exit 2
		;;
	esac
done

log() { echo "build-qemu: $*" >&2; }
die() {
	echo "build-qemu: error: $*" >&2
	exit 1
}

# Configure flags: part of the cache key, so changing them rebuilds.
cfg_flags=(--python=/usr/bin/python3 --target-list=x86_64-softmmu
	--without-default-features --enable-tcg --enable-kvm --enable-vhost-user
	--enable-fdt=system --disable-install-blobs --disable-download --disable-docs
	--disable-werror)

shopt -s nullglob
patches=("$here"/*.patch)
shopt -u nullglob
[ ${#patches[@]} -gt 0 ] || die "no patches in $here"

# Hash the patch bodies (not the format-patch "From <sha>" line or the date, which
# change when a patch is regenerated without changing its content) plus the flags.
key="$( (for p in "${patches[@]}"; do sed -e '1{/^From [0-9a-f]\{40\} /d}' -e '/^Date: /d' "$p"; done
	printf '%s\n' "${cfg_flags[@]}") | sha256sum | cut -c1-12)"

find_cached() {
	local d best=""
	for d in "$cache"/qemu-*-"$key"; do
		[ -x "$d/bin/qemu-system-x86_64" ] || continue
		if [ -n "${QEMU_DEB_VERSION:-}" ] && [ "$(cat "$d/DEB_VERSION" 2>/dev/null)" != "$QEMU_DEB_VERSION" ]; then
			continue
		fi
		best="$d"
	done
	[ -n "$best" ] && echo "$best/bin/qemu-system-x86_64"
	return 0
}

cached="$(find_cached)"
if [ -n "$cached" ] && [ "$force" -eq 0 ]; then
	log "cached: $cached"
	echo "$cached"
	exit 0
fi
if [ "$print_only" -eq 1 ]; then
	log "no cached build for patch hash $key"
	exit 1
fi

mkdir -p "$cache"
exec 9>"$cache/qemu-build.lock"
log "waiting for the build lock ($cache/qemu-build.lock)"
flock 9
# Someone else may have built it while we waited.
cached="$(find_cached)"
if [ -n "$cached" ] && [ "$force" -eq 0 ]; then
	log "cached: $cached"
	echo "$cached"
	exit 0
fi

t0=$(date +%s)

# 1-2. apt sources (trixie deb-src for QEMU's source, bookworm-backports for
#      meson >= 1.5) and build dependencies: the project's installer does both,
#      sources first, then one update, then packages.
"$here/../../scripts/install-deps.sh" base vm >&2

# 3. Source: Debian's package, Debian's patches applied by dpkg-source -x.
ver="${QEMU_DEB_VERSION:-$(apt-cache showsrc qemu | sed -n 's/^Version: //p' | grep '^1:10\.0\.' | sort -V | tail -n1)}"
[ -n "$ver" ] || die "no QEMU 10.0.x source package found (is the trixie deb-src entry reachable?)"
upver="${ver#*:}"
upver="${upver%%+*}"
upver="${upver%%-*}"
out="$cache/qemu-$upver-$key"
work="$cache/build/qemu-$upver-$key"
dl="$cache/src"
mkdir -p "$dl"
dsc="$dl/qemu_${ver#*:}.dsc"
if [ ! -f "$dsc" ]; then
	log "downloading Debian source qemu=$ver"
	(cd "$dl" && apt-get source --download-only -qq "qemu=$ver" 2>&1 | grep -v '^W: Download is performed unsandboxed' >&2 || true)
	[ -f "$dsc" ] || die "download of qemu=$ver failed"
fi

rm -rf "$work"
mkdir -p "$work"
log "unpacking $dsc (dpkg-source applies Debian's patches)"
dpkg-source -q -x "$dsc" "$work/src" >/dev/null
for p in "${patches[@]}"; do
	log "applying $(basename "$p")"
	patch -s -p1 -d "$work/src" <"$p"
done

# 4. Configure and build.
log "configuring: ${cfg_flags[*]}"
mkdir -p "$work/src/build"
(cd "$work/src/build" && ../configure "${cfg_flags[@]}") >"$work/configure.log" 2>&1 ||
	{
		tail -n 30 "$work/configure.log" >&2
		die "configure failed (log: $work/configure.log)"
	}
log "building with make -j$jobs (log: $work/build.log); this takes several minutes on 2 cores"
set +o pipefail
(make -C "$work/src/build" -j"$jobs" qemu-system-x86_64 2>&1; echo "rc=$?") | tee "$work/build.log" |
	grep --line-buffered -E '^\[[0-9]+/[0-9]+\]' | awk '{ split($1, a, "[/\\[\\]]"); n = a[2]; t = a[3];
		if (n % 250 == 0 || n == t) { printf "build-qemu: %s\n", $1; fflush() } }' >&2
set -o pipefail
if ! grep -q '^rc=0$' "$work/build.log"; then
	grep -E 'error|Error' "$work/build.log" | head -n 20 >&2
	die "build failed (log: $work/build.log)"
fi
bin="$work/src/build/qemu-system-x86_64"
[ -x "$bin" ] || die "no binary at $bin"
"$bin" -device help 2>/dev/null | grep -q '"vhost-user-accel-pci"' ||
	die "built QEMU has no vhost-user-accel-pci device"

rm -rf "$out.tmp"
mkdir -p "$out.tmp/bin"
cp "$bin" "$out.tmp/bin/"
strip "$out.tmp/bin/qemu-system-x86_64" 2>/dev/null || true
echo "$ver" >"$out.tmp/DEB_VERSION"
{
	echo "qemu_deb_version=$ver"
	echo "patch_hash=$key"
	echo "patches=$(for p in "${patches[@]}"; do basename "$p"; done | tr '\n' ' ')"
	echo "configure=${cfg_flags[*]}"
	echo "built=$(date -u +%FT%TZ)"
	echo "firmware=-L /usr/share/qemu -L /usr/share/seabios"
} >"$out.tmp/BUILD-INFO"
rm -rf "$out"
mv "$out.tmp" "$out"
[ "${QEMU_KEEP_BUILD:-0}" = 1 ] || rm -rf "$work"
log "done in $(($(date +%s) - t0)) s: $out/bin/qemu-system-x86_64"
echo "$out/bin/qemu-system-x86_64"
