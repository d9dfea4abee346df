// Compile-fail case: weights exported from an nn.MultiheadAttention with 4 heads, loaded as
// parameters with 2 heads (the same number of scalars, so only the exported configuration can
// tell; tools/export_weights.py --pytorch-mha, ctattn/pytorch.hpp).
// Built by tests/compile_fail/run_case.py: -DCTATTN_TWIN=1 must compile, -DCTATTN_TWIN=0 must
// fail with every "expect" text below.
// expect: ctattn::load_params: these weights were exported for Config::params_type, not P
// expect-gcc: [with Config = pytorch_exported::mha_kv_masks_config; P = ctattn::multihead_attention_params<double, 8, 2, 6, 3>]
// expect-clang: require_config_params<pytorch_exported::mha_kv_masks_config, ctattn::multihead_attention_params<double, 8, 2, 6, 3>>
#include <ctattn/params.hpp>
#include <ctattn/pytorch.hpp>

#include "../../data/pytorch_exported_mha.hpp"

#if CTATTN_TWIN
constexpr std::size_t heads = 4;
#else
constexpr std::size_t heads = 2;
#endif
constexpr auto p = ctattn::load_params<ctattn::multihead_attention_params<double, 8, heads, 6, 3>>(
    pytorch_exported::mha_kv_masks);
static_assert(p.omega_k.cols == 6);
