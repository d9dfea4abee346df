// ctattn/detail/consteval_gemm.hpp - the matrix-product kernel for constant evaluation.
//
// What a static_assert can prove is bounded by the compilers' default constant-evaluation
// budgets: GCC counts every expression node it evaluates (-fconstexpr-ops-limit = 2^25), Clang
// counts statements (-fconstexpr-steps = 2^20). This kernel spends few of both:
//   - row i of A (a chunk of at most 64 of its elements) is passed as a function parameter
//     pack, so inside the kernel each A(i, k) costs GCC one node instead of an array access;
//   - each out(i, j) is one binary left fold over k, (out(i, j) + ... + (A(i, k) * B(k, j))):
//     no stores or loads of an accumulator between the terms, and one Clang step per element;
//   - the arrays travel as references to the whole C arrays plus offsets (GCC builds a new
//     address tree for every pointer increment, which costs memory and time).
// The scalar operations are exactly those of the fold kernels in matrix.hpp, in the same order:
// out(i, j) = (...((out(i, j) + A(i, 0) B(0, j)) + A(i, 1) B(1, j)) + ...), each product and
// each sum rounded separately, k ascending. So it returns the same bits (tests/ctime checks it
// against the run-time kernels and a scalar loop).
#ifndef CTATTN_DETAIL_CONSTEVAL_GEMM_HPP
#define CTATTN_DETAIL_CONSTEVAL_GEMM_HPP

#include <cstddef>
#include <utility>

#include <ctattn/detail/fp.hpp>
#include <ctattn/detail/isa.hpp>

CTATTN_DETAIL_FP_STRICT_BEGIN

namespace ctattn::inline CTATTN_ISA_NS::detail {

// T, once per index of a pack (to declare a parameter pack of Count T's).
template <class T, std::size_t>
using repeat_t = T;

// out[oi + j] = (out[oi + j] + ... + (a_k * b[k * C + bi + j])) for j < C, with a_k = a... in
// ascending k.
template <std::size_t C, class T, std::size_t NO, std::size_t NB, std::size_t... K>
constexpr void gemm_consteval_row(T (&out)[NO], std::size_t oi, const T (&b)[NB], std::size_t bi,
                                  std::index_sequence<K...>, repeat_t<T, K>... a) noexcept {
  for (std::size_t j = 0; j < C; ++j) {
    const std::size_t bj = bi + j;  // one addition per element instead of one per term
    out[oi + j] = (out[oi + j] + ... + (a * b[K * C + bj]));
  }
}

// One chunk of row i: A(i, k0 + k) = a[ai + k * SAK] for the k of the index sequence.
template <std::size_t C, std::size_t SAK, class T, std::size_t NO, std::size_t NA, std::size_t NB,
          std::size_t... K>
constexpr void gemm_consteval_chunk(T (&out)[NO], std::size_t oi, const T (&a)[NA],
                                    std::size_t ai, const T (&b)[NB], std::size_t bi,
                                    std::index_sequence<K...> ks) noexcept {
  gemm_consteval_row<C>(out, oi, b, bi, ks, a[K * SAK + ai]...);
}

// out[oi + J] = out[oi + J] + c for J < sizeof...(J) (affine's bias, one row).
template <class T, std::size_t NO, std::size_t... J>
constexpr void add_row_consteval(T (&out)[NO], std::size_t oi, T c,
                                 std::index_sequence<J...>) noexcept {
  ((out[J + oi] = out[J + oi] + c), ...);
}

//! out (R x C, row-major) += A B with A(i, k) = a[i * SAI + k * SAK] and B = b (K x C,
//! row-major), every element accumulated over ascending k: the constant-evaluation twin of
//! gemm_acc (SAI = K, SAK = 1) and gemm_tn_acc (SAI = 1, SAK = R). K is cut into chunks of at
//! most 64 (Clang rejects folds deeper than its bracket depth of 256).
template <std::size_t R, std::size_t K, std::size_t C, std::size_t SAI, std::size_t SAK, class T>
constexpr void gemm_consteval(T (&out)[R * C], const T (&a)[R * K], const T (&b)[K * C]) noexcept {
  constexpr std::size_t chunk = K < 64 ? K : 64;
  constexpr std::size_t full = K / chunk * chunk;
  for (std::size_t i = 0; i < R; ++i) {
    for (std::size_t k0 = 0; k0 < full; k0 += chunk)
      gemm_consteval_chunk<C, SAK>(out, i * C, a, i * SAI + k0 * SAK, b, k0 * C,
                                   std::make_index_sequence<chunk>{});
    if constexpr (full < K)
      gemm_consteval_chunk<C, SAK>(out, i * C, a, i * SAI + full * SAK, b, full * C,
                                   std::make_index_sequence<K - full>{});
  }
}

}  // namespace ctattn::detail

CTATTN_DETAIL_FP_STRICT_END

#endif  // CTATTN_DETAIL_CONSTEVAL_GEMM_HPP
