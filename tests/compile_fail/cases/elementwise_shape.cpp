// Compile-fail case: element-wise + of matrices of different shapes names both shapes.
// Built by tests/compile_fail/run_case.py: -DCTATTN_TWIN=1 must compile, -DCTATTN_TWIN=0 must
// fail with every "expect" text below.
// expect: ctattn: element-wise operation on matrices of different shapes
// expect-gcc: [with long unsigned int R1 = 2; long unsigned int C1 = 3; long unsigned int R2 = 3; long unsigned int C2 = 2]
// expect-clang: require_same_shape<2UL, 3UL, 3UL, 2UL>
#include <ctattn/matrix.hpp>

constexpr ctattn::matrix<double, 2, 3> a{};
#if CTATTN_TWIN
constexpr ctattn::matrix<double, 2, 3> b{};
#else
constexpr ctattn::matrix<double, 3, 2> b{};
#endif
constexpr auto c = a + b;
static_assert(c.rows == 2);
