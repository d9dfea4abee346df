// Run-time tests of transformer_layer_into (ctattn/transformer.hpp, caller-provided buffers):
// the same bits as transformer_layer for every arrangement, activation and option, float and
// double, at the notebook-like size and at 64 x 64 (H = 4, Dff = 256: the memory goal's layer).
#include <ctattn/transformer.hpp>
#include <ctattn/workspace.hpp>

#include <doctest/doctest.h>

#include <cmath>
#include <cstddef>
#include <memory>

#include "../support/layer_params.hpp"
#include "../support/test_support.hpp"

namespace {

using ctattn::matrix;
using ctattn_test::fill_layer;
using ctattn_test::lcg;
using ctattn_test::same_bits;


template <class T, std::size_t D, std::size_t H, std::size_t Dff, std::size_t N>
struct layer_case {
  matrix<T, D, N> x;
  ctattn::transformer_layer_params<T, D, H, Dff> p;
  ctattn::transformer_workspace<T, D, H, Dff, N> ws;
  matrix<T, D, N> out;
  explicit layer_case(std::uint64_t seed) : x(), p(), ws(), out() {
    lcg g{seed};
    g.fill(x, 2.0);
    fill_layer(g, p);
  }
  template <class... Opts>
  void check(const Opts&... opts) {
    const auto want = std::make_unique<matrix<T, D, N>>(ctattn::transformer_layer(x, p, opts...));
    ctattn::transformer_layer_into(out, x, p, ws, opts...);
    CHECK(same_bits(out, *want));
  }
};

template <class T, std::size_t D, std::size_t H, std::size_t Dff, std::size_t N>
void layer_cases(std::uint64_t seed) {
  auto c = std::make_unique<layer_case<T, D, H, Dff, N>>(seed);
  c->check();
  c->check(ctattn::pre_norm);
  c->check(ctattn::causal, ctattn::gelu_mlp);
  c->check(ctattn::pre_norm, ctattn::causal, ctattn::gelu_erf_mlp, ctattn::exp_fast,
           ctattn::norm_eps(static_cast<T>(1e-3)));
}

}  // namespace

TEST_CASE_TEMPLATE("workspace: transformer_layer_into == transformer_layer, bit for bit", T, float,
                   double) {
  layer_cases<T, 8, 2, 16, 5>(61);
  layer_cases<T, 64, 4, 256, 64>(62);
}

TEST_CASE("workspace: the layer's memory plan") {
  using W = ctattn::transformer_workspace<float, 64, 4, 256, 64>;
  static_assert(sizeof(W) == W::bytes);
  static_assert(W::bytes == 8576 + 4 * (2 * 64 + 256));
  // the goal: input, output and workspace of the 64 x 64 layer within 48 KiB
  static_assert(2 * sizeof(matrix<float, 64, 64>) + sizeof(W) <= 48 * 1024);
  CHECK(W::bytes == 10112);
}

TEST_CASE("workspace: transformer_layer_into with out aliasing x gives all NaN") {
  layer_case<double, 8, 2, 16, 3> c(71);
  ctattn::transformer_layer_into(c.x, c.x, c.p, c.ws);
  for (double e : c.x.elems) CHECK(std::isnan(e));
}

// ---- sequential models ---------------------------------------------------------------------

#include <ctattn/sequential.hpp>

namespace {

template <class T, std::size_t D, std::size_t H, std::size_t Dff, std::size_t N>
void sequential_cases(std::uint64_t seed) {
  lcg g{seed};
  using model_t = ctattn::sequential<
      ctattn::layers::sinusoidal_positions<T, D>, ctattn::layers::transformer<T, D, H, Dff>,
      ctattn::layers::transformer<T, D, H, Dff, ctattn::pre_norm_t, ctattn::causal_t,
                                  ctattn::gelu_mlp_t>,
      ctattn::layers::multihead<T, D, H, ctattn::causal_t>,
      ctattn::layers::residual<ctattn::layers::linear<T, D, D>>, ctattn::layers::gelu,
      ctattn::layers::positions<T, D, N>, ctattn::layers::layer_norm<T, D>>;
  auto model = std::make_unique<model_t>();
  fill_layer(g, model->template layer<1>().params);
  fill_layer(g, model->template layer<2>().params);
  auto& mh = model->template layer<3>().params;
  for (auto& h : mh.heads) {
    g.fill(h.omega_q);
    g.fill(h.omega_k);
    g.fill(h.omega_v);
  }
  g.fill(mh.omega_c, 0.5);
  g.fill(model->template layer<4>().inner.params.omega, 0.5);
  g.fill(model->template layer<4>().inner.params.beta);
  g.fill(model->template layer<6>().params.p);
  g.fill(model->template layer<7>().params.beta);
  for (auto& e : model->template layer<7>().params.gamma.elems) e = T(1);
  const auto x = std::make_unique<matrix<T, D, N>>(g.make<matrix<T, D, N>>());
  const auto want = std::make_unique<matrix<T, D, N>>((*model)(*x));
  auto ws = std::make_unique<ctattn::sequential_workspace<model_t, T, N>>();
  auto out = std::make_unique<matrix<T, D, N>>();
  ctattn::sequential_into(*model, *out, *x, *ws);
  CHECK(same_bits(*out, *want));
  auto y = std::make_unique<matrix<T, D, N>>(*x);
  ctattn::sequential_inplace(*model, *y, *ws);
  CHECK(same_bits(*y, *want));
  // two identical transformer layers share a workspace: scratch + one transformer_workspace +
  // the multihead layer's (a different type)
  using ws_t = ctattn::sequential_workspace<model_t, T, N>;
  CHECK(sizeof(ws_t) >= sizeof(matrix<T, D, N>) + ctattn::transformer_workspace<T, D, H, Dff, N>::bytes +
                            ctattn::multihead_workspace<T, D, H, N>::bytes);
  CHECK(sizeof(ws_t) <= sizeof(matrix<T, D, N>) + ctattn::transformer_workspace<T, D, H, Dff, N>::bytes +
                            ctattn::multihead_workspace<T, D, H, N>::bytes + 16);
}

}  // namespace

TEST_CASE_TEMPLATE("workspace: sequential_into / sequential_inplace == model(x)", T, float,
                   double) {
  sequential_cases<T, 8, 2, 16, 5>(81);
}

TEST_CASE("workspace: a two-layer 64 x 64 encoder from one buffer and one workspace") {
  using layer_t = ctattn::layers::transformer<float, 64, 4, 256>;
  using model_t = ctattn::sequential<layer_t, layer_t>;
  auto model = std::make_unique<model_t>();
  lcg g{91};
  fill_layer(g, model->layer<0>().params);
  fill_layer(g, model->layer<1>().params);
  auto x = std::make_unique<matrix<float, 64, 64>>(g.make<matrix<float, 64, 64>>());
  const auto want = std::make_unique<matrix<float, 64, 64>>((*model)(*x));
  static ctattn::sequential_workspace<model_t, float, 64> ws;
  static_assert(sizeof(ws) == 16384 + 10112);  // the scratch and ONE layer workspace
  ctattn::sequential_inplace(*model, *x, ws);
  CHECK(same_bits(*x, *want));
}
