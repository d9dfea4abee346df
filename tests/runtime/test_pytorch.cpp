// Run-time tests of ctattn/pytorch.hpp against real PyTorch: torch 1.13's nn.MultiheadAttention,
// nn.TransformerEncoderLayer and nn.TransformerEncoder in float64, eval mode
// (tests/data/pytorch_reference.hpp and the exported headers beside it, all written by
// tools/gen_pytorch_reference.py). Masks are given to ctattn in PyTorch's own layout, through
// the adapters.
#include <ctattn/attention.hpp>
#include <ctattn/multihead.hpp>
#include <ctattn/options.hpp>
#include <ctattn/params.hpp>
#include <ctattn/pytorch.hpp>
#include <ctattn/sequential.hpp>
#include <ctattn/transformer.hpp>

#include <array>
#include <bit>
#include <cmath>
#include <cstdint>

#include <doctest/doctest.h>

#include "../data/pytorch_exported_layer.hpp"
#include "../data/pytorch_exported_mha.hpp"
#include "../data/pytorch_exported_stack.hpp"
#include "../data/pytorch_reference.hpp"

namespace {

namespace pr = pytorch_ref;
namespace pe = pytorch_exported;
using ctattn::matrix;

// torch and ctattn round differently (torch divides q by sqrt(Dh) before the product and sums
// in its own order; ctattn multiplies the scores by 1/sqrt(Dh)). Measured largest absolute
// differences (GCC 12 and Clang 14 alike: the bits are the same): 4.4e-16 for the attention
// cases, 1.8e-15 for the layers, 2.2e-15 for the two-layer stack (a few ulp of 1; relative
// differences reach 5.5e-14 only for entries near 0.01, where the absolute bound applies). The
// bound (1e-13 absolute, 1e-13 relative) leaves a margin of 45x or more; the CHECK_FALSE lines
// show that a wrong option or a missing mask is far outside it.
constexpr double rel = 1e-13;
constexpr double abs_tol = 1e-13;

template <std::size_t R, std::size_t C>
bool close(const matrix<double, R, C>& a, const matrix<double, R, C>& b) {
  for (std::size_t i = 0; i < a.count; ++i) {
    if (!ctattn::approx_equal(a[i], b[i], rel, abs_tol)) {
      MESSAGE("element " << i << ": " << a[i] << " vs torch " << b[i]);
      return false;
    }
  }
  return true;
}

template <std::size_t R, std::size_t C, std::size_t H>
bool close(const std::array<matrix<double, R, C>, H>& a,
           const std::array<matrix<double, R, C>, H>& b) {
  for (std::size_t h = 0; h < H; ++h)
    if (!close(a[h], b[h])) return false;
  return true;
}

template <std::size_t R, std::size_t C>
double max_abs_diff(const matrix<double, R, C>& a, const matrix<double, R, C>& b) {
  double d = 0;
  for (std::size_t i = 0; i < a.count; ++i) d = std::fmax(d, std::fabs(a[i] - b[i]));
  return d;
}

template <std::size_t R, std::size_t C>
bool same_bits(const matrix<double, R, C>& a, const matrix<double, R, C>& b) {
  for (std::size_t i = 0; i < a.count; ++i)
    if (std::bit_cast<std::uint64_t>(a[i]) != std::bit_cast<std::uint64_t>(b[i])) return false;
  return true;
}

template <std::size_t E, std::size_t H, std::size_t Kdim, std::size_t Vdim>
using mha_params = ctattn::multihead_attention_params<double, E, H, Kdim, Vdim>;
namespace kv = pr::kv_masks;
using kv_params = mha_params<kv::E, kv::H, kv::Kdim, kv::Vdim>;

// ---- mask adapters: layout and polarity, against masks written out by hand -------------------

TEST_CASE("pytorch masks: attn_mask true = masked, Nq x Nk, becomes allowed Nk x Nq") {
  // PyTorch: query 0 may not attend key 2, query 1 may not attend key 0.
  const matrix<bool, 2, 3> torch_mask{false, false, true, true, false, false};
  const matrix<bool, 3, 2> expected{true, false, true, true, false, true};
  CHECK(ctattn::from_attn_mask(torch_mask) == expected);
  // SDPA's polarity (true = may attend): only the transpose.
  const matrix<bool, 3, 2> sdpa{false, true, false, false, true, false};
  CHECK(ctattn::from_sdpa_mask(torch_mask) == sdpa);
}

TEST_CASE("pytorch masks: float attn_mask is transposed, values unchanged") {
  const double inf = pr::inf;
  const matrix<double, 2, 3> torch_mask{0.5, -inf, 0.0, 1.0, 2.0, -inf};
  const matrix<double, 3, 2> expected{0.5, 1.0, -inf, 2.0, 0.0, -inf};
  CHECK(ctattn::from_attn_mask(torch_mask) == expected);
}

TEST_CASE("pytorch masks: key_padding_mask true = padding becomes valid_keys") {
  const ctattn::row_vector<bool, 4> kpm{false, true, false, true};
  const ctattn::vector<bool, 4> expected{true, false, true, false};
  CHECK(ctattn::from_key_padding_mask(kpm) == expected);
  CHECK(ctattn::from_key_padding_mask(ctattn::transpose(kpm)) == expected);
}

// ---- nn.MultiheadAttention ---------------------------------------------------------------------

TEST_CASE(
    "pytorch MHA: self-attention (x, x, x) against torch, and the bits of "
    "multihead_self_attention") {
  namespace c = pr::self;
  const auto p = ctattn::load_params<mha_params<c::E, c::H, c::Kdim, c::Vdim>>(c::params);
  const auto r = ctattn::multihead_attention(c::query, c::query, c::query, p);
  CHECK(close(r.output, c::output));
  CHECK(close(r.weights, c::weights));
  const auto mh = ctattn::multihead_self_attention(c::query, ctattn::to_multihead_params(p));
  CHECK(same_bits(r.output, mh.output));
  for (std::size_t h = 0; h < c::H; ++h) CHECK(same_bits(r.weights[h], mh.weights[h]));
  CHECK(ctattn::to_multihead_attention_params(ctattn::to_multihead_params(p)) == p);
}

TEST_CASE("pytorch MHA: kdim, vdim, boolean attn_mask and key_padding_mask") {
  namespace c = pr::kv_masks;
  const auto p = ctattn::load_params<mha_params<c::E, c::H, c::Kdim, c::Vdim>>(c::params);
  const auto allowed = ctattn::from_attn_mask(c::attn_mask);
  const auto valid = ctattn::from_key_padding_mask(c::key_padding_mask);
  const auto r = ctattn::multihead_attention(c::query, c::key, c::value, p,
                                             ctattn::allowed(allowed), ctattn::valid_keys(valid));
  CHECK(close(r.output, c::output));
  CHECK(close(r.weights, c::weights));
  // Without the masks the result differs: the masks are not vacuous.
  CHECK_FALSE(close(ctattn::multihead_attention(c::query, c::key, c::value, p).output, c::output));
}

TEST_CASE("pytorch MHA: bias=False and a float attn_mask with finite values and -inf") {
  namespace c = pr::nobias_additive;
  const auto p = ctattn::load_params<mha_params<c::E, c::H, c::Kdim, c::Vdim>>(c::params);
  const auto add = ctattn::from_attn_mask(c::attn_mask);
  const auto r =
      ctattn::multihead_attention(c::query, c::key, c::value, p, ctattn::additive_mask(add));
  CHECK(close(r.output, c::output));
  CHECK(close(r.weights, c::weights));
  CHECK(p.beta_q == ctattn::zeros<double, c::E, 1>());  // bias=False exported as zeros
}

TEST_CASE(
    "pytorch MHA: one head, kdim 5, vdim 7, key_padding_mask; single-head cross-attention "
    "with separate key and value inputs") {
  namespace c = pr::single_head;
  const auto p = ctattn::load_params<mha_params<c::E, c::H, c::Kdim, c::Vdim>>(c::params);
  const auto valid = ctattn::from_key_padding_mask(c::key_padding_mask);
  const auto r =
      ctattn::multihead_attention(c::query, c::key, c::value, p, ctattn::valid_keys(valid));
  CHECK(close(r.output, c::output));
  CHECK(close(r.weights, c::weights));
  // The same head as qkv_attention_params: cross_attention(query, key, value) scaled by
  // 1/sqrt(E), then out_proj, gives the same bits.
  const ctattn::qkv_attention_params<double, c::E, c::Kdim, c::Vdim, c::E, c::E> head{
      p.omega_q, p.omega_k, p.omega_v, p.beta_q, p.beta_k, p.beta_v};
  const auto a = ctattn::cross_attention(c::query, c::key, c::value, head, ctattn::scaled,
                                         ctattn::valid_keys(valid));
  CHECK(same_bits(a.weights, r.weights[0]));
  CHECK(same_bits(ctattn::affine(p.omega_c, a.output, p.beta_c), r.output));
}

TEST_CASE("qkv cross_attention(xq, x, x) has the bits of cross_attention(xq, x)") {
  namespace c = pr::kv_masks;  // key: Kdim x Nk, used as both key and value input
  const auto p = ctattn::load_params<mha_params<c::E, c::H, c::Kdim, c::Vdim>>(c::params);
  ctattn::cross_attention_params<double, c::E, c::Kdim, c::E, c::E> cp{};
  cp.omega_q = p.omega_q;
  cp.omega_k = p.omega_k;
  cp.beta_q = p.beta_q;
  cp.beta_k = p.beta_k;
  cp.beta_v = p.beta_v;
  for (std::size_t i = 0; i < cp.omega_v.count; ++i)
    cp.omega_v[i] = p.omega_k[cp.omega_v.count - 1 - i];
  const ctattn::qkv_attention_params<double, c::E, c::Kdim, c::Kdim, c::E, c::E> qp{
      cp.omega_q, cp.omega_k, cp.omega_v, cp.beta_q, cp.beta_k, cp.beta_v};
  const auto allowed = ctattn::from_attn_mask(c::attn_mask);
  const auto a = ctattn::cross_attention(c::query, c::key, c::key, qp, ctattn::allowed(allowed));
  const auto b = ctattn::cross_attention(c::query, c::key, cp, ctattn::allowed(allowed));
  CHECK(same_bits(a.output, b.output));
  CHECK(same_bits(a.weights, b.weights));
}

TEST_CASE("pytorch MHA: causal (generate_square_subsequent_mask) is ctattn::causal") {
  namespace c = pr::causal;
  const auto p = ctattn::load_params<mha_params<c::E, c::H, c::Kdim, c::Vdim>>(c::params);
  const auto r = ctattn::multihead_attention(c::query, c::query, c::query, p, ctattn::causal);
  CHECK(close(r.output, c::output));
  CHECK(close(r.weights, c::weights));
}

TEST_CASE(
    "pytorch MHA: a query that may attend no key: torch 1.13 gives NaN, ctattn zero "
    "weights and out_proj.bias") {
  namespace c = pr::fully_masked;
  const auto p = ctattn::load_params<mha_params<c::E, c::H, c::Kdim, c::Vdim>>(c::params);
  const auto allowed = ctattn::from_attn_mask(c::attn_mask);
  const auto r =
      ctattn::multihead_attention(c::query, c::query, c::query, p, ctattn::allowed(allowed));
  constexpr std::size_t dead = 2;
  for (std::size_t n = 0; n < c::Nq; ++n) {
    for (std::size_t i = 0; i < c::E; ++i) {
      if (n == dead) {
        CHECK(std::isnan(c::output(i, n)));       // torch: NaN
        CHECK(r.output(i, n) == p.beta_c(i, 0));  // ctattn: Omega_c 0 + beta_c
      } else {
        CHECK(ctattn::approx_equal(r.output(i, n), c::output(i, n), rel, abs_tol));
      }
    }
    for (std::size_t h = 0; h < c::H; ++h) {
      for (std::size_t m = 0; m < c::Nk; ++m) {
        if (n == dead) {
          CHECK(std::isnan(c::weights[h](m, n)));
          CHECK(r.weights[h](m, n) == 0.0);
        } else {
          CHECK(ctattn::approx_equal(r.weights[h](m, n), c::weights[h](m, n), rel, abs_tol));
        }
      }
    }
  }
}

// ---- nn.TransformerEncoderLayer
// ------------------------------------------------------------------

namespace ly = pr::layer;
using layer_params = ctattn::transformer_layer_params<double, ly::D, ly::H, ly::Dff>;

TEST_CASE("pytorch encoder layer: every combination of norm_first, activation and eps") {
  const auto p = ctattn::load_params<layer_params>(ly::params);
  using ctattn::norm_eps;
  const auto& x = ly::x;
  const double e1 = 1e-5, e2 = 0.1;
  CHECK(close(ctattn::transformer_layer(x, p, ctattn::post_norm, ctattn::relu_mlp, norm_eps(e1)),
              ly::post_relu_eps1e5));
  CHECK(close(ctattn::transformer_layer(x, p, ctattn::post_norm, ctattn::relu_mlp, norm_eps(e2)),
              ly::post_relu_eps0_1));
  CHECK(close(ctattn::transformer_layer(x, p, ctattn::gelu_erf_mlp, norm_eps(e1)),
              ly::post_gelu_eps1e5));
  CHECK(close(ctattn::transformer_layer(x, p, ctattn::gelu_erf_mlp, norm_eps(e2)),
              ly::post_gelu_eps0_1));
  CHECK(close(ctattn::transformer_layer(x, p, ctattn::pre_norm), ly::pre_relu_eps1e5));
  CHECK(
      close(ctattn::transformer_layer(x, p, ctattn::pre_norm, norm_eps(e2)), ly::pre_relu_eps0_1));
  CHECK(close(ctattn::transformer_layer(x, p, ctattn::pre_norm, ctattn::gelu_erf_mlp),
              ly::pre_gelu_eps1e5));
  CHECK(close(ctattn::transformer_layer(x, p, ctattn::pre_norm, ctattn::gelu_erf_mlp, norm_eps(e2)),
              ly::pre_gelu_eps0_1));
  // Options matter: the wrong arrangement does not pass.
  CHECK_FALSE(close(ctattn::transformer_layer(x, p), ly::pre_relu_eps1e5));
}

TEST_CASE("pytorch encoder layer without biases: exported as zeros") {
  const auto p = ctattn::load_params<layer_params>(ly::params_nobias);
  CHECK(p.ff1.beta == ctattn::zeros<double, ly::Dff, 1>());
  CHECK(close(ctattn::transformer_layer(ly::x, p, ctattn::pre_norm, ctattn::gelu_erf_mlp),
              ly::nobias_pre_gelu));
}

// ---- exported with configuration (export_weights.export_module) -------------------------------

TEST_CASE(
    "exported nn.MultiheadAttention: the configuration's params_type loads the same "
    "weights") {
  using config = pe::mha_kv_masks_config;
  static_assert(config::heads == 4 && config::kdim == 6 && config::vdim == 3 && config::bias);
  const auto p = ctattn::load_params<config::params_type>(pe::mha_kv_masks);
  CHECK(p == ctattn::load_params<kv_params>(pr::kv_masks::params));
}

TEST_CASE(
    "exported nn.TransformerEncoderLayer: pytorch::transformer_layer<Config> applies "
    "norm_first, activation and eps") {
  using config = pe::layer_pre_gelu_config;
  static_assert(config::norm_first && config::eps == 0.1 && config::heads == 2);
  static_assert(std::is_same_v<config::activation, ctattn::gelu_erf_mlp_t>);
  const auto p = ctattn::load_params<config::params_type>(pe::layer_pre_gelu);
  CHECK(p == ctattn::load_params<layer_params>(ly::params));
  const auto y = ctattn::pytorch::transformer_layer<config>(ly::x, p);
  CHECK(close(y, ly::pre_gelu_eps0_1));
  // The options it stands for, spelled out: the same bits.
  CHECK(same_bits(y, ctattn::transformer_layer(ly::x, p, ctattn::pre_norm, ctattn::gelu_erf_mlp,
                                               ctattn::norm_eps(0.1))));
  // Options that agree with the configuration are accepted (and change nothing).
  CHECK(same_bits(y, ctattn::pytorch::transformer_layer<config>(ly::x, p, ctattn::pre_norm,
                                                                ctattn::gelu_erf_mlp)));
}

TEST_CASE("exported causal nn.TransformerEncoder (2 layers): pytorch::transformer_encoder") {
  using config = pe::stack_config;
  static_assert(config::layers == 2 && config::eps == 1e-6);
  const auto ps = ctattn::load_params<config::params_type>(pe::stack);
  const auto y = ctattn::pytorch::transformer_encoder<config>(pr::stack::x, ps, ctattn::causal);
  CHECK(close(y, pr::stack::output));
  CHECK_FALSE(
      close(ctattn::pytorch::transformer_encoder<config>(pr::stack::x, ps), pr::stack::output));
}

TEST_CASE("exported causal nn.TransformerEncoder as a ctattn::sequential of "
          "pytorch::encoder_layer") {
  using config = pe::stack_config;
  using L = ctattn::pytorch::encoder_layer<config, ctattn::causal_t>;
  const auto model = ctattn::load_params<ctattn::sequential<L, L>>(pe::stack);
  const auto ps = ctattn::load_params<config::params_type>(pe::stack);
  CHECK(model.layer<0>().params == ps[0]);
  CHECK(model.layer<1>().params == ps[1]);
  const auto y = model(pr::stack::x);
  CHECK(same_bits(y, ctattn::pytorch::transformer_encoder<config>(pr::stack::x, ps,
                                                                  ctattn::causal)));
  CHECK(close(y, pr::stack::output));
}

TEST_CASE("nn.TransformerEncoder of 3 layers with PyTorch's defaults is transformer_layer with "
          "ctattn's") {
  const auto ps = ctattn::load_params<std::array<layer_params, 3>>(pr::stack_post::params);
  auto y = pr::stack_post::x;
  for (const auto& p : ps) y = ctattn::transformer_layer(y, p);
  CHECK(close(y, pr::stack_post::output));
}

// ---- the numbers docs/from-pytorch.md quotes
// -------------------------------------------------------

TEST_CASE("largest differences from torch (printed; docs/from-pytorch.md quotes them)") {
  double att = 0;
  {
    namespace c = pr::self;
    const auto p = ctattn::load_params<
        ctattn::multihead_attention_params<double, c::E, c::H, c::Kdim, c::Vdim>>(c::params);
    att = std::fmax(
        att, max_abs_diff(ctattn::multihead_attention(c::query, c::query, c::query, p).output,
                          c::output));
  }
  {
    namespace c = pr::kv_masks;
    const auto p = ctattn::load_params<kv_params>(c::params);
    const auto allowed = ctattn::from_attn_mask(c::attn_mask);
    const auto valid = ctattn::from_key_padding_mask(c::key_padding_mask);
    att = std::fmax(att, max_abs_diff(ctattn::multihead_attention(c::query, c::key, c::value, p,
                                                                  ctattn::allowed(allowed),
                                                                  ctattn::valid_keys(valid))
                                          .output,
                                      c::output));
  }
  {
    namespace c = pr::nobias_additive;
    const auto p = ctattn::load_params<
        ctattn::multihead_attention_params<double, c::E, c::H, c::Kdim, c::Vdim>>(c::params);
    const auto add = ctattn::from_attn_mask(c::attn_mask);
    att = std::fmax(att, max_abs_diff(ctattn::multihead_attention(c::query, c::key, c::value, p,
                                                                  ctattn::additive_mask(add))
                                          .output,
                                      c::output));
  }
  const auto p = ctattn::load_params<layer_params>(ly::params);
  using ctattn::norm_eps;
  const auto& x = ly::x;
  const double e1 = 1e-5, e2 = 0.1;
  const double layers = std::fmax(
      std::fmax(
          std::fmax(
              max_abs_diff(ctattn::transformer_layer(x, p, norm_eps(e1)), ly::post_relu_eps1e5),
              max_abs_diff(ctattn::transformer_layer(x, p, norm_eps(e2)), ly::post_relu_eps0_1)),
          std::fmax(
              max_abs_diff(ctattn::transformer_layer(x, p, ctattn::gelu_erf_mlp, norm_eps(e1)),
                           ly::post_gelu_eps1e5),
              max_abs_diff(ctattn::transformer_layer(x, p, ctattn::gelu_erf_mlp, norm_eps(e2)),
                           ly::post_gelu_eps0_1))),
      std::fmax(
          std::fmax(max_abs_diff(ctattn::transformer_layer(x, p, ctattn::pre_norm, norm_eps(e1)),
                                 ly::pre_relu_eps1e5),
                    max_abs_diff(ctattn::transformer_layer(x, p, ctattn::pre_norm, norm_eps(e2)),
                                 ly::pre_relu_eps0_1)),
          std::fmax(max_abs_diff(ctattn::transformer_layer(x, p, ctattn::pre_norm,
                                                           ctattn::gelu_erf_mlp, norm_eps(e1)),
                                 ly::pre_gelu_eps1e5),
                    max_abs_diff(ctattn::transformer_layer(x, p, ctattn::pre_norm,
                                                           ctattn::gelu_erf_mlp, norm_eps(e2)),
                                 ly::pre_gelu_eps0_1))));
  const auto ps = ctattn::load_params<pe::stack_config::params_type>(pe::stack);
  const double stack = max_abs_diff(
      ctattn::pytorch::transformer_encoder<pe::stack_config>(pr::stack::x, ps, ctattn::causal),
      pr::stack::output);
  const auto ps3 = ctattn::load_params<std::array<layer_params, 3>>(pr::stack_post::params);
  auto y3 = pr::stack_post::x;
  for (const auto& p3 : ps3) y3 = ctattn::transformer_layer(y3, p3);
  const double stack3 = max_abs_diff(y3, pr::stack_post::output);
  MESSAGE("largest absolute difference from torch: attention " << att << ", layers " << layers
                                                               << ", two-layer stack " << stack
                                                               << ", three-layer stack " << stack3);
  CHECK(stack3 < abs_tol);
  CHECK(att < abs_tol);
  CHECK(layers < abs_tol);
  CHECK(stack < abs_tol);
}

}  // namespace
