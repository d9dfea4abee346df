// Compile-fail case: learned position embeddings for fewer tokens than the input has.
// Built by tests/compile_fail/run_case.py: -DCTATTN_TWIN=1 must compile, -DCTATTN_TWIN=0 must
// fail with every "expect" text below.
// expect: ctattn::add_positions: x is DX x NX but the position embeddings are DP x NP
// expect-gcc: [with long unsigned int DX = 4; long unsigned int NX = 6; long unsigned int DP = 4; long unsigned int NP = 5]
// expect-clang: require_positions_shape<4UL, 6UL, 4UL, 5UL>
#include <ctattn/layers.hpp>

constexpr ctattn::matrix<double, 4, 6> x{};
#if CTATTN_TWIN
constexpr ctattn::position_embedding_params<double, 4, 6> p{};
#else
constexpr ctattn::position_embedding_params<double, 4, 5> p{};
#endif
constexpr auto y = ctattn::add_positions(x, p);
static_assert(y.cols == 6);
