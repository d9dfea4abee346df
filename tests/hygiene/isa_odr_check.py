#!/usr/bin/env python3
"""Find inline (weak) functions that two object files both define with different machine code.

    isa_odr_check.py [--nm NM] [--objdump OBJDUMP] A B NAMESPACE [--expect none|some]

A and B are objects or static archives (the two units of the instruction-set test, built for
different instruction sets). For every weak function symbol (nm types W, V, u) defined in both
whose mangled name mentions NAMESPACE (as the Itanium ABI spells it: `6ctattn`), the code bytes
of the two definitions (objdump -d; relocated fields are zeros in an object) are compared.
Those with different bytes are one name with two bodies: the linker keeps one, and the other
unit runs it.

--expect none (the default): fail if there is one (ctattn, whose names carry the instruction
set, ctattn/detail/isa.hpp). --expect some: fail if there is none (the self-check on
isa_odr_probe, an untagged function whose body depends on the instruction set).
"""
import argparse
import re
import subprocess
import sys


def weak_symbols(nm, path):
    out = subprocess.run([nm, "--defined-only", path], check=True, capture_output=True,
                         text=True).stdout
    names = set()
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[1] in ("W", "V", "u"):
            names.add(parts[2])
    return names


def code_bytes(objdump, path):
    """{symbol: bytes as hex string} for every function objdump disassembles."""
    out = subprocess.run([objdump, "-d", "-w", "-z", path], check=True, capture_output=True,
                         text=True).stdout
    code, current = {}, None
    start = re.compile(r"^[0-9a-f]+ <(.+)>:$")
    insn = re.compile(r"^\s+[0-9a-f]+:\t((?:[0-9a-f]{2} )+)")
    for line in out.splitlines():
        m = start.match(line)
        if m:
            current = m.group(1)
            code.setdefault(current, [])
            continue
        m = insn.match(line)
        if m and current is not None:
            code[current].append(m.group(1).replace(" ", ""))
        elif not line.strip():
            current = None
    return {k: "".join(v) for k, v in code.items()}


def demangle(names):
    if not names:
        return []
    out = subprocess.run(["c++filt"], input="\n".join(names), capture_output=True, text=True)
    return out.stdout.splitlines() if out.returncode == 0 else list(names)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("a")
    ap.add_argument("b")
    ap.add_argument("namespace")
    ap.add_argument("--expect", choices=["none", "some"], default="none")
    ap.add_argument("--nm", default="nm")
    ap.add_argument("--objdump", default="objdump")
    args = ap.parse_args()

    tag = f"{len(args.namespace)}{args.namespace}"
    shared = sorted(s for s in weak_symbols(args.nm, args.a) & weak_symbols(args.nm, args.b)
                    if tag in s)
    code_a, code_b = code_bytes(args.objdump, args.a), code_bytes(args.objdump, args.b)
    functions = [s for s in shared if s in code_a and s in code_b]
    differ = [s for s in functions if code_a[s] != code_b[s]]
    print(f"{args.namespace}: {len(shared)} weak symbols defined in both objects, "
          f"{len(functions)} of them functions, {len(differ)} with different code")
    for name in demangle(differ):
        print(f"  one name, two bodies: {name}")
    if args.expect == "none" and differ:
        return 1
    if args.expect == "some" and not differ:
        print("self-check failed: the detector found no clash where there is one")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
