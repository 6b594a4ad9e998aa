#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# THE demo: a daemon with the noop plugin (log level 4) and the unmodified
# `classify` example run over the transport with the virtio plugin's
# userspace driver. The app prints the dummy tag; the daemon's log shows
# the noop plugin's lines for that call.
#
# usage: test_tr_demo.sh DAEMON NOOP_PLUGIN VIRTIO_PLUGIN CLASSIFY IMAGE
set -u
daemon=$1 noop=$2 virtio=$3 classify=$4 image=$5
# Cross builds: meson names the emulator that runs target programs (word-split).
run=${MESON_EXE_WRAPPER:-}

dir=$(mktemp -d /tmp/vaccel-demo-XXXXXX)
sock=$dir/accel.sock
log=$dir/daemon.log
pid=
cleanup() {
	[ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
	rm -rf "$dir"
}
trap cleanup EXIT
fail() {
	echo "FAIL: $*" >&2
	echo "---- app output ----" >&2; cat "$dir/app.out" >&2 2>/dev/null
	echo "---- daemon log ----" >&2; cat "$log" >&2
	exit 1
}

env -u VACCEL_BOOTSTRAP_ENABLED -u VACCEL_VIRTIO_SOCKET \
	VACCEL_PLUGINS="$noop" VACCEL_LOG_LEVEL=4 \
	$run "$daemon" --socket-path="$sock" >"$log" 2>&1 &
pid=$!
i=0
while [ ! -S "$sock" ]; do
	i=$((i + 1))
	[ $i -gt 500 ] && fail "daemon did not create $sock"
	kill -0 "$pid" 2>/dev/null || fail "daemon exited"
	sleep 0.01
done

env -u VACCEL_BOOTSTRAP_ENABLED VACCEL_PLUGINS="$virtio" VACCEL_VIRTIO_SOCKET="$sock" \
	timeout 60 $run "$classify" "$image" >"$dir/app.out" 2>&1
rc=$?
[ $rc -eq 0 ] || fail "classify exited with $rc"
grep -qx 'classification tags: This is a dummy classification tag!' "$dir/app.out" ||
	fail "no dummy tag in the app's output"

# The noop plugin's lines for that call, on the host side.
i=0
until grep -q '\[noop\] Calling Image classification for session' "$log"; do
	i=$((i + 1))
	[ $i -gt 200 ] && fail "no noop classification line in the daemon log"
	sleep 0.01
done
grep -q '\[noop\] will return a dummy result' "$log" || fail "no noop dummy-result line"
echo "demo OK: app printed the dummy tag; daemon ran it with noop"
grep '\[noop\]' "$log"
exit 0
