// Accuracy of the integer-only exp_of and of softmax on ctattn::fixed, against double (glibc's
// exp, error < 1 ulp of double ~ 1.1e-16 relative: seven orders of magnitude below the bounds
// checked here). exp_of is checked on every representable input of each int16 and int8 format
// and, for q15_16, on every input in [-16, 10.4] plus a stride over the rest of the range.
// The figures behind the doc comments and README are printed as doctest MESSAGEs
// (`build/tests/runtime_fixed_exp -s` shows them).
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <limits>

#include <ctattn/attention.hpp>
#include <ctattn/fixed.hpp>
#include <ctattn/softmax.hpp>

#include <doctest/doctest.h>

namespace {

using ctattn::fixed;
using ctattn::q15_16;
using ctattn::q3_12;
using ctattn::q5_10;
using ctattn::q7_8;

// The bound of exp_of's doc comment: |exp_of(x) - e^x| <= 0.5 ulp + kernel_rel * e^x, and the
// kernel value 2^k e^r itself within kernel_rel * e^x.
constexpr double kernel_rel = 1.2e-8;

struct exp_stats {
  long count = 0;
  long not_nearest = 0;     // results that are not the representable value nearest to e^x
  double max_ulps = 0;      // max |y - e^x| in ulps, over unsaturated results
  double max_kernel = 0;    // max relative error of the kernel value 2^k e^r
  double max_rel_big = 0;   // max relative error of y where e^x >= rel_floor
  double rel_floor = 0;
  bool monotone = true;
};

template <class Fx>
exp_stats check_exp(std::int64_t raw_lo, std::int64_t raw_hi, std::int64_t stride,
                    double rel_floor = 1.0) {
  using rep = typename Fx::rep;
  constexpr int F = Fx::frac_bits;
  const double ulp = std::ldexp(1.0, -F);
  const double top = static_cast<double>(Fx::max());
  exp_stats s;
  s.rel_floor = rel_floor;
  Fx previous = Fx{};
  for (std::int64_t r = raw_lo; r <= raw_hi; r += stride) {
    const Fx x = Fx::from_raw(static_cast<rep>(r));
    const Fx y = ctattn::exp_of(x);
    const double xd = static_cast<double>(x);
    const double e = std::exp(xd);
    const double yd = static_cast<double>(y);
    ++s.count;
    if (r > raw_lo && y < previous) s.monotone = false;
    previous = y;
    if (e >= top + 0.5 * ulp) {  // saturates
      REQUIRE(y == Fx::max());
      continue;
    }
    const double err = std::fabs(yd - e);
    REQUIRE(err <= 0.5 * ulp + kernel_rel * e);
    const double nearest = std::nearbyint(std::ldexp(e, F));
    if (static_cast<double>(y.raw()) != nearest) ++s.not_nearest;
    s.max_ulps = std::fmax(s.max_ulps, err / ulp);
    if (e >= rel_floor) s.max_rel_big = std::fmax(s.max_rel_big, err / e);
    if (xd >= -44 && xd <= 44) {
      const auto red = ctattn::detail::fixed_exp::kernel(r, F);
      const double kv = std::ldexp(static_cast<double>(red.mantissa_q30),
                                   static_cast<int>(red.k) - 30);
      const double kerr = std::fabs(kv - e) / e;
      REQUIRE(kerr <= kernel_rel);
      s.max_kernel = std::fmax(s.max_kernel, kerr);
    }
  }
  return s;
}

void report(const char* name, const char* range, const exp_stats& s) {
  char line[400];
  std::snprintf(line, sizeof line,
                "exp_of %s on %s: %ld inputs, max error %.4f ulp, kernel relative error %.3g, "
                "%ld not the nearest value, relative error %.3g where e^x >= %g, monotone %s",
                name, range, s.count, s.max_ulps, s.max_kernel, s.not_nearest, s.max_rel_big,
                s.rel_floor, s.monotone ? "yes" : "NO");
  MESSAGE(line);
}

TEST_CASE("exp_of: constants derived by integer series match ln 2") {
  namespace fe = ctattn::detail::fixed_exp;
  CHECK(std::fabs(std::ldexp(static_cast<double>(fe::ln2_q31), -31) - std::log(2.0)) <=
        std::ldexp(0.5, -31));
  CHECK(std::fabs(std::ldexp(static_cast<double>(fe::inv_ln2_q23), -23) - 1 / std::log(2.0)) <=
        std::ldexp(0.51, -23));
  CHECK(fe::inv_factorial_q30[0] == std::int64_t(1) << 30);
  CHECK(fe::inv_factorial_q30[3] == 178956971);  // 2^30 / 6 = 178956970.67
}

TEST_CASE("exp_of: every input of the int16 and int8 formats") {
  report("q7_8", "all inputs", check_exp<q7_8>(-32768, 32767, 1, 0.1));
  report("q5_10", "all inputs", check_exp<q5_10>(-32768, 32767, 1, 0.1));
  report("q3_12", "all inputs", check_exp<q3_12>(-32768, 32767, 1, 0.1));
  report("q1_14", "all inputs", check_exp<fixed<std::int16_t, 14>>(-32768, 32767, 1, 0.1));
  report("q3_4 (int8)", "all inputs", check_exp<fixed<std::int8_t, 4>>(-128, 127, 1, 0.5));
}

TEST_CASE("exp_of: q15_16 on every input in [-16, 0] and [0, 10.4], a stride elsewhere") {
  const exp_stats neg = check_exp<q15_16>(-16 * 65536, 0, 1, 0.077);
  report("q15_16", "[-16, 0]", neg);
  CHECK(neg.max_rel_big <= 1e-4);  // relative error <= 1e-4 wherever e^x >= 0.077
  CHECK(neg.monotone);
  const exp_stats pos = check_exp<q15_16>(0, 681574, 1, 1.0);  // 10.4 * 65536
  report("q15_16", "[0, 10.4]", pos);
  CHECK(pos.monotone);
  report("q15_16", "whole range, stride 4099",
         check_exp<q15_16>(std::numeric_limits<std::int32_t>::min(),
                           std::numeric_limits<std::int32_t>::max(), 4099));
  report("q1_30", "whole range, stride 9973",
         check_exp<fixed<std::int32_t, 30>>(std::numeric_limits<std::int32_t>::min(),
                                            std::numeric_limits<std::int32_t>::max(), 9973));
}

TEST_CASE_TEMPLATE("exp_of: exact at 0, ctattn::exp dispatches to it, ends of the range", Fx,
                   q7_8, q5_10, q3_12, q15_16, fixed<std::int32_t, 30>, fixed<std::int32_t, 0>) {
  CHECK(ctattn::exp_of(Fx(0)) == Fx(1));
  CHECK(ctattn::exp(Fx(0)) == Fx(1));
  CHECK(ctattn::exp(Fx(-1)) == ctattn::exp_of(Fx(-1)));
  CHECK(ctattn::exp_of(Fx::max()) == Fx::max());
  // e^lowest is the nearest value to the double result (0 where that is below half an ulp)
  CHECK(ctattn::exp_of(Fx::lowest()) == Fx(std::exp(static_cast<double>(Fx::lowest()))));
}

// ---- softmax ---------------------------------------------------------------------------------

struct lcg {
  std::uint64_t s;
  double uniform(double lo, double hi) {  // in [lo, hi)
    s = s * 6364136223846793005ULL + 1442695040888963407ULL;
    return lo + (hi - lo) * std::ldexp(static_cast<double>(s >> 11), -53);
  }
};

// max |fixed softmax - double softmax of the same (quantised) scores| over many random columns
// of N scores uniform in [-spread, spread].
template <class Fx, std::size_t N>
double softmax_error(double spread, int trials) {
  lcg g{0xC0FFEE + N};
  double worst = 0;
  for (int t = 0; t < trials; ++t) {
    ctattn::vector<Fx, N> s{};
    ctattn::vector<double, N> sd{};
    for (std::size_t i = 0; i < N; ++i) {
      s[i] = Fx(g.uniform(-spread, spread));
      sd[i] = static_cast<double>(s[i]);
    }
    const auto w = ctattn::softmax(s);
    const auto wd = ctattn::softmax(sd);
    for (std::size_t i = 0; i < N; ++i)
      worst = std::fmax(worst, std::fabs(static_cast<double>(w[i]) - wd[i]));
  }
  return worst;
}

// The bound of the header comment: every exp within u/2 (+ the kernel's 1.2e-8 relative), their
// sum exact (fixed-point addition does not round), the largest term exactly 1 so the sum S >= 1,
// one rounding per division: |w - w_double| <= (N/2 + 1) u (+ 3e-8). It needs N < max(): the
// sum is at most N and must not saturate.
template <class Fx, std::size_t N>
void check_softmax(double spread, int trials, double& worst, double& worst_ulps) {
  const double u = std::ldexp(1.0, -Fx::frac_bits);
  const double e = softmax_error<Fx, N>(spread, trials);
  CHECK(e <= (static_cast<double>(N) / 2 + 1) * u + 3e-8);
  worst = std::fmax(worst, e);
  worst_ulps = std::fmax(worst_ulps, e / u);
}

template <class Fx>
void softmax_report(const char* name, double spread) {
  double worst = 0;
  double worst_ulps = 0;
  check_softmax<Fx, 2>(spread, 20000, worst, worst_ulps);
  check_softmax<Fx, 3>(spread, 20000, worst, worst_ulps);
  check_softmax<Fx, 5>(spread, 10000, worst, worst_ulps);
  check_softmax<Fx, 7>(spread, 10000, worst, worst_ulps);
  const char* ns = "2, 3, 5, 7";
  if constexpr (Fx::int_bits > 4) {
    check_softmax<Fx, 8>(spread, 10000, worst, worst_ulps);
    check_softmax<Fx, 16>(spread, 5000, worst, worst_ulps);
    check_softmax<Fx, 31>(spread, 2000, worst, worst_ulps);
    ns = "2, 3, 5, 7, 8, 16, 31";
  }
  if constexpr (Fx::int_bits > 6) {
    check_softmax<Fx, 64>(spread, 1000, worst, worst_ulps);
    ns = "2, 3, 5, 7, 8, 16, 31, 64";
  }
  char line[300];
  std::snprintf(line, sizeof line,
                "softmax %s, N in {%s}, scores in [-%g, %g]: max |w - w_double| = %.3g (%.2f ulp)",
                name, ns, spread, spread, worst, worst_ulps);
  MESSAGE(line);
}

TEST_CASE("softmax on fixed: weights against double softmax of the same scores") {
  softmax_report<q15_16>("q15_16", 16);
  softmax_report<q15_16>("q15_16", 1000);
  softmax_report<q7_8>("q7_8", 16);
  softmax_report<q5_10>("q5_10", 16);
  softmax_report<q3_12>("q3_12", 4);
  // The target of issue 7 for q15_16: within 2e-4 of double, proven for N <= 24 by the bound
  // above and measured for N up to 64.
  CHECK(softmax_error<q15_16, 64>(16, 1000) <= 2e-4);
}

TEST_CASE("softmax on fixed: softmax_cols equals softmax of every column, bit for bit") {
  lcg g{7};
  ctattn::matrix<q15_16, 5, 4> s{};
  for (auto& e : s) e = q15_16(g.uniform(-20, 20));
  const auto w = ctattn::softmax_cols(s);
  for (std::size_t c = 0; c < 4; ++c) CHECK(ctattn::col(w, c) == ctattn::softmax(ctattn::col(s, c)));
}

// ---- attention ---------------------------------------------------------------------------------

template <class Fx, std::size_t R, std::size_t C>
ctattn::matrix<Fx, R, C> random_matrix(lcg& g, double scale) {
  ctattn::matrix<Fx, R, C> m{};
  for (auto& e : m) e = Fx(g.uniform(-scale, scale));
  return m;
}

TEST_CASE_TEMPLATE("attention on fixed: loop form equals matrix form; one token", Fx, q15_16,
                   q7_8, q5_10) {
  lcg g{11};
  const ctattn::attention_params<Fx, 5, 3, 4> p{
      random_matrix<Fx, 3, 5>(g, 1), random_matrix<Fx, 3, 5>(g, 1), random_matrix<Fx, 4, 5>(g, 1),
      random_matrix<Fx, 3, 1>(g, 1), random_matrix<Fx, 3, 1>(g, 1), random_matrix<Fx, 4, 1>(g, 1)};
  const auto x = random_matrix<Fx, 5, 6>(g, 1.5);
  const auto a = ctattn::self_attention(x, p);
  const auto b = ctattn::self_attention_loop(ctattn::columns(x), p);
  CHECK(a.output == b.output);
  CHECK(a.weights == b.weights);
  const auto x1 = random_matrix<Fx, 5, 1>(g, 1.5);
  const auto r1 = ctattn::self_attention(x1, p);
  CHECK(r1.weights(0, 0) == Fx(1));
  CHECK(r1.output == ctattn::affine(p.omega_v, x1, p.beta_v));
}

}  // namespace
