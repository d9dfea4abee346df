// Compile-fail case: a matrix product whose inner dimensions differ names both shapes.
// Built by tests/compile_fail/run_case.py: -DCTATTN_TWIN=1 must compile, -DCTATTN_TWIN=0 must
// fail with every "expect" text below.
// expect: ctattn: matrix product a * b needs a.cols == b.rows
// expect-gcc: [with long unsigned int R = 2; long unsigned int K1 = 3; long unsigned int K2 = 4; long unsigned int C = 5]
// expect-clang: require_product_shape<2UL, 3UL, 4UL, 5UL>
#include <ctattn/matrix.hpp>

constexpr ctattn::matrix<double, 2, 3> a{};
#if CTATTN_TWIN
constexpr ctattn::matrix<double, 3, 5> b{};
#else
constexpr ctattn::matrix<double, 4, 5> b{};
#endif
constexpr auto c = a * b;
static_assert(c.rows == 2 && c.cols == 5);
