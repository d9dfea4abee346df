// ctattn/math.hpp - constexpr exp and sqrt for float and double, identical at compile time and
// at run time.
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

CTATTN_DETAIL_FP_STRICT_BEGIN

namespace ctattn {

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

}  // namespace ctattn

CTATTN_DETAIL_FP_STRICT_END

#endif  // CTATTN_MATH_HPP
