#!/usr/bin/env python3
"""Turn the benchmark results (JSON lines, or a saved transport.json) into
transport.json, a table
with ratios to the floors and baselines, target verdicts and gnuplot plots."""
import json
import os
import subprocess
import sys

results_path, out = sys.argv[1], sys.argv[2]
text = open(results_path).read()
if text.lstrip().startswith("["):  # a saved transport.json: report it again
    rows = json.loads(text)
else:
    rows = [json.loads(line) for line in text.splitlines() if line.strip()]
by = {r["name"]: r for r in rows}
with open(os.path.join(out, "transport.json"), "w") as f:
    json.dump(rows, f, indent=1)


def p50(name):
    return by[name]["p50_us"] if name in by else float("nan")


lines = []
lines.append("| measurement | p50 µs | p99 µs |")
lines.append("|---|---:|---:|")
for n in ["eventfd", "eventfd_cpu0", "unix", "unix_cpu0", "spin", "ring", "local_noop",
          "notify_noop", "notify_cpu0_noop", "poll_noop", "poll_split_noop", "poll_cpu0_noop"]:
    if n in by:
        lines.append(f"| {n} | {by[n]['p50_us']:.2f} | {by[n]['p99_us']:.2f} |")

lines.append("")
lines.append("| bytes | memcpy GiB/s | local arraycopy GiB/s | transport arraycopy GiB/s | transport / memcpy |")
lines.append("|---:|---:|---:|---:|---:|")
sizes = sorted({r["bytes"] for r in rows if "bytes" in r})
for s in sizes:
    m = by.get(f"memcpy_{s}", {}).get("gib_per_s", float("nan"))
    lo = by.get(f"local_arraycopy_{s}", {}).get("gib_per_s", float("nan"))
    t = by.get(f"notify_arraycopy_{s}", {}).get("gib_per_s", float("nan"))
    lines.append(f"| {s} | {m:.2f} | {lo:.2f} | {t:.2f} | {t / m:.2f} |")

targets = []
def verdict(label, value, op, limit):
    ok = value <= limit if op == "<=" else value >= limit
    targets.append(f"| {label} | {value:.3f} | {op} {limit} | {'met' if ok else 'MISSED'} |")

verdict("notification noop p50 / eventfd p50 (unpinned)", p50("notify_noop") / p50("eventfd"), "<=", 1.3)
if "notify_cpu0_noop" in by:
    verdict("notification noop p50 / eventfd p50 (both on CPU 0)",
            p50("notify_cpu0_noop") / p50("eventfd_cpu0"), "<=", 1.3)
def rounds(base, transport, key):
    """(n, base value, transport value) of each interleaved round <name>_r<n> in the results."""
    out = []
    for n in sorted(int(k.rsplit("_r", 1)[1]) for k in by if k.startswith(f"{base}_r")):
        t = by.get(f"{transport}_r{n}")
        if t:
            out.append((n, by[f"{base}_r{n}"][key], t[key]))
    return out


def rounds_table(header, rs, ratio):
    """Write the rounds' table; return the median of ratio(base, transport)."""
    lines.append("")
    lines.append(header)
    lines.append("|---:|---:|---:|---:|")
    for n, b, t in rs:
        lines.append(f"| {n} | {b:.2f} | {t:.2f} | {ratio(b, t):.2f} |")
    r = sorted(ratio(b, t) for _, b, t in rs)
    return r[len(r) // 2]


def rounds_verdict(base, transport, key, header, ratio, label=None, op=None, limit=None):
    """The interleaved rounds <base>_r<n> / <transport>_r<n>: their table and, given a label,
    the verdict on the median of their ratios. False when the run has no such rounds."""
    rs = rounds(base, transport, key)
    if not rs:
        return False
    median = rounds_table(header, rs, ratio)
    if label:
        verdict(f"{label}, median of {len(rs)} interleaved rounds", median, op, limit)
    return True


# Pinned notification rounds: floor and transport alternating, same daemon.
rounds_verdict("eventfd_cpu0", "notify_cpu0_noop", "p50_us",
               "| round | eventfd_cpu0 p50 µs | notify_cpu0 p50 µs | ratio |", lambda f, t: t / f,
               "notification noop p50 / eventfd p50 (CPU 0)", "<=", 1.3)
verdict("polling noop p50 / unix-socket p50", p50("poll_noop") / p50("unix"), "<=", 0.1)
if "poll_noop" in by:
    verdict("poll_noop p50 / spin floor p50 (unpinned, one run each)", p50("poll_noop") / p50("spin"),
            "<=", 2.0)
# Polling rounds: spin floor, ring floor and transport alternating on CPUs 0 and 1.
if rounds_verdict("spin", "poll_split_noop", "p50_us",
                  "| round | spin p50 µs | poll_split p50 µs | ratio |", lambda f, t: t / f,
                  "poll_split noop p50 / spin floor p50", "<=", 2.0):
    rounds_verdict("spin", "ring", "p50_us", "| round | spin p50 µs | ring floor p50 µs | ring / spin |",
                   lambda f, t: t / f)
elif "poll_split_noop" in by:
    verdict("poll_split_noop p50 / spin floor p50", p50("poll_split_noop") / p50("spin"), "<=", 2.0)
big = max(sizes) if sizes else 0
# Interleaved rounds of the largest size (memcpy_<big>_r<n>, notify_arraycopy_<big>_r<n>).
if not rounds_verdict(f"memcpy_{big}", f"notify_arraycopy_{big}", "gib_per_s",
                      f"| round | memcpy {big} B GiB/s | transport GiB/s | transport / memcpy |",
                      lambda m, t: t / m, f"arraycopy {big} B GiB/s / memcpy GiB/s", ">=", 0.5) and big:
    verdict(f"arraycopy {big} B GiB/s / memcpy GiB/s",
            by[f"notify_arraycopy_{big}"]["gib_per_s"] / by[f"memcpy_{big}"]["gib_per_s"], ">=", 0.5)
if "poll_daemon_idle_cpu" in by:
    verdict("daemon idle CPU % after the polling window",
            by["poll_daemon_idle_cpu"]["cpu_percent"], "<=", 1.0)
# Instructions per round trip (bench/count-instr.py).
instr = [r for r in rows if r["name"].startswith("instr_")]
if instr:
    lines.append("")
    lines.append("Instructions per round trip (callgrind, userspace only, (N2 - N1) / (N2 - N1 trips)):")
    lines.append("")
    lines.append("| workload | client | daemon | sum | sum / eventfd floor | allocator calls (client, daemon) |")
    lines.append("|---|---:|---:|---:|---:|---|")
    for r in instr:
        ratio = f"{r['ratio_to_eventfd']:.1f}" if "ratio_to_eventfd" in r else "floor"
        allocs = f"{r['client_allocs']}, {r['daemon_allocs']}" if "client_allocs" in r else ""
        lines.append(f"| {r['name'][6:]} | {r['client']:.0f} | {r['daemon']:.0f} | {r['sum']:.0f} "
                     f"| {ratio} | {allocs} |")
    noop = by.get("instr_noop")
    if noop:
        verdict("noop instructions per round trip, client + daemon", noop["sum"], "<=", 1500)
        verdict("noop allocator calls per round trip, client + daemon",
                noop["client_allocs"] + noop["daemon_allocs"], "<=", 0)
        for side in ("client", "daemon"):
            lines.append("")
            lines.append(f"noop, {side}: top {len(noop[side + '_top_incl'])} functions per round trip")
            lines.append("")
            lines.append("| inclusive | function | self | function |")
            lines.append("|---:|---|---:|---|")
            for (fi, ni), (fs, ns) in zip(noop[side + "_top_incl"], noop[side + "_top_self"]):
                lines.append(f"| {ni:.0f} | `{fi}` | {ns:.0f} | `{fs}` |")

lines.append("")
lines.append("| target | measured | target | verdict |")
lines.append("|---|---:|---|---|")
lines += targets
lines.append("")
lines.append("Ratios: notify/eventfd %.2f, notify_cpu0/eventfd_cpu0 %.2f, notify/unix %.2f, "
             "poll/unix %.3f, poll/spin %.1f, notify/local %.1f" % (
    p50("notify_noop") / p50("eventfd"), p50("notify_cpu0_noop") / p50("eventfd_cpu0"),
    p50("notify_noop") / p50("unix"), p50("poll_noop") / p50("unix"),
    p50("poll_noop") / p50("spin"), p50("notify_noop") / p50("local_noop")))
# The split ring's own floor (bench-floor ring): what any split-ring transport pays in
# polling mode before its own work; no target, the context of the spin-floor one.
if "ring" in by:
    lines.append("Ring floor: ring/spin %.2f, poll_split/ring %.2f, poll/ring %.2f" % (
        p50("ring") / p50("spin"), p50("poll_split_noop") / p50("ring"),
        p50("poll_noop") / p50("ring")))

report = "\n".join(lines) + "\n"
open(os.path.join(out, "report.md"), "w").write(report)
print(report)

# Plots.
lat = os.path.join(out, "latency.dat")
with open(lat, "w") as f:
    for i, n in enumerate(["local_noop", "spin", "poll_noop", "eventfd_cpu0", "notify_cpu0_noop",
                           "eventfd", "notify_noop", "unix"]):
        if n in by:
            f.write(f"{i} \"{n}\" {by[n]['p50_us']} {by[n]['p99_us']}\n")
bulk = os.path.join(out, "bulk.dat")
with open(bulk, "w") as f:
    for s in sizes:
        f.write("%d %s %s %s\n" % (s,
                by.get(f"memcpy_{s}", {}).get("gib_per_s", "NaN"),
                by.get(f"local_arraycopy_{s}", {}).get("gib_per_s", "NaN"),
                by.get(f"notify_arraycopy_{s}", {}).get("gib_per_s", "NaN")))
gp = f"""
set terminal pngcairo size 900,500 noenhanced
set output '{out}/latency.png'
set title 'Round trip, p50 and p99 (µs, log scale)'
set style data histograms
set style histogram clustered
set style fill solid 0.8
set logscale y
set ylabel 'µs'
set xtics rotate by -20
plot '{lat}' using 3:xtic(2) title 'p50', '' using 4 title 'p99'
set output '{out}/bulk.png'
set title 'Array copy throughput (GiB/s)'
unset style
set style data linespoints
set logscale x 2
unset logscale y
set xlabel 'bytes'
set format x '%.0b %BB'
set ylabel 'GiB/s'
plot '{bulk}' using 1:2 title 'memcpy', '' using 1:3 title 'local noop', '' using 1:4 title 'virtio transport'
"""
try:
    subprocess.run(["gnuplot"], input=gp.encode(), check=True)
    print(f"plots: {out}/latency.png {out}/bulk.png")
except (OSError, subprocess.CalledProcessError) as e:
    print(f"plots skipped: {e}")
