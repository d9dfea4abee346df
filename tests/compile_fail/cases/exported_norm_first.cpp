// Compile-fail case: a layer exported with norm_first=True (tools/export_weights.py
// --pytorch-encoder-layer) called with ctattn::post_norm through its configuration.
// Built by tests/compile_fail/run_case.py: -DCTATTN_TWIN=1 must compile, -DCTATTN_TWIN=0 must
// fail with every "expect" text below.
// expect: ctattn::pytorch::transformer_layer: the option contradicts the exported configuration's norm_first
// expect-gcc: [with Config = pytorch_exported::layer_pre_gelu_config; Option = ctattn::post_norm_t]
// expect-clang: require_config_option<pytorch_exported::layer_pre_gelu_config, ctattn::post_norm_t>
#include <ctattn/params.hpp>
#include <ctattn/pytorch.hpp>

#include "../../data/pytorch_exported_layer.hpp"

using config = pytorch_exported::layer_pre_gelu_config;
const auto p = ctattn::load_params<config::params_type>(pytorch_exported::layer_pre_gelu);
const ctattn::matrix<double, 8, 3> x{};
#if CTATTN_TWIN
const auto y = ctattn::pytorch::transformer_layer<config>(x, p, ctattn::pre_norm, ctattn::causal);
#else
const auto y = ctattn::pytorch::transformer_layer<config>(x, p, ctattn::post_norm, ctattn::causal);
#endif
