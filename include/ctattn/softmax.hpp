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

#include <ctattn/detail/consteval_gemm.hpp>
#include <ctattn/detail/fp.hpp>
#include <ctattn/detail/isa.hpp>
#include <ctattn/detail/rowops.hpp>
#include <ctattn/detail/vexp.hpp>
#include <ctattn/math.hpp>
#include <ctattn/matrix.hpp>

CTATTN_DETAIL_FP_STRICT_BEGIN

namespace ctattn::inline CTATTN_ISA_NS {

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

// softmax_cols at run time on SIMD targets (float/double on x86-64, AArch64): the same
// operations in the same order, along the contiguous rows. With ctattn::exp or exp_fast the
// terms are explicit vector code (detail/vexp.hpp: narrow matrices wholly in registers, rows
// of whole vectors row by row, other shapes in one flat pass); with another exp, plain loops
// that the compiler may vectorise. tests/bitid checks the bits against constant evaluation.
template <class T, std::size_t R, std::size_t C, class Exp>
constexpr matrix<T, R, C> softmax_cols_runtime(const matrix<T, R, C>& s, Exp& exp_f) noexcept {
  constexpr bool vexp = vexp_available_v<T, Exp>;
  constexpr bool fast = std::is_same_v<std::remove_cvref_t<Exp>, exp_fast_fn>;
  matrix<T, R, C> e{};
  if constexpr (vexp && C * sizeof(T) < 32 && R <= 4 * fold_chunk) {
    // A row fits one vector: the whole matrix in registers (detail/vexp.hpp), its folds over
    // the R rows within Clang's limit of 256 operands (longer columns take the loops below).
    softmax_cols_narrow<fast, R, C>(e.elems, s.elems);
    return e;
  }
  T mx[C];
  T total[C];
  for (std::size_t j = 0; j < C; ++j) {
    mx[j] = s.elems[j];
    total[j] = T{};
  }
  // Row operations in explicit vectors (detail/rowops.hpp: Clang would otherwise turn these
  // loop nests inside out into gathers and scatters); one IEEE operation per element as before.
  for (std::size_t r = 1; r < R; ++r) row_max<C>(mx, s.elems + r * C);
  if constexpr (vexp && C % vexp_ops<T>::lanes == 0) {
    // Rows of whole vectors: the exps in explicit vectors (detail/vexp.hpp), row by row.
    for (std::size_t r = 0; r < R; ++r) {
      T* er = e.elems + r * C;
      softmax_terms_v<fast, C>(er, s.elems + r * C, mx);
      row_add<C>(total, er);
    }
  } else if constexpr (vexp || C * sizeof(T) < 64) {
    // Short or ragged rows: one pass over the whole matrix, so that the exps fill whole vectors.
    T mx_all[R * C];
    for (std::size_t r = 0; r < R; ++r)
      for (std::size_t j = 0; j < C; ++j) mx_all[r * C + j] = mx[j];
    if constexpr (vexp) {
      softmax_terms_v<fast, R * C>(e.elems, s.elems, mx_all);
    } else {
      for (std::size_t i = 0; i < R * C; ++i)
        e.elems[i] = softmax_term(s.elems[i], mx_all[i], exp_f);
    }
    for (std::size_t r = 0; r < R; ++r) row_add<C>(total, e.elems + r * C);
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
  for (std::size_t r = 0; r < R; ++r) row_div<C>(e.elems + r * C, total);
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

namespace detail {
// softmax_cols in constant evaluation, column by column, in the style of consteval_gemm.hpp
// (GCC counts every expression node it evaluates, Clang every statement): a column's scores
// travel as function parameters (a column of at most 64 rows: read once, then one node per
// use) or as whole-array references plus an offset (longer columns, in chunks of 64: Clang's
// fold limit). The scalar operations are softmax()'s, in its order: the maximum over ascending
// rows, softmax_term of every element, their sum from T{} over ascending rows, one true
// division per element. si = r0 * C + j addresses row r0 of column j.

// softmax_term(v, mx, exp_f) as one expression, lo = mx - cutoff computed once per column;
// ctattn::exp goes straight to its constant-evaluation twin (what exp_fn calls there).
template <class T, class Exp>
constexpr T softmax_ce_lo(const T& mx) noexcept {
  if constexpr (std::numeric_limits<T>::is_iec559)
    return mx - T(std::numeric_limits<T>::max_exponent - std::numeric_limits<T>::min_exponent +
                  std::numeric_limits<T>::digits);
  else
    return mx;
}
template <class T, class Exp>
inline constexpr bool softmax_ce_inline_v =
    std::numeric_limits<T>::is_iec559 && IeeeFloat<T> && std::is_same_v<Exp, exp_fn>;

// e[K * C + si] = t_K / (T{} + t_0 + t_1 + ...): the terms t as parameters.
template <std::size_t C, class T, std::size_t NS, std::size_t... K>
constexpr void softmax_ce_normalise(T (&e)[NS], std::size_t si, std::index_sequence<K...>,
                                    repeat_t<T, K>... t) noexcept {
  const T total = (T{} + ... + t);
  ((e[K * C + si] = t / total), ...);
}
// A whole column (R <= 64 rows) as the parameters v, mx = its row 0.
template <std::size_t C, class T, std::size_t NS, class Exp, std::size_t... K>
constexpr void softmax_ce_column(T (&e)[NS], std::size_t si, T mx, Exp& exp_f,
                                 std::index_sequence<K...> ks, repeat_t<T, K>... v) noexcept {
  ((mx = mx < v ? v : mx), ...);  // row 0 compared with itself changes nothing
  if constexpr (softmax_ce_inline_v<T, Exp>) {
    const T lo = softmax_ce_lo<T, Exp>(mx);
    softmax_ce_normalise<C>(e, si, ks, (v == mx ? T(1) : v < lo ? T(0) : exp_consteval(v - mx))...);
  } else {
    softmax_ce_normalise<C>(e, si, ks, softmax_term(v, mx, exp_f)...);
  }
}
template <std::size_t C, class T, std::size_t NS, class Exp, std::size_t... K>
constexpr void softmax_ce_column_read(T (&e)[NS], const T (&s)[NS], std::size_t j, Exp& exp_f,
                                      std::index_sequence<K...> ks) noexcept {
  softmax_ce_column<C>(e, j, s[j], exp_f, ks, s[K * C + j]...);
}

// Longer columns, chunk by chunk.
template <class T, std::size_t... K>
constexpr T softmax_ce_max(T m, std::index_sequence<K...>, repeat_t<T, K>... v) noexcept {
  ((m = m < v ? v : m), ...);
  return m;
}
template <std::size_t C, class T, std::size_t NS, std::size_t... K>
constexpr T softmax_ce_max_chunk(T m, const T (&s)[NS], std::size_t si,
                                 std::index_sequence<K...> ks) noexcept {
  return softmax_ce_max(m, ks, s[K * C + si]...);
}
// Stores the terms, returns total + t_0 + t_1 + ...
template <std::size_t C, class T, std::size_t NS, std::size_t... K>
constexpr T softmax_ce_store(T (&e)[NS], std::size_t si, T total, std::index_sequence<K...>,
                             repeat_t<T, K>... t) noexcept {
  ((e[K * C + si] = t), ...);
  return (total + ... + t);
}
template <std::size_t C, class T, std::size_t NS, class Exp, std::size_t... K>
constexpr T softmax_ce_terms(T (&e)[NS], const T (&s)[NS], std::size_t si, T total, const T& mx,
                             Exp& exp_f, std::index_sequence<K...> ks) noexcept {
  return softmax_ce_store<C>(e, si, total, ks, softmax_term(s[K * C + si], mx, exp_f)...);
}
template <std::size_t C, class T, std::size_t NS, std::size_t... K>
constexpr void softmax_ce_divide(T (&e)[NS], std::size_t si, const T& total,
                                 std::index_sequence<K...>) noexcept {
  ((e[K * C + si] = e[K * C + si] / total), ...);
}

template <class T, std::size_t R, std::size_t C, class Exp>
constexpr matrix<T, R, C> softmax_cols_consteval(const matrix<T, R, C>& s, Exp& exp_f) noexcept {
  matrix<T, R, C> e{};
  if constexpr (R <= 64) {
    for (std::size_t j = 0; j < C; ++j)
      softmax_ce_column_read<C>(e.elems, s.elems, j, exp_f, std::make_index_sequence<R>{});
  } else {
    constexpr std::size_t chunk = 64;
    constexpr std::size_t full = R / chunk * chunk;
    using cs = std::make_index_sequence<chunk>;
    using ts = std::make_index_sequence<R - full>;
    for (std::size_t j = 0; j < C; ++j) {
      T mx = s.elems[j];  // row 0; comparing it with itself again changes nothing
      for (std::size_t r0 = 0; r0 < full; r0 += chunk)
        mx = softmax_ce_max_chunk<C>(mx, s.elems, r0 * C + j, cs{});
      if constexpr (full < R) mx = softmax_ce_max_chunk<C>(mx, s.elems, full * C + j, ts{});
      T total{};
      for (std::size_t r0 = 0; r0 < full; r0 += chunk)
        total = softmax_ce_terms<C>(e.elems, s.elems, r0 * C + j, total, mx, exp_f, cs{});
      if constexpr (full < R)
        total = softmax_ce_terms<C>(e.elems, s.elems, full * C + j, total, mx, exp_f, ts{});
      for (std::size_t r0 = 0; r0 < full; r0 += chunk)
        softmax_ce_divide<C>(e.elems, r0 * C + j, total, cs{});
      if constexpr (full < R) softmax_ce_divide<C>(e.elems, full * C + j, total, ts{});
    }
  }
  return e;
}
}  // namespace detail

//! Softmax of every column of s independently (the book's softmax[K^T Q]): column n of the
//! result sums to 1. Same bits per column as softmax(col(s, n)).
template <class T, std::size_t R, std::size_t C, class Exp = exp_fn>
[[nodiscard]] constexpr matrix<T, R, C> softmax_cols(const matrix<T, R, C>& s,
                                                     Exp exp_f = {}) noexcept {
  if constexpr (detail::simd_target_v<T>) {
    if (!std::is_constant_evaluated()) return detail::softmax_cols_runtime(s, exp_f);
  }
  if (std::is_constant_evaluated()) return detail::softmax_cols_consteval(s, exp_f);
  if constexpr (C <= detail::fold_chunk) {
    // Run time elsewhere (Cortex-M, fixed point): folds row by row along contiguous memory,
    // while every column sees exactly the scalar order of softmax() above.
    using seq = std::make_index_sequence<C>;
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
  } else {  // the same in folds of at most 64 columns (Clang's fold limit)
    row_vector<T, C> mx = row(s, 0);
    for (std::size_t r = 1; r < R; ++r) {
      detail::for_chunks<C>([&]<std::size_t... J>(std::size_t j0, std::index_sequence<J...>) {
        const T* sr = s.elems + r * C + j0;
        T* mj = mx.elems + j0;
        ((mj[J] = mj[J] < sr[J] ? sr[J] : mj[J]), ...);
      });
    }
    matrix<T, R, C> e{};
    row_vector<T, C> total{};
    for (std::size_t r = 0; r < R; ++r) {
      detail::for_chunks<C>([&]<std::size_t... J>(std::size_t j0, std::index_sequence<J...>) {
        const T* sr = s.elems + r * C + j0;
        const T* mj = mx.elems + j0;
        T* er = e.elems + r * C + j0;
        T* tj = total.elems + j0;
        ((er[J] = detail::softmax_term(sr[J], mj[J], exp_f)), ...);
        ((tj[J] = tj[J] + er[J]), ...);
      });
    }
    for (std::size_t r = 0; r < R; ++r) {
      detail::for_chunks<C>([&]<std::size_t... J>(std::size_t j0, std::index_sequence<J...>) {
        T* er = e.elems + r * C + j0;
        const T* tj = total.elems + j0;
        ((er[J] = er[J] / tj[J]), ...);
      });
    }
    return e;
  }
}

namespace detail {
// softmax_cols_masked for rows of more than 64 columns: the same operations in the same order,
// every row in folds of at most 64 columns (for_chunks: Clang's fold limit). Rows of up to 64
// keep the single folds below, whose run-time code GCC optimises better.
template <class T, std::size_t R, std::size_t C, class Exp>
constexpr matrix<T, R, C> softmax_cols_masked_chunked(const matrix<T, R, C>& s,
                                                      const matrix<bool, R, C>& keep,
                                                      Exp& exp_f) noexcept {
  // The same scalar order as softmax_cols, restricted to the kept entries: max over ascending
  // kept rows, the exps and their sum from zero, then one true division per kept element.
  row_vector<T, C> mx{};
  row_vector<bool, C> any{};
  for (std::size_t r = 0; r < R; ++r) {
    detail::for_chunks<C>([&]<std::size_t... J>(std::size_t j0, std::index_sequence<J...>) {
      const T* sr = s.elems + r * C + j0;
      const bool* kr = keep.elems + r * C + j0;
      T* mj = mx.elems + j0;
      bool* aj = any.elems + j0;
      ((mj[J] = !kr[J]             ? mj[J]
                : !aj[J]           ? sr[J]
                : mj[J] < sr[J]    ? sr[J]
                                   : mj[J]),
       ...);
      ((aj[J] = aj[J] || kr[J]), ...);
    });
  }
  matrix<T, R, C> e{};
  row_vector<T, C> total{};
  bool terms_done = false;
  if constexpr (detail::vexp_available_v<T, Exp>) {
    if (!std::is_constant_evaluated()) {
      terms_done = true;
      // Run time: the terms of whole rows in vectors (detail/vexp.hpp; for kept entries mx is
      // the maximum the vector terms require), then the same selection and sums.
      constexpr bool fast = std::is_same_v<std::remove_cvref_t<Exp>, exp_fast_fn>;
      for (std::size_t r = 0; r < R; ++r) {
        const bool* kr = keep.elems + r * C;
        T* er = e.elems + r * C;
        detail::softmax_terms_v<fast, C>(er, s.elems + r * C, mx.elems);
        for (std::size_t j = 0; j < C; ++j) {
          er[j] = kr[j] ? er[j] : T{};
          total.elems[j] = total.elems[j] + er[j];
        }
      }
    }
  }
  if (!terms_done) {
    for (std::size_t r = 0; r < R; ++r) {
      detail::for_chunks<C>([&]<std::size_t... J>(std::size_t j0, std::index_sequence<J...>) {
        const T* sr = s.elems + r * C + j0;
        const bool* kr = keep.elems + r * C + j0;
        const T* mj = mx.elems + j0;
        T* er = e.elems + r * C + j0;
        T* tj = total.elems + j0;
        ((er[J] = kr[J] ? detail::softmax_term(sr[J], mj[J], exp_f) : T{}), ...);
        ((tj[J] = tj[J] + er[J]), ...);
      });
    }
  }
  for (std::size_t r = 0; r < R; ++r) {
    detail::for_chunks<C>([&]<std::size_t... J>(std::size_t j0, std::index_sequence<J...>) {
      const bool* kr = keep.elems + r * C + j0;
      const T* tj = total.elems + j0;
      T* er = e.elems + r * C + j0;
      ((er[J] = kr[J] ? er[J] / tj[J] : T{}), ...);
    });
  }
  return e;
}
}  // namespace detail

//! Softmax of every column of s over the entries where keep(m, n) is true. The others get
//! weight exactly 0 by selection: their exp is never evaluated, so -inf or huge scores there
//! are harmless, also in constant evaluation. A column with no kept entry gets all-zero
//! weights (never 0/0). When every entry is kept, the result has the bits of softmax_cols(s).
template <class T, std::size_t R, std::size_t C, class Exp = exp_fn>
  requires(C <= detail::fold_chunk)
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
  bool terms_done = false;
  if constexpr (detail::vexp_available_v<T, Exp>) {
    if (!std::is_constant_evaluated()) {
      terms_done = true;
      // Run time: the terms of whole rows in vectors (detail/vexp.hpp; for kept entries mx is
      // the maximum the vector terms require), then the same selection and sums.
      constexpr bool fast = std::is_same_v<std::remove_cvref_t<Exp>, exp_fast_fn>;
      for (std::size_t r = 0; r < R; ++r) {
        const bool* kr = keep.elems + r * C;
        T* er = e.elems + r * C;
        detail::softmax_terms_v<fast, C>(er, s.elems + r * C, mx.elems);
        for (std::size_t j = 0; j < C; ++j) {
          er[j] = kr[j] ? er[j] : T{};
          total.elems[j] = total.elems[j] + er[j];
        }
      }
    }
  }
  if (!terms_done) {
    for (std::size_t r = 0; r < R; ++r) {
      const T* sr = s.elems + r * C;
      const bool* kr = keep.elems + r * C;
      T* er = e.elems + r * C;
      [&]<std::size_t... J>(std::index_sequence<J...>) {
        ((er[J] = kr[J] ? detail::softmax_term(sr[J], mx.elems[J], exp_f) : T{}), ...);
        ((total.elems[J] = total.elems[J] + er[J]), ...);
      }(seq{});
    }
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


//! The same for rows of more than 64 columns (detail::softmax_cols_masked_chunked: the same
//! operations in the same order, in folds of at most 64 columns).
template <class T, std::size_t R, std::size_t C, class Exp = exp_fn>
  requires(C > detail::fold_chunk)
[[nodiscard]] constexpr matrix<T, R, C> softmax_cols_masked(const matrix<T, R, C>& s,
                                                            const matrix<bool, R, C>& keep,
                                                            Exp exp_f = {}) noexcept {
  return detail::softmax_cols_masked_chunked(s, keep, exp_f);
}

}  // namespace ctattn

CTATTN_DETAIL_FP_STRICT_END

#endif  // CTATTN_SOFTMAX_HPP
