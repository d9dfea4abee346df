// embedded/cases.hpp - the cases that the Cortex-M firmware and its host twin both compute,
// printed as bit patterns so that a script can check that target and host agree bit for bit.
//
// A case is a type with `static void run()` that computes at run time and prints one line per
// value: "<case> <what> <index> <hex bits>". The list at the bottom is the table of cases; to
// add one, write its type and append it there, and give `line` a `bits()` overload for its
// scalar type if it is not float, double or ctattn::fixed (printed as its integer raw()).
#ifndef CTATTN_EMBEDDED_CASES_HPP
#define CTATTN_EMBEDDED_CASES_HPP

#include <cstddef>
#include <cstdint>
#include <limits>

#include <ctattn/attention.hpp>
#include <ctattn/fixed.hpp>
#include <ctattn/math.hpp>

#include "console.hpp"
#include "fixed_notebook.hpp"   // examples/: the notebook in fixed point
#include "notebook_data.hpp"     // examples/: the notebook's inputs
#include "reference_cases.hpp"  // tests/data/: the numpy reference problems

namespace ctattn_embedded {

//! Returns `v` in a way the optimiser cannot see through, so that data known at compile time
//! is still computed on at run time (on the device, not by the compiler).
template <class T>
[[nodiscard]] T opaque(T v) noexcept {
  asm volatile("" : : "r"(&v) : "memory");
  return v;
}

// ---- inputs ---------------------------------------------------------------------------------

//! Deterministic pseudo-random R x C matrix: a 32-bit LCG gives signed 16-bit integers k, and
//! each element is k / 2^15 * scale (scale a power of two): exact in float and double alike.
template <class T, std::size_t R, std::size_t C>
constexpr ctattn::matrix<T, R, C> pattern(std::uint32_t seed, T scale) noexcept {
  ctattn::matrix<T, R, C> m{};
  std::uint32_t s = seed;
  for (std::size_t i = 0; i < R * C; ++i) {
    s = s * 1664525u + 1013904223u;
    const auto k = static_cast<std::int32_t>(s >> 16) - 32768;
    m.elems[i] = static_cast<T>(k) / static_cast<T>(32768) * scale;
  }
  return m;
}

//! Parameters drawn with `pattern`, one seed per member.
template <class T, std::size_t D, std::size_t Dk, std::size_t Dv>
constexpr ctattn::attention_params<T, D, Dk, Dv> pattern_params(std::uint32_t seed,
                                                                  T scale) noexcept {
  return {pattern<T, Dk, D>(seed + 1, scale), pattern<T, Dk, D>(seed + 2, scale),
          pattern<T, Dv, D>(seed + 3, scale), pattern<T, Dk, 1>(seed + 4, scale),
          pattern<T, Dk, 1>(seed + 5, scale), pattern<T, Dv, 1>(seed + 6, scale)};
}

//! The notebook's X (D x N, token n in column n), each value rounded to T.
template <class T>
constexpr ctattn::matrix<T, notebook_data::D, notebook_data::N> notebook_x() noexcept {
  ctattn::matrix<T, notebook_data::D, notebook_data::N> x{};
  for (std::size_t n = 0; n < notebook_data::N; ++n)
    for (std::size_t d = 0; d < notebook_data::D; ++d)
      x(d, n) = static_cast<T>(notebook_data::all_x[n][d]);
  return x;
}

//! The notebook's omega_q, omega_k, omega_v, beta_q, beta_k, beta_v, each value rounded to T.
template <class T>
constexpr ctattn::attention_params<T, notebook_data::D> notebook_params() noexcept {
  constexpr std::size_t D = notebook_data::D;
  ctattn::attention_params<T, D> p{};
  for (std::size_t r = 0; r < D; ++r) {
    for (std::size_t c = 0; c < D; ++c) {
      p.omega_q(r, c) = static_cast<T>(notebook_data::omega_q[r][c]);
      p.omega_k(r, c) = static_cast<T>(notebook_data::omega_k[r][c]);
      p.omega_v(r, c) = static_cast<T>(notebook_data::omega_v[r][c]);
    }
    p.beta_q[r] = static_cast<T>(notebook_data::beta_q[r]);
    p.beta_k[r] = static_cast<T>(notebook_data::beta_k[r]);
    p.beta_v[r] = static_cast<T>(notebook_data::beta_v[r]);
  }
  return p;
}

//! Element-wise conversion of a matrix to another scalar type (rounded to nearest).
template <class T, class U, std::size_t R, std::size_t C>
constexpr ctattn::matrix<T, R, C> convert(const ctattn::matrix<U, R, C>& m) noexcept {
  ctattn::matrix<T, R, C> out{};
  for (std::size_t i = 0; i < R * C; ++i) out.elems[i] = static_cast<T>(m.elems[i]);
  return out;
}
template <class T, class U, std::size_t D, std::size_t Dk, std::size_t Dv>
constexpr ctattn::attention_params<T, D, Dk, Dv> convert(
    const ctattn::attention_params<U, D, Dk, Dv>& p) noexcept {
  return {convert<T>(p.omega_q), convert<T>(p.omega_k), convert<T>(p.omega_v),
          convert<T>(p.beta_q),  convert<T>(p.beta_k),  convert<T>(p.beta_v)};
}

// ---- printing -------------------------------------------------------------------------------

template <class T, std::size_t R, std::size_t C>
void print(const char* name, const char* what, const ctattn::matrix<T, R, C>& m) noexcept {
  for (std::size_t i = 0; i < R * C; ++i)
    line{}.text(name).text(" ").text(what).text(" ").dec(i).text(" ").bits(m.elems[i]).end();
}

template <class T, std::size_t Dv, std::size_t N>
void print(const char* name, const ctattn::attention_result<T, Dv, N>& r) noexcept {
  print(name, "output", r.output);
  print(name, "weights", r.weights);
}

// ---- the cases ------------------------------------------------------------------------------

//! The notebook example (N = 3, D = 4), matrix form.
template <class T>
struct notebook_case {
  static void run(const char* name) noexcept {
    const auto r = ctattn::self_attention(opaque(notebook_x<T>()), opaque(notebook_params<T>()));
    print(name, r);
  }
};

//! The notebook example through the notebook's loop form.
template <class T>
struct notebook_loop_case {
  static void run(const char* name) noexcept {
    const auto r = ctattn::self_attention_loop(ctattn::columns(opaque(notebook_x<T>())),
                                               opaque(notebook_params<T>()));
    print(name, r);
  }
};

//! Pseudo-random inputs (N tokens of dimension D; Dk, Dv as given), softmax with `Exp`.
template <class T, std::size_t N, std::size_t D, std::size_t Dk, std::size_t Dv,
          std::uint32_t Seed, class Exp = ctattn::exp_fn>
struct pattern_case {
  static void run(const char* name) noexcept {
    const auto x = opaque(pattern<T, D, N>(Seed, T(1)));
    const auto p = opaque(pattern_params<T, D, Dk, Dv>(Seed, T(0.5)));
    print(name, ctattn::self_attention(x, p, Exp{}));
  }
};

//! One of the numpy reference problems of tests/data/reference_cases.hpp, in scalar type T.
template <const auto& Problem, class T>
struct reference_case {
  static void run(const char* name) noexcept {
    static constexpr auto x = convert<T>(Problem.x);
    static constexpr auto p = convert<T>(Problem.params);
    print(name, ctattn::self_attention(opaque(x), opaque(p)));
  }
};

//! The notebook in fixed point T (examples/fixed_notebook.hpp): inputs quantised in constant
//! evaluation, attention computed at run time with integer instructions only.
template <class T>
struct fixed_notebook_case {
  static void run(const char* name) noexcept {
    print(name, fixed_notebook::run(opaque(fixed_notebook::inputs<T>)));
  }
};

//! The problem of pattern_case<..., Seed> (N tokens, D = Dk = Dv) in fixed point T: the pattern
//! values k / 2^15 (and k / 2^16 for the parameters) are exact in q15_16, quantised in constant
//! evaluation, so that the run-time code is integer-only.
template <class T, std::size_t N, std::size_t D, std::uint32_t Seed>
struct fixed_pattern_case {
  static void run(const char* name) noexcept {
    static constexpr auto x = convert<T>(pattern<double, D, N>(Seed, 1.0));
    static constexpr auto p = convert<T>(pattern_params<double, D, D, D>(Seed, 0.5));
    print(name, ctattn::self_attention(opaque(x), opaque(p)));
  }
};

//! exp, exp_fast and sqrt on arguments across their domains (special values included).
template <class T>
struct scalar_math_case {
  static void run(const char* name) noexcept {
    using lim = std::numeric_limits<T>;
    constexpr std::size_t count = 16;
    ctattn::vector<T, count> args{T(0), -T(0), T(1), T(-1), T(0.5), T(-3.25), T(10.75),
                                 T(-20.125), T(80), T(-87.5), T(-100), T(700),
                                 lim::infinity(), -lim::infinity(), lim::quiet_NaN(),
                                 lim::denorm_min()};
    args = opaque(args);
    ctattn::vector<T, count> e{}, f{}, s{};
    for (std::size_t i = 0; i < count; ++i) {
      e[i] = ctattn::exp(args[i]);
      f[i] = ctattn::exp_fast(args[i]);
      s[i] = ctattn::sqrt(args[i] < T(0) ? -args[i] : args[i]);
    }
    print(name, "exp", e);
    print(name, "exp_fast", f);
    print(name, "sqrt", s);
  }
};

//! Runs every case of the table, each under its name.
template <class... Cases>
struct case_table {
  template <std::size_t K>
  static void run(const char* const (&names)[K]) noexcept {
    static_assert(K == sizeof...(Cases), "one name per case");
    std::size_t i = 0;
    (Cases::run(names[i++]), ...);
  }
};

// The table. M3 (soft float) and M4F (single-precision FPU, double in software) run all of it.
// The fixed-point cases at the end compare the integer raw() of every value.
using cases = case_table<notebook_case<float>, notebook_case<double>, notebook_loop_case<float>,
                         pattern_case<float, 16, 16, 16, 16, 7>,
                         pattern_case<double, 16, 16, 16, 16, 7>,
                         pattern_case<float, 7, 3, 2, 5, 11, ctattn::exp_fast_fn>,
                         pattern_case<double, 1, 4, 4, 4, 13>, scalar_math_case<float>,
                         scalar_math_case<double>,
                         reference_case<reference_data::dk3_dv4, float>,
                         reference_case<reference_data::dk3_dv4, double>,
                         reference_case<reference_data::many_tokens_20, float>,
                         reference_case<reference_data::d1_n8_large_scores, double>,
                         reference_case<reference_data::huge_scores_saturated, float>,
                         reference_case<reference_data::tiny_inputs, float>,
                         reference_case<reference_data::tiny_inputs, double>,
                         fixed_notebook_case<ctattn::q15_16>, fixed_notebook_case<ctattn::q5_10>,
                         fixed_notebook_case<ctattn::q7_8>,
                         fixed_pattern_case<ctattn::q15_16, 16, 16, 7>,
                         reference_case<reference_data::dk3_dv4, ctattn::q15_16>>;
inline constexpr const char* case_names[] = {
    "notebook_f32",         "notebook_f64",           "notebook_loop_f32",
    "n16d16_f32",           "n16d16_f64",             "n7d3_dk2_dv5_expfast_f32",
    "n1d4_f64",             "scalar_math_f32",        "scalar_math_f64",
    "ref_dk3_dv4_f32",      "ref_dk3_dv4_f64",        "ref_many_tokens_20_f32",
    "ref_d1_n8_large_f64",  "ref_huge_saturated_f32", "ref_tiny_inputs_f32",
    "ref_tiny_inputs_f64",  "notebook_q15_16",        "notebook_q5_10",
    "notebook_q7_8",        "n16d16_q15_16",          "ref_dk3_dv4_q15_16"};

}  // namespace ctattn_embedded

#endif  // CTATTN_EMBEDDED_CASES_HPP
