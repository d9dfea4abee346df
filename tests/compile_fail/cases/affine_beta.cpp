// Compile-fail case: affine(omega, x, beta) with a beta of the wrong length.
// Built by tests/compile_fail/run_case.py: -DCTATTN_TWIN=1 must compile, -DCTATTN_TWIN=0 must
// fail with every "expect" text below.
// expect: ctattn::affine: beta must have one entry per row of omega
// expect-gcc: Dout = 2; long unsigned int Din = 3; long unsigned int Din2 = 3; long unsigned int N = 4; long unsigned int Dout2 = 3
// expect-clang: ctattn::affine<double, 2UL, 3UL, 3UL, 4UL, 3UL>
#include <ctattn/matrix.hpp>

constexpr ctattn::matrix<double, 2, 3> omega{};
constexpr ctattn::matrix<double, 3, 4> x{};
#if CTATTN_TWIN
constexpr ctattn::vector<double, 2> beta{};
#else
constexpr ctattn::vector<double, 3> beta{};
#endif
constexpr auto y = ctattn::affine(omega, x, beta);
static_assert(y.rows == 2 && y.cols == 4);
