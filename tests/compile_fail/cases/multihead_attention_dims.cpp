// Compile-fail case: multihead_attention given a key whose rows differ from the parameters'
// kdim (PyTorch's layout: key Kdim x Nk).
// Built by tests/compile_fail/run_case.py: -DCTATTN_TWIN=1 must compile, -DCTATTN_TWIN=0 must
// fail with every "expect" text below.
// expect: ctattn::multihead_attention: query must have E rows, key Kdim and value Vdim
// expect-gcc: [with long unsigned int DQ = 4; long unsigned int E = 4; long unsigned int DK = 4; long unsigned int Kdim = 3;
// expect-clang: require_mha_dims<4UL, 4UL, 4UL, 3UL, 5UL, 5UL>
#include <ctattn/pytorch.hpp>

constexpr ctattn::multihead_attention_params<double, 4, 2, 3, 5> p{};
constexpr ctattn::matrix<double, 4, 2> q{};
constexpr ctattn::matrix<double, 5, 6> v{};
#if CTATTN_TWIN
constexpr ctattn::matrix<double, 3, 6> k{};
#else
constexpr ctattn::matrix<double, 4, 6> k{};
#endif
constexpr auto r = ctattn::multihead_attention(q, k, v, p);
static_assert(r.output.rows == 4);
