#!/usr/bin/env bash
# One binary ecosystem with upstream vAccel, checked on the built binaries:
#  1. our libvaccel.so exports every name upstream's bundled plugins import
#     (0.7.1 and main), so those plugins load in our runtime;
#  2. each of our parts (plugins, guest plugin, daemon, examples) imports from
#     libvaccel.so.0 only names that both upstream 0.7.1's and main's runtime
#     export, so it runs on theirs. The ML examples use the model API upstream
#     introduced after 0.7.1 (tf_model_*, tflite_model_*, torch_model_*; 0.7.1 had
#     tf_session_* and friends): they are held to main's list only.
# Usage: check-imports.sh LISTS_DIR LIBVACCEL PART... [--scan DIR]
#   LISTS_DIR  tests/interop/upstream (the upstream symbol lists)
#   PART       a binary to check; --scan DIR adds every libvaccel-*.so under DIR
#              (plugins added later are checked without editing this file)
set -euo pipefail

lists=$1 lib=$2
shift 2
parts=()
while [ $# -gt 0 ]; do
	case "$1" in
	--scan)
		while IFS= read -r f; do parts+=("$f"); done < <(find "$2" -name 'libvaccel-*.so' -type f | sort)
		shift 2
		;;
	*) parts+=("$1"); shift ;;
	esac
done
# Parts whose upstream counterpart only exists from main on (see above).
main_only='tf_inference tflite_inference torch_inference'

fail=0
err() { echo "FAIL: $*"; fail=1; }
names() { nm -D "$@" | awk '{print $NF}' | sed 's/@.*//' | sort -u; }

ours=$(names --defined-only "$lib")
exp071=$(sort -u "$lists/libvaccel-0.7.1.exports")
expmain=$(sort -u "$lists/libvaccel-main.exports")
both=$(comm -12 <(echo "$exp071") <(echo "$expmain"))
[ "$(echo "$both" | wc -l)" -gt 100 ] || err "upstream export lists look empty"

for f in bundled-plugins-0.7.1.imports bundled-plugins-main.imports; do
	need=$(sort -u "$lists/$f")
	missing=$(comm -23 <(echo "$need") <(echo "$ours"))
	if [ -n "$missing" ]; then
		err "libvaccel.so lacks what upstream's plugins import ($f): $(echo $missing)"
	else
		echo "ok: libvaccel.so exports all $(echo "$need" | wc -l) names of $f"
	fi
done

uniq_parts=$(for p in "${parts[@]}"; do realpath -m "$p"; done | sort -u)
[ "$(echo "$uniq_parts" | grep -c .)" -ge 8 ] || err "too few parts to check: $(echo $uniq_parts)"
while IFS= read -r part; do
	[ -f "$part" ] || { err "$part: not built"; continue; }
	name=$(basename "$part")
	imports=$(names --undefined-only "$part")
	# What it takes from the vAccel runtime: names ours defines, plus any vAccel-looking
	# name it does not (that one would not even resolve here).
	from_rt=$(
		{
			comm -12 <(echo "$imports") <(echo "$ours")
			echo "$imports" | grep -E '^(vaccel_|slog_|fs_)' || true
		} | sort -u | grep . || true
	)
	if [[ " $main_only " == *" $name "* ]]; then
		allowed=$expmain what="upstream main"
	else
		allowed=$both what="upstream 0.7.1 and main"
	fi
	bad=$(comm -23 <(echo "$from_rt") <(echo "$allowed") | grep . || true)
	n=$(echo "$from_rt" | grep -c . || true)
	if [ -n "$bad" ]; then
		err "$name imports names $what lacks: $(echo $bad)"
	else
		echo "ok: $name imports $n names from libvaccel, all exported by $what"
	fi
done <<<"$uniq_parts"

exit $fail
