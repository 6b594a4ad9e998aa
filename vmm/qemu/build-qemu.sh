#!/usr/bin/env bash
# Build a minimal qemu-system-<target> with the vhost-user-accel device.
#
#   vmm/qemu/build-qemu.sh [--target x86_64|aarch64] [--host ARCH] [--print-path] [--force]
#
# --target  the guest architecture whose binary's path is printed (default: the
#           host's first target): qemu-system-x86_64 (pc, microvm) or
#           qemu-system-aarch64 (virt: virtio-mmio and PCI)
# --host    Debian architecture the binaries run on (default: this machine's).
#           Another one (arm64) is cross-compiled, for the arm64 vaccel-vm package;
#           it needs scripts/install-deps.sh qemu-cross-<arch>.
#
# One configure and one build make every target of the host (amd64: x86_64 and
# aarch64; arm64: aarch64), into one cache dir: the target-independent half of
# QEMU is compiled once for both, and whichever target is asked for first pays
# for the other (the VM suites need both).
#
# QEMU's source comes from Debian's own source package (trixie, QEMU 10.0.x,
# with Debian's patches applied by dpkg-source); our patches in vmm/qemu/*.patch
# go on top. The result is cached in
#   ${VACCEL_CACHE:-$HOME/.cache/vaccel-virtio}/qemu-<version>-<hash>/bin/qemu-system-<target>
#   (cross builds: .../host-<arch>/qemu-<version>-<hash>/bin/...)
# where <hash> covers the patches and the configure flags (targets and host
# included), so each host's targets are built once per patch hash, a second run
# costs nothing and only prints the path (the last line of stdout is always the
# path of the binary asked for; the others are next to it).
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
target=""
native_arch="$(dpkg --print-architecture 2>/dev/null || echo amd64)"
host_arch="$native_arch"

while [ $# -gt 0 ]; do
	a="$1"
	case "$a" in
	--target=* | --host=*) set -- "${a%%=*}" "${a#*=}" "${@:2}"; continue ;;
	--print-path) print_only=1 ;;
	--force) force=1 ;;
	--target | --host)
		[ $# -ge 2 ] || { echo "build-qemu: $a needs a value" >&2; exit 2; }
		if [ "$a" = --target ]; then target="$2"; else host_arch="$2"; fi
		shift
		;;
	-h | --help)
		sed -n '2,/^set -euo/p' "$0" | sed -e '$d' -e 's/^# \{0,1\}//'
		exit 0
		;;
	*)
		echo "build-qemu: unknown option '$a'" >&2
		exit 2
		;;
	esac
	shift
done
# The guests each host's vaccel-vm runs (the arm64 package: aarch64 only).
case "$host_arch" in
amd64) targets=(x86_64 aarch64) ;;
arm64) targets=(aarch64) ;;
*)
	echo "build-qemu: no QEMU targets for host '$host_arch' (amd64, arm64)" >&2
	exit 2
	;;
esac
[ -n "$target" ] || target="${targets[0]}"
case " ${targets[*]} " in
*" $target "*) ;;
*)
	echo "build-qemu: unknown target '$target' for host $host_arch (${targets[*]})" >&2
	exit 2
	;;
esac
cross_prefix="" host_triplet=""
if [ "$host_arch" != "$native_arch" ]; then
	case "$host_arch" in
	arm64) cross_prefix=aarch64-linux-gnu- host_triplet=aarch64-linux-gnu ;;
	*)
		echo "build-qemu: cannot cross-compile for host '$host_arch' (arm64)" >&2
		exit 2
		;;
	esac
fi

log() { echo "build-qemu: $*" >&2; }
die() {
	echo "build-qemu: error: $*" >&2
	exit 1
}

# Configure flags: part of the cache key, so changing them rebuilds (and each
# host has its own build). (--with-devices-aarch64=minimal would not shrink the
# aarch64 build: every board is 'default y' in QEMU 10, so only together with
# --without-default-devices, which x86_64's device set would then have to
# list by hand.)
target_list="$(printf '%s-softmmu,' "${targets[@]}")"
cfg_flags=(--python=/usr/bin/python3 --target-list="${target_list%,}")
[ -z "$cross_prefix" ] || cfg_flags+=(--cross-prefix="$cross_prefix")
cfg_flags+=(--without-default-features --enable-tcg --enable-kvm --enable-vhost-user
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

# Native builds sit at the top of the cache (vm/vaccel-vm looks there), cross
# builds one level down so nothing picks a binary this machine cannot run.
root="$cache"
[ -z "$cross_prefix" ] || root="$cache/host-$host_arch"
bin_name="qemu-system-$target"
find_cached() {
	local d best="" t
	for d in "$root"/qemu-*-"$key"; do
		for t in "${targets[@]}"; do
			[ -x "$d/bin/qemu-system-$t" ] || continue 2
		done
		if [ -n "${QEMU_DEB_VERSION:-}" ] && [ "$(cat "$d/DEB_VERSION" 2>/dev/null)" != "$QEMU_DEB_VERSION" ]; then
			continue
		fi
		best="$d"
	done
	[ -n "$best" ] && echo "$best/bin/$bin_name"
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
deps=(base vm)
[ -z "$cross_prefix" ] || deps+=(qemu-cross-"$host_arch")
"$here/../../scripts/install-deps.sh" "${deps[@]}" >&2

# 3. Source: Debian's package, Debian's patches applied by dpkg-source -x.
ver="${QEMU_DEB_VERSION:-$(apt-cache showsrc qemu | sed -n 's/^Version: //p' | grep '^1:10\.0\.' | sort -V | tail -n1)}"
[ -n "$ver" ] || die "no QEMU 10.0.x source package found (is the trixie deb-src entry reachable?)"
upver="${ver#*:}"
upver="${upver%%+*}"
upver="${upver%%-*}"
out="$root/qemu-$upver-$key"
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

# 4. Configure and build. A cross build takes libfdt's headers and link from the
#    host architecture's packages, unpacked (libfdt-dev is not Multi-Arch, so it
#    cannot be installed next to this machine's); libfdt1:<arch> is installed.
if [ -n "$cross_prefix" ]; then
	fdt="$cache/host-$host_arch/libfdt"
	if [ ! -f "$fdt/.unpacked" ]; then
		rm -rf "$fdt"
		mkdir -p "$fdt/debs"
		(cd "$fdt/debs" && apt-get download -qq "libfdt-dev:$host_arch" "libfdt1:$host_arch" 2>&1 |
			grep -v unsandboxed >&2 || true)
		for d in "$fdt"/debs/*.deb; do dpkg-deb -x "$d" "$fdt"; done
		[ -f "$fdt/usr/include/libfdt.h" ] || die "cannot get libfdt-dev:$host_arch"
		touch "$fdt/.unpacked"
	fi
	cfg_flags+=(--extra-cflags="-I$fdt/usr/include" --extra-ldflags="-L$fdt/usr/lib/$host_triplet")
fi
log "configuring: ${cfg_flags[*]}"
mkdir -p "$work/src/build"
(cd "$work/src/build" && ../configure "${cfg_flags[@]}") >"$work/configure.log" 2>&1 ||
	{
		tail -n 30 "$work/configure.log" >&2
		die "configure failed (log: $work/configure.log)"
	}
bins=("${targets[@]/#/qemu-system-}")
log "building ${bins[*]} with make -j$jobs (log: $work/build.log); this takes several minutes on 2 cores"
set +o pipefail
(make -C "$work/src/build" -j"$jobs" "${bins[@]}" 2>&1; echo "rc=$?") | tee "$work/build.log" |
	grep --line-buffered -E '^\[[0-9]+/[0-9]+\]' | awk '{ split($1, a, "[/\\[\\]]"); n = a[2]; t = a[3];
		if (n % 250 == 0 || n == t) { printf "build-qemu: %s\n", $1; fflush() } }' >&2
set -o pipefail
if ! grep -q '^rc=0$' "$work/build.log"; then
	grep -E 'error|Error' "$work/build.log" | head -n 20 >&2
	die "build failed (log: $work/build.log)"
fi
rm -rf "$out.tmp"
mkdir -p "$out.tmp/bin"
for b in "${bins[@]}"; do
	bin="$work/src/build/$b"
	[ -x "$bin" ] || die "no binary at $bin"
	if [ -z "$cross_prefix" ]; then
		# The whole list into grep: a grep -q that stops reading early makes
		# QEMU die of SIGPIPE, and pipefail fails the check.
		grep -q '"vhost-user-accel-pci"' <<<"$("$bin" -device help 2>/dev/null)" ||
			die "built $b has no vhost-user-accel-pci device"
	else # cannot run it here: the device's type name must be in the binary
		grep -q 'vhost-user-accel-pci' "$bin" || die "built $b has no vhost-user-accel-pci device"
	fi
	cp "$bin" "$out.tmp/bin/"
	"${cross_prefix}strip" "$out.tmp/bin/$b" 2>/dev/null || true
done
echo "$ver" >"$out.tmp/DEB_VERSION"
{
	echo "qemu_deb_version=$ver"
	echo "targets=${targets[*]} host=$host_arch"
	echo "patch_hash=$key"
	echo "patches=$(for p in "${patches[@]}"; do basename "$p"; done | tr '\n' ' ')"
	echo "configure=${cfg_flags[*]}"
	echo "built=$(date -u +%FT%TZ)"
	echo "firmware=-L /usr/share/qemu -L /usr/share/seabios"
} >"$out.tmp/BUILD-INFO"
rm -rf "$out"
mv "$out.tmp" "$out"
[ "${QEMU_KEEP_BUILD:-0}" = 1 ] || rm -rf "$work"
log "done in $(($(date +%s) - t0)) s: $out/bin/$bin_name"
echo "$out/bin/$bin_name"
