// Runtime tests of ctattn/math.hpp that need no MPFR:
//  - sqrt is correctly rounded: equal, bit for bit, to the hardware square root (IEEE-754
//    requires it to be correctly rounded) over >= 10^6 random bit patterns per type, every float
//    in [1, 4) (all significands with both exponent parities: the whole normal float range
//    behaves alike), every subnormal float, and edge cases;
//  - compile time equals run time: exp, exp_fast and sqrt evaluated in a constant expression
//    over a few hundred inputs give the same bits as the same calls at run time on inputs the
//    optimiser cannot see (laundered through volatile);
//  - special values and laws at run time.
#include <ctattn/math.hpp>

#include <array>
#include <bit>
#include <cstdint>
#include <cstdio>
#include <limits>
#include <random>
#include <string>

#include <doctest/doctest.h>

namespace {

template <class F>
using bits_t = typename ctattn::detail::ieee<F>::bits;

template <class F>
F launder(F x) {
  volatile F v = x;
  return v;
}

template <class F>
bool same_bits(F a, F b) {
  return std::bit_cast<bits_t<F>>(a) == std::bit_cast<bits_t<F>>(b);
}

// The neighbour of x one ulp further from zero.
template <class F>
F away(F x) {
  return std::bit_cast<F>(static_cast<bits_t<F>>(std::bit_cast<bits_t<F>>(x) + 1));
}

template <class F>
std::string hex(F x) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%a", static_cast<double>(x));
  return buf;
}

// Our sqrt against the hardware's; NaN results compare as NaN (the hardware's NaN payload and
// sign are its own). Returns the number of mismatches and reports the first few.
template <class F>
struct sqrt_checker {
  std::size_t checked = 0;
  std::size_t mismatches = 0;
  void operator()(F x) {
    const F in = launder(x);
    const F ours = ctattn::sqrt(in);
    F ref{};
    if constexpr (std::is_same_v<F, double>) {
      ref = __builtin_sqrt(in);
    } else {
      ref = __builtin_sqrtf(in);
    }
    ++checked;
    const bool ok = (ref != ref) ? (ours != ours) : same_bits(ours, ref);
    if (!ok && mismatches++ < 5) {
      MESSAGE("sqrt(" << hex(x) << ") = " << hex(ours) << ", hardware " << hex(ref));
    }
  }
};

template <class F>
void sqrt_edge_cases(sqrt_checker<F>& check) {
  using lim = std::numeric_limits<F>;
  using B = bits_t<F>;
  for (const F x : {F(0), -F(0), F(1), F(2), F(3), F(4), F(0.25), F(0.5), -F(1), lim::min(),
                    lim::denorm_min(), lim::max(), lim::infinity(), -lim::infinity(),
                    lim::quiet_NaN(), -lim::denorm_min(), lim::epsilon()}) {
    check(x);
  }
  // neighbours of the smallest normal and of the subnormal/normal boundary
  const B min_bits = std::bit_cast<B>(lim::min());
  for (B d = 0; d < 64; ++d) {
    check(std::bit_cast<F>(static_cast<B>(min_bits + d)));
    check(std::bit_cast<F>(static_cast<B>(min_bits - 1 - d)));
    check(std::bit_cast<F>(static_cast<B>(std::bit_cast<B>(lim::max()) - d)));
    check(std::bit_cast<F>(static_cast<B>(d + 1)));
  }
  // perfect squares n^2 and their neighbours (results exact or just off a representable value)
  for (std::uint32_t n = 1; n < 5000; ++n) {
    const F sq = static_cast<F>(n) * static_cast<F>(n);
    const B b = std::bit_cast<B>(sq);
    for (const B v : {b, static_cast<B>(b - 1), static_cast<B>(b + 1)}) check(std::bit_cast<F>(v));
  }
}

TEST_CASE_TEMPLATE("math: sqrt equals the hardware square root on random bit patterns", F, float,
                   double) {
  using B = bits_t<F>;
  sqrt_checker<F> check;
  sqrt_edge_cases(check);
  std::mt19937_64 gen(42);
  for (int i = 0; i < 1'000'000; ++i) {
    // every positive bit pattern equally likely (subnormals included), then one in four negated
    B b = static_cast<B>(gen());
    b &= static_cast<B>(~(B(1) << (sizeof(B) * 8 - 1)));
    if (i % 4 == 3) b |= static_cast<B>(B(1) << (sizeof(B) * 8 - 1));
    check(std::bit_cast<F>(b));
  }
  constexpr int sub_bits = std::numeric_limits<F>::digits - 1;
  for (int i = 0; i < 200'000; ++i) {  // subnormals, the slow path
    check(std::bit_cast<F>(static_cast<B>(gen() & ((B(1) << sub_bits) - 1))));
  }
  MESSAGE(check.checked << " inputs, " << check.mismatches << " differ from hardware sqrt");
  CHECK(check.mismatches == 0);
}

TEST_CASE("math: sqrt equals the hardware square root on every float in [1, 4) and every "
          "subnormal float") {
  sqrt_checker<float> check;
  const std::uint32_t lo = std::bit_cast<std::uint32_t>(1.0f);
  const std::uint32_t hi = std::bit_cast<std::uint32_t>(4.0f);
  for (std::uint32_t b = lo; b < hi; ++b) check(std::bit_cast<float>(b));
  for (std::uint32_t b = 1; b < (1u << 23); ++b) check(std::bit_cast<float>(b));
  MESSAGE(check.checked << " inputs, " << check.mismatches << " differ from hardware sqrt");
  CHECK(check.mismatches == 0);
}

// ---- compile time == run time, bit for bit ------------------------------------------------

constexpr std::size_t n_inputs = 400;

// Deterministic inputs: special values, thresholds and their neighbours, tiny values, and a
// scan over [lo, hi] (beyond both thresholds) with irregular spacing.
template <class F>
constexpr std::array<F, n_inputs> make_inputs() {
  using lim = std::numeric_limits<F>;
  using C = ctattn::detail::exp_consts<F>;
  using B = bits_t<F>;
  std::array<F, n_inputs> in{};
  const F specials[] = {F(0),
                        -F(0),
                        lim::infinity(),
                        -lim::infinity(),
                        lim::quiet_NaN(),
                        lim::max(),
                        -lim::max(),
                        lim::min(),
                        -lim::min(),
                        lim::denorm_min(),
                        -lim::denorm_min(),
                        C::overflow,
                        std::bit_cast<F>(static_cast<B>(std::bit_cast<B>(C::overflow) + 1)),
                        std::bit_cast<F>(static_cast<B>(std::bit_cast<B>(C::overflow) - 1)),
                        C::underflow,
                        std::bit_cast<F>(static_cast<B>(std::bit_cast<B>(C::underflow) + 1)),
                        std::bit_cast<F>(static_cast<B>(std::bit_cast<B>(C::underflow) - 1)),
                        F(1),
                        -F(1),
                        F(0.5)};
  std::size_t i = 0;
  for (const F s : specials) in[i++] = s;
  F tiny = F(1);
  for (int k = 0; k < 40; ++k) {  // +-2^-3k: down to 2^-117
    in[i++] = tiny;
    in[i++] = -tiny * F(1.5);
    tiny = tiny * F(0.125);
  }
  const F lo = C::underflow * F(1.02);
  const F hi = C::overflow * F(1.02);
  const std::size_t rest = n_inputs - i;
  for (std::size_t j = 0; j < rest; ++j) {
    const F t = static_cast<F>(j) / static_cast<F>(rest) + static_cast<F>((j * 37) % 11) * F(1e-3);
    in[i++] = lo + (hi - lo) * t;
  }
  return in;
}

template <class F, class Fn>
constexpr std::array<F, n_inputs> apply(const std::array<F, n_inputs>& in, Fn f) {
  std::array<F, n_inputs> out{};
  for (std::size_t i = 0; i < n_inputs; ++i) out[i] = f(in[i]);
  return out;
}

// exp, exp_fast at compile time; sqrt on |x| (and on the negatives themselves: NaN).
template <class F>
struct compile_time {
  static constexpr std::array<F, n_inputs> in = make_inputs<F>();
  static constexpr std::array<F, n_inputs> exp = apply(in, ctattn::exp);
  static constexpr std::array<F, n_inputs> exp_fast = apply(in, ctattn::exp_fast);
  static constexpr std::array<F, n_inputs> sqrt = apply(in, ctattn::sqrt);
  static constexpr std::array<F, n_inputs> sqrt_abs =
      apply(in, [](F x) { return ctattn::sqrt(x < F(0) ? -x : x); });
};

TEST_CASE_TEMPLATE("math: exp, exp_fast and sqrt give the same bits at compile time and run time",
                   F, float, double) {
  using ct = compile_time<F>;
  std::size_t differ = 0;
  for (std::size_t i = 0; i < n_inputs; ++i) {
    const F x = launder(ct::in[i]);
    const F ax = launder(x < F(0) ? -x : x);
    const F rt[] = {ctattn::exp(x), ctattn::exp_fast(x), ctattn::sqrt(x), ctattn::sqrt(ax)};
    const F ctv[] = {ct::exp[i], ct::exp_fast[i], ct::sqrt[i], ct::sqrt_abs[i]};
    for (std::size_t f = 0; f < 4; ++f) {
      if (!same_bits(rt[f], ctv[f])) {
        ++differ;
        MESSAGE("function " << f << " at x = " << hex(x) << ": compile time " << hex(ctv[f])
                            << ", run time " << hex(rt[f]));
      }
    }
  }
  CHECK(differ == 0);
}

// ---- special values and laws at run time -------------------------------------------------

TEST_CASE_TEMPLATE("math: special values at run time", F, float, double) {
  using lim = std::numeric_limits<F>;
  using C = ctattn::detail::exp_consts<F>;
  const F nan = launder(lim::quiet_NaN());
  const F inf = launder(lim::infinity());
  for (auto exp_f :
       {+[](F x) { return ctattn::exp(x); }, +[](F x) { return ctattn::exp_fast(x); }}) {
    const F e_nan = exp_f(nan);
    CHECK(e_nan != e_nan);
    CHECK(exp_f(inf) == inf);
    CHECK(same_bits(exp_f(-inf), F(0)));
    CHECK(same_bits(exp_f(launder(F(0))), F(1)));
    CHECK(same_bits(exp_f(launder(-F(0))), F(1)));
    CHECK(exp_f(launder(C::overflow)) <= lim::max());
    CHECK(exp_f(launder(C::overflow)) > lim::max() / F(2));
    CHECK(exp_f(launder(lim::max())) == inf);
    CHECK(same_bits(exp_f(launder(-lim::max())), F(0)));
    CHECK(same_bits(exp_f(launder(lim::denorm_min())), F(1)));
    CHECK(same_bits(exp_f(launder(-lim::denorm_min())), F(1)));
  }
  CHECK(ctattn::exp(launder(C::underflow)) == lim::denorm_min());
  CHECK(same_bits(ctattn::exp(launder(away(C::underflow))), F(0)));
  CHECK(ctattn::exp(launder(away(C::overflow))) == inf);
  CHECK(ctattn::exp_fast(launder(away(C::overflow))) == inf);
  const F s_nan = ctattn::sqrt(nan);
  const F s_neg = ctattn::sqrt(launder(-F(1)));
  const F s_ninf = ctattn::sqrt(-inf);
  CHECK(s_nan != s_nan);
  CHECK(s_neg != s_neg);
  CHECK(s_ninf != s_ninf);
  CHECK(ctattn::sqrt(inf) == inf);
  CHECK(same_bits(ctattn::sqrt(launder(-F(0))), -F(0)));
  CHECK(same_bits(ctattn::sqrt(launder(F(0))), F(0)));
}

}  // namespace
