// Compile-fail case: a model called on inputs of the wrong dimension: layer 0 takes 4 rows but
// is given 5 by the input (its "Previous" is the input matrix type).
// Built by tests/compile_fail/run_case.py: -DCTATTN_TWIN=1 must compile, -DCTATTN_TWIN=0 must
// fail with every "expect" text below.
// expect: ctattn::sequential: layer Index takes In x N inputs but is given Out x N
// expect-gcc: [with long unsigned int Index = 0; long unsigned int Out = 5; long unsigned int In = 4; Previous = ctattn::matrix<double, 5, 3>; Layer = ctattn::layers::linear<double, 4, 2>]
// expect-clang: require_layer_fits<0UL, 5UL, 4UL, ctattn::matrix<double, 5, 3>, ctattn::layers::linear<double, 4, 2>>
#include <ctattn/sequential.hpp>

namespace L = ctattn::layers;
constexpr ctattn::sequential model(L::linear<double, 4, 2>{}, L::relu{});
#if CTATTN_TWIN
constexpr ctattn::matrix<double, 4, 3> x{};
#else
constexpr ctattn::matrix<double, 5, 3> x{};
#endif
constexpr auto y = model(x);
static_assert(y.rows == 2);
