// Compile-fail case: a boolean mask whose shape is not keys x queries.
// Built by tests/compile_fail/run_case.py: -DCTATTN_TWIN=1 must compile, -DCTATTN_TWIN=0 must
// fail with every "expect" text below.
// expect: ctattn: a mask must be Nkv x Nq (keys x queries, the shape of the weights)
// expect-gcc: [with long unsigned int Nkv = 4; long unsigned int Nq = 4; long unsigned int MR = 4; long unsigned int MC = 3]
// expect-clang: require_mask_shape<4UL, 4UL, 4UL, 3UL>
#include <ctattn/attention.hpp>

constexpr ctattn::attention_params<double, 2> p{};
constexpr ctattn::matrix<double, 2, 4> x{};
#if CTATTN_TWIN
constexpr ctattn::matrix<bool, 4, 4> mask{};
#else
constexpr ctattn::matrix<bool, 4, 3> mask{};
#endif
constexpr auto r = ctattn::self_attention(x, p, ctattn::allowed(mask));
static_assert(r.weights.rows == 4);
