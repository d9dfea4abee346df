// Harness self-check: the misuse variant fails, but through a typo (an undeclared name), not
// through ctattn's message. The harness must report "failed for the wrong reason".
// expect: ctattn: matrix product a * b needs a.cols == b.rows
#include <ctattn/matrix.hpp>

constexpr ctattn::matrix<double, 2, 3> a{};
#if CTATTN_TWIN
constexpr ctattn::matrix<double, 3, 5> b{};
constexpr auto c = a * b;
#else
constexpr ctattn::matrix<double, 4, 5> b{};
constexpr auto c = a * bb;
#endif
static_assert(c.rows == 2);
