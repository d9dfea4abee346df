// ctattn/softmax.hpp - numerically stable softmax of a vector and of every column of a matrix.
//
// softmax(s)_i = exp(s_i - max_j s_j) / sum_j exp(s_j - max_j s_j)   (subtracting the maximum
// keeps every exp argument <= 0: no overflow, and the largest term is exactly 1).
// Evaluation order, shared by softmax and softmax_cols: max over ascending i, then the exps,
// then their sum accumulated from zero over ascending i, then one true division per element.
// The exp is selectable: ctattn::exp (< 1 ulp, the default) or ctattn::exp_fast.
#ifndef CTATTN_SOFTMAX_HPP
#define CTATTN_SOFTMAX_HPP

#include <cstddef>
#include <limits>
#include <type_traits>
#include <utility>

#include <ctattn/detail/fp.hpp>
#include <ctattn/math.hpp>
#include <ctattn/matrix.hpp>

CTATTN_DETAIL_FP_STRICT_BEGIN

namespace ctattn {

namespace detail {
// exp(s - mx) for one score s of a column whose maximum is mx (README, "Behaviour on bad
// input"): s == mx gives exactly 1 (exp(0)), so a column whose largest scores are +inf (or
// that is all -inf) shares its weight equally among them instead of computing inf - inf; a
// score so far below mx that exp(s - mx) is 0 anyway gives 0 without the subtraction, which
// could overflow (-1e308 - 1e308): the same bits at run time, and no overflow in constant
// evaluation (GCC rejects it). NaN (in s or mx) propagates through exp.
template <class T, class Exp>
constexpr T softmax_term(const T& s, const T& mx, Exp& exp_f) noexcept {
  if constexpr (std::numeric_limits<T>::is_iec559) {
    // exp(x) is 0 for x < -cutoff: 2^-cutoff lies below the smallest subnormal.
    constexpr T cutoff = T(std::numeric_limits<T>::max_exponent -
                           std::numeric_limits<T>::min_exponent + std::numeric_limits<T>::digits);
    if (!std::is_constant_evaluated()) {
      // Run time: the same result by selection instead of branches, so that the loop around it
      // vectorises (the discarded exp of an out-of-range difference has no effect at run time;
      // exp_f must be a pure function, as ctattn::exp and ctattn::exp_fast are).
      const T y = exp_f(s - mx);
      return s == mx ? T(1) : s < mx - cutoff ? T(0) : y;
    }
    if (s == mx) return T(1);
    if (s < mx - cutoff) return T(0);
  }
  return exp_f(s - mx);
}

// softmax_cols at run time: the same operations in the same order, written as plain loops along
// the contiguous rows, which GCC and Clang vectorise (exp included) where the folds below,
// written for constant evaluation's step budget, stay scalar. tests/bitid checks the bits.
template <class T, std::size_t R, std::size_t C, class Exp>
constexpr matrix<T, R, C> softmax_cols_runtime(const matrix<T, R, C>& s, Exp& exp_f) noexcept {
  matrix<T, R, C> e{};
  T mx[C];
  T total[C];
  for (std::size_t j = 0; j < C; ++j) {
    mx[j] = s.elems[j];
    total[j] = T{};
  }
  for (std::size_t r = 1; r < R; ++r) {
    const T* sr = s.elems + r * C;
    for (std::size_t j = 0; j < C; ++j) mx[j] = mx[j] < sr[j] ? sr[j] : mx[j];
  }
  if constexpr (C * sizeof(T) < 64) {
    // Short rows: one loop over the whole matrix, so that the exps fill whole vectors.
    T mx_all[R * C];
    for (std::size_t r = 0; r < R; ++r)
      for (std::size_t j = 0; j < C; ++j) mx_all[r * C + j] = mx[j];
    for (std::size_t i = 0; i < R * C; ++i)
      e.elems[i] = softmax_term(s.elems[i], mx_all[i], exp_f);
    for (std::size_t r = 0; r < R; ++r)
      for (std::size_t j = 0; j < C; ++j) total[j] = total[j] + e.elems[r * C + j];
  } else {
    for (std::size_t r = 0; r < R; ++r) {
      const T* sr = s.elems + r * C;
      T* er = e.elems + r * C;
      for (std::size_t j = 0; j < C; ++j) {
        er[j] = softmax_term(sr[j], mx[j], exp_f);
        total[j] = total[j] + er[j];
      }
    }
  }
  for (std::size_t r = 0; r < R; ++r) {
    T* er = e.elems + r * C;
    for (std::size_t j = 0; j < C; ++j) er[j] = er[j] / total[j];
  }
  return e;
}
}  // namespace detail

//! Softmax of a column vector (the notebook's `softmax(items_in)`).
template <class T, std::size_t N, class Exp = exp_fn>
[[nodiscard]] constexpr vector<T, N> softmax(const vector<T, N>& s, Exp exp_f = {}) noexcept {
  T mx = s.elems[0];
  for (std::size_t i = 1; i < N; ++i) mx = mx < s.elems[i] ? s.elems[i] : mx;
  vector<T, N> e{};
  T total{};
  for (std::size_t i = 0; i < N; ++i) {
    e.elems[i] = detail::softmax_term(s.elems[i], mx, exp_f);
    total = total + e.elems[i];
  }
  for (std::size_t i = 0; i < N; ++i) e.elems[i] = e.elems[i] / total;
  return e;
}

//! Softmax of every column of s independently (the book's softmax[K^T Q]): column n of the
//! result sums to 1. Same bits per column as softmax(col(s, n)).
template <class T, std::size_t R, std::size_t C, class Exp = exp_fn>
[[nodiscard]] constexpr matrix<T, R, C> softmax_cols(const matrix<T, R, C>& s,
                                                     Exp exp_f = {}) noexcept {
  if constexpr (detail::simd_target_v<T>) {
    if (!std::is_constant_evaluated()) return detail::softmax_cols_runtime(s, exp_f);
  }
  using seq = std::make_index_sequence<C>;
  // Work row by row so that each fold runs along contiguous memory, while every column sees
  // exactly the scalar order of softmax() above.
  row_vector<T, C> mx = row(s, 0);
  for (std::size_t r = 1; r < R; ++r) {
    const T* sr = s.elems + r * C;
    [&]<std::size_t... J>(std::index_sequence<J...>) {
      ((mx.elems[J] = mx.elems[J] < sr[J] ? sr[J] : mx.elems[J]), ...);
    }(seq{});
  }
  matrix<T, R, C> e{};
  row_vector<T, C> total{};
  for (std::size_t r = 0; r < R; ++r) {
    const T* sr = s.elems + r * C;
    T* er = e.elems + r * C;
    [&]<std::size_t... J>(std::index_sequence<J...>) {
      ((er[J] = detail::softmax_term(sr[J], mx.elems[J], exp_f)), ...);
      ((total.elems[J] = total.elems[J] + er[J]), ...);
    }(seq{});
  }
  for (std::size_t r = 0; r < R; ++r) {
    T* er = e.elems + r * C;
    [&]<std::size_t... J>(std::index_sequence<J...>) {
      ((er[J] = er[J] / total.elems[J]), ...);
    }(seq{});
  }
  return e;
}

//! Softmax of every column of s over the entries where keep(m, n) is true. The others get
//! weight exactly 0 by selection: their exp is never evaluated, so -inf or huge scores there
//! are harmless, also in constant evaluation. A column with no kept entry gets all-zero
//! weights (never 0/0). When every entry is kept, the result has the bits of softmax_cols(s).
template <class T, std::size_t R, std::size_t C, class Exp = exp_fn>
[[nodiscard]] constexpr matrix<T, R, C> softmax_cols_masked(const matrix<T, R, C>& s,
                                                            const matrix<bool, R, C>& keep,
                                                            Exp exp_f = {}) noexcept {
  using seq = std::make_index_sequence<C>;
  // The same scalar order as softmax_cols, restricted to the kept entries: max over ascending
  // kept rows, the exps and their sum from zero, then one true division per kept element.
  row_vector<T, C> mx{};
  row_vector<bool, C> any{};
  for (std::size_t r = 0; r < R; ++r) {
    const T* sr = s.elems + r * C;
    const bool* kr = keep.elems + r * C;
    [&]<std::size_t... J>(std::index_sequence<J...>) {
      ((mx.elems[J] = !kr[J]       ? mx.elems[J]
                      : !any.elems[J] ? sr[J]
                      : mx.elems[J] < sr[J] ? sr[J]
                                            : mx.elems[J]),
       ...);
      ((any.elems[J] = any.elems[J] || kr[J]), ...);
    }(seq{});
  }
  matrix<T, R, C> e{};
  row_vector<T, C> total{};
  for (std::size_t r = 0; r < R; ++r) {
    const T* sr = s.elems + r * C;
    const bool* kr = keep.elems + r * C;
    T* er = e.elems + r * C;
    [&]<std::size_t... J>(std::index_sequence<J...>) {
      ((er[J] = kr[J] ? detail::softmax_term(sr[J], mx.elems[J], exp_f) : T{}), ...);
      ((total.elems[J] = total.elems[J] + er[J]), ...);
    }(seq{});
  }
  for (std::size_t r = 0; r < R; ++r) {
    const bool* kr = keep.elems + r * C;
    T* er = e.elems + r * C;
    [&]<std::size_t... J>(std::index_sequence<J...>) {
      ((er[J] = kr[J] ? er[J] / total.elems[J] : T{}), ...);
    }(seq{});
  }
  return e;
}

}  // namespace ctattn

CTATTN_DETAIL_FP_STRICT_END

#endif  // CTATTN_SOFTMAX_HPP
