#!/usr/bin/python3
"""Reference values for ctattn's attention family, computed independently with numpy.

Usage: /usr/bin/python3 tools/gen_family_reference.py [OUT]
Without OUT it writes the three files below; with OUT it writes only the one whose file name is
OUT's, to OUT (tools/check_generated.py uses that to check the committed files are current).

Writes (Debian's numpy: /usr/bin/python3):
  tests/data/family_reference.hpp   cases for tests/runtime/test_family_reference.cpp
  examples/multihead_expected.hpp   inputs, weights and expected output of examples/multihead.cpp
  examples/load_weights_data.hpp    weights exported by tools/export_weights.py (the CLI, from
                                    an .npz file) for examples/load_weights.cpp

The reference follows the book ("Understanding Deep Learning", ch. 12) in numpy float64, with
ctattn's documented conventions (ctattn/options.hpp):
  scores S = K^T Q (keys x queries), scaled by MULTIPLYING with c (1/sqrt(Dk) or a custom c),
  then an additive mask added; entries masked by causal (m <= n allowed), a boolean mask (True =
  may attend), invalid keys or an additive -inf are excluded from each column's softmax; a column
  with nothing left gets zero weights. Multi-head: each head scaled by 1/sqrt(D/H),
  X' = Omega_c [Sa_1; ...; Sa_H] (+ beta_c 1^T).
The values are computed in plain Python with a documented, CPU-independent order (exact matrix
products rounded once, a correctly rounded exp and math.fsum; see "the reference" below), not
with numpy's BLAS matmul and SIMD exp, whose last bits depend on the CPU: a fresh run gives the
committed files on any machine (tests generated_family_*). ctattn sums in order and has its own
exp, so the tests compare with a tolerance.
"""

import math
import os
import subprocess
import sys
import tempfile

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tools"))
import export_weights  # noqa: E402
from refmath import mm, softmax_col  # noqa: E402


# ---- the reference ---------------------------------------------------------------------------
# Every value is computed with a fixed, CPU-independent evaluation order (tools/refmath.py), so
# that a fresh run gives the same bits on any machine (numpy's `@` goes to whatever BLAS is
# installed and numpy's exp to a SIMD loop chosen at run time: both change the last bits):
#   matrix products, with their bias:  each entry sum_k a[i,k] b[k,j] (+ beta_i) is computed
#                                     exactly (fractions) and rounded once to float64
#   scaling, additive mask:           one float64 rounding each (s * c, then s + add)
#   softmax of a column:              refmath.softmax_col: z = s - max (rounded), e = exp(z)
#                                     (60-digit decimal, then rounded), sum = math.fsum(e)
#                                     (correctly rounded), weight = e / sum (rounded)
# numpy only draws the random inputs and holds the arrays.


def attend(q, k, v, scale=None, keep=None, add=None):
    s = mm(k.T, q)
    if scale is not None:
        s = s * scale
    keep = np.ones(s.shape, dtype=bool) if keep is None else keep.copy()
    if add is not None:
        finite = add != -np.inf
        keep &= finite
        s = np.where(finite, s + np.where(finite, add, 0.0), s)
    a = np.zeros(s.shape)
    for n in range(s.shape[1]):
        rows = [m for m in range(s.shape[0]) if keep[m, n]]
        if not rows:
            continue
        for m, w in zip(rows, softmax_col([float(s[m, n]) for m in rows])):
            a[m, n] = w
    return mm(v, a), a


def qkv(p, xq, xkv):
    oq, ok, ov, bq, bk, bv = p
    return mm(oq, xq, bq), mm(ok, xkv, bk), mm(ov, xkv, bv)


def causal_keep(nkv, nq):
    return np.array([[m <= n for n in range(nq)] for m in range(nkv)])


def multihead(x, heads, omega_c, beta_c=None, keep=None):
    d = x.shape[0]
    h = len(heads)
    outs, weights = [], []
    for p in heads:
        q, k, v = qkv(p, x, x)
        o, a = attend(q, k, v, scale=1.0 / math.sqrt(d / h), keep=keep)
        outs.append(o)
        weights.append(a)
    return mm(omega_c, np.vstack(outs), beta_c), weights


# ---- random data -----------------------------------------------------------------------------

rng = np.random.default_rng(20261127)


def normal(*shape):
    return rng.standard_normal(shape)


def make_params(dq, dkv, dk, dv):
    return [normal(dk, dq), normal(dk, dkv), normal(dv, dkv), normal(dk), normal(dk), normal(dv)]


# ---- C++ output ------------------------------------------------------------------------------

def lit(v):
    if v == -np.inf:
        return "-inf"
    return repr(float(v))


def cxx_matrix(name, a, ctype="double"):
    a = np.asarray(a)
    if a.ndim == 1:
        a = a.reshape(-1, 1)
    if a.dtype == bool:
        vals = ["true" if b else "false" for b in a.reshape(-1)]
        ctype = "bool"
    else:
        vals = [lit(v) for v in a.reshape(-1)]
    body = ",\n    ".join(", ".join(vals[i:i + 6]) for i in range(0, len(vals), 6))
    return "inline constexpr ctattn::matrix<%s, %d, %d> %s{\n    %s};\n" % (
        ctype, a.shape[0], a.shape[1], name, body)


def cxx_flat(name, arrays):
    vals = [lit(v) for a in arrays for v in np.asarray(a).reshape(-1)]
    body = ",\n    ".join(", ".join(vals[i:i + 6]) for i in range(0, len(vals), 6))
    return "inline constexpr double %s[%d] = {\n    %s};\n" % (name, len(vals), body)


def flat_heads(heads, omega_c, beta_c=None):
    arrays = [a for p in heads for a in p] + [omega_c]
    if beta_c is not None:
        arrays.append(beta_c)
    return arrays


HEADER = """// Generated by tools/gen_family_reference.py (numpy %s) -- do not edit.
// Reference values computed independently of ctattn (CPU-independent order; see the generator).
#ifndef %s
#define %s

#include <cstddef>
#include <limits>

#include <ctattn/matrix.hpp>

namespace %s {

inline constexpr double inf = std::numeric_limits<double>::infinity();
"""

FOOTER = """
}  // namespace %s

#endif  // %s
"""


OUTPUT = {}  # file name -> path to write, from the command line


def target(path):
    """Where to write the repository file `path`, or None to skip it."""
    name = os.path.basename(path)
    if OUTPUT:
        return OUTPUT.get(name)
    return os.path.join(ROOT, path)


def write(path, guard, namespace, sections):
    out = target(path)
    if out is None:
        return
    with open(out, "w", encoding="ascii") as f:
        f.write(HEADER % (np.__version__, guard, guard, namespace))
        for s in sections:
            f.write("\n" + s)
        f.write(FOOTER % (namespace, guard))


def case(name, comment, items):
    text = "// %s\nnamespace %s {\n" % (comment, name)
    for item in items:
        text += item
    return text + "}  // namespace %s\n" % name


def self_case(name, comment, d, n, dk, dv, **opts):
    x = normal(d, n)
    p = make_params(d, d, dk, dv)
    q, k, v = qkv(p, x, x)
    extra = []
    keep = None
    if opts.get("causal"):
        keep = causal_keep(n, n)
    if "allowed" in opts:
        keep = opts["allowed"] if keep is None else keep & opts["allowed"]
        extra.append(cxx_matrix("allowed", opts["allowed"]))
    if "valid" in opts:
        vk = np.repeat(opts["valid"].reshape(-1, 1), n, axis=1)
        keep = vk if keep is None else keep & vk
        extra.append(cxx_matrix("valid", opts["valid"]))
    if "add" in opts:
        extra.append(cxx_matrix("add", opts["add"]))
    if "scale" in opts:
        extra.append("inline constexpr double scale = %s;\n" % lit(opts["scale"]))
    out, a = attend(q, k, v, scale=opts.get("scale_value", opts.get("scale")), keep=keep,
                    add=opts.get("add"))
    return case(name, comment, [cxx_matrix("x", x), cxx_flat("params", p)] + extra +
                [cxx_matrix("output", out), cxx_matrix("weights", a)])


def main():
    sections = []
    d, n = 5, 6
    sections.append(self_case("unscaled", "self-attention, unscaled, D=5 N=6 Dk=3 Dv=4",
                              d, n, 3, 4))
    sections.append(self_case("scaled", "self-attention scaled by 1/sqrt(Dk), Dk=3 (inexact)",
                              d, n, 3, 4, scale_value=1.0 / math.sqrt(3.0)))
    sections.append(self_case("scaled4", "self-attention scaled by 1/sqrt(Dk), Dk=4 (exact 1/2)",
                              d, n, 4, 2, scale_value=1.0 / math.sqrt(4.0)))
    sections.append(self_case("custom_scale", "self-attention scaled by a custom factor 0.37",
                              d, n, 3, 4, scale=0.37))
    sections.append(self_case("causal", "causal self-attention scaled by 1/sqrt(3)",
                              d, n, 3, 4, causal=True, scale_value=1.0 / math.sqrt(3.0)))
    allowed = rng.random((n, n)) < 0.6
    allowed[:, 2] = False  # query 2 attends nothing: zero weights, zero output
    allowed[0, 0] = True
    sections.append(self_case("allowed", "boolean mask (True = may attend), query 2 fully masked",
                              d, n, 3, 4, allowed=allowed))
    valid = np.array([True, True, False, True, False, True])
    sections.append(self_case("valid_keys", "key padding: keys 2 and 4 are padding",
                              d, n, 3, 4, valid=valid))
    add = rng.standard_normal((n, n))
    add[rng.random((n, n)) < 0.3] = -np.inf
    add[:, 4] = -np.inf  # query 4 fully masked
    add[0, 0] = 0.5
    sections.append(self_case("additive", "additive mask with -inf entries, query 4 fully masked, "
                              "after scaling by 1/sqrt(3)", d, n, 3, 4, add=add,
                              scale_value=1.0 / math.sqrt(3.0)))

    # cross-attention: Dq=4 Nq=3, Dkv=6 Nkv=5, Dk=3 Dv=2, causal (top-left) and scaled
    xq, xkv = normal(4, 3), normal(6, 5)
    p = make_params(4, 6, 3, 2)
    q, k, v = qkv(p, xq, xkv)
    out, a = attend(q, k, v)
    outc, ac = attend(q, k, v, scale=1.0 / math.sqrt(3.0), keep=causal_keep(5, 3))
    sections.append(case("cross", "cross-attention Dq=4 Nq=3 Dkv=6 Nkv=5 Dk=3 Dv=2",
                         [cxx_matrix("xq", xq), cxx_matrix("xkv", xkv), cxx_flat("params", p),
                          cxx_matrix("output", out), cxx_matrix("weights", a),
                          cxx_matrix("output_causal_scaled", outc),
                          cxx_matrix("weights_causal_scaled", ac)]))

    # multi-head with several H
    for name, d, h, n, bias, causal in [("mh_6_1", 6, 1, 4, False, False),
                                        ("mh_6_2", 6, 2, 4, False, False),
                                        ("mh_6_3", 6, 3, 5, True, False),
                                        ("mh_8_4", 8, 4, 5, False, True)]:
        x = normal(d, n)
        heads = [make_params(d, d, d // h, d // h) for _ in range(h)]
        omega_c = normal(d, d)
        beta_c = normal(d) if bias else None
        out, ws = multihead(x, heads, omega_c, beta_c, causal_keep(n, n) if causal else None)
        items = [cxx_matrix("x", x), cxx_flat("params", flat_heads(heads, omega_c, beta_c)),
                 cxx_matrix("output", out)]
        items += [cxx_matrix("weights%d" % i, w) for i, w in enumerate(ws)]
        sections.append(case(name, "multi-head D=%d H=%d N=%d%s%s" % (
            d, h, n, ", output bias" if bias else "", ", causal" if causal else ""), items))
    write("tests/data/family_reference.hpp", "CTATTN_TESTS_FAMILY_REFERENCE_HPP", "family_ref",
          sections)

    # examples/multihead.cpp: D=8, H=2, N=4, checked by static_assert
    x = normal(8, 4)
    heads = [make_params(8, 8, 4, 4) for _ in range(2)]
    omega_c = normal(8, 8)
    out, _ = multihead(x, heads, omega_c)
    write("examples/multihead_expected.hpp", "CTATTN_EXAMPLES_MULTIHEAD_EXPECTED_HPP",
          "multihead_example",
          [cxx_matrix("x", x), cxx_flat("params", flat_heads(heads, omega_c)),
           cxx_matrix("expected", out)])

    # examples/load_weights.cpp: float multi-head with output bias, D=8 H=2, through the CLI
    heads = [make_params(8, 8, 4, 4) for _ in range(2)]
    omega_c, beta_c = normal(8, 8), normal(8)
    named = []
    for i, p in enumerate(heads):
        for m, a in zip(["omega_q", "omega_k", "omega_v", "beta_q", "beta_k", "beta_v"], p):
            named.append(("heads%d_%s" % (i, m), a))
    named += [("omega_c", omega_c), ("beta_c", beta_c)]
    out = target("examples/load_weights_data.hpp")
    if out is None:
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        npz = os.path.join(tmp, "demo_weights.npz")
        np.savez(npz, **dict(named))
        subprocess.run([sys.executable, os.path.join(ROOT, "tools", "export_weights.py"), npz,
                        "--name", "demo_weights", "--type", "float", "--namespace", "demo",
                        "--out", out],
                       check=True)
    return 0


if __name__ == "__main__":
    if len(sys.argv) > 2:
        sys.exit(__doc__)
    if len(sys.argv) == 2:
        OUTPUT[os.path.basename(sys.argv[1])] = sys.argv[1]
    sys.exit(main())
