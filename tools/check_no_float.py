#!/usr/bin/env python3
"""Check that a C++ translation unit compiles to integer instructions only (x86-64).

Usage: check_no_float.py SOURCE INCLUDE_DIR... -- CXX [CXX_ARGS...]
CXX must be GCC: Clang 14 cannot compile libstdc++'s <limits> with -mgeneral-regs-only.

1. SOURCE is compiled with -O2 -mgeneral-regs-only: GCC refuses any floating-point operation
   ("SSE register return with SSE disabled"), Clang lowers it to soft-float calls.
2. The object must reference no soft-float helper (__muldf3, __floatsidf, ...), no libm
   function, and contain no x87 or SSE/AVX instruction (objdump -d).
3. The same SOURCE with -DCTATTN_NOFLOAT_INJECT (which adds one run-time use of double) must be
   caught by step 1 or 2, so that a blind check cannot pass.
Exit status 0 when both hold, 1 otherwise (with the findings printed).
"""
import os
import re
import subprocess
import sys
import tempfile

SOFT_FLOAT = re.compile(
    r"^__(?:add|sub|mul|div|neg|cmp|unord|eq|ne|lt|le|gt|ge|fix|fixuns|float|floatun|extend|"
    r"trunc|pow|powi)\w*(?:sf|df|tf|xf|hf)\w*$")
LIBM = re.compile(r"^(?:exp|exp2|expm1|log|log2|sqrt|pow|ldexp|frexp|floor|ceil|round|lround|"
                  r"nearbyint|rint|fabs|fma)[fl]?$")
FP_REGISTER = re.compile(r"%(?:[xyz]mm\d+|st\b|st\(\d\)|k[0-7]\b)")


def compile_object(cxx, source, includes, obj, extra):
    cmd = cxx + ["-std=c++20", "-O2", "-mgeneral-regs-only", "-ffp-contract=off",
                 "-fno-exceptions", "-fno-rtti", "-c", source, "-o", obj]
    cmd += ["-I" + d for d in includes] + extra
    return subprocess.run(cmd, capture_output=True, text=True)


def findings(obj):
    found = []
    nm = subprocess.run(["nm", "-u", obj], capture_output=True, text=True, check=True).stdout
    for line in nm.splitlines():
        name = line.split()[-1]
        if SOFT_FLOAT.match(name) or LIBM.match(name):
            found.append("undefined symbol " + name)
    dump = subprocess.run(["objdump", "-d", "--no-show-raw-insn", obj], capture_output=True,
                          text=True, check=True).stdout
    for line in dump.splitlines():
        parts = line.split("\t")
        if len(parts) < 2 or not re.match(r"^\s*[0-9a-f]+:$", parts[0]):
            continue
        insn = parts[1].strip()
        mnemonic = insn.split()[0] if insn else ""
        if mnemonic.startswith("f") or FP_REGISTER.search(insn):  # x87 mnemonics all start with f
            found.append("instruction " + insn)
    return found


def check(cxx, source, includes, extra, tmp, tag):
    """Returns (caught, report)."""
    obj = os.path.join(tmp, tag + ".o")
    res = compile_object(cxx, source, includes, obj, extra)
    if res.returncode != 0:
        if not re.search(r"SSE|x87", res.stderr):
            print("FAIL: " + tag + " variant does not compile, for another reason:\n" +
                  res.stderr[-3000:])
            sys.exit(1)
        first = next(l for l in res.stderr.splitlines() if re.search(r"SSE|x87", l))
        return True, "compiler rejected it: " + first.strip()[:300]
    found = findings(obj)
    return bool(found), "\n".join(found[:40])


def main():
    args = sys.argv[1:]
    if "--" not in args or args.index("--") < 1:
        print(__doc__)
        return 2
    sep = args.index("--")
    source, includes, cxx = args[0], args[1:sep], args[sep + 1:]
    with tempfile.TemporaryDirectory() as tmp:
        caught, report = check(cxx, source, includes, [], tmp, "clean")
        if caught:
            print("FAIL: floating point in the fixed-point code of " + source + ":\n" + report)
            return 1
        print("ok: " + source + " compiles to integer instructions only")
        caught, report = check(cxx, source, includes, ["-DCTATTN_NOFLOAT_INJECT"], tmp, "inject")
        if not caught:
            print("FAIL: the injected use of double was not detected: the check is blind")
            return 1
        print("ok: the injected use of double is detected: " + report.splitlines()[0])
    return 0


if __name__ == "__main__":
    sys.exit(main())
