#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Programs over the transport, unmodified: the model examples (tf_inference,
# tflite_inference, torch_inference) with their models uploaded as resources
# print exactly what they print locally (tests/examples/expected), and a
# program written as upstream 0.7.1's *_generic ones are (4-byte op type,
# untyped args: tr-gen071) prints the same locally and remotely. The daemon
# runs the noop plugin at log level 4: its log must show each model op, and
# it must still be serving at the end.
#
# usage: test_tr_examples.sh DAEMON NOOP_PLUGIN VIRTIO_PLUGIN RUN_EXAMPLE EXPECTED_DIR
#        EXAMPLES_DIR MODELS_DIR IMAGE LABELS ARGMAX_IMAGE LABELS_PER_VALUE GEN071
set -u
daemon=$1 noop=$2 virtio=$3 run_example=$4 expected=$5 ex=$6 models=$7
image=$8 labels=$9
shift 9
argmax_image=$1 labels_per_value=$2 gen071=$3

# A cross build's programs run under meson's exe_wrapper (qemu-user).
run=${MESON_EXE_WRAPPER:-}
dir=$(mktemp -d /tmp/vaccel-trex-XXXXXX)
sock=$dir/accel.sock
log=$dir/daemon.log
pid=
failed=0
cleanup() {
	[ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
	rm -rf "$dir"
}
trap cleanup EXIT
fail() {
	echo "FAIL: $*"
	failed=$((failed + 1))
}

env -u VACCEL_BOOTSTRAP_ENABLED -u VACCEL_VIRTIO_SOCKET VACCEL_PLUGINS="$noop" VACCEL_LOG_LEVEL=4 \
	$run "$daemon" --socket-path="$sock" >"$log" 2>&1 &
pid=$!
i=0
until grep -q 'listening on' "$log" 2>/dev/null; do
	i=$((i + 1))
	[ $i -gt 500 ] && { fail "daemon did not start"; cat "$log"; exit 1; }
	kill -0 "$pid" 2>/dev/null || { fail "daemon exited"; cat "$log"; exit 1; }
	sleep 0.01
done

remote() { # remote CMD...: run CMD with the guest plugin on the daemon's socket
	env -u VACCEL_BOOTSTRAP_ENABLED VACCEL_PLUGINS="$virtio" VACCEL_VIRTIO_SOCKET="$sock" \
		VACCEL_LOG_LEVEL=1 timeout 120 "$@"
}
example() { # example NAME EXPECTED ARGS...: run-example.sh over the transport
	name=$1 out=$2
	shift 2
	if remote "$run_example" --out "$expected/$out" -- "$ex/$name" "$@"; then
		echo "ok: $name $* (over the transport)"
	else
		fail "$name over the transport"
	fi
}

example tf_inference tf_inference.out "$image" "$models/tf-saved-model" "$labels" 2
example tf_inference tf_inference-prediction.out "$argmax_image" "$models/tf-saved-model" \
	"$labels_per_value"
example tflite_inference tflite_inference.out "$image" "$models/dummy.tflite" "$labels" 2
example torch_inference torch_inference.out "$image" "$models/dummy.pt" "$labels" 2
example torch_inference torch_inference-prediction.out "$argmax_image" "$models/dummy.pt" \
	"$labels_per_value"

# The host ran each model op with its plugin (not just answered).
for op in tf_model_load tf_model_run tf_model_unload tflite_model_load tflite_model_run \
	tflite_model_unload torch_model_load torch_model_run; do
	grep -q "\[noop\] Calling $op for session" "$log" || fail "no noop line for $op in the daemon log"
done

# 0.7.1-style generic program: the same output locally (noop) and remotely.
env -u VACCEL_BOOTSTRAP_ENABLED VACCEL_PLUGINS="$noop" VACCEL_LOG_LEVEL=1 \
	timeout 60 $run "$gen071" 2 >"$dir/local.out" 2>"$dir/local.err" ||
	fail "tr-gen071 locally: $(cat "$dir/local.err")"
remote $run "$gen071" 2 >"$dir/remote.out" 2>"$dir/remote.err" ||
	fail "tr-gen071 over the transport: $(cat "$dir/remote.err")"
if [ "$(grep -c _generic: "$dir/local.out")" -ne 10 ]; then
	fail "tr-gen071 locally did not print its 10 lines"
	cat "$dir/local.out"
elif ! diff -u "$dir/local.out" "$dir/remote.out"; then
	fail "tr-gen071 prints differently over the transport"
else
	echo "ok: tr-gen071 (0.7.1-style generic ops) locally and over the transport"
fi
grep -q '\[noop\] Calling minmax for session' "$log" || fail "no noop minmax line in the daemon log"

kill -0 "$pid" 2>/dev/null || fail "the daemon is gone"
if [ $failed -ne 0 ]; then
	echo "---- daemon log (tail) ----"
	tail -n 40 "$log"
	exit 1
fi
echo "all examples ran over the transport"
