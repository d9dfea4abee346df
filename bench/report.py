#!/usr/bin/python3
"""Turn Google Benchmark JSON from bench_attention* into the README's markdown table.

Usage: bench/report.py [--title TITLE] RESULT.json [RERUN.json ...]
Run the benchmark with --benchmark_repetitions=N --benchmark_out=RESULT.json
--benchmark_out_format=json (bench/run_tables.sh does all of it). This script takes the median
CPU time of each benchmark (CPU time, not wall time: the machine may be shared) and prints
ns/op, GFLOP/s, the ratios time(ctattn) / time(Eigen) and time(ctattn) / time(loop), and
ctattn's fraction of the FMA and of the mul+add peak measured in the same binary. Later files
(reruns of the close cases) replace the medians of the benchmarks they contain.
With --close, it prints instead a --benchmark_filter regex of the sizes whose ratio against
Eigen or the loop lies within 5 % of 1.0 (the cases worth rerunning with more repetitions).
"""
import json
import re
import sys


def medians(path):
    with open(path) as f:
        data = json.load(f)
    out = {}
    for b in data["benchmarks"]:
        if b.get("run_type") == "aggregate" and b.get("aggregate_name") != "median":
            continue
        name = b.get("run_name", b["name"])
        if b.get("run_type") == "aggregate" or name not in out:
            out[name] = b
    return data["context"], out


def load(paths):
    ctx, res = medians(paths[0])
    reruns = []
    for p in paths[1:]:
        c2, r2 = medians(p)
        res.update(r2)
        reruns.append((p, c2, sorted(r2)))
    return ctx, res, reruns


def rows(res):
    out = []
    for name in res:
        m = re.match(r"bm_ctattn<(\w+), (\d+), (\d+)>$", name)
        if m:
            out.append((m.group(1), int(m.group(2)), int(m.group(3)), name))
    out.sort(key=lambda r: (r[0] != "float", r[1]))
    return out


def close_filter(res, tol=0.05):
    pats = []
    for t, n, d, name in rows(res):
        ct = res[name]["cpu_time"]
        for other in ("bm_eigen", "bm_loop"):
            o = res.get(name.replace("bm_ctattn", other))
            if o and abs(ct / o["cpu_time"] - 1.0) <= tol:
                pats.append(f"<{t}, {n}, {d}>")
                break
    for name, b in res.items():
        m = re.match(r"bm_ctattn_mh<(\w+), (\d+), (\d+), (\d+)>", name)
        e = res.get(name.replace("bm_ctattn_mh", "bm_eigen_mh"))
        if m and e and abs(b["cpu_time"] / e["cpu_time"] - 1.0) <= tol:
            pats.append(f"<{m.group(1)}, {m.group(2)}, {m.group(3)}, {m.group(4)}>")
    return "|".join(pats)


def main():
    args = sys.argv[1:]
    title = None
    if args and args[0] == "--close":
        _, res, _ = load(args[1:])
        print(close_filter(res))
        return
    if args and args[0] == "--title":
        title, args = args[1], args[2:]
    ctx, res, reruns = load(args)
    print(f"### {title or args[0]}\n")
    print(f"host: {ctx.get('host_name', '?')}, {ctx.get('num_cpus')} CPUs at "
          f"{ctx.get('mhz_per_cpu')} MHz (nominal), load average {ctx.get('load_avg')} "
          f"(1, 5, 15 min) at the start of the run\n")
    for p, c2, names in reruns:
        print(f"rerun ({p}, load average {c2.get('load_avg')}): {len(names)} benchmarks\n")
    peaks = {}
    labels = {}
    for key in ("bm_peak_fma", "bm_peak_mul_add"):
        b = res.get(key)
        if b and not b.get("error_occurred") and "FLOPS" in b:
            peaks[key] = b["FLOPS"] / 1e9
            labels[key] = b.get("label", "")
    if peaks:
        print("peak (double, one core, this build's ISA): " + ", ".join(
            f"{k[8:]} {v:.1f} GFLOP/s ({labels[k]})" for k, v in peaks.items()) + "\n")
    else:
        print("peak: not measured\n")
    print("| type | N | D | ctattn ns | Eigen 3.4 ns | plain loop ns | ctattn GFLOP/s | "
          "ctattn / Eigen | ctattn / loop |")
    print("|---|---|---|---:|---:|---:|---:|---:|---:|")
    last = None
    for t, n, d, name in rows(res):
        c = res[name]
        e = res.get(name.replace("bm_ctattn", "bm_eigen"))
        lp = res.get(name.replace("bm_ctattn", "bm_loop"))
        ct = c["cpu_time"]
        et = e["cpu_time"] if e else float("nan")
        lt = lp["cpu_time"] if lp else float("nan")
        print(f"| {t} | {n} | {d} | {ct:.0f} | {et:.0f} | {lt:.0f} | {c['FLOPS'] / 1e9:.1f} | "
              f"{ct / et:.2f} | {ct / lt:.2f} |")
        if t == "double" and n == 64 and peaks:
            frac = ", ".join(f"{c['FLOPS'] / 1e9 / v * 100:.0f} % of the {k[8:]} peak"
                             for k, v in peaks.items())
            last = f"ctattn at N = D = 64, double: {c['FLOPS'] / 1e9:.1f} GFLOP/s = {frac}"
    for name, b in sorted(res.items()):
        m = re.match(r"bm_ctattn_mh<(\w+), (\d+), (\d+), (\d+)>", name)
        if not m:
            continue
        e = res.get(name.replace("bm_ctattn_mh", "bm_eigen_mh"))
        ct = b["cpu_time"]
        et = e["cpu_time"] if e else float("nan")
        print(f"| {m.group(1)}, multi-head H = {m.group(4)} | {m.group(2)} | {m.group(3)} | "
              f"{ct:.0f} | {et:.0f} | - | {b['FLOPS'] / 1e9:.1f} | {ct / et:.2f} | - |")
    print()
    if last:
        print(last + "\n")


if __name__ == "__main__":
    main()
