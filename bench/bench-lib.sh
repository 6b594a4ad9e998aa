# shellcheck shell=bash disable=SC2154 # daemon, results, tag: set by the sourcing script
# Sourced by bench/run-bench.sh and bench/run-bench-real.sh, after they set
#   daemon    the vhost-user-accel binary
#   results   the JSON-lines file every measurement is appended to
#   tag       the prefix of their messages ("bench", "bench-real")
# Gives them:
#   $tmp                        a scratch directory, removed on exit with the daemon
#   run CMD...                  runs CMD, appending its output to $results
#   start_daemon_with PLUGINS PREFIX [DAEMON ARGS...]
#                               one daemon serving PLUGINS on $sock ($dpid), started
#                               through PREFIX (a command such as "taskset -c 0", or
#                               ""); returns once the socket exists
#   stop_daemon
# (No subshells around start_daemon_with: the exit trap must see $dpid.)
tmp=$(mktemp -d)
dpid=""
bench_cleanup() {
	[ -n "$dpid" ] && kill "$dpid" 2>/dev/null && wait "$dpid" 2>/dev/null
	rm -rf "$tmp"
}
trap bench_cleanup EXIT INT TERM

run() { echo "$tag: $*" >&2; "$@" | tee -a "$results" >&2; }

start_daemon_with() {
	local plugins="$1" prefix="$2"
	shift 2
	sock="$tmp/accel.sock"
	rm -f "$sock"
	# shellcheck disable=SC2086 # PREFIX is a command and its words
	VACCEL_PLUGINS="$plugins" $prefix "$daemon" --socket-path="$sock" "$@" \
		2>"$tmp/daemon.log" &
	dpid=$!
	for _ in $(seq 100); do [ -S "$sock" ] && break; sleep 0.05; done
	[ -S "$sock" ] || { cat "$tmp/daemon.log" >&2; echo "$tag: daemon did not start" >&2; exit 1; }
}
stop_daemon() { kill "$dpid"; wait "$dpid" 2>/dev/null || true; dpid=""; }
