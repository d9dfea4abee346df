#!/usr/bin/env python3
"""Install ctattn to a staging directory and build and run a consumer project of each kind.

    run_consumers.py [--cxx g++] [--build-dir DIR] [--stage DIR] [--only STEP,...]

BUILD_DIR (default build-consumers-g++ or -clang++, with + as x) is ctattn's meson build;
STAGE (default a new /tmp/ctattn-consumers-* directory, removed after success, kept after a
failure) holds the install (STAGE/destdir) and the consumer builds (STAGE/consumers).

CI (.ci/run, stage "consumers") runs this once per compiler; by hand:

    python3 tests/consumers/run_consumers.py --cxx clang++

Steps (each consumer builds tests/consumers/app.cpp: the notebook's example proven by
static_assert, then computed at run time and compared bit for bit):
 1. meson setup BUILD_DIR -Dtests=false --prefix /opt/ctattn, then `meson install --destdir
    STAGE/destdir`: what a user or a distribution package gets (no test is configured, so this
    also proves -Dtests=false). The installed file list is checked.
 2. Consumers, each copied to STAGE/consumers/NAME (outside the source tree) with app.cpp:
    (a) meson_pkgconfig   meson, dependency('ctattn') through pkg-config
    (b) meson_subproject  meson, subprojects/ctattn -> the source tree, override_dependency
    (c) cmake             CMake, find_package(ctattn CONFIG REQUIRED), ctattn::ctattn
    (d) plain             the compiler with $(pkg-config --cflags ctattn)
    (e) copy              the compiler with include/ctattn copied into the project
    (a), (c) and (d) see only the staged install: PKG_CONFIG_PATH / PKG_CONFIG_SYSROOT_DIR /
    CMAKE_PREFIX_PATH point into STAGE/destdir, the prefix /opt/ctattn does not exist, and the
    headers each build actually read (ninja's depfile records, the compiler's -MD file) are
    checked to lie in the staged tree and not in the source tree.
 3. -ffp-contract=off travels: it is in every consumer's compile command (GCC needs it for the
    bit identity; the pkg-config file and the CMake target give it to Clang too, harmless).
    Where the compiler can target this CPU with FMA (-march=native defines __FMA__), every
    consumer is built with -O2 -march=native so that a lost flag changes bits, and a negative
    control builds (d) once more with -ffp-contract=fast appended: its run-time bits must differ
    (GCC and Clang), proving that the bit check can fail.
 4. The version: app prints CTATTN_VERSION_STRING from the installed ctattn/version.hpp; it
    must equal meson's project version, `pkg-config --modversion ctattn` and CMake's
    ctattn_VERSION (checked inside consumers/cmake/CMakeLists.txt, with the version file).
 5. From the source tree, nothing installed: a git repository is made of the source tree as it is
    on disk (tracked and untracked, not ignored files; one commit on branch main) and reached by a
    file:// URL that replaces README's https://example.com/ctattn.git (no network):
    (f) cmake_subdirectory  CMake, add_subdirectory(ctattn) of a git clone (as a submodule)
    (g) cmake_fetchcontent  CMake, FetchContent_Declare(GIT_REPOSITORY ...) + MakeAvailable
    (h) meson_wrap          meson, subprojects/ctattn.wrap ([wrap-git]) beside (b)'s meson.build
    Each reads every ctattn header from its own checkout, reports meson's version (CMake's
    "-- ctattn X from the source tree" line, the header's string), and compiles and links
    nothing but app (compile_commands.json, ninja's targets, meson's introspection).
Exit status 0 when everything passes; each failure is printed with the command's output.
"""
import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE_ROOT = os.path.dirname(os.path.dirname(HERE))
PREFIX = "/opt/ctattn"  # baked into the .pc file; absent on the machine, so only the stage works
# README's git URL in the FetchContent and wrap lines, replaced by a local file:// URL.
PLACEHOLDER_URL = "https://example.com/ctattn.git"


class Failure(Exception):
    pass


def run(cmd, cwd=None, env=None, expect_fail=False):
    """Run cmd (a list, or a string for sh -c); return stdout+stderr; raise Failure on error."""
    shell = isinstance(cmd, str)
    proc = subprocess.run(cmd, cwd=cwd, env=env, shell=shell, text=True,
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    shown = cmd if shell else " ".join(cmd)
    if expect_fail:
        if proc.returncode == 0:
            raise Failure(f"expected to fail but passed: {shown}\n{proc.stdout}")
    elif proc.returncode != 0:
        raise Failure(f"exit status {proc.returncode}: {shown} (in {cwd or os.getcwd()})\n"
                      f"{proc.stdout}")
    return proc.stdout


def readme_lines(path):
    """The lines between '# README begin' and '# README end' in a consumer's build file."""
    text = open(path, encoding="utf-8").read()
    m = re.search(r"^# README begin\n(.*?)^# README end$", text, re.S | re.M)
    if not m:
        raise Failure(f"{path}: no README markers")
    return m.group(1)


def make_git_repo(path):
    """A git repository at path holding the source tree's files as they are on disk (tracked and
    untracked ones that .gitignore does not exclude) in one commit on branch main; returns path."""
    listed = run(["git", "-C", SOURCE_ROOT, "ls-files", "-z", "--cached", "--others",
                  "--exclude-standard"]).split("\0")
    files = [f for f in listed if f and os.path.isfile(os.path.join(SOURCE_ROOT, f))]
    if "CMakeLists.txt" not in files or "meson.build" not in files:
        raise Failure(f"git ls-files in {SOURCE_ROOT} lists no CMakeLists.txt or meson.build")
    for f in files:
        os.makedirs(os.path.dirname(os.path.join(path, f)), exist_ok=True)
        shutil.copy2(os.path.join(SOURCE_ROOT, f), os.path.join(path, f))
    git = ["git", "-C", path, "-c", "user.name=ctattn consumers", "-c",
           "user.email=consumers@ctattn.invalid", "-c", "commit.gpgsign=false"]
    run(git[:3] + ["init", "-q", "-b", "main"])
    run(git + ["add", "-A"])
    run(git + ["commit", "-q", "-m", "source tree for the consumer tests"])
    return path


def meson_version():
    out = run(["meson", "introspect", "--projectinfo", os.path.join(SOURCE_ROOT, "meson.build")])
    return json.loads(out)["version"]


def check_version_line(out, version, what):
    m = re.search(r"^ctattn (\S+): notebook example, run time == compile time bit for bit$",
                  out, re.M)
    if not m:
        raise Failure(f"{what}: unexpected output:\n{out}")
    if m.group(1) != version:
        raise Failure(f"{what}: the header says version {m.group(1)}, meson says {version}")


def header_paths(paths, base):
    """ctattn's headers among paths (relative ones taken from base), symlinks resolved."""
    return [os.path.realpath(os.path.join(base, p)) for p in paths
            if "ctattn/" in p and p.endswith(".hpp")]


def check_headers_from(paths, base, allowed_root, what):
    """Every ctattn header read lies under allowed_root (and, unless that is the source tree's
    include/, none in the source tree)."""
    headers = header_paths(paths, base)
    if not headers:
        raise Failure(f"{what}: no ctattn header in the dependency list")
    allowed = os.path.realpath(allowed_root) + os.sep
    src_include = os.path.realpath(os.path.join(SOURCE_ROOT, "include")) + os.sep
    bad = [h for h in headers if not h.startswith(allowed) or
           (h.startswith(src_include) and allowed != src_include)]
    if bad:
        raise Failure(f"{what}: headers read from outside {allowed_root}: {bad[:5]}")
    return len(headers)


def ninja_deps(build_dir):
    out = run(["ninja", "-C", build_dir, "-t", "deps"])
    return [line.strip() for line in out.splitlines() if line.startswith("    ")]


def compile_command(build_dir, source_name="app.cpp"):
    with open(os.path.join(build_dir, "compile_commands.json"), encoding="utf-8") as f:
        entries = json.load(f)
    for e in entries:
        if os.path.basename(e["file"]) == source_name:
            return e.get("command") or " ".join(e["arguments"])
    raise Failure(f"{build_dir}: {source_name} not in compile_commands.json")


def require_flag(command, flag, what):
    if flag not in command.split():
        raise Failure(f"{what}: {flag} missing from the compile command:\n{command}")


def has_fma(cxx):
    try:
        out = run([cxx, "-march=native", "-dM", "-E", "-x", "c++", "/dev/null"])
    except Failure:
        return False
    return "#define __FMA__ 1" in out


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--cxx", default="g++")
    ap.add_argument("--build-dir", help="ctattn's build (wiped); default build-consumers-CXX")
    ap.add_argument("--stage", help="install and consumer builds (wiped); default: a new "
                    "directory under /tmp, removed when everything passes")
    ap.add_argument("--only", help="comma-separated steps to run (default: all; the install "
                    "always runs), e.g. cmake_fetchcontent,meson_wrap")
    args = ap.parse_args(argv)
    only = set(args.only.split(",")) if args.only else None
    cxx = args.cxx
    build_dir = os.path.abspath(args.build_dir or os.path.join(
        SOURCE_ROOT, "build-consumers-" + os.path.basename(cxx).replace("+", "x")))
    # Outside the source tree: the subproject consumer holds a symlink to the source root.
    stage = os.path.abspath(args.stage or tempfile.mkdtemp(prefix="ctattn-consumers-"))
    destdir = os.path.join(stage, "destdir")
    prefix = destdir + PREFIX
    consumers = os.path.join(stage, "consumers")
    if os.path.exists(PREFIX):
        raise Failure(f"{PREFIX} exists on this machine: the test could not tell it from the stage")

    env = dict(os.environ, CXX=cxx)
    for var in ("PKG_CONFIG_PATH", "PKG_CONFIG_LIBDIR", "PKG_CONFIG_SYSROOT_DIR", "CMAKE_PREFIX_PATH",
                "CXXFLAGS", "CPPFLAGS", "CPATH", "CPLUS_INCLUDE_PATH"):
        env.pop(var, None)
    pc_env = dict(env, PKG_CONFIG_PATH=os.path.join(prefix, "share", "pkgconfig"),
                  PKG_CONFIG_SYSROOT_DIR=destdir)
    version = meson_version()
    fma = has_fma(cxx)
    opt_flags = ["-O2", "-march=native"] if fma else []
    results = []

    def step(name, fn):
        if only is not None and name != "install" and name not in only:
            return
        start = time.monotonic()
        detail = fn()
        results.append(f"consumers: {name:<18} ok  {time.monotonic() - start:5.1f} s  {detail}")
        print(results[-1], flush=True)

    # --- 1. install to the stage ---------------------------------------------------------------
    def install():
        for d in (build_dir, stage):
            shutil.rmtree(d, ignore_errors=True)
        run(["meson", "setup", build_dir, SOURCE_ROOT, "-Dtests=false", f"--prefix={PREFIX}"], env=env)
        tests = json.loads(run(["meson", "introspect", build_dir, "--tests"]))
        if tests:
            raise Failure(f"-Dtests=false still registered tests: {[t['name'] for t in tests]}")
        run(["meson", "install", "-C", build_dir, "--destdir", destdir, "--quiet"], env=env)
        installed = sorted(os.path.relpath(os.path.join(r, f), prefix)
                           for r, _, fs in os.walk(destdir) for f in fs)
        expected = ["share/pkgconfig/ctattn.pc", "share/cmake/ctattn/ctattnConfig.cmake",
                    "share/cmake/ctattn/ctattnConfigVersion.cmake", "include/ctattn/ctattn.hpp",
                    "include/ctattn/version.hpp", "include/ctattn/detail/fp.hpp"]
        missing = [e for e in expected if e not in installed]
        stray = [i for i in installed if not (i.startswith("include/ctattn/") or i in expected)]
        if missing or stray:
            raise Failure(f"installed files: missing {missing}, unexpected {stray}")
        modversion = run(["pkg-config", "--modversion", "ctattn"], env=pc_env).strip()
        if modversion != version:
            raise Failure(f"pkg-config --modversion ctattn is {modversion}, meson says {version}")
        return f"{len(installed)} files under {prefix}, version {version}"

    step("install", install)

    def copy_consumer(name):
        dst = os.path.join(consumers, name)
        shutil.copytree(os.path.join(HERE, name), dst)
        shutil.copy(os.path.join(HERE, "app.cpp"), dst)
        return dst

    # --- 2a. meson + pkg-config -------------------------------------------------------------------
    def meson_consumer(name, setup_extra, env_used, headers_root):
        """headers_root: where the headers read must lie."""
        src = copy_consumer(name)
        if name == "meson_subproject":
            os.makedirs(os.path.join(src, "subprojects"))
            os.symlink(SOURCE_ROOT, os.path.join(src, "subprojects", "ctattn"))
        bdir = os.path.join(src, "build")
        opts = [f"-Dcpp_args={' '.join(opt_flags)}", "-Doptimization=2"] if opt_flags else []
        run(["meson", "setup", bdir, src] + opts + setup_extra, env=env_used)
        run(["meson", "compile", "-C", bdir], env=env_used)
        command = compile_command(bdir)
        require_flag(command, "-ffp-contract=off", name)
        n = check_headers_from(ninja_deps(bdir), bdir, headers_root, name)
        check_version_line(run([os.path.join(bdir, "app")]), version, name)
        return bdir, command, n

    def meson_pkgconfig():
        _, command, n = meson_consumer("meson_pkgconfig", ["--wrap-mode=nofallback"], pc_env, prefix)
        include = "-I" + os.path.join(prefix, "include")
        if include not in command.split() and "-isystem" + os.path.join(prefix, "include") not in command:
            raise Failure(f"meson_pkgconfig: the staged include directory is not in\n{command}")
        return f"{n} headers from the stage"

    step("meson_pkgconfig", meson_pkgconfig)

    # --- 2b. meson subproject ---------------------------------------------------------------------
    def meson_subproject():
        # (meson resolves the symlink: the headers are read from the source tree's include/)
        bdir, command, n = meson_consumer("meson_subproject", ["--force-fallback-for=ctattn"], env,
                                          os.path.join(SOURCE_ROOT, "include"))
        targets = [t["name"] for t in json.loads(run(["meson", "introspect", bdir, "--targets"]))]
        tests = [t["name"] for t in json.loads(run(["meson", "introspect", bdir, "--tests"]))]
        if targets != ["app"] or tests:
            raise Failure(f"meson_subproject: ctattn as a subproject configured targets {targets} "
                          f"and tests {tests}; only the consumer's 'app' was expected")
        if "-isystem" not in command:
            raise Failure(f"meson_subproject: ctattn's include directory is not a system include:\n"
                          f"{command}")
        return f"{n} headers from the subproject; no ctattn target or test configured"

    step("meson_subproject", meson_subproject)

    # --- 2c. CMake ----------------------------------------------------------------------------------
    def cmake_build(name, src, extra, headers_root):
        """Configure and build the CMake consumer in src; return (configure output, headers)."""
        bdir = os.path.join(src, "build")
        cmake_env = dict(env)
        cmake_env.pop("CXX")
        cfg = ["cmake", "-S", src, "-B", bdir, "-G", "Ninja", f"-DCMAKE_CXX_COMPILER={cxx}",
               "-DCMAKE_EXPORT_COMPILE_COMMANDS=ON", "-DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF"] + extra
        if opt_flags:
            cfg.append(f"-DCMAKE_CXX_FLAGS={' '.join(opt_flags)}")
        out = run(cfg, env=cmake_env)
        run(["cmake", "--build", bdir], env=cmake_env)
        command = compile_command(bdir)
        require_flag(command, "-ffp-contract=off", name)
        if not re.search(r"-std=(gnu|c)\+\+(20|2a)", command):
            raise Failure(f"{name}: no C++20 flag in the compile command:\n{command}")
        n = check_headers_from(ninja_deps(bdir), bdir, headers_root, name)
        check_version_line(run([os.path.join(bdir, "app")]), version, name)
        return out, bdir, n

    def cmake_consumer():
        src = copy_consumer("cmake")
        out, _, n = cmake_build("cmake", src, [f"-DCMAKE_PREFIX_PATH={prefix}",
                                               f"-DEXPECTED_CTATTN_VERSION={version}"], prefix)
        m = re.search(r"^-- ctattn (\S+) found in (.*)$", out, re.M)
        if not m or not os.path.normpath(m.group(2)).startswith(prefix + os.sep):
            raise Failure(f"cmake: ctattn was not found in the stage:\n{out}")
        return f"{n} headers from the stage"

    step("cmake", cmake_consumer)

    # --- 2d. plain compiler + pkg-config, with the negative control ---------------------------------
    def compiler_line(name):
        line = readme_lines(os.path.join(HERE, name, "build.sh")).strip()
        if not line.startswith("g++ "):
            raise Failure(f"{name}/build.sh: the README line does not start with g++")
        return cxx + line[len("g++"):]

    def plain():
        src = copy_consumer("plain")
        line = compiler_line("plain")
        cflags = run(["pkg-config", "--cflags", "ctattn"], env=pc_env).split()
        require_flag(" ".join(cflags), "-ffp-contract=off", "plain")
        run(line, cwd=src, env=pc_env)
        check_version_line(run([os.path.join(src, "app")]), version, "plain")
        # The same line with -MD (the headers read), optimised for this CPU where it has FMA.
        run(f"{line} -MD -MF app.d {' '.join(opt_flags)}", cwd=src, env=pc_env)
        deps = open(os.path.join(src, "app.d"), encoding="utf-8").read().replace("\\\n", " ").split()
        n = check_headers_from(deps, src, prefix, "plain")
        check_version_line(run([os.path.join(src, "app")]), version, "plain -O2 -march=native")
        detail = f"{n} headers from the stage"
        if fma:
            run(f"{line} -O2 -march=native -ffp-contract=fast -o app_contracted", cwd=src, env=pc_env)
            # (Clang too: its headers' pragma overrides -ffp-contract=on, not fast; README)
            run([os.path.join(src, "app_contracted")], expect_fail=True)
            detail += "; negative control: -ffp-contract=fast changes the bits"
        else:
            detail += "; no FMA on this CPU: negative control skipped"
        return detail

    step("plain", plain)

    # --- 2e. copy include/ --------------------------------------------------------------------------
    def copy():
        src = copy_consumer("copy")
        shutil.copytree(os.path.join(SOURCE_ROOT, "include", "ctattn"),
                        os.path.join(src, "include", "ctattn"))
        line = compiler_line("copy")
        run(f"{line} -MD -MF app.d {' '.join(opt_flags)}", cwd=src, env=env)
        deps = open(os.path.join(src, "app.d"), encoding="utf-8").read().replace("\\\n", " ").split()
        n = check_headers_from(deps, src, os.path.join(src, "include"), "copy")
        check_version_line(run([os.path.join(src, "app")]), version, "copy")
        return f"{n} headers from the copy"

    step("copy", copy)

    # --- 3. from the source tree, no install: CMake add_subdirectory and FetchContent, meson wrap --
    # Each takes ctattn from a git repository of the current source tree (tracked and untracked,
    # not ignored files, as they are on disk), reached by a file:// URL: no network.
    repo_url = "file://" + make_git_repo(os.path.join(stage, "ctattn-git"))

    def with_url(path, placeholder_count=1):
        """The file's text with README's placeholder URL replaced by the local repository's."""
        text = open(path, encoding="utf-8").read()
        if text.count(PLACEHOLDER_URL) != placeholder_count:
            raise Failure(f"{path}: expected {PLACEHOLDER_URL} {placeholder_count} time(s)")
        return text.replace(PLACEHOLDER_URL, repo_url)

    def source_tree_cmake(name, src, headers_root):
        out, bdir, n = cmake_build(name, src, [], headers_root)
        m = re.search(r"^-- ctattn (\S+) from the source tree (.*)$", out, re.M)
        if not m or m.group(1) != version:
            raise Failure(f"{name}: no 'ctattn {version} from the source tree' line:\n{out}")
        # Nothing of ctattn is compiled: app.cpp is the only translation unit, app the only
        # program or library in the build.
        with open(os.path.join(bdir, "compile_commands.json"), encoding="utf-8") as f:
            units = [os.path.basename(e["file"]) for e in json.load(f)]
        built = [line.split(":")[0] for line in run(["ninja", "-C", bdir, "-t", "targets", "all"])
                 .splitlines() if re.search(r": (CXX_EXECUTABLE|CXX_STATIC|CXX_SHARED)", line)]
        if units != ["app.cpp"] or built != ["app"]:
            raise Failure(f"{name}: compiled {units} and linked {built}; only app was expected")
        return f"{n} headers from {os.path.relpath(headers_root, src)}; only app built"

    def cmake_subdirectory():
        src = copy_consumer("cmake_subdirectory")
        run(["git", "clone", "-q", repo_url, os.path.join(src, "ctattn")])  # as a submodule would
        return source_tree_cmake("cmake_subdirectory", src, os.path.join(src, "ctattn", "include"))

    step("cmake_subdirectory", cmake_subdirectory)

    def cmake_fetchcontent():
        src = copy_consumer("cmake_fetchcontent")
        lists = os.path.join(src, "CMakeLists.txt")
        text = with_url(lists)
        with open(lists, "w", encoding="utf-8") as f:
            f.write(text)
        return source_tree_cmake("cmake_fetchcontent", src,
                                 os.path.join(src, "build", "_deps", "ctattn-src", "include"))

    step("cmake_fetchcontent", cmake_fetchcontent)

    def meson_wrap():
        # README's wrap file in subprojects/ beside meson_subproject's meson.build.
        src = os.path.join(consumers, "meson_wrap")
        os.makedirs(os.path.join(src, "subprojects"))
        shutil.copy(os.path.join(HERE, "meson_subproject", "meson.build"), src)
        shutil.copy(os.path.join(HERE, "app.cpp"), src)
        wrap = os.path.join(src, "subprojects", "ctattn.wrap")
        with open(wrap, "w", encoding="utf-8") as f:
            f.write(with_url(os.path.join(HERE, "meson_wrap", "subprojects", "ctattn.wrap")))
        bdir = os.path.join(src, "build")
        opts = [f"-Dcpp_args={' '.join(opt_flags)}", "-Doptimization=2"] if opt_flags else []
        run(["meson", "setup", bdir, src, "--force-fallback-for=ctattn"] + opts, env=env)
        run(["meson", "compile", "-C", bdir], env=env)
        require_flag(compile_command(bdir), "-ffp-contract=off", "meson_wrap")
        n = check_headers_from(ninja_deps(bdir), bdir,
                               os.path.join(src, "subprojects", "ctattn", "include"), "meson_wrap")
        check_version_line(run([os.path.join(bdir, "app")]), version, "meson_wrap")
        targets = [t["name"] for t in json.loads(run(["meson", "introspect", bdir, "--targets"]))]
        if targets != ["app"]:
            raise Failure(f"meson_wrap: targets {targets}; only the consumer's 'app' was expected")
        return f"{n} headers from the wrap's git checkout"

    step("meson_wrap", meson_wrap)
    flags = " ".join(opt_flags) if opt_flags else "default flags (no FMA on this CPU)"
    print(f"consumers: all passed with {cxx} ({flags})")
    if not args.stage:
        shutil.rmtree(stage)
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:]))
    except Failure as e:
        print(f"consumers: FAILED: {e}", file=sys.stderr)
        sys.exit(1)
