// ctattn/transformer.hpp - the transformer encoder layer ("Understanding Deep Learning",
// section 12.4.5): multi-head self-attention and a two-layer network, each with a residual
// connection and LayerNorm over the D dimension of every token (column).
//
// Post-norm, as in the book and in the original transformer (the default):
//   X <- LayerNorm_1(X + MhSa[X])
//   X <- LayerNorm_2(X + mlp(X)),        mlp(X) = Omega_2 relu(Omega_1 X + beta_1 1^T) + beta_2 1^T
// Pre-norm (option ctattn::pre_norm; GPT-2 and most recent models):
//   X <- X + MhSa[LayerNorm_1(X)]
//   X <- X + mlp(LayerNorm_2(X))
// MhSa is ctattn::multihead_self_attention with an output bias (each head scaled by
// 1/sqrt(D/H)); the layer maps D x N to D x N.
//
// Options after the parameters, in any order, each kind at most once:
//   ctattn::post_norm / ctattn::pre_norm     the arrangement (default post_norm)
//   ctattn::relu_mlp / ctattn::gelu_mlp / ctattn::gelu_erf_mlp
//                                            the mlp's activation (default relu_mlp, the book's;
//                                            gelu_mlp is GELU's tanh form, gelu_erf_mlp the
//                                            exact erf form)
//   ctattn::causal                           causal self-attention (decoder-style)
//   ctattn::norm_eps(e)                      LayerNorm's epsilon (default T(1e-5), PyTorch's)
//   ctattn::exp / ctattn::exp_fast           the softmax's exp (default ctattn::exp)
//   transformer_layer(X, p, ctattn::pre_norm, ctattn::causal, ctattn::gelu_mlp)
// Any other argument is a compile error naming it.
//
// transformer_layer_into(out, X, p, ws, options...) writes the same bits into the caller's `out`
// with a transformer_workspace (one head's K and V and a few token-sized vectors): no N x N
// matrix, no D x N temporary (ctattn/workspace.hpp, docs/memory.md).
//
// transformer_attention_block and transformer_mlp_block are the two halves (sublayers);
// transformer_layer is the one applied to the other, with the same bits. A static_assert over a
// large layer can evaluate them as two constant expressions: GCC's -fconstexpr-ops-limit counts
// per evaluation, and at N = D = 64, H = 8, Dff = 256 only the halves fit its default.
#ifndef CTATTN_TRANSFORMER_HPP
#define CTATTN_TRANSFORMER_HPP

#include <cstddef>
#include <limits>
#include <type_traits>
#include <utility>

#include <ctattn/detail/fp.hpp>
#include <ctattn/detail/isa.hpp>
#include <ctattn/layers.hpp>
#include <ctattn/math.hpp>
#include <ctattn/matrix.hpp>
#include <ctattn/multihead.hpp>
#include <ctattn/options.hpp>
#include <ctattn/workspace.hpp>

CTATTN_DETAIL_FP_STRICT_BEGIN

namespace ctattn::inline CTATTN_ISA_NS {

//! The parameters of one encoder layer with model dimension D, H heads and a hidden layer of
//! Dff units, in load order (load_params/store_params walk the members in this order):
//! `attention` (multi-head, with output bias), `norm1` (after or, pre-norm, before the
//! attention), `ff1` (D -> Dff), `ff2` (Dff -> D), `norm2` (around the mlp).
template <class T, std::size_t D, std::size_t H, std::size_t Dff>
struct transformer_layer_params {
  using value_type = T;
  static constexpr std::size_t model_dim = D;
  static constexpr std::size_t heads_count = H;
  static constexpr std::size_t hidden_dim = Dff;

  multihead_params_with_bias<T, D, H> attention;
  layer_norm_params<T, D> norm1;
  linear_params<T, D, Dff> ff1;
  linear_params<T, Dff, D> ff2;
  layer_norm_params<T, D> norm2;

  friend constexpr bool operator==(const transformer_layer_params&,
                                   const transformer_layer_params&) = default;
};

//! Arrangement option: LayerNorm after each residual addition (the book's; the default).
struct post_norm_t {};
inline constexpr post_norm_t post_norm{};
//! Arrangement option: LayerNorm on the input of each sublayer, residual added after.
struct pre_norm_t {};
inline constexpr pre_norm_t pre_norm{};

//! Activation option: ReLU between the two linear maps (the book's; the default).
struct relu_mlp_t {};
inline constexpr relu_mlp_t relu_mlp{};
//! Activation option: GELU, tanh form (ctattn::gelu).
struct gelu_mlp_t {};
inline constexpr gelu_mlp_t gelu_mlp{};
//! Activation option: GELU, exact erf form (ctattn::gelu_erf).
struct gelu_erf_mlp_t {};
inline constexpr gelu_erf_mlp_t gelu_erf_mlp{};

//! LayerNorm epsilon option (see norm_eps()).
template <class T>
struct norm_eps_t {
  T eps;
};
//! LayerNorm's epsilon, added to the variance before the square root; its type must be the
//! layer's element type (write norm_eps(1e-6f) for float).
template <class T>
[[nodiscard]] constexpr norm_eps_t<T> norm_eps(const T& eps) noexcept {
  return {eps};
}

namespace detail {

template <class O>
inline constexpr bool is_norm_place_v =
    std::is_same_v<O, post_norm_t> || std::is_same_v<O, pre_norm_t>;
template <class O>
inline constexpr bool is_activation_v = std::is_same_v<O, relu_mlp_t> ||
                                        std::is_same_v<O, gelu_mlp_t> ||
                                        std::is_same_v<O, gelu_erf_mlp_t>;
template <class O>
inline constexpr bool is_norm_eps_v = false;
template <class T>
inline constexpr bool is_norm_eps_v<norm_eps_t<T>> = true;
template <class O>
inline constexpr bool is_layer_exp_v =
    std::is_same_v<O, exp_fn> || std::is_same_v<O, exp_fast_fn>;

template <class O>
struct is_norm_place_option : std::bool_constant<is_norm_place_v<O>> {};
template <class O>
struct is_activation_option : std::bool_constant<is_activation_v<O>> {};
template <class O>
struct is_norm_eps_option : std::bool_constant<is_norm_eps_v<O>> {};
template <class O>
struct is_layer_exp_option : std::bool_constant<is_layer_exp_v<O>> {};

// One option of transformer_layer; Option is named in the instantiation context when it is not
// one of those listed.
template <class Option>
consteval void require_transformer_option() {
  static_assert(is_norm_place_v<Option> || is_activation_v<Option> || is_norm_eps_v<Option> ||
                    is_causal_option_v<Option> || is_layer_exp_v<Option>,
                "ctattn::transformer_layer: unknown option (see Option below); the options are "
                "post_norm, pre_norm, relu_mlp, gelu_mlp, gelu_erf_mlp, causal, norm_eps(e), "
                "exp and exp_fast");
}

template <class T, class... Opts>
consteval bool check_transformer_options() {
  (require_transformer_option<Opts>(), ...);
  static_assert(count_options_v<is_norm_place_option, Opts...> <= 1,
                "ctattn::transformer_layer: give at most one of post_norm and pre_norm");
  static_assert(count_options_v<is_activation_option, Opts...> <= 1,
                "ctattn::transformer_layer: give at most one activation (relu_mlp, gelu_mlp or "
                "gelu_erf_mlp)");
  static_assert(count_options_v<is_norm_eps_option, Opts...> <= 1,
                "ctattn::transformer_layer: give norm_eps(e) at most once");
  static_assert(count_options_v<is_causal_option, Opts...> <= 1,
                "ctattn::transformer_layer: give causal at most once");
  static_assert(count_options_v<is_layer_exp_option, Opts...> <= 1,
                "ctattn::transformer_layer: give at most one exp function (exp or exp_fast)");
  static_assert(((!is_norm_eps_v<Opts> || std::is_same_v<Opts, norm_eps_t<T>>) && ...),
                "ctattn::norm_eps(e): e must have the layer's element type T (write "
                "norm_eps(1e-6f) for float)");
  return true;
}

template <std::size_t DX, std::size_t D>
consteval void require_layer_input_dim() {
  static_assert(DX == D,
                "ctattn::transformer_layer: X has DX rows but the parameters expect inputs of "
                "dimension D (see the template arguments below)");
}

// The mlp: ff2(act(ff1(x))).
template <class Act, class T, std::size_t D, std::size_t Dff, std::size_t N>
constexpr matrix<T, D, N> mlp(const matrix<T, D, N>& x, const linear_params<T, D, Dff>& ff1,
                              const linear_params<T, Dff, D>& ff2) noexcept {
  const matrix<T, Dff, N> h = linear(x, ff1);
  if constexpr (std::is_same_v<Act, gelu_mlp_t>)
    return linear(gelu(h), ff2);
  else if constexpr (std::is_same_v<Act, gelu_erf_mlp_t>)
    return linear(gelu_erf(h), ff2);
  else
    return linear(relu(h), ff2);
}

// Multi-head self-attention with output bias, X' = beta_c 1^T + Omega_c [Sa_1; ...; Sa_H], each
// head scaled by 1/sqrt(D/H), with the attention options among opts (causal, exp); the others
// are the layer's own. The operations of multihead_self_attention(x, p, ...).output in the same
// order (so the same bits; tests/model checks it), without keeping the H weight matrices that
// the layer discards: one N x N scratch matrix instead, which makes the constant evaluation
// cheaper (GCC counts every element initialised and copied).
template <class T, std::size_t D, std::size_t N, std::size_t H, class... Opts>
constexpr matrix<T, D, N> layer_attention(const matrix<T, D, N>& x,
                                          const multihead_params_with_bias<T, D, H>& p,
                                          const Opts&... opts) noexcept {
  constexpr std::size_t Dh = multihead_params_with_bias<T, D, H>::head_dim;
  const auto exp_f = pick_option<is_layer_exp_option>(exp_fn{}, opts...);
  matrix<T, D, N> stacked{};  // [Sa_1; ...; Sa_H]: head h fills rows h*Dh .. h*Dh + Dh - 1
  matrix<T, N, N> weights{};
  for (std::size_t h = 0; h < H; ++h) {
    const auto& ph = p.heads[h];
    const matrix<T, Dh, N> q = affine(ph.omega_q, x, ph.beta_q);
    const matrix<T, Dh, N> k = affine(ph.omega_k, x, ph.beta_k);
    const matrix<T, Dh, N> v = affine(ph.omega_v, x, ph.beta_v);
    matrix<T, Dh, N> sa{};
    if constexpr (has_option_v<is_causal_option, Opts...>)
      attend_into(sa, weights, q, k, v, scaled, causal, exp_f);
    else
      attend_into(sa, weights, q, k, v, scaled, exp_f);
    copy_n<Dh * N>(stacked.elems + h * Dh * N, sa.elems);
  }
  return affine(p.omega_c, stacked, p.beta_c);
}

}  // namespace detail

namespace detail {
template <class... Opts>
inline constexpr bool is_pre_norm_v =
    has_option_v<is_norm_place_option, Opts...> &&
    std::is_same_v<decltype(pick_option<is_norm_place_option>(post_norm, std::declval<Opts>()...)),
                   pre_norm_t>;

template <class T, class... Opts>
constexpr T layer_eps(const Opts&... opts) noexcept {
  return pick_option<is_norm_eps_option>(norm_eps(T(1e-5)), opts...).eps;
}
}  // namespace detail

//! The first half of the encoder layer, the attention sublayer: LayerNorm_1(X + MhSa[X])
//! (pre-norm: X + MhSa[LayerNorm_1(X)]). Takes the options of transformer_layer.
//! transformer_layer(X, p, o...) == transformer_mlp_block(transformer_attention_block(X, p, o...),
//! p, o...) bit for bit; evaluating the halves as two constant expressions halves the
//! constant-evaluation budget each needs (GCC's limit is per evaluation).
template <class T, std::size_t DX, std::size_t N, std::size_t D, std::size_t H, std::size_t Dff,
          class... Opts>
[[nodiscard]] constexpr matrix<T, D, N> transformer_attention_block(
    const matrix<T, DX, N>& x, const transformer_layer_params<T, D, H, Dff>& p,
    const Opts&... opts) noexcept {
  static_assert(detail::check_transformer_options<T, Opts...>());
  detail::require_layer_input_dim<DX, D>();
  if constexpr (DX == D) {
    const T eps = detail::layer_eps<T>(opts...);
    if constexpr (detail::is_pre_norm_v<Opts...>)
      return x + detail::layer_attention(layer_norm(x, p.norm1, eps), p.attention, opts...);
    else
      return layer_norm(x + detail::layer_attention(x, p.attention, opts...), p.norm1, eps);
  } else {
    return {};
  }
}

//! The second half of the encoder layer, the mlp sublayer: LayerNorm_2(X + mlp(X)) (pre-norm:
//! X + mlp(LayerNorm_2(X))). Takes the options of transformer_layer.
template <class T, std::size_t DX, std::size_t N, std::size_t D, std::size_t H, std::size_t Dff,
          class... Opts>
[[nodiscard]] constexpr matrix<T, D, N> transformer_mlp_block(
    const matrix<T, DX, N>& x, const transformer_layer_params<T, D, H, Dff>& p,
    const Opts&... opts) noexcept {
  static_assert(detail::check_transformer_options<T, Opts...>());
  detail::require_layer_input_dim<DX, D>();
  if constexpr (DX == D) {
    using act = decltype(detail::pick_option<detail::is_activation_option>(relu_mlp, opts...));
    const T eps = detail::layer_eps<T>(opts...);
    if constexpr (detail::is_pre_norm_v<Opts...>)
      return x + detail::mlp<act>(layer_norm(x, p.norm2, eps), p.ff1, p.ff2);
    else
      return layer_norm(x + detail::mlp<act>(x, p.ff1, p.ff2), p.norm2, eps);
  } else {
    return {};
  }
}

//! The encoder layer of section 12.4.5 on the tokens in the columns of X (D x N); returns
//! D x N. Post-norm by default: X <- LayerNorm(X + MhSa[X]); X <- LayerNorm(X + mlp(X)).
//! Options: see the top of this header. The same as transformer_mlp_block applied to
//! transformer_attention_block (same operations, same bits).
template <class T, std::size_t DX, std::size_t N, std::size_t D, std::size_t H, std::size_t Dff,
          class... Opts>
[[nodiscard]] constexpr matrix<T, D, N> transformer_layer(
    const matrix<T, DX, N>& x, const transformer_layer_params<T, D, H, Dff>& p,
    const Opts&... opts) noexcept {
  static_assert(detail::check_transformer_options<T, Opts...>());
  detail::require_layer_input_dim<DX, D>();
  if constexpr (DX == D)
    return transformer_mlp_block(transformer_attention_block(x, p, opts...), p, opts...);
  else
    return {};
}

//! Scratch memory of transformer_layer_into for model dimension D, H heads, hidden size Dff
//! and N tokens: the attention's multihead_workspace and three token-sized vectors. Its size:
//!   bytes = multihead_workspace<T, D, H, N>::bytes + sizeof(T) * (2 D + Dff)
template <class T, std::size_t D, std::size_t H, std::size_t Dff, std::size_t N>
struct transformer_workspace {
  using value_type = T;
  //! The workspace's size in bytes (equal to sizeof, tested).
  static constexpr std::size_t bytes =
      multihead_workspace<T, D, H, N>::bytes + sizeof(T) * (2 * D + Dff);

  multihead_workspace<T, D, H, N> attention;  //!< one head's K, V and one query's scratch
  vector<T, D> col;                           //!< one token
  vector<T, D> y;                             //!< its sublayer output
  vector<T, Dff> hidden;                      //!< the mlp's hidden units of one token
};

namespace detail {
// The attention input LayerNorm_1(X) of the pre-norm layer, one token at a time into `col`:
// K and V column by column, q of one token (the affine products' per-element order).
template <class T, std::size_t D, std::size_t N>
struct normed_input {
  const matrix<T, D, N>& x;
  const layer_norm_params<T, D>& norm;
  T eps;
  vector<T, D>& col;
  constexpr void load(std::size_t m) const noexcept {
    layer_norm_column<D, 1, N>(col.elems, x.elems + m, norm, eps);
  }
  template <class WS, class P>
  constexpr void keys_values(WS& ws, const P& p) const noexcept {
    constexpr std::size_t Dh = decltype(P::omega_q)::rows;
    for (std::size_t m = 0; m < N; ++m) {
      load(m);
      project_column(ws.q.elems, p.omega_k, col, 0, p.beta_k);
      store_column<T, Dh, N>(ws.k.elems, m, ws.q.elems);
      project_column(ws.vt.elems + m * Dh, p.omega_v, col, 0, p.beta_v);
    }
  }
  template <class WS, class P>
  constexpr void query(WS& ws, const P& p, std::size_t n) const noexcept {
    load(n);
    project_column(ws.q.elems, p.omega_q, col, 0, p.beta_q);
  }
};

template <class Act, class T>
constexpr T activate(const T& v) noexcept {
  if constexpr (std::is_same_v<Act, gelu_mlp_t>)
    return gelu(v);
  else if constexpr (std::is_same_v<Act, gelu_erf_mlp_t>)
    return gelu_erf(v);
  else
    return relu(v);
}

// ws.y = mlp(src): ff2(act(ff1(src))) for one token (src may be ws.y: it is read first).
template <class Act, class T, std::size_t D, std::size_t H, std::size_t Dff, std::size_t N>
constexpr void mlp_column(transformer_workspace<T, D, H, Dff, N>& ws, const vector<T, D>& src,
                          const linear_params<T, D, Dff>& ff1,
                          const linear_params<T, Dff, D>& ff2) noexcept {
  project_column(ws.hidden.elems, ff1.omega, src, 0, ff1.beta);
  for (std::size_t i = 0; i < Dff; ++i) ws.hidden.elems[i] = activate<Act>(ws.hidden.elems[i]);
  project_column(ws.y.elems, ff2.omega, ws.hidden, 0, ff2.beta);
}
}  // namespace detail

//! The encoder layer into the caller's `out` (D x N, not x) with the caller's workspace: the
//! same bits as transformer_layer(x, p, options...), the same options. Memory: x, out and
//! transformer_workspace<T, D, H, Dff, N> (no N x N matrix, no D x N temporary). `out` aliasing
//! `x` is rejected as for multihead_self_attention_into (a compile error in constant
//! evaluation; all NaN at run time).
template <class T, std::size_t DO, std::size_t NO, std::size_t DX, std::size_t N, std::size_t D,
          std::size_t H, std::size_t Dff, std::size_t DW, std::size_t HW, std::size_t DffW,
          std::size_t NW, class... Opts>
constexpr void transformer_layer_into(matrix<T, DO, NO>& out, const matrix<T, DX, N>& x,
                                      const transformer_layer_params<T, D, H, Dff>& p,
                                      transformer_workspace<T, DW, HW, DffW, NW>& ws,
                                      const Opts&... opts) noexcept {
  static_assert(detail::check_transformer_options<T, Opts...>());
  detail::require_layer_input_dim<DX, D>();
  detail::require_out_shape<DO, NO, D, N>();
  static_assert(DW == D && HW == H && DffW == Dff && NW == N,
                "ctattn::transformer_layer_into: the transformer_workspace<T, DW, HW, DffW, NW> "
                "does not fit the layer, which needs transformer_workspace<T, D, H, Dff, N> (see "
                "both below)");
  if constexpr (DX == D && DO == D && NO == N && DW == D && HW == H && DffW == Dff && NW == N) {
    if (static_cast<const void*>(&out) == static_cast<const void*>(&x)) {
      if (std::is_constant_evaluated()) detail::multihead_into_out_must_not_alias_x();
      for (std::size_t i = 0; i < D * N; ++i) out.elems[i] = std::numeric_limits<T>::quiet_NaN();
      return;
    }
    using act = decltype(detail::pick_option<detail::is_activation_option>(relu_mlp, opts...));
    const T eps = detail::layer_eps<T>(opts...);
    const auto exp_f = detail::pick_option<detail::is_layer_exp_option>(exp_fn{}, opts...);
    constexpr bool pre = detail::is_pre_norm_v<Opts...>;
    detail::no_weights_t none;
    // out = MhSa[X] (pre-norm: MhSa[LayerNorm_1(X)]), the layer's attention options only
    const auto attend = [&](const auto& in) {
      if constexpr (detail::has_option_v<detail::is_causal_option, Opts...>)
        detail::multihead_accumulate(out, in, p.attention, ws.attention, none, causal, exp_f);
      else
        detail::multihead_accumulate(out, in, p.attention, ws.attention, none, exp_f);
    };
    if constexpr (pre)
      attend(detail::normed_input<T, D, N>{x, p.norm1, eps, ws.col});
    else
      attend(detail::plain_input<T, D, N>{x});
    for (std::size_t n = 0; n < N; ++n) {
      // the residual x + MhSa (post-norm: then LayerNorm_1), one token at a time
      for (std::size_t d = 0; d < D; ++d)
        ws.col.elems[d] = x.elems[d * N + n] + out.elems[d * N + n];
      if constexpr (!pre) detail::layer_norm_column<D, 1, 1>(ws.col.elems, ws.col.elems, p.norm1, eps);
      // the mlp sublayer: post-norm LayerNorm_2(h + mlp(h)), pre-norm h + mlp(LayerNorm_2(h))
      if constexpr (pre) {
        detail::layer_norm_column<D, 1, 1>(ws.y.elems, ws.col.elems, p.norm2, eps);
        detail::mlp_column<act>(ws, ws.y, p.ff1, p.ff2);  // reads ws.y before overwriting it
        for (std::size_t d = 0; d < D; ++d)
          out.elems[d * N + n] = ws.col.elems[d] + ws.y.elems[d];
      } else {
        detail::mlp_column<act>(ws, ws.col, p.ff1, p.ff2);
        for (std::size_t d = 0; d < D; ++d) ws.col.elems[d] = ws.col.elems[d] + ws.y.elems[d];
        detail::layer_norm_column<D, N, 1>(out.elems + n, ws.col.elems, p.norm2, eps);
      }
    }
  }
}

}  // namespace ctattn

CTATTN_DETAIL_FP_STRICT_END

#endif  // CTATTN_TRANSFORMER_HPP
