// Compile time == run time, bit for bit: the notebook example (and some numpy reference cases)
// computed in a constant expression, and the same call at run time with every input laundered
// through a `volatile` (so the compiler cannot fold it), give identical bits in every output
// and every attention weight (compared through std::bit_cast). Built by GCC and Clang in CI.
#include <ctattn/attention.hpp>
#include <ctattn/math.hpp>

#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <type_traits>

#include <doctest/doctest.h>

#include "notebook_data.hpp"
#include "reference_cases.hpp"
#include "reference_tolerance.hpp"

namespace {

using notebook_data::D;
using notebook_data::N;

template <class T, std::size_t R, std::size_t C>
constexpr ctattn::matrix<T, R, C> from_rows(const double (&a)[R][C]) {
  ctattn::matrix<T, R, C> m{};
  for (std::size_t r = 0; r < R; ++r)
    for (std::size_t c = 0; c < C; ++c) m(r, c) = static_cast<T>(a[r][c]);
  return m;
}

template <class T, std::size_t R>
constexpr ctattn::vector<T, R> from_column(const double (&a)[R]) {
  ctattn::vector<T, R> v{};
  for (std::size_t r = 0; r < R; ++r) v[r] = static_cast<T>(a[r]);
  return v;
}

// The notebook's inputs in the book's layout, in T (rounded once for float).
template <class T>
constexpr ctattn::matrix<T, D, N> notebook_x() {
  return ctattn::transpose(from_rows<T>(notebook_data::all_x));  // all_x[n] is column n
}
template <class T>
constexpr ctattn::attention_params<T, D> notebook_params() {
  return {from_rows<T>(notebook_data::omega_q), from_rows<T>(notebook_data::omega_k),
          from_rows<T>(notebook_data::omega_v), from_column<T>(notebook_data::beta_q),
          from_column<T>(notebook_data::beta_k), from_column<T>(notebook_data::beta_v)};
}

// A copy of m that the optimiser cannot see through: every element passes a volatile.
template <class T, std::size_t R, std::size_t C>
ctattn::matrix<T, R, C> launder(const ctattn::matrix<T, R, C>& m) {
  ctattn::matrix<T, R, C> out{};
  for (std::size_t i = 0; i < m.count; ++i) {
    volatile T v = m[i];
    out[i] = v;
  }
  return out;
}
template <class T, std::size_t Din, std::size_t Dk, std::size_t Dv>
ctattn::attention_params<T, Din, Dk, Dv> launder(const ctattn::attention_params<T, Din, Dk, Dv>& p) {
  return {launder(p.omega_q), launder(p.omega_k), launder(p.omega_v),
          launder(p.beta_q),  launder(p.beta_k),  launder(p.beta_v)};
}

template <class T>
using bits_t = std::conditional_t<sizeof(T) == 8, std::uint64_t, std::uint32_t>;

// Number of elements whose bits differ.
template <class T, std::size_t R, std::size_t C>
std::size_t bit_differences(const ctattn::matrix<T, R, C>& a, const ctattn::matrix<T, R, C>& b) {
  std::size_t n = 0;
  for (std::size_t i = 0; i < a.count; ++i)
    if (std::bit_cast<bits_t<T>>(a[i]) != std::bit_cast<bits_t<T>>(b[i])) ++n;
  return n;
}

template <class T, class Exp>
struct notebook_at_compile_time {
  static constexpr auto x = notebook_x<T>();
  static constexpr auto p = notebook_params<T>();
  static constexpr auto result = ctattn::self_attention(x, p, Exp{});
  static constexpr auto loop = ctattn::self_attention_loop(ctattn::columns(x), p, Exp{});
};

TEST_CASE_TEMPLATE("bits: the notebook at compile time and at run time", T, double, float) {
  SUBCASE("ctattn::exp") {
    using ct = notebook_at_compile_time<T, ctattn::exp_fn>;
    const auto x = launder(ct::x);
    const auto p = launder(ct::p);
    const auto rt = ctattn::self_attention(x, p);
    CHECK(bit_differences(rt.output, ct::result.output) == 0);
    CHECK(bit_differences(rt.weights, ct::result.weights) == 0);
    const auto rt_loop = ctattn::self_attention_loop(ctattn::columns(x), p);
    CHECK(bit_differences(rt_loop.output, ct::loop.output) == 0);
    CHECK(bit_differences(rt_loop.weights, ct::loop.weights) == 0);
    CHECK(bit_differences(rt_loop.output, ct::result.output) == 0);
  }
  SUBCASE("ctattn::exp_fast") {
    using ct = notebook_at_compile_time<T, ctattn::exp_fast_fn>;
    const auto rt = ctattn::self_attention(launder(ct::x), launder(ct::p), ctattn::exp_fast);
    CHECK(bit_differences(rt.output, ct::result.output) == 0);
    CHECK(bit_differences(rt.weights, ct::result.weights) == 0);
  }
}

// A few numpy reference cases with other shapes, large scores (tiny and subnormal weights)
// and D = 1.
template <class T, const auto& Case>
struct case_at_compile_time {
  static constexpr auto x = reference_data::rounded<T>(Case.x);
  static constexpr auto p = reference_data::rounded_params<T>(Case);
  static constexpr auto result = ctattn::self_attention(x, p);
};

template <class T, const auto& Case>
void check_case_bits() {
  using ct = case_at_compile_time<T, Case>;
  CAPTURE(Case.name);
  const auto rt = ctattn::self_attention(launder(ct::x), launder(ct::p));
  CHECK(bit_differences(rt.output, ct::result.output) == 0);
  CHECK(bit_differences(rt.weights, ct::result.weights) == 0);
}

TEST_CASE_TEMPLATE("bits: reference cases at compile time and at run time", T, double, float) {
  check_case_bits<T, reference_data::dk5_dv7>();
  check_case_bits<T, reference_data::wide_16_10>();
  check_case_bits<T, reference_data::large_scores_6_5>();
  check_case_bits<T, reference_data::huge_scores_saturated>();
  check_case_bits<T, reference_data::d1_n8_large_scores>();
  check_case_bits<T, reference_data::mixed_scales>();
}

}  // namespace
