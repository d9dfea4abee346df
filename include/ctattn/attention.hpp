// ctattn/attention.hpp - dot-product self-attention in the book's notation
// ("Understanding Deep Learning", chapter 12, notebook 12.1).
//
// Tokens are the columns of X (D x N). With parameters Omega_q, Omega_k (Dk x D),
// Omega_v (Dv x D) and biases beta_q, beta_k (Dk), beta_v (Dv):
//   Q = beta_q 1^T + Omega_q X,  K = beta_k 1^T + Omega_k X,  V = beta_v 1^T + Omega_v X
//   A = softmax_cols(K^T Q)      (column n holds the attention weights of output n)
//   X' = V A                     (column n is x'_n = sum_m a_mn v_m)
// The matrix form and the notebook's loop form run the same scalar operations in the same
// order, so they return identical bits.
#ifndef CTATTN_ATTENTION_HPP
#define CTATTN_ATTENTION_HPP

#include <array>
#include <cstddef>

#include <ctattn/detail/fp.hpp>
#include <ctattn/math.hpp>
#include <ctattn/matrix.hpp>
#include <ctattn/softmax.hpp>

CTATTN_DETAIL_FP_STRICT_BEGIN

namespace ctattn {

//! The parameters of one attention head, named as in the book. D is the input dimension,
//! Dk the query/key dimension, Dv the value (and output) dimension.
template <class T, std::size_t D, std::size_t Dk = D, std::size_t Dv = D>
struct attention_params {
  matrix<T, Dk, D> omega_q;
  matrix<T, Dk, D> omega_k;
  matrix<T, Dv, D> omega_v;
  vector<T, Dk> beta_q;
  vector<T, Dk> beta_k;
  vector<T, Dv> beta_v;

  friend constexpr bool operator==(const attention_params&, const attention_params&) = default;
};

//! What attention returns: `output` (Dv x Nq, column n = x'_n) and `weights` (Nkv x Nq,
//! column n = the softmax weights of output n over the Nkv keys; every column sums to 1).
template <class T, std::size_t Dv, std::size_t Nq, std::size_t Nkv = Nq>
struct attention_result {
  matrix<T, Dv, Nq> output;
  matrix<T, Nkv, Nq> weights;

  friend constexpr bool operator==(const attention_result&, const attention_result&) = default;
};

namespace detail {
template <std::size_t DX, std::size_t DP>
consteval void require_input_dim() {
  static_assert(DX == DP,
                "ctattn::self_attention: X has DX rows but the parameters expect inputs of "
                "dimension DP (see the template arguments below)");
}

// A = softmax_cols(K^T Q), X' = V A.
template <class T, std::size_t Dk, std::size_t Dv, std::size_t Nq, std::size_t Nkv, class Exp>
constexpr attention_result<T, Dv, Nq, Nkv> attend(const matrix<T, Dk, Nq>& q,
                                                  const matrix<T, Dk, Nkv>& k,
                                                  const matrix<T, Dv, Nkv>& v, Exp exp_f) noexcept {
  attention_result<T, Dv, Nq, Nkv> r{};
  r.weights = softmax_cols(transpose_times(k, q), exp_f);
  gemm_acc(r.output, v, r.weights);
  return r;
}
}  // namespace detail

//! Self-attention of the tokens in the columns of X (D x N), unscaled as in notebook 12.1.
//! `exp_f` selects the softmax's exp: ctattn::exp (default) or ctattn::exp_fast.
template <class T, std::size_t DX, std::size_t N, std::size_t D, std::size_t Dk, std::size_t Dv,
          class Exp = exp_fn>
[[nodiscard]] constexpr attention_result<T, Dv, N> self_attention(
    const matrix<T, DX, N>& x, const attention_params<T, D, Dk, Dv>& p, Exp exp_f = {}) noexcept {
  detail::require_scalar<T, DX, N>();
  detail::require_input_dim<DX, D>();
  if constexpr (DX == D) {
    const matrix<T, Dk, N> q = affine(p.omega_q, x, p.beta_q);
    const matrix<T, Dk, N> k = affine(p.omega_k, x, p.beta_k);
    const matrix<T, Dv, N> v = affine(p.omega_v, x, p.beta_v);
    return detail::attend(q, k, v, exp_f);
  } else {
    return {};
  }
}

//! The notebook's loop, literally: queries, keys and values token by token; for each output n
//! the dot products of query n with every key, their softmax, and the weighted sum of values.
//! Returns the same bits as self_attention(from_columns(xs), p).
template <class T, std::size_t DX, std::size_t N, std::size_t D, std::size_t Dk, std::size_t Dv,
          class Exp = exp_fn>
[[nodiscard]] constexpr attention_result<T, Dv, N> self_attention_loop(
    const std::array<vector<T, DX>, N>& xs, const attention_params<T, D, Dk, Dv>& p,
    Exp exp_f = {}) noexcept {
  detail::require_scalar<T, DX, N>();
  detail::require_input_dim<DX, D>();
  attention_result<T, Dv, N> r{};
  if constexpr (DX == D) {
    std::array<vector<T, Dk>, N> queries{};
    std::array<vector<T, Dk>, N> keys{};
    std::array<vector<T, Dv>, N> values{};
    for (std::size_t n = 0; n < N; ++n) {
      queries[n] = p.beta_q + p.omega_q * xs[n];
      keys[n] = p.beta_k + p.omega_k * xs[n];
      values[n] = p.beta_v + p.omega_v * xs[n];
    }
    for (std::size_t n = 0; n < N; ++n) {
      vector<T, N> scores{};
      for (std::size_t m = 0; m < N; ++m) scores[m] = dot(keys[m], queries[n]);
      const vector<T, N> attention = softmax(scores, exp_f);
      vector<T, Dv> x_prime{};
      for (std::size_t m = 0; m < N; ++m) x_prime = x_prime + values[m] * attention[m];
      set_col(r.output, n, x_prime);
      set_col(r.weights, n, attention);
    }
  }
  return r;
}

}  // namespace ctattn

CTATTN_DETAIL_FP_STRICT_END

#endif  // CTATTN_ATTENTION_HPP
