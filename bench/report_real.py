#!/usr/bin/env python3
"""Report of bench/run-bench-real.sh: real.jsonl -> real.md (table) and real.png (plot).

For each sgemm size and for classify: median time per call in-process (local), through the
socket transport and from the VM (TCG), the ratios to local, the transport's absolute
overhead per call (µs) and its share of the call, and the break-even size: the smallest n
from which the overhead stays below 1 % of the call."""
import json
import os
import shutil
import subprocess
import sys

results_path, out = sys.argv[1], sys.argv[2]
rows = [json.loads(line) for line in open(results_path) if line.strip()]
by = {r["name"]: r for r in rows}
env = by.get("env", {})
sizes = sorted(int(r["name"].rsplit("_", 1)[1]) for r in rows if r["name"].startswith("local_sgemm_"))


def p50(name):
    return by[name]["p50_us"] if name in by else None


def fmt_ms(us):
    return "–" if us is None else f"{us / 1000:.3f}"


def ratio(a, b):
    return "–" if a is None or b is None else f"{a / b:.3f}"


def overhead(key, prefix):
    """(µs, % of the local call): per-pair medians for the socket, medians for the VM."""
    if prefix == "socket" and f"pair_{key}" in by:
        p = by[f"pair_{key}"]
        return p["overhead_p50_us"], 100.0 * (p["ratio_p50"] - 1.0)
    a, b = p50(f"{prefix}_{key}"), p50(f"local_{key}")
    return (None, None) if a is None or b is None else (a - b, 100.0 * (a - b) / b)


def breakeven(prefix):
    """Smallest n from which every larger size's overhead is below 1 %."""
    best = None
    for n in reversed(sizes):
        _, pct = overhead(f"sgemm_{n}", prefix)
        if pct is None or pct >= 1.0:
            break
        best = n
    return best


lines = [
    f"Machine: {env.get('cpu', '?')}, {env.get('cores', '?')} cores, load {env.get('load', '?')}, "
    f"{env.get('date', '?')}; OPENBLAS_CORETYPE={env.get('openblas_coretype') or '(unset)'} "
    f"(OpenBLAS core {env.get('openblas_core', '?')}; unset it picks "
    f"{env.get('openblas_core_unset', '?')}).",
    "",
    "Medians per call. socket / local and the overhead are medians over call pairs "
    "(local and socket calls alternate in one process); VM figures are medians of a "
    "separate run in the guest (QEMU TCG), over the local median.",
    "",
    "| op | local ms | socket ms | socket / local | overhead µs | overhead % | VM (TCG) ms | VM / local |",
    "|---|---:|---:|---:|---:|---:|---:|---:|",
]
plot = []
ops = [(f"sgemm {n}", f"sgemm_{n}", n) for n in sizes] + [("classify (digits)", "classify", None)]
for label, key, n in ops:
    lo, so, vm = p50(f"local_{key}"), p50(f"socket_{key}"), p50(f"vm_{key}")
    oh, pct = overhead(key, "socket")
    lines.append(
        f"| {label} | {fmt_ms(lo)} | {fmt_ms(so)} | "
        f"{'–' if pct is None else f'{1 + pct / 100:.3f}'} | "
        f"{'–' if oh is None else f'{oh:.1f}'} | {'–' if pct is None else f'{pct:.2f}'} | "
        f"{fmt_ms(vm)} | {ratio(vm, lo)} |")
    if n is not None:
        plot.append((n, lo, None if pct is None else lo * (1 + pct / 100), vm))
be_sock, be_vm = breakeven("socket"), breakeven("vm")
lines += [
    "",
    f"Break-even (transport overhead below 1 % of the call from this n on): socket "
    f"{'n = %d' % be_sock if be_sock else 'not reached up to n = %d' % sizes[-1]}; VM (TCG) "
    f"{'n = %d' % be_vm if be_vm else 'not reached up to n = %d' % sizes[-1]}.",
]
auto = [(n, p50(f"autocore_sgemm_{n}"), p50(f"local_sgemm_{n}")) for n in sizes
        if p50(f"autocore_sgemm_{n}") is not None]
if auto:
    lines += ["", "OpenBLAS choosing its own kernels (OPENBLAS_CORETYPE unset), local sgemm:"]
    for n, a, lo in auto:
        lines.append(f"- n = {n}: {a / 1000:.3f} ms, {a / lo:.2f}x the time with "
                     f"OPENBLAS_CORETYPE={env.get('openblas_coretype')}")
text = "\n".join(lines) + "\n"
with open(os.path.join(out, "real.md"), "w") as f:
    f.write(text)
print(text)

if shutil.which("gnuplot") and plot:
    dat = os.path.join(out, "real.dat")
    with open(dat, "w") as f:
        for n, lo, so, vm in plot:
            f.write(f"{n} {lo} {so if so else 'NaN'} {vm if vm else 'NaN'}\n")
    gp = f"""
set terminal pngcairo size 900,500 noenhanced
set output '{os.path.join(out, "real.png")}'
set title 'sgemm n x n: time per call / local time per call (median), one run'
set logscale x 2
set logscale y
set xlabel 'n'
set ylabel 'ratio to the in-process call'
set grid
set key top right
plot '{dat}' using 1:($3/$2) with linespoints title 'socket transport', \\
     '{dat}' using 1:($4/$2) with linespoints title 'VM (QEMU TCG, upper bound)', \\
     1.01 with lines dashtype 2 title '1 % overhead'
"""
    subprocess.run(["gnuplot"], input=gp.encode(), check=True)
