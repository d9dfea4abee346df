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
#include <utility>

#include <ctattn/detail/fp.hpp>
#include <ctattn/math.hpp>
#include <ctattn/matrix.hpp>

CTATTN_DETAIL_FP_STRICT_BEGIN

namespace ctattn {

//! Softmax of a column vector (the notebook's `softmax(items_in)`).
template <class T, std::size_t N, class Exp = exp_fn>
[[nodiscard]] constexpr vector<T, N> softmax(const vector<T, N>& s, Exp exp_f = {}) noexcept {
  T mx = s.elems[0];
  for (std::size_t i = 1; i < N; ++i) mx = mx < s.elems[i] ? s.elems[i] : mx;
  vector<T, N> e{};
  T total{};
  for (std::size_t i = 0; i < N; ++i) {
    e.elems[i] = exp_f(s.elems[i] - mx);
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
  using seq = std::make_index_sequence<C>;
  // Work row by row so that each fold runs along contiguous memory (vectorised at run time),
  // while every column sees exactly the scalar order of softmax() above.
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
      ((er[J] = exp_f(sr[J] - mx.elems[J])), ...);
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

}  // namespace ctattn

CTATTN_DETAIL_FP_STRICT_END

#endif  // CTATTN_SOFTMAX_HPP
