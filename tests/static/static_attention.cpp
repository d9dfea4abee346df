// Compile-time tests of ctattn/attention.hpp: laws proven in constant evaluation.
#include <ctattn/attention.hpp>

namespace {
using ctattn::matrix;

constexpr ctattn::attention_params<double, 3, 2, 3> p{
    matrix<double, 2, 3>{0.5, -0.25, 1.0, 0.75, 0.5, -1.5},
    matrix<double, 2, 3>{-0.5, 1.25, 0.25, 0.5, -0.75, 1.0},
    matrix<double, 3, 3>{1, 0.5, 0, -0.5, 1, 0.25, 0, 0.75, -1},
    {0.125, -0.25},
    {0.5, 0.0},
    {-1, 0.5, 0.25}};
constexpr matrix<double, 3, 4> x{1, -1, 0.5, 2, 0, 1, -0.5, 1, 2, 0.25, 1, -1};

constexpr auto r = ctattn::self_attention(x, p);
// Loop form == matrix form, bit for bit, in constant evaluation.
static_assert(ctattn::self_attention_loop(ctattn::columns(x), p) == r);
// Every column of the weights sums to 1 (to rounding) and the weights are non-negative.
static_assert([] {
  for (std::size_t n = 0; n < 4; ++n) {
    double s = 0;
    for (std::size_t m = 0; m < 4; ++m) {
      if (r.weights(m, n) < 0) return false;
      s += r.weights(m, n);
    }
    if (!ctattn::approx_equal(s, 1.0, 4e-16)) return false;
  }
  return true;
}());
// One token: the output is its value vector.
constexpr matrix<double, 3, 1> x1{0.5, -2, 1};
static_assert(ctattn::self_attention(x1, p).output == ctattn::affine(p.omega_v, x1, p.beta_v));
}  // namespace
