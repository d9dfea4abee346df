// ctattn/multihead.hpp - multi-head self-attention ("Understanding Deep Learning", section
// 12.4.1 and notebook 12.2).
//
// H heads, each an attention_params<T, D, D/H, D/H> applied to the same X (D x N) and scaled by
// 1/sqrt(D/H); their outputs Sa_h (D/H x N) are stacked and mixed by Omega_c (D x D):
//   X' = Omega_c [Sa_1; Sa_2; ...; Sa_H]                  (multihead_params)
//   X' = beta_c 1^T + Omega_c [Sa_1; ...; Sa_H]           (multihead_params_with_bias)
// The options of self_attention apply to every head (masks, exp); a scaling option replaces
// the default 1/sqrt(D/H) (ctattn::unscaled switches it off).
#ifndef CTATTN_MULTIHEAD_HPP
#define CTATTN_MULTIHEAD_HPP

#include <array>
#include <cstddef>
#include <utility>

#include <ctattn/attention.hpp>
#include <ctattn/detail/fp.hpp>
#include <ctattn/detail/isa.hpp>
#include <ctattn/matrix.hpp>
#include <ctattn/options.hpp>

CTATTN_DETAIL_FP_STRICT_BEGIN

namespace ctattn::inline CTATTN_ISA_NS {

namespace detail {
template <std::size_t D, std::size_t H>
consteval bool check_heads() {
  static_assert(H >= 1 && H <= D && D % H == 0,
                "ctattn::multihead_params<T, D, H>: the number of heads H must divide the model "
                "dimension D (each head has D/H dimensions)");
  return true;
}
// D/H, or 1 when H does not divide D (so that only the readable message above fires).
template <std::size_t D, std::size_t H>
inline constexpr std::size_t head_dim = (H >= 1 && H <= D && D % H == 0) ? D / H : 1;
}  // namespace detail

//! The parameters of multi-head self-attention with H heads over inputs of dimension D, as in
//! the book (no output bias): `heads[h]` maps D -> D/H, `omega_c` (D x D) mixes the stacked
//! head outputs. Members in this order; load_params/store_params walk them in this order.
template <class T, std::size_t D, std::size_t H>
struct multihead_params {
  static_assert(detail::check_heads<D, H>());
  using value_type = T;
  static constexpr std::size_t heads_count = H;
  static constexpr std::size_t head_dim = detail::head_dim<D, H>;

  std::array<attention_params<T, D, head_dim, head_dim>, H> heads;
  matrix<T, D, D> omega_c;

  friend constexpr bool operator==(const multihead_params&, const multihead_params&) = default;
};

//! multihead_params plus an output bias beta_c (D): X' = beta_c 1^T + Omega_c [Sa_1; ...],
//! as PyTorch's nn.MultiheadAttention (whose out_proj has a bias by default).
template <class T, std::size_t D, std::size_t H>
struct multihead_params_with_bias {
  static_assert(detail::check_heads<D, H>());
  using value_type = T;
  static constexpr std::size_t heads_count = H;
  static constexpr std::size_t head_dim = detail::head_dim<D, H>;

  std::array<attention_params<T, D, head_dim, head_dim>, H> heads;
  matrix<T, D, D> omega_c;
  vector<T, D> beta_c;

  friend constexpr bool operator==(const multihead_params_with_bias&,
                                   const multihead_params_with_bias&) = default;
};

//! What multi-head attention returns: `output` (D x N) and the weights of every head
//! (`weights[h]` is N x N, keys x queries, as attention_result::weights).
template <class T, std::size_t D, std::size_t N, std::size_t H>
struct multihead_result {
  matrix<T, D, N> output;
  std::array<matrix<T, N, N>, H> weights;

  friend constexpr bool operator==(const multihead_result&, const multihead_result&) = default;
};

namespace detail {
template <class T, std::size_t DX, std::size_t N, std::size_t D, std::size_t H, class MP,
          class... Opts>
constexpr multihead_result<T, D, N, H> multihead_impl(const matrix<T, DX, N>& x, const MP& mp,
                                                      const Opts&... opts) noexcept {
  require_scalar<T, DX, N>();
  static_assert(DX == D,
                "ctattn::multihead_self_attention: X has DX rows but the parameters expect "
                "inputs of dimension D (see the template arguments below)");
  constexpr std::size_t Dh = MP::head_dim;
  multihead_result<T, D, N, H> r{};
  if constexpr (DX == D) {
    matrix<T, D, N> stacked{};  // [Sa_1; ...; Sa_H]: head h fills rows h*Dh .. h*Dh + Dh - 1
    for (std::size_t h = 0; h < H; ++h) {
      const auto& p = mp.heads[h];
      const matrix<T, Dh, N> q = affine(p.omega_q, x, p.beta_q);
      const matrix<T, Dh, N> k = affine(p.omega_k, x, p.beta_k);
      const matrix<T, Dh, N> v = affine(p.omega_v, x, p.beta_v);
      matrix<T, Dh, N> sa{};
      if constexpr (has_option_v<is_scale_option, Opts...>)
        attend_into(sa, r.weights[h], q, k, v, opts...);
      else
        attend_into(sa, r.weights[h], q, k, v, scaled, opts...);
      copy_n<Dh * N>(stacked.elems + h * Dh * N, sa.elems);
    }
    if constexpr (requires { mp.beta_c; })
      r.output = affine(mp.omega_c, stacked, mp.beta_c);
    else
      gemm_acc(r.output, mp.omega_c, stacked);
  }
  return r;
}
}  // namespace detail

//! Multi-head self-attention of the tokens in the columns of X (D x N): every head scaled by
//! 1/sqrt(D/H), X' = Omega_c [Sa_1; ...; Sa_H]. Takes the options of self_attention (masks
//! apply to every head; a scaling option replaces the default 1/sqrt(D/H)).
template <class T, std::size_t DX, std::size_t N, std::size_t D, std::size_t H, class... Opts>
[[nodiscard]] constexpr multihead_result<T, D, N, H> multihead_self_attention(
    const matrix<T, DX, N>& x, const multihead_params<T, D, H>& mp, const Opts&... opts) noexcept {
  return detail::multihead_impl<T, DX, N, D, H>(x, mp, opts...);
}

//! The same with an output bias: X' = beta_c 1^T + Omega_c [Sa_1; ...; Sa_H].
template <class T, std::size_t DX, std::size_t N, std::size_t D, std::size_t H, class... Opts>
[[nodiscard]] constexpr multihead_result<T, D, N, H> multihead_self_attention(
    const matrix<T, DX, N>& x, const multihead_params_with_bias<T, D, H>& mp,
    const Opts&... opts) noexcept {
  return detail::multihead_impl<T, DX, N, D, H>(x, mp, opts...);
}

}  // namespace ctattn

CTATTN_DETAIL_FP_STRICT_END

#endif  // CTATTN_MULTIHEAD_HPP
