// Compile-fail case: a residual connection around a sub-layer that changes the shape.
// Built by tests/compile_fail/run_case.py: -DCTATTN_TWIN=1 must compile, -DCTATTN_TWIN=0 must
// fail with every "expect" text below.
// expect: ctattn::residual: the sub-layer output f(x) (D2 x N2) must have the shape of its input x (D1 x N1)
// expect-gcc: [with long unsigned int D1 = 4; long unsigned int N1 = 3; long unsigned int D2 = 8; long unsigned int N2 = 3]
// expect-clang: require_residual_shape<4UL, 3UL, 8UL, 3UL>
#include <ctattn/layers.hpp>

constexpr ctattn::matrix<double, 4, 3> x{};
#if CTATTN_TWIN
constexpr ctattn::matrix<double, 4, 3> fx{};
#else
constexpr ctattn::matrix<double, 8, 3> fx{};
#endif
constexpr auto y = ctattn::residual(x, fx);
static_assert(y.rows == 4);
