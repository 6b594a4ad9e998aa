#!/usr/bin/env bash
# Source coverage the libFuzzer corpora reach, per target, for the report in
# docs/fuzzing.md:
#
#   tests/fuzz/fuzz-coverage.sh [BUILD_DIR]      (default build-fuzz-cov)
#
# Builds the targets with clang's source-based coverage (a build dir of its
# own, no sanitizers), runs each once over its corpus from `make fuzz`
# (${VACCEL_CACHE:-$HOME/.cache/vaccel-virtio}/fuzz/TARGET, -runs=0: nothing
# new is generated) and prints llvm-cov's line and function coverage for the
# files that target is meant to reach. Needs the fuzz packages
# (scripts/install-deps.sh fuzz).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
build="${1:-build-fuzz-cov}"
cache="${VACCEL_CACHE:-$HOME/.cache/vaccel-virtio}/fuzz"
cov_flags="-fprofile-instr-generate -fcoverage-mapping"
profdata=llvm-profdata-14 llvmcov=llvm-cov-14

if [ ! -f "$build/build.ninja" ]; then
	CC=clang meson setup "$build" "$here" -Dfuzzing=true -Dvm_tests=false -Dexamples=false \
		-Dlibfuzzer_tests=false -Db_lundef=false \
		-Dc_args="$cov_flags" -Dc_link_args="$cov_flags" >/dev/null
fi
ninja -C "$build" fuzz-targets >/dev/null

# Target, then the files it is meant to reach.
targets=(
	"fuzz-vhu-msg lib/vhost-user/vhu_handle.c lib/vhost-user/vhu_mem.c lib/vhost-user/vhu_dev.c"
	"fuzz-vq-pop lib/virtio/vq_dev.c"
	"fuzz-vq-start lib/vhost-user/vhu_dev.c lib/vhost-user/vhu_mem.c lib/virtio/vq_dev.c"
	"fuzz-genop src/ops/genop.c lib/optable/optab_check.c lib/optable/optab_types.c src/ops/genop_unpack.c"
	"fuzz-handle backend/handle.c backend/genop.c backend/conn.c lib/wire/wire_decode.c lib/wire/wire_iov.c lib/wire/wire_resp.c"
)
objects=(-object "$build/src/libvaccel.so" -object "$build/plugins/noop/libvaccel-noop.so")
for row in "${targets[@]}"; do
	read -r t files <<<"$row"
	corpus="$cache/$t"
	prof="$(mktemp -d -t "vaccel-cov-$t.XXXXXX")"
	if [ ! -d "$corpus" ]; then
		echo "$t: no corpus at $corpus (run make fuzz first)"
		continue
	fi
	LLVM_PROFILE_FILE="$prof/%p.profraw" "$build/tests/fuzz/$t" -runs=0 "$corpus" >/dev/null 2>&1 || true
	"$profdata" merge -sparse "$prof"/*.profraw -o "$prof/all.profdata"
	echo "== $t ($(find "$corpus" -type f | wc -l) corpus inputs)"
	# Columns: regions, missed, cover; functions, missed, executed; lines, missed, cover.
	"$llvmcov" report "$build/tests/fuzz/$t" "${objects[@]}" -instr-profile="$prof/all.profdata" |
		awk -v files="$files" 'BEGIN { n = split(files, want, " ") }
			NF >= 10 { for (i = 1; i <= n; i++) if (substr($1, length($1) - length(want[i]) + 1) == want[i])
				printf "  %-28s lines %7s  functions %7s\n", want[i], $10, $7 }'
	rm -rf "$prof"
done
