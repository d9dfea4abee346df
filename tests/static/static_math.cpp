// Compile-time tests of ctattn/math.hpp: special values, exact values, agreement with e^x and
// sqrt(x) computed independently (static_math_values.hpp, from gen_static_math_values.py),
// exp_fast's stated relative error bound, and monotonicity of exp around a few points.
#include <ctattn/math.hpp>

#include <bit>
#include <cstddef>
#include <cstdint>
#include <limits>

#include "static_math_values.hpp"

namespace {

using ctattn::detail::exp_consts;

template <class F>
using bits_t = typename ctattn::detail::ieee<F>::bits;

template <class F>
constexpr bool same_bits(F a, F b) {
  return std::bit_cast<bits_t<F>>(a) == std::bit_cast<bits_t<F>>(b);
}
template <class F>
constexpr bool is_nan(F x) {
  return x != x;
}
// The neighbour of x one ulp further from zero / nearer to zero (x finite, nonzero for `toward`).
template <class F>
constexpr F away(F x) {
  return std::bit_cast<F>(static_cast<bits_t<F>>(std::bit_cast<bits_t<F>>(x) + 1));
}
template <class F>
constexpr F toward(F x) {
  return std::bit_cast<F>(static_cast<bits_t<F>>(std::bit_cast<bits_t<F>>(x) - 1));
}

// ---- special values ------------------------------------------------------------------------

template <class F, class Exp>
constexpr bool exp_special_values(Exp exp_f) {
  using lim = std::numeric_limits<F>;
  using C = exp_consts<F>;
  return is_nan(exp_f(lim::quiet_NaN())) && is_nan(exp_f(-lim::quiet_NaN())) &&
         exp_f(lim::infinity()) == lim::infinity() &&
         same_bits(exp_f(-lim::infinity()), F(0)) &&       // +0, not -0
         same_bits(exp_f(F(0)), F(1)) && same_bits(exp_f(-F(0)), F(1)) &&
         same_bits(exp_f(lim::denorm_min()), F(1)) && same_bits(exp_f(-lim::denorm_min()), F(1)) &&
         exp_f(lim::max()) == lim::infinity() && same_bits(exp_f(-lim::max()), F(0)) &&
         exp_f(C::overflow) <= lim::max() && exp_f(C::overflow) > lim::max() / F(2) &&
         exp_f(away(C::overflow)) == lim::infinity() &&
         same_bits(exp_f(away(C::underflow)), F(0));
}
static_assert(exp_special_values<double>(ctattn::exp));
static_assert(exp_special_values<float>(ctattn::exp));
static_assert(exp_special_values<double>(ctattn::exp_fast));
static_assert(exp_special_values<float>(ctattn::exp_fast));

// exp's thresholds are exact (runtime_math_accuracy proves it against MPFR): the largest finite
// result and the smallest nonzero one are reached.
static_assert(ctattn::exp(exp_consts<double>::underflow) ==
              std::numeric_limits<double>::denorm_min());
static_assert(ctattn::exp(exp_consts<float>::underflow) ==
              std::numeric_limits<float>::denorm_min());
static_assert(exp_consts<double>::overflow == 0x1.62e42fefa39efp+9);
static_assert(exp_consts<double>::underflow == -0x1.74910d52d3051p+9);
static_assert(exp_consts<float>::overflow == 0x1.62e42ep+6f);
static_assert(exp_consts<float>::underflow == -0x1.9fe368p+6f);

template <class F>
constexpr bool sqrt_special_values() {
  using lim = std::numeric_limits<F>;
  return is_nan(ctattn::sqrt(lim::quiet_NaN())) && is_nan(ctattn::sqrt(-F(1))) &&
         is_nan(ctattn::sqrt(-lim::infinity())) && is_nan(ctattn::sqrt(-lim::denorm_min())) &&
         ctattn::sqrt(lim::infinity()) == lim::infinity() &&
         same_bits(ctattn::sqrt(F(0)), F(0)) && same_bits(ctattn::sqrt(-F(0)), -F(0));
}
static_assert(sqrt_special_values<double>());
static_assert(sqrt_special_values<float>());

// ---- exact values --------------------------------------------------------------------------

static_assert(ctattn::sqrt(4.0) == 2.0 && ctattn::sqrt(4.0f) == 2.0f);
static_assert(ctattn::sqrt(0.25) == 0.5 && ctattn::sqrt(0.25f) == 0.5f);
static_assert(ctattn::sqrt(0x1p-1074) == 0x1p-537);  // smallest subnormal double
static_assert(ctattn::sqrt(0x1p-148f) == 0x1p-74f);  // a subnormal float
static_assert(ctattn::sqrt(1e300 * 1e6) == 1e153);
static_assert(ctattn::sqrt(1024.0f * 1024.0f) == 1024.0f);
static_assert(ctattn::exp(0.0) == 1.0 && ctattn::exp_fast(0.0) == 1.0);
static_assert(ctattn::exp(0.0f) == 1.0f && ctattn::exp_fast(0.0f) == 1.0f);

// ---- agreement with independently computed values ------------------------------------------

// exp: within 1 ulp, i.e. one of the two neighbours around e^x. Returns the first failing index.
template <class F, std::size_t N>
constexpr int first_unfaithful_exp(const math_values::exp_case<F> (&cases)[N]) {
  for (std::size_t i = 0; i < N; ++i) {
    const F y = ctattn::exp(cases[i].x);
    if (!(same_bits(y, cases[i].down) || same_bits(y, cases[i].up))) return static_cast<int>(i);
  }
  return -1;
}
static_assert(first_unfaithful_exp(math_values::exp_double) == -1);
static_assert(first_unfaithful_exp(math_values::exp_float) == -1);

// exp_fast: within its documented relative error of e^x (normal results; nearest is e^x
// correctly rounded, within half an ulp of it, which the slack covers).
template <class F, std::size_t N>
constexpr int first_beyond_bound_exp_fast(const math_values::exp_case<F> (&cases)[N],
                                          double bound) {
  for (std::size_t i = 0; i < N; ++i) {
    const F ref = cases[i].nearest;
    if (ref < std::numeric_limits<F>::min()) continue;
    const double rel = (static_cast<double>(ctattn::exp_fast(cases[i].x)) -
                        static_cast<double>(ref)) / static_cast<double>(ref);
    if (rel > bound || -rel > bound) return static_cast<int>(i);
  }
  return -1;
}
static_assert(first_beyond_bound_exp_fast(math_values::exp_double, 2.40e-10) == -1);
static_assert(first_beyond_bound_exp_fast(math_values::exp_float, 5.40e-7 + 0x1p-24) == -1);

// sqrt: correctly rounded.
template <class F, std::size_t N>
constexpr int first_wrong_sqrt(const math_values::sqrt_case<F> (&cases)[N]) {
  for (std::size_t i = 0; i < N; ++i) {
    if (!same_bits(ctattn::sqrt(cases[i].x), cases[i].root)) return static_cast<int>(i);
  }
  return -1;
}
static_assert(first_wrong_sqrt(math_values::sqrt_double) == -1);
static_assert(first_wrong_sqrt(math_values::sqrt_float) == -1);

// ---- monotonicity of exp at a few points (each with its neighbours, 8 ulps each side) ---------

template <class F>
constexpr F next_up(F x) {
  if (x == F(0)) return std::numeric_limits<F>::denorm_min();
  return x > F(0) ? away(x) : toward(x);
}
template <class F>
constexpr F next_down(F x) {
  return -next_up(-x);
}
template <class F>
constexpr bool exp_monotone_around(F x) {
  F cur = x;
  for (int i = 0; i < 8; ++i) cur = next_down(cur);
  F prev = ctattn::exp(cur);
  for (int i = 0; i < 16; ++i) {
    cur = next_up(cur);
    const F e = ctattn::exp(cur);
    if (e < prev) return false;
    prev = e;
  }
  return true;
}
static_assert(exp_monotone_around(1.0) && exp_monotone_around(-1.0));
static_assert(exp_monotone_around(0.34657359027997264));  // ln2/2: where k changes
static_assert(exp_monotone_around(-0.34657359027997264));
static_assert(exp_monotone_around(0x1.62e42fefa39efp+9 - 1.0));
static_assert(exp_monotone_around(-708.3964185322641));  // smallest normal result
static_assert(exp_monotone_around(-744.0));              // subnormal results
static_assert(exp_monotone_around(1.0f) && exp_monotone_around(-1.0f));
static_assert(exp_monotone_around(0.34657359f) && exp_monotone_around(-0.34657359f));
static_assert(exp_monotone_around(-87.33654f) && exp_monotone_around(-100.0f));
static_assert(exp_monotone_around(0.0) && exp_monotone_around(0.0f));  // across +-0

}  // namespace
