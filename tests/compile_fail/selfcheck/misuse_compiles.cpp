// Harness self-check: the "misuse" is valid code. The harness must report that it compiles.
// expect: ctattn: matrix product a * b needs a.cols == b.rows
#include <ctattn/matrix.hpp>

constexpr ctattn::matrix<double, 2, 3> a{};
#if CTATTN_TWIN
constexpr ctattn::matrix<double, 3, 5> b{};
#else
constexpr ctattn::matrix<double, 3, 4> b{};
#endif
constexpr auto c = a * b;
static_assert(c.rows == 2);
