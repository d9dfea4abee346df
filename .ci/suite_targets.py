#!/usr/bin/env python3
"""Print the build targets the tests of some meson suites need, one line, for `meson compile`.

    suite_targets.py BUILD_DIR SUITE... [--not SUITE...]

A test is selected when one of its suites is a SUITE and none is a --not SUITE (as
`meson test --suite ... --no-suite ...` selects). Its targets: the executable it runs, when
built by this project, and the targets it depends on (meson's `depends`, e.g. the two units of
hygiene_isa_odr). Building only these, not the whole project, is what keeps the extra-compiler
and cross stages of .ci/run cheap.
"""
import json
import os
import subprocess
import sys


def introspect(build_dir, what):
    out = subprocess.run(["meson", "introspect", build_dir, what], check=True,
                         capture_output=True, text=True).stdout
    return json.loads(out)


def main(argv):
    build_dir = argv[0]
    rest = argv[1:]
    excluded = set(rest[rest.index("--not") + 1:]) if "--not" in rest else set()
    wanted = set(rest[:rest.index("--not")] if "--not" in rest else rest)
    targets = introspect(build_dir, "--targets")
    by_id = {t["id"]: t["name"] for t in targets}
    by_file = {os.path.realpath(f): t["name"] for t in targets for f in t["filename"]}
    names = set()
    for test in introspect(build_dir, "--tests"):
        suites = {s.split(":", 1)[-1] for s in test["suite"]}
        if not suites & wanted or suites & excluded:
            continue
        exe = os.path.realpath(test["cmd"][0]) if test["cmd"] else ""
        if exe in by_file:
            names.add(by_file[exe])
        names.update(by_id[d] for d in test.get("depends", []) if d in by_id)
    print(" ".join(sorted(names)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
