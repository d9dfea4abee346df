// ctattn/evaluation_order.hpp - does this build compute at run time what static_assert proves?
//
// ctattn's promise (the bits a static_assert proves are the bits computed at run time) holds
// only if run time rounds every multiply and every add separately, as constant evaluation does.
// Floating-point contraction breaks it: the compiler fuses a * b + c into one FMA, rounded once.
// GCC contracts by default in C++ (-ffp-contract=fast) on every target with an FMA instruction
// (x86-64-v3 and later, AArch64, Cortex-M4F, ...); Clang's `fast` mode too (its default `on`
// obeys the pragma in ctattn's headers). No macro tells a header which mode is on, so the check
// is made at run time: check_evaluation_order() computes a few values whose bits change under
// contraction, once by constant evaluation and once at run time on inputs hidden from the
// optimiser (volatile), and compares. Tested by tests/portability (docs/portability.md).
#ifndef CTATTN_EVALUATION_ORDER_HPP
#define CTATTN_EVALUATION_ORDER_HPP

#include <bit>
#include <cstddef>
#include <cstdint>
#include <type_traits>

#include <ctattn/detail/fp.hpp>
#include <ctattn/detail/isa.hpp>
#include <ctattn/math.hpp>
#include <ctattn/matrix.hpp>
#include <ctattn/softmax.hpp>

CTATTN_DETAIL_FP_STRICT_BEGIN

namespace ctattn::inline CTATTN_ISA_NS {

//! What check_evaluation_order() found.
enum class evaluation_order : unsigned char {
  //! Run time computed the bits constant evaluation computes: static_asserts hold at run time.
  same_as_constant_evaluation,
  //! Run time differs from constant evaluation: this build contracts multiply-adds into FMA
  //! (GCC without -ffp-contract=off, Clang with -ffp-contract=fast) or uses -ffast-math.
  //! Rebuild with -ffp-contract=off.
  differs,
};

namespace detail {

// Three cases whose bits change when a * b + c is fused:
//  - a matrix product (the run-time kernels of matrix.hpp): row (1, a, 0, ...) times column
//    (-(1 + 2e), 1 + e, 0, ...) with e = 2^-30 (double) or 2^-13 (float); separately rounded,
//    (1 + e)^2 rounds to 1 + 2e and the sum is 0; fused, it is e^2 (2^-60 or 2^-26);
//  - ctattn::exp at 16 points of [-8, 8) (polynomial and range reduction are multiply-adds);
//  - softmax_cols of an 8 x 8 matrix (the vector exp of detail/vexp.hpp and the divisions).
template <class T>
struct evaluation_order_case {
  static constexpr std::size_t n = 8;
  static constexpr T e = sizeof(T) == 8 ? T(1) / T(1 << 15) / T(1 << 15) : T(1) / T(1 << 13);

  static constexpr matrix<T, n, n> left() noexcept {
    matrix<T, n, n> a{};
    for (std::size_t i = 0; i < n; ++i) {
      a(i, 0) = T(1);
      a(i, 1) = T(1) + e;
    }
    return a;
  }
  static constexpr matrix<T, n, n> right() noexcept {
    matrix<T, n, n> b{};
    for (std::size_t j = 0; j < n; ++j) {
      b(0, j) = -(T(1) + T(2) * e);
      b(1, j) = T(1) + e;
    }
    return b;
  }
  static constexpr matrix<T, n, n> scores() noexcept {  // (i * 7 + j * 3) mod 16 / 2 - 4
    matrix<T, n, n> s{};
    for (std::size_t i = 0; i < n; ++i)
      for (std::size_t j = 0; j < n; ++j) s(i, j) = T(static_cast<int>((i * 7 + j * 3) % 16)) / T(2) - T(4);
    return s;
  }
  static constexpr matrix<T, 16, 1> points() noexcept {  // -8 + k + k / 16 + 1 / 3
    matrix<T, 16, 1> x{};
    for (std::size_t k = 0; k < 16; ++k)
      x[k] = T(static_cast<int>(k) - 8) + T(static_cast<int>(k)) / T(16) + T(1) / T(3);
    return x;
  }

  struct results {
    matrix<T, n, n> product;
    matrix<T, 16, 1> exps;
    matrix<T, n, n> softmax;
  };

  static constexpr results compute(const matrix<T, n, n>& a, const matrix<T, n, n>& b,
                                   const matrix<T, 16, 1>& x, const matrix<T, n, n>& s) noexcept {
    results r{a * b, {}, softmax_cols(s)};
    for (std::size_t k = 0; k < 16; ++k) r.exps[k] = ctattn::exp(x[k]);
    return r;
  }

  // The same computation at run time: every input passes through a volatile, so the optimiser
  // cannot fold it into constants (which it would compute as constant evaluation does).
  template <class M>
  static M hidden(const M& m) noexcept {
    M out{};
    for (std::size_t i = 0; i < M::count; ++i) {
      volatile T v = m[i];
      out[i] = v;
    }
    return out;
  }

  template <class M>
  static bool same_bits(const M& x, const M& y) noexcept {
    using bits = std::conditional_t<sizeof(T) == 8, std::uint64_t, std::uint32_t>;
    for (std::size_t i = 0; i < M::count; ++i)
      if (std::bit_cast<bits>(x[i]) != std::bit_cast<bits>(y[i])) return false;
    return true;
  }

  static bool matches() noexcept {
    constexpr results want = compute(left(), right(), points(), scores());
    const results got = compute(hidden(left()), hidden(right()), hidden(points()), hidden(scores()));
    return same_bits(got.product, want.product) && same_bits(got.exps, want.exps) &&
           same_bits(got.softmax, want.softmax);
  }
};

}  // namespace detail

//! Computes, at run time, values whose bits change under floating-point contraction (a matrix
//! product, exp, softmax_cols; float and double) and compares them with constant evaluation.
//! Returns evaluation_order::same_as_constant_evaluation when all agree bit for bit, and
//! evaluation_order::differs when this build contracts (GCC's default -ffp-contract=fast on a
//! target with FMA: compile with -ffp-contract=off). Call it once at start-up or in a test of
//! your firmware. It checks the unit it is compiled in: build all units with the same flags.
[[nodiscard]] inline evaluation_order check_evaluation_order() noexcept {
  return detail::evaluation_order_case<float>::matches() &&
                 detail::evaluation_order_case<double>::matches()
             ? evaluation_order::same_as_constant_evaluation
             : evaluation_order::differs;
}

}  // namespace ctattn::inline CTATTN_ISA_NS

CTATTN_DETAIL_FP_STRICT_END

#endif  // CTATTN_EVALUATION_ORDER_HPP
