#!/usr/bin/env python3
"""Report of bench/run-bench-real.sh: real.jsonl -> real.md (table) and real.png (plot).

    report_real.py RESULTS.jsonl OUT_DIR

For each sgemm size and for classify: time per call in-process (local), through the socket
transport and from the VM (TCG), the ratios to local, the transport's absolute overhead per
call (µs) and its share of the call, and the break-even size: the smallest n from which the
overhead stays below 1 % of the call.

The machines are shared: other jobs' load stretches some calls by whole time slices. So the
headline figures use each series' fastest call (min: the call that ran undisturbed), and
the medians (p50, and the median over local/socket call pairs) are given beside them."""
import json
import os
import shutil
import subprocess
import sys

results_path, out = sys.argv[1], sys.argv[2]
rows = [json.loads(line) for line in open(results_path) if line.strip()]
by = {r["name"]: r for r in rows}
env = by.get("env", {})
sizes = sorted(int(r["name"].rsplit("_", 1)[1]) for r in rows
               if r["name"].startswith("local_sgemm_"))


def get(name, field):
    return by.get(name, {}).get(field)


def ms(us):
    return "–" if us is None else f"{us / 1000:.3f}"


def num(v, f):
    return "–" if v is None else format(v, f)


def overhead(key, prefix="socket"):
    """(µs, % of the local call) between the fastest calls."""
    a, b = get(f"{prefix}_{key}", "min_us"), get(f"local_{key}", "min_us")
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
    f"Machine: {env.get('cpu', '?')}, {env.get('cores', '?')} cores, load average "
    f"{env.get('load', '?')} at the start, {env.get('date', '?')}; "
    f"OPENBLAS_NUM_THREADS={env.get('openblas_threads') or '(default)'}, "
    f"OPENBLAS_CORETYPE={env.get('openblas_coretype') or '(unset)'} (OpenBLAS core "
    f"{env.get('openblas_core', '?')}; with the variable unset it picks "
    f"{env.get('openblas_core_unset', '?')}).",
    "",
    "Times per call, fastest (min) and median (p50). Overhead = socket - local between the "
    "fastest calls; pair p50 = median of socket/local over call pairs (the two alternate in "
    "one process). VM: a separate run inside the guest (QEMU TCG, so an upper bound), "
    "against the local fastest call.",
    "",
    "| op | local ms min / p50 | socket ms min / p50 | overhead µs | overhead % "
    "| pair p50 socket/local | VM (TCG) ms min / p50 | VM / local |",
    "|---|---:|---:|---:|---:|---:|---:|---:|",
]
plot = []
ops = [(f"sgemm {n}", f"sgemm_{n}", n) for n in sizes] + [("classify (digits)", "classify", None)]
for label, key, n in ops:
    lmin, lp50 = get(f"local_{key}", "min_us"), get(f"local_{key}", "p50_us")
    smin, sp50 = get(f"socket_{key}", "min_us"), get(f"socket_{key}", "p50_us")
    vmin, vp50 = get(f"vm_{key}", "min_us"), get(f"vm_{key}", "p50_us")
    oh, pct = overhead(key)
    lines.append(
        f"| {label} | {ms(lmin)} / {ms(lp50)} | {ms(smin)} / {ms(sp50)} | {num(oh, '.1f')} | "
        f"{num(pct, '.2f')} | {num(get(f'pair_{key}', 'ratio_p50'), '.3f')} | "
        f"{ms(vmin)} / {ms(vp50)} | "
        f"{num(None if vmin is None or lmin is None else vmin / lmin, '.3f')} |")
    if n is not None and lmin:
        plot.append((n, lmin, smin, vmin))


def be_text(prefix):
    n = breakeven(prefix)
    return f"n = {n}" if n else f"not reached up to n = {sizes[-1]}"


lines += ["", f"Break-even (overhead below 1 % of the call from this n on): socket transport "
          f"{be_text('socket')}; VM (TCG) {be_text('vm')}."]
auto = [(n, get(f"autocore_sgemm_{n}", "min_us"), get(f"local_sgemm_{n}", "min_us"))
        for n in sizes if get(f"autocore_sgemm_{n}", "min_us") is not None]
if auto:
    lines += ["", "OpenBLAS choosing its own kernels (OPENBLAS_CORETYPE unset), local sgemm, "
              "fastest call:"]
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
set title 'sgemm n x n, fastest call: time / in-process time (one run)'
set logscale x 2
set logscale y
set xlabel 'n'
set ylabel 'ratio to the in-process call'
set grid
set key top right
plot '{dat}' using 1:($3/$2) with linespoints title 'socket transport', \\
     '{dat}' using 1:($4/$2) with linespoints title 'from the VM (QEMU TCG, upper bound)', \\
     1.01 with lines dashtype 2 title '1 % overhead'
"""
    subprocess.run(["gnuplot"], input=gp.encode(), check=True)
