// Accuracy of ctattn::sin, cos, tanh, erf, the GELUs and the sinusoidal position encoding
// against MPFR (values at 200 bits, so the reference decides the rounding).
//
// Error in ulps: |y - f(x)| / ulp(f(x)), ulp(v) = 2^(E - p + 1) for 2^E <= |v| < 2^(E+1)
// (p = 24 or 53), E clamped to the smallest normal exponent (subnormal spacing below it). A
// correctly rounded result has error <= 0.5.
//
// double: random inputs (uniform over the documented range, log-uniform in |x|, and points near
// multiples of pi/2 for sin/cos, where the reduction cancels) plus edge cases.
// float: a sweep over every 32nd float of the range (every float with
// CTATTN_MATH_EXHAUSTIVE=1) against glibc's double result (within 1 ulp of double, 2^-29 ulp of
// float); the worst point is re-measured with MPFR.
// Run: build/tests/runtime_layers_accuracy -s   (prints every maximum; -tc='*sweep*' etc. for one
// case, CTATTN_MATH_EXHAUSTIVE=1 for every float)
#include <ctattn/layers.hpp>
#include <ctattn/math.hpp>

#include <bit>
#include <cmath>  // tests only: the double reference of the float sweeps
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include <doctest/doctest.h>
#include <mpfr.h>

namespace {

constexpr mpfr_prec_t prec = 200;

class mp {
 public:
  mp() { mpfr_init2(v_, prec); }
  ~mp() { mpfr_clear(v_); }
  mp(const mp&) = delete;
  mp& operator=(const mp&) = delete;
  mpfr_ptr get() { return v_; }

 private:
  mpfr_t v_{};
};

enum class fn { sin, cos, tanh, erf, gelu, gelu_erf };

std::string name(fn f) {
  switch (f) {
    case fn::sin: return "sin";
    case fn::cos: return "cos";
    case fn::tanh: return "tanh";
    case fn::erf: return "erf";
    case fn::gelu: return "gelu";
    default: return "gelu_erf";
  }
}

// out = f(x) at 200 bits.
void reference(fn f, mpfr_ptr out, double x) {
  mp xv;
  mpfr_set_d(xv.get(), x, MPFR_RNDN);
  switch (f) {
    case fn::sin: mpfr_sin(out, xv.get(), MPFR_RNDN); break;
    case fn::cos: mpfr_cos(out, xv.get(), MPFR_RNDN); break;
    case fn::tanh: mpfr_tanh(out, xv.get(), MPFR_RNDN); break;
    case fn::erf: mpfr_erf(out, xv.get(), MPFR_RNDN); break;
    case fn::gelu: {  // 0.5 x (1 + tanh(sqrt(2/pi) (x + k x^3))), k = double(0.044715)
      mp u;
      mp t;
      mpfr_pow_ui(u.get(), xv.get(), 3, MPFR_RNDN);
      mpfr_set_d(t.get(), 0.044715, MPFR_RNDN);  // the constant as defined: the double nearest
      mpfr_mul(u.get(), u.get(), t.get(), MPFR_RNDN);
      mpfr_add(u.get(), u.get(), xv.get(), MPFR_RNDN);
      mpfr_const_pi(t.get(), MPFR_RNDN);
      mpfr_ui_div(t.get(), 2, t.get(), MPFR_RNDN);
      mpfr_sqrt(t.get(), t.get(), MPFR_RNDN);
      mpfr_mul(u.get(), u.get(), t.get(), MPFR_RNDN);
      // 0.5 (1 + tanh u) = 1 / (1 + e^{-2u}): no cancellation at 200 bits either
      mpfr_mul_si(u.get(), u.get(), -2, MPFR_RNDN);
      mpfr_exp(u.get(), u.get(), MPFR_RNDN);
      mpfr_add_ui(u.get(), u.get(), 1, MPFR_RNDN);
      mpfr_div(out, xv.get(), u.get(), MPFR_RNDN);
      break;
    }
    default: {  // 0.5 x (1 + erf(x / sqrt 2)) = 0.5 x erfc(-x / sqrt 2)
      mp t;
      mpfr_sqrt_ui(t.get(), 2, MPFR_RNDN);
      mpfr_div(t.get(), xv.get(), t.get(), MPFR_RNDN);
      mpfr_neg(t.get(), t.get(), MPFR_RNDN);
      mpfr_erfc(t.get(), t.get(), MPFR_RNDN);
      mpfr_mul(out, t.get(), xv.get(), MPFR_RNDN);
      mpfr_div_2ui(out, out, 1, MPFR_RNDN);
      break;
    }
  }
}

// |y - ref| in ulps of ref for the format F (p digits); 0 when both are zero.
template <class F>
double ulp_error(mpfr_ptr ref, F y) {
  if (std::isnan(y)) return HUGE_VAL;
  mp t;
  if (mpfr_zero_p(ref)) return y == F(0) ? 0.0 : HUGE_VAL;
  constexpr int p = std::numeric_limits<F>::digits;
  constexpr long emin = std::numeric_limits<F>::min_exponent;
  long e = mpfr_get_exp(ref);
  if (e < emin) e = emin;
  mpfr_set_d(t.get(), static_cast<double>(y), MPFR_RNDN);
  mpfr_sub(t.get(), t.get(), ref, MPFR_RNDN);
  mpfr_mul_2si(t.get(), t.get(), p - e, MPFR_RNDN);
  return std::fabs(mpfr_get_d(t.get(), MPFR_RNDN));
}

template <class F>
F call(fn f, F x) {
  switch (f) {
    case fn::sin: return ctattn::sin(x);
    case fn::cos: return ctattn::cos(x);
    case fn::tanh: return ctattn::tanh(x);
    case fn::erf: return ctattn::erf(x);
    case fn::gelu: return ctattn::gelu(x);
    default: return ctattn::gelu_erf(x);
  }
}

std::string hex(double x) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%a", x);
  return buf;
}

struct worst {
  double err = 0;
  double at = 0;
  std::size_t count = 0;
  void add(double e, double x) {
    ++count;
    if (e > err) {
      err = e;
      at = x;
    }
  }
};

template <class F>
worst measure(fn f, const std::vector<double>& xs) {
  worst w;
  mp r;
  for (const double xd : xs) {
    const F x = static_cast<F>(xd);
    reference(f, r.get(), static_cast<double>(x));
    w.add(ulp_error<F>(r.get(), call(f, x)), static_cast<double>(x));
  }
  return w;
}

// Random inputs: uniform on [-hi, hi], log-uniform |x| in [2^-30, hi], and for sin/cos points
// within 2^-20 relative of k pi/2 (the reduction's cancellation cases).
std::vector<double> inputs(double hi, std::size_t n, bool near_pio2, unsigned seed) {
  std::mt19937_64 gen(seed);
  std::uniform_real_distribution<double> uni(-hi, hi);
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  std::vector<double> v;
  v.reserve(n + 64);
  const double lhi = std::log2(hi);
  while (v.size() < n) {
    switch (v.size() % 3) {
      case 0: v.push_back(uni(gen)); break;
      case 1: {
        const double l = -30.0 + (lhi + 30.0) * unit(gen);
        const double x = std::exp2(l);
        v.push_back((gen() & 1) != 0 ? -x : x);
        break;
      }
      default: {
        if (near_pio2) {
          const double k = std::floor(unit(gen) * (hi / 1.5707963267948966));
          const double x = k * 1.5707963267948966 * (1.0 + (unit(gen) - 0.5) * 0x1p-20);
          if (std::fabs(x) < hi) v.push_back(x);
        } else {
          v.push_back(uni(gen) / 8.0);
        }
        break;
      }
    }
  }
  for (const double x : {0.0, -0.0, 0x1p-1074, 0x1p-1022, 0x1p-30, 0.25, 0.5, 0.625, 0.84375,
                         1.0, 1.25, 2.857142857142857, 6.0, 10.0, 22.0}) {
    if (std::fabs(x) < hi) {
      v.push_back(x);
      v.push_back(-x);
      v.push_back(std::nextafter(x, 0.0));
      v.push_back(std::nextafter(x, hi));
    }
  }
  return v;
}

// The ranges measured (documented in math.hpp and the README).
constexpr double trig_hi = ctattn::detail::trig_consts::reduce_limit;  // 1647099

// Bounds asserted (the measured maxima are printed; these are the documented limits).
constexpr double bound_double = 1.0;
constexpr double bound_float = 0.5 + 0x1p-20;

}  // namespace

TEST_CASE("layers accuracy: double sin cos tanh erf against MPFR") {
  struct item {
    fn f;
    double hi;
  };
  for (const item it : {item{fn::sin, trig_hi}, item{fn::cos, trig_hi}, item{fn::sin, 1e4},
                        item{fn::cos, 1e4}, item{fn::tanh, 30.0}, item{fn::erf, 8.0}}) {
    const bool trig = it.f == fn::sin || it.f == fn::cos;
    const worst w =
        measure<double>(it.f, inputs(it.hi, 120'000, trig, 0x5eedu + static_cast<unsigned>(it.f)));
    MESSAGE("double " << name(it.f) << " on |x| < " << it.hi << ": max " << w.err << " ulp at x = "
                      << hex(w.at) << " (" << w.count << " inputs)");
    CHECK(w.err <= bound_double);
  }
}

// The GELUs on [lo, 40] where the results are normal numbers (gelu: x >= -20, gelu_erf:
// x >= -37), and separately below, where the result approaches the subnormal range and the
// error, in ulps of the subnormal spacing, grows (documented in the README).
TEST_CASE("layers accuracy: gelu and gelu_erf in double and float against MPFR") {
  struct item {
    fn f;
    double lo;
  };
  for (const item it : {item{fn::gelu, -20.0}, item{fn::gelu_erf, -37.0}}) {
    std::vector<double> normal;
    std::vector<double> tail;
    for (const double x : inputs(40.0, 120'000, false, 0xbeefu)) (x >= it.lo ? normal : tail).push_back(x);
    const worst wd = measure<double>(it.f, normal);
    const worst wf = measure<float>(it.f, normal);
    const worst wt = measure<double>(it.f, tail);
    MESSAGE("double " << name(it.f) << " on [" << it.lo << ", 40]: max " << wd.err << " ulp at x = "
                      << hex(wd.at) << " (" << wd.count << " inputs)");
    MESSAGE("float  " << name(it.f) << " on [" << it.lo << ", 40]: max " << wf.err << " ulp at x = "
                      << hex(wf.at));
    MESSAGE("double " << name(it.f) << " on [-40, " << it.lo << "): max " << wt.err
                      << " ulp (of the subnormal spacing near underflow) at x = " << hex(wt.at));
    CHECK(wd.err <= (it.f == fn::gelu ? 1.5 : 3.0));
    CHECK(wf.err <= bound_float);
    CHECK(wt.err <= 512.0);
  }
}

// Every 32nd float (every float with CTATTN_MATH_EXHAUSTIVE=1) of |x| in [2^-30, hi], positive
// (all four are odd or even, bit for bit, which the static suite checks), against glibc's double.
TEST_CASE("layers accuracy: float sin cos tanh erf sweep") {
  const char* env = std::getenv("CTATTN_MATH_EXHAUSTIVE");
  const std::uint32_t stride = (env != nullptr && env[0] == '1') ? 1u : 32u;
  struct item {
    fn f;
    float hi;
    double (*ref)(double);
  };
  for (const item it : {item{fn::sin, 0x1.921fap+20f, [](double v) { return std::sin(v); }},
                        item{fn::cos, 0x1.921fap+20f, [](double v) { return std::cos(v); }},
                        item{fn::tanh, 10.0f, [](double v) { return std::tanh(v); }},
                        item{fn::erf, 4.0f, [](double v) { return std::erf(v); }}}) {
    worst w;
    const std::uint32_t first = std::bit_cast<std::uint32_t>(0x1p-30f);
    const std::uint32_t last = std::bit_cast<std::uint32_t>(it.hi);
    for (std::uint32_t b = first; b <= last; b += stride) {
      const float x = std::bit_cast<float>(b);
      const double r = it.ref(static_cast<double>(x));
      int e = 0;
      static_cast<void>(std::frexp(r, &e));
      const double scale = std::ldexp(1.0, 24 - e);
      w.add(std::fabs(static_cast<double>(call(it.f, x)) - r) * scale, static_cast<double>(x));
    }
    mp r;
    reference(it.f, r.get(), w.at);
    const double at_mpfr = ulp_error<float>(r.get(), call(it.f, static_cast<float>(w.at)));
    MESSAGE("float " << name(it.f) << " sweep (stride " << stride << ", " << w.count
                     << " inputs up to " << static_cast<double>(it.hi) << "): max " << w.err
                     << " ulp (MPFR at that point: " << at_mpfr << ") at x = " << hex(w.at));
    CHECK(w.err <= bound_float + 0x1p-28);
    CHECK(at_mpfr <= bound_float);
  }
}

TEST_CASE("layers accuracy: sin and cos beyond the exact-reduction range are NaN") {
  for (const double x : {trig_hi, -trig_hi, 2e6, 1e300, std::numeric_limits<double>::infinity()}) {
    CHECK(std::isnan(ctattn::sin(x)));
    CHECK(std::isnan(ctattn::cos(x)));
  }
  const double below = std::nextafter(trig_hi, 0.0);
  CHECK(!std::isnan(ctattn::sin(below)));
  mp r;
  reference(fn::sin, r.get(), below);
  CHECK(ulp_error<double>(r.get(), ctattn::sin(below)) <= bound_double);
}

// The whole position-encoding matrix against sin(n 10000^(-2i/D)) and cos(...) evaluated in
// MPFR at 200 bits from the exact integers n, i, D.
template <class T, std::size_t D, std::size_t N>
worst measure_pe() {
  using M = ctattn::matrix<T, D, N>;
  const auto pe_ptr = std::make_unique<M>(ctattn::sinusoidal_position_encoding<T, D, N>());
  const M& pe = *pe_ptr;
  worst w;
  mp e;
  mp wv;
  mp a;
  for (std::size_t r = 0; r < D; ++r) {
    const std::size_t two_i = r - r % 2;
    mpfr_set_ui(e.get(), two_i, MPFR_RNDN);
    mpfr_div_ui(e.get(), e.get(), D, MPFR_RNDN);
    mpfr_neg(e.get(), e.get(), MPFR_RNDN);
    mpfr_ui_pow(wv.get(), 10000, e.get(), MPFR_RNDN);
    for (std::size_t n = 0; n < N; ++n) {
      mpfr_mul_ui(a.get(), wv.get(), n, MPFR_RNDN);
      if (r % 2 == 0)
        mpfr_sin(a.get(), a.get(), MPFR_RNDN);
      else
        mpfr_cos(a.get(), a.get(), MPFR_RNDN);
      w.add(ulp_error<T>(a.get(), pe(r, n)), static_cast<double>(r * N + n));
    }
  }
  return w;
}

TEST_CASE("layers accuracy: sinusoidal position encoding against MPFR") {
  const worst a = measure_pe<double, 256, 512>();
  const worst b = measure_pe<double, 16, 10000>();
  const worst c = measure_pe<double, 7, 64>();
  const worst f = measure_pe<float, 256, 512>();
  MESSAGE("PE double D=256 N=512: max " << a.err << " ulp at flat index " << a.at);
  MESSAGE("PE double D=16 N=10000: max " << b.err << " ulp at flat index " << b.at);
  MESSAGE("PE double D=7 N=64:     max " << c.err << " ulp at flat index " << c.at);
  MESSAGE("PE float D=256 N=512:  max " << f.err << " ulp at flat index " << f.at);
  CHECK(a.err <= bound_double);
  CHECK(b.err <= bound_double);
  CHECK(c.err <= bound_double);
  CHECK(f.err <= bound_float);
}
