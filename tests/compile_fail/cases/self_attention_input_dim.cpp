// Compile-fail case: self-attention of inputs whose dimension differs from the parameters' D.
// Built by tests/compile_fail/run_case.py: -DCTATTN_TWIN=1 must compile, -DCTATTN_TWIN=0 must
// fail with every "expect" text below.
// expect: ctattn::self_attention: X has DX rows but the parameters expect inputs of dimension DP
// expect-gcc: [with long unsigned int DX = 4; long unsigned int DP = 3]
// expect-clang: require_input_dim<4UL, 3UL>
#include <ctattn/attention.hpp>

constexpr ctattn::attention_params<double, 3, 2, 3> p{};
#if CTATTN_TWIN
constexpr ctattn::matrix<double, 3, 5> x{};
#else
constexpr ctattn::matrix<double, 4, 5> x{};
#endif
constexpr auto r = ctattn::self_attention(x, p);
static_assert(r.output.rows == 3 && r.weights.rows == 5);
