// Compile-fail case: eps given as an option to a layer whose exported configuration holds it.
// Built by tests/compile_fail/run_case.py: -DCTATTN_TWIN=1 must compile, -DCTATTN_TWIN=0 must
// fail with every "expect" text below.
// expect: ctattn::pytorch::transformer_layer: eps comes from the exported configuration (Config::eps); do not pass norm_eps
// expect-gcc: [with Config = pytorch_exported::layer_pre_gelu_config; Option = ctattn::norm_eps_t<double>]
// expect-clang: require_config_option<pytorch_exported::layer_pre_gelu_config, ctattn::norm_eps_t<double>>
#include <ctattn/params.hpp>
#include <ctattn/pytorch.hpp>

#include "../../data/pytorch_exported_layer.hpp"

using config = pytorch_exported::layer_pre_gelu_config;
const auto p = ctattn::load_params<config::params_type>(pytorch_exported::layer_pre_gelu);
const ctattn::matrix<double, 8, 3> x{};
#if CTATTN_TWIN
const auto y = ctattn::pytorch::transformer_layer<config>(x, p, ctattn::gelu_erf_mlp);
#else
const auto y = ctattn::pytorch::transformer_layer<config>(x, p, ctattn::norm_eps(1e-5));
#endif
