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
//
// Options after the parameters (ctattn/options.hpp) select scaling, masks and the exp:
//   self_attention(X, p, ctattn::scaled, ctattn::causal)
// Cross-attention takes queries from Xq (Dq x Nq) and keys/values from Xkv (Dkv x Nkv):
//   Q = beta_q 1^T + Omega_q Xq,  K = beta_k 1^T + Omega_k Xkv,  V = beta_v 1^T + Omega_v Xkv
// and returns weights Nkv x Nq; self-attention is cross-attention with Xq = Xkv = X.
#ifndef CTATTN_ATTENTION_HPP
#define CTATTN_ATTENTION_HPP

#include <array>
#include <cstddef>
#include <limits>
#include <type_traits>
#include <utility>

#include <ctattn/detail/fp.hpp>
#include <ctattn/detail/isa.hpp>
#include <ctattn/detail/small_attention.hpp>
#include <ctattn/math.hpp>
#include <ctattn/matrix.hpp>
#include <ctattn/options.hpp>
#include <ctattn/softmax.hpp>

CTATTN_DETAIL_FP_STRICT_BEGIN

namespace ctattn::inline CTATTN_ISA_NS {

//! The parameters of one attention head, named as in the book. D is the input dimension,
//! Dk the query/key dimension, Dv the value (and output) dimension.
template <class T, std::size_t D, std::size_t Dk = D, std::size_t Dv = D>
struct attention_params {
  using value_type = T;

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

//! The parameters of one cross-attention head: queries from inputs of dimension Dq, keys and
//! values from inputs of dimension Dkv. Omega_q is Dk x Dq, Omega_k Dk x Dkv, Omega_v Dv x Dkv.
//! Same members in the same order as attention_params (whose D = Dq = Dkv).
template <class T, std::size_t Dq, std::size_t Dkv, std::size_t Dk = Dq, std::size_t Dv = Dkv>
struct cross_attention_params {
  using value_type = T;

  matrix<T, Dk, Dq> omega_q;
  matrix<T, Dk, Dkv> omega_k;
  matrix<T, Dv, Dkv> omega_v;
  vector<T, Dk> beta_q;
  vector<T, Dk> beta_k;
  vector<T, Dv> beta_v;

  friend constexpr bool operator==(const cross_attention_params&,
                                   const cross_attention_params&) = default;
};

namespace detail {
template <std::size_t DX, std::size_t DP>
consteval void require_input_dim() {
  static_assert(DX == DP,
                "ctattn::self_attention: X has DX rows but the parameters expect inputs of "
                "dimension DP (see the template arguments below)");
}

template <std::size_t DXq, std::size_t DPq, std::size_t DXkv, std::size_t DPkv>
consteval void require_cross_dims() {
  static_assert(DXq == DPq,
                "ctattn::cross_attention: Xq has DXq rows but omega_q expects DPq (see the "
                "template arguments below)");
  static_assert(DXkv == DPkv,
                "ctattn::cross_attention: Xkv has DXkv rows but omega_k/omega_v expect DPkv "
                "(see the template arguments below)");
}

template <std::size_t Nkv, std::size_t Nq, std::size_t MR, std::size_t MC>
consteval void require_mask_shape() {
  static_assert(Nkv == MR && Nq == MC,
                "ctattn: a mask must be Nkv x Nq (keys x queries, the shape of the weights); "
                "see Nkv, Nq and the mask's MR x MC below");
}

// dst[i] = src[i] for i < Count, as folds of at most 64 elements (one constant-evaluation step
// each; Clang refuses folds of more than 256 elements).
template <std::size_t Count, class T, class U>
constexpr void copy_n(T* dst, const U* src) noexcept {
  constexpr std::size_t chunk = Count < 64 ? Count : 64;
  std::size_t i = 0;
  for (; i + chunk <= Count; i += chunk) {
    [&]<std::size_t... J>(std::index_sequence<J...>) {
      ((dst[i + J] = src[i + J]), ...);
    }(std::make_index_sequence<chunk>{});
  }
  [&]<std::size_t... J>(std::index_sequence<J...>) {
    ((dst[i + J] = src[i + J]), ...);
  }(std::make_index_sequence<Count % chunk>{});
}

// 1 / sqrt(Dk), rounded to T, computed once at compile time. Types without ctattn::sqrt
// (fixed point) get 1 / sqrt(Dk) computed in double and rounded once to T, still at compile
// time, so no floating point reaches their compiled code.
template <class T, std::size_t Dk>
inline constexpr T inv_sqrt = [] {
  if constexpr (requires(T v) { ctattn::sqrt(v); })
    return T(1) / ctattn::sqrt(static_cast<T>(Dk));
  else
    return static_cast<T>(1.0 / ctattn::sqrt(static_cast<double>(Dk)));
}();

// The scale factor an option stands for (unscaled_t: none).
template <class T, std::size_t Dk>
constexpr T scale_factor(const scaled_t&) noexcept {
  return inv_sqrt<T, Dk>;
}
template <class T, std::size_t Dk, class U>
constexpr T scale_factor(const scale_t<U>& s) noexcept {
  static_assert(std::is_same_v<T, U>,
                "ctattn::scale(c): c must have the attention's element type T (see T and U "
                "below; e.g. write scale(0.5f) for float)");
  if constexpr (std::is_same_v<T, U>)
    return s.factor;
  else
    return T(1);
}

// Rows of up to 64: one fold per row, exactly the code they always had; longer rows in folds of
// at most 64 (Clang's fold limit).
template <class T, std::size_t Nkv, std::size_t Nq>
  requires(Nq <= fold_chunk)
constexpr void and_mask(matrix<bool, Nkv, Nq>& keep, const causal_t&) noexcept {
  for (std::size_t m = 0; m < Nkv; ++m) {
    bool* kr = keep.elems + m * Nq;
    [&]<std::size_t... J>(std::index_sequence<J...>) {
      ((kr[J] = kr[J] && m <= J), ...);
    }(std::make_index_sequence<Nq>{});
  }
}
template <class T, std::size_t Nkv, std::size_t Nq>
  requires(Nq > fold_chunk)
constexpr void and_mask(matrix<bool, Nkv, Nq>& keep, const causal_t&) noexcept {
  for (std::size_t m = 0; m < Nkv; ++m) {
    for_chunks<Nq>([&]<std::size_t... J>(std::size_t j0, std::index_sequence<J...>) {
      bool* kr = keep.elems + m * Nq + j0;
      ((kr[J] = kr[J] && m <= j0 + J), ...);
    });
  }
}
template <class T, std::size_t Nkv, std::size_t Nq, std::size_t MR, std::size_t MC>
constexpr void and_mask(matrix<bool, Nkv, Nq>& keep, const allowed_t<MR, MC>& a) noexcept {
  require_mask_shape<Nkv, Nq, MR, MC>();
  if constexpr (Nkv == MR && Nq == MC) {
    for (std::size_t m = 0; m < Nkv; ++m) {
      if constexpr (Nq <= fold_chunk) {
        bool* kr = keep.elems + m * Nq;
        const bool* ar = a.mask.elems + m * Nq;
        [&]<std::size_t... J>(std::index_sequence<J...>) {
          ((kr[J] = kr[J] && ar[J]), ...);
        }(std::make_index_sequence<Nq>{});
      } else {
        for_chunks<Nq>([&]<std::size_t... J>(std::size_t j0, std::index_sequence<J...>) {
          bool* kr = keep.elems + m * Nq + j0;
          const bool* ar = a.mask.elems + m * Nq + j0;
          ((kr[J] = kr[J] && ar[J]), ...);
        });
      }
    }
  }
}
template <class T, std::size_t Nkv, std::size_t Nq, std::size_t MR>
constexpr void and_mask(matrix<bool, Nkv, Nq>& keep, const valid_keys_t<MR>& v) noexcept {
  require_mask_shape<Nkv, Nq, MR, Nq>();
  if constexpr (Nkv == MR) {
    for (std::size_t m = 0; m < Nkv; ++m) {
      if (v.valid.elems[m]) continue;
      if constexpr (Nq <= fold_chunk) {
        bool* kr = keep.elems + m * Nq;
        [&]<std::size_t... J>(std::index_sequence<J...>) {
          ((kr[J] = false), ...);
        }(std::make_index_sequence<Nq>{});
      } else {
        for_chunks<Nq>([&]<std::size_t... J>(std::size_t j0, std::index_sequence<J...>) {
          bool* kr = keep.elems + m * Nq + j0;
          ((kr[J] = false), ...);
        });
      }
    }
  }
}

// Is x == -infinity (false for types without an infinity).
template <class T>
constexpr bool is_minus_inf(const T& x) noexcept {
  if constexpr (std::numeric_limits<T>::has_infinity)
    return x == -std::numeric_limits<T>::infinity();
  else
    return false;
}

// scores = (scores * c) + add where add != -inf; add == -inf clears keep. By selection: no
// arithmetic with infinities, so it also works in constant evaluation.
template <class T, std::size_t Nkv, std::size_t Nq, class U, std::size_t MR, std::size_t MC>
constexpr void add_mask(matrix<T, Nkv, Nq>& scores, matrix<bool, Nkv, Nq>& keep,
                        const additive_mask_t<U, MR, MC>& a) noexcept {
  require_mask_shape<Nkv, Nq, MR, MC>();
  static_assert(std::is_same_v<T, U>,
                "ctattn::additive_mask(A): A must have the attention's element type T (see T "
                "and U below)");
  if constexpr (Nkv == MR && Nq == MC && std::is_same_v<T, U>) {
    for (std::size_t m = 0; m < Nkv; ++m) {
      if constexpr (Nq <= fold_chunk) {
        T* sr = scores.elems + m * Nq;
        bool* kr = keep.elems + m * Nq;
        const T* ar = a.add.elems + m * Nq;
        [&]<std::size_t... J>(std::index_sequence<J...>) {
          ((kr[J] = kr[J] && !is_minus_inf(ar[J])), ...);
          ((sr[J] = kr[J] ? sr[J] + ar[J] : sr[J]), ...);
        }(std::make_index_sequence<Nq>{});
      } else {
        for_chunks<Nq>([&]<std::size_t... J>(std::size_t j0, std::index_sequence<J...>) {
          T* sr = scores.elems + m * Nq + j0;
          bool* kr = keep.elems + m * Nq + j0;
          const T* ar = a.add.elems + m * Nq + j0;
          ((kr[J] = kr[J] && !is_minus_inf(ar[J])), ...);
          ((sr[J] = kr[J] ? sr[J] + ar[J] : sr[J]), ...);
        });
      }
    }
  }
}

// s[i0 + J] = s[i0 + J] * c: one row of the scores, the array by reference plus an offset
// (cheaper in constant evaluation than a pointer captured by a lambda: GCC counts every node).
template <class T, std::size_t NS, std::size_t... J>
constexpr void scale_row(T (&s)[NS], std::size_t i0, T c, std::index_sequence<J...>) noexcept {
  ((s[J + i0] = s[J + i0] * c), ...);
}

// The attention core shared by every entry point: scores = K^T Q, scaled, masked, softmax over
// each column, X' = V A. Writes into `out` (which must be all zero) and `weights`.
template <class T, std::size_t Dk, std::size_t Dv, std::size_t Nq, std::size_t Nkv,
          class... Opts>
constexpr void attend_into(matrix<T, Dv, Nq>& out, matrix<T, Nkv, Nq>& weights,
                           const matrix<T, Dk, Nq>& q, const matrix<T, Dk, Nkv>& k,
                           const matrix<T, Dv, Nkv>& v, const Opts&... opts) noexcept {
  check_options<Opts...>();
  const auto exp_f = pick_option<is_exp_option>(exp_fn{}, opts...);
  matrix<T, Nkv, Nq> scores = transpose_times(k, q);
  if constexpr (has_option_v<is_scale_option, Opts...>) {
    const auto s = pick_option<is_scale_option>(unscaled, opts...);
    if constexpr (!std::is_same_v<std::remove_cvref_t<decltype(s)>, unscaled_t>) {
      const T c = scale_factor<T, Dk>(s);
      for (std::size_t m = 0; m < Nkv; ++m) {
        if constexpr (Nq <= fold_chunk) {
          scale_row(scores.elems, m * Nq, c, std::make_index_sequence<Nq>{});
        } else {  // rows of more than 64 in chunks (Clang's fold limit)
          for_chunks<Nq>([&]<std::size_t... J>(std::size_t j0, std::index_sequence<J...> js) {
            scale_row(scores.elems, m * Nq + j0, c, js);
          });
        }
      }
    }
  }
  if constexpr (has_option_v<is_mask_option, Opts...>) {
    matrix<bool, Nkv, Nq> keep = filled<bool, Nkv, Nq>(true);
    if constexpr (has_option_v<is_causal_option, Opts...>) and_mask<T>(keep, causal);
    if constexpr (has_option_v<is_allowed_option, Opts...>)
      and_mask<T>(keep, pick_option<is_allowed_option>(0, opts...));
    if constexpr (has_option_v<is_valid_keys_option, Opts...>)
      and_mask<T>(keep, pick_option<is_valid_keys_option>(0, opts...));
    if constexpr (has_option_v<is_additive_option, Opts...>)
      add_mask(scores, keep, pick_option<is_additive_option>(0, opts...));
    weights = softmax_cols_masked(scores, keep, exp_f);
  } else {
    weights = softmax_cols(scores, exp_f);
  }
  gemm_acc(out, v, weights);  // out starts at zero (callers pass a fresh T{} matrix)
}

// A = softmax_cols(K^T Q) (scaled and masked as the options say), X' = V A.
template <class T, std::size_t Dk, std::size_t Dv, std::size_t Nq, std::size_t Nkv,
          class... Opts>
constexpr attention_result<T, Dv, Nq, Nkv> attend(const matrix<T, Dk, Nq>& q,
                                                  const matrix<T, Dk, Nkv>& k,
                                                  const matrix<T, Dv, Nkv>& v,
                                                  const Opts&... opts) noexcept {
  attention_result<T, Dv, Nq, Nkv> r{};
  attend_into(r.output, r.weights, q, k, v, opts...);
  return r;
}
}  // namespace detail

//! Self-attention of the tokens in the columns of X (D x N), unscaled as in notebook 12.1.
//! Options (ctattn/options.hpp), in any order: a scaling (ctattn::scaled, ctattn::scale(c)),
//! masks (ctattn::causal, ctattn::allowed(M), ctattn::valid_keys(v), ctattn::additive_mask(A))
//! and the softmax's exp (ctattn::exp, the default, or ctattn::exp_fast).
template <class T, std::size_t DX, std::size_t N, std::size_t D, std::size_t Dk, std::size_t Dv,
          class... Opts>
[[nodiscard]] constexpr attention_result<T, Dv, N> self_attention(
    const matrix<T, DX, N>& x, const attention_params<T, D, Dk, Dv>& p,
    const Opts&... opts) noexcept {
  detail::require_scalar<T, DX, N>();
  detail::require_input_dim<DX, D>();
  if constexpr (DX == D) {
    if constexpr (sizeof...(Opts) == 0 && detail::small_attention_v<T, N, D, Dk, Dv>) {
      if (!std::is_constant_evaluated()) {  // tiny sizes: all in registers, the same operations
        attention_result<T, Dv, N> r;
        detail::small_self_attention<N, D, Dk, Dv>(
            r.output.elems, r.weights.elems, x.elems, p.omega_q.elems, p.omega_k.elems,
            p.omega_v.elems, p.beta_q.elems, p.beta_k.elems, p.beta_v.elems);
        return r;
      }
    }
    const matrix<T, Dk, N> q = affine(p.omega_q, x, p.beta_q);
    const matrix<T, Dk, N> k = affine(p.omega_k, x, p.beta_k);
    const matrix<T, Dv, N> v = affine(p.omega_v, x, p.beta_v);
    return detail::attend(q, k, v, opts...);
  } else {
    return {};
  }
}

//! Cross-attention: queries from the columns of xq (Dq x Nq), keys and values from the columns
//! of xkv (Dkv x Nkv). Returns output Dv x Nq and weights Nkv x Nq (column n: the weights of
//! query n over the Nkv keys). Takes the same options as self_attention; unscaled by default.
//! cross_attention(X, X, p) has the bits of self_attention(X, p).
template <class T, std::size_t DXq, std::size_t Nq, std::size_t DXkv, std::size_t Nkv,
          std::size_t Dq, std::size_t Dkv, std::size_t Dk, std::size_t Dv, class... Opts>
[[nodiscard]] constexpr attention_result<T, Dv, Nq, Nkv> cross_attention(
    const matrix<T, DXq, Nq>& xq, const matrix<T, DXkv, Nkv>& xkv,
    const cross_attention_params<T, Dq, Dkv, Dk, Dv>& p, const Opts&... opts) noexcept {
  detail::require_scalar<T, DXq, Nq>();
  detail::require_cross_dims<DXq, Dq, DXkv, Dkv>();
  if constexpr (DXq == Dq && DXkv == Dkv) {
    const matrix<T, Dk, Nq> q = affine(p.omega_q, xq, p.beta_q);
    const matrix<T, Dk, Nkv> k = affine(p.omega_k, xkv, p.beta_k);
    const matrix<T, Dv, Nkv> v = affine(p.omega_v, xkv, p.beta_v);
    return detail::attend(q, k, v, opts...);
  } else {
    return {};
  }
}

//! Cross-attention with self-attention parameters (inputs of the same dimension D).
template <class T, std::size_t DXq, std::size_t Nq, std::size_t DXkv, std::size_t Nkv,
          std::size_t D, std::size_t Dk, std::size_t Dv, class... Opts>
[[nodiscard]] constexpr attention_result<T, Dv, Nq, Nkv> cross_attention(
    const matrix<T, DXq, Nq>& xq, const matrix<T, DXkv, Nkv>& xkv,
    const attention_params<T, D, Dk, Dv>& p, const Opts&... opts) noexcept {
  detail::require_scalar<T, DXq, Nq>();
  detail::require_cross_dims<DXq, D, DXkv, D>();
  if constexpr (DXq == D && DXkv == D) {
    const matrix<T, Dk, Nq> q = affine(p.omega_q, xq, p.beta_q);
    const matrix<T, Dk, Nkv> k = affine(p.omega_k, xkv, p.beta_k);
    const matrix<T, Dv, Nkv> v = affine(p.omega_v, xkv, p.beta_v);
    return detail::attend(q, k, v, opts...);
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
