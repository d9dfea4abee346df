// examples/fixed_notebook.hpp - the self-attention notebook (UDL notebook 12.1) in any scalar
// type, as constexpr functions: the fixed-point example, the fixed-point tests and the
// embedded (Cortex-M, no FPU) firmware all run this one computation.
//
// The inputs are numpy's float64 draws (notebook_data.hpp, exact hex floats). Quantising them
// to a fixed-point type happens inside a constant expression (see `inputs<T>`), so a program
// that only calls `run(inputs<q15_16>)` at run time contains integer code only.
//
// Usage:
//   constexpr auto in = fixed_notebook::inputs<ctattn::q15_16>;        // quantised at compile time
//   auto r = fixed_notebook::run(in);                                   // integer-only
//   constexpr auto ref = fixed_notebook::run(fixed_notebook::inputs<double>);
//   fixed_notebook::max_abs_error(r, ref) <= fixed_notebook::tolerance<ctattn::q15_16>
#ifndef CTATTN_EXAMPLES_FIXED_NOTEBOOK_HPP
#define CTATTN_EXAMPLES_FIXED_NOTEBOOK_HPP

#include <cstddef>

#include <ctattn/attention.hpp>
#include <ctattn/fixed.hpp>
#include <ctattn/matrix.hpp>

#include "notebook_data.hpp"

namespace fixed_notebook {

inline constexpr std::size_t D = notebook_data::D;  //!< dimension of each token
inline constexpr std::size_t N = notebook_data::N;  //!< number of tokens

//! The notebook's X (D x N, tokens are columns) and parameters, converted to T.
template <class T>
struct problem {
  ctattn::matrix<T, D, N> x;
  ctattn::attention_params<T, D> params;
};

namespace detail {
template <class T, std::size_t R, std::size_t C>
constexpr ctattn::matrix<T, R, C> rows(const double (&a)[R][C]) noexcept {
  ctattn::matrix<T, R, C> m{};
  for (std::size_t r = 0; r < R; ++r)
    for (std::size_t c = 0; c < C; ++c) m(r, c) = static_cast<T>(a[r][c]);
  return m;
}
template <class T, std::size_t R>
constexpr ctattn::vector<T, R> column(const double (&a)[R]) noexcept {
  ctattn::vector<T, R> v{};
  for (std::size_t r = 0; r < R; ++r) v[r] = static_cast<T>(a[r]);
  return v;
}
}  // namespace detail

//! The notebook's inputs rounded to T (nearest, ties to even for fixed), in constant evaluation.
template <class T>
inline constexpr problem<T> inputs = [] {
  problem<T> p{};
  for (std::size_t n = 0; n < N; ++n)
    for (std::size_t d = 0; d < D; ++d) p.x(d, n) = static_cast<T>(notebook_data::all_x[n][d]);
  p.params = {detail::rows<T>(notebook_data::omega_q), detail::rows<T>(notebook_data::omega_k),
              detail::rows<T>(notebook_data::omega_v), detail::column<T>(notebook_data::beta_q),
              detail::column<T>(notebook_data::beta_k), detail::column<T>(notebook_data::beta_v)};
  return p;
}();

//! The notebook's self-attention (unscaled, as in the notebook) in T.
template <class T>
[[nodiscard]] constexpr ctattn::attention_result<T, D, N> run(const problem<T>& p) noexcept {
  return ctattn::self_attention(p.x, p.params);
}

//! The double-precision result every fixed-point result is compared with.
inline constexpr ctattn::attention_result<double, D, N> reference = run(inputs<double>);

//! max |a - b| over the elements of two matrices of the same shape (a in any type that converts
//! explicitly to double).
template <class T, std::size_t R, std::size_t C>
[[nodiscard]] constexpr double max_abs_error(const ctattn::matrix<T, R, C>& a,
                                             const ctattn::matrix<double, R, C>& b) noexcept {
  double worst = 0;
  for (std::size_t i = 0; i < R * C; ++i) {
    const double d = static_cast<double>(a.elems[i]) - b.elems[i];
    const double ad = d < 0 ? -d : d;
    worst = ad > worst ? ad : worst;
  }
  return worst;
}

//! Stated tolerances of the notebook in each provided format (max absolute error against
//! `reference`; the measured values are in README's accuracy table, and these bounds leave a
//! margin above them). tests/static/static_fixed_notebook.cpp proves them in constant evaluation.
template <class T>
struct tolerance;
template <>
struct tolerance<ctattn::q15_16> {  // measured 8.2e-6 and 7.1e-5
  static constexpr double weights = 2e-5;
  static constexpr double output = 2e-4;
};
template <>
struct tolerance<ctattn::q5_10> {  // measured 2.9e-4 and 1.3e-3
  static constexpr double weights = 1e-3;
  static constexpr double output = 4e-3;
};
template <>
struct tolerance<ctattn::q7_8> {  // measured 2.0e-3 and 1.3e-2
  static constexpr double weights = 5e-3;
  static constexpr double output = 3e-2;
};
// q3_12 has no tolerance: the notebook's scores (up to 30.7) saturate its range [-8, 8).

}  // namespace fixed_notebook

#endif  // CTATTN_EXAMPLES_FIXED_NOTEBOOK_HPP
