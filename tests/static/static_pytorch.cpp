// Compile-time tests of ctattn/pytorch.hpp: the mask adapters, multihead_attention against torch
// 1.13 (tests/data/pytorch_reference.hpp, tools/gen_pytorch_reference.py) and its bit identity
// with multihead_self_attention, the fully masked query, and the exported configuration - all
// in constant evaluation.
#include <ctattn/multihead.hpp>
#include <ctattn/params.hpp>
#include <ctattn/pytorch.hpp>
#include <ctattn/sequential.hpp>

#include <type_traits>

#include "../data/pytorch_exported_layer.hpp"
#include "../data/pytorch_exported_mha.hpp"
#include "../data/pytorch_exported_stack.hpp"
#include "../data/pytorch_reference.hpp"

namespace {
namespace pr = pytorch_ref;
namespace pe = pytorch_exported;
using ctattn::matrix;

// ---- masks: PyTorch's layout and polarity -----------------------------------------------------
// attn_mask (Nq x Nk, true = masked): query 0 may not attend key 2, query 1 not key 0.
constexpr matrix<bool, 2, 3> torch_mask{false, false, true, true, false, false};
static_assert(ctattn::from_attn_mask(torch_mask) ==
              matrix<bool, 3, 2>{true, false, true, true, false, true});
static_assert(ctattn::from_sdpa_mask(torch_mask) ==
              matrix<bool, 3, 2>{false, true, false, false, true, false});
static_assert(ctattn::from_key_padding_mask(ctattn::row_vector<bool, 3>{true, false, false}) ==
              ctattn::vector<bool, 3>{false, true, true});
// A mask and its adapter compose to the identity: from_attn_mask twice gives the mask back.
static_assert(ctattn::from_attn_mask(ctattn::from_attn_mask(torch_mask)) == torch_mask);

// ---- multihead_attention ------------------------------------------------------------------------
namespace c = pr::self;
using params = ctattn::multihead_attention_params<double, c::E, c::H, c::Kdim, c::Vdim>;
constexpr auto p = ctattn::load_params<params>(c::params);
constexpr auto r = ctattn::multihead_attention(c::query, c::query, c::query, p);
// Against torch (tolerance: tests/runtime/test_pytorch.cpp).
static_assert(ctattn::approx_equal(r.output, c::output, 1e-13, 1e-13));
static_assert(ctattn::approx_equal(r.weights[0], c::weights[0], 1e-13, 1e-13));
static_assert(ctattn::approx_equal(r.weights[1], c::weights[1], 1e-13, 1e-13));
// (x, x, x) is multihead_self_attention with the same parameters, bit for bit.
constexpr auto mh = ctattn::multihead_self_attention(c::query, ctattn::to_multihead_params(p));
static_assert(r.output == mh.output && r.weights == mh.weights);
static_assert(ctattn::to_multihead_attention_params(ctattn::to_multihead_params(p)) == p);
static_assert(ctattn::parameter_count_v<params> == 4 * c::E * c::E + 4 * c::E);

// A query that may attend no key: zero weights, output column = out_proj.bias (torch: NaN).
namespace f = pr::fully_masked;
using fparams = ctattn::multihead_attention_params<double, f::E, f::H>;
constexpr auto fp = ctattn::load_params<fparams>(f::params);
constexpr auto fallowed = ctattn::from_attn_mask(f::attn_mask);
constexpr auto fr = ctattn::multihead_attention(f::query, f::query, f::query, fp,
                                                ctattn::allowed(fallowed));
static_assert(ctattn::col(fr.weights[0], 2) == ctattn::zeros<double, f::Nk, 1>());
static_assert(ctattn::col(fr.weights[1], 2) == ctattn::zeros<double, f::Nk, 1>());
static_assert(ctattn::col(fr.output, 2) == fp.beta_c);
static_assert(f::output(0, 2) != f::output(0, 2));  // torch's NaN, as the generator recorded it

// ---- exported configuration -----------------------------------------------------------------
using mha_config = pe::mha_kv_masks_config;
static_assert(std::is_same_v<mha_config::params_type,
                             ctattn::multihead_attention_params<double, 8, 4, 6, 3>>);
static_assert(ctattn::load_params<mha_config::params_type>(pe::mha_kv_masks) ==
              ctattn::load_params<mha_config::params_type>(pr::kv_masks::params));
using layer_config = pe::layer_pre_gelu_config;
static_assert(std::is_same_v<layer_config::norm_place, ctattn::pre_norm_t> &&
              std::is_same_v<layer_config::activation, ctattn::gelu_erf_mlp_t> &&
              layer_config::eps == 0.1 && layer_config::heads == 2 && layer_config::layers == 1);

// What the exported stack loads as (the weights' type decides; compile_fail_exported_heads shows
// the message): its params_type, or a sequential of exactly two encoder_layer<stack_config>.
using stack_config = pe::stack_config;
using L = ctattn::pytorch::encoder_layer<stack_config, ctattn::causal_t>;
using ctattn::pytorch::detail::loads_as_v;
static_assert(loads_as_v<stack_config, stack_config::params_type>);
static_assert(loads_as_v<stack_config, ctattn::sequential<L, L>>);
using L_plain = ctattn::pytorch::encoder_layer<stack_config>;  // other tag options: still fine
static_assert(loads_as_v<stack_config, ctattn::sequential<L, L_plain>>);
static_assert(!loads_as_v<stack_config, ctattn::sequential<L>>);
static_assert(!loads_as_v<stack_config, ctattn::sequential<L, L, L>>);
using plain =
    ctattn::layers::transformer<double, 8, 2, 16, ctattn::pre_norm_t, ctattn::gelu_erf_mlp_t>;
static_assert(!loads_as_v<stack_config, ctattn::sequential<plain, plain>>);
using four_heads = ctattn::transformer_layer_params<double, 8, 4, 16>;
static_assert(!loads_as_v<stack_config, std::array<four_heads, 2>>);
static_assert(!loads_as_v<layer_config, L>);
constexpr auto model = ctattn::load_params<ctattn::sequential<L, L>>(pe::stack);
static_assert(model.layer<1>().params.norm2.beta[7] == pe::stack[pe::stack_count - 1]);
}  // namespace
