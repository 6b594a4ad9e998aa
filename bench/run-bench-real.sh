#!/usr/bin/env bash
# The overhead users ask about: real operations (sgemm, Torch classify) run by the plugin in
# this process vs through the transport, all in one run so the ratios share conditions:
#   local   the real plugin loaded in bench-real's own process
#   socket  libvaccel-virtio.so's userspace driver and a vhost-user-accel daemon serving
#           the same plugins (notification mode). local and socket calls alternate in one
#           process ("bench-real pair"): each ratio is taken call pair by call pair, so the
#           machine's drift (it is shared) hits both sides alike
#   vm      the same op from inside the guest (QEMU TCG: an upper bound on the guest side)
# Writes $BUILD/bench/real.jsonl (every measurement), real.md (table, ratios, overhead in µs
# and % of the call, break-even size) and real.png (plot).
# Usage: bench/run-bench-real.sh [BUILD_DIR]   (NO_VM=1 skips the VM part)
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "${1:-$src/build}" && pwd)
out="$build/bench"
mkdir -p "$out"
bench="$build/bench/bench-real"
daemon="$build/backend/vhost-user-accel"
blas="$build/plugins/blas/libvaccel-blas.so"
torch="$build/plugins/torch/libvaccel-torch.so"
virtio="$build/plugins/virtio/libvaccel-virtio.so"
mdir="$build/plugins/torch"
for f in "$bench" "$daemon" "$blas" "$torch" "$virtio" "$mdir/digits.pt"; do
	[ -e "$f" ] || {
		echo "bench-real: $f is missing (make deps-real; meson setup --reconfigure)" >&2
		exit 1
	}
done
export LD_LIBRARY_PATH="$build/src${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
export VACCEL_LOG_LEVEL=1
# One BLAS thread on each side: OpenBLAS's idle workers spin for a while after each call,
# so with a pool in the client (local calls) and one in the daemon (transport calls), on
# 2 cores, each side would be measuring the other's spinning. (OPENBLAS_NUM_THREADS is a
# benchmark setting only: the plugin and the tests use OpenBLAS's default.)
export OPENBLAS_NUM_THREADS=1
sizes="64 128 256 512 1024 2048"
# Iterations per size: about a second or more of work each, locally.
iters() { case $1 in 64) echo 3000 ;; 128) echo 1000 ;; 256) echo 300 ;; 512) echo 80 ;;
	1024) echo 25 ;; *) echo 11 ;; esac; }
classify_args=("$mdir/digits.pt" "$mdir/digits-labels.txt" "$mdir/digit-7.png" 7)

results="$out/real.jsonl"
tag="bench-real"
. "$src/bench/bench-lib.sh"
# The kernel OpenBLAS picks in this environment (and without OPENBLAS_CORETYPE).
corename() {
	/usr/bin/python3 -c 'import ctypes; l = ctypes.CDLL("libopenblas.so.0")
l.openblas_get_corename.restype = ctypes.c_char_p; print(l.openblas_get_corename().decode())' \
		2>/dev/null || echo "?"
}
{
	printf '{"name":"env","openblas_coretype":"%s","openblas_l2_size":"%s","openblas_threads":"%s","openblas_core":"%s","openblas_core_unset":"%s","cpu":"%s","cores":%d,"load":"%s","date":"%s"}\n' \
		"${OPENBLAS_CORETYPE:-}" "${OPENBLAS_L2_SIZE:-}" "$OPENBLAS_NUM_THREADS" "$(corename)" \
		"$(env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/openblas-pthread bash -c "$(declare -f corename); corename")" \
		"$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n1)" "$(nproc)" \
		"$(cut -d' ' -f1-3 /proc/loadavg)" "$(date -u +%F)"
} >"$results"

start_daemon_with "$blas:$torch" ""
for n in $sizes; do
	VACCEL_PLUGINS="$blas:$virtio" VACCEL_VIRTIO_SOCKET="$sock" \
		run "$bench" pair sgemm "$n" "$(iters "$n")"
done
VACCEL_PLUGINS="$torch:$virtio" VACCEL_VIRTIO_SOCKET="$sock" \
	run "$bench" pair classify "${classify_args[@]}" 3000
stop_daemon

# What OPENBLAS_CORETYPE is worth here: the same local sgemm with OpenBLAS choosing its
# kernels itself (both variables unset in these commands alone).
if [ -n "${OPENBLAS_CORETYPE:-}" ]; then
	for n in 512 2048; do
		echo "bench-real: (OPENBLAS_CORETYPE unset) local sgemm $n" >&2
		env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE VACCEL_PLUGINS="$blas" \
			"$bench" autocore sgemm "$n" "$(iters "$n")" | tee -a "$results" >&2
	done
fi

# In the guest (QEMU TCG): fewer iterations, the guest side is emulated.
if [ -z "${NO_VM:-}" ]; then
	d=/usr/local/share/vaccel/real
	cmd=""
	for n in $sizes; do
		it=$(($(iters "$n") / 10))
		[ "$it" -ge 3 ] || it=3
		cmd="$cmd bench-real vm sgemm $n $it;"
	done
	cmd="$cmd bench-real vm classify $d/digits.pt $d/digits-labels.txt $d/digit-7.png 7 300"
	echo "bench-real: in the VM: $cmd" >&2
	VACCEL_LOG_LEVEL=1 "$src/tests/real/real-vm.sh" "$build" "$build/vm-image-bench" \
		-m 1024 -t 1800 -c "$cmd" >"$tmp/vm.log" 2>&1 || {
		tail -n 30 "$tmp/vm.log" >&2
		echo "bench-real: the VM run failed" >&2
		exit 1
	}
	grep '^{"name":"vm_' "$tmp/vm.log" | tee -a "$results" >&2
fi

python3 "$src/bench/report_real.py" "$results" "$out"
