// ctattn/math.hpp - constexpr exp, sqrt, sin, cos, tanh and erf for float and double,
// identical at compile time and at run time.
//
// Everything is plain IEEE-754 arithmetic (each operation rounded to nearest, no FMA) and
// integer bit manipulation through std::bit_cast, so GCC and Clang evaluate it in constant
// expressions and every conforming target (x86-64, Cortex-M with or without an FPU) computes
// the same bits at run time. No <cmath>, no compiler builtins.
#ifndef CTATTN_MATH_HPP
#define CTATTN_MATH_HPP

#include <array>
#include <bit>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <type_traits>
#include <utility>

#include <ctattn/detail/fp.hpp>
#include <ctattn/detail/isa.hpp>

CTATTN_DETAIL_FP_STRICT_BEGIN

namespace ctattn::inline CTATTN_ISA_NS {

//! float or double: the types ctattn's floating-point math is defined for.
template <class T>
concept IeeeFloat = std::same_as<T, float> || std::same_as<T, double>;

namespace detail {

template <class F>
struct ieee;
template <>
struct ieee<double> {
  using bits = std::uint64_t;
  using sbits = std::int64_t;
  static constexpr int mant = 52;
  static constexpr int bias = 1023;
};
template <>
struct ieee<float> {
  using bits = std::uint32_t;
  using sbits = std::int32_t;
  static constexpr int mant = 23;
  static constexpr int bias = 127;
};

// Range reduction and reconstruction constants (fdlibm / musl e_exp.c and e_expf.c).
template <class F>
struct exp_consts;
template <>
struct exp_consts<double> {
  static constexpr double ln2_hi = 6.93147180369123816490e-01;  // 0x3fe62e42fee00000
  static constexpr double ln2_lo = 1.90821492927058770002e-10;  // 0x3dea39ef35793c76
  static constexpr double inv_ln2 = 1.44269504088896338700e+00;
  static constexpr double shifter = 0x1.8p52;  // x + shifter - shifter rounds x to an integer
  // The largest x whose e^x rounds to a finite number, the smallest whose e^x rounds to
  // nonzero (checked against MPFR with their neighbours by runtime_math_accuracy).
  static constexpr double overflow = 7.09782712893383973096e+02;    // 0x1.62e42fefa39efp+9
  static constexpr double underflow = -7.45133219101941108420e+02;  // -0x1.74910d52d3051p+9
  // Remez polynomial for R(r^2) = r (e^r + 1) / (e^r - 1) on |r| <= ln2/2, |error| < 2^-59.
  static constexpr double p1 = 1.66666666666666019037e-01;
  static constexpr double p2 = -2.77777777770155933842e-03;
  static constexpr double p3 = 6.61375632143793436117e-05;
  static constexpr double p4 = -1.65339022054652515390e-06;
  static constexpr double p5 = 4.13813679705723846039e-08;
};
template <>
struct exp_consts<float> {
  static constexpr float ln2_hi = 6.9314575195e-1f;  // 0x3f317200
  static constexpr float ln2_lo = 1.4286067653e-6f;  // 0x35bfbe8e
  static constexpr float inv_ln2 = 1.4426950216e+0f;
  static constexpr float shifter = 0x1.8p23f;
  static constexpr float overflow = 0x1.62e42ep+6f;    // 88.7228317...: as for double
  static constexpr float underflow = -0x1.9fe368p+6f;  // -103.972076...
  // |r (e^r + 1) / (e^r - 1) - (2 + p1 r^2 + p2 r^4)| < 2^-27.74 on |r| <= 0.34568
  static constexpr float p1 = 1.6666625440e-1f;
  static constexpr float p2 = -2.7667332906e-3f;
};

// 2^k for k in [min normal exponent, max exponent], built from its bits.
template <IeeeFloat F>
constexpr F exp2i(typename ieee<F>::sbits k) noexcept {
  using bits = typename ieee<F>::bits;
  return std::bit_cast<F>(static_cast<bits>(static_cast<bits>(k + ieee<F>::bias) << ieee<F>::mant));
}

template <IeeeFloat F>
constexpr F scale_by_2k(F y, typename ieee<F>::sbits k) noexcept {
  // y is in [0.7, 1.5). k is in [-1075, 1024] (double) / [-150, 128] (float): split it so both
  // factors are normal; y * 2^k1 is exact, the second product rounds once (also to subnormal).
  const typename ieee<F>::sbits k1 = k / 2;
  const typename ieee<F>::sbits k2 = k - k1;
  const F t = y * exp2i<F>(k1);
  return t * exp2i<F>(k2);
}

// Shared range reduction: x (finite, within [underflow, overflow]) = k ln2 + r, with r carried
// as hi - lo for the extra bits of ln2.
template <IeeeFloat F>
struct reduction {
  typename ieee<F>::sbits k;
  F hi;
  F lo;
};

template <IeeeFloat F>
constexpr reduction<F> reduce(F x) noexcept {
  using C = exp_consts<F>;
  using sbits = typename ieee<F>::sbits;
  const F xs = x * C::inv_ln2;
  const F t = xs + C::shifter;  // t = shifter + k exactly; k = round-to-nearest(x / ln2)
  const F kf = t - C::shifter;
  const sbits k = std::bit_cast<sbits>(t) - std::bit_cast<sbits>(C::shifter);
  const F khi = kf * C::ln2_hi;  // exact: ln2_hi has trailing zero bits
  const F hi = x - khi;
  const F lo = kf * C::ln2_lo;
  return {k, hi, lo};
}

// fdlibm's exp kernel on a clamped, finite argument: < 1 ulp.
template <IeeeFloat F>
constexpr F exp_kernel(F x) noexcept {
  using C = exp_consts<F>;
  const reduction<F> red = reduce(x);
  const F r = red.hi - red.lo;
  const F rr = r * r;
  F poly{};
  if constexpr (std::is_same_v<F, double>) {
    poly = C::p4 + rr * C::p5;
    poly = C::p3 + rr * poly;
    poly = C::p2 + rr * poly;
    poly = C::p1 + rr * poly;
  } else {
    poly = C::p1 + rr * C::p2;
  }
  const F c = r - rr * poly;
  const F q = (r * c) / (F(2) - c);
  const F y = F(1) + ((q - red.lo) + red.hi);
  return scale_by_2k(y, red.k);
}

// exp_fast's polynomial p(r) = 1 + c1 r + ... + cn r^n ~ e^r on |r| <= ln2/2: minimax for the
// relative error with c0 = 1 fixed (so exp_fast(0) == 1), coefficients rounded one by one and
// the rest re-optimised. Generated by tools/gen_exp_fast_coeffs.py, which also prints the
// polynomial's own error by degree (double: 2^-28.5 at degree 6, 2^-32.0 at 7, 2^-39.8 at 8;
// float: 2^-18.1 at 4, 2^-21.1 at 5, 2^-28.2 at 6).
template <class F>
struct exp_fast_consts;
template <>
struct exp_fast_consts<double> {  // degree 7: |p(r) e^-r - 1| <= 2.32e-10 = 2^-32.0
  static constexpr std::array<double, 8> c = {
      1.0,
      0x1.000000142e5eep+0,
      0x1.0000002834694p-1,
      0x1.55552b0d069bp-3,
      0x1.5554ad7067486p-5,
      0x1.113d11a115caep-7,
      0x1.6d74bab3c5b24p-10,
      0x1.6c7653ea91cd4p-13,
  };
};
template <>
struct exp_fast_consts<float> {  // degree 5: |p(r) e^-r - 1| <= 4.37e-7 = 2^-21.1
  static constexpr std::array<float, 6> c = {
      1.0f, 0x1.ffff2ep-1f, 0x1.fffe5ep-2f, 0x1.55c31ap-3f, 0x1.5709eep-5f, 0x1.c7db54p-8f,
  };
};

// Horner's rule p = c[i] + r p from the top coefficient down, as one fold (one constant-
// evaluation step): multiplies and adds only, no division.
template <IeeeFloat F, std::size_t... I>
constexpr F horner(const F* c, F r, std::index_sequence<I...>) noexcept {
  constexpr std::size_t deg = sizeof...(I);
  F p = c[deg];
  ((p = c[deg - 1 - I] + r * p), ...);
  return p;
}

// exp_fast's kernel: exp's range reduction, then p(r), then the scaling by 2^k.
template <IeeeFloat F>
constexpr F exp_fast_kernel(F x) noexcept {
  constexpr const auto& c = exp_fast_consts<F>::c;
  const reduction<F> red = reduce(x);
  const F r = red.hi - red.lo;
  const F p = horner(c.data(), r, std::make_index_sequence<c.size() - 1>{});
  return scale_by_2k(p, red.k);
}

// The kernels as function objects (not lambdas: GCC's -Wshadow flags lambda parameters that
// share a name with a user's global).
struct exp_kernel_fn {
  template <IeeeFloat F>
  constexpr F operator()(F arg) const noexcept { return exp_kernel(arg); }
};
struct exp_fast_kernel_fn {
  template <IeeeFloat F>
  constexpr F operator()(F arg) const noexcept { return exp_fast_kernel(arg); }
};

// Special values first, then the kernel on a clamped argument, so that constant evaluation
// never performs an operation that overflows or produces a NaN (both compilers reject those).
template <IeeeFloat F, class Kernel>
constexpr F exp_with(F x, Kernel kernel) noexcept {
  using C = exp_consts<F>;
  if (x != x) return x;                                              // NaN propagates
  if (x > C::overflow) return std::numeric_limits<F>::infinity();    // also +inf
  if (x < C::underflow) return F(0);                                 // also -inf
  return kernel(x);
}

// exp_with(x, exp_kernel_fn{}) for constant evaluation: the same operations in the same order
// (reduce, the Remez polynomial by Horner's rule, scale_by_2k), written as three statements
// instead of about fifty, because Clang's -fconstexpr-steps budget counts statements and a
// softmax needs one exp per score. tests/ctime/static_exp_bits.cpp checks the bits.
// (Aliases and constants are template parameters: a declaration statement is a step, too.)
template <class C = exp_consts<double>>
constexpr double exp_poly(double rr) noexcept {
  return C::p1 + rr * (C::p2 + rr * (C::p3 + rr * (C::p4 + rr * C::p5)));
}
template <class C = exp_consts<float>>
constexpr float exp_poly(float rr) noexcept {
  return C::p1 + rr * C::p2;
}
template <IeeeFloat F, class C = exp_consts<F>, class I = ieee<F>, class bits = typename I::bits,
          class sbits = typename I::sbits, sbits shifter_bits = std::bit_cast<sbits>(C::shifter)>
constexpr F exp_consteval(F x) noexcept {
  if (x != x || x > C::overflow || x < C::underflow) return exp_with(x, exp_kernel_fn{});
  const F t = x * C::inv_ln2 + C::shifter, kf = t - C::shifter, hi = x - kf * C::ln2_hi,
          lo = kf * C::ln2_lo, r = hi - lo, rr = r * r, c = r - rr * exp_poly(rr),
          y = F(1) + (((r * c) / (F(2) - c) - lo) + hi);
  const sbits k = std::bit_cast<sbits>(t) - shifter_bits, k1 = k / 2, k2 = k - k1;
  return y * std::bit_cast<F>(static_cast<bits>(static_cast<bits>(k1 + I::bias) << I::mant)) *
         std::bit_cast<F>(static_cast<bits>(static_cast<bits>(k2 + I::bias) << I::mant));
}

}  // namespace detail

//! exp(x) for float and double: error < 1 ulp of e^x over the whole domain (a faithful
//! rounding: the result is one of the two neighbours of e^x). Measured against MPFR by
//! tests/runtime/test_math_accuracy.cpp (`meson test runtime_math_accuracy -v`): max 0.91 ulp
//! for float (every float of the finite-result range; monotonic there too), 0.90 ulp for double
//! (1.2e6 inputs and the edge cases).
//! exp(NaN) = NaN, exp(+inf) = +inf, exp(-inf) = +0, exp(+-0) = 1 exactly; exp(x) = +inf for
//! x > exp_consts<F>::overflow (the largest x whose e^x rounds to a finite number), and results
//! below the smallest normal number go through the subnormals (rounded once) to +0 for
//! x < exp_consts<F>::underflow (the smallest x whose e^x rounds to nonzero).
//! Method (fdlibm): x = k ln2 + r, |r| <= ln2/2; e^r = 1 + r + r c / (2 - c) with a degree-5
//! Remez polynomial in r^2 (degree 2 for float); the result is scaled by 2^k.
//! Other scalar types (ctattn's fixed-point types) plug in by providing `exp_of(x)`, found by
//! argument-dependent lookup.
struct exp_fn {
  template <IeeeFloat F>
  [[nodiscard]] constexpr F operator()(F x) const noexcept {
    if (std::is_constant_evaluated()) return detail::exp_consteval(x);
    return detail::exp_with(x, detail::exp_kernel_fn{});
  }
  template <class T>
    requires(!IeeeFloat<T>) && requires(const T& x) {
      { exp_of(x) } -> std::same_as<T>;
    }
  [[nodiscard]] constexpr T operator()(const T& x) const noexcept {
    return exp_of(x);
  }
};
inline constexpr exp_fn exp{};

//! A faster exp for softmax: the same special values, thresholds and range reduction as
//! ctattn::exp, then a minimax polynomial p(r) ~ e^r by Horner's rule (degree 7 for double, 5 for
//! float; p(0) = 1, so exp_fast(0) == 1) instead of exp's rational form: no division.
//! Error bound (measured against MPFR by tests/runtime/test_math_accuracy.cpp, normal results):
//!   double: relative error <= 2.32e-10 (2^-32.0), i.e. <= 1.94e6 ulp (1.2e6 inputs);
//!   float:  relative error <= 5.2e-7 (2^-20.9), i.e. <= 7.2 ulp (every float checked).
//! Same operation count as the degree-7/5 Taylor polynomials it replaced, 22x (double) and 5x
//! (float) more accurate. Neither faithfully rounded nor monotonic (float: 3002 decreasing
//! steps between consecutive floats). Speed: it saves exp's division and a few operations;
//! on x86-64 at -O2 (GCC 12, Clang 14) it is 1.3x faster than exp for double and 1.1x for
//! float (`meson test --benchmark math_exp_speed -v`, best of three runs).
struct exp_fast_fn {
  template <IeeeFloat F>
  [[nodiscard]] constexpr F operator()(F x) const noexcept {
    return detail::exp_with(x, detail::exp_fast_kernel_fn{});
  }
};
inline constexpr exp_fast_fn exp_fast{};

namespace detail {
// Correctly rounded square root by the digit-by-digit (restoring) method on the significand.
template <IeeeFloat F>
constexpr F sqrt_cr(F x) noexcept {
  using bits = typename ieee<F>::bits;
  constexpr int mant = ieee<F>::mant;
  constexpr bits hidden = bits(1) << mant;
  if (x != x || x == F(0) || x == std::numeric_limits<F>::infinity()) return x;  // NaN, +-0, +inf
  if (x < F(0)) return std::numeric_limits<F>::quiet_NaN();
  const bits b = std::bit_cast<bits>(x);
  int e = static_cast<int>(b >> mant);
  bits m = b & (hidden - 1);
  if (e == 0) {  // subnormal: normalise
    e = 1;
    while ((m & hidden) == 0) {
      m <<= 1;
      --e;
    }
  } else {
    m |= hidden;
  }
  // x = m * 2^ue with m in [2^mant, 2^(mant+1)). Make ue - mant even (m then < 2^(mant+2)).
  int ue = e - ieee<F>::bias - mant;
  if (((ue - mant) & 1) != 0) {
    m <<= 1;
    --ue;
  }
  // M = m * 2^(mant+2) in [2^(2 mant+2), 2^(2 mant+4)); q = floor(sqrt(M)) has mant+2 bits:
  // the result's mant+1 bits and one rounding bit (a tie is impossible for a square root).
  bits q = 0;
  bits rem = 0;
  for (int i = mant + 1; i >= 0; --i) {
    const int j = 2 * i - (mant + 2);  // bits 2i+1, 2i of M are bits j+1, j of m
    // (j = -1 happens when mant is odd, as for float: then only bit 0 of m is left)
    const bits two = j >= 0 ? (m >> j) & 3u : j == -1 ? (m << 1) & 3u : 0u;
    rem = (rem << 2) | two;
    const bits trial = (q << 2) | 1u;
    const bits take = rem >= trial ? 1u : 0u;  // branch-free: the bit is data-dependent
    rem = rem - (trial & static_cast<bits>(bits(0) - take));
    q = static_cast<bits>((q << 1) | take);
  }
  const bits r = (q >> 1) + (q & 1u);  // round to nearest; r in [2^mant, 2^(mant+1)]
  const int half_e = (ue - mant - 2) / 2 + 1;   // result = r * 2^half_e
  const bits biased = static_cast<bits>(half_e + mant + ieee<F>::bias);
  return std::bit_cast<F>(static_cast<bits>((biased << mant) + (r - hidden)));
}
}  // namespace detail

//! Correctly rounded sqrt(x) for float and double (IEEE-754 semantics: sqrt(-0) = -0,
//! sqrt(x < 0) = NaN, sqrt(+inf) = +inf), identical to a hardware square root.
struct sqrt_fn {
  template <IeeeFloat F>
  [[nodiscard]] constexpr F operator()(F x) const noexcept {
    return detail::sqrt_cr(x);
  }
};
inline constexpr sqrt_fn sqrt{};

namespace detail {
// Double-double arithmetic (value = hi + lo, |lo| <= ulp(hi)/2) for tanh, the GELUs and the
// position encoding. Plain IEEE operations, no FMA: Dekker's product splits the factors.
// The functions below are written as few statements (one declaration with several declarators
// runs them in order): Clang's -fconstexpr-steps budget counts statements, not operations.
struct dd {
  double hi;
  double lo;
};
constexpr dd two_sum(double a, double b) noexcept {
  const double s = a + b, bv = s - a;
  return {s, (a - (s - bv)) + (b - bv)};
}
constexpr dd fast_two_sum(double a, double b) noexcept {  // |a| >= |b| (or a == 0)
  const double s = a + b;
  return {s, b - (s - a)};
}
constexpr dd two_prod(double a, double b) noexcept {  // |a|, |b| < 2^995
  // 2^27 + 1: Dekker's split of each factor into 26 + 27 bits
  const double ca = 134217729.0 * a, ah = ca - (ca - a), al = a - ah, cb = 134217729.0 * b,
               bh = cb - (cb - b), bl = b - bh, p = a * b;
  return {p, (((ah * bh - p) + ah * bl) + al * bh) + al * bl};
}
constexpr dd dd_add(dd a, dd b) noexcept {  // two_sum(a.hi, b.hi), then fast_two_sum
  const double s = a.hi + b.hi, bv = s - a.hi, t = ((a.hi - (s - bv)) + (b.hi - bv)) + (a.lo + b.lo),
               h = s + t;
  return {h, t - (h - s)};
}
constexpr dd dd_mul(dd a, dd b) noexcept {  // two_prod(a.hi, b.hi), then fast_two_sum
  const double ca = 134217729.0 * a.hi, ah = ca - (ca - a.hi), al = a.hi - ah,
               cb = 134217729.0 * b.hi, bh = cb - (cb - b.hi), bl = b.hi - bh, p = a.hi * b.hi,
               t = ((((ah * bh - p) + ah * bl) + al * bh) + al * bl) + (a.hi * b.lo + a.lo * b.hi),
               h = p + t;
  return {h, t - (h - p)};
}
constexpr dd dd_mul_d(dd a, double b) noexcept {  // two_prod(a.hi, b), then fast_two_sum
  const double ca = 134217729.0 * a.hi, ah = ca - (ca - a.hi), al = a.hi - ah, cb = 134217729.0 * b,
               bh = cb - (cb - b), bl = b - bh, p = a.hi * b,
               t = ((((ah * bh - p) + ah * bl) + al * bh) + al * bl) + a.lo * b, h = p + t;
  return {h, t - (h - p)};
}
constexpr dd dd_div_d(dd a, double b) noexcept {  // q + (a - q b) / b, q b by two_prod
  const double q = a.hi / b, cq = 134217729.0 * q, qh = cq - (cq - q), ql = q - qh,
               cb = 134217729.0 * b, bh = cb - (cb - b), bl = b - bh, p = q * b,
               pl = (((qh * bh - p) + qh * bl) + ql * bh) + ql * bl,
               t = (((a.hi - p) - pl) + a.lo) / b, h = q + t;
  return {h, t - (h - q)};
}

}  // namespace detail

// ---- sin, cos, tanh, erf ---------------------------------------------------------------------
//
// All four evaluate in double, also for float arguments (the float result is the double result
// rounded once more, so it is within 0.5 ulp + 2^-29 ulp of the exact value). Constant
// evaluation runs the same statements as run time: no second path, so no second order.

namespace detail {

// fdlibm (Sun Microsystems 1993, freely redistributable; as in FreeBSD msun and musl):
// k_sin.c and k_cos.c minimax polynomials on [-pi/4, pi/4] (|error| <= 2^-58 relative), and
// e_rem_pio2.c's Cody-Waite split of pi/2 into three 33-bit parts and a 53-bit tail.
struct trig_consts {
  static constexpr double s1 = -0x1.5555555555549p-3;
  static constexpr double s2 = 0x1.111111110f8a6p-7;
  static constexpr double s3 = -0x1.a01a019c161d5p-13;
  static constexpr double s4 = 0x1.71de357b1fe7dp-19;
  static constexpr double s5 = -0x1.ae5e68a2b9cebp-26;
  static constexpr double s6 = 0x1.5d93a5acfd57cp-33;
  static constexpr double c1 = 0x1.555555555554cp-5;
  static constexpr double c2 = -0x1.6c16c16c15177p-10;
  static constexpr double c3 = 0x1.a01a019cb1590p-16;
  static constexpr double c4 = -0x1.27e4f809c52adp-22;
  static constexpr double c5 = 0x1.1ee9ebdb4b1c4p-29;
  static constexpr double c6 = -0x1.8fae9be8838d4p-37;
  static constexpr double inv_pio2 = 0x1.45f306dc9c883p-1;  // 2/pi, 53 bits
  static constexpr double pio2_1 = 0x1.921fb544p+0;         // first 33 bits of pi/2
  static constexpr double pio2_1t = 0x1.0b4611a626331p-34;  // pi/2 - pio2_1
  static constexpr double pio2_2 = 0x1.0b4611a6p-34;        // second 33 bits
  static constexpr double pio2_2t = 0x1.3198a2e037073p-69;  // pi/2 - (pio2_1 + pio2_2)
  static constexpr double pio2_3 = 0x1.3198a2ep-69;         // third 33 bits
  static constexpr double pio2_3t = 0x1.b839a252049c1p-104; // pi/2 - (pio2_1 + pio2_2 + pio2_3)
  static constexpr double shifter = 0x1.8p52;  // v + shifter - shifter rounds v to an integer
  // |x| <= pio4 needs no reduction (fdlibm's test on the high word, 0x3fe921fb).
  static constexpr double pio4 = 0x1.921fbffffffffp-1;
  //! The reduction is exact for |x| < reduce_limit = 0x1.921fbp+20 = 1647099 (just below
  //! 2^20 pi/2): there n = round(x 2/pi) < 2^20, so n * pio2_1 and n * pio2_2 are exact and
  //! x - n pi/2 is known to 151 bits, enough for every double in the range (fdlibm).
  static constexpr double reduce_limit = 0x1.921fbp+20;
};
using tc = trig_consts;

constexpr int biased_exponent(double v) noexcept {
  return static_cast<int>((std::bit_cast<std::uint64_t>(v) >> 52) & 0x7ffu);
}

// x = n pi/2 + (y0 + y1), |y0 + y1| <= ~pi/4, |y1| <= ulp(y0)/2, for pi/4 < |x| < reduce_limit
// (fdlibm's "medium" case: a second and third round only when the first one cancelled).
struct pio2_remainder {
  std::int32_t n;
  double y0;
  double y1;
};
constexpr pio2_remainder rem_pio2(double x) noexcept {
  const double fn = (x * tc::inv_pio2 + tc::shifter) - tc::shifter;
  const int ex = biased_exponent(x);
  double r = x - fn * tc::pio2_1, w = fn * tc::pio2_1t, y0 = r - w;  // exact; 85 bits
  if (ex - biased_exponent(y0) > 16) {  // second round: 118 bits
    const double t = r;
    w = fn * tc::pio2_2, r = t - w, w = fn * tc::pio2_2t - ((t - r) - w), y0 = r - w;
    if (ex - biased_exponent(y0) > 49) {  // third round: 151 bits
      const double t3 = r;
      w = fn * tc::pio2_3, r = t3 - w, w = fn * tc::pio2_3t - ((t3 - r) - w), y0 = r - w;
    }
  }
  return {static_cast<std::int32_t>(fn), y0, (r - y0) - w};
}

// sin(x + y) on ~[-pi/4, pi/4], y the tail of x (fdlibm k_sin.c; tail = false when y is 0).
constexpr double sin_kernel(double x, double y, bool tail) noexcept {
  const double z = x * x, w = z * z,
               r = tc::s2 + z * (tc::s3 + z * tc::s4) + z * w * (tc::s5 + z * tc::s6), v = z * x;
  return !tail ? x + v * (tc::s1 + z * r) : x - ((z * (0.5 * y - v * r) - y) - v * tc::s1);
}

// cos(x + y) on ~[-pi/4, pi/4] (fdlibm k_cos.c as in musl).
constexpr double cos_kernel(double x, double y) noexcept {
  const double z = x * x, w = z * z,
               r = z * (tc::c1 + z * (tc::c2 + z * tc::c3)) +
                   w * w * (tc::c4 + z * (tc::c5 + z * tc::c6)),
               hz = 0.5 * z, u = 1.0 - hz;
  return u + (((1.0 - u) - hz) + (z * r - x * y));
}

// sin (want_cos = false) or cos of the finite value hi + lo, |hi| < reduce_limit, |lo| <=
// ulp(hi)/2 (lo = 0 for a double argument; the positional encoding passes a double-double).
constexpr double sin_cos(double hi, double lo, bool want_cos) noexcept {
  if ((hi < 0 ? -hi : hi) <= tc::pio4) {
    if (lo != 0) return want_cos ? cos_kernel(hi, lo) : sin_kernel(hi, lo, true);
    const double a = hi < 0 ? -hi : hi;
    if (want_cos) return a < 0x1.6a09ep-27 ? 1.0 : cos_kernel(hi, 0.0);  // 1 - x^2/2 rounds to 1
    return a < 0x1p-26 ? hi : sin_kernel(hi, 0.0, false);  // sin x = x; keeps -0
  }
  // (y0, y1) = red.y0 + (red.y1 + lo) as a normalised pair (two-sum: the tail may not be smaller)
  const pio2_remainder red = rem_pio2(hi);
  const double t = red.y1 + lo, y0 = red.y0 + t, bv = y0 - red.y0,
               y1 = (red.y0 - (y0 - bv)) + (t - bv);
  switch ((red.n + (want_cos ? 1 : 0)) & 3) {  // cos x = sin(x + pi/2)
    case 0: return sin_kernel(y0, y1, true);
    case 1: return cos_kernel(y0, y1);
    case 2: return -sin_kernel(y0, y1, true);
    default: return -cos_kernel(y0, y1);
  }
}

constexpr double sin_cos_checked(double x, bool want_cos) noexcept {
  if (x != x) return x;
  if (!(x < trig_consts::reduce_limit && x > -trig_consts::reduce_limit))
    return std::numeric_limits<double>::quiet_NaN();  // +-inf, and beyond the exact reduction
  return sin_cos(x, 0.0, want_cos);
}

// tanh: |x| < 0.625 by the rational x + x^3 P(x^2)/Q(x^2) (Cephes tanh.c, S. L. Moshier),
// beyond by 1 - 2/(e^{2|x|} + 1) in double-double (tanh_large).
struct tanh_consts {
  static constexpr double p0 = -9.64399179425052238628e-1;
  static constexpr double p1 = -9.92877231001918586564e1;
  static constexpr double p2 = -1.61468768441708447952e3;
  static constexpr double q1 = 1.12811678491632931402e2;
  static constexpr double q2 = 2.23548839060100448583e3;
  static constexpr double q3 = 4.84406305325125486048e3;
};
// e^x = (hi + lo) 2^k for -820 <= x <= 44: exp's reduction and Remez polynomial, with the final
// addition 1 + s kept as a two-term sum (|error| < 2^-60 relative instead of exp's last rounding).
struct exp_split_result {
  double hi;
  double lo;
  std::int64_t k;
};
constexpr exp_split_result exp_split(double x) noexcept {
  using C = exp_consts<double>;  // (reduce(x), as exp_consteval writes it)
  const double t = x * C::inv_ln2 + C::shifter, kf = t - C::shifter, hi = x - kf * C::ln2_hi,
               lo = kf * C::ln2_lo, r = hi - lo, rr = r * r, c = r - rr * exp_poly(rr),
               s = ((r * c) / (2.0 - c) - lo) + hi, y = 1.0 + s;  // s = e^r - 1
  return {y, s - (y - 1.0), std::bit_cast<std::int64_t>(t) - std::bit_cast<std::int64_t>(C::shifter)};
}

// tanh a = 1 - 2/(e^{2a} + 1) for 0.625 <= a < 22 with the quotient and the subtraction carried
// to double-double (Dekker's product; no FMA), so the one final rounding dominates the error.
constexpr double tanh_large(double a) noexcept {
  const exp_split_result e = exp_split(2.0 * a);
  // e^{2a} + 1 = dh + dl (eh >= 1: fast two-sum); 2 / (dh + dl) = th + tl with th dh = p + pl
  // by Dekker's product; 1 - th - tl with the rounding error of 1 - th recovered
  const double scale = exp2i<double>(e.k), eh = e.hi * scale, el = e.lo * scale, dh = eh + 1.0,
               dl = (1.0 - (dh - eh)) + el, th = 2.0 / dh, ch = 134217729.0 * th,
               thh = ch - (ch - th), thl = th - thh, cd = 134217729.0 * dh, dhh = cd - (cd - dh),
               dhl = dh - dhh, p = th * dh,
               pl = (((thh * dhh - p) + thh * dhl) + thl * dhh) + thl * dhl,
               tl = (((2.0 - p) - pl) - th * dl) / dh, u = 1.0 - th, bv = u - 1.0,
               ul = (1.0 - (u - bv)) + (-th - bv);
  return u + (ul - tl);
}

constexpr double tanh_small(double a) noexcept {  // 0 <= a < 0.625
  using C = tanh_consts;
  const double s = a * a, p = (C::p0 * s + C::p1) * s + C::p2,
               q = ((s + C::q1) * s + C::q2) * s + C::q3;
  return a + a * s * (p / q);
}
constexpr double tanh_d(double x) noexcept {
  // NaN and |x| < 2^-28 (tanh x = x (1 - x^2/3 + ...) rounds to x; -0 stays -0) give |x| back;
  // |x| >= 22 (also inf): 1 - tanh|x| < 2^-62 rounds to 1
  const double a = x < 0 ? -x : x,
               t = !(a >= 0x1p-28) ? a : a < 0.625 ? tanh_small(a) : a < 22.0 ? tanh_large(a) : 1.0;
  return x < 0 ? -t : t;
}

// erf: fdlibm s_erf.c (four rational approximations; its comments give their errors).
struct erf_consts {
  static constexpr double erx = 0x1.b0ac16p-1;  // erf(1) rounded to 24 bits
  static constexpr double efx = 0x1.06eba8214db69p-3;  // 2/sqrt(pi) - 1
  static constexpr double efx8 = 0x1.06eba8214db69p+0;
  static constexpr double pp0 = 0x1.06eba8214db68p-3, pp1 = -0x1.4cd7d691cb913p-2,
                          pp2 = -0x1.d2a51dbd7194fp-6, pp3 = -0x1.7a291236668e4p-8,
                          pp4 = -0x1.8ead6120016acp-16;
  static constexpr double qq1 = 0x1.97779cddadc09p-2, qq2 = 0x1.0a54c5536cebap-4,
                          qq3 = 0x1.4d022c4d36b0fp-8, qq4 = 0x1.15dc9221c1a10p-13,
                          qq5 = -0x1.09c4342a26120p-18;
  static constexpr double pa0 = -0x1.359b8bef77538p-9, pa1 = 0x1.a8d00ad92b34dp-2,
                          pa2 = -0x1.7d240fbb8c3f1p-2, pa3 = 0x1.45fca805120e4p-2,
                          pa4 = -0x1.c63983d3e28ecp-4, pa5 = 0x1.22a36599795ebp-5,
                          pa6 = -0x1.1bf380a96073fp-9;
  static constexpr double qa1 = 0x1.b3e6618eee323p-4, qa2 = 0x1.14af092eb6f33p-1,
                          qa3 = 0x1.2635cd99fe9a7p-4, qa4 = 0x1.02660e763351fp-3,
                          qa5 = 0x1.bedc26b51dd1cp-7, qa6 = 0x1.88b545735151dp-7;
  static constexpr double ra0 = -0x1.43412600d6435p-7, ra1 = -0x1.63416e4ba7360p-1,
                          ra2 = -0x1.51e0441b0e726p+3, ra3 = -0x1.f300ae4cba38dp+5,
                          ra4 = -0x1.44cb184282266p+7, ra5 = -0x1.7135cebccabb2p+7,
                          ra6 = -0x1.4526557e4d2f2p+6, ra7 = -0x1.3a0efc69ac25cp+3;
  static constexpr double sa1 = 0x1.3a6b9bd707687p+4, sa2 = 0x1.1350c526ae721p+7,
                          sa3 = 0x1.b290dd58a1a71p+8, sa4 = 0x1.42b1921ec2868p+9,
                          sa5 = 0x1.ad02157700314p+8, sa6 = 0x1.b28a3ee48ae2cp+6,
                          sa7 = 0x1.a47ef8e484a93p+2, sa8 = -0x1.eeff2ee749a62p-5;
  static constexpr double rb0 = -0x1.4341239e86f4ap-7, rb1 = -0x1.993ba70c285dep-1,
                          rb2 = -0x1.1c209555f995ap+4, rb3 = -0x1.4145d43c5ed98p+7,
                          rb4 = -0x1.3ec881375f228p+9, rb5 = -0x1.004616a2e5992p+10,
                          rb6 = -0x1.e384e9bdc383fp+8;
  static constexpr double sb1 = 0x1.e568b261d5190p+4, sb2 = 0x1.45cae221b9f0ap+8,
                          sb3 = 0x1.802eb189d5118p+10, sb4 = 0x1.8ffb7688c246ap+11,
                          sb5 = 0x1.3f219cedf3be6p+11, sb6 = 0x1.da874e79fe763p+8,
                          sb7 = -0x1.670e242712d62p+4;
};
using ec = erf_consts;
// erfc(a) for 1.25 <= a < 28: exp(-a^2 - 0.5625 + R(1/a^2)/S(1/a^2)) / a (fdlibm s_erf.c's
// approximation).
constexpr double erfc_tail(double a) noexcept {
  // -a^2 = -z^2 + (z - a)(z + a) with z = a cut to 21 significant bits (z^2 is exact)
  const double s = 1.0 / (a * a), near = a < 0x1.6db6ep+1 ? 1.0 : 0.0,  // 1/0.35
      r = near != 0.0
              ? ec::ra0 + s * (ec::ra1 + s * (ec::ra2 + s * (ec::ra3 + s * (ec::ra4 + s * (ec::ra5 + s * (ec::ra6 + s * ec::ra7))))))
              : ec::rb0 + s * (ec::rb1 + s * (ec::rb2 + s * (ec::rb3 + s * (ec::rb4 + s * (ec::rb5 + s * ec::rb6))))),
      q = near != 0.0
              ? 1.0 + s * (ec::sa1 + s * (ec::sa2 + s * (ec::sa3 + s * (ec::sa4 + s * (ec::sa5 + s * (ec::sa6 + s * (ec::sa7 + s * ec::sa8)))))))
              : 1.0 + s * (ec::sb1 + s * (ec::sb2 + s * (ec::sb3 + s * (ec::sb4 + s * (ec::sb5 + s * (ec::sb6 + s * ec::sb7)))))),
      z = std::bit_cast<double>(std::bit_cast<std::uint64_t>(a) & 0xffffffff00000000u);
  // both exponentials as (hi + lo) 2^k, their product over a in double-double, one rounding
  // (fdlibm multiplies two rounded exps: up to ~3 ulp; this is ~0.5 ulp plus R/S's error)
  const exp_split_result e1 = exp_split(-z * z - 0.5625), e2 = exp_split((z - a) * (z + a) + r / q);
  const dd m = dd_div_d(dd_mul(dd{e1.hi, e1.lo}, dd{e2.hi, e2.lo}), a);
  return scale_by_2k(m.hi + m.lo, e1.k + e2.k);
}

constexpr double erf_small(double x) noexcept {  // |x| < 0.84375: x + x R(x^2)
  const double z = x * x, r = ec::pp0 + z * (ec::pp1 + z * (ec::pp2 + z * (ec::pp3 + z * ec::pp4))),
               s = 1.0 + z * (ec::qq1 + z * (ec::qq2 + z * (ec::qq3 + z * (ec::qq4 + z * ec::qq5))));
  return r / s;  // R(x^2)
}
constexpr double erf_mid(double a) noexcept {  // 0.84375 <= a < 1.25: erf(1 + s) - erx
  const double s = a - 1.0,
               p = ec::pa0 + s * (ec::pa1 + s * (ec::pa2 + s * (ec::pa3 + s * (ec::pa4 + s * (ec::pa5 + s * ec::pa6))))),
               q = 1.0 + s * (ec::qa1 + s * (ec::qa2 + s * (ec::qa3 + s * (ec::qa4 + s * (ec::qa5 + s * ec::qa6)))));
  return p / q;
}
constexpr double erf_d(double x) noexcept {
  if (x != x) return x;
  const double a = x < 0 ? -x : x;
  if (a < 0x1p-28) return a < 0x1p-1015 ? 0.125 * (8.0 * x + ec::efx8 * x) : x + ec::efx * x;
  if (a < 0.84375) return x + x * erf_small(x);
  // |x| >= 6 (also inf): 1 - erf|x| < 2^-55 rounds to 1
  const double e = a < 1.25 ? ec::erx + erf_mid(a) : a < 6.0 ? 1.0 - erfc_tail(a) : 1.0;
  return x < 0 ? -e : e;
}

// erfc(a) = 1 - erf(a) for a >= 0 without cancellation (fdlibm s_erf.c's erfc, positive half).
constexpr double erfc_nonneg(double a) noexcept {
  if (a != a) return a;
  if (a < 0x1p-56) return 1.0 - a;
  if (a < 0.25) return 1.0 - (a + a * erf_small(a));
  if (a < 0.84375) return 0.5 - (a * erf_small(a) + (a - 0.5));
  if (a < 1.25) return (1.0 - ec::erx) - erf_mid(a);
  return a < 28.0 ? erfc_tail(a) : 0.0;  // erfc(28) < 2^-1130 underflows; also +inf
}


// GELU kernels in double (layers.hpp documents them). The argument u (or x / sqrt 2) is formed in
// double-double: for x < 0 the result decays like e^{-2|u|} (e^{-x^2/2}), which would amplify a
// rounding of u by 2|u| ulps.
struct gelu_consts {
  static constexpr dd sqrt_2_over_pi{0x1.9884533d43651p-1, -0x1.cbc0d30ebfd15p-55};
  static constexpr double k = 0.044715;
  static constexpr dd inv_sqrt2{0x1.6a09e667f3bcdp-1, -0x1.bdd3413b26456p-55};
  static constexpr double two_over_sqrt_pi = 0x1.20dd750429b6dp+0;
};
// 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))), 0.044715 rounded to double.
constexpr double gelu_neg(double x, dd u) noexcept {
  // x < 0: 0.5 (1 + tanh u) = e / (1 + e), e = e^{2u} = e^{2 u.hi} (1 + 2 u.lo), in
  // double-double, numerator and denominator scaled by 2^160 (e stays normal down to e^-800);
  // the quotient's remainder by Dekker's product q den.hi = p + pl
  if (2.0 * u.hi < -800.0) return -0.0;  // |exact| < 30 e^-800: rounds to -0
  const exp_split_result es = exp_split(2.0 * u.hi);
  const double sc = exp2i<double>(es.k + 160), e0 = es.hi * sc,
               e1 = (es.lo + es.hi * (2.0 * u.lo)) * sc, eh = e0 + e1, el = e1 - (eh - e0);
  const dd num = dd_mul_d(dd{eh, el}, x), den = dd_add(dd{0x1p160, 0.0}, dd{eh, el});
  const double q = num.hi / den.hi, cq = 134217729.0 * q, qh = cq - (cq - q), qm = q - qh,
               cd = 134217729.0 * den.hi, dh = cd - (cd - den.hi), dm = den.hi - dh, p = q * den.hi,
               pl = (((qh * dh - p) + qh * dm) + qm * dh) + qm * dm,
               ql = ((((num.hi - p) - pl) + num.lo) - q * den.lo) / den.hi;
  return q + ql;
}
constexpr double gelu_pos(double x, dd u) noexcept {
  // x >= 0: h + h t with h = x / 2 and t = tanh(u) to first order in u.lo (tanh' = 1 - t^2);
  // the sum rounds once, and h t carries t's error scaled by t <= 1
  const double h = 0.5 * x, t0 = tanh_d(u.hi), t = t0 + (1.0 - t0 * t0) * u.lo;
  return h + h * t;
}
constexpr double gelu_d(double x) noexcept {
  if (x != x || x >= 10.0) return x;  // tanh(u) rounds to 1 for x >= 10 (u > 19)
  if (x <= -30.0) return -0.0;        // |exact| < e^{-1900}: rounds to -0
  const dd u = dd_mul(dd_add(dd_mul_d(dd_mul_d(two_prod(x, x), x), gelu_consts::k), dd{x, 0.0}),
                      gelu_consts::sqrt_2_over_pi);
  return !(x < 0.0) ? gelu_pos(x, u) : gelu_neg(x, u);
}
// 0.5 x (1 + erf(x / sqrt 2)); for x < 0 as 0.5 x erfc(|x| / sqrt 2) with erfc's first-order
// correction for the low part of |x| / sqrt 2: erfc(a + l) = erfc(a) - l (2/sqrt pi) e^{-a^2}.
constexpr double gelu_erf_d(double x) noexcept {
  if (x != x || x >= 40.0) return x;  // erf(x / sqrt 2) rounds to 1 (also +inf)
  if (x <= -40.0) return -0.0;        // erfc(28.28) < 1e-349: rounds to -0 (also -inf)
  const dd v = dd_mul_d(gelu_consts::inv_sqrt2, x);
  if (!(x < 0.0)) return (0.5 * x) * (1.0 + erf_d(v.hi));
  return (0.5 * x) * (erfc_nonneg(-v.hi) -
                      -v.lo * gelu_consts::two_over_sqrt_pi * ctattn::exp(-(-v.hi * -v.hi)));
}
}  // namespace detail

// Measured against MPFR by tests/runtime/test_layers_accuracy.cpp
// (`build/tests/runtime_layers_accuracy -s`): double on 120e3 random inputs per function and
// range plus edge cases; float on every 32nd float of the range (every float with
// CTATTN_MATH_EXHAUSTIVE=1), where the double result rounded to float is within 0.5 ulp +
// 2^-29 ulp of the exact value.

//! sin(x) for float and double (computed in double; float rounds the double result).
//! Reduction: x = n pi/2 + r by Cody-Waite with pi/2 split into three exact 33-bit parts and a
//! 53-bit tail (fdlibm's e_rem_pio2 medium case): exact to 151 bits for |x| < 1647099 (just
//! below 2^20 pi/2, detail::trig_consts::reduce_limit), which covers positional encodings of up
//! to 1.6 million tokens. Kernel: fdlibm's degree-13 odd polynomial (cos: degree 14) on
//! [-pi/4, pi/4], |error| <= 2^-58.
//! Error bound: < 1 ulp for double on |x| < 1647099 (measured max 0.75 ulp for sin, 0.76 ulp for
//! cos; 0.74 / 0.75 on |x| < 1e4); float: <= 0.5 ulp + 2^-29 ulp (measured 0.500).
//! Special values: sin(NaN) = NaN, sin(+-0) = +-0, sin(+-inf) = NaN, and NaN for
//! |x| >= 1647099 (outside the range where the reduction is exact), tested.
//! Cost: one call is ~20-40 constant-evaluation steps (Clang), depending on the reduction.
struct sin_fn {
  template <IeeeFloat F>
  [[nodiscard]] constexpr F operator()(F x) const noexcept {
    return static_cast<F>(detail::sin_cos_checked(static_cast<double>(x), false));
  }
};
inline constexpr sin_fn sin{};

//! cos(x) for float and double: the same reduction, range and error statement as ctattn::sin.
//! cos(NaN) = NaN, cos(+-0) = 1, cos(+-inf) = NaN, NaN for |x| >= 1647099.
struct cos_fn {
  template <IeeeFloat F>
  [[nodiscard]] constexpr F operator()(F x) const noexcept {
    return static_cast<F>(detail::sin_cos_checked(static_cast<double>(x), true));
  }
};
inline constexpr cos_fn cos{};

//! tanh(x) for float and double (computed in double). Odd by construction (tanh(-x) ==
//! -tanh(x) bit for bit). |x| < 2^-28: x (keeps -0); |x| < 0.625: x + x^3 P(x^2)/Q(x^2)
//! (Cephes' rational, no cancellation near 0); |x| < 22: 1 - 2/(e^{2|x|} + 1) carried in
//! double-double from exp's reduction and polynomial (detail::tanh_large), one final rounding;
//! beyond (and +-inf): +-1. tanh(NaN) = NaN.
//! Error bound: < 1 ulp for double (measured max 0.72 ulp on |x| < 30); float: <= 0.5 ulp +
//! 2^-29 ulp (measured 0.500).
struct tanh_fn {
  template <IeeeFloat F>
  [[nodiscard]] constexpr F operator()(F x) const noexcept {
    return static_cast<F>(detail::tanh_d(static_cast<double>(x)));
  }
};
inline constexpr tanh_fn tanh{};

//! erf(x) = 2/sqrt(pi) int_0^x e^{-t^2} dt for float and double (computed in double), by
//! fdlibm's s_erf.c method: rational approximations on [0, 0.84375), [0.84375, 1.25),
//! [1.25, 1/0.35), [1/0.35, 6), the last two as 1 - erfc with erfc's two exponentials carried
//! in double-double; +-1 for |x| >= 6. Odd by construction; erf(+-0) = +-0, erf(+-inf) = +-1,
//! erf(NaN) = NaN.
//! Error bound: < 1 ulp for double (measured max 0.95 ulp on |x| < 8, at small |x|); float:
//! <= 0.5 ulp + 2^-29 ulp (measured 0.500).
struct erf_fn {
  template <IeeeFloat F>
  [[nodiscard]] constexpr F operator()(F x) const noexcept {
    return static_cast<F>(detail::erf_d(static_cast<double>(x)));
  }
};
inline constexpr erf_fn erf{};

}  // namespace ctattn

CTATTN_DETAIL_FP_STRICT_END

#endif  // CTATTN_MATH_HPP
