// ctattn/detail/small_attention.hpp - run-time self-attention for tiny sizes, wholly in
// registers.
//
// For N tokens of D dimensions with a row of N elements narrower than 32 bytes and D <= 8
// (e.g. the notebook's N = 3, D = 4), the separate products and the softmax each store their
// result and the next one loads it again; at these sizes those round trips are a large part of
// the time. Here every matrix is a set of row vectors (row r of an R x N matrix in the first N
// lanes of narrow_vecs vectors, kernels.hpp) kept in registers from the loads of X to the
// stores of the result. The scalar operations and their order are exactly those of
// self_attention(x, p) without options:
//   Q = affine(omega_q, X, beta_q): q(i, n) = ((T{} + w(i, 0) x(0, n)) + w(i, 1) x(1, n)) ...
//       then + beta_q(i); the same for K and V;
//   S(m, n) = T{} + k(0, m) q(0, n) + k(1, m) q(1, n) + ...   (transpose_times, ascending i)
//   A = softmax_cols(S)                                          (detail/vexp.hpp's order)
//   X'(d, n) = T{} + v(d, 0) a(0, n) + v(d, 1) a(1, n) + ...    (gemm_acc, ascending m)
// so the bits are those of constant evaluation (tests/bitid checks the 3 x 4 cases).
#ifndef CTATTN_DETAIL_SMALL_ATTENTION_HPP
#define CTATTN_DETAIL_SMALL_ATTENTION_HPP

#include <cstddef>
#include <type_traits>
#include <utility>

#include <ctattn/detail/fp.hpp>
#include <ctattn/detail/isa.hpp>
#include <ctattn/detail/kernels.hpp>
#include <ctattn/detail/vexp.hpp>

CTATTN_DETAIL_FP_STRICT_BEGIN

namespace ctattn::inline CTATTN_ISA_NS::detail {

//! True when small_self_attention handles self-attention of N tokens, dimensions D -> Dk, Dv.
template <class T, std::size_t N, std::size_t D, std::size_t Dk, std::size_t Dv>
inline constexpr bool small_attention_v =
    simd_target_v<T> && N * sizeof(T) < 32 && D <= 8 && Dk <= 8 && Dv <= 8;

#if CTATTN_DETAIL_SIMD

// f(I) for I = 0, 1, ..., Count - 1 as compile-time constants: every loop below is unrolled,
// so that each vector stays in a register and each lane index is a constant (Clang keeps
// arrays indexed by run-time loop counters in memory).
template <std::size_t Count, class F>
[[gnu::always_inline]] inline void unroll(F&& f) noexcept {
  [&]<std::size_t... I>(std::index_sequence<I...>) __attribute__((always_inline)) {
    (f(std::integral_constant<std::size_t, I>{}), ...);
  }(std::make_index_sequence<Count>{});
}

// rows[i] = beta(i) + omega(i, :) X over the rows xr of X (ascending k from T{}, then beta).
template <std::size_t Dout, std::size_t Din, std::size_t NV, class T, class V>
[[gnu::always_inline]] inline void small_affine(V (&rows)[Dout][NV], const T* omega,
                                                const T* beta, const V (&xr)[Din][NV]) noexcept {
  unroll<Dout>([&](auto i) __attribute__((always_inline)) {
    unroll<NV>([&](auto q) __attribute__((always_inline)) { rows[i][q] = V{}; });
    unroll<Din>([&](auto k) __attribute__((always_inline)) {
      const T w = omega[i * Din + k];
      unroll<NV>([&](auto q) __attribute__((always_inline)) { rows[i][q] = rows[i][q] + w * xr[k][q]; });
    });
    const T b = beta[i];
    unroll<NV>([&](auto q) __attribute__((always_inline)) { rows[i][q] = rows[i][q] + b; });
  });
}

// out[r] = T{} + sum_i lhs(i, r) rhs[i] over ascending i, lhs(i, r) = lane r of lhs's row i.
template <std::size_t Rows, std::size_t K, std::size_t W, std::size_t NV, class V>
[[gnu::always_inline]] inline void small_tn(V (&out)[Rows][NV], const V (&lhs)[K][NV],
                                            const V (&rhs)[K][NV]) noexcept {
  unroll<Rows>([&](auto r) __attribute__((always_inline)) {
    unroll<NV>([&](auto q) __attribute__((always_inline)) { out[r][q] = V{}; });
    unroll<K>([&](auto i) __attribute__((always_inline)) {
      const auto l = lhs[i][r / W][r % W];
      unroll<NV>([&](auto q) __attribute__((always_inline)) { out[r][q] = out[r][q] + l * rhs[i][q]; });
    });
  });
}

//! self_attention(x, p) without options for small_attention_v sizes: x is D x N, the
//! parameters omega_q (Dk x D), omega_k (Dk x D), omega_v (Dv x D), beta_q, beta_k, beta_v
//! (row-major arrays); writes output (Dv x N) and weights (N x N).
template <std::size_t N, std::size_t D, std::size_t Dk, std::size_t Dv, class T>
inline void small_self_attention(T* output, T* weights, const T* x, const T* omega_q,
                                 const T* omega_k, const T* omega_v, const T* beta_q,
                                 const T* beta_k, const T* beta_v) noexcept {
  constexpr std::size_t Bytes = narrow_bytes<T, N>;
  constexpr std::size_t NV = narrow_vecs<T, N>;
  constexpr std::size_t W = Bytes / sizeof(T);
  using V = typename simd_vec<T, Bytes>::type;
  V xr[D][NV], q[Dk][NV], k[Dk][NV], v[Dv][NV], a[N][NV];
  unroll<D>([&](auto r) __attribute__((always_inline)) {
    unroll<NV>([&](auto c) __attribute__((always_inline)) { xr[r][c] = load_part<Bytes, N, c>(x + r * N); });
  });
  small_affine(q, omega_q, beta_q, xr);
  small_affine(k, omega_k, beta_k, xr);
  small_affine(v, omega_v, beta_v, xr);
  small_tn<N, Dk, W>(a, k, q);  // scores S = K^T Q
  softmax_cols_regs<false>(a);
  unroll<N>([&](auto r) __attribute__((always_inline)) {
    unroll<NV>([&](auto c) __attribute__((always_inline)) { store_part<Bytes, N, c>(weights + r * N, a[r][c]); });
  });
  // X' = V A: out(d, :) = T{} + sum_m v(d, m) a(m, :), ascending m.
  unroll<Dv>([&](auto d) __attribute__((always_inline)) {
    V o[NV] = {};
    unroll<N>([&](auto m) __attribute__((always_inline)) {
      const T vdm = v[d][m / W][m % W];
      unroll<NV>([&](auto c) __attribute__((always_inline)) { o[c] = o[c] + vdm * a[m][c]; });
    });
    unroll<NV>([&](auto c) __attribute__((always_inline)) { store_part<Bytes, N, c>(output + d * N, o[c]); });
  });
}

#else

// A declaration only, for the discarded branch of self_attention on targets without SIMD.
template <std::size_t N, std::size_t D, std::size_t Dk, std::size_t Dv, class T>
inline void small_self_attention(T*, T*, const T*, const T*, const T*, const T*, const T*,
                                 const T*, const T*) noexcept {}

#endif

}  // namespace ctattn::detail

CTATTN_DETAIL_FP_STRICT_END

#endif  // CTATTN_DETAIL_SMALL_ATTENTION_HPP
