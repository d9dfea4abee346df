// Accuracy of ctattn::exp and ctattn::exp_fast against MPFR (correctly rounded reference).
//
// Error in ulps: |y - e^x| / ulp(e^x), where ulp(v) = 2^(E - p + 1) for 2^E <= |v| < 2^(E+1)
// (p = 24 or 53), and E is clamped to the smallest normal exponent so subnormal results are
// measured in the subnormal spacing. A correctly rounded result has error <= 0.5.
// Relative error: |y - e^x| / e^x, over results in the normal range (below it precision is lost
// by the format itself, and the ulp error is the meaningful figure).
//
// Inputs: >= 10^6 random per type over the whole finite-result domain (uniform, log-uniform in
// |x| down to tiny values, the subnormal-result range, the range-reduction boundaries), a sweep
// over every 7th float of the finite-result range (every float with CTATTN_MATH_EXHAUSTIVE=1)
// against a double-precision reference, and the edge cases listed in edge_inputs().
#include <ctattn/math.hpp>

#include <bit>
#include <cmath>  // tests only: the double reference of the float sweep and nextafter
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <limits>
#include <random>
#include <vector>

#include <doctest/doctest.h>
#include <mpfr.h>

namespace {

using ctattn::detail::exp_consts;

// One MPFR context with enough precision that e^x rounded to it decides the binary result.
class mpfr_ref {
 public:
  mpfr_ref() {
    mpfr_init2(x_, 160);
    mpfr_init2(e_, 160);
    mpfr_init2(t_, 160);
  }
  ~mpfr_ref() {
    mpfr_clear(x_);
    mpfr_clear(e_);
    mpfr_clear(t_);
  }
  mpfr_ref(const mpfr_ref&) = delete;
  mpfr_ref& operator=(const mpfr_ref&) = delete;

  // e^x; the argument is exactly representable in MPFR.
  template <class F>
  void exp(F x) {
    set(x_, x);
    mpfr_exp(e_, x_, MPFR_RNDN);
  }
  // e^x correctly rounded to F (MPFR's get functions round correctly, subnormals included).
  template <class F>
  F rounded() const {
    if constexpr (std::is_same_v<F, double>) {
      return mpfr_get_d(e_, MPFR_RNDN);
    } else {
      return mpfr_get_flt(e_, MPFR_RNDN);
    }
  }
  // |y - e^x| in ulps of e^x; infinity when y is infinite but e^x does not round to infinity.
  template <class F>
  double ulp_error(F y) {
    if (std::isinf(y)) return std::isinf(rounded<F>()) ? 0.0 : HUGE_VAL;
    constexpr int p = std::numeric_limits<F>::digits;
    constexpr long emin = std::numeric_limits<F>::min_exponent;  // 2^(emin-1) = smallest normal
    long e = mpfr_get_exp(e_);  // e^x = m 2^e, m in [0.5, 1)
    if (e < emin) e = emin;
    set(t_, y);
    mpfr_sub(t_, t_, e_, MPFR_RNDN);
    mpfr_mul_2si(t_, t_, p - e, MPFR_RNDN);
    return std::fabs(mpfr_get_d(t_, MPFR_RNDN));
  }
  template <class F>
  double rel_error(F y) {
    set(t_, y);
    mpfr_sub(t_, t_, e_, MPFR_RNDN);
    mpfr_div(t_, t_, e_, MPFR_RNDN);
    return std::fabs(mpfr_get_d(t_, MPFR_RNDN));
  }

 private:
  template <class F>
  static void set(mpfr_t dst, F v) {
    if constexpr (std::is_same_v<F, double>) {
      mpfr_set_d(dst, v, MPFR_RNDN);
    } else {
      mpfr_set_flt(dst, v, MPFR_RNDN);
    }
  }
  mpfr_t x_{};
  mpfr_t e_{};
  mpfr_t t_{};
};

template <class F>
std::string hex(F x) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%a", static_cast<double>(x));
  return buf;
}

template <class F>
struct worst {
  double err = 0;
  F at = 0;
  void add(double e, F x) {
    if (e > err) {
      err = e;
      at = x;
    }
  }
};

template <class F>
struct stats {
  worst<F> exp_ulp;
  worst<F> fast_ulp;
  worst<F> fast_rel;
  std::size_t count = 0;
};

template <class F>
void measure(mpfr_ref& ref, stats<F>& s, F x) {
  ref.exp(x);
  s.exp_ulp.add(ref.ulp_error(ctattn::exp(x)), x);
  const F fast = ctattn::exp_fast(x);
  s.fast_ulp.add(ref.ulp_error(fast), x);
  if (ref.rounded<F>() >= std::numeric_limits<F>::min() && !std::isinf(ref.rounded<F>())) {
    s.fast_rel.add(ref.rel_error(fast), x);
  }
  ++s.count;
}

// Thresholds, their neighbours, tiny arguments, reduction boundaries (x near (k + 1/2) ln2
// where the nearest k changes, and near k ln2), the smallest normal result.
template <class F>
std::vector<F> edge_inputs() {
  using lim = std::numeric_limits<F>;
  using C = exp_consts<F>;
  std::vector<F> v;
  const auto around = [&v](F x, int n) {
    F lo = x;
    F hi = x;
    v.push_back(x);
    for (int i = 0; i < n; ++i) {
      lo = std::nextafter(lo, -lim::infinity());
      hi = std::nextafter(hi, lim::infinity());
      v.push_back(lo);
      v.push_back(hi);
    }
  };
  around(C::overflow, 16);
  around(C::underflow, 16);
  around(F(0), 64);  // +0 and the smallest subnormal arguments
  v.push_back(-F(0));
  for (int k = lim::min_exponent - lim::digits; k <= 7; ++k) {  // +-2^k for every k, tiny first
    around(std::ldexp(F(1), k), 2);
    around(-std::ldexp(F(1), k), 2);
  }
  const double ln2 = 0.6931471805599453094;
  const int kmin = lim::min_exponent - lim::digits - 2;
  const int kmax = lim::max_exponent + 1;
  for (int k = kmin; k <= kmax; ++k) {
    around(static_cast<F>((k + 0.5) * ln2), 4);
    around(static_cast<F>(k * ln2), 2);
  }
  // smallest normal result: x near ln(smallest normal) = (min_exponent - 1) ln2
  around(static_cast<F>((lim::min_exponent - 1) * ln2), 16);
  // every integer argument in the domain
  for (int i = -(kmax * 7) / 10; i <= (kmax * 7) / 10; ++i) v.push_back(static_cast<F>(i));
  return v;
}

template <class F>
std::vector<F> random_inputs(std::size_t n) {
  using C = exp_consts<F>;
  std::mt19937_64 gen(0x5eed + sizeof(F));
  std::uniform_real_distribution<double> whole(static_cast<double>(C::underflow),
                                               static_cast<double>(C::overflow));
  std::uniform_real_distribution<double> subn(
      static_cast<double>(C::underflow),
      (std::numeric_limits<F>::min_exponent - 1) * 0.6931471805599453);
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  std::uniform_int_distribution<int> kdist(static_cast<int>(C::underflow / F(0.69)) + 1,
                                           static_cast<int>(C::overflow / F(0.69)) - 1);
  std::vector<F> v;
  v.reserve(n);
  while (v.size() < n) {
    double x = 0;
    switch (v.size() % 4) {
      case 0: x = whole(gen); break;
      case 1:  // log-uniform |x| in [2^-60, 2^7), random sign
        x = 1.0 + unit(gen);  // (two statements: one order of the generator's calls)
        x = std::ldexp(x, -60 + static_cast<int>(gen() % 67));
        if ((gen() & 1) != 0) x = -x;
        break;
      case 2: x = subn(gen); break;
      default:  // near a range-reduction boundary (k + 1/2) ln2
        x = (kdist(gen) + 0.5) * 0.6931471805599453 + (unit(gen) - 0.5) * 1e-4;
        break;
    }
    const F xf = static_cast<F>(x);
    if (xf >= C::underflow && xf <= C::overflow) v.push_back(xf);
  }
  return v;
}

template <class F>
stats<F> measure_all(std::size_t n_random) {
  mpfr_ref ref;
  stats<F> s;
  for (const F x : random_inputs<F>(n_random)) measure(ref, s, x);
  for (const F x : edge_inputs<F>()) measure(ref, s, x);
  return s;
}

// Bounds: exp's specification, and exp_fast's measured figures (math.hpp) plus a small margin.
template <class F>
struct bounds;
template <>
struct bounds<double> {
  static constexpr double exp_ulp = 1.0;
  static constexpr double fast_rel = 2.40e-10;
  static constexpr double fast_ulp = 2.1e6;
};
template <>
struct bounds<float> {
  static constexpr double exp_ulp = 1.0;
  static constexpr double fast_rel = 5.40e-7;
  static constexpr double fast_ulp = 7.4;
};

template <class F>
void report(const std::string& type, const stats<F>& s) {
  MESSAGE(type << ": " << s.count << " inputs");
  MESSAGE(type << " exp      max error " << s.exp_ulp.err << " ulp at x = " << hex(s.exp_ulp.at));
  MESSAGE(type << " exp_fast max error " << s.fast_ulp.err << " ulp at x = "
               << hex(s.fast_ulp.at));
  MESSAGE(type << " exp_fast max relative error " << s.fast_rel.err << " at x = "
               << hex(s.fast_rel.at));
  CHECK(s.exp_ulp.err <= bounds<F>::exp_ulp);
  CHECK(s.fast_ulp.err <= bounds<F>::fast_ulp);
  CHECK(s.fast_rel.err <= bounds<F>::fast_rel);
}

TEST_CASE("math accuracy: exp and exp_fast, double, against MPFR") {
  report("double", measure_all<double>(1'200'000));
}

TEST_CASE("math accuracy: exp and exp_fast, float, against MPFR") {
  report("float", measure_all<float>(1'200'000));
}

// Every 7th float with |x| >= 2^-26 in the finite-result range, plus every 2^12-th below (where
// e^x rounds to 1 or its neighbour); with CTATTN_MATH_EXHAUSTIVE=1 every float of the range
// (2.2e9 inputs, a few minutes). Reference: e^x in double, within 1 ulp of double (glibc), i.e.
// 2^-28 ulp of float, so a measured error <= 1 - 2^-20 proves an error < 1; the worst points
// are re-measured with MPFR. Also counts decreasing steps between consecutive points.
TEST_CASE("math accuracy: float exp, sweep over the finite-result range") {
  const char* env = std::getenv("CTATTN_MATH_EXHAUSTIVE");
  const std::uint32_t stride = (env != nullptr && env[0] == '1') ? 1u : 7u;
  const std::uint32_t tiny = std::bit_cast<std::uint32_t>(0x1p-26f);
  worst<float> e_exp;
  worst<float> e_fast;
  worst<float> e_fast_rel;
  std::uint64_t n = 0;
  // monotonicity between consecutive swept points (|x| growing: e^x up for x > 0, down for x < 0)
  std::uint64_t exp_not_monotone = 0;
  std::uint64_t fast_not_monotone = 0;
  for (const bool neg : {false, true}) {
    const float end = neg ? -exp_consts<float>::underflow : exp_consts<float>::overflow;
    const std::uint32_t last = std::bit_cast<std::uint32_t>(end);
    const std::uint32_t sign = neg ? 0x80000000u : 0u;
    float prev_exp = 1;
    float prev_fast = 1;
    for (std::uint32_t b = 0; b <= last; b += (b < tiny && stride != 1 ? 4096u : stride)) {
      const float x = std::bit_cast<float>(b | sign);
      const double r = std::exp(static_cast<double>(x));
      int e = 0;
      static_cast<void>(std::frexp(r, &e));
      e = e < std::numeric_limits<float>::min_exponent ? std::numeric_limits<float>::min_exponent
                                                         : e;
      const double scale = std::ldexp(1.0, 24 - e);
      const float y_exp = ctattn::exp(x);
      const float y_fast = ctattn::exp_fast(x);
      exp_not_monotone += (neg ? y_exp > prev_exp : y_exp < prev_exp) ? 1u : 0u;
      fast_not_monotone += (neg ? y_fast > prev_fast : y_fast < prev_fast) ? 1u : 0u;
      prev_exp = y_exp;
      prev_fast = y_fast;
      e_exp.add(std::fabs(static_cast<double>(y_exp) - r) * scale, x);
      const double fast = static_cast<double>(y_fast);
      e_fast.add(std::fabs(fast - r) * scale, x);
      if (r >= static_cast<double>(std::numeric_limits<float>::min())) {
        e_fast_rel.add(std::fabs(fast - r) / r, x);
      }
      ++n;
    }
  }
  mpfr_ref ref;
  ref.exp(e_exp.at);
  const double exp_mpfr = ref.ulp_error(ctattn::exp(e_exp.at));
  ref.exp(e_fast.at);
  const double fast_mpfr = ref.ulp_error(ctattn::exp_fast(e_fast.at));
  MESSAGE("float sweep (stride " << stride << "): " << n << " inputs");
  MESSAGE("float exp      max error " << e_exp.err << " ulp (MPFR at that point: " << exp_mpfr
                                      << ") at x = " << hex(e_exp.at));
  MESSAGE("float exp_fast max error " << e_fast.err << " ulp (MPFR at that point: " << fast_mpfr
                                      << ") at x = " << hex(e_fast.at));
  MESSAGE("float exp_fast max relative error " << e_fast_rel.err << " at x = "
                                               << hex(e_fast_rel.at));
  MESSAGE("monotonicity violations between consecutive points: exp " << exp_not_monotone
                                                                       << ", exp_fast "
                                                                       << fast_not_monotone);
  CHECK(exp_not_monotone == 0);  // exp is monotonic on floats (exp_fast is not: 3002 exhaustively)
  CHECK(e_exp.err <= 1.0 - 0x1p-20);
  CHECK(exp_mpfr <= 1.0);
  CHECK(e_fast.err <= bounds<float>::fast_ulp);
  CHECK(fast_mpfr <= bounds<float>::fast_ulp);
  CHECK(e_fast_rel.err <= bounds<float>::fast_rel - 0x1p-50);
}

// Special values: ctattn::exp and exp_fast equal MPFR's correctly rounded e^x bit for bit (+0,
// not -0, for e^-inf and underflow), NaN for NaN.
TEST_CASE_TEMPLATE("math accuracy: exp special values equal MPFR's", F, float, double) {
  using lim = std::numeric_limits<F>;
  mpfr_ref ref;
  for (const F x : {F(0), -F(0), lim::infinity(), -lim::infinity(), lim::max(), -lim::max(),
                    lim::denorm_min(), -lim::denorm_min(), lim::min(), -lim::min()}) {
    ref.exp(x);
    const F cr = ref.rounded<F>();
    using B = typename ctattn::detail::ieee<F>::bits;
    CHECK(std::bit_cast<B>(ctattn::exp(x)) == std::bit_cast<B>(cr));
    CHECK(std::bit_cast<B>(ctattn::exp_fast(x)) == std::bit_cast<B>(cr));
  }
  const F nan = lim::quiet_NaN();
  ref.exp(nan);
  const F cr_nan = ref.rounded<F>();
  const F ours = ctattn::exp(nan);
  const F fast = ctattn::exp_fast(nan);
  CHECK(cr_nan != cr_nan);
  CHECK(ours != ours);
  CHECK(fast != fast);
}

// The overflow and underflow thresholds are exact: the largest x whose correctly rounded e^x
// is finite, and the smallest x whose correctly rounded e^x is not zero.
TEST_CASE_TEMPLATE("math accuracy: exp thresholds are exact (MPFR)", F, float, double) {
  using C = exp_consts<F>;
  using lim = std::numeric_limits<F>;
  mpfr_ref ref;
  ref.exp(C::overflow);
  CHECK(ref.rounded<F>() <= lim::max());
  ref.exp(std::nextafter(C::overflow, lim::infinity()));
  CHECK(ref.rounded<F>() == lim::infinity());
  ref.exp(C::underflow);
  CHECK(ref.rounded<F>() > F(0));
  ref.exp(std::nextafter(C::underflow, -lim::infinity()));
  CHECK(ref.rounded<F>() == F(0));
  // and ctattn::exp agrees with the correctly rounded value at and next to them
  for (const F x : {C::overflow, std::nextafter(C::overflow, lim::infinity()), C::underflow,
                    std::nextafter(C::underflow, -lim::infinity())}) {
    ref.exp(x);
    CHECK(ctattn::exp(x) == ref.rounded<F>());
  }
}

}  // namespace
