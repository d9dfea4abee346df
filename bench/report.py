#!/usr/bin/python3
"""Turn Google Benchmark JSON from bench_attention* into the README's markdown table.

Usage: bench/report.py RESULT.json [RESULT2.json ...]
Run the benchmark with --benchmark_repetitions=N --benchmark_out=RESULT.json
--benchmark_out_format=json; this script takes the median CPU time of each benchmark (CPU
time, not wall time: the machine may be shared) and prints ns/op, GFLOP/s, the ratios
time(ctattn) / time(Eigen) and time(ctattn) / time(loop), and ctattn's fraction of the FMA and of
the mul+add peak measured in the same binary.
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


def main():
    for path in sys.argv[1:]:
        ctx, res = medians(path)
        print(f"### {path}\n")
        print(f"host: {ctx.get('host_name', '?')}, {ctx.get('num_cpus')} CPUs at "
              f"{ctx.get('mhz_per_cpu')} MHz (nominal), load average {ctx.get('load_avg')}\n")
        peaks = {}
        for key in ("bm_peak_fma", "bm_peak_mul_add"):
            b = res.get(key)
            if b and not b.get("error_occurred") and "FLOPS" in b:
                peaks[key] = b["FLOPS"] / 1e9
        print("peak (double, one core): " + ", ".join(
            f"{k[8:]} {v:.1f} GFLOP/s" for k, v in peaks.items()) + "\n")
        print("| type | N | D | ctattn ns | Eigen ns | loop ns | ctattn GFLOP/s | "
              "ctattn/Eigen | ctattn/loop |")
        print("|---|---|---|---|---|---|---|---|---|")
        rows = []
        last = None
        for name, b in res.items():
            m = re.match(r"bm_ctattn<(\w+), (\d+), (\d+)>", name)
            if m:
                rows.append((m.group(1), int(m.group(2)), int(m.group(3)), name))
        rows.sort(key=lambda r: (r[0] != "float", r[1]))
        for t, n, d, name in rows:
            c = res[name]
            e = res.get(name.replace("bm_ctattn", "bm_eigen"))
            lp = res.get(name.replace("bm_ctattn", "bm_loop"))
            ct = c["cpu_time"]
            et = e["cpu_time"] if e else float("nan")
            lt = lp["cpu_time"] if lp else float("nan")
            print(f"| {t} | {n} | {d} | {ct:.0f} | {et:.0f} | {lt:.0f} | {c['FLOPS'] / 1e9:.1f} | "
                  f"{ct / et:.2f} | {ct / lt:.2f} |")
            if t == "double" and n == 64 and peaks:
                frac = ", ".join(f"{c['FLOPS'] / 1e9 / v * 100:.0f}% of the {k[8:]} peak"
                                 for k, v in peaks.items())
                last = f"ctattn at N = D = 64, double: {frac}"
        for name, b in res.items():
            m = re.match(r"bm_ctattn_mh<(\w+), (\d+), (\d+), (\d+)>", name)
            if not m:
                continue
            e = res.get(name.replace("bm_ctattn_mh", "bm_eigen_mh"))
            ct = b["cpu_time"]
            et = e["cpu_time"] if e else float("nan")
            print(f"| {m.group(1)} multi-head H={m.group(4)} | {m.group(2)} | {m.group(3)} | "
                  f"{ct:.0f} | {et:.0f} | - | {b['FLOPS'] / 1e9:.1f} | {ct / et:.2f} | - |")
        print()
        if last:
            print(last + "\n")


if __name__ == "__main__":
    main()
