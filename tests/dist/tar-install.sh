#!/usr/bin/env bash
# The TAR archive (suite dist):
#
#   tar-install.sh SOURCE_DIR BUILD_DIR
#
# Builds vaccel-virtio_<ver>_amd64.tar.gz (packaging/dist.sh tar-amd64, cached)
# and installs it as its README says, `tar xf FILE --strip-components=2 -C
# /usr/local` then `ldconfig`, into a scratch /usr/local: a tmpfs over it in a
# private mount namespace, and ldconfig writing a private cache mounted over
# /etc/ld.so.cache there, so this machine's files are never touched. Then, with
# no LD_LIBRARY_PATH or PKG_CONFIG_PATH: a program written for upstream vAccel
# builds with `pkg-config vaccel` and runs with the noop plugin; classify runs
# locally and over the socket transport (daemon + guest plugin) with the seed's
# output.
set -uo pipefail
# shellcheck source=tests/dist/common.sh
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"
need_namespaces "a scratch /usr/local (mount namespace)"
work_dir tar-install
dist_artifacts tar-amd64
tarball="$(ls "$work/dist"/vaccel-virtio_*_amd64.tar.gz)"
cp "$src/tests/install/upstream_app.c" "$src/tests/install/upstream_app.out" \
	"$src/tests/examples/expected/classify.out" "$work/"

in_namespaces bash -c '
	set -u
	tarball="$1" work="$2"
	n=0
	ok() { n=$((n + 1)); echo "ok - $*"; }
	fail() { echo "not ok - $*"; exit 1; }
	mount -t tmpfs tmpfs /usr/local
	mount -t tmpfs tmpfs /var/cache/ldconfig 2>/dev/null || true
	tar xf "$tarball" --strip-components=2 -C /usr/local || fail "tar xf --strip-components=2 -C /usr/local"
	[ -f /usr/local/lib/libvaccel.so.0 ] && [ -f /usr/local/bin/classify ] && [ -f /usr/local/include/vaccel.h ] ||
		fail "not the /usr/local layout: $(ls /usr/local)"
	ok "tar xf --strip-components=2 -C /usr/local: bin, include, lib, share"
	ldconfig -C "$work/ld.so.cache" && mount --bind "$work/ld.so.cache" /etc/ld.so.cache || fail "ldconfig"
	unset LD_LIBRARY_PATH PKG_CONFIG_PATH VACCEL_PLUGINS
	[ "$(pkg-config --variable=prefix vaccel)" = /usr/local ] && [ "$(pkg-config --variable=libdir vaccel)" = /usr/local/lib ] ||
		fail "vaccel.pc: prefix $(pkg-config --variable=prefix vaccel), libdir $(pkg-config --variable=libdir vaccel)"
	ok "vaccel.pc: prefix /usr/local, libdir /usr/local/lib, version $(pkg-config --modversion vaccel)"
	cd "$work"
	cc -std=c11 -Wall -Wextra -Werror -o app upstream_app.c $(pkg-config --cflags --libs vaccel) ||
		fail "upstream-style program does not build with pkg-config vaccel"
	VACCEL_PLUGINS=libvaccel-noop.so ./app /usr/local/share/vaccel/images/example.jpg >app.got 2>app.err ||
		{ cat app.err; fail "upstream-style program failed"; }
	diff -u upstream_app.out app.got || fail "upstream-style program output"
	ok "upstream-style program: built with pkg-config vaccel, ran with the noop plugin"
	VACCEL_PLUGINS=libvaccel-noop.so classify /usr/local/share/vaccel/images/example.jpg >c1.got 2>c1.err ||
		{ cat c1.err; fail "classify with the noop plugin"; }
	diff -u classify.out c1.got || fail "classify output"
	ok "classify (PATH /usr/local/bin) with the noop plugin"
	VACCEL_PLUGINS=libvaccel-noop.so VACCEL_LOG_LEVEL=3 vhost-user-accel --socket-path="$work/t.sock" >d.log 2>&1 &
	i=0
	while [ ! -S "$work/t.sock" ]; do
		i=$((i + 1)); [ $i -le 100 ] || { cat d.log; fail "the daemon did not start"; }; sleep 0.05
	done
	VACCEL_PLUGINS=libvaccel-virtio.so VACCEL_VIRTIO_SOCKET="$work/t.sock" \
		classify /usr/local/share/vaccel/images/example.jpg >c2.got 2>c2.err ||
		{ cat c2.err d.log; fail "classify over the socket transport"; }
	diff -u classify.out c2.got || fail "classify output over the transport"
	ok "classify over the socket transport (vhost-user-accel + libvaccel-virtio.so)"
	echo "tar-install: $n passed"
' -- "$tarball" "$work"
rc=$?
[ $rc -eq 0 ] || fail "scratch /usr/local install (exit $rc)"
