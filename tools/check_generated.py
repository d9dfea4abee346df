#!/usr/bin/env python3
"""Re-run a generator with Debian's numpy and check that the committed output is identical.

Usage: python3 tools/check_generated.py GENERATOR COMMITTED OUTDIR

Runs `/usr/bin/python3 GENERATOR OUTDIR/<basename of COMMITTED>` and compares the new file with
COMMITTED byte for byte. Exit status: 0 identical, 1 different (a diff is printed), 77 (meson's
"skipped") when /usr/bin/python3 or its numpy is not available.
"""
import difflib
import os
import subprocess
import sys

PYTHON = "/usr/bin/python3"


def main(argv):
    if len(argv) != 4:
        sys.stderr.write(__doc__)
        return 2
    generator, committed, outdir = argv[1:]
    if not os.access(PYTHON, os.X_OK):
        print("check_generated: %s not found; skipped" % PYTHON)
        return 77
    if subprocess.run([PYTHON, "-c", "import numpy"], check=False,
                      stderr=subprocess.DEVNULL).returncode != 0:
        print("check_generated: %s has no numpy (install python3-numpy); skipped" % PYTHON)
        return 77
    os.makedirs(outdir, exist_ok=True)
    fresh = os.path.join(outdir, os.path.basename(committed))
    proc = subprocess.run([PYTHON, generator, fresh], check=False)
    if proc.returncode != 0:
        print("check_generated: %s failed with status %d" % (generator, proc.returncode))
        return 1
    with open(committed, "rb") as f:
        old = f.read()
    with open(fresh, "rb") as f:
        new = f.read()
    if old != new:
        print("check_generated: %s differs from a fresh run of %s (%s):"
              % (committed, generator, fresh))
        diff = difflib.unified_diff(old.decode().splitlines(), new.decode().splitlines(),
                                    committed, fresh, lineterm="", n=1)
        for i, line in enumerate(diff):
            if i == 60:
                print("...")
                break
            print(line)
        return 1
    print("check_generated: %s is identical to a fresh run of %s" % (committed, generator))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
