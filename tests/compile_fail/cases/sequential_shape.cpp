// Compile-fail case: a model whose layer 2 takes 6 rows after layer 1 returns 8 (the 4 -> 8
// linear layer's output, passed on by the ReLU). The message names the layer index, both
// dimensions and both layer types.
// Built by tests/compile_fail/run_case.py: -DCTATTN_TWIN=1 must compile, -DCTATTN_TWIN=0 must
// fail with every "expect" text below.
// expect: ctattn::sequential: layer Index takes In x N inputs but is given Out x N
// expect-gcc: [with long unsigned int Index = 2; long unsigned int Out = 8; long unsigned int In = 6; Previous = ctattn::layers::relu; Layer = ctattn::layers::linear<double, 6, 3>]
// expect-clang: require_layer_fits<2UL, 8UL, 6UL, ctattn::layers::relu, ctattn::layers::linear<double, 6, 3>>
#include <ctattn/sequential.hpp>

namespace L = ctattn::layers;
#if CTATTN_TWIN
constexpr ctattn::sequential model(L::linear<double, 4, 8>{}, L::relu{}, L::linear<double, 8, 3>{});
#else
constexpr ctattn::sequential model(L::linear<double, 4, 8>{}, L::relu{}, L::linear<double, 6, 3>{});
#endif
constexpr auto y = model(ctattn::matrix<double, 4, 5>{});
static_assert(y.rows == 3 && y.cols == 5);
