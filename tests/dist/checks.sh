#!/usr/bin/env bash
# Packaging facts that must agree (suite dist):
#   checks.sh man      SOURCE_DIR BUILD_DIR   every option of `vhost-user-accel
#                      --help` is in its man page (packaging/vhost-user-accel.1.in)
#   checks.sh versions SOURCE_DIR             meson.build's version is the one of
#                      debian/changelog (upstream part), driver/linux/dkms.conf and
#                      driver/linux/Makefile
#   checks.sh unit     SOURCE_DIR BUILD_DIR   systemd-analyze verify accepts the
#                      generated vhost-user-accel@.service (as instance vm1)
set -uo pipefail
what="$1" src="$2" build="${3:-}"
fail() {
	echo "FAIL: $*"
	exit 1
}
case "$what" in
man)
	help="$("$build/backend/vhost-user-accel" --help 2>&1)"
	opts="$(grep -oE -- '--[a-z][a-z-]+' <<<"$help" | sort -u)"
	[ -n "$opts" ] || fail "no option found in --help"
	page="$(sed 's/\\-/-/g' "$src/packaging/vhost-user-accel.1.in")"
	missing=()
	for o in $opts; do
		grep -qE -- "$o([^a-z-]|\$)" <<<"$page" || missing+=("$o")
	done
	[ ${#missing[@]} -eq 0 ] || fail "not in packaging/vhost-user-accel.1.in: ${missing[*]}"
	echo "man page documents all $(wc -w <<<"$opts") options: $(echo $opts)"
	;;
versions)
	meson_v="$(sed -n "s/^ *version *: *'\([^']*\)'.*/\1/p" "$src/meson.build" | head -n1)"
	deb_v="$(dpkg-parsechangelog -l "$src/debian/changelog" -SVersion)"
	dkms_v="$(sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' "$src/driver/linux/dkms.conf")"
	make_v="$(sed -n 's/^VERSION := //p' "$src/driver/linux/Makefile")"
	echo "meson.build $meson_v, debian/changelog $deb_v, dkms.conf $dkms_v, driver Makefile $make_v"
	[ -n "$meson_v" ] && [ "${deb_v%-*}" = "$meson_v" ] && [ "$dkms_v" = "$meson_v" ] &&
		[ "$make_v" = "$meson_v" ] || fail "versions differ"
	;;
unit)
	command -v systemd-analyze >/dev/null || { echo "SKIP: no systemd-analyze (scripts/install-deps.sh pkg)"; exit 77; }
	unit="$build/packaging/vhost-user-accel@.service"
	[ -f "$unit" ] || fail "$unit not generated"
	d="$(mktemp -d)"
	trap 'rm -rf "$d"' EXIT
	# An instance of the template, with ExecStart's program where verify can see it.
	cp "$unit" "$d/vhost-user-accel@vm1.service"
	out="$(SYSTEMD_LOG_LEVEL=notice systemd-analyze verify --man=no "$d/vhost-user-accel@vm1.service" 2>&1)"
	# The daemon is not installed here: verify's one expected complaint.
	rest="$(grep -v 'is not executable: No such file or directory' <<<"$out" | grep -v '^$' || true)"
	echo "$out"
	[ -z "$rest" ] || fail "systemd-analyze verify: $rest"
	grep -q '^ExecStart=.*--socket-path=/run/vaccel/%i.sock' "$unit" || fail "no per-instance socket in ExecStart"
	echo "systemd-analyze verify: ok"
	;;
*)
	echo "checks.sh: unknown check '$what'" >&2
	exit 2
	;;
esac
