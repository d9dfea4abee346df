#!/usr/bin/python3
"""Writes tests/static/static_math_values.hpp: e^x and sqrt(x) for chosen float and double x,
computed independently of ctattn (Python's decimal module at 90 digits, integer square roots)
and rounded exactly to the target format (subnormals included).

For e^x it records the two neighbours that bracket the exact value (`down` <= e^x <= `up`) and
the correctly rounded one (`nearest`): ctattn::exp promises an error below 1 ulp, i.e. a result
that is `down` or `up` (a "faithful" rounding); ctattn::sqrt promises the correctly rounded root.

Usage: /usr/bin/python3 tests/static/gen_static_math_values.py tests/static/static_math_values.hpp
(without an argument it prints to standard output). The test generated_static_math_values checks
that the committed file equals a fresh run.
"""
from decimal import Decimal, getcontext
from fractions import Fraction
import math
import struct
import sys

getcontext().prec = 90

FORMATS = {  # name: (precision p, smallest normal exponent, largest exponent, literal suffix)
    "double": (53, -1022, 1023, ""),
    "float": (24, -126, 127, "f"),
}


def to_format(v, fmt):
    """v (a Python float) rounded to the format: float32 through struct (round to nearest)."""
    if fmt == "float":
        return struct.unpack("f", struct.pack("f", v))[0]
    return v


def bracket(v, fmt):
    """(down, up) neighbours of the positive Fraction v in the format, and v's position
    between them in units of the spacing (to check that the 90-digit value decides them)."""
    p, emin, emax, _ = FORMATS[fmt]
    e = v.numerator.bit_length() - v.denominator.bit_length()
    while Fraction(2) ** e > v:
        e -= 1
    while Fraction(2) ** (e + 1) <= v:
        e += 1
    assert e <= emax, "overflow"
    q = Fraction(2) ** (max(e, emin) - p + 1)
    n = math.floor(v / q)
    frac = v / q - n
    return n * q, (n + 1) * q if frac else n * q, frac, q


def hexlit(fr, fmt):
    if fr == 0:
        return "0.0" + FORMATS[fmt][3]
    mant, exp = float(fr).hex().split("p")  # exact: fr is representable in double
    mant = mant.rstrip("0").rstrip(".")
    return f"{mant}p{exp}{FORMATS[fmt][3]}"


def exp_case(x, fmt):
    if x == 0:
        one = Fraction(1)
        return (x, one, one, one)
    if abs(x) < 2.0 ** -10:  # 1 + x + ... beyond 90 digits: the exact series, 30 terms
        fx, term, ex = Fraction(x), Fraction(1), Fraction(0)
        for n in range(1, 31):
            ex += term
            term = term * fx / n
        err = abs(fx) ** 30  # > the remainder x^30/30! + ...
    else:
        ex = Fraction(Decimal(x).exp())  # Decimal(float) is exact; error < 10^-88 relative
        err = ex / 10 ** 85
    down, up, frac, q = bracket(ex, fmt)
    margin = err / q  # the computed value's error in units of the spacing
    assert margin < frac < 1 - margin and abs(frac - Fraction(1, 2)) > margin, (x, fmt)
    nearest = down if frac < Fraction(1, 2) else up
    return (x, down, nearest, up)


def sqrt_case(x, fmt):
    p, emin, _, _ = FORMATS[fmt]
    fx = Fraction(x)
    if fx == 0:
        return (x, fx)
    k = 700  # sqrt(fx) = sqrt(fx 4^k) / 2^k: an integer root of >= 160 bits
    n = fx * Fraction(4) ** k
    assert n.denominator == 1
    r = math.isqrt(n.numerator)
    exact = r * r == n.numerator
    v = Fraction(r, 2 ** k) + (0 if exact else Fraction(1, 2 ** (k + 1)))
    down, up, frac, _ = bracket(v, fmt)
    if frac == 0:
        return (x, down)
    assert frac != Fraction(1, 2)
    return (x, down if frac < Fraction(1, 2) else up)


EXP_INPUTS = {
    "double": [0.0, 1.0, -1.0, 0.5, -0.5, 2.0, 0.1, -0.1, 1e-3, -1e-3, 1e-10, -1e-10, 1e-300,
               -1e-300, 5e-324, 3.5, -3.5, 10.0, -10.0, 20.0, 50.0, -50.0, 100.0, -100.0,
               0.6931471805599453, -0.6931471805599453, 0.34657359027997264,
               0.3465735902799727, 1.0397207708399179, 300.0, -300.0, 700.0, 709.0,
               709.782712893384, -700.0, -708.0, -708.3964185322641, -708.4, -710.0, -720.0,
               -740.0, -745.0, -745.1332191019411, float.fromhex("0x1.62e42fefa39efp+9"),
               float.fromhex("-0x1.74910d52d3051p+9"), 3.141592653589793, -2.718281828459045,
               12.345678, -0.000123456],
    "float": [0.0, 1.0, -1.0, 0.5, -0.5, 2.0, 0.1, -0.1, 1e-3, -1e-3, 1e-7, -1e-7, 1e-30,
              -1e-30, 3.5, -3.5, 10.0, -10.0, 20.0, 50.0, -50.0, 80.0, 88.0, 88.5, -80.0,
              -87.0, -87.33654, -87.4, -90.0, -100.0, -103.0, -103.9,
              0.6931471805599453, -0.6931471805599453, 0.3465735902799727,
              float.fromhex("0x1.62e42ep+6"), float.fromhex("-0x1.9fe368p+6"),
              3.141592653589793, 12.345678, -0.000123456],
}
SQRT_INPUTS = {
    "double": [0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 0.5, 0.1, 10.0, 1e10, 1e-10, 1e300, 1e-300,
               5e-324, 1e-320, 2.2250738585072014e-308, 2.225073858507201e-308,
               1.7976931348623157e308, float.fromhex("0x1.fffffffffffffp+0"),
               float.fromhex("0x1.0000000000001p+0"), 24.999999999999996, 12345.678],
    "float": [0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 0.5, 0.1, 10.0, 1e10, 1e-10, 1e30, 1e-30,
              float.fromhex("0x1p-149"), float.fromhex("0x1p-148"), float.fromhex("0x1.8p-140"),
              float.fromhex("0x1p-126"), float.fromhex("0x1.fffffcp-127"),
              float.fromhex("0x1.fffffep+127"), float.fromhex("0x1.fffffep+0"),
              float.fromhex("0x1.8ffffep+4"), float.fromhex("0x1.002d46p+0"), 12345.678],
}


def main():
    out = ["// Generated by tests/static/gen_static_math_values.py -- do not edit.",
           "// e^x and sqrt(x) from Python's decimal module (90 digits) and integer square",
           "// roots, rounded exactly to the format: independent of ctattn.",
           "#ifndef CTATTN_TESTS_STATIC_MATH_VALUES_HPP",
           "#define CTATTN_TESTS_STATIC_MATH_VALUES_HPP",
           "",
           "namespace math_values {",
           "",
           "// down <= e^x <= up are the neighbours around e^x; nearest is e^x correctly rounded.",
           "template <class F>",
           "struct exp_case {",
           "  F x, down, nearest, up;",
           "};",
           "template <class F>",
           "struct sqrt_case {",
           "  F x, root;  // root = sqrt(x) correctly rounded",
           "};",
           ""]
    for fmt in ("double", "float"):
        out.append(f"inline constexpr exp_case<{fmt}> exp_{fmt}[] = {{")
        for x in EXP_INPUTS[fmt]:
            xs = to_format(x, fmt)
            c = exp_case(xs, fmt)
            out.append("    {" + ", ".join(hexlit(Fraction(v), fmt) for v in c) + "},")
        out.append("};")
        out.append(f"inline constexpr sqrt_case<{fmt}> sqrt_{fmt}[] = {{")
        for x in SQRT_INPUTS[fmt]:
            xs = to_format(x, fmt)
            c = sqrt_case(xs, fmt)
            out.append("    {" + ", ".join(hexlit(Fraction(v), fmt) for v in c) + "},")
        out.append("};")
        out.append("")
    out += ["}  // namespace math_values", "", "#endif  // CTATTN_TESTS_STATIC_MATH_VALUES_HPP"]
    text = "\n".join(out) + "\n"
    if len(sys.argv) > 1:
        with open(sys.argv[1], "w", encoding="ascii") as f:
            f.write(text)
    else:
        sys.stdout.write(text)


if __name__ == "__main__":
    main()
