#!/usr/bin/env python3
"""The README's two commands, extracted so that CI runs them verbatim, and checked.

    readme_commands.py [--readme README.md] 1|2      print command 1 (set-up) or 2 (tests)
    readme_commands.py --check [--build-root DIR]    check them (meson test: readme_commands)

The commands are the two fenced ```sh blocks of README.md's section "## The two commands", in
that order, printed exactly as written (a block may span lines with backslashes). .ci/run runs
them with `bash -c` in its fresh clone, as a user would paste them: command 1 installs the
packages, sets up `build` and prints the notebook; command 2 runs `meson test` in it.

--check (cheap, no build):
 1. the extractor finds exactly the commands of a made-up README (decoy blocks before, inside and
    after the section), and reports a missing section, a third block and a missing block;
 2. README's commands: exactly two sh blocks; both parse (`sh -n`, `bash -n`); command 1 runs
    `apt-get update` before `apt-get install`, calls apt-get only through `$SUDO` (no bare
    `sudo`: root images have none; the block sets SUDO to `sudo` for other users) and installs
    every package of PACKAGES below; it sets up the build directory command 2 tests;
 3. PACKAGES stays true: each package's skip or error message still names it where it is
    raised, and docs/setup.md lists it;
 4. with --build-root (a meson build of this tree): the quick subset the README offers after
    command 2 (`meson test -C build --suite NAME`) names a suite that exists.
Exit status 0 when all hold; otherwise the problems are printed and the status is 1.
"""
import argparse
import json
import os
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SECTION = "## The two commands"

# What `meson test` needs, beyond the build tools, and what happens without it: (package, the
# file that reports its absence, the text there that names the package).
PACKAGES = [
    ("meson", None, None),
    ("ninja-build", None, None),
    ("g++", None, None),
    ("pkg-config", None, None),
    ("libboost-dev", None, None),
    ("doctest-dev", "tests/meson.build", "install doctest-dev"),
    ("python3-numpy", "tools/check_generated.py", "install python3-numpy"),
    ("libmpfr-dev", "tests/meson.build", "install libmpfr-dev"),
    ("libmpfr-dev", "tests/layers/meson.build", "install libmpfr-dev"),
    ("cmake", "tests/consumers/check_build_files.py", "Debian: cmake"),
    ("gcc-arm-none-eabi", "embedded/scripts/embedded.py", "gcc-arm-none-eabi"),
    ("libnewlib-arm-none-eabi", "embedded/scripts/embedded.py", "libnewlib-arm-none-eabi"),
    ("libstdc++-arm-none-eabi-newlib", "embedded/scripts/embedded.py",
     "libstdc++-arm-none-eabi-newlib"),
    ("qemu-system-arm", "embedded/scripts/embedded.py", "qemu-system-arm"),
    ("librsvg2-bin", "tests/svg/check_svg.py", "install librsvg2-bin"),
]


class Error(Exception):
    pass


def extract(readme):
    """The fenced ```sh blocks of the section, each exactly as written (final newline dropped)."""
    start = readme.find("\n" + SECTION + "\n")
    if start < 0:
        raise Error(f"README.md has no section '{SECTION}'")
    end = readme.find("\n## ", start + 1)
    section = readme[start:end if end >= 0 else len(readme)]
    blocks = re.findall(r"^```(\w*)\n(.*?)^```$", section, re.S | re.M)
    commands = [text.rstrip("\n") for lang, text in blocks if lang == "sh"]
    if len(commands) != 2 or len(blocks) != 2:
        raise Error(f"'{SECTION}' has {len(blocks)} fenced blocks, {len(commands)} of them sh; "
                    f"expected exactly two sh blocks (set-up, tests)")
    return commands


def packages_installed(command):
    """The package names given to `apt-get install` in command (options dropped)."""
    m = re.search(r"apt-get install((?:[^&;|]|\\\n)*)", command)
    if not m:
        return []
    return [w for w in m.group(1).replace("\\\n", " ").split() if not w.startswith("-")]


def check_commands(setup, tests):
    """Problems with README's two commands (a list of strings)."""
    problems = []
    for shell in ("sh", "bash"):
        for n, cmd in ((1, setup), (2, tests)):
            proc = subprocess.run([shell, "-n", "-c", cmd], text=True, capture_output=True)
            if proc.returncode != 0:
                problems.append(f"command {n} does not parse in {shell}: {proc.stderr.strip()}")
    if re.search(r"(^|[;&|(`]|\$\()\s*sudo\b", setup, re.M):
        problems.append("command 1 calls sudo directly; root images have no sudo (use $SUDO)")
    calls = re.findall(r"(?:(\S+)[ \t]+|^)apt-get[ \t]+(\w+)", setup, re.M)
    if [c for c in calls if c[0] != "$SUDO"]:
        problems.append(f"command 1 calls apt-get without $SUDO: {calls}")
    if not re.search(r"\bSUDO=\$\(\[ \"\$\(id -u\)\" = 0 \] \|\| echo sudo\)", setup):
        problems.append("command 1 does not set SUDO (empty for root, sudo for others)")
    verbs = [verb for _, verb in calls]
    if "update" not in verbs or "install" not in verbs or verbs.index("update") > verbs.index("install"):
        problems.append(f"command 1 must run apt-get update before apt-get install (has {verbs})")
    installed = packages_installed(setup)
    missing = sorted({p for p, _, _ in PACKAGES} - set(installed))
    if missing:
        problems.append(f"command 1 does not install {missing}: `meson test` would skip or fail")
    unexplained = sorted(set(installed) - {p for p, _, _ in PACKAGES})
    if unexplained:
        problems.append(f"command 1 installs {unexplained}, which no test is known to need "
                        f"(add them to PACKAGES in tools/readme_commands.py and docs/setup.md)")
    m_setup = re.search(r"meson setup (\S+)", setup)
    m_test = re.fullmatch(r"meson test -C (\S+)", tests)
    if not m_setup or not m_test or m_setup.group(1) != m_test.group(1):
        problems.append(f"command 2 ({tests!r}) must be `meson test -C DIR` for the DIR command 1 "
                        f"sets up")
    elif not re.search(rf"meson compile -C {m_setup.group(1)} notebook && "
                       rf"\./{m_setup.group(1)}/examples/notebook$", setup):
        problems.append("command 1 must end by building and running the notebook")
    return problems


def check_packages(root):
    problems = []
    setup_doc = os.path.join(root, "docs", "setup.md")
    doc = open(setup_doc, encoding="utf-8").read() if os.path.exists(setup_doc) else ""
    for package, path, text in PACKAGES:
        if f"`{package}`" not in doc:
            problems.append(f"docs/setup.md does not list `{package}`")
        if path and text not in open(os.path.join(root, path), encoding="utf-8").read():
            problems.append(f"{path} no longer says '{text}': is {package} still needed there?")
    return problems


def check_quick_subset(readme, build_root):
    """The suite README offers as the quick subset exists in the build."""
    section = readme[readme.find("\n" + SECTION + "\n"):]
    section = section[:section.find("\n## ", 1)]
    m = re.search(r"`meson test -C \S+ --suite (\w+)`", section)
    if not m:
        return ["README's section does not offer a quick subset (`meson test -C build --suite X`)"]
    with open(os.path.join(build_root, "meson-info", "intro-tests.json"), encoding="utf-8") as f:
        tests = json.load(f)
    names = [t["name"] for t in tests if any(s.endswith(":" + m.group(1)) for s in t["suite"])]
    return [] if names else [f"the quick subset's suite '{m.group(1)}' has no test"]


def self_check():
    """The extractor on made-up READMEs; returns problems."""
    problems = []
    fake = ("# x\n\n```sh\nnot this\n```\n\n## The two commands\n\nText.\n\n```sh\n"
            "a && \\\n    b\n```\n\nMore `code`.\n\n```sh\nc -C d\n```\n\n## Next\n\n```sh\nnor this\n"
            "```\n")
    try:
        got = extract(fake)
        if got != ["a && \\\n    b", "c -C d"]:
            problems.append(f"self-check: extracted {got} from the made-up README")
    except Error as e:
        problems.append(f"self-check: {e}")
    for what, text in (("no section", fake.replace("The two commands", "Two")),
                       ("a third block", fake.replace("More `code`.", "```sh\ne\n```")),
                       ("a text block", fake.replace("```sh\nc -C d", "```text\nc -C d")),
                       ("one block", fake.replace("```sh\nc -C d\n```", ""))):
        try:
            extract(text)
            problems.append(f"self-check: the extractor accepted a README with {what}")
        except Error:
            pass
    good = ('SUDO=$([ "$(id -u)" = 0 ] || echo sudo); $SUDO apt-get update && $SUDO apt-get '
            'install -y ' + " ".join(sorted({p for p, _, _ in PACKAGES})) +
            ' && meson setup build && meson compile -C build notebook && ./build/examples/notebook')
    if check_commands(good, "meson test -C build"):
        problems.append(f"self-check: good commands rejected: {check_commands(good, 'meson test -C build')}")
    for what, setup, tests in (
            ("bare sudo", good.replace("$SUDO apt-get install", "sudo apt-get install"), None),
            ("no apt-get update", good.replace("$SUDO apt-get update && ", ""), None),
            ("a missing package", good.replace(" libmpfr-dev", ""), None),
            ("an unknown package", good.replace(" cmake", " cmake clang"), None),
            ("another build directory", None, "meson test -C build2"),
            ("a syntax error", good + " &&", None)):
        if not check_commands(setup or good, tests or "meson test -C build"):
            problems.append(f"self-check: the check accepted commands with {what}")
    return problems


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("which", nargs="?", choices=["1", "2"], help="print command 1 or 2")
    ap.add_argument("--readme", default=os.path.join(ROOT, "README.md"))
    ap.add_argument("--check", action="store_true")
    ap.add_argument("--build-root", help="with --check: a meson build of this tree")
    args = ap.parse_args(argv)
    readme = open(args.readme, encoding="utf-8").read()
    if not args.check:
        if not args.which:
            ap.error("give 1, 2 or --check")
        print(extract(readme)[int(args.which) - 1])
        return 0
    problems = self_check()
    try:
        setup, tests = extract(readme)
        problems += check_commands(setup, tests)
    except Error as e:
        problems.append(str(e))
    problems += check_packages(os.path.dirname(os.path.abspath(args.readme)))
    if args.build_root:
        problems += check_quick_subset(readme, args.build_root)
    for p in problems:
        print(p)
    if not problems:
        print(f"README's two commands: found, parse in sh and bash, apt-get update first, no bare "
              f"sudo, {len({p for p, _, _ in PACKAGES})} packages installed (each one's skip "
              f"message and docs/setup.md checked), quick subset present")
    return 1 if problems else 0


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:]))
    except Error as e:
        print(f"readme_commands: {e}", file=sys.stderr)
        sys.exit(1)
