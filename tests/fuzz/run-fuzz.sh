#!/usr/bin/env bash
# Run one libFuzzer target (built by `make fuzz-build`) for a while:
#
#   tests/fuzz/run-fuzz.sh TARGET SECONDS
#
# The fuzz build dir is $VACCEL_FUZZ_BUILD (make sets it), else
# $VACCEL_FUZZ_BUILD_DEFAULT (meson sets it: <source>/build-fuzz). The corpus
# lives in ${VACCEL_CACHE:-$HOME/.cache/vaccel-virtio}/fuzz/TARGET and grows
# from run to run (the first run starts from fuzz_seeds.c's seeds); a crash, leak or timeout is written next to it
# (TARGET-crash-*, ...) and fails the run. Prints the executions and the
# coverage (libFuzzer's cov: edges, ft: features) reached. Exit 77 (SKIP)
# when the target was not built.
set -u
target="$1" seconds="$2"
build="${VACCEL_FUZZ_BUILD:-${VACCEL_FUZZ_BUILD_DEFAULT:-build-fuzz}}"
bin="$build/tests/fuzz/$target"
if [ ! -x "$bin" ]; then
	echo "SKIP: $bin not built (make fuzz-build: clang and libclang-rt-14-dev)"
	exit 77
fi
cache="${VACCEL_CACHE:-$HOME/.cache/vaccel-virtio}/fuzz"
corpus="$cache/$target"
mkdir -p "$corpus"
# An empty corpus starts from the seeds of fuzz_seeds.c (a well-behaved peer's inputs).
if [ -z "$(ls -A "$corpus")" ] && [ -x "$build/tests/fuzz/fuzz_seeds" ]; then
	"$build/tests/fuzz/fuzz_seeds" "$cache/seeds" && cp "$cache/seeds/$target"/* "$corpus"/
fi
log="$(mktemp -t "vaccel-$target.XXXXXX")"
trap 'rm -f "$log"' EXIT
# Leaks are bugs too; one input may not take 10 s.
ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1}" "$bin" -max_total_time="$seconds" -timeout=10 \
	-print_final_stats=1 -artifact_prefix="$cache/$target-" "$corpus" >"$log" 2>&1
rc=$?
execs="$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")"
cov="$(grep -E '^#[0-9]+' "$log" | grep -o 'cov: [0-9]* ft: [0-9]*' | tail -n 1)"
files="$(find "$corpus" -type f | wc -l)"
echo "$target: ${execs:-?} executions in ${seconds} s, ${cov:-no coverage line}, corpus $files inputs"
if [ "$rc" -ne 0 ]; then
	tail -n 60 "$log"
	echo "$target: libFuzzer exited $rc (artifacts: $cache/$target-*)"
	exit 1
fi
