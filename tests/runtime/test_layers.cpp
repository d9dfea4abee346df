// Run-time tests of ctattn/layers.hpp: every layer against the numpy reference
// (tests/data/layers_reference.hpp, tools/gen_layers_reference.py), the laws on random inputs,
// bit identity between constant evaluation and run time, fixed point, and bad input.
#include <ctattn/fixed.hpp>
#include <ctattn/layers.hpp>

#include <bit>
#include <cmath>  // tests only: std::isnan, std::signbit
#include <cstdint>
#include <iterator>
#include <cstddef>
#include <cstring>
#include <limits>
#include <random>

#include <doctest/doctest.h>

#include "layers_reference.hpp"

namespace {

using ctattn::matrix;
using ctattn::vector;

// The value of m as the optimiser cannot know it: every element read through a volatile, so
// the calls below run the run-time code path.
// (byte by byte, so that it works for ctattn::fixed too)
template <class T>
T launder(const T& v) {
  volatile unsigned char bytes[sizeof(T)];
  const auto* src = reinterpret_cast<const unsigned char*>(&v);
  for (std::size_t i = 0; i < sizeof(T); ++i) bytes[i] = src[i];
  T out;
  unsigned char plain[sizeof(T)];
  for (std::size_t i = 0; i < sizeof(T); ++i) plain[i] = bytes[i];
  std::memcpy(&out, plain, sizeof(T));
  return out;
}

bool same_bits(double a, double b) {
  return std::bit_cast<std::uint64_t>(a) == std::bit_cast<std::uint64_t>(b);
}
template <std::size_t R, std::size_t C>
bool same_bits(const matrix<double, R, C>& a, const matrix<double, R, C>& b) {
  for (std::size_t i = 0; i < R * C; ++i)
    if (!same_bits(a.elems[i], b.elems[i])) return false;
  return true;
}

template <class T, std::size_t R, std::size_t C>
matrix<T, R, C> cast(const matrix<double, R, C>& m) {
  matrix<T, R, C> out{};
  for (std::size_t i = 0; i < R * C; ++i) out.elems[i] = static_cast<T>(m.elems[i]);
  return out;
}

template <class T, std::size_t R, std::size_t C>
T max_abs_diff(const matrix<T, R, C>& a, const matrix<double, R, C>& b) {
  double worst = 0;
  for (std::size_t i = 0; i < R * C; ++i) {
    const double d = std::fabs(static_cast<double>(a.elems[i]) - b.elems[i]);
    worst = d > worst ? d : worst;
  }
  return static_cast<T>(worst);
}

namespace lr = layers_ref;

constexpr ctattn::linear_params<double, 5, 3> lin_p{lr::linear::omega, lr::linear::beta};
constexpr ctattn::layer_norm_params<double, 6> ln_p{lr::layer_norm::gamma, lr::layer_norm::beta};

}  // namespace

TEST_CASE_TEMPLATE("layers: each layer against numpy", T, float, double) {
  // double: a few ulps of the largest magnitude; float: inputs rounded to float first
  const double tol = std::is_same_v<T, double> ? 1e-14 : 2e-6;
  const auto x_lin = launder(cast<T>(lr::linear::x));
  const ctattn::linear_params<T, 5, 3> p{cast<T>(lr::linear::omega), cast<T>(lr::linear::beta)};
  CHECK(max_abs_diff(ctattn::linear(x_lin, p), lr::linear::y) <= T(tol * 8));

  const auto a = launder(cast<T>(lr::activations::x));
  CHECK(max_abs_diff(ctattn::relu(a), lr::activations::relu) <= T(std::is_same_v<T, double> ? 0.0 : tol));
  CHECK(max_abs_diff(ctattn::gelu(a), lr::activations::gelu) <= T(tol * 6));
  CHECK(max_abs_diff(ctattn::gelu_erf(a), lr::activations::gelu_erf) <= T(tol * 6));

  const auto x_ln = launder(cast<T>(lr::layer_norm::x));
  const ctattn::layer_norm_params<T, 6> lp{cast<T>(lr::layer_norm::gamma),
                                           cast<T>(lr::layer_norm::beta)};
  CHECK(max_abs_diff(ctattn::layer_norm(x_ln, lp), lr::layer_norm::y) <= T(tol * 8));
  CHECK(max_abs_diff(ctattn::layer_norm(x_ln, ctattn::identity_layer_norm_params<T, 6>()),
                     lr::layer_norm::y_plain) <= T(tol * 8));

  // the position encodings: double within 1 ulp of the long-double values (0.5 ulp + theirs)
  const double pe_tol = std::is_same_v<T, double> ? 2.3e-16 : 6e-8;
  CHECK(max_abs_diff(ctattn::sinusoidal_position_encoding<T, 6, 8>(), lr::pe_6_8::pe) <= T(pe_tol));
  CHECK(max_abs_diff(ctattn::sinusoidal_position_encoding<T, 7, 5>(), lr::pe_7_5::pe) <= T(pe_tol));
  CHECK(max_abs_diff(ctattn::sinusoidal_position_encoding<T, 16, 64>(), lr::pe_16_64::pe) <=
        T(pe_tol));

  const auto x_l = launder(cast<T>(lr::learned::x));
  const ctattn::position_embedding_params<T, 4, 3> pp{cast<T>(lr::learned::p)};
  CHECK(max_abs_diff(ctattn::add_positions(x_l, pp), lr::learned::y) <= T(tol));
}

// Constant evaluation and run time agree bit for bit, for every layer (same compiler, flags).
TEST_CASE("layers: constant evaluation equals run time, bit for bit") {
  static constexpr auto lin_c = ctattn::linear(lr::linear::x, lin_p);
  CHECK(same_bits(lin_c, ctattn::linear(launder(lr::linear::x), lin_p)));

  static constexpr auto relu_c = ctattn::relu(lr::activations::x);
  static constexpr auto gelu_c = ctattn::gelu(lr::activations::x);
  static constexpr auto gelu_erf_c = ctattn::gelu_erf(lr::activations::x);
  const auto a = launder(lr::activations::x);
  CHECK(same_bits(relu_c, ctattn::relu(a)));
  CHECK(same_bits(gelu_c, ctattn::gelu(a)));
  CHECK(same_bits(gelu_erf_c, ctattn::gelu_erf(a)));

  static constexpr auto ln_c = ctattn::layer_norm(lr::layer_norm::x, ln_p);
  CHECK(same_bits(ln_c, ctattn::layer_norm(launder(lr::layer_norm::x), ln_p)));
  static constexpr auto ln_eps = ctattn::layer_norm(lr::layer_norm::x, ln_p, 1e-3);
  CHECK(same_bits(ln_eps, ctattn::layer_norm(launder(lr::layer_norm::x), ln_p, launder(1e-3))));

  static constexpr auto res_c = ctattn::residual(lr::learned::x, lr::learned::p);
  CHECK(same_bits(res_c, ctattn::residual(launder(lr::learned::x), launder(lr::learned::p))));
  static constexpr ctattn::position_embedding_params<double, 4, 3> pp{lr::learned::p};
  static constexpr auto pos_c = ctattn::add_positions(lr::learned::x, pp);
  CHECK(same_bits(pos_c, ctattn::add_positions(launder(lr::learned::x), pp)));

  // The position encoding has no run-time input: its run-time twin is the kernel called on
  // laundered angles, and the float matrix as well.
  static constexpr auto pe_c = ctattn::sinusoidal_position_encoding<double, 16, 64>();
  static constexpr auto pe_f = ctattn::sinusoidal_position_encoding<float, 16, 64>();
  for (std::size_t r = 0; r < 16; r += 2) {
    const auto w = ctattn::detail::pe_frequency(launder(r), launder(std::size_t{16}));
    for (std::size_t n = 0; n < 64; ++n) {
      const auto ang = ctattn::detail::dd_mul_d(w, static_cast<double>(launder(n)));
      const double s = ctattn::detail::sin_cos(ang.hi, ang.lo, false);
      const double c = ctattn::detail::sin_cos(ang.hi, ang.lo, true);
      CHECK(same_bits(s, pe_c(r, n)));
      CHECK(same_bits(c, pe_c(r + 1, n)));
      CHECK(static_cast<float>(s) == pe_f(r, n));
      CHECK(static_cast<float>(c) == pe_f(r + 1, n));
    }
  }
}

TEST_CASE("math: sin, cos, tanh, erf at constant evaluation equal run time") {
  static constexpr double xs[] = {0.0, -0.0, 1e-300, 0x1p-27, 0.3, -0.7853981633974483, 1.0,
                                  -2.5, 3.14159, 100.0, -1234.5678, 1e4, 1647098.9, 0.625,
                                  0.84375, 1.25, 2.9, -5.5, 21.9, 30.0};
  struct vals {
    double s, c, t, e;
  };
  static constexpr auto at = [](double v) constexpr {
    return vals{ctattn::sin(v), ctattn::cos(v), ctattn::tanh(v), ctattn::erf(v)};
  };
  static constexpr vals expect[] = {at(xs[0]),  at(xs[1]),  at(xs[2]),  at(xs[3]),  at(xs[4]),
                                    at(xs[5]),  at(xs[6]),  at(xs[7]),  at(xs[8]),  at(xs[9]),
                                    at(xs[10]), at(xs[11]), at(xs[12]), at(xs[13]), at(xs[14]),
                                    at(xs[15]), at(xs[16]), at(xs[17]), at(xs[18]), at(xs[19])};
  for (std::size_t i = 0; i < std::size(xs); ++i) {
    const double v = launder(xs[i]);
    const vals got{ctattn::sin(v), ctattn::cos(v), ctattn::tanh(v), ctattn::erf(v)};
    CHECK(same_bits(got.s, expect[i].s));
    CHECK(same_bits(got.c, expect[i].c));
    CHECK(same_bits(got.t, expect[i].t));
    CHECK(same_bits(got.e, expect[i].e));
  }
}

TEST_CASE("layers: laws on random inputs") {
  std::mt19937_64 gen(1234);
  std::normal_distribution<double> nd(0.0, 3.0);
  matrix<double, 32, 16> x{};
  for (auto& e : x.elems) e = nd(gen) + 5.0;
  // LayerNorm with gamma = 1, beta = 0: every column has mean 0 and variance 1 - eps/(var+eps)
  const auto y = ctattn::layer_norm(launder(x), ctattn::identity_layer_norm_params<double, 32>());
  for (std::size_t n = 0; n < 16; ++n) {
    double m = 0;
    double v = 0;
    double vx = 0;
    double mx = 0;
    for (std::size_t d = 0; d < 32; ++d) mx += x(d, n) / 32;
    for (std::size_t d = 0; d < 32; ++d) vx += (x(d, n) - mx) * (x(d, n) - mx) / 32;
    for (std::size_t d = 0; d < 32; ++d) m += y(d, n) / 32;
    for (std::size_t d = 0; d < 32; ++d) v += (y(d, n) - m) * (y(d, n) - m) / 32;
    CHECK(std::fabs(m) <= 1e-15);
    CHECK(std::fabs(v - vx / (vx + 1e-5)) <= 1e-14);
  }
  // gelu(x) - gelu(-x) = x; increasing on [-0.5, 8] (its minimum is near -0.75; steps of
  // 1e-9 (1 + |x|), far above the rounding error, so the law is about the function); relu
  std::uniform_real_distribution<double> ud(-8.0, 8.0);
  for (int i = 0; i < 20000; ++i) {
    const double v = launder(ud(gen));
    CHECK(std::fabs(ctattn::gelu(v) - ctattn::gelu(-v) - v) <= 4e-16 * std::fabs(v) + 1e-300);
    CHECK(std::fabs(ctattn::gelu_erf(v) - ctattn::gelu_erf(-v) - v) <= 4e-16 * std::fabs(v) + 1e-300);
    const double w = v + 1e-9 * (1.0 + std::fabs(v));
    if (v >= -0.5) {
      CHECK(ctattn::gelu(w) > ctattn::gelu(v));
      CHECK(ctattn::gelu_erf(w) > ctattn::gelu_erf(v));
    }
    if (v <= -1.0) {  // decreasing towards the minimum from the left
      CHECK(ctattn::gelu(w) < ctattn::gelu(v));
      CHECK(ctattn::gelu_erf(w) < ctattn::gelu_erf(v));
    }
    CHECK(ctattn::relu(v) == (v < 0 ? 0.0 : v));
    const double s = ctattn::sin(v);
    const double c = ctattn::cos(v);
    CHECK(std::fabs(s * s + c * c - 1.0) <= 4.5e-16);
    CHECK(ctattn::sin(-v) == -s);  // odd and even, bit for bit
    CHECK(ctattn::cos(-v) == c);
    CHECK(ctattn::tanh(-v) == -ctattn::tanh(v));
    CHECK(ctattn::erf(-v) == -ctattn::erf(v));
  }
}

TEST_CASE("layers: constant columns, special values and NaN behaviour") {
  // constant column with an exact sum: the output is beta exactly
  matrix<double, 4, 2> c{};
  for (std::size_t d = 0; d < 4; ++d) {
    c(d, 0) = 0.75;
    c(d, 1) = -3.0;
  }
  const ctattn::layer_norm_params<double, 4> p{{1.5, -2, 3, 0.25}, {0.1, 0.2, -0.3, 4}};
  const auto y = ctattn::layer_norm(launder(c), p);
  for (std::size_t d = 0; d < 4; ++d) {
    CHECK(y(d, 0) == p.beta[d]);
    CHECK(y(d, 1) == p.beta[d]);
  }
  // constant column whose sum rounds (0.1 * 3): beta within |mu| D 2^-52 / sqrt(eps)
  matrix<double, 3, 1> c3{0.1, 0.1, 0.1};
  const auto y3 = ctattn::layer_norm(launder(c3), ctattn::identity_layer_norm_params<double, 3>());
  for (std::size_t d = 0; d < 3; ++d) CHECK(std::fabs(y3[d]) <= 0.1 * 3 * 0x1p-52 / std::sqrt(1e-5));
  // a NaN or an infinity makes its whole column NaN, other columns are unaffected
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const double inf = std::numeric_limits<double>::infinity();
  matrix<double, 3, 3> z{1, nan, inf, 2, 0, 0, 3, 1, 1};
  const auto yz = ctattn::layer_norm(launder(z), ctattn::identity_layer_norm_params<double, 3>());
  for (std::size_t d = 0; d < 3; ++d) {
    CHECK(!std::isnan(yz(d, 0)));
    CHECK(std::isnan(yz(d, 1)));
    CHECK(std::isnan(yz(d, 2)));
  }
  // activations: NaN propagates, signed zeros kept, infinities
  CHECK(std::isnan(ctattn::relu(launder(nan))));
  CHECK(std::signbit(ctattn::relu(launder(-0.0))));
  CHECK(ctattn::relu(launder(-inf)) == 0.0);
  for (const double v : {nan}) {
    CHECK(std::isnan(ctattn::gelu(launder(v))));
    CHECK(std::isnan(ctattn::gelu_erf(launder(v))));
  }
  CHECK(ctattn::gelu(launder(inf)) == inf);
  CHECK(ctattn::gelu_erf(launder(inf)) == inf);
  CHECK((ctattn::gelu(launder(-inf)) == 0.0 && std::signbit(ctattn::gelu(launder(-inf)))));
  CHECK((ctattn::gelu_erf(launder(-inf)) == 0.0 && std::signbit(ctattn::gelu_erf(launder(-inf)))));
  CHECK(std::signbit(ctattn::gelu(launder(-0.0))));
  CHECK(std::signbit(ctattn::gelu_erf(launder(-0.0))));
  CHECK(ctattn::gelu(launder(10.0)) == 10.0);
  // math special values
  CHECK(std::isnan(ctattn::sin(launder(nan))));
  CHECK(std::isnan(ctattn::cos(launder(inf))));
  CHECK(std::signbit(ctattn::sin(launder(-0.0))));
  CHECK(ctattn::cos(launder(-0.0)) == 1.0);
  CHECK(ctattn::tanh(launder(inf)) == 1.0);
  CHECK(ctattn::tanh(launder(-inf)) == -1.0);
  CHECK(std::signbit(ctattn::tanh(launder(-0.0))));
  CHECK(ctattn::erf(launder(-inf)) == -1.0);
  CHECK(std::signbit(ctattn::erf(launder(-0.0))));
  CHECK(std::isnan(ctattn::erf(launder(nan))));
}

// Fixed point: linear, relu, residual and the position encodings work on ctattn::fixed and
// agree with the double computation within the format's rounding.
TEST_CASE("layers: fixed point q15_16") {
  using q = ctattn::fixed<std::int32_t, 16>;
  const auto x = ctattn::matrix_cast<q>(lr::linear::x);
  const ctattn::linear_params<q, 5, 3> p{ctattn::matrix_cast<q>(lr::linear::omega),
                                         ctattn::matrix_cast<q>(lr::linear::beta)};
  const auto y = ctattn::linear(launder(x), p);
  // inputs rounded to 2^-17, 5 products rounded to 2^-17 each, values below 4 in magnitude
  for (std::size_t i = 0; i < std::size(y.elems); ++i)
    CHECK(std::fabs(static_cast<double>(y.elems[i]) - lr::linear::y.elems[i]) <= 5e-4);
  const auto r = ctattn::relu(y);
  for (std::size_t i = 0; i < std::size(y.elems); ++i) CHECK(r.elems[i] == (y.elems[i] < q(0) ? q(0) : y.elems[i]));
  const auto res = ctattn::residual(y, r);
  for (std::size_t i = 0; i < std::size(y.elems); ++i) CHECK(res.elems[i] == y.elems[i] + r.elems[i]);
  static constexpr auto pe_q = ctattn::sinusoidal_position_encoding<q, 6, 8>();
  static constexpr auto pe_d = ctattn::sinusoidal_position_encoding<double, 6, 8>();
  for (std::size_t i = 0; i < std::size(pe_q.elems); ++i)
    CHECK(pe_q.elems[i] == q(pe_d.elems[i]));  // the double value rounded once
  const ctattn::position_embedding_params<q, 6, 8> pp{pe_q};
  const auto added = ctattn::add_positions(launder(pe_q), pp);
  for (std::size_t i = 0; i < std::size(added.elems); ++i) CHECK(added.elems[i] == pe_q.elems[i] + pe_q.elems[i]);
}

// Sizes above Clang's 256-operand fold limit compile and agree with plain loops.
TEST_CASE("layers: 64 x 64 inputs") {
  std::mt19937_64 gen(99);
  std::normal_distribution<double> nd(0.0, 1.0);
  static matrix<double, 64, 64> x{};
  static matrix<double, 64, 64> fx{};
  for (auto& e : x.elems) e = nd(gen);
  for (auto& e : fx.elems) e = nd(gen);
  const auto r = ctattn::residual(x, fx);
  const auto pe = ctattn::sinusoidal_position_encoding<double, 64, 64>();
  const auto xp = ctattn::add_sinusoidal_positions(x);
  const auto xl = ctattn::add_positions(x, ctattn::position_embedding_params<double, 64, 64>{fx});
  const auto g = ctattn::gelu(x);
  const auto rl = ctattn::relu(x);
  for (std::size_t i = 0; i < std::size(x.elems); ++i) {
    CHECK(r.elems[i] == x.elems[i] + fx.elems[i]);
    CHECK(xp.elems[i] == x.elems[i] + pe.elems[i]);
    CHECK(xl.elems[i] == x.elems[i] + fx.elems[i]);
    CHECK(g.elems[i] == ctattn::gelu(x.elems[i]));
    CHECK(rl.elems[i] == ctattn::relu(x.elems[i]));
  }
  const auto y = ctattn::layer_norm(x, ctattn::identity_layer_norm_params<double, 64>());
  for (std::size_t n = 0; n < 64; ++n) {
    double m = 0;
    for (std::size_t d = 0; d < 64; ++d) m += y(d, n);
    CHECK(std::fabs(m / 64) <= 1e-15);
  }
}
