#!/usr/bin/python3
"""Reference values from real PyTorch (Debian's python3-torch, float64, eval mode) for
ctattn/pytorch.hpp, the transformer layer and tools/export_weights.py.

Usage:
  /usr/bin/python3 tools/gen_pytorch_reference.py            write the files below
  /usr/bin/python3 tools/gen_pytorch_reference.py --check OUTDIR
      regenerate into OUTDIR and compare with the committed files: the text must be identical
      except torch's outputs, which may differ by 1e-13 (relative to max(1, |value|)) because
      torch's float64 kernels are not guaranteed to round the same on every CPU. Exit status 0
      (current), 1 (different), 77 (skipped: /usr/bin/python3 has no torch, or a torch version
      other than the one that wrote the references).

Writes:
  tests/data/pytorch_reference.hpp   nn.MultiheadAttention cases (self and cross, kdim/vdim,
      bias and bias=False, boolean, float and key-padding masks, causal, a fully masked query),
      nn.TransformerEncoderLayer in every combination of norm_first, relu/gelu and eps (plus one
      without biases), a causal two-layer nn.TransformerEncoder (pre-norm, GELU, eps 1e-6) and a
      three-layer one with PyTorch's defaults. Inputs and parameters are drawn
      with numpy's generator and loaded into the modules; parameters are written in ctattn's
      load order by tools/export_weights.py's functions, so the mapping is tested too.
  tests/data/pytorch_exported_mha.hpp, pytorch_exported_layer.hpp, pytorch_exported_stack.hpp
      headers written by export_weights.export_module from the modules themselves (configuration
      types included), for tests/runtime/test_pytorch.cpp and the compile-fail cases.

Layouts: PyTorch's tokens are rows, ctattn's columns; every matrix is written in ctattn's
layout (query E x Nq, output E x Nq, weights of head h Nk x Nq) except the masks, which are
written as PyTorch takes them (attn_mask Nq x Nk, key_padding_mask 1 x Nk): converting them is
what ctattn's adapters are tested for. NaN (torch's output for a query whose keys are all
masked) is written as `nan`.
"""

import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tools"))

try:
    import numpy as np
    import torch
except ImportError:  # the check is skipped where torch is missing
    np = torch = None

from genout import emit  # noqa: E402

DATA = os.path.join(ROOT, "tests", "data")


def lit(v):
    v = float(v)
    return "nan" if v != v else v.hex()


def body(vals):
    return ",\n    ".join(", ".join(vals[i:i + 4]) for i in range(0, len(vals), 4))


def cxx_matrix(name, a, ctype="double"):
    a = np.asarray(a)
    if a.ndim == 1:
        a = a.reshape(-1, 1)
    if a.dtype == bool:
        vals = ["true" if v else "false" for v in a.reshape(-1)]
        ctype = "bool"
    else:
        vals = [lit(v) for v in a.reshape(-1)]
    return "inline constexpr ctattn::matrix<%s, %d, %d> %s{\n    %s};\n" % (
        ctype, a.shape[0], a.shape[1], name, body(vals))


def cxx_flat(name, arrays):
    flat = np.concatenate([np.asarray(a, dtype=np.float64).reshape(-1) for _, a in arrays])
    return "inline constexpr std::array<double, %d> %s{\n    %s};\n" % (
        len(flat), name, body([lit(v) for v in flat]))


def t(a):
    return torch.tensor(np.asarray(a), dtype=torch.float64)


def load(module, state):
    module.load_state_dict({k: t(v) for k, v in state.items()})
    module.eval()
    return module


def numpy_state(module):
    return {k: v.detach().numpy().copy() for k, v in module.state_dict().items()}


# ---- nn.MultiheadAttention -------------------------------------------------------------------

MHA_CASES = [
    # name, comment, E, H, kdim, vdim, Nq, Nk, bias, self, masks
    ("self", "self-attention (x, x, x), E = 8, H = 2, N = 5, no mask",
     8, 2, 8, 8, 5, 5, True, True, ()),
    ("kv_masks", "cross, E = 8, H = 4, kdim 6, vdim 3, Nq 4, Nk 6; boolean attn_mask and "
     "key_padding_mask", 8, 4, 6, 3, 4, 6, True, False, ("bool", "padding")),
    ("nobias_additive", "cross, E = 6, H = 3, bias=False, Nq 3, Nk 5; float attn_mask with "
     "finite values and -inf", 6, 3, 6, 6, 3, 5, False, False, ("float",)),
    ("single_head", "one head, E = 4, kdim 5, vdim 7, Nq 3, Nk 4; key_padding_mask",
     4, 1, 5, 7, 3, 4, True, False, ("padding",)),
    ("causal", "self-attention, E = 8, H = 2, N = 5, causal (generate_square_subsequent_mask)",
     8, 2, 8, 8, 5, 5, True, True, ("causal",)),
    ("fully_masked", "self-attention, E = 8, H = 2, N = 4; query 2 may attend no key "
     "(torch 1.13: NaN)", 8, 2, 8, 8, 4, 4, True, True, ("bool_full_row",)),
]


def mha_case(rng, name, comment, e, h, kdim, vdim, nq, nk, bias, is_self, masks):
    mha = torch.nn.MultiheadAttention(e, h, bias=bias, kdim=kdim, vdim=vdim,
                                      dtype=torch.float64)
    state = {}
    for k, v in numpy_state(mha).items():
        scale = 0.1 if "bias" in k else 1.0 / np.sqrt(v.shape[-1])
        state[k] = scale * rng.standard_normal(v.shape)
    load(mha, state)
    query = rng.standard_normal((nq, e))
    if is_self:
        key = value = query
    else:
        key, value = rng.standard_normal((nk, kdim)), rng.standard_normal((nk, vdim))
    kw, out_masks = {}, []
    if "bool" in masks:
        m = rng.random((nq, nk)) < 0.3
        m[:, 0] = False  # every query keeps a key
        kw["attn_mask"] = torch.tensor(m)
        out_masks.append(cxx_matrix("attn_mask", m))
    if "bool_full_row" in masks:
        m = np.zeros((nq, nk), dtype=bool)
        m[2, :] = True
        m[0, 3] = True
        kw["attn_mask"] = torch.tensor(m)
        out_masks.append(cxx_matrix("attn_mask", m))
    if "float" in masks:
        a = 0.5 * rng.standard_normal((nq, nk))
        a[rng.random((nq, nk)) < 0.25] = -np.inf
        a[:, 1] = 0.25  # every query keeps a key
        kw["attn_mask"] = t(a)
        out_masks.append(cxx_matrix("attn_mask", a))
    if "causal" in masks:
        kw["attn_mask"] = torch.nn.Transformer.generate_square_subsequent_mask(nq).double()
    if "padding" in masks:
        p = np.zeros((1, nk), dtype=bool)
        p[0, nk - 1] = True
        p[0, 1] = True
        kw["key_padding_mask"] = torch.tensor(p[0])
        out_masks.append(cxx_matrix("key_padding_mask", p))
    with torch.no_grad():
        out, weights = mha(t(query), t(key), t(value), need_weights=True,
                           average_attn_weights=False, **kw)
    from export_weights import pytorch_mha
    arrays, _ = pytorch_mha(numpy_state(mha), h)
    text = "// %s\nnamespace %s {\n" % (comment, name)
    text += ("inline constexpr std::size_t E = %d, H = %d, Kdim = %d, Vdim = %d, Nq = %d, "
             "Nk = %d;\n" % (e, h, kdim, vdim, nq, nk))
    text += cxx_matrix("query", query.T) + cxx_matrix("key", key.T) + cxx_matrix("value", value.T)
    text += "// multihead_attention_params<double, E, H, Kdim, Vdim> in load order.\n"
    text += cxx_flat("params", arrays)
    text += "".join(out_masks)
    text += "// torch's output (transposed: E x Nq) and every head's weights (Nk x Nq).\n"
    text += cxx_matrix("output", out.numpy().T)
    w = weights.numpy()
    text += "inline constexpr std::array<ctattn::matrix<double, %d, %d>, %d> weights{{\n" % (
        nk, nq, h)
    text += ",\n".join("    {%s}" % ", ".join(lit(v) for v in w[i].T.reshape(-1))
                       for i in range(h))
    text += "}};\n}  // namespace %s\n" % name
    return text, mha


# ---- nn.TransformerEncoderLayer and a causal stack ---------------------------------------------

D, H, DFF, N = 8, 2, 16, 6
LAYER_VARIANTS = [(nf, act, eps) for nf in (False, True) for act in ("relu", "gelu")
                  for eps in (1e-5, 0.1)]


def random_state(rng, module):
    state = {}
    for k, v in numpy_state(module).items():
        if k.startswith("norm") or ".norm" in k:
            state[k] = (1.0 if k.endswith("weight") else 0.0) + 0.1 * rng.standard_normal(v.shape)
        else:
            scale = 0.1 if "bias" in k else 1.0 / np.sqrt(v.shape[-1])
            state[k] = scale * rng.standard_normal(v.shape)
    return state


def encoder_layer(nf, act, eps):
    return torch.nn.TransformerEncoderLayer(D, H, DFF, dropout=0.0, activation=act,
                                            layer_norm_eps=eps, norm_first=nf,
                                            dtype=torch.float64)


def layers_section(rng):
    from export_weights import pytorch_encoder_layer
    base = encoder_layer(False, "relu", 1e-5)
    state = random_state(rng, base)
    x = rng.standard_normal((N, D))
    text = ("// nn.TransformerEncoderLayer(d_model %d, nhead %d, dim_feedforward %d), N = %d, one\n"
            "// set of weights in every combination of norm_first, activation and eps.\n"
            "namespace layer {\n" % (D, H, DFF, N))
    text += "inline constexpr std::size_t D = %d, H = %d, Dff = %d, N = %d;\n" % (D, H, DFF, N)
    text += cxx_matrix("x", x.T)
    text += "// transformer_layer_params<double, D, H, Dff> in load order.\n"
    text += cxx_flat("params", pytorch_encoder_layer(state, H))
    for nf, act, eps in LAYER_VARIANTS:
        m = load(encoder_layer(nf, act, eps), state)
        with torch.no_grad():
            y = m(t(x)).numpy()
        text += "// norm_first=%s, activation=%s, layer_norm_eps=%r\n" % (nf, act, eps)
        text += cxx_matrix("%s_%s_eps%s" % ("pre" if nf else "post", act,
                                            "1e5" if eps == 1e-5 else "0_1"), y.T)
    # Without biases (torch >= 2.1's bias=False): 1.13 has no such option, so the biases are
    # zero in the module and absent from the state dict the exporter reads.
    nobias = {k: (np.zeros_like(v) if k.endswith("bias") else v) for k, v in state.items()}
    m = load(encoder_layer(True, "gelu", 1e-5), nobias)
    with torch.no_grad():
        y = m(t(x)).numpy()
    stripped = {k: v for k, v in nobias.items() if not k.endswith("bias")}
    text += "// Without biases (zero in the module, absent from the exported state dict),\n"
    text += "// norm_first=True, activation=gelu, eps 1e-5.\n"
    text += cxx_flat("params_nobias", pytorch_encoder_layer(stripped, H))
    text += cxx_matrix("nobias_pre_gelu", y.T)
    text += "}  // namespace layer\n"
    return text, load(encoder_layer(True, "gelu", 0.1), state)


def stack_section(rng):
    layer = encoder_layer(True, "gelu", 1e-6)
    stack = torch.nn.TransformerEncoder(layer, 2, enable_nested_tensor=False)
    load(stack, random_state(rng, stack))
    x = rng.standard_normal((N, D))
    mask = torch.nn.Transformer.generate_square_subsequent_mask(N).double()
    with torch.no_grad():
        y = stack(t(x), mask=mask).numpy()
    text = ("// Decoder-style: nn.TransformerEncoder of 2 layers (norm_first=True, gelu, eps 1e-6),\n"
            "// causal mask (generate_square_subsequent_mask); weights in\n"
            "// pytorch_exported_stack.hpp.\nnamespace stack {\n")
    text += cxx_matrix("x", x.T) + cxx_matrix("output", y.T) + "}  // namespace stack\n"
    return text, stack


def stack_post_section(rng):
    from export_weights import pytorch_encoder_layer
    layer = encoder_layer(False, "relu", 1e-5)
    stack = torch.nn.TransformerEncoder(layer, 3, enable_nested_tensor=False)
    state = random_state(rng, stack)
    load(stack, state)
    x = rng.standard_normal((N, D))
    with torch.no_grad():
        y = stack(t(x)).numpy()
    arrays = [a for i in range(3) for a in pytorch_encoder_layer(state, H, "layers.%d." % i)]
    text = ("// nn.TransformerEncoder of 3 layers with PyTorch's defaults (post-norm, relu, eps\n"
            "// 1e-5), no mask; the three layers' transformer_layer_params in load order.\n"
            "namespace stack_post {\n")
    text += cxx_matrix("x", x.T) + cxx_flat("params", arrays) + cxx_matrix("output", y.T)
    return text + "}  // namespace stack_post\n"


HEADER = """// Generated by tools/gen_pytorch_reference.py (torch %s, numpy %s) -- do not edit.
// Outputs of torch.nn.MultiheadAttention, TransformerEncoderLayer and TransformerEncoder in
// float64, eval mode; matrices in ctattn's layout (tokens in columns), masks in PyTorch's.
#ifndef CTATTN_TESTS_PYTORCH_REFERENCE_HPP
#define CTATTN_TESTS_PYTORCH_REFERENCE_HPP

#include <array>
#include <cstddef>
#include <limits>

#include <ctattn/matrix.hpp>

namespace pytorch_ref {

inline constexpr double nan = std::numeric_limits<double>::quiet_NaN();
inline constexpr double inf = std::numeric_limits<double>::infinity();
"""


def generate(outdir):
    """Write every file into outdir; returns the written paths."""
    import export_weights
    torch.set_default_dtype(torch.float64)
    rng = np.random.default_rng(20261203)
    sections, modules = [], {}
    for case in MHA_CASES:
        text, mha = mha_case(rng, *case)
        sections.append(text)
        modules[case[0]] = mha
    text, layer = layers_section(rng)
    sections.append(text)
    text, stack = stack_section(rng)
    sections.append(text)
    sections.append(stack_post_section(rng))
    ref = HEADER % (torch.__version__, np.__version__) + "\n" + "\n".join(sections)
    ref += "\n}  // namespace pytorch_ref\n\n#endif  // CTATTN_TESTS_PYTORCH_REFERENCE_HPP\n"
    paths = [os.path.join(outdir, "pytorch_reference.hpp")]
    emit(ref, paths[0])
    exported = [
        ("pytorch_exported_mha.hpp", "mha_kv_masks", modules["kv_masks"]),
        ("pytorch_exported_layer.hpp", "layer_pre_gelu", layer),
        ("pytorch_exported_stack.hpp", "stack", stack),
    ]
    cli = {"pytorch_exported_mha.hpp": ["--pytorch-mha", "4"],
           "pytorch_exported_layer.hpp": ["--pytorch-encoder-layer", "2", "--norm-first", "true",
                                          "--activation", "gelu", "--eps", "0.1"],
           "pytorch_exported_stack.hpp": ["--pytorch-encoder-layer", "2", "--prefix", "layers.0.",
                                          "--prefix", "layers.1.", "--norm-first", "true",
                                          "--activation", "gelu", "--eps", "1e-6"]}
    for fname, name, module in exported:
        path = os.path.join(outdir, fname)
        export_weights.export_module(module, path, name, namespace="pytorch_exported")
        paths.append(path)
        # The command line, from the state dict saved as the docs say, writes the same header
        # (but for its comment line): the CLI's mapping and flags are checked here too.
        npz = os.path.join(outdir, fname + ".npz")
        np.savez(npz, **{k: v.numpy() for k, v in module.state_dict().items()})
        via_cli = os.path.join(outdir, fname + ".cli")
        export_weights.main([npz, "--name", name, "--out", via_cli,
                             "--namespace", "pytorch_exported"] + cli[fname])
        with open(path, encoding="ascii") as f:
            a = f.read().splitlines()
        with open(via_cli, encoding="ascii") as f:
            b = f.read().splitlines()
        if a[:1] + a[2:] != b[:1] + b[2:]:
            raise SystemExit("gen_pytorch_reference: export_weights.py %s disagrees with "
                             "export_module for %s" % (" ".join(cli[fname]), fname))
        os.remove(npz)
        os.remove(via_cli)
    return paths


def main(argv):
    check = len(argv) == 3 and argv[1] == "--check"
    if not check and len(argv) != 1:
        sys.exit(__doc__)
    if torch is None and sys.executable != "/usr/bin/python3" and os.access("/usr/bin/python3",
                                                                            os.X_OK):
        os.execv("/usr/bin/python3", ["/usr/bin/python3"] + argv)  # Debian's torch lives there
    if torch is None:
        print("gen_pytorch_reference: /usr/bin/python3 has no torch (Debian python3-torch); "
              "skipped")
        return 77 if check else 1
    if not check:
        generate(DATA)
        return 0
    with open(os.path.join(DATA, "pytorch_reference.hpp"), encoding="utf-8") as f:
        recorded = re.search(r"\(torch (\S+), numpy", f.readline())
    if recorded is None or recorded.group(1) != torch.__version__:
        print("gen_pytorch_reference: the references come from torch %s, this is torch %s "
              "(other versions differ, e.g. for fully masked queries); skipped" % (
                  recorded.group(1) if recorded else "?", torch.__version__))
        return 77
    outdir = argv[2]
    os.makedirs(outdir, exist_ok=True)
    number = re.compile(r"-?0x[0-9a-f.]+p[-+]\d+|\bnan\b")
    status = 0
    for fresh in generate(outdir):
        committed = os.path.join(DATA, os.path.basename(fresh))
        with open(committed, encoding="utf-8") as f:
            old = f.read()
        with open(fresh, encoding="utf-8") as f:
            new = f.read()
        old_lines, new_lines = old.splitlines(), new.splitlines()
        bad = []
        if number.sub("#", old).replace(torch.__version__, "V") != \
                number.sub("#", new).replace(torch.__version__, "V"):
            bad.append("the text around the numbers differs")
        else:
            for a, b in zip(number.findall(old), number.findall(new)):
                if a == b:
                    continue
                if "nan" in (a, b) or abs(float.fromhex(a) - float.fromhex(b)) > \
                        1e-13 * max(1.0, abs(float.fromhex(a))):
                    bad.append("%s != %s" % (a, b))
        if bad:
            status = 1
            print("gen_pytorch_reference: %s differs from a fresh run (%s): %s" % (
                committed, fresh, "; ".join(bad[:5])))
        else:
            print("gen_pytorch_reference: %s is current (%d lines)" % (committed, len(old_lines)))
        del new_lines
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv))
