// Compile-time proofs for ctattn/layers.hpp and the math it needs: each layer against the numpy
// reference (tests/data/layers_reference.hpp, tools/gen_layers_reference.py) within a stated
// tolerance, and the laws. Compiling this file is the test.
#include <ctattn/fixed.hpp>
#include <ctattn/layers.hpp>

#include <cstddef>
#include <cstdint>
#include <iterator>
#include <limits>

#include "layers_reference.hpp"

namespace {

namespace lr = layers_ref;
using ctattn::approx_equal;
using ctattn::matrix;

constexpr double nan = std::numeric_limits<double>::quiet_NaN();
constexpr double inf = std::numeric_limits<double>::infinity();

constexpr bool is_neg_zero(double v) { return v == 0.0 && std::bit_cast<std::uint64_t>(v) != 0; }

// ---- values against numpy ---------------------------------------------------------------

// linear: 5 products and a bias per element; numpy's value is the exact one rounded once
constexpr ctattn::linear_params<double, 5, 3> lin_p{lr::linear::omega, lr::linear::beta};
static_assert(approx_equal(ctattn::linear(lr::linear::x, lin_p), lr::linear::y, 1e-14, 1e-14));
// linear is affine: the same bits
static_assert(ctattn::linear(lr::linear::x, lin_p) ==
              ctattn::affine(lr::linear::omega, lr::linear::x, lr::linear::beta));

// activations: relu exactly; the GELUs within a few ulps of numpy's float64 formula
static_assert(ctattn::relu(lr::activations::x) == lr::activations::relu);
static_assert(approx_equal(ctattn::gelu(lr::activations::x), lr::activations::gelu, 1e-14, 1e-15));
static_assert(approx_equal(ctattn::gelu_erf(lr::activations::x), lr::activations::gelu_erf, 1e-14,
                           1e-15));

// layer_norm with learned gamma/beta and plain; column 2 is constant: output exactly beta
constexpr ctattn::layer_norm_params<double, 6> ln_p{lr::layer_norm::gamma, lr::layer_norm::beta};
constexpr auto ln_y = ctattn::layer_norm(lr::layer_norm::x, ln_p);
static_assert(approx_equal(ln_y, lr::layer_norm::y, 1e-14, 1e-14));
static_assert(approx_equal(ctattn::layer_norm(lr::layer_norm::x,
                                              ctattn::identity_layer_norm_params<double, 6>()),
                           lr::layer_norm::y_plain, 1e-14, 1e-14));
static_assert([] {
  for (std::size_t d = 0; d < 6; ++d)
    if (ln_y(d, 2) != lr::layer_norm::beta[d]) return false;
  return true;
}());

// the position encodings: within 1 ulp of the long-double closed form (2.3e-16 absolute, the
// entries are at most 1 in magnitude)
static_assert(approx_equal(ctattn::sinusoidal_position_encoding<double, 6, 8>(), lr::pe_6_8::pe,
                           0.0, 2.3e-16));
static_assert(approx_equal(ctattn::sinusoidal_position_encoding<double, 7, 5>(), lr::pe_7_5::pe,
                           0.0, 2.3e-16));
static_assert(approx_equal(ctattn::sinusoidal_position_encoding<double, 16, 64>(),
                           lr::pe_16_64::pe, 0.0, 2.3e-16));
// closed form at n = 0 exactly: sin 0 = 0, cos 0 = 1; row 0 is sin(n), row 1 cos(n) (w_0 = 1)
static_assert([] {
  constexpr auto pe = ctattn::sinusoidal_position_encoding<double, 7, 5>();
  for (std::size_t r = 0; r < 7; ++r)
    if (pe(r, 0) != (r % 2 == 0 ? 0.0 : 1.0)) return false;
  for (std::size_t n = 0; n < 5; ++n)
    if (pe(0, n) != ctattn::sin(static_cast<double>(n)) ||
        pe(1, n) != ctattn::cos(static_cast<double>(n)))
      return false;
  return true;
}());
// float: the double matrix rounded once
static_assert([] {
  constexpr auto pd = ctattn::sinusoidal_position_encoding<double, 16, 64>();
  constexpr auto pf = ctattn::sinusoidal_position_encoding<float, 16, 64>();
  for (std::size_t i = 0; i < std::size(pd.elems); ++i)
    if (pf.elems[i] != static_cast<float>(pd.elems[i])) return false;
  return true;
}());

// learned position embeddings and the residual: one rounding per element
constexpr ctattn::position_embedding_params<double, 4, 3> pos_p{lr::learned::p};
static_assert(ctattn::add_positions(lr::learned::x, pos_p) == lr::learned::y);
static_assert(ctattn::residual(lr::learned::x, lr::learned::p) == lr::learned::x + lr::learned::p);

// ---- laws -------------------------------------------------------------------------------

// LayerNorm (gamma = 1, beta = 0): each column has mean 0 (|mean| <= 1e-15) and variance
// var / (var + eps) (1 up to eps / var, the regularisation) within 1e-14
static_assert([] {
  constexpr auto x = lr::layer_norm::x;
  constexpr auto y = ctattn::layer_norm(x, ctattn::identity_layer_norm_params<double, 6>());
  for (std::size_t n = 0; n < 5; ++n) {
    if (n == 2) continue;  // the constant column: all zeros
    double mx = 0;
    double m = 0;
    for (std::size_t d = 0; d < 6; ++d) {
      mx += x(d, n) / 6;
      m += y(d, n) / 6;
    }
    double vx = 0;
    double v = 0;
    for (std::size_t d = 0; d < 6; ++d) {
      vx += (x(d, n) - mx) * (x(d, n) - mx) / 6;
      v += (y(d, n) - m) * (y(d, n) - m) / 6;
    }
    if (!(ctattn::abs(m) <= 1e-15 && ctattn::abs(v - vx / (vx + 1e-5)) <= 1e-14)) return false;
  }
  return true;
}());
// constant columns give beta exactly when the column sum is exact
static_assert([] {
  constexpr matrix<double, 3, 2> c{2.5, -1, 2.5, -1, 2.5, -1};
  constexpr ctattn::layer_norm_params<double, 3> p{{2, 3, 4}, {0.5, -0.25, 7}};
  constexpr auto y = ctattn::layer_norm(c, p);
  for (std::size_t d = 0; d < 3; ++d)
    if (y(d, 0) != p.beta[d] || y(d, 1) != p.beta[d]) return false;
  return true;
}());
// float LayerNorm, and eps as a double literal for float x
static_assert([] {
  constexpr matrix<float, 2, 1> x{1.0f, 3.0f};
  constexpr auto y = ctattn::layer_norm(x, ctattn::identity_layer_norm_params<float, 2>(), 0.0);
  return y[0] == -1.0f && y[1] == 1.0f;
}());

// GELU identities: gelu(0) = 0 (and -0 -> -0), gelu(x) - gelu(-x) = x, gelu(x) = x for large x,
// increasing on [-0.5, 8], and gelu <= relu
static_assert(ctattn::gelu(0.0) == 0.0 && is_neg_zero(ctattn::gelu(-0.0)));
static_assert(ctattn::gelu_erf(0.0) == 0.0 && is_neg_zero(ctattn::gelu_erf(-0.0)));
static_assert(ctattn::gelu(10.0) == 10.0 && ctattn::gelu(1e300) == 1e300);
static_assert(is_neg_zero(ctattn::gelu(-1e300)) && is_neg_zero(ctattn::gelu_erf(-1e300)));
static_assert([] {
  double prev_t = ctattn::gelu(-0.5);
  double prev_e = ctattn::gelu_erf(-0.5);
  for (int i = -49; i <= 800; ++i) {
    const double v = i / 100.0;
    const double t = ctattn::gelu(v);
    const double e = ctattn::gelu_erf(v);
    if (!(t > prev_t && e > prev_e)) return false;
    if (!(t <= ctattn::relu(v) && e <= ctattn::relu(v))) return false;
    if (ctattn::abs(t - ctattn::gelu(-v) - v) > 4e-16 * ctattn::abs(v)) return false;
    if (ctattn::abs(e - ctattn::gelu_erf(-v) - v) > 4e-16 * ctattn::abs(v)) return false;
    prev_t = t;
    prev_e = e;
  }
  return true;
}());
// the two GELUs differ by less than 1e-3 (Hendrycks & Gimpel's approximation)
static_assert([] {
  for (int i = -600; i <= 600; ++i)
    if (ctattn::abs(ctattn::gelu(i / 100.0) - ctattn::gelu_erf(i / 100.0)) > 1e-3) return false;
  return true;
}());
// float GELUs: the double result rounded once
static_assert(ctattn::gelu(0.75f) == static_cast<float>(ctattn::gelu(0.75)));
static_assert(ctattn::gelu_erf(-2.5f) == static_cast<float>(ctattn::gelu_erf(-2.5)));

// relu: NaN stays NaN, -0 stays -0, negative -> 0
static_assert(ctattn::relu(-2.0) == 0.0 && ctattn::relu(2.0) == 2.0 && is_neg_zero(ctattn::relu(-0.0)));
static_assert(ctattn::relu(nan) != ctattn::relu(nan));  // NaN
static_assert(ctattn::gelu(nan) != ctattn::gelu(nan) && ctattn::gelu_erf(nan) != ctattn::gelu_erf(nan));
static_assert(ctattn::gelu(inf) == inf && is_neg_zero(ctattn::gelu(-inf)));

// sin, cos: sin^2 + cos^2 = 1 within 2 ulp(1), sin odd and cos even bit for bit, over a grid
// that reaches 1e4 (the positional encoding's range)
static_assert([] {
  for (int i = -400; i <= 400; ++i) {
    const double v = i * 25.0 + i * 0.0123;
    const double s = ctattn::sin(v);
    const double c = ctattn::cos(v);
    if (ctattn::abs(s * s + c * c - 1.0) > 4.5e-16) return false;
    if (ctattn::sin(-v) != -s || ctattn::cos(-v) != c) return false;
    if (ctattn::tanh(-v / 1000) != -ctattn::tanh(v / 1000)) return false;
    if (ctattn::erf(-v / 1000) != -ctattn::erf(v / 1000)) return false;
  }
  return true;
}());
// known values (correctly rounded, from MPFR): sin(1), cos(1), tanh(0.5), erf(1), sin(1e4)
static_assert(ctattn::sin(1.0) == 0x1.aed548f090ceep-1);
static_assert(ctattn::cos(1.0) == 0x1.14a280fb5068cp-1);
static_assert(ctattn::tanh(0.5) == 0x1.d9353d7568af3p-2);
static_assert(ctattn::erf(1.0) == 0x1.af767a741088bp-1);
static_assert(ctattn::sin(10000.0) == -0x1.38f2fa75d9289p-2);
// special values
static_assert(is_neg_zero(ctattn::sin(-0.0)) && ctattn::cos(-0.0) == 1.0);
static_assert(ctattn::sin(inf) != ctattn::sin(inf) && ctattn::cos(-inf) != ctattn::cos(-inf));
static_assert(ctattn::sin(1647099.0) != ctattn::sin(1647099.0));  // beyond the exact range: NaN
static_assert(ctattn::sin(1647098.0) == ctattn::sin(1647098.0));
static_assert(ctattn::tanh(inf) == 1.0 && ctattn::tanh(-inf) == -1.0 && ctattn::tanh(22.0) == 1.0);
static_assert(is_neg_zero(ctattn::tanh(-0.0)) && ctattn::tanh(1e-300) == 1e-300);
static_assert(ctattn::erf(inf) == 1.0 && ctattn::erf(-inf) == -1.0 && is_neg_zero(ctattn::erf(-0.0)));
static_assert(ctattn::sin(0.5f) == static_cast<float>(ctattn::sin(0.5)));

// ---- fixed point --------------------------------------------------------------------------

using q = ctattn::fixed<std::int32_t, 16>;
constexpr matrix<q, 2, 3> xq{q(1), q(-2), q(0.5), q(3), q(-0.25), q(0)};
constexpr ctattn::linear_params<q, 2, 2> lq{{q(1), q(2), q(-1), q(0.5)}, {q(0.25), q(-1)}};
// y = beta + omega x, exact here (all values dyadic)
static_assert(ctattn::linear(xq, lq) ==
              matrix<q, 2, 3>{q(7.25), q(-2.25), q(0.75), q(-0.5), q(0.875), q(-1.5)});
static_assert(ctattn::relu(xq) == matrix<q, 2, 3>{q(1), q(0), q(0.5), q(3), q(0), q(0)});
static_assert(ctattn::residual(xq, xq) == xq + xq);
static_assert(ctattn::add_positions(xq, ctattn::position_embedding_params<q, 2, 3>{xq}) == xq + xq);
static_assert([] {
  constexpr auto pq = ctattn::sinusoidal_position_encoding<q, 6, 8>();
  constexpr auto pd = ctattn::sinusoidal_position_encoding<double, 6, 8>();
  for (std::size_t i = 0; i < std::size(pq.elems); ++i)
    if (pq.elems[i] != q(pd.elems[i])) return false;
  return true;
}());
// no gelu / layer_norm for fixed: they are constrained on Scalar and reject fixed with a
// static_assert naming float/double (a hard error, so only checkable as a compile-fail test)

}  // namespace
