#!/usr/bin/python3
"""Write tests/data/io_cases.hpp: arrays and the exact text numpy prints for them.

For each case the script builds a float64 (or float32) array, asks numpy itself for str(a) or
repr(a) (default print options unless the case sets precision / linewidth), and writes the
array's values as exact hex-float literals next to numpy's text. tests/runtime/test_io.cpp
formats the same values with ctattn/io.hpp and compares the strings.

Covered: positional and scientific notation, negative values, mixed magnitudes (all three
switches to scientific: max >= 1e8, min < 1e-4, max/min > 1e3), exact small decimals (0.5,
0.25, ...), values needing more than 8 fraction digits (rounding, ties to even), zeros and
-0.0, integers, 1-D and 2-D, line wrapping, summarised arrays (> 1000 elements), nan and
inf, float32, other precisions and line widths.

The values are drawn with numpy's Generator and combined with exact or correctly rounded
operations only (scaling by powers of ten goes through pow10()), so a fresh run gives the same
file on any CPU; numpy itself prints the text (that is what the test is about).

Usage: /usr/bin/python3 tools/gen_io_cases.py [OUTPUT]   (default: stdout)
The committed output is tests/data/io_cases.hpp.
"""
import math
import sys

import numpy as np

from genout import emit
from refmath import pow10  # exact 10^k: numpy's power loop depends on the CPU


def cases():
    rng = np.random.default_rng(20261127)
    out = []

    def add(a, kind="str", precision=8, linewidth=75):
        out.append((np.asarray(a), kind, precision, linewidth))

    # Positional: normal values, 1-D and 2-D, positive only and mixed signs.
    for n in (1, 2, 3, 4, 5, 7):
        add(rng.normal(size=n))
    for shape in ((1, 1), (2, 3), (3, 2), (4, 4), (3, 1), (1, 5)):
        add(rng.normal(size=shape))
    add(np.abs(rng.normal(size=6)))
    add(np.abs(rng.normal(size=(3, 3))))
    add(-np.abs(rng.normal(size=4)))
    # Larger magnitudes that stay positional (max < 1e8, max/min <= 1e3).
    add(rng.normal(size=5) * 1e5)
    add(rng.uniform(1e6, 9e7, size=4))
    add(rng.uniform(1e-4, 1e-1, size=(2, 4)) * np.array([1, -1, 1, -1]))
    # Exact small decimals and integers.
    add(np.array([0.5, 0.25, 0.125, 1.0]))
    add(np.array([1.0, 0.5]))
    add(np.array([[0.5, -0.25], [2.0, 0.75]]))
    add(np.array([1.0, 2.0, 3.0]))
    add(np.array([-1.0, 10.0, 100.0]))
    add(np.array([0.1, 0.2, 0.3]))
    add(np.array([0.1 + 0.2, 1.0 / 3.0, 2.0 / 3.0]))
    # Rounding at 8 fraction digits, including exact ties (1/512 = 0.001953125 -> ...12).
    add(np.array([0.001953125, 0.5]))
    add(np.array([0.123456785, 0.987654325, 0.999999999, 1.000000005]))
    add(np.array([0.0009765625, 0.00048828125, 0.5]))
    # Zeros and negative zero.
    add(np.zeros(3))
    add(np.array([0.0, -0.0, 1.5]))
    add(np.array([[-0.0, 0.0], [0.0, 0.0]]))
    add(np.array([0.0, 1e-5]))
    # Scientific: each switch on its own.
    add(np.array([1e8, 1.0]))                        # max >= 1e8
    add(np.array([1.5e8, 2.5e8, 3e8]))
    add(np.array([5e-5, 6e-5]))                      # min < 1e-4
    add(np.array([1.0, 1001.0]))                     # max/min > 1e3
    add(np.array([1.0, 1000.0]))                     # exactly 1e3: positional
    add(np.array([1e-4, 0.05]))                      # exactly 1e-4: positional
    add(rng.normal(size=6) * pow10(rng.integers(-6, 7, size=6)))
    add(rng.normal(size=(3, 4)) * pow10(rng.integers(-12, 13, size=(3, 4))))
    add(rng.normal(size=(2, 2)) * 1e-9)
    add(np.array([1.0, 1e-5]))
    add(np.array([1.5, 1e-5]))
    add(np.array([1e100, -1e-100, 3.0]))             # three-digit exponents
    add(np.array([1e-300, 5e-324, 1.7976931348623157e308]))
    add(np.array([1.24326146e-13, 9.98281489e-01, 1.71851130e-03]))
    add(np.array([[2.0e-12, 0.5], [0.25, 1e-3]]))
    add(-np.abs(rng.normal(size=3)) * np.array([1e-7, 1.0, 1e3]))
    # Mixed magnitudes, positional but wide.
    add(np.array([123456.789, 0.5, -9999.125]))
    # Line wrapping: long 1-D and 2-D rows.
    add(rng.normal(size=20))
    add(rng.normal(size=37) * 100.0)
    add(rng.normal(size=(3, 15)))
    add(rng.normal(size=(2, 12)) * pow10(rng.integers(-7, 7, size=(2, 12))))
    add(rng.normal(size=(12, 2)))
    # Summarised (more than 1000 elements).
    add(rng.normal(size=1001))
    add(rng.normal(size=(40, 30)))
    add(rng.normal(size=(1001, 1)))
    add(rng.normal(size=(2, 600)))
    # nan and inf.
    add(np.array([np.nan, 1.0, -2.5]))
    add(np.array([np.inf, 0.5]))
    add(np.array([-np.inf, 0.5, 1e-7]))
    add(np.array([np.nan, np.inf, -np.inf]))
    add(np.array([[np.nan], [1.25]]))
    # Other print options.
    add(rng.normal(size=5), precision=3)
    add(rng.normal(size=(2, 3)) * 1e-6, precision=4)
    add(np.array([0.5, 1.5, 2.5, 1.7]), precision=0)
    add(rng.normal(size=4), precision=12)
    add(rng.normal(size=12), linewidth=40)
    add(rng.normal(size=(2, 9)), linewidth=30)
    # repr (separator ", ", "array(" indentation).
    add(np.array([0.5, 1.0]), kind="repr")
    add(rng.normal(size=(4, 1)), kind="repr")
    add(rng.normal(size=(3, 3)), kind="repr")
    add(rng.normal(size=25), kind="repr")
    add(rng.normal(size=(2, 3)) * 1e-6, kind="repr")
    # float32 (numpy's float32 shortest digits; repr carries the dtype).
    add(rng.normal(size=4).astype(np.float32))
    add((rng.normal(size=(2, 3)) * 1e-5).astype(np.float32))
    add(np.array([0.1, 0.25, 1e8], dtype=np.float32))
    add(rng.normal(size=3).astype(np.float32), kind="repr")
    add(rng.normal(size=(8, 3)).astype(np.float32), kind="repr")
    # Many random arrays of random shape, sign and magnitude mix.
    for _ in range(80):
        nd = rng.integers(1, 3)
        shape = tuple(int(s) for s in rng.integers(1, 7, size=nd))
        a = rng.normal(size=shape)
        mode = rng.integers(0, 4)
        if mode == 1:
            a = a * pow10(rng.integers(-8, 9))
        elif mode == 2:
            a = a * pow10(rng.integers(-5, 6, size=shape))
        elif mode == 3:
            a = np.round(a * 4) / 4  # exact quarters
        add(a, kind="str" if rng.integers(0, 4) else "repr")
    return out


def c_string(s):
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def literal(v, f32):
    v = float(v)
    suffix = "f" if f32 else ""
    t = "float" if f32 else "double"
    if math.isnan(v):
        return "std::numeric_limits<%s>::quiet_NaN()" % t
    if math.isinf(v):
        return ("-" if v < 0 else "") + "std::numeric_limits<%s>::infinity()" % t
    return v.hex() + suffix


def render():
    values = {False: [], True: []}
    rows = []
    for a, kind, precision, linewidth in cases():
        f32 = a.dtype == np.float32
        with np.printoptions(precision=precision, linewidth=linewidth):
            text = str(a) if kind == "str" else repr(a)
        pool = values[f32]
        offset = len(pool)
        pool.extend(a.flatten().tolist())
        r, c = (a.shape[0], a.shape[1]) if a.ndim == 2 else (1, a.shape[0])
        rows.append("    {%s, %s, %d, %d, %d, %d, %d, %d, %d,\n     %s},"
                    % ("true" if kind == "repr" else "false", "true" if f32 else "false",
                       a.ndim, r, c, precision, linewidth, offset, a.size, c_string(text)))
    out = [
        "// generated by tools/gen_io_cases.py, do not edit.",
        "// Regenerate: /usr/bin/python3 tools/gen_io_cases.py tests/data/io_cases.hpp",
        "// numpy printed every expected string below from the exact values listed.",
        "#ifndef CTATTN_TESTS_DATA_IO_CASES_HPP",
        "#define CTATTN_TESTS_DATA_IO_CASES_HPP",
        "",
        "#include <cstddef>",
        "#include <limits>",
        "",
        "namespace io_data {",
        "",
        "struct io_case {",
        "  bool repr;               // numpy repr(a) instead of str(a)",
        "  bool f32;                // values in values_f32 (dtype float32) instead of values",
        "  int ndim;                // 1 or 2",
        "  std::size_t rows;        // 1 for a 1-D array",
        "  std::size_t cols;        // the length of a 1-D array",
        "  int precision;           // np.printoptions(precision=...)",
        "  std::size_t linewidth;   // np.printoptions(linewidth=...)",
        "  std::size_t offset;      // first value in the pool",
        "  std::size_t count;       // number of values (row-major)",
        "  const char* expected;    // what numpy printed",
        "};",
        "",
    ]
    for f32 in (False, True):
        t = "float" if f32 else "double"
        name = "values_f32" if f32 else "values"
        out.append("inline constexpr %s %s[] = {" % (t, name))
        pool = values[f32]
        for i in range(0, len(pool), 4):
            out.append("    " + " ".join(literal(v, f32) + "," for v in pool[i:i + 4]))
        out.append("};")
        out.append("")
    out.append("inline constexpr io_case cases[] = {")
    out.extend(rows)
    out.append("};")
    out.append("")
    out.append("}  // namespace io_data")
    out.append("")
    out.append("#endif  // CTATTN_TESTS_DATA_IO_CASES_HPP")
    return "\n".join(out) + "\n"


def main(argv):
    emit(render(), argv[1] if len(argv) > 1 else None)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
