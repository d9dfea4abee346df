// Compile-fail case: cross-attention whose key/value inputs have the wrong dimension for the parameters.
// Built by tests/compile_fail/run_case.py: -DCTATTN_TWIN=1 must compile, -DCTATTN_TWIN=0 must
// fail with every "expect" text below.
// expect: ctattn::cross_attention: Xkv has DXkv rows but omega_k/omega_v expect DPkv
// expect-gcc: [with long unsigned int DXq = 3; long unsigned int DPq = 3; long unsigned int DXkv = 5; long unsigned int DPkv = 4]
// expect-clang: require_cross_dims<3UL, 3UL, 5UL, 4UL>
#include <ctattn/attention.hpp>

constexpr ctattn::cross_attention_params<double, 3, 4> p{};
constexpr ctattn::matrix<double, 3, 2> xq{};
#if CTATTN_TWIN
constexpr ctattn::matrix<double, 4, 6> xkv{};
#else
constexpr ctattn::matrix<double, 5, 6> xkv{};
#endif
constexpr auto r = ctattn::cross_attention(xq, xkv, p);
static_assert(r.weights.rows == 6 && r.weights.cols == 2);
