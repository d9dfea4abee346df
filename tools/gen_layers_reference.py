#!/usr/bin/python3
"""Reference values for ctattn's layers (ctattn/layers.hpp), computed independently with numpy.

Usage: /usr/bin/python3 tools/gen_layers_reference.py [OUT]
Writes tests/data/layers_reference.hpp, or OUT when given (tools/check_generated.py uses that to
check that the committed file is current). Values are written as exact hexadecimal literals.

Conventions (the book, "Understanding Deep Learning" ch. 12; tokens are columns, X is D x N):
  linear      Y = beta 1^T + Omega X                 (exact rational arithmetic, rounded once)
  relu        max(x, 0)
  gelu        0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))      (float64 as written, math.tanh)
  gelu_erf    0.5 x (1 + erf(x / sqrt 2))                          (Python's math.erf)
  layer_norm  per column: (x - mean) / sqrt(var + eps) * gamma + beta, var biased (divide by D),
              eps = 1e-5; column 2 of the input is constant (0.75): the output there is beta
  position    PE[2i, n] = sin(n w_i), PE[2i+1, n] = cos(n w_i), w_i = 10000^(-2i/D), evaluated in
              numpy long double (x87 80-bit: 64-bit significand) and rounded to double; odd D
              ends with a sine row
  learned     X + P
Python's math functions (glibc) are used element by element rather than numpy's SIMD loops, whose
last bits depend on the CPU, so that a fresh run reproduces the file on any x86-64 machine. The
float64 references round differently from ctattn (other summation, tanh and erf), so the tests
compare with tolerances; the position encoding's long-double values are within
~1e-18 relative of the exact ones for the small sizes here.
"""

import math
import os
import sys
from fractions import Fraction

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tools"))
from genout import emit  # noqa: E402

rng = np.random.default_rng(20261127 + 10)


def normal(*shape):
    return rng.standard_normal(shape)


def lit(v):
    return float(v).hex()


def cxx_matrix(name, a):
    a = np.asarray(a, dtype=np.float64)
    if a.ndim == 1:
        a = a.reshape(-1, 1)
    vals = [lit(v) for v in a.reshape(-1)]
    body = ",\n    ".join(", ".join(vals[i:i + 4]) for i in range(0, len(vals), 4))
    return "inline constexpr ctattn::matrix<double, %d, %d> %s{\n    %s};\n" % (
        a.shape[0], a.shape[1], name, body)


def case(name, comment, items):
    text = "// %s\nnamespace %s {\n" % (comment, name)
    for item in items:
        text += item
    return text + "}  // namespace %s\n" % name


def gelu_tanh(x):
    c = math.sqrt(2.0 / math.pi)
    return np.array([0.5 * v * (1.0 + math.tanh(c * (v + 0.044715 * v ** 3))) for v in x.reshape(-1)]
                    ).reshape(x.shape)


def linear(omega, x, beta):
    """beta 1^T + omega x, each element exact (fractions) and then rounded once to float64."""
    y = np.zeros((omega.shape[0], x.shape[1]))
    for i in range(omega.shape[0]):
        for n in range(x.shape[1]):
            acc = Fraction(beta[i])
            for k in range(omega.shape[1]):
                acc += Fraction(omega[i, k]) * Fraction(x[k, n])
            y[i, n] = float(acc)
    return y


def gelu_erf(x):
    return np.array([0.5 * v * (1.0 + math.erf(v / math.sqrt(2.0))) for v in x.reshape(-1)]
                    ).reshape(x.shape)


def layer_norm(x, gamma, beta, eps=1e-5):
    mu = x.mean(axis=0, keepdims=True)
    var = x.var(axis=0, keepdims=True)  # biased: divides by D
    return (x - mu) / np.sqrt(var + eps) * gamma.reshape(-1, 1) + beta.reshape(-1, 1)


def position_encoding(d, n):
    pe = np.zeros((d, n), dtype=np.longdouble)
    pos = np.arange(n, dtype=np.longdouble)
    for r in range(0, d, 2):
        w = np.longdouble(10000) ** (-np.longdouble(r) / np.longdouble(d))
        pe[r, :] = np.sin(pos * w)
        if r + 1 < d:
            pe[r + 1, :] = np.cos(pos * w)
    return pe.astype(np.float64)


def main():
    sections = []

    # linear D_in = 5 -> D_out = 3, N = 6
    x = normal(5, 6)
    omega, beta = normal(3, 5), normal(3)
    y = linear(omega, x, beta)
    sections.append(case("linear", "linear 5 -> 3, N = 6: y = beta 1^T + omega x",
                         [cxx_matrix("x", x), cxx_matrix("omega", omega), cxx_matrix("beta", beta),
                          cxx_matrix("y", y)]))

    # activations on a 4 x 8 grid of values in [-6, 6] plus fixed points
    a = np.concatenate([np.array([0.0, 1.0, -1.0, 0.5, -0.5, 3.0, -3.0, 6.0]),
                        rng.uniform(-6.0, 6.0, 24)]).reshape(4, 8)
    sections.append(case("activations", "relu, gelu (tanh form), gelu_erf on a 4 x 8 grid",
                         [cxx_matrix("x", a), cxx_matrix("relu", np.maximum(a, 0.0)),
                          cxx_matrix("gelu", gelu_tanh(a)), cxx_matrix("gelu_erf", gelu_erf(a))]))

    # layer_norm D = 6, N = 5 with a constant column
    x = normal(6, 5) * 2.0 + 0.5
    x[:, 2] = 0.75
    gamma, beta = normal(6), normal(6)
    sections.append(case("layer_norm", "layer_norm D = 6, N = 5, eps = 1e-5, column 2 constant",
                         [cxx_matrix("x", x), cxx_matrix("gamma", gamma), cxx_matrix("beta", beta),
                          cxx_matrix("y", layer_norm(x, gamma, beta)),
                          cxx_matrix("y_plain", layer_norm(x, np.ones(6), np.zeros(6)))]))

    # position encodings
    sections.append(case("pe_6_8", "sinusoidal position encoding D = 6, N = 8 (long double)",
                         [cxx_matrix("pe", position_encoding(6, 8))]))
    sections.append(case("pe_7_5", "sinusoidal position encoding D = 7 (odd), N = 5",
                         [cxx_matrix("pe", position_encoding(7, 5))]))
    sections.append(case("pe_16_64", "sinusoidal position encoding D = 16, N = 64",
                         [cxx_matrix("pe", position_encoding(16, 64))]))

    # learned position embeddings D = 4, N = 3
    x, p = normal(4, 3), normal(4, 3)
    sections.append(case("learned", "learned position embeddings D = 4, N = 3: x + p",
                         [cxx_matrix("x", x), cxx_matrix("p", p), cxx_matrix("y", x + p)]))

    text = ("// Generated by tools/gen_layers_reference.py (numpy %s) -- do not edit.\n"
            "// Reference values computed independently with numpy; see the generator for the\n"
            "// conventions.\n"
            "#ifndef CTATTN_TESTS_LAYERS_REFERENCE_HPP\n"
            "#define CTATTN_TESTS_LAYERS_REFERENCE_HPP\n\n"
            "#include <ctattn/matrix.hpp>\n\n"
            "namespace layers_ref {\n" % np.__version__)
    for s in sections:
        text += "\n" + s
    text += "\n}  // namespace layers_ref\n\n#endif  // CTATTN_TESTS_LAYERS_REFERENCE_HPP\n"
    emit(text, sys.argv[1] if len(sys.argv) == 2 else os.path.join(
        ROOT, "tests", "data", "layers_reference.hpp"))
    return 0


if __name__ == "__main__":
    if len(sys.argv) > 2:
        sys.exit(__doc__)
    sys.exit(main())
