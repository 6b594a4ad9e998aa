#!/usr/bin/env python3
"""Instructions per round trip, counted with valgrind's callgrind.

Every workload runs twice, for N1 and N2 round trips (bench-count: nothing
but the calls), and the per-round-trip figure is
(count(N2) - count(N1)) / (N2 - N1): start-up, connection set-up and exit
cancel out. The client and the daemon (vhost-user-accel, notification mode,
noop host plugin) each run under their own callgrind, so each side is
counted on its own; the eventfd and spin floors are the two processes of
bench-count's ping-pong, counted the same way. The spin floor leaves out
bench_spin_wait() (how often a spinner re-reads depends on timing).

Both processes of a count (but the spin floor's) run on one CPU under SCHED_FIFO when the system
allows it (root, or CAP_SYS_NICE): each side then runs until it blocks, so
the interleaving, and with it every branch that depends on whether the
other side has answered yet, is the same in every run, however loaded the
machine is. Otherwise (COUNT_PIN=0, or not permitted) they run where the
scheduler puts them and the figures vary by a few instructions. The rows
say which ("pinned").

For each workload the rows also carry the calls per round trip to the
allocator (malloc, calloc, realloc, free, ...), so "no allocation in steady
state" is checked, and for noop the top 10 functions by inclusive and by
self count on each side.

Usage: count-instr.py BUILD_DIR   (COUNT_N1, COUNT_N2 override 2000/4000;
COUNT_KEEP=1 keeps the callgrind profiles; COUNT_LOG_LEVEL, see below)
Prints one JSON object per workload on stdout.
"""
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time

ALLOC_FNS = {"malloc", "calloc", "realloc", "free", "reallocarray", "posix_memalign",
             "aligned_alloc", "memalign", "__libc_malloc", "__libc_calloc",
             "__libc_realloc", "__libc_free", "strdup", "strndup"}
TOP = 10


def parse_callgrind(path):
    """Return (total, self_by_fn, incl_by_fn, calls_by_callee) of one callgrind output."""
    names = {"fn": {}}
    self_cost, incl, calls = {}, {}, {}
    fn = None
    callee = None
    pending_call = 0  # the next cost line is the inclusive cost of a call
    total = 0
    name_re = re.compile(r"^\((\d+)\)(?: (.*))?$")

    def resolve(value):
        m = name_re.match(value)
        if not m:
            return value
        if m.group(2) is not None:
            names["fn"][m.group(1)] = m.group(2)
        return names["fn"].get(m.group(1), value)

    with open(path) as f:
        for line in f:
            line = line.rstrip("\n")
            if not line:
                continue
            c = line[0]
            if c.isdigit() or c in "+-*":
                parts = line.split()
                cost = int(parts[1]) if len(parts) > 1 else 0
                if pending_call:
                    incl[callee] = incl.get(callee, 0)  # callee's own incl comes from its fn=
                    incl[fn] = incl.get(fn, 0) + cost
                    pending_call = 0
                else:
                    self_cost[fn] = self_cost.get(fn, 0) + cost
                    incl[fn] = incl.get(fn, 0) + cost
                continue
            key, _, value = line.partition("=")
            if key == "fn":
                fn = resolve(value)
            elif key == "cfn" or key == "cfnc":
                callee = resolve(value)
            elif key == "calls":
                n = int(value.split()[0])
                calls[callee] = calls.get(callee, 0) + n
                pending_call = 1
            elif line.startswith("totals:") or line.startswith("summary:"):
                total = int(line.split()[1])
    if not total:
        total = sum(self_cost.values())
    return total, self_cost, incl, calls


def alloc_calls(calls):
    return sum(n for name, n in calls.items() if name in ALLOC_FNS)


def diff_per_trip(a, b, dn):
    keys = set(a) | set(b)
    return {k: (b.get(k, 0) - a.get(k, 0)) / dn for k in keys}


# Process and thread entry points: as inclusive as the whole side, they say nothing.
WRAPPERS = re.compile(r"^(\(below main\)|0x[0-9a-f]+|__libc_start_(main|call_main).*|main|"
                      r"start_thread|clone3?)$")


def top(d, n=TOP):
    rows = sorted(((v, k) for k, v in d.items() if v > 0 and not WRAPPERS.match(k)),
                  reverse=True)[:n]
    return [[k, round(v, 1)] for v, k in rows]


COUNT_CPU = 0
COUNT_PRIO = 10


def pin_possible():
    """Whether children can run on COUNT_CPU under SCHED_FIFO (tried in a throwaway child)."""
    if os.environ.get("COUNT_PIN", "1") == "0" or not hasattr(os, "sched_setscheduler"):
        return False
    try:
        subprocess.run(["true"], preexec_fn=pin_self, check=True)
        return True
    except (subprocess.SubprocessError, OSError):
        return False


def pin_self():
    os.sched_setaffinity(0, {COUNT_CPU})
    os.sched_setscheduler(0, os.SCHED_FIFO, os.sched_param(COUNT_PRIO))


class Counter:
    def __init__(self, build):
        self.build = build
        self.tmp = tempfile.mkdtemp(prefix="count-instr.")
        self.env = dict(os.environ)
        libpath = ":".join(os.path.join(build, d) for d in ("src", "plugins/noop", "plugins/virtio"))
        self.env["LD_LIBRARY_PATH"] = libpath + (":" + os.environ["LD_LIBRARY_PATH"]
                                                 if os.environ.get("LD_LIBRARY_PATH") else "")
        # As run-bench.sh: errors only (COUNT_LOG_LEVEL=default: the runtime's own default).
        level = os.environ.get("COUNT_LOG_LEVEL", "1")
        if level == "default":
            self.env.pop("VACCEL_LOG_LEVEL", None)
        else:
            self.env["VACCEL_LOG_LEVEL"] = level
        self.count = os.path.join(build, "bench", "bench-count")
        self.pinned = pin_possible()
        self.pin = pin_self if self.pinned else None
        self.daemon = os.path.join(build, "backend", "vhost-user-accel")

    def grind(self, out):
        return ["valgrind", "--tool=callgrind", "--quiet", f"--callgrind-out-file={out}"]

    def transport_once(self, args, n, tag):
        sock = os.path.join(self.tmp, f"{tag}-{n}.sock")
        dout = os.path.join(self.tmp, f"d-{tag}-{n}.out")
        cout = os.path.join(self.tmp, f"c-{tag}-{n}.out")
        denv = dict(self.env, VACCEL_PLUGINS="libvaccel-noop.so")
        dlog = open(os.path.join(self.tmp, f"d-{tag}-{n}.log"), "w")
        d = subprocess.Popen(self.grind(dout) + [self.daemon, f"--socket-path={sock}", "--poll-us=0"],
                             env=denv, stderr=dlog, preexec_fn=self.pin)
        try:
            for _ in range(600):
                if os.path.exists(sock):
                    break
                if d.poll() is not None:
                    raise RuntimeError(f"daemon exited: {open(dlog.name).read()}")
                time.sleep(0.05)
            cenv = dict(self.env, VACCEL_PLUGINS="libvaccel-virtio.so", VACCEL_VIRTIO_SOCKET=sock,
                        VACCEL_VIRTIO_POLL_US="0")
            subprocess.run(self.grind(cout) + [self.count] + args + [str(n)], env=cenv, check=True,
                           preexec_fn=self.pin)
        finally:
            d.send_signal(signal.SIGTERM)
            d.wait(timeout=120)
            dlog.close()
        return parse_callgrind(cout), parse_callgrind(dout)

    def floor_once(self, mode, n):
        pattern = os.path.join(self.tmp, f"f-{mode}-{n}.%p")
        # The spin floor's two sides must run at once: never on one CPU.
        p = subprocess.Popen(self.grind(pattern) + [self.count, mode, str(n)], env=self.env,
                             preexec_fn=self.pin if mode != "spin" else None)
        if p.wait() != 0:
            raise RuntimeError(f"bench-count {mode} failed")
        parent = pattern.replace("%p", str(p.pid))
        prefix = os.path.basename(pattern).replace("%p", "")
        files = [os.path.join(self.tmp, f) for f in os.listdir(self.tmp) if f.startswith(prefix)]
        child = [f for f in files if f != parent]
        if len(child) != 1:
            raise RuntimeError(f"expected one child profile for {mode}, got {files}")
        return parse_callgrind(parent), parse_callgrind(child[0])

    @staticmethod
    def side(a, b, dn, exclude=None):
        """Per-round-trip figures of one side from its two runs (a: N1, b: N2)."""
        ta, sa, ia, ca = a
        tb, sb, ib, cb = b
        if exclude:
            ta -= ia.get(exclude, 0)
            tb -= ib.get(exclude, 0)
        return {"instr": round((tb - ta) / dn, 1),
                "allocs": round((alloc_calls(cb) - alloc_calls(ca)) / dn, 3),
                "self": diff_per_trip(sa, sb, dn), "incl": diff_per_trip(ia, ib, dn)}


def main():
    build = os.path.abspath(sys.argv[1])
    n1 = int(os.environ.get("COUNT_N1", "2000"))
    n2 = int(os.environ.get("COUNT_N2", "4000"))
    dn = n2 - n1
    c = Counter(build)
    floors = {}
    for mode in ("eventfd", "spin"):
        (pa, ca), (pb, cb) = c.floor_once(mode, n1), c.floor_once(mode, n2)
        ex = "bench_spin_wait" if mode == "spin" else None
        cl, dm = c.side(pa, pb, dn, ex), c.side(ca, cb, dn, ex)
        floors[mode] = cl["instr"] + dm["instr"]
        print(json.dumps({"name": f"instr_{mode}", "n1": n1, "n2": n2, "client": cl["instr"],
                          "daemon": dm["instr"], "sum": round(floors[mode], 1),
                          "pinned": c.pinned}), flush=True)
    workloads = [("noop", ["noop"], True), ("arraycopy_4096", ["arraycopy", "4096"], False),
                 ("sgemm_16", ["sgemm", "16"], False)]
    for name, args, breakdown in workloads:
        (ca, da), (cb, db) = c.transport_once(args, n1, name), c.transport_once(args, n2, name)
        cl, dm = c.side(ca, cb, dn), c.side(da, db, dn)
        total = cl["instr"] + dm["instr"]
        row = {"name": f"instr_{name}", "n1": n1, "n2": n2, "client": cl["instr"],
               "daemon": dm["instr"], "sum": round(total, 1),
               "eventfd_floor": round(floors["eventfd"], 1),
               "ratio_to_eventfd": round(total / floors["eventfd"], 2),
               "client_allocs": cl["allocs"], "daemon_allocs": dm["allocs"], "pinned": c.pinned}
        if breakdown:
            row.update({"client_top_incl": top(cl["incl"]), "client_top_self": top(cl["self"]),
                        "daemon_top_incl": top(dm["incl"]), "daemon_top_self": top(dm["self"])})
        print(json.dumps(row), flush=True)
    if not os.environ.get("COUNT_KEEP"):
        subprocess.run(["rm", "-rf", c.tmp])
    else:
        print(f"count-instr: profiles kept in {c.tmp}", file=sys.stderr)


if __name__ == "__main__":
    main()
