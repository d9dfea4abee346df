#!/usr/bin/env python3
"""meson.build, the top-level CMakeLists.txt and the installed CMake package cannot drift apart.

    check_build_files.py SOURCE_ROOT BUILD_ROOT

BUILD_ROOT is a meson build of SOURCE_ROOT (it holds the generated ctattnConfig.cmake and
ctattnConfigVersion.cmake that `meson install` would install). The version has one source,
meson.build's project(): CMakeLists.txt reads it from there and meson.build writes it into the
package. The usage requirements are written twice, in meson.build and in CMake, so this compares
them:
 1. CMake, as CMake sees them: two throw-away CMake projects (each ~0.3 s) print every INTERFACE_*
    property of ctattn::ctattn, one through add_subdirectory(SOURCE_ROOT), one through
    find_package(ctattn) of the generated package in a temporary prefix whose include/ is
    SOURCE_ROOT/include. Both targets must have the same properties (include directories
    compared after resolving symlinks) and the same version, meson's.
 2. Against meson.build (read as text): C++ standard (default_options cpp_std=c++NN against
    cxx_stdNN), the compile flags (the list given to get_supported_arguments for
    ctattn_compile_args against the flags of CMake's $<$<COMPILE_LANG_AND_ID:CXX,GNU,Clang,
    AppleClang>:...>), the include directory as a system include (is_system: true against
    INTERFACE_SYSTEM_INCLUDE_DIRECTORIES), Boost (version: '>=X' against find_package(Boost X)
    in CMakeLists.txt and find_dependency(Boost X) in the package, linked as Boost::headers).
 3. Self-check: the comparison runs again on altered copies of what it read (a flag changed on
    each side, another standard, another Boost version, one more property, another version);
    each must be reported, so this test can fail.
Exit status 0 when everything agrees, 1 otherwise (the differences are printed), 77 (meson's
"skipped") when cmake is not installed (Debian: cmake).
"""
import copy
import os
import re
import shutil
import subprocess
import sys
import tempfile

PROPS = ["INTERFACE_INCLUDE_DIRECTORIES", "INTERFACE_SYSTEM_INCLUDE_DIRECTORIES",
         "INTERFACE_LINK_LIBRARIES", "INTERFACE_COMPILE_FEATURES", "INTERFACE_COMPILE_OPTIONS",
         "INTERFACE_COMPILE_DEFINITIONS", "INTERFACE_LINK_OPTIONS", "INTERFACE_SOURCES",
         "INTERFACE_PRECOMPILE_HEADERS", "INTERFACE_LINK_DEPENDS", "INTERFACE_LINK_DIRECTORIES",
         "INTERFACE_POSITION_INDEPENDENT_CODE"]
GENEX = re.compile(r"^\$<\$<COMPILE_LANG_AND_ID:CXX,GNU,Clang,AppleClang>:(.*)>$")

PROBE = """cmake_minimum_required(VERSION 3.15)
project(probe CXX)
if(FROM_SOURCE)
  add_subdirectory("{source}" ctattn)
else()
  find_package(ctattn CONFIG REQUIRED PATHS "{prefix}" NO_DEFAULT_PATH)
  message(STATUS "ctattn ${{ctattn_VERSION}} installed")
endif()
foreach(p {props})
  get_target_property(v ctattn::ctattn ${{p}})
  message(STATUS "property ${{p}}=${{v}}")
endforeach()
"""


def cmake_target(source, prefix, workdir, from_source):
    """{property: value} of ctattn::ctattn and the version CMake reports, as CMake sees them."""
    src = os.path.join(workdir, "probe-" + ("source" if from_source else "package"))
    os.makedirs(src)
    with open(os.path.join(src, "CMakeLists.txt"), "w", encoding="utf-8") as f:
        f.write(PROBE.format(source=source, prefix=prefix, props=" ".join(PROPS)))
    proc = subprocess.run(["cmake", "-S", src, "-B", os.path.join(src, "build"), "-G", "Ninja",
                           f"-DFROM_SOURCE={'ON' if from_source else 'OFF'}"],
                          text=True, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    if proc.returncode != 0:
        raise SystemExit(f"check_build_files: cmake failed:\n{proc.stdout}")
    props = dict(re.findall(r"^-- property (\w+)=(.*)$", proc.stdout, re.M))
    for p in props:  # (symlinks resolved while the temporary prefix exists)
        if p.endswith("_DIRECTORIES") and not props[p].endswith("-NOTFOUND"):
            props[p] = ";".join(os.path.realpath(d) for d in props[p].split(";"))
    pattern = r"^-- ctattn (\S+) from the source tree" if from_source else r"^-- ctattn (\S+) installed"
    m = re.search(pattern, proc.stdout, re.M)
    return props, (m.group(1) if m else None)


def meson_facts(text):
    """What meson.build says, read as text; None where a pattern is missing."""
    def find(pattern):
        m = re.search(pattern, text, re.S | re.M)
        return m.group(1) if m else None
    project = find(r"^project\((.*?)^\)")
    args = find(r"ctattn_compile_args = cpp\.get_supported_arguments\(([^)]*)\)")
    dep = find(r"ctattn_dep = declare_dependency\((.*?)^\)")
    return {
        "version": re.search(r"version: '([^']+)'", project).group(1) if project else None,
        "std": find(r"'cpp_std=c\+\+(\d+)'"),
        "flags": re.findall(r"'([^']+)'", args) if args is not None else None,
        "boost": find(r"dependency\('boost', version: '>=([0-9.]+)'"),
        "system": bool(dep and re.search(r"include_directories\('include', is_system: true\)", dep)),
    }


def compare(meson, src, inst, cmake_texts, version):
    """Differences between meson's facts, the two CMake targets (props, version) and the Boost
    requests in the CMake files (cmake_texts: {name: text}); [] when everything agrees."""
    errors = []
    (src_props, src_version), (inst_props, inst_version) = src, inst
    for name, value in meson.items():
        if value is None:
            errors.append(f"meson.build: could not read its {name}")
    if version != meson["version"] or src_version != version or inst_version != version:
        errors.append(f"versions: meson {version} (meson.build says {meson['version']}), "
                      f"CMakeLists.txt {src_version}, installed package {inst_version}")
    for p in PROPS:
        if src_props.get(p) != inst_props.get(p):
            errors.append(f"{p}: CMakeLists.txt gives {src_props.get(p)!r}, "
                          f"the installed package {inst_props.get(p)!r}")
    for where, props in (("CMakeLists.txt", src_props), ("installed package", inst_props)):
        if props.get("INTERFACE_COMPILE_FEATURES") != f"cxx_std_{meson['std']}":
            errors.append(f"{where}: compile features {props.get('INTERFACE_COMPILE_FEATURES')!r}, "
                          f"meson.build: cpp_std=c++{meson['std']}")
        m = GENEX.match(props.get("INTERFACE_COMPILE_OPTIONS", ""))
        flags = m.group(1).split(";") if m else None
        if flags != meson["flags"]:
            errors.append(f"{where}: compile options {props.get('INTERFACE_COMPILE_OPTIONS')!r}, "
                          f"meson.build: {meson['flags']} (for GCC and Clang)")
        if props.get("INTERFACE_SYSTEM_INCLUDE_DIRECTORIES") != props.get(
                "INTERFACE_INCLUDE_DIRECTORIES") or not meson["system"]:
            errors.append(f"{where}: the include directory is a system include in one build "
                          f"and not in the other")
        if props.get("INTERFACE_LINK_LIBRARIES") != "Boost::headers":
            errors.append(f"{where}: links {props.get('INTERFACE_LINK_LIBRARIES')!r}, "
                          f"not Boost::headers")
    for name, text in cmake_texts.items():
        found = re.findall(r"find_(?:package|dependency)\(Boost ([0-9.]+)", text)
        if found != [meson["boost"]]:
            errors.append(f"{name}: Boost requested as {found}, meson.build: >={meson['boost']}")
    return errors


def self_check(meson, src, inst, cmake_texts, version):
    """Each alteration must be reported by compare(); returns (the ones that were not, how
    many were tried)."""
    def altered(fn):
        args = copy.deepcopy([meson, [dict(src[0]), src[1]], [dict(inst[0]), inst[1]],
                              dict(cmake_texts), version])
        fn(*args)
        return args
    options = "INTERFACE_COMPILE_OPTIONS"
    cases = {
        "a flag changed in CMakeLists.txt":
            lambda m, s, i, t, v: s[0].update({options: s[0][options].replace("off", "fast")}),
        "a flag changed in the package":
            lambda m, s, i, t, v: i[0].update({options: i[0][options].replace("off", "on")}),
        "a flag added in meson.build": lambda m, s, i, t, v: m["flags"].append("-fno-fast-math"),
        "C++17 in CMakeLists.txt":
            lambda m, s, i, t, v: s[0].update({"INTERFACE_COMPILE_FEATURES": "cxx_std_17"}),
        "C++23 in meson.build": lambda m, s, i, t, v: m.update({"std": "23"}),
        "another Boost in meson.build": lambda m, s, i, t, v: m.update({"boost": "1.75"}),
        "another Boost in CMakeLists.txt": lambda m, s, i, t, v: t.update(
            {k: t[k].replace("Boost 1.", "Boost 2.") for k in t if k == "CMakeLists.txt"}),
        "a definition in CMakeLists.txt":
            lambda m, s, i, t, v: s[0].update({"INTERFACE_COMPILE_DEFINITIONS": "X=1"}),
        "not a system include in meson.build": lambda m, s, i, t, v: m.update({"system": False}),
        "another version in the package": lambda m, s, i, t, v: i.__setitem__(1, "9.9.9"),
    }
    missed = []
    for what, fn in cases.items():
        m, s, i, t, v = altered(fn)
        if not compare(m, tuple(s), tuple(i), t, v):
            missed.append(what)
    return missed, len(cases)


def main(source, build):
    if shutil.which("cmake") is None or shutil.which("ninja") is None:
        print("SKIP: check_build_files needs cmake and ninja (Debian: cmake ninja-build)")
        return 77
    source, build = os.path.abspath(source), os.path.abspath(build)
    read = lambda *p: open(os.path.join(*p), encoding="utf-8").read()
    meson = meson_facts(read(source, "meson.build"))
    version = subprocess.run(["meson", "introspect", "--projectinfo", build], text=True,
                             stdout=subprocess.PIPE, check=True).stdout
    version = re.search(r'"version": "([^"]+)"', version).group(1)
    with tempfile.TemporaryDirectory(prefix="ctattn-build-files-") as tmp:
        # The generated package in a prefix of its own, its include/ the source tree's.
        prefix = os.path.join(tmp, "prefix")
        package_dir = os.path.join(prefix, "share", "cmake", "ctattn")
        os.makedirs(package_dir)
        for f in ("ctattnConfig.cmake", "ctattnConfigVersion.cmake"):
            shutil.copy(os.path.join(build, f), package_dir)
        os.symlink(os.path.join(source, "include"), os.path.join(prefix, "include"))
        src = cmake_target(source, prefix, tmp, from_source=True)
        inst = cmake_target(source, prefix, tmp, from_source=False)
    cmake_texts = {"CMakeLists.txt": read(source, "CMakeLists.txt"),
                   "cmake/ctattnConfig.cmake.in": read(source, "cmake", "ctattnConfig.cmake.in")}
    errors = compare(meson, src, inst, cmake_texts, version)
    missed, tried = self_check(meson, src, inst, cmake_texts, version)
    for e in errors:
        print(e)
    for what in missed:
        print(f"self-check: the comparison did not notice {what}")
    if errors or missed:
        return 1
    print(f"ctattn {version}: meson.build, CMakeLists.txt and the installed package agree: "
          f"C++{meson['std']}, {' '.join(meson['flags'])} (GCC, Clang), system include, "
          f"Boost >= {meson['boost']} ({len(PROPS)} INTERFACE properties compared; "
          f"the {tried} alterations of the self-check were all noticed)")
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    sys.exit(main(sys.argv[1], sys.argv[2]))
