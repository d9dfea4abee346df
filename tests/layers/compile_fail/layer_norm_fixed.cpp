// Compile-fail case: LayerNorm in fixed point (ctattn has no fixed-point sqrt).
// Built by tests/compile_fail/run_case.py: -DCTATTN_TWIN=1 must compile, -DCTATTN_TWIN=0 must
// fail with every "expect" text below.
// expect: ctattn::layer_norm: float and double only (it needs sqrt, which ctattn::fixed does not have)
// expect-gcc: [with T = ctattn::fixed<int, 16>; long unsigned int DX = 2; long unsigned int DP = 2]
// expect-clang: require_layer_norm<ctattn::fixed<int, 16>, 2UL, 2UL>
#include <cstdint>

#include <ctattn/fixed.hpp>
#include <ctattn/layers.hpp>

#if CTATTN_TWIN
using T = double;
#else
using T = ctattn::fixed<std::int32_t, 16>;
#endif
constexpr ctattn::matrix<T, 2, 2> x{T(1), T(2), T(3), T(5)};
constexpr auto y = ctattn::layer_norm(x, ctattn::identity_layer_norm_params<T, 2>());
static_assert(y.rows == 2);
