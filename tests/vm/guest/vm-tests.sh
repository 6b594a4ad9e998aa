#!/bin/sh
# Runs inside the guest (installed into /usr/local/bin by vm/build-image.sh).
#   vm-tests.sh noop|exec HOST_MYTESTLIB HOST_VMTESTLIB [UPLOAD_LIB]
# UPLOAD_LIB: the library exec_with_resource/exec_serialized upload from the guest
# for the host to run (default /usr/local/lib/libmytestlib.so; a guest of another
# architecture than the host's passes a host build of it).
# noop: every op through /dev/vaccel with the host's noop plugin, permissions,
#       the driver's smoke test (also without indirect descriptors, with
#       suspend and unbind), module unload/reload, a /dev/accel directory
#       (DRM accel) in the way. exec: the host's exec plugin: exec ops, 64/256 MiB
#       argument round trips, 4 processes at once, kill -9 during a long op,
#       the driver's smoke test against a slow device.
# VMT_ALIAS=yes: the kernel cannot have DRM accel, so /dev/accel must be our alias.
# Prints "ok - NAME" / "not ok - NAME" per check and "guest: N passed, N failed".
mode="$1" mylib="$2" vmlib="$3" uplib="${4:-/usr/local/lib/libmytestlib.so}"
img=/usr/local/share/vaccel/images/example.jpg
csv=/usr/local/share/vaccel/input/input_2048.csv
out=/tmp/vmt.out
# "exec" is a shell builtin: always call the example by path.
exec_ex=/usr/local/bin/exec
pass=0 fail=0

check() { # check NAME CMD... : CMD's status decides; its output is kept in $out
	name="$1"
	shift
	t0=$(date +%s)
	if "$@" >"$out" 2>&1; then
		pass=$((pass + 1))
		echo "ok - $name ($(($(date +%s) - t0)) s)"
	else
		fail=$((fail + 1))
		echo "not ok - $name ($(($(date +%s) - t0)) s)"
		grep -E '^FAIL' "$out" | head -n 20 | sed 's/^/#   /'
		tail -n 20 "$out" | sed 's/^/#   /'
	fi
}
runs_with() { # runs_with PATTERN CMD... : CMD succeeds and prints PATTERN
	pat="$1"
	shift
	"$@" >/tmp/vmt.cmd 2>&1 || { cat /tmp/vmt.cmd; echo "exit status $?"; return 1; }
	cat /tmp/vmt.cmd
	grep -q -- "$pat" /tmp/vmt.cmd || { echo "missing: $pat"; return 1; }
}
node_ok() { [ -c "$1" ] && [ "$(stat -c '%a %G' "$1")" = "660 vaccel" ]; }
dev_ok() {
	node_ok /dev/vaccel || return 1
	if [ "${VMT_ALIAS:-no}" = yes ]; then node_ok /dev/accel; else [ ! -c /dev/accel ]; fi
}
outsider_denied() {
	if su -s /bin/sh outsider -c 'exec 3</dev/vaccel' 2>/tmp/vmt.err; then
		echo "outsider could open /dev/vaccel"
		return 1
	fi
	cat /tmp/vmt.err
	grep -q 'Permission denied' /tmp/vmt.err || return 1
	# The plugin must fail cleanly too, not crash or hang.
	su -s /bin/sh outsider -c "LD_LIBRARY_PATH=/usr/local/lib VACCEL_PLUGINS=libvaccel-virtio.so noop"
	rc=$?
	echo "noop as outsider: exit status $rc"
	[ $rc -ne 0 ] && [ $rc -lt 128 ]
}
load_module() { # load_module NODE [PARAM=VALUE...]: (re)load, wait for /dev/NODE, give it to vaccel
	node="$1"
	shift
	if grep -q '^virtio_accel ' /proc/modules; then rmmod virtio_accel || return 1; fi
	for n in vaccel accel; do
		[ ! -c /dev/$n ] || { echo "/dev/$n still there after rmmod"; return 1; }
	done
	insmod /lib/modules/vaccel/virtio_accel.ko "$@" || return 1
	i=0
	while [ ! -c "/dev/$node" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
	for n in vaccel accel; do
		if [ -c /dev/$n ]; then chgrp vaccel /dev/$n && chmod 0660 /dev/$n || return 1; fi
	done
	[ -c "/dev/$node" ]
}
reload_module() {
	load_module vaccel || return 1
	runs_with "classification tags: This is a dummy classification tag!" classify "$img"
}
no_indirect() { # chains straight in the ring: the smoke test, ring-full waits included
	load_module vaccel indirect_desc=0 || return 1
	dmesg | grep 'virtio_accel' | tail -n 1
	dmesg | grep 'virtio_accel' | tail -n 1 | grep -q 'no indirect descriptors' || return 1
	accel-smoke
	rc=$?
	load_module vaccel || return 1
	return $rc
}
no_kernel_warnings() {
	dmesg | grep -E '\] (BUG: |WARNING: |Oops|general protection|virtio_accel.*(could not|unanswered))' && return 1
	return 0
}
slow_device() { # without indirect descriptors, so that a few long chains fill a ring
	load_module vaccel indirect_desc=0 || return 1
	accel-smoke -S "$mylib"
	rc=$?
	load_module vaccel || return 1
	return $rc
}
hold_session() {
	accel-smoke -H >/tmp/hold.log 2>&1 &
	i=0
	while ! grep -q '^holding session' /tmp/hold.log && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
	cat /tmp/hold.log
	grep -q '^holding session' /tmp/hold.log
}
drm_accel_in_the_way() { # DRM's accel class (6.2+) makes /dev/accel/ a directory
	rc=0
	rmmod virtio_accel || return 1
	mkdir /dev/accel && : >/dev/accel/accel0 || return 1
	if load_module vaccel && [ -f /dev/accel/accel0 ]; then
		# The plugin finds the device by itself.
		runs_with "Initialized session with id" env -u VACCEL_VIRTIO_DEVICE noop || rc=1
	else
		echo "no /dev/vaccel, or /dev/accel/ was touched"
		rc=1
	fi
	rmmod virtio_accel
	rm -rf /dev/accel
	# An older driver's name only: the plugin falls back to /dev/accel.
	if load_module accel node_name=accel && [ ! -e /dev/vaccel ]; then
		runs_with "Initialized session with id" env -u VACCEL_VIRTIO_DEVICE noop || rc=1
	else
		echo "node_name=accel did not give /dev/accel alone"
		rc=1
	fi
	load_module vaccel || rc=1
	return $rc
}
concurrent() { # 4 processes at once, each several ops
	pids=""
	for i in 1 2 3 4; do
		"$exec_ex" "$mylib" 5 >"/tmp/conc.$i" 2>&1 &
		pids="$pids $!"
	done
	rc=0
	for p in $pids; do wait "$p" || rc=1; done
	for i in 1 2 3 4; do
		n=$(grep -c '^output: 20' "/tmp/conc.$i")
		echo "process $i: $n results"
		[ "$n" = 5 ] || { cat "/tmp/conc.$i"; rc=1; }
	done
	return $rc
}
kill_mid_op() {
	vm-guest-tool sleep "$mylib" 4000 >/tmp/kill.out 2>&1 &
	p=$!
	i=0
	while ! grep -q 'calling mytestfunc_sleep' /tmp/kill.out && [ $i -lt 50 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	sleep 1
	grep -q 'calling mytestfunc_sleep' /tmp/kill.out || { cat /tmp/kill.out; return 1; }
	kill -9 "$p"
	wait "$p"
	st=$?
	echo "killed process status $st"
	cat /tmp/kill.out
	# Killed while its op ran on the host: no result line, status 128 + SIGKILL.
	[ "$st" -eq 137 ] || return 1
	! grep -q 'sleep: ret' /tmp/kill.out || return 1
	# New ops work at once (the killed op may still be running on the host).
	runs_with "output: 20" "$exec_ex" "$mylib" || return 1
	runs_with "output: 20" "$exec_ex" "$mylib" 3 || return 1
	sleep 4 # let the killed op finish on the host before the VM goes away
	runs_with "output: 20" exec_generic "$mylib"
}

on_bus() { # where the device virtio_accel drives sits; aarch64 guests (-M virt) must be on virtio-mmio
	d="$(readlink -f /sys/bus/virtio/drivers/virtio_accel/virtio* 2>/dev/null | head -n 1)"
	echo "virtio_accel device: ${d:-none}"
	[ -n "$d" ] || return 1
	[ "$(uname -m)" != aarch64 ] && return 0
	case "$d" in */*.virtio_mmio/virtio*) return 0 ;; esac
	return 1
}

echo "guest: mode $mode, kernel $(uname -r), $(uname -m), $(nproc) CPUs"
check "/dev/vaccel (and /dev/accel where free) is 0660 root:vaccel" dev_ok
check "virtio_accel bound to its device (on virtio-mmio in aarch64 guests)" on_bus

if [ "$mode" = noop ]; then
	check "noop" runs_with "Initialized session with id: 1" noop
	check "noop x10" noop 10
	check "classify" runs_with "classification imagename: This is a dummy imgname!" classify "$img"
	check "classify_generic" runs_with "This is a dummy classification tag!" classify_generic "$img"
	for e in detect segment pose depth; do
		check "$e" "$e" "$img"
		check "${e}_generic" "${e}_generic" "$img"
	done
	check "sgemm" sgemm
	check "sgemm_generic" sgemm_generic
	check "minmax" minmax "$csv"
	for e in fpga_arraycopy fpga_mmult fpga_parallel fpga_vadd; do check "$e" "$e"; done
	check "exec (noop)" runs_with "output: 10" "$exec_ex" "$mylib"
	check "exec_generic (noop)" runs_with "output: 10" exec_generic "$mylib"
	check "exec_with_resource (noop)" exec_with_resource /usr/local/lib/libmytestlib.so
	check "exec_serialized (noop)" exec_serialized /usr/local/lib/libmytestlib.so
	. "$(command -v vm-ml-tests.sh)" # TF, TFLite and Torch
	check "user in group vaccel" su -s /bin/sh vaccel -c \
		"LD_LIBRARY_PATH=/usr/local/lib VACCEL_PLUGINS=libvaccel-virtio.so noop"
	check "user outside group vaccel gets EACCES" outsider_denied
	# -u leaves the unbound device's files with sessions: remove() must destroy
	# them (the leftover-session check on the host would flag them).
	check "driver: ABI, ownership, long chains, memlock, 256 MiB, killed and timed-out waiters, suspend, unbind" \
		accel-smoke -k -t -P -u
	check "driver without indirect descriptors: chains in the ring, ring-full waits" no_indirect
	check "module unload and reload" reload_module
	check "/dev/vaccel (and /dev/accel where free) is 0660 root:vaccel after reload" dev_ok
	check "a /dev/accel directory (DRM accel) in the way: /dev/vaccel, found by the plugin" \
		drm_accel_in_the_way
	# Still open at power-off: the driver destroys it as the guest shuts down
	# (the host's leftover-session check).
	check "a process holds a session through power-off" hold_session
else
	check "exec" runs_with "output: 20" "$exec_ex" "$mylib"
	check "exec_generic" runs_with "output: 20" exec_generic "$mylib"
	check "exec x20" "$exec_ex" "$mylib" 20
	check "exec_with_resource (upload)" runs_with "output1: 20" exec_with_resource "$uplib"
	check "exec_serialized" exec_serialized "$uplib"
	check "64 MiB argument round trip" runs_with "bigarg 64 MiB: ok" vm-guest-tool bigarg "$vmlib" 64
	check "256 MiB argument round trip" runs_with "bigarg 256 MiB: ok" vm-guest-tool bigarg "$vmlib" 256
	check "4 guest processes at once" concurrent
	check "kill -9 during a long op, then new ops" kill_mid_op
	check "driver against a slow device: stale ids, close() with full rings, freezable waits" \
		slow_device
	# The host harness answers this line with SIGUSR1 to the daemon, which then
	# logs its live sessions: there must be none now.
	echo "VMTEST-REPORT-NOW"
	sleep 3
fi

# The console shows only emergencies: look at the kernel log itself.
check "no kernel BUG, WARNING or Oops, no driver warning (dmesg)" no_kernel_warnings

echo "guest: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
