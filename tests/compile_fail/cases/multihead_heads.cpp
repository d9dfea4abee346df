// Compile-fail case: multi-head attention whose head count H does not divide the model dimension D.
// Built by tests/compile_fail/run_case.py: -DCTATTN_TWIN=1 must compile, -DCTATTN_TWIN=0 must
// fail with every "expect" text below.
// expect: ctattn::multihead_params<T, D, H>: the number of heads H must divide the model dimension D
// expect-gcc: [with long unsigned int D = 6; long unsigned int H = 4]
// expect-clang: check_heads<6UL, 4UL>
#include <ctattn/multihead.hpp>

#if CTATTN_TWIN
constexpr std::size_t heads = 3;
#else
constexpr std::size_t heads = 4;
#endif
constexpr ctattn::multihead_params<double, 6, heads> mp{};
static_assert(mp.heads_count == heads);
