// Compile-fail case: LayerNorm parameters for another embedding size than the input's.
// Built by tests/compile_fail/run_case.py: -DCTATTN_TWIN=1 must compile, -DCTATTN_TWIN=0 must
// fail with every "expect" text below.
// expect: ctattn::layer_norm: x has DX rows but gamma/beta have DP entries
// expect-gcc: [with T = double; long unsigned int DX = 6; long unsigned int DP = 4]
// expect-clang: require_layer_norm<double, 6UL, 4UL>
#include <ctattn/layers.hpp>

constexpr ctattn::matrix<double, 6, 3> x{};
#if CTATTN_TWIN
constexpr auto p = ctattn::identity_layer_norm_params<double, 6>();
#else
constexpr auto p = ctattn::identity_layer_norm_params<double, 4>();
#endif
constexpr auto y = ctattn::layer_norm(x, p);
static_assert(y.rows == 6);
