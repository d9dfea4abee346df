#!/usr/bin/env python3
"""Run the commands of a docs page as written (docs/portability.md's cross builds).

    doc_commands.py DOC NAME --source-root DIR --workdir DIR [--without-boost-check]
                    [--umbrella-control]

In DOC, a line `<!-- doc-test NAME file=F -->` before a fenced block writes the block to
WORKDIR/F, and `<!-- doc-test NAME run -->` before a ```sh block runs its lines (comments and
blank lines skipped) with bash in WORKDIR, where `ctattn` is a link to the source root (the
docs say "a checkout of ctattn in ./ctattn"). Every line must succeed. Exits 77 (skipped) when
the first command of the block is not installed.

--without-boost-check: first prove that the compiler of the first line cannot find
<boost/hana.hpp> (otherwise "compiles without Boost" would prove nothing).
--umbrella-control: then run the block again with <ctattn/core.hpp> replaced by
<ctattn/ctattn.hpp> in the written files: it must fail, naming boost/hana (the negative control).
"""
import argparse
import os
import re
import shlex
import shutil
import subprocess
import sys


def blocks(doc, name):
    files, commands = {}, []
    lines = open(doc, encoding="utf-8").read().splitlines()
    marker = re.compile(r"<!-- doc-test (\S+) (file=(\S+)|run) -->")
    i = 0
    while i < len(lines):
        m = marker.search(lines[i])
        if m and m.group(1) == name:
            j = i + 1
            while not lines[j].startswith("```"):
                j += 1
            k = j + 1
            while not lines[k].startswith("```"):
                k += 1
            body = lines[j + 1:k]
            if m.group(3):
                files[m.group(3)] = "\n".join(body) + "\n"
            else:
                joined = "\n".join(body).replace("\\\n", " ")  # continuation lines
                commands += [c for c in joined.splitlines()
                             if c.strip() and not c.lstrip().startswith("#")]
            i = k
        i += 1
    return files, commands


def run_all(commands, workdir):
    for c in commands:
        print("$ " + c, flush=True)
        p = subprocess.run(["bash", "-c", c], cwd=workdir, capture_output=True, text=True)
        sys.stdout.write(p.stdout)
        if p.returncode != 0:
            return p.stderr
        sys.stdout.write(p.stderr)
    return None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("doc")
    ap.add_argument("name")
    ap.add_argument("--source-root", required=True)
    ap.add_argument("--workdir", required=True)
    ap.add_argument("--without-boost-check", action="store_true")
    ap.add_argument("--umbrella-control", action="store_true")
    args = ap.parse_args()

    files, commands = blocks(args.doc, args.name)
    if not commands:
        print(f"no '<!-- doc-test {args.name} run -->' block in {args.doc}")
        return 1
    compiler = shlex.split(commands[0])[0]
    if shutil.which(compiler) is None:
        print(f"SKIP: {compiler} is not installed")
        return 77
    shutil.rmtree(args.workdir, ignore_errors=True)
    os.makedirs(args.workdir)
    os.symlink(os.path.abspath(args.source_root), os.path.join(args.workdir, "ctattn"))

    if args.without_boost_check:
        p = subprocess.run([compiler, "-x", "c++", "-std=c++20", "-E", "-"],
                           input="#include <boost/hana.hpp>\n", capture_output=True, text=True)
        if p.returncode == 0:
            print(f"{compiler} finds <boost/hana.hpp> on its own: the test would prove nothing")
            return 1
        print(f"ok: {compiler} has no Boost on its include path")

    def write(replace=None):
        for name, text in files.items():
            if replace:
                text = text.replace(*replace)
            with open(os.path.join(args.workdir, name), "w", encoding="utf-8") as f:
                f.write(text)

    write()
    err = run_all(commands, args.workdir)
    if err is not None:
        print("FAIL: the command above failed:\n" + err)
        return 1
    print(f"ok: the {len(commands)} commands of '{args.name}' work as written")

    if args.umbrella_control:
        write(("<ctattn/core.hpp>", "<ctattn/ctattn.hpp>"))
        err = run_all(commands, args.workdir)
        if err is None or "boost/hana" not in err:
            print("FAIL: with <ctattn/ctattn.hpp> the commands must fail for want of Boost.Hana"
                  + ("" if err is None else ":\n" + err))
            return 1
        print("ok: negative control: with <ctattn/ctattn.hpp> instead, the build fails for want "
              "of boost/hana")
    return 0


if __name__ == "__main__":
    sys.exit(main())
