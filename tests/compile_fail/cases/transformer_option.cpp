// Compile-fail case: transformer_layer given an option it does not know (a scaling option of
// self_attention: the layer's attention is always scaled by 1/sqrt(D/H)).
// Built by tests/compile_fail/run_case.py: -DCTATTN_TWIN=1 must compile, -DCTATTN_TWIN=0 must
// fail with every "expect" text below.
// expect: ctattn::transformer_layer: unknown option (see Option below)
// expect-gcc: [with Option = ctattn::unscaled_t]
// expect-clang: require_transformer_option<ctattn::unscaled_t>
#include <ctattn/transformer.hpp>

constexpr ctattn::transformer_layer_params<double, 4, 2, 8> p{};
constexpr ctattn::matrix<double, 4, 3> x{};
#if CTATTN_TWIN
constexpr auto y = ctattn::transformer_layer(x, p, ctattn::pre_norm, ctattn::causal);
#else
constexpr auto y = ctattn::transformer_layer(x, p, ctattn::pre_norm, ctattn::unscaled);
#endif
static_assert(y.rows == 4);
