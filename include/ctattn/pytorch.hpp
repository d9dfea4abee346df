// ctattn/pytorch.hpp - PyTorch's conventions: masks as PyTorch lays them out, multi-head
// attention with separate query, key and value inputs (torch.nn.MultiheadAttention), and
// weights exported together with their configuration (tools/export_weights.py).
//
// Layouts. PyTorch keeps tokens in rows, ctattn (the book) in columns: PyTorch's query (Nq, E)
// is ctattn's query E x Nq, and PyTorch's attention weights (Nq, Nk) are ctattn's Nk x Nq.
// Weight matrices are the same in both (out_features x in_features, row-major): y = W x + b.
// docs/from-pytorch.md has the whole table.
//
// Masks (PyTorch's layout in, ctattn's out; pass the result to allowed / additive_mask /
// valid_keys of ctattn/options.hpp):
//   from_attn_mask(M)          M: matrix<bool, Nq, Nk>, true = NOT allowed (nn.MultiheadAttention,
//                              nn.Transformer*); returns matrix<bool, Nk, Nq> for ctattn::allowed
//   from_attn_mask(A)          A: matrix<T, Nq, Nk>, added to the scaled scores, -inf = masked;
//                              returns matrix<T, Nk, Nq> for ctattn::additive_mask. PyTorch adds
//                              it after scaling (baddbmm(A, q / sqrt(Dh), k^T)), as ctattn does,
//                              so finite values mean the same in both.
//   from_sdpa_mask(M)          M: matrix<bool, Nq, Nk>, true = allowed
//                              (F.scaled_dot_product_attention's polarity); for ctattn::allowed
//   from_key_padding_mask(v)   v: row_vector<bool, Nk> or vector<bool, Nk>, true = padding;
//                              returns vector<bool, Nk> for ctattn::valid_keys
//
// Multi-head attention (nn.MultiheadAttention in eval mode, one sequence):
//   multihead_attention_params<T, E, H, Kdim = E, Vdim = E>  members in the order of PyTorch's
//       state dict: omega_q (E x E), omega_k (E x Kdim), omega_v (E x Vdim) (= in_proj_weight's
//       three row blocks, or q/k/v_proj_weight), beta_q, beta_k, beta_v (= in_proj_bias),
//       omega_c (out_proj.weight), beta_c (out_proj.bias)
//   multihead_attention(query, key, value, p, opts...)
//       query E x Nq, key Kdim x Nk, value Vdim x Nk; Q = beta_q 1^T + Omega_q query, ... ;
//       head h uses rows h*E/H .. (h+1)*E/H - 1 of Q, K and V, scaled by 1/sqrt(E/H) (a scaling
//       option replaces that); output = beta_c 1^T + Omega_c [Sa_1; ...; Sa_H] (E x Nq),
//       weights[h] (Nk x Nq). multihead_attention(x, x, x, p) has the bits of
//       multihead_self_attention(x, to_multihead_params(p)).
//   qkv_attention_params / cross_attention(xq, xk, xv, p, opts...)   one head, keys and values
//       from separate inputs (unscaled by default, as cross_attention).
// A query whose keys are all masked gets zero weights (so output column = beta_c); torch 1.13's
// nn.MultiheadAttention returns NaN there (tests/runtime/test_pytorch.cpp checks both).
//
// Exported configuration: tools/export_weights.py --pytorch-mha / --pytorch-encoder-layer write
// the weights as pytorch::exported_weights<Config, T, N> (a std::array, so load_params reads it
// as before) and a struct NAME_config naming the shapes, heads, norm_first, activation and eps.
// load_params<P>(NAME) (the form returning P) is a compile error unless P is
// NAME_config::params_type, and
// pytorch::transformer_layer<NAME_config>(x, p, opts...) takes norm place, activation and eps from
// the configuration: an option contradicting it, or norm_eps, is a compile error.
// pytorch::transformer_encoder<NAME_config>(x, ps, opts...) runs all exported layers;
// pytorch::encoder_layer<NAME_config, Opts...> is the same as a layer of ctattn::sequential, and
// load_params<sequential<L, ...>>(NAME) loads a model of NAME_config::layers of them.
#ifndef CTATTN_PYTORCH_HPP
#define CTATTN_PYTORCH_HPP

#include <array>
#include <cstddef>
#include <tuple>
#include <type_traits>

#include <boost/hana/accessors.hpp>
#include <boost/hana/basic_tuple.hpp>
#include <boost/hana/pair.hpp>
#include <boost/hana/string.hpp>

#include <ctattn/detail/isa.hpp>
#include <ctattn/attention.hpp>
#include <ctattn/detail/fp.hpp>
#include <ctattn/matrix.hpp>
#include <ctattn/multihead.hpp>
#include <ctattn/options.hpp>
#include <ctattn/params.hpp>
#include <ctattn/sequential.hpp>
#include <ctattn/transformer.hpp>

CTATTN_DETAIL_FP_STRICT_BEGIN

namespace ctattn::inline CTATTN_ISA_NS {

// ---- masks in PyTorch's layout ----------------------------------------------------------------

//! nn.MultiheadAttention's boolean attn_mask (Nq x Nk, true = query n may NOT attend key m) as
//! ctattn's allowed matrix (Nk x Nq, true = may attend): allowed(m, n) = !attn_mask(n, m).
template <std::size_t Nq, std::size_t Nk>
[[nodiscard]] constexpr matrix<bool, Nk, Nq> from_attn_mask(
    const matrix<bool, Nq, Nk>& attn_mask) noexcept {
  matrix<bool, Nk, Nq> allowed{};
  for (std::size_t m = 0; m < Nk; ++m)
    for (std::size_t n = 0; n < Nq; ++n) allowed.elems[m * Nq + n] = !attn_mask.elems[n * Nk + m];
  return allowed;
}

//! nn.MultiheadAttention's float attn_mask (Nq x Nk, added to the scaled scores; -inf masks)
//! as ctattn's additive mask (Nk x Nq): the transpose, values unchanged.
template <class T, std::size_t Nq, std::size_t Nk>
  requires(!std::is_same_v<T, bool>)
[[nodiscard]] constexpr matrix<T, Nk, Nq> from_attn_mask(
    const matrix<T, Nq, Nk>& attn_mask) noexcept {
  return transpose(attn_mask);
}

//! F.scaled_dot_product_attention's boolean attn_mask (Nq x Nk, true = may attend) as ctattn's
//! allowed matrix (Nk x Nq): the transpose, values unchanged.
template <std::size_t Nq, std::size_t Nk>
[[nodiscard]] constexpr matrix<bool, Nk, Nq> from_sdpa_mask(
    const matrix<bool, Nq, Nk>& attn_mask) noexcept {
  return transpose(attn_mask);
}

//! key_padding_mask (true = padding) as ctattn's valid_keys vector (true = real token).
template <std::size_t Nk>
[[nodiscard]] constexpr vector<bool, Nk> from_key_padding_mask(
    const row_vector<bool, Nk>& key_padding_mask) noexcept {
  vector<bool, Nk> valid{};
  for (std::size_t m = 0; m < Nk; ++m) valid.elems[m] = !key_padding_mask.elems[m];
  return valid;
}
//! The same from a column vector (a 1-D mask of Nk entries).
template <std::size_t Nk>
  requires(Nk != 1)
[[nodiscard]] constexpr vector<bool, Nk> from_key_padding_mask(
    const vector<bool, Nk>& key_padding_mask) noexcept {
  return from_key_padding_mask(transpose(key_padding_mask));
}

// ---- multi-head attention with separate query, key and value ----------------------------------

//! nn.MultiheadAttention's parameters: embed_dim E, H heads, keys of dimension Kdim and values
//! of dimension Vdim (PyTorch's kdim, vdim). Members in the order of PyTorch's state dict (and
//! of load_params): in_proj_weight's three row blocks (or q/k/v_proj_weight), in_proj_bias's
//! three parts, out_proj.weight, out_proj.bias. Head h owns rows h*E/H .. (h+1)*E/H - 1.
template <class T, std::size_t E, std::size_t H, std::size_t Kdim = E, std::size_t Vdim = E>
struct multihead_attention_params {
  static_assert(detail::check_heads<E, H>());
  using value_type = T;
  static constexpr std::size_t embed_dim = E;
  static constexpr std::size_t heads_count = H;
  static constexpr std::size_t head_dim = detail::head_dim<E, H>;
  static constexpr std::size_t kdim = Kdim;
  static constexpr std::size_t vdim = Vdim;

  matrix<T, E, E> omega_q;
  matrix<T, E, Kdim> omega_k;
  matrix<T, E, Vdim> omega_v;
  vector<T, E> beta_q;
  vector<T, E> beta_k;
  vector<T, E> beta_v;
  matrix<T, E, E> omega_c;
  vector<T, E> beta_c;

  friend constexpr bool operator==(const multihead_attention_params&,
                                   const multihead_attention_params&) = default;
};

//! What multihead_attention returns: `output` (E x Nq) and every head's weights (`weights[h]`
//! is Nk x Nq, keys x queries; PyTorch's average_attn_weights=False, transposed).
template <class T, std::size_t E, std::size_t Nq, std::size_t Nk, std::size_t H>
struct multihead_attention_result {
  matrix<T, E, Nq> output;
  std::array<matrix<T, Nk, Nq>, H> weights;

  friend constexpr bool operator==(const multihead_attention_result&,
                                   const multihead_attention_result&) = default;
};

//! The parameters of one head whose queries, keys and values come from three inputs (of
//! dimensions Dq, Dkin, Dvin): Omega_q Dk x Dq, Omega_k Dk x Dkin, Omega_v Dv x Dvin.
template <class T, std::size_t Dq, std::size_t Dkin, std::size_t Dvin, std::size_t Dk = Dq,
          std::size_t Dv = Dvin>
struct qkv_attention_params {
  using value_type = T;

  matrix<T, Dk, Dq> omega_q;
  matrix<T, Dk, Dkin> omega_k;
  matrix<T, Dv, Dvin> omega_v;
  vector<T, Dk> beta_q;
  vector<T, Dk> beta_k;
  vector<T, Dv> beta_v;

  friend constexpr bool operator==(const qkv_attention_params&,
                                   const qkv_attention_params&) = default;
};

namespace detail {
template <std::size_t DQ, std::size_t E, std::size_t DK, std::size_t Kdim, std::size_t DV,
          std::size_t Vdim>
consteval void require_mha_dims() {
  static_assert(DQ == E && DK == Kdim && DV == Vdim,
                "ctattn::multihead_attention: query must have E rows, key Kdim and value Vdim "
                "(multihead_attention_params<T, E, H, Kdim, Vdim>; see the template arguments "
                "below: DQ, DK, DV are the inputs' rows)");
}

// Rows R0 .. R0 + Rows - 1 of m.
template <std::size_t Rows, class T, std::size_t R, std::size_t C>
constexpr matrix<T, Rows, C> row_block(const matrix<T, R, C>& m, std::size_t r0) noexcept {
  matrix<T, Rows, C> out{};
  copy_n<Rows * C>(out.elems, m.elems + r0 * C);
  return out;
}
}  // namespace detail

//! nn.MultiheadAttention(query, key, value) for one sequence, tokens in columns: query E x Nq,
//! key Kdim x Nk, value Vdim x Nk. Each head is scaled by 1/sqrt(E/H) unless a scaling option
//! says otherwise; masks and the exp as in self_attention (masks apply to every head).
template <class T, std::size_t DQ, std::size_t Nq, std::size_t DK, std::size_t Nk,
          std::size_t DV, std::size_t E, std::size_t H, std::size_t Kdim, std::size_t Vdim,
          class... Opts>
[[nodiscard]] constexpr multihead_attention_result<T, E, Nq, Nk, H> multihead_attention(
    const matrix<T, DQ, Nq>& query, const matrix<T, DK, Nk>& key, const matrix<T, DV, Nk>& value,
    const multihead_attention_params<T, E, H, Kdim, Vdim>& p, const Opts&... opts) noexcept {
  detail::require_scalar<T, DQ, Nq>();
  detail::require_mha_dims<DQ, E, DK, Kdim, DV, Vdim>();
  multihead_attention_result<T, E, Nq, Nk, H> r{};
  if constexpr (DQ == E && DK == Kdim && DV == Vdim) {
    constexpr std::size_t Dh = multihead_attention_params<T, E, H, Kdim, Vdim>::head_dim;
    // Row i of Q is row i of a per-head projection: the same operations (ctattn/matrix.hpp), so
    // the same bits as multihead_self_attention's per-head affine maps.
    const matrix<T, E, Nq> q = affine(p.omega_q, query, p.beta_q);
    const matrix<T, E, Nk> k = affine(p.omega_k, key, p.beta_k);
    const matrix<T, E, Nk> v = affine(p.omega_v, value, p.beta_v);
    matrix<T, E, Nq> stacked{};  // [Sa_1; ...; Sa_H]
    for (std::size_t h = 0; h < H; ++h) {
      const matrix<T, Dh, Nq> qh = detail::row_block<Dh>(q, h * Dh);
      const matrix<T, Dh, Nk> kh = detail::row_block<Dh>(k, h * Dh);
      const matrix<T, Dh, Nk> vh = detail::row_block<Dh>(v, h * Dh);
      matrix<T, Dh, Nq> sa{};
      if constexpr (detail::has_option_v<detail::is_scale_option, Opts...>)
        detail::attend_into(sa, r.weights[h], qh, kh, vh, opts...);
      else
        detail::attend_into(sa, r.weights[h], qh, kh, vh, scaled, opts...);
      detail::copy_n<Dh * Nq>(stacked.elems + h * Dh * Nq, sa.elems);
    }
    r.output = affine(p.omega_c, stacked, p.beta_c);
  }
  return r;
}

//! One head with queries from xq (Dq x Nq), keys from xk (Dkin x Nk) and values from xv
//! (Dvin x Nk): output Dv x Nq, weights Nk x Nq. Unscaled by default, as cross_attention;
//! cross_attention(xq, x, x, p) has the bits of cross_attention(xq, x, p') with p' the same
//! matrices as cross_attention_params.
template <class T, std::size_t DXq, std::size_t Nq, std::size_t DXk, std::size_t Nk,
          std::size_t DXv, std::size_t Dq, std::size_t Dkin, std::size_t Dvin, std::size_t Dk,
          std::size_t Dv, class... Opts>
[[nodiscard]] constexpr attention_result<T, Dv, Nq, Nk> cross_attention(
    const matrix<T, DXq, Nq>& xq, const matrix<T, DXk, Nk>& xk, const matrix<T, DXv, Nk>& xv,
    const qkv_attention_params<T, Dq, Dkin, Dvin, Dk, Dv>& p, const Opts&... opts) noexcept {
  detail::require_scalar<T, DXq, Nq>();
  detail::require_cross_dims<DXq, Dq, DXk, Dkin>();
  detail::require_cross_dims<DXq, Dq, DXv, Dvin>();
  if constexpr (DXq == Dq && DXk == Dkin && DXv == Dvin) {
    const matrix<T, Dk, Nq> q = affine(p.omega_q, xq, p.beta_q);
    const matrix<T, Dk, Nk> k = affine(p.omega_k, xk, p.beta_k);
    const matrix<T, Dv, Nk> v = affine(p.omega_v, xv, p.beta_v);
    return detail::attend(q, k, v, opts...);
  } else {
    return {};
  }
}

//! multihead_attention_params (Kdim = Vdim = E) as multihead_params_with_bias: head h gets rows
//! h*E/H .. of omega_q, omega_k, omega_v and the biases. Exact (copies only).
template <class T, std::size_t E, std::size_t H>
[[nodiscard]] constexpr multihead_params_with_bias<T, E, H> to_multihead_params(
    const multihead_attention_params<T, E, H>& p) noexcept {
  constexpr std::size_t Dh = multihead_params_with_bias<T, E, H>::head_dim;
  multihead_params_with_bias<T, E, H> out{};
  for (std::size_t h = 0; h < H; ++h) {
    auto& head = out.heads[h];
    head.omega_q = detail::row_block<Dh>(p.omega_q, h * Dh);
    head.omega_k = detail::row_block<Dh>(p.omega_k, h * Dh);
    head.omega_v = detail::row_block<Dh>(p.omega_v, h * Dh);
    head.beta_q = detail::row_block<Dh>(p.beta_q, h * Dh);
    head.beta_k = detail::row_block<Dh>(p.beta_k, h * Dh);
    head.beta_v = detail::row_block<Dh>(p.beta_v, h * Dh);
  }
  out.omega_c = p.omega_c;
  out.beta_c = p.beta_c;
  return out;
}

//! The inverse: the heads of multihead_params_with_bias stacked into PyTorch's projections.
template <class T, std::size_t E, std::size_t H>
[[nodiscard]] constexpr multihead_attention_params<T, E, H> to_multihead_attention_params(
    const multihead_params_with_bias<T, E, H>& p) noexcept {
  constexpr std::size_t Dh = multihead_params_with_bias<T, E, H>::head_dim;
  multihead_attention_params<T, E, H> out{};
  for (std::size_t h = 0; h < H; ++h) {
    const auto& head = p.heads[h];
    detail::copy_n<Dh * E>(out.omega_q.elems + h * Dh * E, head.omega_q.elems);
    detail::copy_n<Dh * E>(out.omega_k.elems + h * Dh * E, head.omega_k.elems);
    detail::copy_n<Dh * E>(out.omega_v.elems + h * Dh * E, head.omega_v.elems);
    detail::copy_n<Dh>(out.beta_q.elems + h * Dh, head.beta_q.elems);
    detail::copy_n<Dh>(out.beta_k.elems + h * Dh, head.beta_k.elems);
    detail::copy_n<Dh>(out.beta_v.elems + h * Dh, head.beta_v.elems);
  }
  out.omega_c = p.omega_c;
  out.beta_c = p.beta_c;
  return out;
}

// ---- weights exported with their configuration ------------------------------------------------

namespace pytorch {

//! The configuration of an exported nn.MultiheadAttention (tools/export_weights.py
//! --pytorch-mha): embed_dim E, H heads, kdim, vdim, and whether the module had biases (without
//! them the exported biases are zeros: y = W x + 0 is W x).
template <class T, std::size_t E, std::size_t H, std::size_t Kdim, std::size_t Vdim, bool Bias>
struct mha_config {
  using value_type = T;
  static constexpr std::size_t embed_dim = E;
  static constexpr std::size_t heads = H;
  static constexpr std::size_t kdim = Kdim;
  static constexpr std::size_t vdim = Vdim;
  static constexpr bool bias = Bias;
  using params_type = multihead_attention_params<T, E, H, Kdim, Vdim>;
};

//! The configuration of exported nn.TransformerEncoderLayer(s) (tools/export_weights.py
//! --pytorch-encoder-layer): shapes, heads, the number of layers, norm_first (NormPlace:
//! ctattn::pre_norm_t or post_norm_t) and the activation (relu_mlp_t, gelu_erf_mlp_t). The
//! exported header derives NAME_config from it and adds `static constexpr T eps`.
template <class T, std::size_t D, std::size_t H, std::size_t Dff, std::size_t Layers,
          class NormPlace, class Activation>
struct encoder_config {
  static_assert(detail::is_norm_place_v<NormPlace> && detail::is_activation_v<Activation>,
                "ctattn::pytorch::encoder_config: NormPlace must be post_norm_t or pre_norm_t, "
                "Activation relu_mlp_t, gelu_mlp_t or gelu_erf_mlp_t");
  using value_type = T;
  static constexpr std::size_t model_dim = D;
  static constexpr std::size_t heads = H;
  static constexpr std::size_t hidden_dim = Dff;
  static constexpr std::size_t layers = Layers;
  static constexpr bool norm_first = std::is_same_v<NormPlace, pre_norm_t>;
  using norm_place = NormPlace;
  using activation = Activation;
  using layer_params = transformer_layer_params<T, D, H, Dff>;
  using params_type =
      std::conditional_t<Layers == 1, layer_params, std::array<layer_params, Layers>>;
};

template <class Config, class... Opts>
struct encoder_layer;

namespace detail {
template <class Config, class L>
inline constexpr bool is_layer_of_v = false;
template <class Config, class... Opts>
inline constexpr bool is_layer_of_v<Config, encoder_layer<Config, Opts...>> = true;

// P is a ctattn::sequential of Config::layers encoder_layer<Config, ...>.
template <class Config, class P>
inline constexpr bool is_model_of_v = false;
template <class Config, class... L>
inline constexpr bool is_model_of_v<Config, sequential<L...>> =
    sizeof...(L) == Config::layers && (is_layer_of_v<Config, L> && ...);

template <class Config, class P>
inline constexpr bool loads_as_v =
    std::is_same_v<P, typename Config::params_type> || is_model_of_v<Config, P>;

template <class Config, class P>
consteval void require_config_params() {
  static_assert(loads_as_v<Config, P>,
                "ctattn::load_params: these weights were exported for Config::params_type, not "
                "P (see Config and P below: the heads, shapes or number of layers differ; a "
                "ctattn::sequential must hold Config::layers pytorch::encoder_layer<Config>)");
}
}  // namespace detail

//! Weights exported with their configuration: a std::array (load_params reads it as a flat
//! array) whose type names the Config. load_params<P>(w) requires P == Config::params_type.
template <class Config, class T, std::size_t N>
struct exported_weights : std::array<T, N> {
  using config = Config;

  // Found by argument-dependent lookup from ctattn::load_params<P>(w); preferred to the
  // std::array overload, as it needs no derived-to-base conversion.
  template <class P>
  friend constexpr void load_params(P& p, const exported_weights& w) noexcept {
    detail::require_config_params<Config, P>();
    if constexpr (detail::loads_as_v<Config, P>)
      ctattn::load_params(p, static_cast<const std::array<T, N>&>(w));
  }
};

namespace detail {
template <class Config, class Option>
consteval void require_config_option() {
  using ctattn::detail::is_activation_v;
  using ctattn::detail::is_norm_place_v;
  static_assert(!is_norm_place_v<Option> || std::is_same_v<Option, typename Config::norm_place>,
                "ctattn::pytorch::transformer_layer: the option contradicts the exported "
                "configuration's norm_first (see Option and Config below)");
  static_assert(!is_activation_v<Option> || std::is_same_v<Option, typename Config::activation>,
                "ctattn::pytorch::transformer_layer: the option contradicts the exported "
                "configuration's activation (see Option and Config below)");
  static_assert(!ctattn::detail::is_norm_eps_v<Option>,
                "ctattn::pytorch::transformer_layer: eps comes from the exported configuration "
                "(Config::eps); do not pass norm_eps");
}

// The option as a one-element tuple, or an empty tuple for the options the configuration
// supplies itself (after checking that they agree with it).
template <class Config, class Option>
constexpr auto keep_option(const Option& o) noexcept {
  require_config_option<Config, Option>();
  if constexpr (ctattn::detail::is_norm_place_v<Option> || ctattn::detail::is_activation_v<Option>)
    return std::tuple<>{};
  else
    return std::tuple<Option>{o};
}
}  // namespace detail

//! transformer_layer with the exported configuration: norm place, activation and eps from
//! Config (the NAME_config of an exported header); opts may add causal and the exp. p must be
//! Config::layer_params.
template <class Config, class T, std::size_t D, std::size_t N, std::size_t H, std::size_t Dff,
          class... Opts>
[[nodiscard]] constexpr matrix<T, D, N> transformer_layer(
    const matrix<T, D, N>& x, const transformer_layer_params<T, D, H, Dff>& p,
    const Opts&... opts) noexcept {
  static_assert(std::is_same_v<transformer_layer_params<T, D, H, Dff>,
                               typename Config::layer_params>,
                "ctattn::pytorch::transformer_layer: p is not Config::layer_params (see Config "
                "below: the heads or shapes differ)");
  const auto kept = std::tuple_cat(detail::keep_option<Config>(opts)...);
  return std::apply(
      [&](const auto&... o) {
        return ctattn::transformer_layer(x, p, typename Config::norm_place{},
                                         typename Config::activation{}, norm_eps(Config::eps),
                                         o...);
      },
      kept);
}

//! The exported layers one after the other (nn.TransformerEncoder without a final norm).
template <class Config, class T, std::size_t D, std::size_t N, class... Opts>
[[nodiscard]] constexpr matrix<T, D, N> transformer_encoder(
    const matrix<T, D, N>& x, const typename Config::params_type& ps,
    const Opts&... opts) noexcept {
  if constexpr (Config::layers == 1) {
    return pytorch::transformer_layer<Config>(x, ps, opts...);
  } else {
    matrix<T, D, N> y = x;
    for (const auto& p : ps) y = pytorch::transformer_layer<Config>(y, p, opts...);
    return y;
  }
}

//! An exported encoder layer as a layer of ctattn::sequential: pytorch::transformer_layer<Config>
//! with the tag options Opts (ctattn::causal_t, ctattn::exp_fast_fn). A sequential of
//! Config::layers of them loads from the exported weights:
//!   using L = ctattn::pytorch::encoder_layer<NAME_config, ctattn::causal_t>;
//!   constexpr auto model = ctattn::load_params<ctattn::sequential<L, L>>(NAME);
template <class Config, class... Opts>
struct encoder_layer {
  using value_type = typename Config::value_type;
  using params_type = typename Config::layer_params;
  static constexpr std::size_t in_dim = Config::model_dim;
  static constexpr std::size_t out_dim = Config::model_dim;
  params_type params;

  template <std::size_t N>
  [[nodiscard]] constexpr matrix<value_type, in_dim, N> operator()(
      const matrix<value_type, in_dim, N>& x) const noexcept {
    return pytorch::transformer_layer<Config>(x, params, Opts{}...);
  }
};

}  // namespace pytorch
}  // namespace ctattn

// ---- reflection (ctattn/params.hpp): members in declaration order -----------------------------

namespace boost::hana {

template <class T, std::size_t E, std::size_t H, std::size_t Kdim, std::size_t Vdim>
struct accessors_impl<ctattn::multihead_attention_params<T, E, H, Kdim, Vdim>> {
  using S = ctattn::multihead_attention_params<T, E, H, Kdim, Vdim>;
  static constexpr auto apply() {
    using ctattn::detail::member_accessor;
    return hana::make_basic_tuple(
        hana::make_pair(BOOST_HANA_STRING("omega_q"), member_accessor<&S::omega_q>{}),
        hana::make_pair(BOOST_HANA_STRING("omega_k"), member_accessor<&S::omega_k>{}),
        hana::make_pair(BOOST_HANA_STRING("omega_v"), member_accessor<&S::omega_v>{}),
        hana::make_pair(BOOST_HANA_STRING("beta_q"), member_accessor<&S::beta_q>{}),
        hana::make_pair(BOOST_HANA_STRING("beta_k"), member_accessor<&S::beta_k>{}),
        hana::make_pair(BOOST_HANA_STRING("beta_v"), member_accessor<&S::beta_v>{}),
        hana::make_pair(BOOST_HANA_STRING("omega_c"), member_accessor<&S::omega_c>{}),
        hana::make_pair(BOOST_HANA_STRING("beta_c"), member_accessor<&S::beta_c>{}));
  }
};

template <class T, std::size_t Dq, std::size_t Dkin, std::size_t Dvin, std::size_t Dk,
          std::size_t Dv>
struct accessors_impl<ctattn::qkv_attention_params<T, Dq, Dkin, Dvin, Dk, Dv>> {
  using S = ctattn::qkv_attention_params<T, Dq, Dkin, Dvin, Dk, Dv>;
  static constexpr auto apply() {
    using ctattn::detail::member_accessor;
    return hana::make_basic_tuple(
        hana::make_pair(BOOST_HANA_STRING("omega_q"), member_accessor<&S::omega_q>{}),
        hana::make_pair(BOOST_HANA_STRING("omega_k"), member_accessor<&S::omega_k>{}),
        hana::make_pair(BOOST_HANA_STRING("omega_v"), member_accessor<&S::omega_v>{}),
        hana::make_pair(BOOST_HANA_STRING("beta_q"), member_accessor<&S::beta_q>{}),
        hana::make_pair(BOOST_HANA_STRING("beta_k"), member_accessor<&S::beta_k>{}),
        hana::make_pair(BOOST_HANA_STRING("beta_v"), member_accessor<&S::beta_v>{}));
  }
};

}  // namespace boost::hana

CTATTN_DETAIL_FP_STRICT_END

#endif  // CTATTN_PYTORCH_HPP
