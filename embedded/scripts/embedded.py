#!/usr/bin/env python3
"""Cross builds of embedded/ for Cortex-M, run under QEMU, and their footprint.

  embedded.py check --host-exe HOST --build-root DIR
      Builds the firmware for every target (embedded/cross/*.ini) at -Os and -O2, runs
      bitcheck.elf under qemu-system-arm with semihosting and checks that every value it
      prints is bit-identical to the host build HOST (the same source, built natively);
      runs the example firmware, which must exit with status 0.
  embedded.py footprint --build-root DIR [--check] [--markdown]
      Code/data bytes of the attention code (attention program minus its empty twin, from
      `size -A`) and its worst-case stack (-fstack-usage / -fcallgraph-info call graph,
      plus a measurement under QEMU); with --check, asserts the M4F goals, that no linked
      image references the heap, exceptions or RTTI, and that the fixed-point images contain
      no floating point (no soft-float routine, no VFP instruction; a firmware that converts
      one float at run time must be caught).

Exits with 77 (meson's "skipped") when the cross toolchain, QEMU or meson is not installed.
Standard library only: runs under any python3.
"""

import argparse
import ast
import configparser
import fcntl
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

SKIP = 77
EMBEDDED = Path(__file__).resolve().parent.parent
CROSS = EMBEDDED / "cross"

# The targets: name -> cross file. QEMU machine and CPU are read from the cross file.
TARGETS = {"m4f": "cortex-m4f.ini", "m3": "cortex-m3.ini"}
OPTIMIZATIONS = ["s", "2"]
# Footprint workloads (see footprint.cpp): name -> description.
WORKLOADS = {
    "n3d4_f32": "float, N = 3, D = 4",
    "n16d16_f32": "float, N = 16, D = 16",
    "n3d4_f64": "double, N = 3, D = 4",
    "n16d16_f64": "double, N = 16, D = 16",
    "n3d4_q15_16": "fixed q15_16, N = 3, D = 4",
    "n16d16_q15_16": "fixed q15_16, N = 16, D = 16",
    "n3d4_q7_8": "fixed q7_8, N = 3, D = 4",
}
# The fixed-point workloads: their images must be free of floating point.
FIXED_WORKLOADS = [w for w in WORKLOADS if "_q" in w]
# Negative control of that check: the q15_16 program with one float converted at run time.
FLOAT_LEAK_ELF = "footprint_n3d4_q15_16_float_leak.elf"
# The goal of issue 6 for the notebook-sized float attention on Cortex-M4F at -Os.
GOAL = {"target": "m4f", "opt": "s", "workload": "n3d4_f32", "code": 2048, "stack": 512}
# Symbols no linked image may reference: heap, exceptions, RTTI (typeinfo objects and names).
FORBIDDEN = [
    (re.compile(r"^(malloc|free|calloc|realloc|_malloc_r|_free_r|_sbrk|_sbrk_r)$"), "heap"),
    (re.compile(r"^_Zn[wa]"), "operator new"),
    (re.compile(r"^_Zd[la]"), "operator delete"),
    (re.compile(r"^__cxa_(throw|allocate_exception|begin_catch|rethrow)$"), "exceptions"),
    (re.compile(r"^__gxx_personality"), "exceptions"),
    (re.compile(r"^_ZT[IS]"), "RTTI"),
]
# Floating point in a linked image: the Arm EABI soft-float routines of libgcc (__aeabi_fadd,
# __aeabi_dmul, __aeabi_fcmplt, __aeabi_cdcmple, __aeabi_f2d, __aeabi_d2iz, __aeabi_i2f,
# __aeabi_ul2d, __aeabi_h2f, ...; not the integer __aeabi_idiv/ldivmod/uldivmod/idiv0), libgcc's
# generic names (__addsf3, __muldf3, __fixdfsi, __floatsidf, __extendsfdf2, ...), libm.
SOFT_FLOAT = [
    re.compile(r"^__aeabi_(?:[fd](?:add|sub|rsub|mul|div|neg|cmp\w*|2\w+)|c[fd]\w+|"
               r"u?[il]2[fd]|h2f)$"),
    re.compile(r"^__(?:add|sub|mul|div|neg|cmp|unord|eq|ne|lt|le|gt|ge|fix|fixuns|float|floatun|"
               r"extend|trunc|pow|powi)\w*(?:sf|df|tf|hf)\w*$"),
    re.compile(r"^(?:exp|exp2|expm1|log|log2|sqrt|pow|ldexp|frexp|floor|ceil|round|lround|"
               r"nearbyint|rint|fabs|fma)[fl]?$"),
]
# A VFP/FPU instruction in objdump -d output (vadd.f32, vldr, vmov, vpush, vmrs, vcvt, ...).
VFP_INSTRUCTION = re.compile(r"^\s*([0-9a-f]+):\t[0-9a-f ]+\t(v[a-z]+\S*)")
QEMU_TIMEOUT = 120


def log(*args):
    print(*args, flush=True)


def cross_properties(target):
    ini = configparser.ConfigParser()
    ini.read(CROSS / TARGETS[target])
    return {k: v.strip("'\"") for k, v in ini["properties"].items()}


def cross_constant(target, name):
    ini = configparser.ConfigParser()
    ini.read(CROSS / TARGETS[target])
    return ast.literal_eval(ini["constants"][name])


def predefined_macros(target):
    """The cross compiler's predefined macros for the target's flags."""
    return run(["arm-none-eabi-g++"] + cross_constant(target, "arch") + ["-dM", "-E", "-x", "c++",
               os.devnull], capture_output=True).stdout


def missing_tools(need_qemu=True):
    tools = ["arm-none-eabi-g++", "arm-none-eabi-gcc", "arm-none-eabi-size", "arm-none-eabi-nm",
             "arm-none-eabi-objdump", "meson", "ninja"]
    if need_qemu:
        tools.append("qemu-system-arm")
    missing = [t for t in tools if shutil.which(t) is None]
    if "arm-none-eabi-g++" not in missing:
        # newlib's C headers and libstdc++'s C++ headers for the cross compiler.
        probe = subprocess.run(["arm-none-eabi-g++", "-mcpu=cortex-m3", "-mthumb", "-std=c++20",
                                "-E", "-x", "c++", "-o", os.devnull, "-"],
                               input="#include <array>\n#include <cstdint>\n", text=True,
                               capture_output=True)
        if probe.returncode != 0:
            missing.append("the C/C++ library headers for arm-none-eabi")
    return missing


def skip_if_missing(need_qemu=True):
    missing = missing_tools(need_qemu)
    if missing:
        log("SKIP: embedded tests need " + ", ".join(missing) + " (Debian: gcc-arm-none-eabi "
            "libnewlib-arm-none-eabi libstdc++-arm-none-eabi-newlib binutils-arm-none-eabi "
            "qemu-system-arm; .ci/run installs them)")
        sys.exit(SKIP)


def run(cmd, **kw):
    return subprocess.run(cmd, check=True, text=True, **kw)


def build(root, target, opt, targets):
    """Configures (once) and builds `targets` of embedded/ for `target` at -O`opt`."""
    d = Path(root) / f"{target}-O{opt}"
    d.parent.mkdir(parents=True, exist_ok=True)
    # Tests run in parallel: one build per directory at a time.
    with open(str(d) + ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (d / "build.ninja").exists():
            if d.exists():
                shutil.rmtree(d)
            run(["meson", "setup", "--cross-file", str(CROSS / TARGETS[target]),
                 f"-Doptimization={opt}", str(d), str(EMBEDDED)], stdout=subprocess.DEVNULL)
        p = subprocess.run(["meson", "compile", "-C", str(d)] + targets, text=True,
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        if p.returncode != 0:
            log(p.stdout[-6000:])
            raise RuntimeError(f"building {targets} in {d} failed")
    return d


def qemu(target, elf):
    """Runs `elf` on the target's QEMU machine; returns (exit status, semihosting output)."""
    props = cross_properties(target)
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "semihosting.txt"
        cmd = ["qemu-system-arm", "-M", props["qemu_machine"], "-cpu", props["qemu_cpu"],
               "-nographic", "-monitor", "none", "-serial", "none",
               "-chardev", f"file,id=semihosting,path={out}",
               "-semihosting-config", "enable=on,target=native,chardev=semihosting",
               "-kernel", str(elf)]
        p = subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True, text=True,
                           timeout=QEMU_TIMEOUT)
        if p.stderr.strip():
            log(p.stderr.strip())
        return p.returncode, out.read_text() if out.exists() else ""


# ---- check: bit identity -----------------------------------------------------------------------

def compare(host_lines, target_lines):
    """Returns (number of values compared, list of mismatch descriptions)."""
    problems = []
    if len(host_lines) != len(target_lines):
        problems.append(f"host printed {len(host_lines)} lines, target {len(target_lines)}")
    for h, t in zip(host_lines, target_lines):
        if h != t:
            problems.append(f"host '{h}' != target '{t}'")
    values = sum(1 for line in host_lines if line.count(" ") == 3)
    return values, problems


def cmd_check(args):
    skip_if_missing()
    host = subprocess.run([args.host_exe], check=True, capture_output=True, text=True).stdout
    host_lines = host.splitlines()
    cases = sorted({line.split(" ")[0] for line in host_lines if line.count(" ") == 3})
    fixed_values = sum(1 for line in host_lines if line.count(" ") == 3 and "_q" in line.split()[0])
    failed = passed = 0
    for target in TARGETS:
        for opt in OPTIMIZATIONS:
            control = "__ARM_FP" in predefined_macros(target)
            d = build(args.build_root, target, opt, ["bitcheck.elf", "attention_example.elf"]
                      + (["bitcheck_contract_fast.elf"] if control else []))
            name = f"{target} -O{opt}"
            rc, out = qemu(target, d / "bitcheck.elf")
            values, problems = compare(host_lines, out.splitlines())
            if rc != 0:
                problems.insert(0, f"qemu exit status {rc}")
            if problems:
                failed += 1
                log(f"FAIL {name} bitcheck: {len(problems)} differences; first ones:")
                for p in problems[:10]:
                    log("  " + p)
            else:
                passed += 1
                log(f"ok   {name} bitcheck: {values} values in {len(cases)} cases bit-identical "
                    f"to the host ({fixed_values} of them fixed point, compared by raw integer)")
            if control:
                # The check must see what -ffp-contract=fast (fused multiply-add) does.
                rc, out = qemu(target, d / "bitcheck_contract_fast.elf")
                _, problems = compare(host_lines, out.splitlines())
                if rc == 0 and problems:
                    passed += 1
                    log(f"ok   {name} negative control: with -ffp-contract=fast "
                        f"{len(problems)} of {values} values differ from the host, as they must")
                else:
                    failed += 1
                    log(f"FAIL {name} negative control: -ffp-contract=fast firmware (status {rc}) "
                        f"matched the host; the comparison would not see contraction")
            rc, out = qemu(target, d / "attention_example.elf")
            if rc == 0:
                passed += 1
                log(f"ok   {name} attention_example:")
                log("\n".join("       " + line for line in out.strip().splitlines()))
            else:
                failed += 1
                log(f"FAIL {name} attention_example: exit status {rc}: {out.strip()}")
    log(f"cases: {', '.join(cases)}")
    log(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


# ---- footprint ---------------------------------------------------------------------------------

def section_sizes(elf):
    out = run(["arm-none-eabi-size", "-A", str(elf)], capture_output=True).stdout
    sizes = {}
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[0].startswith(".") and parts[1].isdigit():
            sizes[parts[0]] = int(parts[1])
    text = sizes.get(".text", 0)
    rodata = sizes.get(".rodata", 0) + sizes.get(".ARM.exidx", 0) + sizes.get(".init_array", 0)
    return {"text": text, "rodata": rodata, "data": sizes.get(".data", 0),
            "bss": sizes.get(".bss", 0)}


def parse_callgraph(ci_files):
    """Nodes {title: (label, bytes or None, qualifier)} and edges {title: set(titles)}."""
    nodes, edges = {}, {}
    node_re = re.compile(r'node: \{ title: "([^"]*)" label: "([^"]*)"')
    edge_re = re.compile(r'edge: \{ sourcename: "([^"]*)" targetname: "([^"]*)"')
    size_re = re.compile(r"\\n(\d+) bytes \(([^)]*)\)")
    for ci in ci_files:
        for line in Path(ci).read_text().splitlines():
            m = node_re.search(line)
            if m:
                s = size_re.search(m.group(2))
                nodes[m.group(1)] = (m.group(2).split("\\n")[0],
                                     int(s.group(1)) if s else None, s.group(2) if s else None)
                continue
            m = edge_re.search(line)
            if m:
                edges.setdefault(m.group(1), set()).add(m.group(2))
    return nodes, edges


def disassembled_stack(elf, symbol, seen=None):
    """Upper bound of the stack of a library routine without -fstack-usage data (libgcc's
    soft-float helpers, newlib's memcpy/memset): every push, vpush and `sub sp` in its code,
    added up, plus the deepest routine it calls with bl."""
    seen = set() if seen is None else seen
    if symbol in seen:
        return 0
    seen.add(symbol)
    out = run(["arm-none-eabi-objdump", "-d", f"--disassemble={symbol}", str(elf)],
              capture_output=True).stdout
    own, callees = 0, set()
    for line in out.splitlines():
        m = re.search(r"\t(v?push|stmdb)(?:\.w)?\t(?:sp!, )?\{([^}]*)\}", line)
        if m:
            regs = 0
            for r in m.group(2).split(","):
                r = r.strip()
                rng = re.match(r"([a-z]+)(\d+)-[a-z]+(\d+)", r)
                n = int(rng.group(3)) - int(rng.group(2)) + 1 if rng else 1
                regs += n * (8 if r.startswith("d") else 4)
            own += regs
        m = re.search(r"\tstr[a-z]*(?:\.w)?\t[^\[]*\[sp, #-(\d+)\]!", line)
        if m:  # store with pre-decrement of sp, e.g. `str ip, [sp, #-4]!`
            own += int(m.group(1))
        m = re.search(r"\tsub(?:\.w|w)?\tsp, (?:sp, )?#(\d+)", line)
        if m:
            own += int(m.group(1))
        m = re.search(r"\tbl\t[0-9a-f]+ <([^>+]+)>", line)
        if m:
            callees.add(m.group(1))
    return own + max((disassembled_stack(elf, c, seen) for c in callees), default=0)


def worst_case_stack(build_dir, workload, elf):
    """Deepest path of the call graph from compute(): frames from -fstack-usage for our code,
    disassembly bounds for library routines. Returns (bytes, all frames static?)."""
    ci = list((build_dir / f"footprint_{workload}.elf.p").glob("*.ci"))
    nodes, edges = parse_callgraph(ci)
    roots = [t for t, (label, _, _) in nodes.items() if label.startswith("void compute(")]
    if len(roots) != 1:
        raise RuntimeError(f"compute() not found in the call graph of {workload}")
    memo, static = {}, [True]

    def depth(title, stack):
        if title in memo:
            return memo[title]
        if title in stack:
            raise RuntimeError(f"recursion through {title}: no static stack bound")
        label, size, qualifier = nodes.get(title, (title, None, None))
        if size is None:
            own = disassembled_stack(elf, title.split(":")[-1] if ":" in title else title)
        else:
            own = size
            if qualifier != "static":
                static[0] = False
        below = max((depth(c, stack | {title}) for c in edges.get(title, ())), default=0)
        memo[title] = own + below
        return memo[title]

    return depth(roots[0], frozenset()), static[0]


def measured_stack(target, elf):
    rc, out = qemu(target, elf)
    m = re.search(r"^stack (\d+)$", out, re.M)
    if rc != 0 or not m:
        raise RuntimeError(f"{elf} failed under QEMU (status {rc}): {out}")
    return int(m.group(1))


def forbidden_symbols(elf):
    out = run(["arm-none-eabi-nm", str(elf)], capture_output=True).stdout
    found = []
    for line in out.splitlines():
        name = line.split()[-1]
        for pattern, what in FORBIDDEN:
            if pattern.match(name):
                found.append(f"{name} ({what})")
    return found


def float_symbols(elf):
    """Soft-float and libm symbols an image defines or references."""
    out = run(["arm-none-eabi-nm", str(elf)], capture_output=True).stdout
    names = {line.split()[-1] for line in out.splitlines() if line.strip()}
    return sorted(n for n in names if any(p.match(n) for p in SOFT_FLOAT))


def vfp_instructions(elf):
    """The FPU instructions in an image's code (addresses and mnemonics)."""
    out = run(["arm-none-eabi-objdump", "-d", str(elf)], capture_output=True).stdout
    return [f"{m.group(2)}@{m.group(1)}" for m in map(VFP_INSTRUCTION.match, out.splitlines())
            if m]


def floating_point(elf):
    """Everything in an image that is floating point (empty list: integer-only)."""
    return float_symbols(elf) + vfp_instructions(elf)


def cmd_footprint(args):
    skip_if_missing(need_qemu=False)
    have_qemu = shutil.which("qemu-system-arm") is not None
    elfs = [f"footprint_{w}{e}.elf" for w in WORKLOADS for e in ("", "_empty")]
    rows, failures, images, fixed_images, leak_images = [], [], [], [], []
    for target in TARGETS:
        flags = " ".join(cross_constant(target, "arch"))
        for opt in args.optimizations.split(","):
            d = build(args.build_root, target, opt,
                      elfs + ["bitcheck.elf", "attention_example.elf", FLOAT_LEAK_ELF])
            images += [d / e for e in elfs + ["bitcheck.elf", "attention_example.elf"]]
            fixed_images += [(target, opt, d / f"footprint_{w}{e}.elf")
                             for w in FIXED_WORKLOADS for e in ("", "_empty")]
            leak_images.append((target, opt, d / FLOAT_LEAK_ELF))
            for w in WORKLOADS:
                full = section_sizes(d / f"footprint_{w}.elf")
                empty = section_sizes(d / f"footprint_{w}_empty.elf")
                delta = {k: full[k] - empty[k] for k in full}
                stack, static = worst_case_stack(d, w, d / f"footprint_{w}.elf")
                measured = None
                if have_qemu:
                    measured = (measured_stack(target, d / f"footprint_{w}.elf")
                                - measured_stack(target, d / f"footprint_{w}_empty.elf"))
                rows.append({"target": target, "flags": flags, "opt": opt, "workload": w,
                             **delta, "code": delta["text"] + delta["rodata"],
                             "stack": stack, "static": static, "measured": measured})
    # The table.
    log("| target | workload | flags | .text | .rodata | .data | .bss | code | stack (static) "
        "| stack (measured) |")
    log("|---|---|---|---:|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        log(f"| {r['target']} | {WORKLOADS[r['workload']]} | -O{r['opt']} {r['flags']} | "
            f"{r['text']} | {r['rodata']} | {r['data']} | {r['bss']} | {r['code']} | "
            f"{r['stack']}{'' if r['static'] else ' (dynamic!)'} | "
            f"{'-' if r['measured'] is None else r['measured']} |")
    log("code = .text + .rodata of the attention program minus its empty twin; .data/.bss stay 0 "
        "because the attention keeps all its state on the stack. stack (static) = deepest path "
        "from compute() in the -fcallgraph-info/-fstack-usage graph (library routines bounded "
        "from their disassembly); stack (measured) = stack painted and scanned under QEMU.")
    if not args.check:
        return 0
    # The goals.
    for r in rows:
        if all(r[k] == GOAL[k] for k in ("target", "opt", "workload")):
            worst = max(r["stack"], r["measured"] or 0)
            ok = r["code"] <= GOAL["code"] and worst <= GOAL["stack"] and r["static"]
            log(f"{'ok  ' if ok else 'FAIL'} goal {r['target']} -O{r['opt']} {r['workload']}: "
                f"code {r['code']} B (<= {GOAL['code']}), stack {worst} B (<= {GOAL['stack']})")
            if not ok:
                failures.append("goal")
    for elf in images:
        found = forbidden_symbols(elf)
        if found:
            failures.append(str(elf))
            log(f"FAIL {elf.parent.name}/{elf.name} references {', '.join(found)}")
    heap_failures = len(failures)
    if not heap_failures:
        log(f"ok   no heap, exception or RTTI symbol in {len(images)} linked images")
    # Fixed point: integer instructions only, and the check must see one float conversion.
    for target, opt, elf in fixed_images:
        found = floating_point(elf)
        if found:
            failures.append(str(elf))
            log(f"FAIL {target} -O{opt} {elf.name} contains floating point: "
                f"{', '.join(found[:12])}{' ...' if len(found) > 12 else ''}")
    if len(failures) == heap_failures:
        log(f"ok   no soft-float routine and no VFP instruction in {len(fixed_images)} "
            f"fixed-point images ({', '.join(FIXED_WORKLOADS)} and their empty twins)")
    # Each detector must fire on the negative control: the soft-float symbols everywhere (the
    # float -> int64 conversion is a libgcc routine even with an FPU), the VFP instructions on
    # a core with an FPU.
    for target, opt, elf in leak_images:
        symbols, vfp = float_symbols(elf), vfp_instructions(elf)
        fpu = "__ARM_FP" in predefined_macros(target)
        if symbols and (vfp or not fpu):
            log(f"ok   {target} -O{opt} negative control {elf.name}: the check finds "
                f"{len(symbols)} soft-float symbols ({', '.join(symbols[:4])}, ...)"
                + (f" and {len(vfp)} VFP instructions ({', '.join(vfp[:3])}, ...)" if fpu else ""))
        else:
            failures.append(str(elf))
            log(f"FAIL {target} -O{opt} negative control {elf.name}: {len(symbols)} soft-float "
                f"symbols, {len(vfp)} VFP instructions found, so the check would not see a float "
                f"conversion at run time")
    checks = 1 + len(images) + len(fixed_images) + len(leak_images)
    log(f"{checks - len(failures)} passed, {len(failures)} failed")
    return 1 if failures else 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = ap.add_subparsers(dest="command", required=True)
    c = sub.add_parser("check")
    c.add_argument("--host-exe", required=True)
    c.add_argument("--build-root", required=True)
    f = sub.add_parser("footprint")
    f.add_argument("--build-root", required=True)
    f.add_argument("--check", action="store_true")
    f.add_argument("--optimizations", default=",".join(OPTIMIZATIONS),
                   help="comma-separated optimisation levels to build (default: s,2)")
    args = ap.parse_args()
    return cmd_check(args) if args.command == "check" else cmd_footprint(args)


if __name__ == "__main__":
    sys.exit(main())
