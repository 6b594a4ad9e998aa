#!/bin/sh
# Test driver for the example programs.
#   run-example.sh [--out FILE] [--log FILE] [--fail] [--err TEXT] -- PROGRAM ARGS...
# --out FILE  stdout must equal FILE exactly.
# --log FILE  the "[noop] ..." lines of the log on stderr (timestamp and level stripped)
#             must equal FILE, after replacing @LEN_IMG@ / @MODEL@ with $EX_LEN_IMG /
#             $EX_MODEL.
# --fail      the program must exit non-zero and print an error on stderr.
# --err TEXT  stderr must contain TEXT.
# --lines FILE N  after the run, FILE must exist with exactly N lines (it is removed first).
set -u

out= log= fail=0 err= lines_file= lines=
while [ $# -gt 0 ]; do
	case "$1" in
	--out) out=$2; shift 2 ;;
	--log) log=$2; shift 2 ;;
	--fail) fail=1; shift ;;
	--err) err=$2; shift 2 ;;
	--lines) lines_file=$2; lines=$3; shift 3 ;;
	--) shift; break ;;
	*) echo "run-example.sh: unknown option $1" >&2; exit 2 ;;
	esac
done
[ $# -gt 0 ] || { echo "run-example.sh: no program" >&2; exit 2; }

# Log settings from the caller's environment must not leak into the comparison.
unset VACCEL_LOG_FILE VACCEL_PROFILING_ENABLED

tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT

[ -z "$lines_file" ] || rm -f "$lines_file"
# Cross builds: meson names the emulator that runs target programs (word-split).
${MESON_EXE_WRAPPER:-} "$@" >"$tmp/stdout" 2>"$tmp/stderr"
rc=$?
status=0

show() {
	echo "---- stdout ----"; cat "$tmp/stdout"
	echo "---- stderr ----"; cat "$tmp/stderr"
}

if [ "$fail" = 1 ]; then
	if [ "$rc" = 0 ]; then
		echo "FAIL: $1 succeeded but should have failed"; status=1
	elif [ ! -s "$tmp/stderr" ]; then
		echo "FAIL: $1 failed (rc $rc) without an error on stderr"; status=1
	fi
elif [ "$rc" != 0 ]; then
	echo "FAIL: $1 exited with $rc"; status=1
fi

# Sanitizer reports fail every case, including the ones expected to fail.
if grep -qE 'ERROR: (Address|Leak)Sanitizer|runtime error:' "$tmp/stderr"; then
	echo "FAIL: sanitizer report on stderr"; status=1
fi

if [ -n "$out" ] && ! diff -u "$out" "$tmp/stdout"; then
	echo "FAIL: stdout differs from $out"; status=1
fi

if [ -n "$log" ]; then
	sed -e "s/@LEN_IMG@/${EX_LEN_IMG:-}/g" -e "s|@MODEL@|${EX_MODEL:-}|g" "$log" \
		>"$tmp/log.expected"
	sed -n 's/^[0-9.:-]* - <debug> \(\[noop\] .*\)$/\1/p' "$tmp/stderr" >"$tmp/log.actual"
	if ! diff -u "$tmp/log.expected" "$tmp/log.actual"; then
		echo "FAIL: [noop] log lines differ from $log"; status=1
	fi
fi

if [ -n "$err" ] && ! grep -qF -- "$err" "$tmp/stderr"; then
	echo "FAIL: stderr lacks '$err'"; status=1
fi

if [ -n "$lines_file" ]; then
	if [ ! -f "$lines_file" ]; then
		echo "FAIL: $lines_file was not written"; status=1
	elif [ "$(wc -l <"$lines_file")" -ne "$lines" ]; then
		echo "FAIL: $lines_file has $(wc -l <"$lines_file") lines, not $lines"; status=1
	fi
	rm -f "$lines_file"
fi

[ "$status" = 0 ] || show
exit "$status"
