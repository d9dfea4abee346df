#!/usr/bin/python3
"""Write numpy weights as a C++ header that ctattn::load_params reads.

The header holds one flat `inline constexpr T NAME[]` array. Its layout is the one
ctattn/params.hpp walks:

  * the parameter struct's members in declaration order
      attention_params / cross_attention_params: omega_q, omega_k, omega_v, beta_q, beta_k, beta_v
      multihead_params:            heads[0] ... heads[H-1] (each as attention_params), omega_c
      multihead_params_with_bias:  heads[0] ... heads[H-1], omega_c, beta_c
      linear_params: omega, beta;  layer_norm_params: gamma, beta
      transformer_layer_params:    attention (multihead_params_with_bias), norm1, ff1, ff2, norm2
      a ctattn::sequential model:  its layers' parameters one after the other
  * every matrix row-major (numpy's C order: flat[r * cols + c] = M[r, c]); a bias vector
    beta (Dk entries) is a Dk x 1 column, so shapes (Dk,) and (Dk, 1) are the same.

Give the arrays in exactly that order. From the command line they come from an .npz file, in the
order np.savez stored them (keyword order), or in the order of --order:

  /usr/bin/python3 tools/export_weights.py weights.npz --name my_weights --out my_weights.hpp
  /usr/bin/python3 tools/export_weights.py weights.npz --name w --out w.hpp --type float \
      --order omega_q,omega_k,omega_v,beta_q,beta_k,beta_v

and in C++:

  #include "my_weights.hpp"
  constexpr auto p = ctattn::load_params<ctattn::attention_params<double, 4, 2, 3>>(my_weights);

PyTorch (arrays by their state-dict names, saved with
np.savez(f, **{k: v.numpy() for k, v in module.state_dict().items()})):

  --pytorch-mha NHEAD            a torch.nn.MultiheadAttention: in_proj_weight (or q_proj_weight,
                                 k_proj_weight, v_proj_weight when kdim/vdim differ from
                                 embed_dim), in_proj_bias, out_proj.weight, out_proj.bias, written
                                 in ctattn::multihead_attention_params<T, E, NHEAD, Kdim, Vdim>
                                 order (ctattn/pytorch.hpp). bias=False: the biases are written
                                 as zeros (W x + 0 = W x). add_bias_kv is rejected.
  --pytorch-encoder-layer NHEAD  a torch.nn.TransformerEncoderLayer, written in
                                 transformer_layer_params order, in_proj split into the heads;
                                 missing biases (bias=False, torch >= 2.1) written as zeros.
                                 --prefix (repeatable, e.g. layers.0. layers.1. for a
                                 torch.nn.TransformerEncoder) concatenates several layers.
                                 The state dict does not hold norm_first, the activation or eps:
                                 give them with --norm-first, --activation relu|gelu and --eps
                                 (defaults: PyTorch's, False, relu, 1e-5), or export from Python
                                 with export_module(), which reads them from the module.

With either option the header also defines the configuration as a type, NAME_config
(ctattn::pytorch::mha_config / encoder_config: shapes, heads, layers, norm_first, activation,
eps), and NAME is a ctattn::pytorch::exported_weights<NAME_config, T, COUNT>, a std::array that
ctattn::load_params<P>(NAME) reads as before. Loading it as anything but
NAME_config::params_type is a compile error (wrong heads, shapes or layer count), and
ctattn::pytorch::transformer_layer<NAME_config>(x, p) takes norm_first, the activation and eps
from the configuration: an option that contradicts them is a compile error. PyTorch's
activation="gelu" is ctattn::gelu_erf_mlp; each head is scaled by 1/sqrt(D/H) in both.

A wrong total length is a compile error in load_params (parameter_count_v<P> must match), so a
header exported for different shapes cannot be loaded by accident. Values are written with the
shortest decimal representation that reads back to the same double (or float), so the C++
array holds exactly the numpy values.

From Python: write_header(path, name, [(member_name, array), ...], ctype="double").
"""

import argparse
import sys

import numpy as np

_TYPES = {"double": (np.float64, ""), "float": (np.float32, "f")}


def _literal(value, dtype, suffix):
    v = dtype(value)
    if not np.isfinite(v):
        raise ValueError("export_weights: weights must be finite, got %r" % (value,))
    text = np.format_float_scientific(v, unique=True, trim="-")
    return text + suffix


def format_header(name, arrays, ctype="double", namespace=None, comment=None, config=None):
    """Return the header text for the named arrays [(member_name, ndarray), ...].

    config (optional): the template-id of a ctattn::pytorch configuration with %(T)s for the
    element type, e.g. "ctattn::pytorch::mha_config<%(T)s, 8, 2, 8, 8, true>", and "eps" (a
    float or None); the header then defines NAME_config and types NAME as exported_weights."""
    if ctype not in _TYPES:
        raise ValueError("export_weights: --type must be double or float")
    dtype, suffix = _TYPES[ctype]
    guard = "CTATTN_WEIGHTS_" + "".join(c if c.isalnum() else "_" for c in
                                        ((namespace + "_") if namespace else "") + name).upper()
    lines = [
        "// Generated by tools/export_weights.py -- do not edit.",
    ]
    if comment:
        lines += ["// " + line for line in comment.splitlines()]
    lines += [
        "// Flat layout read by ctattn::load_params: members in declaration order, each matrix",
        "// row-major. Offset, shape and name of every member:",
    ]
    offset = 0
    values = []
    for member, array in arrays:
        a = np.asarray(array, dtype=np.float64)
        if a.ndim == 1:
            a = a.reshape(-1, 1)
        if a.ndim != 2:
            raise ValueError("export_weights: %s must be a matrix or a vector" % member)
        lines.append("//   [%6d] %4d x %-4d %s" % (offset, a.shape[0], a.shape[1], member))
        flat = a.reshape(-1)  # C order: row-major
        values += [_literal(v, dtype, suffix) for v in flat]
        offset += flat.size
    lines += [
        "#ifndef " + guard,
        "#define " + guard,
        "",
        "#include <cstddef>",
    ]
    if config:
        lines.append("")
        lines.append("#include <ctattn/pytorch.hpp>")
    lines.append("")
    if namespace:
        lines.append("namespace %s {" % namespace)
        lines.append("")
    lines.append("inline constexpr std::size_t %s_count = %d;" % (name, offset))
    if config:
        base = config["type"] % {"T": ctype}
        lines.append("// The exported module's configuration (ctattn/pytorch.hpp).")
        if config.get("eps") is not None:
            lines.append("struct %s_config : %s {" % (name, base))
            lines.append("  static constexpr %s eps = %s;" % (
                ctype, _literal(config["eps"], dtype, suffix)))
            lines.append("};")
        else:
            lines.append("struct %s_config : %s {};" % (name, base))
        lines.append("inline constexpr ctattn::pytorch::exported_weights<%s_config, %s, %d> %s{{{"
                     % (name, ctype, offset, name))
    else:
        lines.append("inline constexpr %s %s[%d] = {" % (ctype, name, offset))
    row = []
    for v in values:
        row.append(v)
        if len(row) == 4:
            lines.append("    " + ", ".join(row) + ",")
            row = []
    if row:
        lines.append("    " + ", ".join(row) + ",")
    lines.append("}}};" if config else "};")
    if namespace:
        lines.append("")
        lines.append("}  // namespace %s" % namespace)
    lines += ["", "#endif  // " + guard, ""]
    return "\n".join(lines)


def pytorch_encoder_layer(state, nhead, prefix=""):
    """[(member_name, array), ...] in transformer_layer_params order from the state dict of a
    torch.nn.TransformerEncoderLayer (arrays by their PyTorch names; prefix for nested modules)."""
    def get(key, zeros=None):
        if prefix + key not in state:
            if zeros is not None:  # a bias of a module built with bias=False
                return np.zeros(zeros)
            raise ValueError("export_weights: %s%s missing" % (prefix, key))
        return np.asarray(state[prefix + key], dtype=np.float64)
    if prefix + "self_attn.in_proj_weight" not in state:
        raise ValueError("export_weights: %sself_attn.in_proj_weight missing" % prefix)
    d = np.asarray(state[prefix + "self_attn.in_proj_weight"]).shape[1]
    w, b = get("self_attn.in_proj_weight"), get("self_attn.in_proj_bias", 3 * d)
    if w.shape != (3 * d, d) or b.shape != (3 * d,) or nhead < 1 or d % nhead:
        raise ValueError("export_weights: in_proj_weight must be 3D x D with nhead dividing D")
    dh = d // nhead
    arrays = []
    for h in range(nhead):
        rows = [slice(i * d + h * dh, i * d + (h + 1) * dh) for i in range(3)]  # q, k, v
        arrays += [("heads%d_omega_%s" % (h, m), w[r]) for m, r in zip("qkv", rows)]
        arrays += [("heads%d_beta_%s" % (h, m), b[r]) for m, r in zip("qkv", rows)]
    dff = get("linear1.weight").shape[0]
    names = [("attention_omega_c", "self_attn.out_proj.weight", None),
             ("attention_beta_c", "self_attn.out_proj.bias", d),
             ("norm1_gamma", "norm1.weight", None), ("norm1_beta", "norm1.bias", d),
             ("ff1_omega", "linear1.weight", None), ("ff1_beta", "linear1.bias", dff),
             ("ff2_omega", "linear2.weight", None), ("ff2_beta", "linear2.bias", d),
             ("norm2_gamma", "norm2.weight", None), ("norm2_beta", "norm2.bias", d)]
    return arrays + [(ours, get(theirs, zeros)) for ours, theirs, zeros in names]


def encoder_config(state, nhead, layers, norm_first, activation, eps, prefix=""):
    """The configuration dict for format_header: encoder_config<T, D, H, Dff, layers, ...>."""
    if activation not in ("relu", "gelu"):
        raise ValueError("export_weights: activation must be relu or gelu (PyTorch's names)")
    d = np.asarray(state[prefix + "self_attn.in_proj_weight"]).shape[1]
    dff = np.asarray(state[prefix + "linear1.weight"]).shape[0]
    return {"type": "ctattn::pytorch::encoder_config<%%(T)s, %d, %d, %d, %d, %s, %s>" % (
                d, nhead, dff, layers, "ctattn::pre_norm_t" if norm_first else "ctattn::post_norm_t",
                "ctattn::gelu_erf_mlp_t" if activation == "gelu" else "ctattn::relu_mlp_t"),
            "eps": float(eps)}


def pytorch_mha(state, nhead, prefix=""):
    """([(member_name, array), ...] in multihead_attention_params order, config dict) from the
    state dict of a torch.nn.MultiheadAttention (arrays by their PyTorch names)."""
    def has(key):
        return prefix + key in state

    def get(key):
        return np.asarray(state[prefix + key], dtype=np.float64)
    if has("bias_k") or has("bias_v"):
        raise ValueError("export_weights: add_bias_kv=True is not supported")
    if not has("out_proj.weight"):
        raise ValueError("export_weights: %sout_proj.weight missing" % prefix)
    e = get("out_proj.weight").shape[0]
    if nhead < 1 or e % nhead:
        raise ValueError("export_weights: nhead must divide embed_dim (%d)" % e)
    if has("in_proj_weight"):
        w = get("in_proj_weight")
        if w.shape != (3 * e, e):
            raise ValueError("export_weights: in_proj_weight must be 3E x E")
        wq, wk, wv = w[:e], w[e:2 * e], w[2 * e:]
    elif has("q_proj_weight") and has("k_proj_weight") and has("v_proj_weight"):
        wq, wk, wv = get("q_proj_weight"), get("k_proj_weight"), get("v_proj_weight")
        if wq.shape != (e, e) or wk.shape[0] != e or wv.shape[0] != e:
            raise ValueError("export_weights: q/k/v_proj_weight must have embed_dim rows")
    else:
        raise ValueError("export_weights: %sin_proj_weight (or q/k/v_proj_weight) missing" % prefix)
    bias = has("in_proj_bias")
    if bias != has("out_proj.bias"):
        raise ValueError("export_weights: in_proj_bias and out_proj.bias must both be present "
                         "or both absent")
    b = get("in_proj_bias") if bias else np.zeros(3 * e)
    bc = get("out_proj.bias") if bias else np.zeros(e)
    arrays = [("omega_q", wq), ("omega_k", wk), ("omega_v", wv), ("beta_q", b[:e]),
              ("beta_k", b[e:2 * e]), ("beta_v", b[2 * e:]), ("omega_c", get("out_proj.weight")),
              ("beta_c", bc)]
    config = {"type": "ctattn::pytorch::mha_config<%%(T)s, %d, %d, %d, %d, %s>" % (
        e, nhead, wk.shape[1], wv.shape[1], "true" if bias else "false"), "eps": None}
    return arrays, config


def _state_numpy(module):
    return {k: v.detach().double().cpu().numpy() for k, v in module.state_dict().items()}


def export_module(module, path, name, ctype="double", namespace=None):
    """Write a header for a torch.nn.MultiheadAttention, TransformerEncoderLayer or
    TransformerEncoder (without a final norm), reading the configuration from the module."""
    import torch  # only this function needs torch
    state = _state_numpy(module)
    if isinstance(module, torch.nn.MultiheadAttention):
        arrays, config = pytorch_mha(state, module.num_heads)
        what = "torch.nn.MultiheadAttention, num_heads %d" % module.num_heads
    else:
        if isinstance(module, torch.nn.TransformerEncoder):
            if module.norm is not None:
                raise ValueError("export_weights: TransformerEncoder(norm=...) is not supported")
            layers = list(module.layers)
            prefixes = ["layers.%d." % i for i in range(len(layers))]
        else:
            layers, prefixes = [module], [""]
        first = layers[0]
        nhead = first.self_attn.num_heads
        act = getattr(first, "activation", None)
        if act is torch.nn.functional.relu or isinstance(act, torch.nn.ReLU):
            activation = "relu"
        elif act is torch.nn.functional.gelu or isinstance(act, torch.nn.GELU):
            activation = "gelu"
        else:
            raise ValueError("export_weights: activation must be relu or gelu")
        config = encoder_config(state, nhead, len(layers), first.norm_first, activation,
                                first.norm1.eps, prefixes[0])
        arrays = [(p + n, a) for p in prefixes for n, a in pytorch_encoder_layer(state, nhead, p)]
        what = "torch.nn.%s, nhead %d, %d layer(s), norm_first %s, activation %s, eps %r" % (
            type(module).__name__, nhead, len(layers), first.norm_first, activation,
            first.norm1.eps)
    write_header(path, name, arrays, ctype, namespace, "From Python: " + what + ".", config)


def write_header(path, name, arrays, ctype="double", namespace=None, comment=None, config=None):
    """Write format_header(...) to path."""
    text = format_header(name, arrays, ctype, namespace, comment, config)
    with open(path, "w", encoding="ascii", newline="\n") as f:
        f.write(text)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("npz", help=".npz file holding the arrays (np.savez)")
    parser.add_argument("--name", required=True, help="C++ name of the flat array")
    parser.add_argument("--out", required=True, help="header to write")
    parser.add_argument("--type", default="double", choices=sorted(_TYPES), help="element type")
    parser.add_argument("--namespace", default=None, help="C++ namespace for the array")
    parser.add_argument("--order", default=None,
                        help="comma-separated array names (default: the order in the file)")
    parser.add_argument("--pytorch-encoder-layer", type=int, default=None, metavar="NHEAD",
                        help="the arrays are a torch.nn.TransformerEncoderLayer's state dict")
    parser.add_argument("--prefix", action="append", default=None,
                        help="state-dict prefix of an encoder layer (repeatable, in order)")
    parser.add_argument("--norm-first", choices=["false", "true"], default="false",
                        help="the encoder layer's norm_first (default false, PyTorch's)")
    parser.add_argument("--activation", choices=["relu", "gelu"], default="relu",
                        help="the encoder layer's activation (default relu, PyTorch's)")
    parser.add_argument("--eps", type=float, default=1e-5,
                        help="the encoder layer's layer_norm_eps (default 1e-5, PyTorch's)")
    parser.add_argument("--pytorch-mha", type=int, default=None, metavar="NHEAD",
                        help="the arrays are a torch.nn.MultiheadAttention's state dict")
    args = parser.parse_args(argv)
    if args.pytorch_mha is not None and args.pytorch_encoder_layer is not None:
        parser.error("give --pytorch-mha or --pytorch-encoder-layer, not both")
    with np.load(args.npz) as data:
        if args.pytorch_mha is not None:
            try:
                arrays, config = pytorch_mha(data, args.pytorch_mha, (args.prefix or [""])[0])
            except ValueError as e:
                parser.error(str(e))
            write_header(args.out, args.name, arrays, args.type, args.namespace,
                         "From %s: torch.nn.MultiheadAttention, num_heads %d." % (
                             args.npz.split("/")[-1], args.pytorch_mha), config)
            return 0
        if args.pytorch_encoder_layer is not None:
            prefixes = args.prefix or [""]
            nhead = args.pytorch_encoder_layer
            try:
                arrays = [(p + n, a) for p in prefixes
                          for n, a in pytorch_encoder_layer(data, nhead, p)]
                config = encoder_config(data, nhead, len(prefixes), args.norm_first == "true",
                                        args.activation, args.eps, prefixes[0])
            except ValueError as e:
                parser.error(str(e))
            write_header(args.out, args.name, arrays, args.type, args.namespace,
                         "From %s: torch.nn.TransformerEncoderLayer, nhead %d, prefixes %s, "
                         "norm_first %s, activation %s, eps %r." % (
                             args.npz.split("/")[-1], nhead,
                             ", ".join(repr(p) for p in prefixes), args.norm_first,
                             args.activation, args.eps), config)
            return 0
        order = args.order.split(",") if args.order else list(data.files)
        missing = [n for n in order if n not in data.files]
        if missing:
            parser.error("not in %s: %s" % (args.npz, ", ".join(missing)))
        arrays = [(n, data[n]) for n in order]
        write_header(args.out, args.name, arrays, args.type, args.namespace,
                     "From %s (%s)." % (args.npz.split("/")[-1], ", ".join(order)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
