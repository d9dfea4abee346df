// Compile-fail case: matrix arithmetic on a non-arithmetic element type (bool) names the type.
// Built by tests/compile_fail/run_case.py: -DCTATTN_TWIN=1 must compile, -DCTATTN_TWIN=0 must
// fail with every "expect" text below.
// expect: ctattn: matrix arithmetic needs an arithmetic element type T
// expect-gcc: [with T = bool; long unsigned int R = 2; long unsigned int C = 2]
// expect-clang: require_scalar<bool, 2UL, 2UL>
#include <ctattn/matrix.hpp>

#if CTATTN_TWIN
using element = int;
#else
using element = bool;
#endif
constexpr ctattn::matrix<element, 2, 2> a{};
constexpr auto b = a + a;
static_assert(b.rows == 2);
