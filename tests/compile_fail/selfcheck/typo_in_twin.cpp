// Harness self-check: a typo in the code shared by both variants. The misuse still fails with
// the expected message, but the twin does not compile: the harness must report it.
// expect: ctattn: matrix product a * b needs a.cols == b.rows
#include <ctattn/matrix.hpp>

constexpr ctattn::matrix<double, 2, 3> a{};
#if CTATTN_TWIN
constexpr ctattn::matrix<double, 3, 5> b{};
#else
constexpr ctattn::matrix<double, 4, 5> b{};
#endif
constexpr auto c = a * b;
static_assert(c.rwos == 2);
