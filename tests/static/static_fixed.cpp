// Compile-time tests of ctattn/fixed.hpp: the arithmetic rules (rounding, ties, saturation,
// division by zero), the conversions, what must not compile, and exp_of at points whose value
// is known independently (e^-1, e^1, e^-8 and e^2 rounded by hand from their decimal
// expansions), all proven in constant evaluation.
#include <concepts>
#include <cstdint>
#include <limits>
#include <type_traits>

#include <ctattn/fixed.hpp>
#include <ctattn/math.hpp>
#include <ctattn/matrix.hpp>

namespace {

using ctattn::fixed;
using ctattn::q15_16;
using ctattn::q3_12;
using ctattn::q5_10;
using ctattn::q7_8;

// ---- the type ----------------------------------------------------------------------------------
static_assert(ctattn::Scalar<q15_16> && ctattn::Scalar<q7_8> && ctattn::Scalar<q3_12>);
static_assert(ctattn::Scalar<fixed<std::int8_t, 4>> && ctattn::Scalar<fixed<std::int32_t, 30>>);
static_assert(sizeof(q15_16) == 4 && sizeof(q7_8) == 2);
static_assert(std::is_trivially_copyable_v<q15_16>);
static_assert(std::is_same_v<q15_16::wide, std::int64_t> && std::is_same_v<q7_8::wide, std::int32_t>);

// Conversions are explicit: no implicit float, no implicit int, no implicit way back.
static_assert(!std::is_convertible_v<double, q15_16>);
static_assert(!std::is_convertible_v<float, q15_16>);
static_assert(!std::is_convertible_v<int, q15_16>);
static_assert(!std::is_convertible_v<q15_16, double>);
static_assert(!std::is_convertible_v<q15_16, int>);
static_assert(!std::is_convertible_v<q15_16, q7_8>);
static_assert(!std::is_constructible_v<q15_16, bool>);
static_assert(std::is_constructible_v<q15_16, int> && std::is_constructible_v<q15_16, double>);
// Mixed fixed/int or fixed/double arithmetic does not compile: no silent float promotion.
template <class A, class B>
concept addable = requires(A a, B b) { a + b; };
template <class A, class B>
concept multipliable = requires(A a, B b) { a * b; };
template <class A, class B>
concept comparable = requires(A a, B b) { a < b; };
static_assert(addable<q15_16, q15_16> && multipliable<q15_16, q15_16> && comparable<q7_8, q7_8>);
static_assert(!addable<q15_16, int> && !addable<int, q15_16> && !addable<q15_16, q7_8>);
static_assert(!multipliable<q15_16, double> && !multipliable<float, q7_8>);
static_assert(!comparable<q15_16, int> && !comparable<q15_16, double>);

// ---- exact values and ties ---------------------------------------------------------------------
static_assert(q15_16(1).raw() == 65536 && q15_16(-3).raw() == -196608);
static_assert(q15_16(0.5).raw() == 32768 && q15_16(-0.25).raw() == -16384);
static_assert(q7_8(1.5).raw() == 384);
static_assert(static_cast<double>(q15_16::from_raw(-98304)) == -1.5);
static_assert(static_cast<float>(q7_8::from_raw(-1)) == -0.00390625f);
static_assert(q15_16{} == q15_16(0));
// Ties go to even: products, quotients and conversions.
static_assert((q15_16::from_raw(1) * q15_16(0.5)).raw() == 0);
static_assert((q15_16::from_raw(3) * q15_16(0.5)).raw() == 2);
static_assert((q15_16::from_raw(-3) * q15_16(0.5)).raw() == -2);
static_assert((q15_16::from_raw(5) * q15_16(0.5)).raw() == 2);
static_assert((q15_16::from_raw(3) / q15_16(2)).raw() == 2);
static_assert((q15_16::from_raw(5) / q15_16(-2)).raw() == -2);
static_assert((q7_8::from_raw(7) * q7_8(0.5)).raw() == 4);
static_assert(q15_16(2.5 / 65536).raw() == 2 && q15_16(3.5 / 65536).raw() == 4);
static_assert(q15_16(-2.5 / 65536).raw() == -2);
// Nearest otherwise.
static_assert((q15_16(1) / q15_16(3)).raw() == 21845 && (q15_16(2) / q15_16(3)).raw() == 43691);
static_assert((q15_16(-2) / q15_16(3)).raw() == -43691);
static_assert((q15_16(1.25) * q15_16(-2.5)) == q15_16(-3.125));

// ---- saturation and division by zero -------------------------------------------------------------
static_assert(q15_16::max().raw() == std::numeric_limits<std::int32_t>::max());
static_assert(q15_16::lowest().raw() == std::numeric_limits<std::int32_t>::min());
static_assert(q15_16::max() + q15_16::epsilon() == q15_16::max());
static_assert(q15_16::lowest() - q15_16::epsilon() == q15_16::lowest());
static_assert(-q15_16::lowest() == q15_16::max());
static_assert(q15_16(200) * q15_16(200) == q15_16::max());
static_assert(q15_16(-200) * q15_16(200) == q15_16::lowest());
static_assert(q7_8(100) + q7_8(100) == q7_8::max());
static_assert(q7_8(-100) - q7_8(100) == q7_8::lowest());
static_assert(q7_8(100) / q7_8(0.5) == q7_8::max());
static_assert(q15_16(1) / q15_16(0) == q15_16::max());
static_assert(q15_16(-1) / q15_16(0) == q15_16::lowest());
static_assert(q15_16(0) / q15_16(0) == q15_16(0));
static_assert(q15_16::lowest() / q15_16(-1) == q15_16::max());
static_assert(q15_16(40000) == q15_16::max() && q15_16(-40000) == q15_16::lowest());
static_assert(q15_16(-32768) == q15_16::lowest());
static_assert(q15_16(4000000000u) == q15_16::max());
static_assert(q15_16(1e10) == q15_16::max() && q15_16(-1e10) == q15_16::lowest());
static_assert(q15_16(std::numeric_limits<double>::quiet_NaN()) == q15_16(0));
static_assert(q15_16(1e308) == q15_16::max() && q7_8(-1e308) == q7_8::lowest());
static_assert(q15_16(-std::numeric_limits<double>::infinity()) == q15_16::lowest());
static_assert(q7_8(std::numeric_limits<float>::infinity()) == q7_8::max());

// ---- laws on a sample, in constant evaluation ----------------------------------------------------
template <class Fx>
constexpr bool laws() {
  for (int i = -100; i <= 100; ++i) {  // |a + b| < 2^14: no saturation
    const Fx a = Fx::from_raw(static_cast<typename Fx::rep>(i * 97));
    const Fx b = Fx::from_raw(static_cast<typename Fx::rep>(5000 - i * 31));
    if (!(a + b == b + a && a * b == b * a)) return false;
    if (!(a * Fx(1) == a && a / Fx(1) == a && a + Fx{} == a && a - a == Fx{})) return false;
    const bool saturated = a * b == Fx::max() || a * b == Fx::lowest();
    if (!saturated && !((-a) * b == -(a * b))) return false;  // symmetric rounding
    if (!((a + b) - b == a)) return false;          // no saturation in this range
    if (!((a < b) == (a.raw() < b.raw()))) return false;
    if (!(Fx(static_cast<double>(a)) == a)) return false;
  }
  return true;
}
static_assert(laws<q15_16>() && laws<q7_8>() && laws<q3_12>());

// ---- exp_of ------------------------------------------------------------------------------------
// e^-1 = 0.36787944117144233: * 65536 = 24109.07 -> 24109; * 256 = 94.18 -> 94.
static_assert(ctattn::exp(q15_16(-1)).raw() == 24109);
static_assert(ctattn::exp(q7_8(-1)).raw() == 94);
// e = 2.718281828459045: * 65536 = 178145.08 -> 178145; * 4096 = 11134.04 -> 11134.
static_assert(ctattn::exp(q15_16(1)).raw() == 178145);
static_assert(ctattn::exp(q3_12(1)).raw() == 11134);
// e^-8 = 3.354626279025119e-4: * 65536 = 21.985 -> 22.  e^2 = 7.38905609893065: * 4096 =
// 30265.57 -> 30266.
static_assert(ctattn::exp(q15_16(-8)).raw() == 22);
static_assert(ctattn::exp(q3_12(2)).raw() == 30266);
// exp(0) is exactly 1; large arguments saturate; very negative ones give 0.
static_assert(ctattn::exp(q15_16(0)) == q15_16(1) && ctattn::exp(q7_8(0)) == q7_8(1));
static_assert(ctattn::exp(q15_16(11)) == q15_16::max());  // e^11 ~ 59874 > 32768
static_assert(ctattn::exp(q3_12(3)) == q3_12::max());     // e^3 ~ 20.1 > 8
static_assert(ctattn::exp(q15_16(-12)) == q15_16(0));     // e^-12 ~ 6.1e-6 < 2^-17
static_assert(ctattn::exp(q15_16::lowest()) == q15_16(0));

// ---- matrix_cast -------------------------------------------------------------------------------
constexpr ctattn::matrix<double, 2, 2> md{0.5, -1.25, 3, 1.0 / 3};
static_assert(ctattn::matrix_cast<q15_16>(md)(1, 1).raw() == 21845);
static_assert(ctattn::matrix_cast<double>(ctattn::matrix_cast<q7_8>(md))(0, 1) == -1.25);

}  // namespace
