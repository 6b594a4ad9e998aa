#!/usr/bin/env bash
# Build the release artifacts (`make dist`):
#
#   packaging/dist.sh [--out DIR] [--check] [ARTIFACT...]     (default: all)
#
# ARTIFACT (ARCH = amd64, arm64, armhf; vm-: amd64, arm64):
#   deb-ARCH  the Debian packages (debian/; dpkg-buildpackage, cross for arm64 and
#             armhf with -Pcross,nocheck), checked with lintian: an error fails
#   tar-ARCH  vaccel-virtio_<ver>_<arch>.tar.gz: prefix /usr/local, libdir lib;
#             installs with  tar xf FILE --strip-components=2 -C /usr/local
#   vm-ARCH   vaccel-virtio-vm_<ver>_<arch>.tar.xz: kernel, initrd, rootfs.img
#             (module, libraries, plugin, examples, data) and a README
# into DIR (default: dist/), with SHA256SUMS over everything in DIR.
#
# Cached: each artifact under ${VACCEL_CACHE:-$HOME/.cache/vaccel-virtio}/dist,
# keyed by the hash of the source tree (tracked and new files, not ignored ones;
# tests and docs left out), so an unchanged tree costs nothing; the TAR and VM builds share an incremental
# meson build dir per architecture (build-dist-ARCH/). The private QEMU of the
# vaccel-vm package comes from vmm/qemu/build-qemu.sh's cache (built once per
# patch hash). --check runs the package's unit suites in native deb builds.
#
# Needs scripts/install-deps.sh base vm cross pkg (make dist runs it); the arm64
# vaccel-vm package also needs qemu-cross-arm64, else the arm64 debs are built
# without vaccel-vm and that is said.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/.." && pwd)"
out="$repo/dist"
check=0
want=()
while [ $# -gt 0 ]; do
	case "$1" in
	--out) out="$2"; shift ;;
	--out=*) out="${1#--out=}" ;;
	--check) check=1 ;;
	-h | --help) sed -n '2,/^set -euo/p' "$0" | sed -e '$d' -e 's/^# \{0,1\}//'; exit 0 ;;
	all) want+=(deb-amd64 deb-arm64 deb-armhf tar-amd64 tar-arm64 tar-armhf vm-amd64 vm-arm64) ;;
	deb-amd64 | deb-arm64 | deb-armhf | tar-amd64 | tar-arm64 | tar-armhf | vm-amd64 | vm-arm64) want+=("$1") ;;
	*) echo "dist: unknown argument '$1' (see --help)" >&2; exit 2 ;;
	esac
	shift
done
[ ${#want[@]} -gt 0 ] || want=(deb-amd64 deb-arm64 deb-armhf tar-amd64 tar-arm64 tar-armhf vm-amd64 vm-arm64)

cache="${VACCEL_CACHE:-$HOME/.cache/vaccel-virtio}/dist"
native="$(dpkg --print-architecture)"
log() { echo "dist: $*" >&2; }
die() {
	echo "dist: error: $*" >&2
	exit 1
}

cd "$repo"
ver="$(sed -n "s/^ *version *: *'\([^']*\)'.*/\1/p" meson.build | head -n1)"
debver="$(dpkg-parsechangelog -l debian/changelog -SVersion)"
epoch="$(dpkg-parsechangelog -l debian/changelog -STimestamp)"
[ "${debver%-*}" = "$ver" ] || die "debian/changelog says $debver, meson.build $ver"

# The source tree: what git tracks plus new files it does not ignore.
tree_files() {
	if git -C "$repo" rev-parse --git-dir >/dev/null 2>&1; then
		git -C "$repo" ls-files -z -co --exclude-standard | sort -z
	else
		find . -path ./dist -prune -o -path './build*' -prune -o -type f -print0 | sort -z
	fi
}
# The cache key: files that can change an artifact (not the tests, except the
# guest's test script in the VM image, nor the docs).
srchash="$(tree_files | grep -zv -e '^tests/' -e '^docs/' -e '^README.md$' |
	cat - <(tree_files | grep -z '^tests/vm/guest/') | xargs -0 sha256sum | sha256sum | cut -c1-16)"
export_tree() { # export_tree DIR
	mkdir -p "$1"
	tree_files | tar -c --null -T - | tar -x -C "$1"
}

mkdir -p "$cache" "$out"
exec 8>"$cache/dist.lock"
flock 8

triplet() { dpkg-architecture -a "$1" -qDEB_HOST_MULTIARCH 2>/dev/null; }
guest_arch() { case "$1" in amd64) echo x86_64 ;; arm64) echo aarch64 ;; *) return 1 ;; esac; }

# arm64's vaccel-vm carries a cross-built QEMU: its libraries must be there.
qemu_cross_ready() {
	local p
	for p in libglib2.0-dev:arm64 libpixman-1-dev:arm64 zlib1g-dev:arm64 libfdt1:arm64; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || return 1
	done
}

# build_deb ARCH DEST: the .debs of ARCH into DEST (and lintian.txt).
build_deb() {
	local arch="$1" dest="$2" w profiles=(nocheck) opts=(-b -uc -us) rc
	w="$(mktemp -d "$cache/work.XXXXXX")"
	export_tree "$w/vaccel-virtio-$ver"
	[ "$check" -eq 0 ] || [ "$arch" != "$native" ] || profiles=()
	if [ "$arch" != "$native" ]; then
		opts+=(-a "$arch")
		profiles+=(cross)
		if [ "$arch" = arm64 ] && ! qemu_cross_ready; then
			log "deb-$arch: no arm64 QEMU libraries (scripts/install-deps.sh qemu-cross-arm64): without vaccel-vm"
			profiles+=(pkg.vaccel-virtio.noqemu)
		fi
	fi
	local popt=()
	[ ${#profiles[@]} -eq 0 ] || popt=(-P"$(
		IFS=,
		echo "${profiles[*]}"
	)")
	local dbo="noddebs parallel=$(nproc)"
	[ "${profiles[0]:-}" != nocheck ] || dbo="$dbo nocheck"
	rc=0
	(cd "$w/vaccel-virtio-$ver" &&
		DEB_BUILD_OPTIONS="$dbo" dpkg-buildpackage "${opts[@]}" "${popt[@]}" >"$w/build.log" 2>&1) || rc=$?
	if [ $rc -ne 0 ]; then
		tail -n 40 "$w/build.log" >&2
		die "deb-$arch: dpkg-buildpackage failed (log: $w/build.log)"
	fi
	mkdir -p "$dest.tmp"
	cp "$w"/*.deb "$dest.tmp/"
	# lintian: no error may remain; warnings are overridden with a reason in
	# debian/common.lintian-overrides, so any other one is reported.
	lintian --tag-display-limit 0 "$dest.tmp"/*.deb >"$dest.tmp/lintian.txt" 2>&1 || true
	if grep -q '^E: ' "$dest.tmp/lintian.txt"; then
		cat "$dest.tmp/lintian.txt" >&2
		die "deb-$arch: lintian reports errors"
	fi
	rm -rf "$w" "$dest"
	mv "$dest.tmp" "$dest"
}

# An incremental /usr/local build of ARCH, shared by its TAR and VM artifacts.
build_local() {
	local arch="$1" b="$repo/build-dist-$1" cross=()
	# No auto feature (the real plugins): the TAR's contents must not depend on
	# what this machine has installed, nor need libtorch, OpenCV or dlib.
	local opts=(-Dprefix=/usr/local -Dlibdir=lib -Dauto_features=disabled -Dtests=disabled -Dvm_tests=false)
	[ "$arch" = "$native" ] || cross=(--cross-file "$repo/cross/$arch.ini")
	if [ ! -f "$b/build.ninja" ]; then
		meson setup "$b" "$repo" "${cross[@]}" "${opts[@]}" >"$b.setup.log" 2>&1 ||
			{
				cat "$b.setup.log" >&2
				die "meson setup $b failed"
			}
		rm -f "$b.setup.log"
	else # a dir set up with other options before gets these
		meson configure "$b" "${opts[@]}" >/dev/null || die "meson configure $b failed"
	fi
	ninja -C "$b" >"$b.ninja.log" 2>&1 || {
		tail -n 30 "$b.ninja.log" >&2
		die "ninja -C $b failed"
	}
	rm -f "$b.ninja.log"
	echo "$b"
}

build_tar() {
	local arch="$1" dest="$2" b stage name
	b="$(build_local "$arch")"
	stage="$(mktemp -d "$cache/work.XXXXXX")"
	name="vaccel-virtio_${ver}_${arch}"
	DESTDIR="$stage/root" meson install -C "$b" --no-rebuild --strip >"$stage/install.log" 2>&1 ||
		{
			cat "$stage/install.log" >&2
			die "tar-$arch: meson install failed"
		}
	# --strip-components=2 drops "<name>/local": what is left goes into /usr/local.
	mkdir -p "$stage/pack/$name"
	mv "$stage/root/usr/local" "$stage/pack/$name/local"
	mkdir -p "$dest.tmp"
	tar -C "$stage/pack" --sort=name --owner=0 --group=0 --numeric-owner --mtime="@$epoch" \
		-czf "$dest.tmp/$name.tar.gz" "$name"
	rm -rf "$stage" "$dest"
	mv "$dest.tmp" "$dest"
}

build_vm() {
	local arch="$1" dest="$2" b stage name garch img kimage
	garch="$(guest_arch "$arch")"
	b="$(build_local "$arch")"
	stage="$(mktemp -d "$cache/work.XXXXXX")"
	name="vaccel-virtio-vm_${ver}_${arch}"
	img="$stage/$name"
	"$repo/vm/build-image.sh" --arch "$garch" "$b" "$stage/image" 2>"$stage/image.log" ||
		{
			cat "$stage/image.log" >&2
			die "vm-$arch: vm/build-image.sh failed"
		}
	for kimage in bzImage Image; do
		[ ! -f "$stage/image/$kimage" ] || break
	done
	mkdir -p "$img"
	for f in "$kimage" initrd-boot.cpio.gz rootfs.img ARCH KERNEL_VERSION MANIFEST; do
		mv "$stage/image/$f" "$img/"
	done
	sed -e "s|@VERSION@|$ver|g" -e "s|@ARCH@|$arch|g" -e "s|@GUEST_ARCH@|$garch|g" \
		-e "s|@KERNEL@|$kimage|g" -e "s|@KERNEL_VERSION@|$(cat "$img/KERNEL_VERSION")|g" \
		"$here/vm-README.in" >"$img/README"
	(cd "$img" && sha256sum "$kimage" initrd-boot.cpio.gz rootfs.img >SHA256SUMS)
	mkdir -p "$dest.tmp"
	tar -C "$stage" --sort=name --owner=0 --group=0 --numeric-owner --mtime="@$epoch" \
		-cf - "$name" | xz -T0 -6 >"$dest.tmp/$name.tar.xz"
	rm -rf "$stage" "$dest"
	mv "$dest.tmp" "$dest"
}

n=${#want[@]} i=0 t_all=$(date +%s)
for a in "${want[@]}"; do
	i=$((i + 1))
	kind="${a%%-*}" arch="${a#*-}"
	dest="$cache/$a-$srchash"
	t=$(date +%s)
	if [ -d "$dest" ]; then
		state="cached"
	else
		log "[$i/$n] $a: building (source $srchash)"
		case "$kind" in
		deb) build_deb "$arch" "$dest" ;;
		tar) build_tar "$arch" "$dest" ;;
		vm) build_vm "$arch" "$dest" ;;
		esac
		state="built in $(($(date +%s) - t)) s"
		# Keep the two newest builds of each artifact.
		ls -1dt "$cache/$a"-* 2>/dev/null | tail -n +3 | xargs -r rm -rf
	fi
	# This artifact's files in OUT replace older ones of the same kind and arch.
	case "$kind" in
	deb) rm -f "$out"/*_"$arch".deb "$out"/lintian_"$arch".txt
		[ "$arch" != "$native" ] || rm -f "$out"/*_all.deb ;;
	tar) rm -f "$out"/vaccel-virtio_*_"$arch".tar.gz ;;
	vm) rm -f "$out"/vaccel-virtio-vm_*_"$arch".tar.xz ;;
	esac
	for f in "$dest"/*; do
		case "$f" in
		*/lintian.txt) cp "$f" "$out/lintian_$arch.txt" ;;
		# arch: all packages come from the native build only.
		*_all.deb) [ "$arch" != "$native" ] || cp "$f" "$out/" ;;
		*) cp "$f" "$out/" ;;
		esac
	done
	files="$(find "$dest" -type f ! -name lintian.txt | wc -l)"
	size="$(du -shc "$dest"/* | tail -n1 | cut -f1)"
	log "[$i/$n] $a: $state: $files file(s), $size"
done
(
	cd "$out"
	shopt -s nullglob
	sha256sum ./*.deb ./*.tar.gz ./*.tar.xz | sed 's| \./| |' >SHA256SUMS
)
log "done in $(($(date +%s) - t_all)) s: $out ($(ls "$out" | wc -l) files, SHA256SUMS)"
