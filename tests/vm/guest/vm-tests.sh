#!/bin/sh
# Runs inside the guest (installed into /usr/local/bin by vm/build-image.sh).
#   vm-tests.sh noop|exec HOST_MYTESTLIB HOST_VMTESTLIB [UPLOAD_LIB]
# UPLOAD_LIB: the library exec_with_resource/exec_serialized upload from the guest
# for the host to run (default /usr/local/lib/libmytestlib.so; a guest of another
# architecture than the host's passes a host build of it).
# noop: every op through /dev/vaccel with the host's noop plugin, a daemon
#       restart between two noops, 10,000 noops across a planned daemon
#       upgrade, permissions,
#       the driver's smoke test (also without indirect descriptors, with
#       suspend and unbind), module unload/reload, a /dev/accel directory
#       (DRM accel) in the way. exec: the host's exec plugin: exec ops, 64/256 MiB
#       argument round trips, 4 processes at once, kill -9 during a long op,
#       the driver's smoke test against a slow device, the daemon killed and
#       restarted under the running guest.
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
start_sleeper() { # start_sleeper MS FILE: a host op of MS ms under way; its pid in $p
	vm-guest-tool sleep "$mylib" "$1" >"$2" 2>&1 &
	p=$!
	i=0
	while ! grep -q 'calling mytestfunc_sleep' "$2" && [ $i -lt 50 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	sleep 1
	grep -q 'calling mytestfunc_sleep' "$2" || { cat "$2"; return 1; }
}
kill_mid_op() {
	start_sleeper 4000 /tmp/kill.out || return 1
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
# Ask the host launcher (vaccel-vm --daemon-control) to kill or start the daemon,
# on the console itself (fd 3): check() keeps a command's output in a file.
exec 3>&1
daemon_ctl() { echo "VACCEL-VM-DAEMON: $1" >&3; }
restarted_msg='host device restarted'
# Fail unless FILE shows the restart error and STATUS is a clean failure.
failed_restarted() { # failed_restarted NAME STATUS FILE
	cat "$3"
	echo "$1: exit status $2"
	[ "$2" -ne 0 ] && [ "$2" -lt 128 ] && grep -q "$restarted_msg" "$3"
}
restarts_seen() { dmesg | grep -c 'host backend restarted'; }
wait_restart() { # wait_restart N: until the driver has reset for a lost backend more than N times
	i=0
	while [ "$(restarts_seen)" -le "$1" ] && [ $i -lt 300 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	[ $i -lt 300 ] || { echo "the guest did not see the daemon go"; return 1; }
}
# The issue's scenario: noop, the daemon killed (kill -9) and a new one started
# on the same socket, noop again (it waits for the new daemon, bounded).
noop_across_restart() {
	param=/sys/module/virtio_accel/parameters/backend_wait_ms
	old=$(cat $param) rc=0
	runs_with "Initialized session with id" noop || return 1
	n=$(restarts_seen)
	daemon_ctl kill
	wait_restart "$n" || return 1
	echo 60000 >$param
	daemon_ctl start
	runs_with "Initialized session with id" noop || rc=1
	echo "$old" >$param
	return $rc
}
# A planned upgrade (issue 14 item 3): a process streams 10,000 noops on one
# session while the launcher starts a new daemon with --upgrade, which takes
# the live connection over. Every noop must succeed; the host harness checks
# that the two daemons' counts for the session add up to 10,000. Nothing
# may look like a restart to the driver.
noops_across_upgrade() {
	n=$(restarts_seen)
	vm-guest-tool noops - 10000 >/tmp/upgrade.out 2>&1 &
	p=$!
	i=0
	while ! grep -q 'noops: 1500 done' /tmp/upgrade.out && [ $i -lt 600 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	daemon_ctl upgrade
	wait "$p"
	st=$?
	tail -n 1 /tmp/upgrade.out
	echo "status $st; driver restarts seen: $n before, $(restarts_seen) after"
	[ $st -eq 0 ] && grep -q 'noops: 10000 ok, 0 failed' /tmp/upgrade.out &&
		[ "$(restarts_seen)" -eq "$n" ]
}
# The daemon dies (kill -9) under an op, stays away, then a new one starts on
# the same socket: no guest call hangs, each fails with the restart error
# within the bound (backend_wait_ms), and ops work again once it is back. Then
# killed while idle and started again at once.
backend_restart() {
	param=/sys/module/virtio_accel/parameters/backend_wait_ms
	old=$(cat $param) rc=0
	echo 3000 >$param || return 1
	runs_with "output: 20" "$exec_ex" "$mylib" || return 1
	# An op in flight (20 s on the host) when the daemon dies.
	start_sleeper 20000 /tmp/inflight.out || return 1
	t0=$(date +%s)
	daemon_ctl kill
	wait "$p"
	st=$?
	el=$(($(date +%s) - t0))
	failed_restarted "op in flight, after ${el} s" $st /tmp/inflight.out || rc=1
	[ $el -lt 15 ] || { echo "the op in flight took $el s to fail"; rc=1; }
	# While it is away: three processes at once, each fails within 3 s (+ TCG slack).
	t0=$(date +%s)
	pids=""
	for i in 1 2 3; do
		"$exec_ex" "$mylib" >"/tmp/away.$i" 2>&1 &
		pids="$pids $!"
	done
	i=0
	for p in $pids; do
		i=$((i + 1))
		wait "$p"
		failed_restarted "process $i while away" $? "/tmp/away.$i" || rc=1
	done
	el=$(($(date +%s) - t0))
	echo "3 processes while away: all done after $el s (bound 3 s)"
	[ $el -le 10 ] || rc=1
	# A new daemon: the next ops wait for it (at most 60 s) and work.
	echo 60000 >$param
	daemon_ctl start
	runs_with "output: 20" "$exec_ex" "$mylib" || rc=1
	runs_with "output: 20" exec_generic "$mylib" || rc=1
	runs_with "output: 20" "$exec_ex" "$mylib" 5 || rc=1
	# Idle, killed and started again at once (the new daemon may connect before
	# the guest has reset the device): once the guest has seen it, ops work.
	n=$(restarts_seen)
	daemon_ctl kill
	daemon_ctl start
	wait_restart "$n" || rc=1
	runs_with "output: 20" "$exec_ex" "$mylib" || rc=1
	runs_with "output: 20" exec_generic "$mylib" || rc=1
	dmesg | grep 'virtio_accel' | tail -n 8
	echo "$old" >$param
	return $rc
}

# Issue 14 item 2: one process keeps its session and uploaded resource across
# two daemon restarts (the launcher passes --state-dir, so the new daemon
# restores them): killed while idle, then while an op runs, which alone fails
# with the restart error. Every other op works with the same ids.
persist_across_restart() {
	param=/sys/module/virtio_accel/parameters/backend_wait_ms
	old=$(cat $param) rc=0
	echo 60000 >$param || return 1
	rm -f /tmp/persist.go
	vm-guest-tool persist "$mylib" "$uplib" >/tmp/persist.out 2>&1 &
	p=$!
	wait_line() { # wait_line TEXT: up to 60 s for the tool to print it
		i=0
		while ! grep -q "$1" /tmp/persist.out && [ $i -lt 600 ]; do
			sleep 0.1
			i=$((i + 1))
		done
		grep -q "$1" /tmp/persist.out || { echo "no '$1' from the tool"; return 1; }
	}
	if wait_line "round 0: ok"; then
		n=$(restarts_seen)
		daemon_ctl kill
		wait_restart "$n" || rc=1
		daemon_ctl start
		touch /tmp/persist.go
		if wait_line "calling mytestfunc_sleep"; then
			sleep 1
			n=$(restarts_seen)
			daemon_ctl kill
			wait_restart "$n" || rc=1
			daemon_ctl start
		else
			rc=1
		fi
	else
		rc=1
	fi
	wait "$p"
	st=$?
	cat /tmp/persist.out
	echo "tool exit status $st"
	[ "$st" -eq 0 ] || rc=1
	grep -q "round 2: ok" /tmp/persist.out || rc=1
	grep -q 'long op: ret 11 ' /tmp/persist.out || rc=1
	dmesg | grep 'virtio_accel' | tail -n 6
	echo "$old" >$param
	return $rc
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
	check "noop, daemon kill -9 and a new daemon, noop" noop_across_restart
	check "10,000 noops on one session across a planned daemon upgrade, none failed" \
		noops_across_upgrade
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
	check "daemon kill -9 under an op, away, restarted: bounded errors, then ops work" \
		backend_restart
	check "a process keeps its session and resource across daemon kill -9 (idle, under an op) and --state-dir restore" \
		persist_across_restart
	# The host harness answers this line with SIGUSR1 to the daemon, which then
	# logs its live sessions: there must be none now.
	echo "VMTEST-REPORT-NOW"
	sleep 3
fi

# The console shows only emergencies: look at the kernel log itself.
check "no kernel BUG, WARNING or Oops, no driver warning (dmesg)" no_kernel_warnings

echo "guest: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
