# shellcheck shell=bash
# Sourced by the suite's scripts, whose first two arguments are SOURCE_DIR and
# BUILD_DIR. Gives: $src, $build; skip REASON (exit 77), fail REASON (exit 1);
# need_namespaces WHAT (root and unshare, else skip); work_dir NAME (a fresh
# $work under the build dir); dist_artifacts ARTIFACT... (packaging/dist.sh
# into $work/dist, cached by the source tree's hash).
src="$(cd "${1:?source dir}" && pwd)"
build="$(cd "${2:?build dir}" && pwd)"
skip() {
	echo "SKIP: $*"
	exit 77
}
fail() {
	echo "FAIL: $*"
	exit 1
}
need_namespaces() {
	[ "$(id -u)" -eq 0 ] || skip "$1 needs root"
	command -v unshare >/dev/null || skip "no unshare (util-linux)"
}
# in_namespaces CMD...: CMD in new mount and PID namespaces, its mounts private
# (nothing it mounts is seen outside; everything it starts dies with it). In a
# chroot whose / is no mount point (fresh-machine-check), / cannot be made
# private: the namespace around that chroot already is.
in_namespaces() {
	local prop=private
	mountpoint -q / || prop=unchanged
	unshare --mount --pid --fork --kill-child=SIGKILL --propagation "$prop" "$@"
}
work_dir() {
	work="$build/tests/dist/$1"
	rm -rf "$work"
	mkdir -p "$work"
}
dist_artifacts() {
	"$src/packaging/dist.sh" --out "$work/dist" "$@" 2>&1 | sed 's/^/# /'
	[ "${PIPESTATUS[0]}" -eq 0 ] || fail "packaging/dist.sh $*"
}
