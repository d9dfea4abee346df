// Static tests of ctattn/workspace.hpp: in constant evaluation, the _into / _inplace functions
// give the same bits as the by-value functions (float, double, q15_16; scaling, masks, exp_fast,
// weights), and multi-head _into equals multihead_self_attention. Compiling is the test.
#include <ctattn/attention.hpp>
#include <ctattn/fixed.hpp>
#include <ctattn/multihead.hpp>
#include <ctattn/options.hpp>
#include <ctattn/workspace.hpp>

#include <array>
#include <cstddef>
#include <limits>

#include "../support/layer_params.hpp"
#include "../support/test_support.hpp"

namespace {

using ctattn::matrix;
using ctattn::vector;
using ctattn_test::fill_layer;
using ctattn_test::lcg;
using ctattn_test::same_bits;

template <class T, std::size_t D, std::size_t Dk, std::size_t Dv>
constexpr ctattn::attention_params<T, D, Dk, Dv> params(lcg& g) {
  ctattn::attention_params<T, D, Dk, Dv> p{};
  g.fill(p.omega_q);
  g.fill(p.omega_k);
  g.fill(p.omega_v);
  g.fill(p.beta_q);
  g.fill(p.beta_k);
  g.fill(p.beta_v);
  return p;
}

// self_attention_into (with weights) and _inplace against self_attention, for one option pack.
template <class T, std::size_t N, std::size_t D, std::size_t Dk, std::size_t Dv, class... Opts>
constexpr bool self_same(std::uint64_t seed, const Opts&... opts) {
  lcg g{seed};
  const auto x = g.make<matrix<T, D, N>>();
  const auto p = params<T, D, Dk, Dv>(g);
  const auto r = ctattn::self_attention(x, p, opts...);
  ctattn::attention_workspace<T, N, Dk, Dv> ws{};
  matrix<T, Dv, N> out{};
  matrix<T, N, N> w{};
  ctattn::self_attention_into(out, x, p, ws, opts..., ctattn::with_weights(w));
  bool ok = same_bits(out, r.output) && same_bits(w, r.weights);
  if constexpr (Dv == D) {
    auto y = x;
    ctattn::self_attention_inplace(y, p, ws, opts...);
    ok = ok && same_bits(y, r.output);
  }
  return ok;
}

template <class T, std::size_t N, std::size_t D>
constexpr bool masked_same(std::uint64_t seed) {
  lcg g{seed};
  matrix<bool, N, N> allowed{};
  vector<bool, N> valid{};
  matrix<T, N, N> add{};
  for (std::size_t m = 0; m < N; ++m) {
    for (std::size_t n = 0; n < N; ++n) {
      allowed(m, n) = n != 1 && g.next_double() > -0.5;  // query 1: every key masked
      const double r = g.next_double();
      if constexpr (std::numeric_limits<T>::has_infinity)
        add(m, n) = r > 0.6 ? -std::numeric_limits<T>::infinity() : static_cast<T>(r);
      else
        add(m, n) = static_cast<T>(r);
    }
    valid[m] = m % 3 != 2;
  }
  return self_same<T, N, D, D, D>(seed, ctattn::allowed(allowed)) &&
         self_same<T, N, D, D, D>(seed, ctattn::valid_keys(valid), ctattn::scaled) &&
         self_same<T, N, D, D, D>(seed, ctattn::additive_mask(add), ctattn::causal);
}

template <class T>
constexpr bool all_self() {
  return self_same<T, 3, 4, 4, 4>(1) && self_same<T, 3, 4, 4, 4>(2, ctattn::scaled) &&
         self_same<T, 5, 7, 3, 6>(3, ctattn::causal) &&
         self_same<T, 6, 4, 4, 4>(4, ctattn_test::fast_exp<T>(), ctattn::scaled, ctattn::causal) &&
         masked_same<T, 6, 4>(5);
}
static_assert(all_self<double>());
static_assert(all_self<float>());
static_assert(all_self<ctattn::q15_16>());

// Cross-attention: Nq != Nkv, Dq != Dkv.
template <class T>
constexpr bool cross_same() {
  lcg g{7};
  const auto xq = g.make<matrix<T, 4, 3>>();
  const auto xkv = g.make<matrix<T, 6, 5>>();
  ctattn::cross_attention_params<T, 4, 6, 3, 4> p{};
  g.fill(p.omega_q);
  g.fill(p.omega_k);
  g.fill(p.omega_v);
  g.fill(p.beta_q);
  g.fill(p.beta_k);
  g.fill(p.beta_v);
  const auto r = ctattn::cross_attention(xq, xkv, p, ctattn::scaled, ctattn::causal);
  ctattn::attention_workspace<T, 5, 3, 4> ws{};
  matrix<T, 4, 3> out{};
  matrix<T, 5, 3> w{};
  ctattn::cross_attention_into(out, xq, xkv, p, ws, ctattn::scaled, ctattn::causal,
                               ctattn::with_weights(w));
  auto y = xq;
  ctattn::cross_attention_inplace(y, xkv, p, ws, ctattn::scaled, ctattn::causal);
  return same_bits(out, r.output) && same_bits(w, r.weights) && same_bits(y, r.output);
}
static_assert(cross_same<double>());
static_assert(cross_same<ctattn::q15_16>());

// Multi-head, with and without the output bias.
template <class T, std::size_t D, std::size_t H, std::size_t N, class MP, class... Opts>
constexpr bool mh_same(const Opts&... opts) {
  lcg g{9};
  const auto x = g.make<matrix<T, D, N>>();
  MP mp{};
  for (auto& h : mp.heads) {
    g.fill(h.omega_q);
    g.fill(h.omega_k);
    g.fill(h.omega_v);
    g.fill(h.beta_q);
    g.fill(h.beta_k);
    g.fill(h.beta_v);
  }
  g.fill(mp.omega_c);
  if constexpr (requires { mp.beta_c; }) g.fill(mp.beta_c);
  const auto r = ctattn::multihead_self_attention(x, mp, opts...);
  ctattn::multihead_workspace<T, D, H, N> ws{};
  matrix<T, D, N> out{};
  std::array<matrix<T, N, N>, H> w{};
  ctattn::multihead_self_attention_into(out, x, mp, ws, opts..., ctattn::with_weights(w));
  return same_bits(out, r.output) && same_bits(w, r.weights);
}
static_assert(mh_same<double, 8, 2, 5, ctattn::multihead_params<double, 8, 2>>());
static_assert(mh_same<float, 8, 4, 4, ctattn::multihead_params_with_bias<float, 8, 4>>(
    ctattn::causal));
static_assert(mh_same<ctattn::q15_16, 4, 2, 3, ctattn::multihead_params<ctattn::q15_16, 4, 2>>(
    ctattn::unscaled));

// The memory plan is a constant a firmware static_assert can use.
static_assert(sizeof(ctattn::attention_workspace<float, 64, 64, 64>) +
                  sizeof(matrix<float, 64, 64>) == 49920);  // 48.75 KiB: a 64 KiB part
static_assert(ctattn::multihead_workspace<float, 64, 4, 64>::bytes == 8576);

}  // namespace

// ---- the transformer layer and a sequential model, in constant evaluation ----------------

#include <ctattn/sequential.hpp>
#include <ctattn/transformer.hpp>

namespace {


template <class T, class... Opts>
constexpr bool layer_same(const Opts&... opts) {
  lcg g{17};
  const auto x = g.make<matrix<T, 8, 3>>(2.0);
  ctattn::transformer_layer_params<T, 8, 2, 16> p{};
  fill_layer(g, p);
  ctattn::transformer_workspace<T, 8, 2, 16, 3> ws{};
  matrix<T, 8, 3> out{};
  ctattn::transformer_layer_into(out, x, p, ws, opts...);
  return same_bits(out, ctattn::transformer_layer(x, p, opts...));
}
static_assert(layer_same<double>());
static_assert(layer_same<float>(ctattn::pre_norm, ctattn::causal, ctattn::gelu_mlp));

constexpr bool sequential_same() {
  lcg g{19};
  using layer = ctattn::layers::transformer<double, 8, 2, 16>;
  ctattn::sequential<ctattn::layers::sinusoidal_positions<double, 8>, layer, layer,
                     ctattn::layers::relu>
      model{};
  fill_layer(g, model.layer<1>().params);
  fill_layer(g, model.layer<2>().params);
  auto x = g.make<matrix<double, 8, 3>>();
  const auto want = model(x);
  ctattn::sequential_workspace<decltype(model), double, 3> ws{};
  ctattn::sequential_inplace(model, x, ws);
  return same_bits(x, want);
}
static_assert(sequential_same());

}  // namespace
