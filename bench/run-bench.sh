#!/usr/bin/env bash
# Run every benchmark in one go on this machine, so all figures share the
# same conditions, then print a table with the ratios to the floors and
# baselines, and write:
#   $BUILD/bench/transport.json   every measurement, one object each
#   $BUILD/bench/report.md        the table and the target verdicts
#   $BUILD/bench/latency.png, bulk.png   plots (gnuplot)
# Usage: bench/run-bench.sh [BUILD_DIR]   (ITER, BULK_ITER, BULK_ROUNDS override counts)
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "${1:-$src/build}" && pwd)
out="$build/bench"
mkdir -p "$out"
iter=${ITER:-20000}
bulk_iter=${BULK_ITER:-10}
poll_us=${POLL_US:-200}
sizes="4096 65536 1048576 16777216 67108864"

export LD_LIBRARY_PATH="$build/src:$build/plugins/noop:$build/plugins/virtio${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
export VACCEL_LOG_LEVEL=1
floor="$build/bench/bench-floor"
ops="$build/bench/bench-ops"
daemon="$build/backend/vhost-user-accel"
tag=bench
. "$src/bench/bench-lib.sh"

results="$tmp/results.jsonl"
: > "$results"
# As run, recording the measurement under another name.
run_as() {
	local name=$1
	shift
	echo "bench: $*" >&2
	"$@" | sed "s/\"name\":\"[^\"]*\"/\"name\":\"$name\"/" | tee -a "$results" >&2
}

start_daemon() { start_daemon_with libvaccel-noop.so "${2:-}" --poll-us="$1"; } # poll_us [cmd prefix]

# CPU seconds (user+system) a process has used.
cpu_seconds() { awk -v hz="$(getconf CLK_TCK)" '{print ($14+$15)/hz}' "/proc/$1/stat"; }

# Where the two processes run matters on this VM: waking a task on the other
# vCPU costs ~20-25 us (idle vCPUs halt at once), so every wake-up based
# figure is measured twice, unpinned and with both sides on CPU 0, each
# against its own floor from the same run.
pin="taskset -c 0"

# Floors and baselines.
run "$floor" eventfd "$iter"
run_as eventfd_cpu0 $pin "$floor" eventfd "$iter"
run "$floor" unix "$iter"
run_as unix_cpu0 $pin "$floor" unix "$iter"
run "$floor" spin "$iter"
run "$floor" ring "$iter"
for s in $sizes; do run "$floor" memcpy "$s" "$bulk_iter"; done

# In-process: the local noop plugin.
VACCEL_PLUGINS=libvaccel-noop.so run "$ops" local noop "$iter"
for s in $sizes; do VACCEL_PLUGINS=libvaccel-noop.so run "$ops" local arraycopy "$s" "$bulk_iter"; done

# The userspace transport, notification mode.
start_daemon 0
VACCEL_PLUGINS=libvaccel-virtio.so VACCEL_VIRTIO_SOCKET=$sock VACCEL_VIRTIO_POLL_US=0 \
	run "$ops" notify noop "$iter"
for s in $sizes; do
	VACCEL_PLUGINS=libvaccel-virtio.so VACCEL_VIRTIO_SOCKET=$sock \
		run "$ops" notify arraycopy "$s" "$bulk_iter"
done
# The largest copy against memcpy once more, interleaved in rounds (memcpy, transport,
# memcpy, ...): on a shared machine the load can change between two measurements taken
# minutes apart, so the target is judged on the median of the rounds' ratios.
big=${sizes##* }
for r in $(seq "${BULK_ROUNDS:-5}"); do
	run_as "memcpy_${big}_r$r" "$floor" memcpy "$big" "$bulk_iter"
	VACCEL_PLUGINS=libvaccel-virtio.so VACCEL_VIRTIO_SOCKET=$sock \
		run_as "notify_arraycopy_${big}_r$r" "$ops" notify arraycopy "$big" "$bulk_iter"
done
stop_daemon

# Notification mode with daemon and client on the same CPU, against the eventfd
# floor on the same CPU, interleaved in rounds (floor, transport, floor, ...) so
# that both see the same load; the target is judged on the median of the ratios.
start_daemon 0 "$pin"
VACCEL_PLUGINS=libvaccel-virtio.so VACCEL_VIRTIO_SOCKET=$sock VACCEL_VIRTIO_POLL_US=0 \
	run $pin "$ops" notify_cpu0 noop "$iter"
for r in $(seq "${PIN_ROUNDS:-5}"); do
	run_as "eventfd_cpu0_r$r" $pin "$floor" eventfd "$iter"
	VACCEL_PLUGINS=libvaccel-virtio.so VACCEL_VIRTIO_SOCKET=$sock VACCEL_VIRTIO_POLL_US=0 \
		run_as "notify_cpu0_noop_r$r" $pin "$ops" notify_cpu0 noop "$iter"
done
stop_daemon

# Polling mode: daemon and driver spin for a bounded window before sleeping.
# With a spare core (each side on its own CPU, as the spin floor runs) and
# without one (both on CPU 0: a spinner can only wait for the other side to be
# scheduled, so the adaptive window must give up spinning early).
start_daemon "$poll_us" "taskset -c 1"
VACCEL_PLUGINS=libvaccel-virtio.so VACCEL_VIRTIO_SOCKET=$sock VACCEL_VIRTIO_POLL_US=$poll_us \
	run taskset -c 0 "$ops" poll_split noop "$iter"
# Against the spin and ring floors on the same two CPUs, interleaved in rounds (spin,
# ring, transport, spin, ...): where the host puts the two vCPUs changes all three
# by up to 4x between runs, and a round's figures share the placement. The target is
# judged on the median of the rounds' ratios.
for r in $(seq "${POLL_ROUNDS:-5}"); do
	run_as "spin_r$r" taskset -c 0,1 "$floor" spin "$iter"
	run_as "ring_r$r" taskset -c 0,1 "$floor" ring "$iter"
	VACCEL_PLUGINS=libvaccel-virtio.so VACCEL_VIRTIO_SOCKET=$sock VACCEL_VIRTIO_POLL_US=$poll_us \
		run_as "poll_split_noop_r$r" taskset -c 0 "$ops" poll_split noop "$iter"
done
stop_daemon
start_daemon "$poll_us" "$pin"
VACCEL_PLUGINS=libvaccel-virtio.so VACCEL_VIRTIO_SOCKET=$sock VACCEL_VIRTIO_POLL_US=$poll_us \
	run $pin "$ops" poll_cpu0 noop "$iter"
stop_daemon
start_daemon "$poll_us"
VACCEL_PLUGINS=libvaccel-virtio.so VACCEL_VIRTIO_SOCKET=$sock VACCEL_VIRTIO_POLL_US=$poll_us \
	run "$ops" poll noop "$iter"
# Idle CPU of the daemon once the polling window has passed.
sleep 1
c0=$(cpu_seconds "$dpid"); sleep 3; c1=$(cpu_seconds "$dpid")
python3 -c "import json; print(json.dumps({'name':'poll_daemon_idle_cpu','cpu_percent':round(($c1-$c0)/3*100,3)}))" \
	| tee -a "$results" >&2
stop_daemon

# Instructions per round trip (callgrind; deterministic, unlike the times above).
if command -v valgrind >/dev/null; then
	echo "bench: bench/count-instr.py $build" >&2
	python3 "$src/bench/count-instr.py" "$build" | tee -a "$results" >&2
else
	echo "bench: valgrind missing (scripts/install-deps.sh bench): no instruction counts" >&2
fi

python3 "$src/bench/report.py" "$results" "$out"
