#!/usr/bin/python3
"""Reference values for ctattn's transformer layer and the two-layer encoder, computed
independently in numpy float64.

Usage: /usr/bin/python3 tools/gen_encoder_reference.py [OUT]
Without OUT it writes both files below; with OUT it writes only the one whose file name is
OUT's, to OUT (tools/check_generated.py uses that to check the committed files are current).

Writes (values as exact hex-float literals):
  examples/encoder_data.hpp           the two-layer encoder of examples/encoder.cpp and of the
                                      proofs in tests/model: N = 8, D = 16, H = 4, Dff = 32;
                                      input, the flat parameter array, the expected output
  tests/data/transformer_reference.hpp  one transformer layer (D = 8, H = 2, Dff = 16, N = 6)
                                      in each variant: post-norm, pre-norm, causal, GELU (tanh
                                      and erf forms), a non-default epsilon

The model follows "Understanding Deep Learning", section 12.4.5, with ctattn's conventions
(tokens are columns; ctattn/transformer.hpp, ctattn/multihead.hpp, ctattn/layers.hpp):
  MhSa[X] = beta_c 1^T + Omega_c [Sa_1; ...; Sa_H], each head
            Sa_h = V_h softmax_cols(K_h^T Q_h / sqrt(D/H))   (causal: key m only for query n >= m)
  LayerNorm: per column, mean mu and biased variance s2 over the D rows,
             y = (x - mu) / sqrt(s2 + eps) * gamma + beta         (PyTorch's nn.LayerNorm)
  mlp(X) = Omega_2 act(Omega_1 X + beta_1 1^T) + beta_2 1^T, act = ReLU, GELU
           0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))) or 0.5 x (1 + erf(x / sqrt(2)))
  post-norm: X <- LN1(X + MhSa[X]); X <- LN2(X + mlp(X))
  pre-norm:  X <- X + MhSa[LN1(X)]; X <- X + mlp(LN2(X))
  sinusoidal positions: P[2i, n] = sin(n / 10000^(2i/D)), P[2i+1, n] = cos(n / 10000^(2i/D))
So that the committed files are the same on every machine, the sums are math.fsum (correctly
rounded, no BLAS) and the elementary functions are Python's math module (the C library), not
numpy's SIMD loops. The result still differs from ctattn's in the last bits (ctattn sums in
order, one rounding per operation, with its own exp/tanh/erf/sin/cos): the tests compare with a
tolerance that their comments justify.
"""

import math
import os
import sys

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tools"))
from genout import emit  # noqa: E402
import export_weights  # noqa: E402

# ---- the reference ---------------------------------------------------------------------------


def mm(a, b):
    """a @ b with every element a correctly rounded sum (math.fsum)."""
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    out = np.empty((a.shape[0], b.shape[1]))
    for i in range(a.shape[0]):
        for j in range(b.shape[1]):
            out[i, j] = math.fsum(a[i, :] * b[:, j])
    return out


def ew(f, a):
    return np.vectorize(f, otypes=[np.float64])(a)


def softmax_cols(s, keep):
    a = np.zeros(s.shape)
    for n in range(s.shape[1]):
        col = keep[:, n]
        z = s[col, n] - s[col, n].max()
        e = ew(math.exp, z)
        a[col, n] = e / math.fsum(e)
    return a


def affine(omega, x, beta):
    return mm(omega, x) + beta.reshape(-1, 1)


def multihead(x, att, causal):
    heads, omega_c, beta_c = att
    d, n = x.shape
    dh = d // len(heads)
    keep = np.ones((n, n), dtype=bool)
    if causal:
        keep = np.array([[m <= q for q in range(n)] for m in range(n)])
    outs = []
    for oq, ok, ov, bq, bk, bv in heads:
        q, k, v = affine(oq, x, bq), affine(ok, x, bk), affine(ov, x, bv)
        s = mm(k.T, q) * (1.0 / math.sqrt(dh))
        outs.append(mm(v, softmax_cols(s, keep)))
    return affine(omega_c, np.vstack(outs), beta_c)


def layer_norm(x, norm, eps):
    gamma, beta = norm
    d = x.shape[0]
    y = np.empty(x.shape)
    for n in range(x.shape[1]):
        c = x[:, n]
        mu = math.fsum(c) / d
        s2 = math.fsum((c - mu) ** 2) / d
        y[:, n] = (c - mu) / math.sqrt(s2 + eps) * gamma + beta
    return y


SQRT_2_OVER_PI = math.sqrt(2.0 / math.pi)
ACT = {
    "relu": lambda v: v if v > 0 else 0.0,
    "gelu": lambda v: 0.5 * v * (1.0 + math.tanh(SQRT_2_OVER_PI * (v + 0.044715 * v ** 3))),
    "gelu_erf": lambda v: 0.5 * v * (1.0 + math.erf(v / math.sqrt(2.0))),
}


def mlp(x, ff1, ff2, act):
    return affine(ff2[0], ew(ACT[act], affine(ff1[0], x, ff1[1])), ff2[1])


def transformer_layer(x, p, pre_norm=False, causal=False, act="relu", eps=1e-5):
    att, norm1, ff1, ff2, norm2 = p
    if pre_norm:
        x1 = x + multihead(layer_norm(x, norm1, eps), att, causal)
        return x1 + mlp(layer_norm(x1, norm2, eps), ff1, ff2, act)
    x1 = layer_norm(x + multihead(x, att, causal), norm1, eps)
    return layer_norm(x1 + mlp(x1, ff1, ff2, act), norm2, eps)


def sinusoidal(d, n):
    p = np.empty((d, n))
    for i in range(0, d, 2):
        for t in range(n):
            angle = t / 10000.0 ** (i / d)
            p[i, t] = math.sin(angle)
            if i + 1 < d:
                p[i + 1, t] = math.cos(angle)
    return p


# ---- random parameters, in ctattn's load order -------------------------------------------------

rng = np.random.default_rng(20261127 + 10)


def weights(rows, cols):
    return rng.standard_normal((rows, cols)) / math.sqrt(cols)


def make_layer(d, h, dff):
    dh = d // h
    heads = [(weights(dh, d), weights(dh, d), weights(dh, d), 0.1 * rng.standard_normal(dh),
              0.1 * rng.standard_normal(dh), 0.1 * rng.standard_normal(dh)) for _ in range(h)]
    att = (heads, weights(d, d), 0.1 * rng.standard_normal(d))
    norm1 = (1.0 + 0.1 * rng.standard_normal(d), 0.1 * rng.standard_normal(d))
    ff1 = (weights(dff, d), 0.1 * rng.standard_normal(dff))
    ff2 = (weights(d, dff), 0.1 * rng.standard_normal(d))
    norm2 = (1.0 + 0.1 * rng.standard_normal(d), 0.1 * rng.standard_normal(d))
    return att, norm1, ff1, ff2, norm2


def flatten(p):
    """transformer_layer_params in load order (ctattn/params.hpp), matrices row-major."""
    att, norm1, ff1, ff2, norm2 = p
    heads, omega_c, beta_c = att
    arrays = [a for head in heads for a in head] + [omega_c, beta_c]
    arrays += [norm1[0], norm1[1], ff1[0], ff1[1], ff2[0], ff2[1], norm2[0], norm2[1]]
    flat = np.concatenate([np.asarray(a).reshape(-1) for a in arrays])
    # Cross-check tools/export_weights.py's PyTorch mapping: the same layer as the state dict of
    # a torch.nn.TransformerEncoderLayer (heads stacked in in_proj) must give the same layout.
    state = {
        "self_attn.in_proj_weight": np.vstack([np.vstack([h[i] for h in heads]) for i in range(3)]),
        "self_attn.in_proj_bias": np.concatenate([np.concatenate([h[3 + i] for h in heads])
                                                  for i in range(3)]),
        "self_attn.out_proj.weight": omega_c, "self_attn.out_proj.bias": beta_c,
        "norm1.weight": norm1[0], "norm1.bias": norm1[1],
        "linear1.weight": ff1[0], "linear1.bias": ff1[1],
        "linear2.weight": ff2[0], "linear2.bias": ff2[1],
        "norm2.weight": norm2[0], "norm2.bias": norm2[1],
    }
    mapped = export_weights.pytorch_encoder_layer(state, len(heads))
    if not np.array_equal(np.concatenate([a.reshape(-1) for _, a in mapped]), flat):
        raise SystemExit("gen_encoder_reference: export_weights.pytorch_encoder_layer disagrees")
    return flat


# ---- C++ output ------------------------------------------------------------------------------

def lit(v):
    return float(v).hex()


def body(vals):
    return ",\n    ".join(", ".join(vals[i:i + 4]) for i in range(0, len(vals), 4))


def cxx_matrix(name, a):
    a = np.asarray(a)
    return "inline constexpr ctattn::matrix<double, %d, %d> %s{\n    %s};\n" % (
        a.shape[0], a.shape[1], name, body([lit(v) for v in a.reshape(-1)]))


def cxx_flat(name, flat):
    return "inline constexpr std::array<double, %d> %s{\n    %s};\n" % (
        len(flat), name, body([lit(v) for v in flat]))


HEADER = """// Generated by tools/gen_encoder_reference.py (numpy %s) -- do not edit.
// %s
#ifndef %s
#define %s

#include <array>
#include <cstddef>

#include <ctattn/matrix.hpp>

namespace %s {
"""

FOOTER = """
}  // namespace %s

#endif  // %s
"""


def render(guard, namespace, comment, sections):
    text = HEADER % (np.__version__, comment, guard, guard, namespace)
    for s in sections:
        text += "\n" + s
    return text + FOOTER % (namespace, guard)


def encoder_data():
    d, h, dff, n = 16, 4, 32, 8
    x = rng.standard_normal((d, n))
    p1, p2 = make_layer(d, h, dff), make_layer(d, h, dff)
    x0 = x + sinusoidal(d, n)
    y = transformer_layer(transformer_layer(x0, p1), p2)
    flat = np.concatenate([flatten(p1), flatten(p2)])
    sections = [
        "// The model: sinusoidal positions, then two post-norm encoder layers (ReLU mlp,\n"
        "// epsilon 1e-5), N = %d tokens of D = %d, H = %d heads, Dff = %d.\n"
        "inline constexpr std::size_t N = %d, D = %d, H = %d, Dff = %d;\n" % (
            n, d, h, dff, n, d, h, dff),
        cxx_matrix("x", x),
        "// Both layers' transformer_layer_params in load order (ctattn/params.hpp).\n"
        + cxx_flat("params", flat),
        "// The encoder's output, computed by the generator.\n" + cxx_matrix("expected", y),
    ]
    return render("CTATTN_EXAMPLES_ENCODER_DATA_HPP", "encoder_data",
                  "Input, parameters and expected output of the two-layer encoder "
                  "(examples/encoder.cpp).", sections)


VARIANTS = [
    # name, comment, options
    ("post_norm", "post-norm (the book's), ReLU", {}),
    ("pre_norm", "pre-norm, ReLU", {"pre_norm": True}),
    ("causal", "post-norm, causal attention", {"causal": True}),
    ("gelu", "post-norm, GELU (tanh form)", {"act": "gelu"}),
    ("pre_norm_causal_gelu_erf", "pre-norm, causal, GELU (erf form)",
     {"pre_norm": True, "causal": True, "act": "gelu_erf"}),
    ("eps", "post-norm, epsilon 0.25 (large enough to matter)", {"eps": 0.25}),
]


def transformer_reference():
    d, h, dff, n = 8, 2, 16, 6
    x = rng.standard_normal((d, n))
    p = make_layer(d, h, dff)
    sections = [
        "inline constexpr std::size_t N = %d, D = %d, H = %d, Dff = %d;\n" % (n, d, h, dff),
        cxx_matrix("x", x),
        "// transformer_layer_params<double, D, H, Dff> in load order.\n"
        + cxx_flat("params", flatten(p)),
    ]
    for name, comment, opts in VARIANTS:
        sections.append("// %s\n" % comment + cxx_matrix(name, transformer_layer(x, p, **opts)))
    return render("CTATTN_TESTS_TRANSFORMER_REFERENCE_HPP", "transformer_ref",
                  "One transformer layer in each variant, D = 8, H = 2, Dff = 16, N = 6.",
                  sections)


FILES = {
    "examples/encoder_data.hpp": encoder_data,
    "tests/data/transformer_reference.hpp": transformer_reference,
}


def main(argv):
    if len(argv) > 2:
        sys.exit(__doc__)
    only = argv[1] if len(argv) == 2 else None
    # Every file is generated (the random stream is shared), only the selected one is written.
    for path, make in FILES.items():
        text = make()
        if only is None:
            emit(text, os.path.join(ROOT, path))
        elif os.path.basename(only) == os.path.basename(path):
            emit(text, only)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
