#!/usr/bin/python3
"""Coefficients of ctattn::exp_fast's polynomial (include/ctattn/math.hpp, exp_fast_consts).

    p(r) = 1 + c1 r + c2 r^2 + ... + cn r^n  ~  e^r   on  |r| <= a = ln2/2 (+ margin),

minimising the relative error max |p(r) e^-r - 1| (Remez exchange on the weighted system
r^k e^-r, k = 1..n, which is a Haar system away from r = 0). c0 = 1 is fixed so that
exp_fast(0) == 1 exactly. Each coefficient is then rounded to the target format one at a time,
in increasing order, the remaining ones re-optimised around it (a greedy "fpminimax").
Arithmetic: Python's decimal module at 50 digits; no third-party package.

Usage: /usr/bin/python3 tools/gen_exp_fast_coeffs.py          (prints the C++ constants and,
       for every degree 3..10, the relative error of the real-number polynomial with the
       rounded coefficients: the table quoted in math.hpp)
"""
from decimal import Decimal as D, getcontext
from fractions import Fraction
import math

getcontext().prec = 50
A = D(2).ln() / 2 * (1 + D("1e-6"))  # |r| <= ln2/2 plus the reduction's rounding slack


def solve(mat, rhs):
    n = len(rhs)
    m = [row[:] + [b] for row, b in zip(mat, rhs)]
    for i in range(n):
        p = max(range(i, n), key=lambda r: abs(m[r][i]))
        m[i], m[p] = m[p], m[i]
        for r in range(n):
            if r != i:
                f = m[r][i] / m[i][i]
                m[r] = [x - f * y for x, y in zip(m[r], m[i])]
    return [m[i][n] / m[i][i] for i in range(n)]


def rel_err(coeffs, r):
    s = D(0)
    for c in reversed(coeffs):  # coeffs = [c1..cn]
        s = (s + c) * r
    return (1 + s) * (-r).exp() - 1


def extrema(coeffs, grid_n=2000):
    grid = [A * D(2 * i - grid_n) / grid_n for i in range(grid_n + 1)]
    runs = []
    for x in grid:
        v = rel_err(coeffs, x)
        if v == 0:
            continue
        if not runs or (runs[-1][2] > 0) != (v > 0):
            runs.append([x, x, v])
        elif abs(v) > abs(runs[-1][2]):
            runs[-1][1], runs[-1][2] = x, v
    out = []
    for _, x, _ in runs:  # refine each extremum by ternary search
        lo, hi = max(-A, x - A / grid_n), min(A, x + A / grid_n)
        for _ in range(50):
            m1, m2 = lo + (hi - lo) / 3, hi - (hi - lo) / 3
            if abs(rel_err(coeffs, m1)) < abs(rel_err(coeffs, m2)):
                lo = m1
            else:
                hi = m2
        xm = (lo + hi) / 2
        out.append((xm, rel_err(coeffs, xm)))
    return out


def remez(n, fixed):
    """Best c_{len(fixed)+1..n} given the fixed leading coefficients."""
    m = n - len(fixed)
    pts = sorted(A * D(repr(math.cos(math.pi * (i + 0.5) / (m + 1)))) for i in range(m + 1))
    for _ in range(40):
        mat, rhs = [], []
        for i, x in enumerate(pts):
            ex = (-x).exp()
            mat.append([x ** (len(fixed) + k + 1) * ex for k in range(m)] + [D(-1) ** i])
            head = sum(c * x ** (k + 1) for k, c in enumerate(fixed))
            rhs.append(1 - ex - head * ex)
        sol = solve(mat, rhs)
        coeffs, e = fixed + sol[:m], abs(sol[m])
        ext = extrema(coeffs)
        if len(ext) < m + 1:
            break
        best = max(range(len(ext) - m), key=lambda i: min(abs(v) for _, v in ext[i:i + m + 1]))
        pts = [x for x, _ in ext[best:best + m + 1]]
        if max(abs(v) for _, v in ext) - e <= e * D("1e-10"):
            break
    return coeffs


def round_to(x, digits):
    """x rounded to nearest (ties to even) with `digits` significant bits, as a Fraction."""
    f = Fraction(x)
    e = math.floor(math.log2(abs(f)))
    while Fraction(2) ** e > abs(f):
        e -= 1
    while Fraction(2) ** (e + 1) <= abs(f):
        e += 1
    scale = Fraction(2) ** (digits - 1 - e)
    return Fraction(round(f * scale)) / scale


def fp_minimax(n, digits):
    fixed = []
    for _ in range(n):
        c = remez(n, [D(v.numerator) / D(v.denominator) for v in fixed])[len(fixed)]
        fixed.append(round_to(c, digits))
    return fixed


def max_err(coeffs):
    return max(abs(v) for _, v in extrema([D(c.numerator) / D(c.denominator) for c in coeffs]))


def hexf(fr, suffix):
    mant, exp = float(fr).hex().split("p")  # exact: fr has at most 53 significant bits
    return mant.rstrip("0") + "p" + exp + suffix


if __name__ == "__main__":
    for name, digits, deg, suffix in (("double", 53, 7, ""), ("float", 24, 5, "f")):
        cs = fp_minimax(deg, digits)
        print(f"// {name}, degree {deg}: max |p(r) e^-r - 1| = {float(max_err(cs)):.3e}")
        for k, c in enumerate(cs, 1):
            print(f"  static constexpr {name} c{k} = {hexf(c, suffix)};")
    print("// relative error of the polynomial alone, by degree (coefficients rounded):")
    for deg in range(4, 9):
        e53, e24 = max_err(fp_minimax(deg, 53)), max_err(fp_minimax(deg, 24))
        print(f"//   degree {deg:2}: double 2^{math.log2(e53):6.2f}   float 2^{math.log2(e24):6.2f}")
