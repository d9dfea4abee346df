// Compile-fail case: a matrix with zero rows.
// Built by tests/compile_fail/run_case.py: -DCTATTN_TWIN=1 must compile, -DCTATTN_TWIN=0 must
// fail with every "expect" text below.
// expect: ctattn::matrix: Rows and Cols must both be at least 1
// expect-gcc: matrix<double, 0, 3>
// expect-clang: matrix<double, 0, 3>
#include <ctattn/matrix.hpp>

#if CTATTN_TWIN
constexpr std::size_t rows = 1;
#else
constexpr std::size_t rows = 0;
#endif
constexpr ctattn::matrix<double, rows, 3> m{};
static_assert(m.cols == 3);
