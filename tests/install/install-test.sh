#!/usr/bin/env bash
# Install the build into a scratch root, then:
#  - build an upstream-style program with `pkg-config --cflags --libs vaccel`
#    and run it with the installed noop plugin;
#  - check libvaccel.so exports only the public API (vaccel_*) and the
#    upstream-compat names of src/libvaccel.map, and never references exit();
#  - check the headers, plugins, examples and data are where users expect.
# Usage: install-test.sh BUILD_DIR SOURCE_DIR
set -euo pipefail
build=$1 src=$2
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
meson install -C "$build" --destdir "$root" --no-rebuild >"$root.log" 2>&1 || { cat "$root.log"; rm -f "$root.log"; exit 1; }
rm -f "$root.log"
prefix=$(meson introspect "$build" --buildoptions | python3 -c 'import json,sys; print([o["value"] for o in json.load(sys.stdin) if o["name"]=="prefix"][0])')
libdir=$(meson introspect "$build" --buildoptions | python3 -c 'import json,sys; print([o["value"] for o in json.load(sys.stdin) if o["name"]=="libdir"][0])')
case "$libdir" in /*) ;; *) libdir="$prefix/$libdir" ;; esac
# A sanitized build installs sanitized libraries: the program must use the same runtime.
sanitize=$(meson introspect "$build" --buildoptions | python3 -c 'import json,sys; v=[o["value"] for o in json.load(sys.stdin) if o["name"]=="b_sanitize"][0]; print(",".join(v) if isinstance(v, list) else v)')
san_flags=()
case "$sanitize" in "" | none) ;; *) san_flags=(-fsanitize="$sanitize" -fno-omit-frame-pointer) ;; esac
lib="$root$libdir"

fail() { echo "install-test: FAIL: $*" >&2; exit 1; }

for f in "$root$prefix/include/vaccel.h" "$root$prefix/include/vaccel/ops/genop.h" \
	"$root$prefix/include/linux/virtio_accel.h" "$lib/pkgconfig/vaccel.pc" \
	"$lib/libvaccel-noop.so" "$lib/libvaccel-exec.so" "$lib/libmytestlib.so" \
	"$root$prefix/bin/classify" "$root$prefix/share/vaccel/images/example.jpg"; do
	[ -e "$f" ] || fail "not installed: ${f#$root}"
done

# Exports: only the public API, plus the upstream-compat names src/libvaccel.map lists.
so=$(ls "$lib"/libvaccel.so.* | head -n1)
compat=$(sed -n '/global:/,/local:/p' "$src/src/libvaccel.map" | grep -o '^[[:space:]]*[a-z_]*;' | tr -d ' \t;')
[ -n "$compat" ] || fail "no upstream-compat names found in src/libvaccel.map"
exports=$(nm -D --defined-only "$so" | awk '{print $3}')
bad=$(echo "$exports" | grep -v '^vaccel_' | grep -v '^_' | grep -vxF "$compat" || true)
[ -z "$bad" ] || fail "libvaccel.so exports non-API symbols: $(echo $bad | head -c 300)"
for name in $compat; do
	echo "$exports" | grep -qx "$name" || fail "libvaccel.so lacks $name"
done
if nm -D --undefined-only "$so" | awk '{print $2}' | grep -Eq '^(exit|_exit|_Exit)(@|$)'; then
	fail "libvaccel.so references exit()"
fi

# An upstream-style program builds with pkg-config and runs.
export PKG_CONFIG_SYSROOT_DIR="$root" PKG_CONFIG_PATH="$lib/pkgconfig"
flags=$(pkg-config --cflags --libs vaccel)
cc -std=c11 -Wall -Wextra -Werror "${san_flags[@]}" -o "$root/upstream_app" "$src/tests/install/upstream_app.c" $flags \
	|| fail "upstream-style program does not compile against the installed headers"
out=$(LD_LIBRARY_PATH="$lib" VACCEL_PLUGINS=libvaccel-noop.so "$root/upstream_app" \
	"$root$prefix/share/vaccel/images/example.jpg") || fail "upstream-style program failed: $out"
expected="$(cat "$src/tests/install/upstream_app.out")"
[ "$out" = "$expected" ] || fail "output differs:
--- expected
$expected
--- got
$out"
echo "install-test: ok (exports: $(nm -D --defined-only "$so" | grep -c ' T ') functions, vaccel_* and" $compat")"
