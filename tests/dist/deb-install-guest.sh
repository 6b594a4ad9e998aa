#!/bin/bash
# Runs inside the fresh Debian 12 root (deb-install.sh), as root, from /root/t.
set -u
cd /root/t || exit 1
n=0
ok() {
	n=$((n + 1))
	echo "ok - $*"
}
fail() {
	echo "not ok - $*"
	[ -z "${pid:-}" ] || kill "$pid" 2>/dev/null
	exit 1
}

dpkg -i ./*.deb >dpkg.log 2>&1 || {
	cat dpkg.log
	fail "dpkg -i of $(ls ./*.deb | xargs -n1 basename | tr '\n' ' ')"
}
ok "dpkg -i: $(ls ./*.deb | wc -l) packages, dependencies met by a minimal Debian 12"
getent passwd _vaccel >/dev/null && getent group kvm >/dev/null || fail "postinst made no _vaccel user or kvm group"
ok "vhost-user-accel postinst: user _vaccel, group kvm"
ldconfig -p | grep -q 'libvaccel.so.0 ' || fail "libvaccel.so.0 is not in the loader cache (ldconfig trigger)"
ok "libvaccel.so.0 in the loader cache"
[ ! -e /usr/bin/classify ] && [ ! -e /usr/bin/exec ] && [ ! -e /usr/bin/noop ] ||
	fail "an example is installed under a short name on PATH"
ok "examples only in /usr/lib/vaccel/examples"

# The host: the daemon with the noop plugin (found by its bare name in the plugin dir).
mkdir -p /run/vaccel
VACCEL_PLUGINS=libvaccel-noop.so VACCEL_LOG_LEVEL=4 vhost-user-accel --socket-path=/run/vaccel/t.sock \
	>daemon.log 2>&1 &
pid=$!
i=0
while [ ! -S /run/vaccel/t.sock ]; do
	i=$((i + 1))
	[ $i -le 100 ] && kill -0 "$pid" 2>/dev/null || {
		cat daemon.log
		fail "the daemon did not start"
	}
	sleep 0.05
done
ok "vhost-user-accel listens"

# The guest side, as the seed's usage goes: classify over the transport.
PATH=/usr/lib/vaccel/examples:$PATH VACCEL_PLUGINS=libvaccel-virtio.so VACCEL_VIRTIO_SOCKET=/run/vaccel/t.sock \
	classify /usr/share/vaccel/images/example.jpg >classify.got 2>classify.err ||
	{
		cat classify.err daemon.log
		fail "classify over the socket transport"
	}
diff -u classify.out classify.got || fail "classify's output"
grep -q '\[noop\] Calling Image classification' daemon.log || fail "the daemon's noop plugin did not run it"
ok "classify over the socket transport: the seed's output, run by the host's noop plugin"
kill "$pid"
wait "$pid"
[ ! -e /run/vaccel/t.sock ] || fail "the daemon left its socket behind"
pid=

# A program written for upstream vAccel, built with pkg-config from libvaccel-dev.
cc -std=c11 -Wall -Wextra -Werror -o app upstream_app.c $(pkg-config --cflags --libs vaccel) ||
	fail "upstream-style program does not build against the installed libvaccel-dev"
VACCEL_PLUGINS=libvaccel-noop.so ./app /usr/share/vaccel/images/example.jpg >app.got 2>app.err ||
	{
		cat app.err
		fail "upstream-style program failed"
	}
diff -u upstream_app.out app.got || fail "upstream-style program's output"
ok "upstream-style program: pkg-config vaccel, runs with the installed noop plugin"

# exec with the installed exec plugin and test library.
VACCEL_PLUGINS=libvaccel-exec.so /usr/lib/vaccel/examples/exec /usr/lib/vaccel/examples/libmytestlib.so 1 \
	>exec.got 2>&1 || {
	cat exec.got
	fail "exec with the exec plugin"
}
grep -q '^output: 20' exec.got || {
	cat exec.got
	fail "exec's result"
}
ok "exec with libvaccel-exec.so and libmytestlib.so"

dpkg --purge vaccel-examples vaccel-virtio vaccel-plugins vhost-user-accel libvaccel-dev libvaccel0 >purge.log 2>&1 || {
	cat purge.log
	fail "dpkg --purge"
}
left="$(find /usr/lib/x86_64-linux-gnu/vaccel /usr/lib/vaccel /usr/share/vaccel /usr/include/vaccel 2>/dev/null)"
[ -z "$left" ] || fail "files left after purge: $left"
ok "dpkg --purge leaves nothing behind"
echo "guest: $n passed"
