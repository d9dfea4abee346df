// Runtime tests of ctattn/fixed.hpp arithmetic against an independent exact reference: every
// result is computed here from the raw integers in 128-bit (or double, where that is exact)
// arithmetic, rounded by hand to nearest-even and saturated; exhaustive for an int8 format
// (all 65536 pairs), sampled for int16 and int32 formats. Ties and extremes pinned one by one.
#include <cmath>
#include <cstdint>
#include <limits>

#include <ctattn/fixed.hpp>

#include <doctest/doctest.h>

namespace {

using ctattn::fixed;
using ctattn::q15_16;
using ctattn::q3_12;
using ctattn::q7_8;

__extension__ typedef __int128 i128;  // the exact reference for int32 products and quotients

// n / d rounded to nearest, ties to even, for d > 0 (exact integer arithmetic).
i128 div_nearest_even(i128 n, i128 d) {
  i128 q = n / d;  // truncates toward zero
  i128 r = n % d;  // same sign as n
  if (r < 0) {     // floor
    q -= 1;
    r += d;
  }
  if (2 * r > d || (2 * r == d && (q & 1) != 0)) q += 1;
  return q;
}

template <class Fx>
Fx saturated(i128 raw) {
  using rep = typename Fx::rep;
  if (raw > std::numeric_limits<rep>::max()) return Fx::max();
  if (raw < std::numeric_limits<rep>::min()) return Fx::lowest();
  return Fx::from_raw(static_cast<rep>(raw));
}

template <class Fx>
Fx ref_mul(Fx a, Fx b) {
  return saturated<Fx>(div_nearest_even(i128(a.raw()) * b.raw(), i128(1) << Fx::frac_bits));
}
template <class Fx>
Fx ref_div(Fx a, Fx b) {
  if (b.raw() == 0) return a.raw() > 0 ? Fx::max() : a.raw() < 0 ? Fx::lowest() : Fx{};
  i128 n = i128(a.raw()) * (i128(1) << Fx::frac_bits);
  i128 d = b.raw();
  if (d < 0) {
    n = -n;
    d = -d;
  }
  return saturated<Fx>(div_nearest_even(n, d));
}

template <class Fx>
void check_pair(Fx a, Fx b) {
  REQUIRE((a + b) == saturated<Fx>(i128(a.raw()) + b.raw()));
  REQUIRE((a - b) == saturated<Fx>(i128(a.raw()) - b.raw()));
  REQUIRE((a * b) == ref_mul(a, b));
  REQUIRE((a / b) == ref_div(a, b));
  REQUIRE((a < b) == (a.raw() < b.raw()));
  REQUIRE((a == b) == (a.raw() == b.raw()));
}

// A fixed-seed 64-bit LCG (Knuth's MMIX constants): reproducible samples.
struct lcg {
  std::uint64_t s;
  std::uint64_t next() {
    s = s * 6364136223846793005ULL + 1442695040888963407ULL;
    return s >> 11;
  }
};

template <class Fx>
Fx random_fixed(lcg& g) {
  using rep = typename Fx::rep;
  using urep = std::make_unsigned_t<rep>;
  const std::uint64_t bits = g.next();
  // a third of the samples small (|x| < 4), the rest anywhere in the range
  if (bits % 3 == 0) {
    const auto small = static_cast<std::int64_t>(bits % (std::uint64_t(8) << Fx::frac_bits)) -
                       (std::int64_t(4) << Fx::frac_bits);
    return Fx::from_raw(static_cast<rep>(small));
  }
  return Fx::from_raw(static_cast<rep>(static_cast<urep>(bits >> 7)));
}

TEST_CASE("fixed: + - * / and ordering, all pairs of an int8 format") {
  using f8 = fixed<std::int8_t, 4>;
  for (int a = -128; a < 128; ++a)
    for (int b = -128; b < 128; ++b)
      check_pair(f8::from_raw(static_cast<std::int8_t>(a)), f8::from_raw(static_cast<std::int8_t>(b)));
}

TEST_CASE_TEMPLATE("fixed: + - * / against the exact reference on 400000 sampled pairs", Fx,
                   q7_8, q3_12, ctattn::q5_10, q15_16, fixed<std::int32_t, 30>,
                   fixed<std::int32_t, 0>, fixed<std::int16_t, 14>) {
  lcg g{0x5eed0f1c5ULL + Fx::frac_bits};
  for (int i = 0; i < 400000; ++i) check_pair(random_fixed<Fx>(g), random_fixed<Fx>(g));
}

TEST_CASE("fixed: ties round to even in *, / and conversion from double") {
  const q15_16 half(0.5);
  const q15_16 ulp = q15_16::epsilon();
  // products that land exactly halfway between two representable values
  CHECK((q15_16::from_raw(1) * half).raw() == 0);   // 0.5 ulp -> 0
  CHECK((q15_16::from_raw(3) * half).raw() == 2);   // 1.5 ulp -> 2
  CHECK((q15_16::from_raw(5) * half).raw() == 2);   // 2.5 ulp -> 2
  CHECK((q15_16::from_raw(7) * half).raw() == 4);   // 3.5 ulp -> 4
  CHECK((q15_16::from_raw(-1) * half).raw() == 0);  // -0.5 ulp -> 0
  CHECK((q15_16::from_raw(-3) * half).raw() == -2);
  CHECK((q15_16::from_raw(-5) * half).raw() == -2);
  // just off the tie: nearest
  CHECK((q15_16::from_raw(3) * q15_16::from_raw(32769)).raw() == 2);  // 1.5000458 ulp
  CHECK((q15_16::from_raw(5) * q15_16::from_raw(32767)).raw() == 2);  // 2.49992 ulp
  // quotients
  CHECK((q15_16::from_raw(1) / q15_16(2)).raw() == 0);
  CHECK((q15_16::from_raw(3) / q15_16(2)).raw() == 2);
  CHECK((q15_16::from_raw(-3) / q15_16(2)).raw() == -2);
  CHECK((q15_16::from_raw(-5) / q15_16(-2)).raw() == 2);
  CHECK((q15_16(1) / q15_16(3)).raw() == 21845);  // 21845.33
  CHECK((q15_16(2) / q15_16(3)).raw() == 43691);  // 43690.67
  // conversion from double: x = (k + 1/2) ulp
  CHECK(q15_16(0.5 * std::ldexp(1.0, -16)).raw() == 0);
  CHECK(q15_16(1.5 * std::ldexp(1.0, -16)).raw() == 2);
  CHECK(q15_16(2.5 * std::ldexp(1.0, -16)).raw() == 2);
  CHECK(q15_16(-2.5 * std::ldexp(1.0, -16)).raw() == -2);
  CHECK(q15_16(-3.5 * std::ldexp(1.0, -16)).raw() == -4);
  CHECK(q7_8(0.00585937500).raw() == 2);  // 1.5 / 256
  CHECK(q7_8(0.5f / 256.0f).raw() == 0);  // float path too
  CHECK(ulp.raw() == 1);
}

TEST_CASE_TEMPLATE("fixed: saturation at the extremes", Fx, q7_8, q3_12, q15_16,
                   fixed<std::int32_t, 30>) {
  const Fx mx = Fx::max();
  const Fx lo = Fx::lowest();
  const Fx eps = Fx::epsilon();
  CHECK(mx + eps == mx);
  CHECK(lo - eps == lo);
  CHECK(mx - lo == mx);
  CHECK(lo - mx == lo);
  CHECK(-lo == mx);
  CHECK(-mx == lo + eps);
  CHECK(mx * mx == mx);
  CHECK(lo * lo == mx);
  CHECK(lo * mx == lo);
  CHECK(mx / eps == (Fx::frac_bits == 0 ? mx : mx));
  CHECK(lo / eps == (Fx::frac_bits == 0 ? lo : lo));
  CHECK(lo / -eps == mx);
  CHECK(lo / Fx(-1) == mx);
  // division by zero is defined
  CHECK(Fx(3) / Fx(0) == mx);
  CHECK(eps / Fx(0) == mx);
  CHECK(-eps / Fx(0) == lo);
  CHECK(Fx(0) / Fx(0) == Fx(0));
  // conversions saturate
  CHECK(Fx(1e30) == mx);
  CHECK(Fx(-1e30) == lo);
  CHECK(Fx(std::numeric_limits<double>::infinity()) == mx);
  CHECK(Fx(-std::numeric_limits<double>::infinity()) == lo);
  CHECK(Fx(std::numeric_limits<double>::quiet_NaN()) == Fx(0));
  CHECK(Fx(1000000) == mx);
  CHECK(Fx(-1000000) == lo);
  CHECK(Fx(std::numeric_limits<std::uint64_t>::max()) == mx);
  CHECK(Fx(std::numeric_limits<std::int64_t>::min()) == lo);
  // the ends of the integer range are exact
  constexpr auto top = std::numeric_limits<typename Fx::rep>::max() >> Fx::frac_bits;
  CHECK(Fx(-top - 1) == lo);
  CHECK(static_cast<double>(Fx(top)) == static_cast<double>(top));
  CHECK(static_cast<double>(Fx(top) + eps) > static_cast<double>(top));
}

TEST_CASE_TEMPLATE("fixed: laws over every value of int16 formats", Fx, q7_8, q3_12,
                   fixed<std::int16_t, 14>) {
  const Fx one(1);
  const Fx zero{};
  for (int r = -32768; r < 32768; ++r) {
    const Fx x = Fx::from_raw(static_cast<std::int16_t>(r));
    REQUIRE(x * one == x);
    REQUIRE(one * x == x);
    REQUIRE(x / one == x);
    REQUIRE(x + zero == x);
    REQUIRE(x - x == zero);
    REQUIRE(x * zero == zero);
    if (r != -32768) {
      REQUIRE(-(-x) == x);
      REQUIRE(x + (-x) == zero);
      REQUIRE((-x) * Fx(0.75) == -(x * Fx(0.75)));  // round to even is symmetric
    }
    if (x != zero && x != Fx::lowest()) REQUIRE(x / x == one);
    // conversions: double is exact, and the round trip returns x
    const double d = static_cast<double>(x);
    REQUIRE(d == std::ldexp(static_cast<double>(r), -Fx::frac_bits));
    REQUIRE(Fx(d) == x);
    REQUIRE(Fx(static_cast<float>(x)) == x);  // float has 24 bits: exact for int16
  }
}

TEST_CASE("fixed: conversions of q15_16 to and from double") {
  lcg g{42};
  for (int i = 0; i < 200000; ++i) {
    const q15_16 x = random_fixed<q15_16>(g);
    const double d = static_cast<double>(x);
    REQUIRE(d == std::ldexp(static_cast<double>(x.raw()), -16));
    REQUIRE(q15_16(d) == x);
    // a double between two neighbours goes to the nearer one
    if (x != q15_16::max()) REQUIRE(q15_16(d + std::ldexp(0.49, -16)) == x);
  }
  CHECK(q15_16(1).raw() == 65536);
  CHECK(q15_16(-1.25).raw() == -81920);
  CHECK(q15_16(32767.99999).raw() == std::numeric_limits<std::int32_t>::max());
  CHECK(q15_16(-32768.0).raw() == std::numeric_limits<std::int32_t>::min());
  CHECK(q15_16(-32768.00001) == q15_16::lowest());
}

TEST_CASE("fixed: compound assignment and numeric_limits") {
  q15_16 x(2);
  x += q15_16(0.5);
  x *= q15_16(2);
  x -= q15_16(1);
  x /= q15_16(4);
  CHECK(x == q15_16(1));
  using lim = std::numeric_limits<q15_16>;
  static_assert(lim::is_specialized && lim::is_exact && !lim::is_integer && !lim::is_iec559);
  CHECK(lim::max() == q15_16::max());
  CHECK(lim::lowest() == q15_16::lowest());
  CHECK(lim::epsilon().raw() == 1);
  CHECK(lim::digits == 31);
}

}  // namespace
