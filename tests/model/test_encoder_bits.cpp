// The two-layer encoder at run time returns exactly the bits that static_encoder.cpp proves at
// compile time: the run-time call gets its input and parameters through volatile copies, so
// the optimiser cannot fold it back into a constant.
#include <ctattn/params.hpp>
#include <ctattn/sequential.hpp>
#include <ctattn/transformer.hpp>

#include <array>
#include <bit>
#include <cstdint>

#include <doctest/doctest.h>

#include "encoder_data.hpp"
#include "model_tolerance.hpp"

namespace {

namespace L = ctattn::layers;
namespace ed = encoder_data;

using encoder = ctattn::sequential<L::sinusoidal_positions<double, ed::D>,
                                   L::transformer<double, ed::D, ed::H, ed::Dff>,
                                   L::transformer<double, ed::D, ed::H, ed::Dff>>;

template <class A>
A launder(const A& a) {
  A out{};
  for (std::size_t i = 0; i < std::size(a); ++i) {
    volatile double v = a[i];
    out[i] = v;
  }
  return out;
}

template <std::size_t R, std::size_t C>
std::size_t differing_bits(const ctattn::matrix<double, R, C>& a,
                           const ctattn::matrix<double, R, C>& b) {
  std::size_t n = 0;
  for (std::size_t i = 0; i < a.count; ++i)
    if (std::bit_cast<std::uint64_t>(a[i]) != std::bit_cast<std::uint64_t>(b[i])) {
      MESSAGE("element " << i << ": " << a[i] << " (run time) vs " << b[i] << " (compile time)");
      ++n;
    }
  return n;
}

constexpr encoder model_ct = ctattn::load_params<encoder>(ed::params);
constexpr auto y_ct = model_ct(ed::x);

TEST_CASE("encoder: run time returns the bits of the constant evaluation") {
  const auto flat = launder(ed::params);
  ctattn::matrix<double, ed::D, ed::N> x{};
  for (std::size_t i = 0; i < x.count; ++i) {
    volatile double v = ed::x[i];
    x[i] = v;
  }
  const encoder model = ctattn::load_params<encoder>(flat);
  const auto y = model(x);
  CHECK(differing_bits(y, y_ct) == 0);
  CHECK(ctattn::approx_equal(y, ed::expected, model_tol::rel, model_tol::abs));
  CHECK(ctattn::store_params(model) == ed::params);
}

TEST_CASE("encoder: largest difference from numpy (printed for the README)") {
  double worst = 0;
  for (std::size_t i = 0; i < y_ct.count; ++i) {
    const double d = y_ct[i] - ed::expected[i];
    const double a = d < 0 ? -d : d;
    worst = a > worst ? a : worst;
  }
  MESSAGE("max |ctattn - numpy| = " << worst);
  CHECK(worst <= model_tol::abs);
}

}  // namespace
