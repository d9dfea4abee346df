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
  embedded.py linkcheck --build-root DIR
      link.ld's RAM check: a firmware whose .data + .bss + stack fill RAM exactly links and
      runs (its painted stack shows a known frame), 8 bytes more fails the link with link.ld's
      message, and so do --defsym stack or RAM sizes that cannot hold it.
  embedded.py measure --build-root DIR [--api API --type T --n N --d D --h H --dff F
                      --target m4f,m3 --max-stack B --max-ram B]
      The memory of one API call (measure/): flash, .data + .bss, stack painted under QEMU and
      static (call graph), the RAM it needs and the smallest RAM size for which link.ld accepts
      it (the next smaller must fail the link). Without --api: the table of docs/memory.md.
  embedded.py docs --build-root DIR [--write]
      Checks (or with --write regenerates) the generated tables of docs/memory.md.

Exits with 77 (meson's "skipped") when the cross toolchain, QEMU or meson is not installed.
Standard library only: runs under any python3.
"""

import argparse
import ast
import configparser
import difflib
import fcntl
import os
import re
import shlex
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
                # A function appears in every unit that calls it, sized only in its own.
                if s or m.group(1) not in nodes:
                    nodes[m.group(1)] = (m.group(2).split("\\n")[0],
                                         int(s.group(1)) if s else None,
                                         s.group(2) if s else None)
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


def worst_case_stack(build_dir, workload, elf, root="void compute("):
    """Deepest path of the call graph from the function whose label starts with `root`
    (footprint.cpp's compute(), measure/'s ctattn_measured()): frames from -fstack-usage for
    our code, disassembly bounds for library routines. Returns (bytes, all frames static?)."""
    ci = list((build_dir / f"{Path(elf).name}.p").glob("*.ci"))
    nodes, edges = parse_callgraph(ci)
    roots = [t for t, (label, size, _) in nodes.items() if label.startswith(root)
             and size is not None]
    if len(roots) != 1:
        raise RuntimeError(f"{root}...) not found in the call graph of {workload}")
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


def footprint_rows(build_root, optimizations):
    """Builds and measures the footprint programs; returns (rows, linked images, fixed-point
    images, float-leak controls)."""
    have_qemu = shutil.which("qemu-system-arm") is not None
    elfs = [f"footprint_{w}{e}.elf" for w in WORKLOADS for e in ("", "_empty")]
    rows, images, fixed_images, leak_images = [], [], [], []
    for target in TARGETS:
        flags = " ".join(cross_constant(target, "arch"))
        for opt in optimizations:
            d = build(build_root, target, opt,
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
    return rows, images, fixed_images, leak_images


def cmd_footprint(args):
    skip_if_missing(need_qemu=False)
    rows, images, fixed_images, leak_images = footprint_rows(args.build_root,
                                                             args.optimizations.split(","))
    failures = []
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


# ---- linkcheck: link.ld's RAM check and the stack painting ------------------------------------

LINK_ASSERT = "ctattn: .data + .bss + stack (ctattn_stack_size) exceed RAM"
PROBE_FRAME = 1024


def probe_link(out_dir, target, bss, defsyms=()):
    """Compiles and links linkcheck/probe.cpp with `bss` bytes of .bss (link.ld, startup.c);
    returns (linked?, linker output, elf)."""
    arch = cross_constant(target, "arch")
    out = Path(out_dir) / f"probe_{target}_{bss}_{'_'.join(defsyms) or 'default'}"
    out.mkdir(parents=True, exist_ok=True)
    flags = arch + ["-Os", "-ffunction-sections", "-fdata-sections", "-Wall", "-Wextra",
                    "-Werror", "-I", str(EMBEDDED)]
    run(["arm-none-eabi-gcc"] + flags + ["-std=c11", "-c", str(EMBEDDED / "startup.c"),
                                         "-o", str(out / "startup.o")])
    run(["arm-none-eabi-g++"] + flags + ["-std=c++20", "-fno-exceptions", "-fno-rtti",
                                         f"-DCTATTN_PROBE_BSS={bss}",
                                         f"-DCTATTN_PROBE_FRAME={PROBE_FRAME}", "-c",
                                         str(EMBEDDED / "linkcheck" / "probe.cpp"),
                                         "-o", str(out / "probe.o")])
    elf = out / "probe.elf"
    p = subprocess.run(["arm-none-eabi-g++"] + arch + [
        "--specs=nano.specs", "--specs=nosys.specs", "-nostartfiles",
        "-T" + str(EMBEDDED / "link.ld"), "-Wl,--gc-sections",
        str(out / "probe.o"), str(out / "startup.o"), "-o", str(elf)]
        + [f"-Wl,--defsym={d}" for d in defsyms], text=True, capture_output=True)
    return p.returncode == 0, p.stdout + p.stderr, elf


def symbols(elf):
    out = run(["arm-none-eabi-nm", str(elf)], capture_output=True).stdout
    return {line.split()[-1]: int(line.split()[0], 16) for line in out.splitlines()
            if len(line.split()) == 3}


def cmd_linkcheck(args):
    """link.ld: a firmware whose .data + .bss + stack fill RAM exactly links and runs; 8 bytes
    more and the link fails with the ASSERT's message; so does a stack or RAM size given with
    --defsym that cannot hold it. The painted stack shows a known frame."""
    skip_if_missing()
    failed = passed = 0

    def verdict(ok, text):
        nonlocal failed, passed
        passed, failed = passed + ok, failed + (not ok)
        log(f"{'ok  ' if ok else 'FAIL'} {text}")

    root = Path(args.build_root) / "linkcheck"
    for target in TARGETS:
        ok, msg, elf = probe_link(root, target, 1024)
        if not ok:
            verdict(False, f"{target}: the 1 KiB .bss probe does not link:\n{msg}")
            continue
        sym = symbols(elf)
        ram_end = 0x20000000 + sym["ctattn_ram_size"]
        free = ram_end - sym["ctattn_stack_top"]
        fit = 1024 + free  # .bss that makes .data + .bss + stack end exactly at the end of RAM
        ok, msg, elf = probe_link(root, target, fit)
        sym = symbols(elf) if ok else {}
        verdict(ok and sym["ctattn_stack_top"] == ram_end,
                f"{target}: .bss of {fit} B + stack of {sym.get('ctattn_stack_size', '?')} B "
                f"fill RAM exactly and link" + ("" if ok else f":\n{msg}"))
        if ok:
            rc, out = qemu(target, elf)
            m = re.search(r"^stack (\d+)$", out, re.M)
            used = int(m.group(1)) if m else -1
            verdict(rc == 0 and PROBE_FRAME <= used <= PROBE_FRAME + 64,
                    f"{target}: that firmware runs (status {rc}); the painted stack shows the "
                    f"{PROBE_FRAME} B frame it writes: {used} B (frame + at most 64 B)")
        ok, msg, _ = probe_link(root, target, fit + 8)
        verdict(not ok and LINK_ASSERT in msg,
                f"{target}: 8 B more .bss ({fit + 8} B) fails the link with \"{LINK_ASSERT}\""
                + ("" if not ok and LINK_ASSERT in msg else f"; linker said:\n{msg}"))
        ok, msg, _ = probe_link(root, target, 1024, ["ctattn_stack_size=0x40000"])
        verdict(not ok and LINK_ASSERT in msg,
                f"{target}: -Wl,--defsym=ctattn_stack_size=0x40000 (256 KiB of stack in 256 KiB "
                f"RAM) fails the link with the message")
        ok, msg, _ = probe_link(root, target, 60 * 1024, ["ctattn_ram_size=0x10000"])
        verdict(not ok and LINK_ASSERT in msg,
                f"{target}: -Wl,--defsym=ctattn_ram_size=0x10000 with 60 KiB .bss and the "
                f"default stack fails the link with the message")
        ok, msg, _ = probe_link(root, target, 60 * 1024,
                                ["ctattn_ram_size=0x10000", "ctattn_stack_size=2048"])
        verdict(ok, f"{target}: the same with -Wl,--defsym=ctattn_stack_size=2048 links"
                + ("" if ok else f":\n{msg}"))
    log(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


# ---- measure: the memory of one API call ------------------------------------------------------

# The scalar types measure/ knows (meson.build's measure_types).
MEASURE_TYPES = ["float", "double", "q15_16", "q7_8"]
# RAM sizes (KiB) of common Cortex-M parts, smallest first: a measured case is reported with
# the smallest that holds it (its link passes) and the one below (its link fails).
PARTS_KIB = [16, 32, 64, 96, 128, 192, 256, 320, 512]
MEASURE_OPT = "s"


def measure_case(target, api, scalar, n, d, h=1, dff=1, max_stack=None, max_ram=None):
    """One measured call. max_stack / max_ram (bytes), when given, are goals: `measure` and
    `docs` fail when the call's stack (the larger of painted and static) or the RAM it needs
    (.data + .bss + stack) exceed them."""
    return {"target": target, "api": api, "type": scalar, "n": n, "d": d, "h": h, "dff": dff,
            "max_stack": max_stack, "max_ram": max_ram}


def goal_failures(rows):
    """Descriptions of the rows that miss their goals."""
    out = []
    for r in rows:
        stack = max(r["painted"], r["static"])
        what = f"{TARGET_NAMES[r['target']]} {r['api']} {r['type']} N = {r['n']}, D = {r['d']}"
        if r["max_stack"] is not None and (stack > r["max_stack"] or not r["static_ok"]):
            out.append(f"{what}: stack {stack} B > goal {r['max_stack']} B")
        if r["max_ram"] is not None and r["ram_total"] > r["max_ram"]:
            out.append(f"{what}: RAM {r['ram_total']} B > goal {r['max_ram']} B")
    return out


def report_goals(rows):
    """Logs the goals; returns the number missed."""
    failures = goal_failures(rows)
    for f in failures:
        log(f"FAIL goal {f}")
    goals = sum((r["max_stack"] is not None) + (r["max_ram"] is not None) for r in rows)
    if goals:
        log(f"{goals - len(failures)} of {goals} memory goals met")
    return len(failures)


# The table of docs/memory.md: the by-value API at N = D = 16, 32, 64 (float on Cortex-M4F,
# q15_16 on Cortex-M3), the transformer layer D = 64, H = 4, Dff = 256 at N = 16, 32, 64 (float
# and double only: LayerNorm needs sqrt), and the harness alone.
# One entry per row; an `api` is a template of measure/measure.hpp.
MEASURE_CASES = (
    [measure_case("m4f", "none", "float", 1, 1)]
    + [measure_case("m4f", "self_attention", "float", s, s) for s in (16, 32, 64)]
    + [measure_case("m4f", "multihead_self_attention", "float", s, s, 4) for s in (16, 32, 64)]
    + [measure_case("m4f", "transformer_layer", "float", s, 64, 4, 256) for s in (16, 32, 64)]
    + [measure_case("m3", "none", "q15_16", 1, 1)]
    + [measure_case("m3", "self_attention", "q15_16", s, s) for s in (16, 32, 64)]
    + [measure_case("m3", "multihead_self_attention", "q15_16", s, s, 4) for s in (16, 32, 64)]
    # caller-provided buffers (ctattn/workspace.hpp); goals of issue 14 at 64 (and 32 on the M3):
    # stack <= 1 KiB, the layer's input + output + workspace + stack within 48 KiB
    + [measure_case("m4f", "self_attention_inplace", "float", s, s,
                    max_stack=1024 if s == 64 else None) for s in (16, 32, 64)]
    + [measure_case("m4f", "multihead_self_attention_into", "float", s, s, 4,
                    max_stack=1024 if s == 64 else None) for s in (16, 32, 64)]
    + [measure_case("m4f", "transformer_layer_into", "float", s, 64, 4, 256,
                    max_stack=1024, max_ram=48 * 1024 if s == 64 else None) for s in (16, 32, 64)]
    + [measure_case("m3", "self_attention_inplace", "q15_16", s, s, max_stack=1024)
       for s in (32, 64)]
    + [measure_case("m3", "multihead_self_attention_into", "q15_16", s, s, 4, max_stack=1024)
       for s in (32, 64)]
)


def case_spec(c):
    return f"{c['api']}:{c['type']}:{c['n']}:{c['d']}:{c['h']}:{c['dff']}"


def case_elf(c):
    return f"measure_{c['api']}_{c['type']}_n{c['n']}_d{c['d']}_h{c['h']}_ff{c['dff']}.elf"


def build_measure(root, target, cases):
    """Configures (adding `cases` to the option `measure`) and builds their firmware."""
    d = Path(root) / f"{target}-O{MEASURE_OPT}-measure"
    d.parent.mkdir(parents=True, exist_ok=True)
    specs_file = Path(str(d) + ".cases")
    with open(str(d) + ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        old = specs_file.read_text().split() if specs_file.exists() else []
        specs = sorted(set(old) | {case_spec(c) for c in cases})
        option = "-Dmeasure=" + ",".join(specs)
        if not (d / "build.ninja").exists():
            if d.exists():
                shutil.rmtree(d)
            run(["meson", "setup", "--cross-file", str(CROSS / TARGETS[target]),
                 f"-Doptimization={MEASURE_OPT}", option, str(d), str(EMBEDDED)],
                stdout=subprocess.DEVNULL)
        elif specs != old:
            run(["meson", "setup", "--reconfigure", option, str(d), str(EMBEDDED)],
                stdout=subprocess.DEVNULL)
        specs_file.unlink(missing_ok=True)
        p = subprocess.run(["meson", "compile", "-C", str(d)] + [case_elf(c) for c in cases],
                           text=True, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        if p.returncode != 0:
            log(p.stdout[-6000:])
            raise RuntimeError(f"building {len(cases)} measure cases in {d} failed")
        specs_file.write_text("\n".join(specs) + "\n")
    return d


def relink(d, elf, ram, stack):
    """Links `elf`'s objects again with `ram` bytes of RAM and `stack` bytes of stack (meson's
    own link command, from ninja); returns (linked?, linker message)."""
    cmds = run(["ninja", "-C", str(d), "-t", "commands", elf], capture_output=True).stdout
    cmd = shlex.split(cmds.strip().splitlines()[-1])
    out = cmd.index("-o")
    cmd[out + 1] = f"{elf}.ram{ram}"
    cmd += [f"-Wl,--defsym=ctattn_ram_size={ram}", f"-Wl,--defsym=ctattn_stack_size={stack}"]
    p = subprocess.run(cmd, cwd=d, text=True, capture_output=True)
    (Path(d) / cmd[out + 1]).unlink(missing_ok=True)
    return p.returncode == 0, (p.stdout + p.stderr).strip()


def measure_one(d, c):
    """The memory of one case: flash, static RAM, stack (painted and static), and the smallest
    part of PARTS_KIB whose RAM holds it (link.ld's ASSERT decides)."""
    elf = d / case_elf(c)
    sizes = section_sizes(elf)
    static_stack, static_ok = worst_case_stack(d, case_elf(c), elf, root="void ctattn_measured(")
    rc, out = qemu(c["target"], elf)
    values = dict(re.findall(r"^(stack\w*) (\d+)$", out, re.M))
    if rc != 0 or "stack" not in values:
        raise RuntimeError(f"{elf.name} failed under QEMU (status {rc}): {out}")
    painted, program = int(values["stack"]), int(values["stack_program"])
    # The stack to reserve: the call's bound plus what startup and main use around it.
    reserve = (max(painted, static_stack) + (program - painted) + 7) // 8 * 8
    need = (sizes["data"] + sizes["bss"] + 7) // 8 * 8 + reserve  # .stack is 8-byte aligned
    # The smallest part that holds it must link, the next smaller one must fail with link.ld's
    # message (the figures above predict it; the linker decides).
    fits = next((kib for kib in PARTS_KIB if kib * 1024 >= need), None)
    smaller = PARTS_KIB[PARTS_KIB.index(fits) - 1] if fits and fits != PARTS_KIB[0] else (
        None if fits else PARTS_KIB[-1])
    message = ""
    if fits:
        ok, msg = relink(d, case_elf(c), fits * 1024, reserve)
        if not ok:
            raise RuntimeError(f"{elf.name}: needs {need} B but does not link in {fits} KiB:\n"
                               f"{msg}")
    if smaller:
        ok, message = relink(d, case_elf(c), smaller * 1024, reserve)
        if ok or LINK_ASSERT not in message:
            raise RuntimeError(f"{elf.name}: needs {need} B but the link in {smaller} KiB did not "
                               f"fail with link.ld's message:\n{message}")
    return {**c, "flash": sizes["text"] + sizes["rodata"] + sizes["data"],
            "ram_static": sizes["data"] + sizes["bss"], "painted": painted,
            "static": static_stack, "static_ok": static_ok, "reserve": reserve,
            "ram_total": need, "fits": fits, "smaller": smaller, "message": message}


API_NAMES = {"none": "(harness alone)", "self_attention": "self_attention",
             "multihead_self_attention": "multihead_self_attention",
             "transformer_layer": "transformer_layer"}
TARGET_NAMES = {"m4f": "Cortex-M4F", "m3": "Cortex-M3"}


def measure_table(rows):
    lines = ["| target | type | API | N | D | H | Dff | flash | .data + .bss | stack, painted "
             "| stack, static | RAM needed | smallest RAM that links |",
             "|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|"]
    for r in rows:
        multi = r["api"].startswith(("multihead_self_attention", "transformer_layer"))
        lines.append(
            f"| {TARGET_NAMES[r['target']]} | {r['type']} | "
            f"{API_NAMES.get(r['api'], r['api'])} | {r['n']} | {r['d']} | "
            f"{r['h'] if multi else '-'} | "
            f"{r['dff'] if r['api'].startswith('transformer_layer') else '-'} | "
            f"{r['flash']:,} | {r['ram_static']:,} | {r['painted']:,} | "
            f"{r['static']:,}{'' if r['static_ok'] else ' (dynamic!)'} | {r['ram_total']:,} | "
            + (f"{r['fits']} KiB" if r["fits"] else f"no ({PARTS_KIB[-1]} KiB fails)")
            + (f" ({r['smaller']} KiB fails) |" if r["fits"] and r["smaller"] else " |"))
    return "\n".join(lines)


def run_measure(root, cases):
    """Measures `cases`; returns their rows in the same order."""
    rows = {}
    for target in TARGETS:
        mine = [c for c in cases if c["target"] == target]
        if mine:
            d = build_measure(root, target, mine)
            rows.update({(target, case_spec(c)): measure_one(d, c) for c in mine})
    return [rows[(c["target"], case_spec(c))] for c in cases]


def cmd_measure(args):
    skip_if_missing()
    if args.api:
        cases = [measure_case(t, args.api, args.type, args.n, args.d, args.h, args.dff,
                              args.max_stack, args.max_ram) for t in args.target.split(",")]
    else:
        cases = MEASURE_CASES
    rows = run_measure(args.build_root, cases)
    log(measure_table(rows))
    for r in rows:
        if r["smaller"]:
            log(f"{TARGET_NAMES[r['target']]} {r['api']} {r['type']} N = {r['n']}, D = {r['d']}: "
                f"with {r['smaller']} KiB of RAM the link fails: "
                + "; ".join(line.split(": ", 1)[-1] for line in r["message"].splitlines()
                            if "ctattn:" in line or "overflowed" in line))
    return 1 if report_goals(rows) else 0


# ---- docs: the generated tables of docs/memory.md ---------------------------------------------

DOCS = EMBEDDED.parent / "docs" / "memory.md"
DOCS_COMMAND = "python3 embedded/scripts/embedded.py docs --build-root build-embedded --write"


def footprint_table(rows):
    lines = ["| target | workload | code (B) | stack, static (B) | stack, painted (B) |",
             "|---|---|---:|---:|---:|"]
    for r in rows:
        lines.append(f"| {TARGET_NAMES[r['target']]} -O{r['opt']} | {WORKLOADS[r['workload']]} | "
                     f"{r['code']:,} | {r['stack']:,}{'' if r['static'] else ' (dynamic!)'} | "
                     f"{'-' if r['measured'] is None else format(r['measured'], ',')} |")
    return "\n".join(lines)


def generated_blocks(build_root):
    """({block name: markdown} for every generated block of docs/memory.md, goals missed)."""
    rows, _, _, _ = footprint_rows(build_root, [MEASURE_OPT])
    measured = run_measure(build_root, MEASURE_CASES)
    return ({"footprint": footprint_table(rows), "measure": measure_table(measured)},
            report_goals(measured))


def regenerate(text, blocks):
    """`text` with each block between `<!-- begin generated: NAME ... -->` and
    `<!-- end generated: NAME -->` replaced."""
    for name, body in blocks.items():
        pattern = re.compile(r"(<!-- begin generated: " + name + r"\b[^>]*-->\n).*?"
                             r"(<!-- end generated: " + name + r" -->)", re.S)
        if not pattern.search(text):
            raise RuntimeError(f"{DOCS}: no generated block '{name}'")
        text = pattern.sub(lambda m: m.group(1) + body + "\n" + m.group(2), text)
    return text


def cmd_docs(args):
    skip_if_missing()
    old = DOCS.read_text()
    blocks, missed = generated_blocks(args.build_root)
    new = regenerate(old, blocks)
    if args.write:
        DOCS.write_text(new)
        log(f"wrote {DOCS}")
        return 1 if missed else 0
    if new == old:
        log(f"ok   the tables of {DOCS.relative_to(EMBEDDED.parent)} are current")
        return 1 if missed else 0
    log(f"FAIL the tables of {DOCS.relative_to(EMBEDDED.parent)} are not what the firmware "
        f"measures now; regenerate them with `{DOCS_COMMAND}`:")
    log("".join(difflib.unified_diff(old.splitlines(True), new.splitlines(True),
                                     "docs/memory.md", "measured")))
    return 1


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
    lc = sub.add_parser("linkcheck")
    lc.add_argument("--build-root", required=True)
    m = sub.add_parser("measure", help="memory of one API call (default: the table of "
                       "docs/memory.md)")
    m.add_argument("--build-root", required=True)
    m.add_argument("--api", help="a template of embedded/measure/measure.hpp: none, "
                   "self_attention, multihead_self_attention, transformer_layer, ...")
    m.add_argument("--type", default="float", choices=MEASURE_TYPES)
    m.add_argument("--target", default="m4f", help="m4f, m3 or both (m4f,m3)")
    m.add_argument("--n", type=int, default=16, help="tokens")
    m.add_argument("--d", type=int, default=16, help="model dimension")
    m.add_argument("--h", type=int, default=1, help="heads")
    m.add_argument("--dff", type=int, default=1, help="hidden units of the transformer layer")
    m.add_argument("--max-stack", type=int, help="goal: fail when the call's stack exceeds it")
    m.add_argument("--max-ram", type=int, help="goal: fail when .data + .bss + stack exceed it")
    dc = sub.add_parser("docs", help="the generated tables of docs/memory.md")
    dc.add_argument("--build-root", required=True)
    dc.add_argument("--write", action="store_true", help="regenerate them (default: check)")
    args = ap.parse_args()
    return {"check": cmd_check, "footprint": cmd_footprint, "linkcheck": cmd_linkcheck,
            "measure": cmd_measure, "docs": cmd_docs}[args.command](args)


if __name__ == "__main__":
    sys.exit(main())
