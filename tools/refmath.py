"""CPU-independent float64 arithmetic for the reference generators in tools/.

numpy's `@` / np.dot go to whatever BLAS is installed (kernels chosen by the CPU: other
summation orders, FMA), and np.exp / np.power to SIMD loops chosen at run time (AVX-512 or not):
their last bits differ between machines, so a generator that uses them cannot be re-run and
compared byte for byte on another CPU. These helpers fix the evaluation order instead:

  mm(a, b, bias)  every entry sum_k a[i,k] b[k,j] (+ bias[i]) computed exactly (fractions) and
                  rounded once to float64 (round to nearest even)
  exp_cr(x)       e^x from a 60-digit decimal value (Python's decimal module, correctly rounded
                  to 60 digits), then rounded to float64
  pow10(k)        10^k for integer k, exact then rounded once
  softmax_col(s)  z = s - max(s) (rounded), e = exp_cr(z), total = math.fsum(e) (correctly
                  rounded sum), weight = e / total (rounded)

All of it is pure Python integer / decimal arithmetic plus IEEE-754 float64 operations, which are
correctly rounded on every CPU.
"""

from decimal import Context, Decimal
from fractions import Fraction
import math

import numpy as np

_CTX = Context(prec=60)


def exp_cr(x):
    """e^x rounded to float64 via a 60-digit decimal value (no libm, no SIMD)."""
    return float(Decimal(float(x)).exp(_CTX))


def pow10(k):
    """10.0 ** k for an integer or integer array k, each exact and then rounded once."""
    k = np.asarray(k)
    return np.array([float(Fraction(10) ** int(e)) for e in k.reshape(-1)]).reshape(k.shape)


def mm(a, b, bias=None):
    """a @ b (+ bias 1^T) as float64: each entry exact, then rounded once."""
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    if bias is not None:
        bias = np.asarray(bias, dtype=np.float64).reshape(-1)
    fa = [[Fraction(float(v)) for v in row] for row in a]
    fb = [[Fraction(float(v)) for v in row] for row in b]
    out = np.empty((a.shape[0], b.shape[1]))
    for i in range(a.shape[0]):
        for j in range(b.shape[1]):
            acc = Fraction(float(bias[i])) if bias is not None else Fraction(0)
            for k in range(a.shape[1]):
                acc += fa[i][k] * fb[k][j]
            out[i, j] = float(acc)
    return out


def softmax_col(s):
    """The softmax of the float64 values s (a list), in the order documented above."""
    top = max(s)
    e = [exp_cr(v - top) for v in s]
    total = math.fsum(e)
    return [v / total for v in e]
