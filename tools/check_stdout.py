#!/usr/bin/env python3
"""Run a program and compare its stdout, line for line, with an expected file.

Usage: python3 tools/check_stdout.py EXPECTED PROGRAM [ARGS...]
Exit status 0 when every line matches (and the program exited 0), 1 otherwise, with a unified
diff of expected vs actual on stdout.
"""
import difflib
import subprocess
import sys


def main(argv):
    if len(argv) < 3:
        sys.stderr.write(__doc__)
        return 2
    with open(argv[1], encoding="utf-8") as f:
        expected = f.read().splitlines()
    proc = subprocess.run(argv[2:], stdout=subprocess.PIPE, check=False)
    actual = proc.stdout.decode("utf-8", errors="replace").splitlines()
    if proc.returncode != 0:
        print("check_stdout: %s exited with status %d" % (argv[2], proc.returncode))
        return 1
    if actual != expected:
        print("check_stdout: output differs from %s" % argv[1])
        sys.stdout.writelines(
            line + "\n"
            for line in difflib.unified_diff(expected, actual, "expected", "actual", lineterm=""))
        return 1
    print("check_stdout: %d lines identical to %s" % (len(expected), argv[1]))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
