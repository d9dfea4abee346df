// Run-time tests of ctattn/sequential.hpp: a model built and loaded at run time computes what
// its layers composed by hand compute, with the bits of the constant evaluation.
#include <ctattn/layers.hpp>
#include <ctattn/params.hpp>
#include <ctattn/sequential.hpp>
#include <ctattn/transformer.hpp>

#include <array>

#include <doctest/doctest.h>

#include "transformer_reference.hpp"

namespace {

namespace L = ctattn::layers;
namespace tr = transformer_ref;

using block = ctattn::sequential<
    L::sinusoidal_positions<double, tr::D>, L::transformer<double, tr::D, tr::H, tr::Dff>,
    L::residual<ctattn::sequential<L::layer_norm<double, tr::D>, L::linear<double, tr::D, 12>,
                                   L::gelu, L::linear<double, 12, tr::D>>>,
    L::linear<double, tr::D, 3>>;

template <std::size_t Count>
std::array<double, Count> flat_of(double scale) {
  std::array<double, Count> a{};
  for (std::size_t i = 0; i < Count; ++i) {
    volatile double v = static_cast<double>(static_cast<int>((i * 7919) % 61) - 30) * scale;
    a[i] = v;
  }
  return a;
}

constexpr std::size_t count = ctattn::parameter_count_v<block>;

constexpr auto flat_ct = [] {
  std::array<double, count> a{};
  for (std::size_t i = 0; i < count; ++i)
    a[i] = static_cast<double>(static_cast<int>((i * 7919) % 61) - 30) * (1.0 / 64);
  return a;
}();

TEST_CASE("sequential: a mixed model equals its layers composed by hand") {
  const auto flat = flat_of<count>(1.0 / 64);
  const block model = ctattn::load_params<block>(flat);
  ctattn::matrix<double, tr::D, tr::N> x{};
  for (std::size_t i = 0; i < x.count; ++i) {
    volatile double v = tr::x[i];
    x[i] = v;
  }
  const auto y = model(x);
  static_assert(std::is_same_v<decltype(y), const ctattn::matrix<double, 3, tr::N>>);

  const auto& inner = model.layer<2>().inner;
  const auto x0 = x + ctattn::sinusoidal_position_encoding<double, tr::D, tr::N>();
  const auto x1 = ctattn::transformer_layer(x0, model.layer<1>().params);
  const auto h = ctattn::gelu(ctattn::linear(ctattn::layer_norm(x1, inner.layer<0>().params),
                                             inner.layer<1>().params));
  const auto x2 = x1 + ctattn::linear(h, inner.layer<3>().params);
  const auto expected = ctattn::linear(x2, model.layer<3>().params);
  CHECK(y == expected);

  // the same bits as the constant evaluation
  constexpr block model_ct = ctattn::load_params<block>(flat_ct);
  constexpr auto y_ct = model_ct(tr::x);
  CHECK(y == y_ct);
  CHECK(ctattn::store_params(model) == flat);
}

TEST_CASE("sequential: layers can be replaced in place") {
  block model{};
  CHECK(ctattn::store_params(model) == std::array<double, count>{});
  model.layer<3>().params.beta = {1.0, 2.0, 3.0};
  const auto y = model(ctattn::matrix<double, tr::D, tr::N>{});
  for (std::size_t n = 0; n < tr::N; ++n) {
    CHECK(y(0, n) == 1.0);
    CHECK(y(2, n) == 3.0);
  }
}

}  // namespace
