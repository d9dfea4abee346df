#!/usr/bin/env python3
"""Compile-fail harness: one case file, compiled twice.

    run_case.py [--compiler-id gcc|clang] [--self-check wrong-reason|twin] CASE -- CXX [FLAGS...]

The case file compiles with -DCTATTN_TWIN=1 (the passing twin: the same code with the misuse
corrected) and must fail with -DCTATTN_TWIN=0, printing every expected text given in the case
as comment lines (the first one in the first error message):
    // expect: text            (every compiler)
    // expect-gcc: text        (GCC only)
    // expect-clang: text      (Clang only)
So a case cannot pass through an unrelated error (a typo): the twin would not compile, or the
failing variant would fail without the expected text ("failed for the wrong reason").
Compilers print ctattn's names with their instruction-set namespace (`ctattn::isa_avx2::matrix`,
ctattn/detail/isa.hpp), which depends on the build's -march; the expected texts are written
without it (`ctattn::matrix`), and the diagnostics are matched with it removed.

--self-check KIND inverts the verdict for the harness's own test: the case is meant to be
broken, and the run passes only if the harness reports exactly that kind of breakage.
"""
import os
import re
import subprocess
import sys


def compile_case(cmd, case, twin):
    env = dict(os.environ, LC_ALL="C", LANG="C")
    proc = subprocess.run(cmd + ["-fsyntax-only", f"-DCTATTN_TWIN={twin}", case],
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
    return proc.returncode, re.sub(r"\bctattn::isa_[a-z0-9]+::", "ctattn::", proc.stdout)


def expectations(case, compiler_id):
    texts = []
    with open(case, encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            for key in ("// expect:", f"// expect-{compiler_id}:"):
                if line.startswith(key):
                    texts.append(line[len(key):].strip())
    return texts


def verdict(case, cmd, compiler_id):
    """Returns (kind, message); kind is 'ok', 'twin', 'compiles' or 'wrong-reason'."""
    texts = expectations(case, compiler_id)
    if not texts:
        return "wrong-reason", "the case has no '// expect:' line"
    rc, out = compile_case(cmd, case, 1)
    if rc != 0:
        return "twin", "the passing twin (-DCTATTN_TWIN=1) does not compile:\n" + out
    rc, out = compile_case(cmd, case, 0)
    if rc == 0:
        return "compiles", "the misuse (-DCTATTN_TWIN=0) compiles, but must not"
    # The first error must be ours: the first expected text on the first "error:" line.
    first_error = next((line for line in out.splitlines() if "error:" in line), "")
    if texts[0] not in first_error:
        return "wrong-reason", ("failed for the wrong reason: the first error is not "
                                + repr(texts[0]) + " but:\n" + first_error + "\n\n" + out)
    missing = [t for t in texts if t not in out]
    if missing:
        return "wrong-reason", ("failed for the wrong reason: the diagnostics lack "
                                + "; ".join(repr(t) for t in missing) + "\n" + out)
    return "ok", "fails as expected, with: " + "; ".join(repr(t) for t in texts)


def main(argv):
    compiler_id = "gcc"
    self_check = None
    args = list(argv)
    if "--" not in args:
        print(__doc__)
        return 2
    sep = args.index("--")
    opts, cmd = args[:sep], args[sep + 1:]
    case = None
    i = 0
    while i < len(opts):
        if opts[i] == "--compiler-id":
            compiler_id = opts[i + 1]
            i += 2
        elif opts[i] == "--self-check":
            self_check = opts[i + 1]
            i += 2
        else:
            case = opts[i]
            i += 1
    if case is None or not cmd:
        print(__doc__)
        return 2
    kind, message = verdict(case, cmd, compiler_id)
    name = os.path.basename(case)
    if self_check is None:
        print(f"{name}: {message}")
        return 0 if kind == "ok" else 1
    if kind == self_check:
        print(f"{name}: self-check passed, the harness detected the broken case ({kind}):\n"
              f"{message}")
        return 0
    print(f"{name}: self-check FAILED, expected '{self_check}', got '{kind}': {message}")
    return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
