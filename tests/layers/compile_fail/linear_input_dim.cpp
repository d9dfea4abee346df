// Compile-fail case: a linear layer applied to inputs whose dimension differs from its Din.
// Built by tests/compile_fail/run_case.py: -DCTATTN_TWIN=1 must compile, -DCTATTN_TWIN=0 must
// fail with every "expect" text below.
// expect: ctattn::linear: x has DX rows but the layer's omega expects Din inputs
// expect-gcc: [with long unsigned int DX = 4; long unsigned int Din = 5]
// expect-clang: require_linear_input<4UL, 5UL>
#include <ctattn/layers.hpp>

constexpr ctattn::linear_params<double, 5, 3> p{};
#if CTATTN_TWIN
constexpr ctattn::matrix<double, 5, 2> x{};
#else
constexpr ctattn::matrix<double, 4, 2> x{};
#endif
constexpr auto y = ctattn::linear(x, p);
static_assert(y.rows == 3 && y.cols == 2);
