// Run-time tests of ctattn::transformer_layer: every variant against numpy
// (tests/data/transformer_reference.hpp, from tools/gen_encoder_reference.py), the same bits
// as in constant evaluation, and laws that hold whatever the reference says.
#include <ctattn/layers.hpp>
#include <ctattn/params.hpp>
#include <ctattn/transformer.hpp>

#include <array>
#include <bit>
#include <cstdint>

#include <doctest/doctest.h>

#include "model_tolerance.hpp"
#include "transformer_reference.hpp"

namespace {

namespace tr = transformer_ref;
using ctattn::matrix;
using params = ctattn::transformer_layer_params<double, tr::D, tr::H, tr::Dff>;
using X = matrix<double, tr::D, tr::N>;

template <std::size_t R, std::size_t C>
bool close(const matrix<double, R, C>& a, const matrix<double, R, C>& b) {
  for (std::size_t i = 0; i < a.count; ++i) {
    if (!ctattn::approx_equal(a[i], b[i], model_tol::rel, model_tol::abs)) {
      MESSAGE("element " << i << ": " << a[i] << " vs numpy " << b[i]);
      return false;
    }
  }
  return true;
}

template <std::size_t R, std::size_t C>
bool same_bits(const matrix<double, R, C>& a, const matrix<double, R, C>& b) {
  for (std::size_t i = 0; i < a.count; ++i)
    if (std::bit_cast<std::uint64_t>(a[i]) != std::bit_cast<std::uint64_t>(b[i])) return false;
  return true;
}

X laundered_x() {
  X x{};
  for (std::size_t i = 0; i < x.count; ++i) {
    volatile double v = tr::x[i];
    x[i] = v;
  }
  return x;
}

params laundered_params() {
  std::array<double, tr::params.size()> flat{};
  for (std::size_t i = 0; i < flat.size(); ++i) {
    volatile double v = tr::params[i];
    flat[i] = v;
  }
  return ctattn::load_params<params>(flat);
}

constexpr params p_ct = ctattn::load_params<params>(tr::params);

// Each variant: close to numpy, and the run-time call has the bits of the constant evaluation.
#define CTATTN_VARIANT(name, ...)                                                  \
  TEST_CASE("transformer_layer: " #name " against numpy, same bits as constexpr") { \
    constexpr X ct = ctattn::transformer_layer(tr::x, p_ct __VA_OPT__(, ) __VA_ARGS__); \
    const X rt = ctattn::transformer_layer(laundered_x(), laundered_params()      \
                                           __VA_OPT__(, ) __VA_ARGS__);          \
    CHECK(close(rt, tr::name));                                                  \
    CHECK(same_bits(rt, ct));                                                    \
  }

CTATTN_VARIANT(post_norm)
CTATTN_VARIANT(pre_norm, ctattn::pre_norm)
CTATTN_VARIANT(causal, ctattn::causal)
CTATTN_VARIANT(gelu, ctattn::gelu_mlp)
CTATTN_VARIANT(pre_norm_causal_gelu_erf, ctattn::gelu_erf_mlp, ctattn::causal, ctattn::pre_norm)
CTATTN_VARIANT(eps, ctattn::norm_eps(0.25))
#undef CTATTN_VARIANT

TEST_CASE("transformer_layer: defaults spelled out give the same bits") {
  const X x = laundered_x();
  const params p = laundered_params();
  const X y = ctattn::transformer_layer(x, p);
  CHECK(same_bits(y, ctattn::transformer_layer(x, p, ctattn::post_norm)));
  CHECK(same_bits(y, ctattn::transformer_layer(x, p, ctattn::relu_mlp, ctattn::norm_eps(1e-5))));
  CHECK(same_bits(y, ctattn::transformer_layer(x, p, ctattn::exp, ctattn::post_norm)));
  // exp_fast changes the softmax only slightly (relative 2.3e-10 per exp)
  CHECK(ctattn::approx_equal(y, ctattn::transformer_layer(x, p, ctattn::exp_fast), 1e-8, 1e-8));
}

TEST_CASE("transformer_layer: the sublayers composed and multihead_self_attention, at run time") {
  const X x = laundered_x();
  const params p = laundered_params();
  CHECK(same_bits(ctattn::transformer_layer(x, p, ctattn::causal),
                  ctattn::transformer_mlp_block(
                      ctattn::transformer_attention_block(x, p, ctattn::causal), p, ctattn::causal)));
  CHECK(same_bits(ctattn::detail::layer_attention(x, p.attention),
                  ctattn::multihead_self_attention(x, p.attention).output));
  CHECK(same_bits(ctattn::detail::layer_attention(x, p.attention, ctattn::causal),
                  ctattn::multihead_self_attention(x, p.attention, ctattn::causal).output));
}

// Law: with causal attention, output column n depends on tokens 0..n only. Changing tokens
// after n leaves columns 0..n bit for bit unchanged (masked weights are exactly 0, and every
// other step works column by column).
TEST_CASE("transformer_layer: causal output column n ignores tokens after n") {
  const params p = laundered_params();
  const X x = laundered_x();
  for (std::size_t n = 0; n + 1 < tr::N; ++n) {
    X changed = x;
    for (std::size_t d = 0; d < tr::D; ++d)
      for (std::size_t m = n + 1; m < tr::N; ++m) changed(d, m) = changed(d, m) * -3.0 + 1.0;
    for (const bool pre : {false, true}) {
      const X a = pre ? ctattn::transformer_layer(x, p, ctattn::causal, ctattn::pre_norm)
                      : ctattn::transformer_layer(x, p, ctattn::causal);
      const X b = pre ? ctattn::transformer_layer(changed, p, ctattn::causal, ctattn::pre_norm)
                      : ctattn::transformer_layer(changed, p, ctattn::causal);
      for (std::size_t d = 0; d < tr::D; ++d)
        for (std::size_t m = 0; m <= n; ++m)
          CHECK(std::bit_cast<std::uint64_t>(a(d, m)) == std::bit_cast<std::uint64_t>(b(d, m)));
      // and without the mask, column 0 does change (the law is not vacuous)
      if (!pre && n == 0) {
        const X c = ctattn::transformer_layer(x, p);
        const X e = ctattn::transformer_layer(changed, p);
        CHECK(c(0, 0) != e(0, 0));
      }
    }
  }
}

// Identity-like parameters: attention and mlp outputs zero (Omega_c, beta_c, Omega_2, beta_2 all
// zero), LayerNorm gamma = 1, beta = 0. Pre-norm then returns X exactly (X + 0 + 0); post-norm
// returns LayerNorm(LayerNorm(X)): columns of mean 0 and variance s2 / (s2 + eps) ~ 1.
TEST_CASE("transformer_layer: identity-like parameters") {
  params p = laundered_params();
  p.attention.omega_c = {};
  p.attention.beta_c = {};
  p.ff2 = {};
  for (std::size_t d = 0; d < tr::D; ++d) {
    p.norm1.gamma[d] = p.norm2.gamma[d] = 1.0;
    p.norm1.beta[d] = p.norm2.beta[d] = 0.0;
  }
  const X x = laundered_x();
  CHECK(same_bits(ctattn::transformer_layer(x, p, ctattn::pre_norm), x));
  CHECK(same_bits(ctattn::transformer_layer(x, p, ctattn::pre_norm, ctattn::causal), x));
  const ctattn::layer_norm_params<double, tr::D> unit = p.norm1;
  const X post = ctattn::transformer_layer(x, p);
  CHECK(same_bits(post, ctattn::layer_norm(ctattn::layer_norm(x, unit), unit)));
  for (std::size_t n = 0; n < tr::N; ++n) {
    double mean = 0, var = 0;
    for (std::size_t d = 0; d < tr::D; ++d) mean += post(d, n);
    mean /= tr::D;
    for (std::size_t d = 0; d < tr::D; ++d) var += (post(d, n) - mean) * (post(d, n) - mean);
    var /= tr::D;
    CHECK(ctattn::abs(mean) <= 1e-15);
    CHECK(var == doctest::Approx(1.0).epsilon(1e-4));  // 1 - eps / (s2 + eps), s2 ~ 1
  }
}

// Permuting the tokens permutes the output (no positions inside the layer, no mask).
TEST_CASE("transformer_layer: permutation equivariance without a mask") {
  const params p = laundered_params();
  const X x = laundered_x();
  constexpr std::array<std::size_t, tr::N> perm{3, 0, 5, 1, 4, 2};
  X xp{};
  for (std::size_t n = 0; n < tr::N; ++n) ctattn::set_col(xp, n, ctattn::col(x, perm[n]));
  for (const bool pre : {false, true}) {
    const X y = pre ? ctattn::transformer_layer(x, p, ctattn::pre_norm)
                    : ctattn::transformer_layer(x, p);
    const X yp = pre ? ctattn::transformer_layer(xp, p, ctattn::pre_norm)
                     : ctattn::transformer_layer(xp, p);
    for (std::size_t n = 0; n < tr::N; ++n)
      CHECK(ctattn::approx_equal(ctattn::col(yp, n), ctattn::col(y, perm[n]), 1e-13, 1e-13));
  }
}

}  // namespace

namespace {

// float: the same layer from the double inputs rounded to float. Against the float64 reference
// the error is that of float arithmetic (2^-24 = 6e-8 per rounding, a few hundred roundings,
// inputs rounded too): measured 4.4e-7; checked within 1e-4 relative / 1e-5 absolute. And
// the run time returns the bits of the constant evaluation, as for double.
template <std::size_t R, std::size_t C>
constexpr matrix<float, R, C> to_float(const matrix<double, R, C>& m) {
  matrix<float, R, C> f{};
  for (std::size_t i = 0; i < m.count; ++i) f[i] = static_cast<float>(m[i]);
  return f;
}
using params_f = ctattn::transformer_layer_params<float, tr::D, tr::H, tr::Dff>;
constexpr params_f pf_ct = [] {
  std::array<float, tr::params.size()> flat{};
  for (std::size_t i = 0; i < flat.size(); ++i) flat[i] = static_cast<float>(tr::params[i]);
  return ctattn::load_params<params_f>(flat);
}();
constexpr auto xf_ct = to_float(tr::x);

TEST_CASE("transformer_layer: float, against numpy and with the constexpr bits") {
  constexpr auto ct = ctattn::transformer_layer(xf_ct, pf_ct, ctattn::pre_norm, ctattn::gelu_mlp);
  constexpr auto ct_post = ctattn::transformer_layer(xf_ct, pf_ct);
  matrix<float, tr::D, tr::N> x{};
  for (std::size_t i = 0; i < x.count; ++i) {
    volatile float v = xf_ct[i];
    x[i] = v;
  }
  params_f p{};
  {
    std::array<float, tr::params.size()> flat{};
    for (std::size_t i = 0; i < flat.size(); ++i) {
      volatile float v = static_cast<float>(tr::params[i]);
      flat[i] = v;
    }
    ctattn::load_params(p, flat);
  }
  const auto rt = ctattn::transformer_layer(x, p, ctattn::pre_norm, ctattn::gelu_mlp);
  const auto rt_post = ctattn::transformer_layer(x, p);
  for (std::size_t i = 0; i < rt.count; ++i) {
    CHECK(std::bit_cast<std::uint32_t>(rt[i]) == std::bit_cast<std::uint32_t>(ct[i]));
    CHECK(std::bit_cast<std::uint32_t>(rt_post[i]) == std::bit_cast<std::uint32_t>(ct_post[i]));
  }
  // pre-norm + GELU has no double reference of its own; post-norm ReLU has
  float worst = 0;
  for (std::size_t i = 0; i < rt_post.count; ++i) {
    const double d = static_cast<double>(rt_post[i]) - tr::post_norm[i];
    CHECK(ctattn::approx_equal(static_cast<double>(rt_post[i]), tr::post_norm[i], 1e-4, 1e-5));
    worst = static_cast<float>(d < 0 ? -d : d) > worst ? static_cast<float>(d < 0 ? -d : d) : worst;
  }
  MESSAGE("float: max |ctattn - numpy| = " << worst);
}

}  // namespace
