// ctattn/fixed.hpp - saturating binary fixed point (Q format) for FPU-less targets.
//
// fixed<Rep, FracBits> stores x as the integer raw = x * 2^FracBits in a signed integer Rep
// (int8_t, int16_t or int32_t). It models ctattn::Scalar, so matrix, softmax and attention
// work on it unchanged: `self_attention(x, p)` with T = q15_16 uses integer instructions only.
//
// Rules, the same in constant evaluation and at run time (tests/runtime/test_fixed.cpp and
// tests/static/static_fixed.cpp pin each one):
//  - Products and quotients are formed exactly in the double-width integer (int16 -> int32,
//    int32 -> int64), then rounded once to the nearest representable value, ties to even
//    (as IEEE-754's default; unbiased, and symmetric: (-a) * b == -(a * b) away from the ends).
//  - Overflow saturates: every result outside [lowest, max] becomes lowest or max. Sums and
//    differences are exact unless they saturate; -lowest() is max().
//  - Division by zero is defined: x / 0 is max for x > 0, lowest for x < 0 and 0 for x == 0.
//  - Conversions are explicit. From an integer: exact or saturated, no floating point involved.
//    From float/double: nearest, ties to even, saturated, NaN -> 0. To float/double: exact
//    whenever the target has enough digits (always for double).
//  - exp_of(x) (reached through ctattn::exp) is integer-only; see its comment for the bound.
//  - softmax (ctattn/softmax.hpp) on fixed: every exp within u/2 (u = 2^-FracBits), their sum
//    exact, the largest term exactly 1, one rounding per division, so each weight is within
//    (N/2 + 1) u of the double softmax of the same scores, provided N < max() (the sum of the
//    exps is at most N and must not saturate: q3_12 allows N <= 7). Measured maxima (random
//    columns, N up to 64; tests/runtime/test_fixed_exp.cpp): q15_16 4.9e-5 (3.2 u), q5_10
//    2.3e-3, q7_8 1.1e-2, q3_12 5.0e-4 (N <= 7). For q15_16 that proves 2e-4 for N <= 24.
// Saturating arithmetic is not associative near the ends of the range: keep the intermediate
// values of a computation inside the range (README's accuracy table shows what the notebook
// needs) and use the widest format that fits.
#ifndef CTATTN_FIXED_HPP
#define CTATTN_FIXED_HPP

#include <array>
#include <compare>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <type_traits>
#include <utility>

#include <ctattn/detail/fp.hpp>
#include <ctattn/detail/isa.hpp>
#include <ctattn/math.hpp>
#include <ctattn/matrix.hpp>

CTATTN_DETAIL_FP_STRICT_BEGIN

namespace ctattn::inline CTATTN_ISA_NS {

namespace detail {
template <class Rep>
struct fixed_wide {};  // no double-width type: rejected by fixed's static_assert
template <>
struct fixed_wide<std::int8_t> {
  using type = std::int16_t;
};
template <>
struct fixed_wide<std::int16_t> {
  using type = std::int32_t;
};
template <>
struct fixed_wide<std::int32_t> {
  using type = std::int64_t;
};
template <class Rep>
concept has_fixed_wide = requires { typename fixed_wide<Rep>::type; };

// x / 2^s rounded to nearest, ties to even, for s >= 0 (arithmetic shift = floor in C++20).
template <std::signed_integral W>
constexpr W round_shift(W x, int s) noexcept {
  if (s <= 0) return x;
  const W q = static_cast<W>(x >> s);
  const W rem = static_cast<W>(x & static_cast<W>((W(1) << s) - 1));  // x - q 2^s, >= 0
  const W half = static_cast<W>(W(1) << (s - 1));
  return (rem > half || (rem == half && (q & 1) != 0)) ? static_cast<W>(q + 1) : q;
}
}  // namespace detail

//! Signed binary fixed point: the value raw() / 2^FracBits, saturating, round to nearest even.
//! @tparam Rep      int8_t, int16_t or int32_t (the double-width type holds exact products).
//! @tparam FracBits fractional bits, 0 <= FracBits < digits(Rep), so that 1 is representable.
template <class Rep, int FracBits>
class fixed {
  static_assert(detail::has_fixed_wide<Rep>,
                "ctattn::fixed<Rep, FracBits>: Rep must be std::int8_t, std::int16_t or "
                "std::int32_t (a type with a double-width integer for exact products)");
  static_assert(FracBits >= 0 && FracBits < std::numeric_limits<Rep>::digits,
                "ctattn::fixed<Rep, FracBits>: FracBits must be in [0, digits(Rep)) so that "
                "1 is representable (int16_t: at most 14, int32_t: at most 30)");

 public:
  using rep = Rep;
  using wide = typename detail::fixed_wide<Rep>::type;  //!< holds any exact product
  static constexpr int frac_bits = FracBits;
  static constexpr int int_bits = std::numeric_limits<Rep>::digits - FracBits;  //!< w/o sign

  //! Zero.
  constexpr fixed() noexcept = default;

  //! The integer v, saturated to [lowest, max]. Integer arithmetic only.
  template <std::integral I>
    requires(!std::same_as<I, bool>)
  explicit constexpr fixed(I v) noexcept {
    constexpr Rep hi = std::numeric_limits<Rep>::max() >> FracBits;  // floor(max)
    constexpr Rep lo = static_cast<Rep>(std::numeric_limits<Rep>::min() >> FracBits);
    bool above = false;
    bool below = false;
    if constexpr (std::is_signed_v<I>) {
      above = static_cast<std::int64_t>(v) > hi;
      below = static_cast<std::int64_t>(v) < lo;
    } else {
      above = static_cast<std::uint64_t>(v) > static_cast<std::uint64_t>(hi);
    }
    if (above)
      raw_ = std::numeric_limits<Rep>::max();
    else if (below)
      raw_ = std::numeric_limits<Rep>::min();
    else
      raw_ = static_cast<Rep>(static_cast<wide>(v) * (wide(1) << FracBits));
  }

  //! v rounded to the nearest representable value (ties to even), saturated; NaN gives 0.
  template <std::floating_point F>
  explicit constexpr fixed(F v) noexcept {
    // Special values and out-of-range values first, so that constant evaluation never forms a
    // NaN or an overflow (GCC and Clang reject both).
    constexpr F limit = static_cast<F>(wide(1) << int_bits);  // 2^int_bits, exact
    if (!(v == v)) {
      raw_ = 0;
    } else if (v >= limit) {
      raw_ = std::numeric_limits<Rep>::max();
    } else if (v < -limit) {
      raw_ = std::numeric_limits<Rep>::min();
    } else {
      F s = v;
      for (int i = 0; i < FracBits; ++i) s = s * F(2);  // exact: a power of two, |s| < 2^31
      const auto t = static_cast<std::int64_t>(s);      // truncation toward zero
      const F frac = s - static_cast<F>(t);             // exact
      std::int64_t r = t;
      if (frac > F(0.5) || (frac == F(0.5) && (t & 1) != 0)) r = t + 1;
      if (frac < F(-0.5) || (frac == F(-0.5) && (t & 1) != 0)) r = t - 1;
      raw_ = saturate(static_cast<wide>(r)).raw_;
    }
  }

  //! The value as float or double (exact for double; float rounds to nearest for wide Reps).
  template <std::floating_point F>
  explicit constexpr operator F() const noexcept {
    F v = static_cast<F>(raw_);
    for (int i = 0; i < FracBits; ++i) v = v / F(2);  // exact: a power of two
    return v;
  }

  //! The fixed-point value whose representation is r (value r / 2^FracBits).
  [[nodiscard]] static constexpr fixed from_raw(Rep r) noexcept {
    fixed f;
    f.raw_ = r;
    return f;
  }
  //! The representation raw() = value * 2^FracBits.
  [[nodiscard]] constexpr Rep raw() const noexcept { return raw_; }

  //! w saturated to [lowest, max] (w is a raw value in the double-width type).
  [[nodiscard]] static constexpr fixed saturate(wide w) noexcept {
    if (w > std::numeric_limits<Rep>::max()) return from_raw(std::numeric_limits<Rep>::max());
    if (w < std::numeric_limits<Rep>::min()) return from_raw(std::numeric_limits<Rep>::min());
    return from_raw(static_cast<Rep>(w));
  }

  [[nodiscard]] static constexpr fixed max() noexcept {
    return from_raw(std::numeric_limits<Rep>::max());
  }
  [[nodiscard]] static constexpr fixed lowest() noexcept {
    return from_raw(std::numeric_limits<Rep>::min());
  }
  //! The resolution 2^-FracBits (one unit in the last place).
  [[nodiscard]] static constexpr fixed epsilon() noexcept { return from_raw(Rep(1)); }

  //! Exact sum, saturated.
  [[nodiscard]] friend constexpr fixed operator+(fixed a, fixed b) noexcept {
    return saturate(static_cast<wide>(static_cast<wide>(a.raw_) + b.raw_));
  }
  //! Exact difference, saturated.
  [[nodiscard]] friend constexpr fixed operator-(fixed a, fixed b) noexcept {
    return saturate(static_cast<wide>(static_cast<wide>(a.raw_) - b.raw_));
  }
  //! -a; -lowest() saturates to max().
  [[nodiscard]] friend constexpr fixed operator-(fixed a) noexcept {
    return saturate(static_cast<wide>(-static_cast<wide>(a.raw_)));
  }
  [[nodiscard]] friend constexpr fixed operator+(fixed a) noexcept { return a; }
  //! a * b: exact double-width product, rounded once (nearest, ties to even), saturated.
  [[nodiscard]] friend constexpr fixed operator*(fixed a, fixed b) noexcept {
    const wide p = static_cast<wide>(static_cast<wide>(a.raw_) * b.raw_);
    return saturate(detail::round_shift(p, FracBits));
  }
  //! a / b: the exact quotient rounded once (nearest, ties to even), saturated.
  //! b == 0 gives max() for a > 0, lowest() for a < 0 and 0 for a == 0.
  [[nodiscard]] friend constexpr fixed operator/(fixed a, fixed b) noexcept {
    using uwide = std::make_unsigned_t<wide>;
    if (b.raw_ == 0) return a.raw_ > 0 ? max() : a.raw_ < 0 ? lowest() : fixed{};
    const auto magnitude = [](Rep r) {
      const auto u = static_cast<uwide>(static_cast<wide>(r));
      return r < 0 ? static_cast<uwide>(uwide(0) - u) : u;
    };
    const uwide num = static_cast<uwide>(magnitude(a.raw_) << FracBits);  // < 2^(2 digits)
    const uwide den = magnitude(b.raw_);
    uwide q = static_cast<uwide>(num / den);
    const uwide rem = static_cast<uwide>(num % den);
    if (rem > den - rem || (rem == den - rem && (q & 1u) != 0)) ++q;
    const bool negative = (a.raw_ < 0) != (b.raw_ < 0);
    constexpr auto max_mag = static_cast<uwide>(std::numeric_limits<Rep>::max());
    if (!negative) return q > max_mag ? max() : from_raw(static_cast<Rep>(q));
    if (q > max_mag) return lowest();  // -(max_mag + 1) is lowest() itself
    return from_raw(static_cast<Rep>(-static_cast<wide>(q)));
  }

  constexpr fixed& operator+=(fixed b) noexcept { return *this = *this + b; }
  constexpr fixed& operator-=(fixed b) noexcept { return *this = *this - b; }
  constexpr fixed& operator*=(fixed b) noexcept { return *this = *this * b; }
  constexpr fixed& operator/=(fixed b) noexcept { return *this = *this / b; }

  friend constexpr bool operator==(const fixed&, const fixed&) = default;
  friend constexpr std::strong_ordering operator<=>(const fixed&, const fixed&) = default;

 private:
  Rep raw_{};
};

//! Q formats by ARM's naming Qm.n (m integer bits besides the sign, n fractional bits).
using q15_16 = fixed<std::int32_t, 16>;  //!< [-32768, 32768), resolution 2^-16 ~ 1.5e-5
using q7_8 = fixed<std::int16_t, 8>;     //!< [-128, 128), resolution 2^-8 ~ 3.9e-3
using q5_10 = fixed<std::int16_t, 10>;   //!< [-32, 32), resolution 2^-10 ~ 9.8e-4
using q3_12 = fixed<std::int16_t, 12>;   //!< [-8, 8), resolution 2^-12 ~ 2.4e-4

//! True for every ctattn::fixed type.
template <class T>
inline constexpr bool is_fixed_v = false;
template <class Rep, int F>
inline constexpr bool is_fixed_v<fixed<Rep, F>> = true;

// ---- exp ------------------------------------------------------------------------------------

namespace detail::fixed_exp {
// Everything below is integer arithmetic on int64: the reduced argument r is Q31, the
// polynomial value Q30. Constants are derived here by integer series, not typed in.

// ln 2 = sum_{k>=1} 1 / (k 2^k), each term truncated at 2^-62 (error < 62 * 2^-62), then
// rounded to Q31.
inline constexpr std::int64_t ln2_q31 = [] {
  std::uint64_t s = 0;
  for (int k = 1; k <= 62; ++k)
    s += (std::uint64_t(1) << (62 - k)) / static_cast<std::uint64_t>(k);
  return static_cast<std::int64_t>((s + (std::uint64_t(1) << 30)) >> 31);
}();
// 1 / ln 2 in Q23: 2^54 / ln2_q31, rounded.
inline constexpr std::int64_t inv_ln2_q23 = [] {
  constexpr std::int64_t n = std::int64_t(1) << 54;
  return (n + ln2_q31 / 2) / ln2_q31;
}();

inline constexpr int degree = 8;
// 1/n! in Q30 for n = 0..degree, rounded to nearest.
inline constexpr std::array<std::int64_t, degree + 1> inv_factorial_q30 = [] {
  std::array<std::int64_t, degree + 1> c{};
  std::int64_t factorial = 1;
  for (int n = 0; n <= degree; ++n) {
    if (n > 0) factorial *= n;
    c[static_cast<std::size_t>(n)] = ((std::int64_t(1) << 30) + factorial / 2) / factorial;
  }
  return c;
}();

// |x| beyond this bound: exp(x) saturates (x > 0) or rounds to 0 (x < 0) in every format.
// e^44 > 2^63 and e^-44 < 2^-62.
inline constexpr std::int64_t cutoff = 44;

// e^x = 2^k e^r: returns {k, e^r in Q30} for x = v / 2^frac_bits, |x| <= cutoff.
struct reduced {
  std::int64_t k;
  std::int64_t mantissa_q30;  // e^r, r = x - k ln2 in [-ln2/2, ln2/2] (to rounding)
};
constexpr reduced kernel(std::int64_t v, int frac_bits) noexcept {
  const std::int64_t x = v * (std::int64_t(1) << (31 - frac_bits));  // Q31, |x| < 2^37
  const std::int64_t k = (x * inv_ln2_q23 + (std::int64_t(1) << 53)) >> 54;  // round(x / ln2)
  const std::int64_t r = x - k * ln2_q31;                                    // Q31, |r| < 2^30
  std::int64_t p = inv_factorial_q30[degree];
  for (int n = degree - 1; n >= 0; --n)  // Horner: p = 1/n! + r p
    p = inv_factorial_q30[static_cast<std::size_t>(n)] + ((r * p + (std::int64_t(1) << 30)) >> 31);
  return {k, p};
}
}  // namespace detail::fixed_exp

//! e^x in fixed point, integer arithmetic only (found by ctattn::exp through ADL, so that
//! softmax and attention on fixed types never touch floating point).
//! Method: x = k ln2 + r with k = round(x / ln2), |r| <= ln2/2 carried in Q31; e^r by the
//! degree-8 Taylor polynomial (Horner, Q30 coefficients 1/n!); then 2^k e^r is rounded once to
//! the format (nearest, ties to even) and saturated. exp_of(0) == 1 exactly.
//! Error bound: the kernel value 2^k e^r has relative error < 1.2e-8 against e^x (measured
//! max 3.5e-9), so |exp_of(x) - e^x| <= 0.5 ulp + 1.2e-8 e^x, checked on every representable
//! input by tests/runtime/test_fixed_exp.cpp (`build/tests/runtime_fixed -tc='exp_of*'` prints
//! the figures):
//!  - q15_16 on [-16, 0] (all 1048577 inputs): max error 0.5000 ulp = 7.63e-6; 2 results are not
//!    the nearest value (near-ties); relative error <= 9.9e-5 wherever e^x >= 0.077
//!    (x >= -2.57). Below that no Q16 result can be within 1e-4 relative: 2^-17 / e^x > 1e-4.
//!  - q15_16 on [0, 10.4]: max 2.35 ulp (results above 2^14 carry the kernel's 30 bits).
//!  - q7_8, q5_10, q3_12, q1_14 (all 65536 inputs each): max error 0.5000 ulp, every result the
//!    nearest value; e.g. q3_12 within 2^-13 = 1.22e-4 absolute.
//! Large x saturates to max(); x whose e^x is below half an ulp gives 0. Monotone (checked).
template <class Rep, int F>
[[nodiscard]] constexpr fixed<Rep, F> exp_of(fixed<Rep, F> x) noexcept {
  namespace fe = detail::fixed_exp;
  using fx = fixed<Rep, F>;
  const std::int64_t v = x.raw();
  if (v > (fe::cutoff << F)) return fx::max();
  if (v < -(fe::cutoff << F)) return fx{};
  const fe::reduced red = fe::kernel(v, F);
  // result raw = mantissa * 2^(k + F - 30)
  const std::int64_t e = red.k + F - 30;
  constexpr std::int64_t rep_max = std::numeric_limits<Rep>::max();
  if (e >= 0) {
    if (e >= 32 || red.mantissa_q30 > (rep_max >> e)) return fx::max();
    return fx::from_raw(static_cast<Rep>(red.mantissa_q30 << e));
  }
  if (e < -62) return fx{};
  const std::int64_t r = detail::round_shift(red.mantissa_q30, static_cast<int>(-e));
  return r > rep_max ? fx::max() : fx::from_raw(static_cast<Rep>(r));
}

// ---- conversions of whole matrices ----------------------------------------------------------

//! static_cast<U> of every element: `matrix_cast<q15_16>(m)` quantises a double matrix (in a
//! constant expression, so no floating point reaches the compiled code), `matrix_cast<double>`
//! reads a fixed-point result back.
template <class U, class T, std::size_t R, std::size_t C>
[[nodiscard]] constexpr matrix<U, R, C> matrix_cast(const matrix<T, R, C>& m) noexcept {
  matrix<U, R, C> out{};
  for (std::size_t i = 0; i < R * C; ++i) out.elems[i] = static_cast<U>(m.elems[i]);
  return out;
}

}  // namespace ctattn

//! numeric_limits for fixed: exact, bounded, not an integer type; min() is the lowest value
//! (as for integers), epsilon() the resolution.
template <class Rep, int F>
struct std::numeric_limits<ctattn::fixed<Rep, F>> {
  using fx = ctattn::fixed<Rep, F>;

  static constexpr bool is_specialized = true;
  static constexpr bool is_signed = true;
  static constexpr bool is_integer = false;
  static constexpr bool is_exact = true;
  static constexpr bool is_bounded = true;
  static constexpr bool is_modulo = false;
  static constexpr bool has_infinity = false;
  static constexpr bool has_quiet_NaN = false;
  static constexpr bool has_signaling_NaN = false;
  static constexpr bool is_iec559 = false;
  static constexpr bool traps = false;
  static constexpr bool tinyness_before = false;
  static constexpr std::float_denorm_style has_denorm = std::denorm_absent;
  static constexpr bool has_denorm_loss = false;
  static constexpr std::float_round_style round_style = std::round_to_nearest;
  static constexpr int radix = 2;
  static constexpr int digits = std::numeric_limits<Rep>::digits;
  static constexpr int digits10 = std::numeric_limits<Rep>::digits10;
  static constexpr int max_digits10 = 0;
  static constexpr int min_exponent = 0;
  static constexpr int min_exponent10 = 0;
  static constexpr int max_exponent = 0;
  static constexpr int max_exponent10 = 0;
  static constexpr fx min() noexcept { return fx::lowest(); }
  static constexpr fx lowest() noexcept { return fx::lowest(); }
  static constexpr fx max() noexcept { return fx::max(); }
  static constexpr fx epsilon() noexcept { return fx::epsilon(); }
  static constexpr fx round_error() noexcept {  // 0.5 (half an ulp is the bound)
    return F > 0 ? fx::from_raw(static_cast<Rep>(Rep(1) << (F - 1))) : fx(1);
  }
  static constexpr fx infinity() noexcept { return fx{}; }
  static constexpr fx quiet_NaN() noexcept { return fx{}; }
  static constexpr fx signaling_NaN() noexcept { return fx{}; }
  static constexpr fx denorm_min() noexcept { return fx::epsilon(); }
};

CTATTN_DETAIL_FP_STRICT_END

#endif  // CTATTN_FIXED_HPP
