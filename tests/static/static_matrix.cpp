// Compile-time tests of ctattn/matrix.hpp.
#include <ctattn/matrix.hpp>

namespace {
using ctattn::matrix;

constexpr matrix<double, 2, 3> m{1, 2, 3, 4, 5, 6};
static_assert(m(0, 0) == 1 && m(0, 2) == 3 && m(1, 0) == 4 && m(1, 2) == 6);
static_assert(decltype(m)::rows == 2 && decltype(m)::cols == 3);
static_assert(std::is_aggregate_v<matrix<double, 2, 3>>);
static_assert(std::is_same_v<ctattn::vector<float, 4>, matrix<float, 4, 1>>);
static_assert(ctattn::transpose(ctattn::transpose(m)) == m);
static_assert(m * ctattn::identity<double, 3>() == m);
static_assert(ctattn::identity<double, 2>() * m == m);
static_assert(ctattn::sum(m) == 21);
static_assert(ctattn::col_sums(m) == matrix<double, 1, 3>{5, 7, 9});
static_assert(m * matrix<double, 3, 1>{1, 1, 1} == matrix<double, 2, 1>{6, 15});
static_assert(ctattn::col(m, 1) == ctattn::vector<double, 2>{2, 5});
static_assert(2.0 * m == m + m);
static_assert(ctattn::hadamard(m, m) == matrix<double, 2, 3>{1, 4, 9, 16, 25, 36});
static_assert(ctattn::approx_equal(m, m + matrix<double, 2, 3>{1e-13}, 1e-12));
static_assert(!ctattn::approx_equal(m, m + matrix<double, 2, 3>{1e-3}, 1e-12));

// Element-wise operations and reductions on more elements than Clang allows in one fold (256):
// 32 x 33 = 1056 elements (a 4 x 4 remainder chunk too), and a 300-element dot product. Closed
// forms: sum of i for i < n is n (n - 1) / 2, sum of i^2 is (n - 1) n (2n - 1) / 6 (all exact).
constexpr matrix<double, 32, 33> ramp = [] {
  matrix<double, 32, 33> r{};
  for (std::size_t i = 0; i < decltype(r)::count; ++i) r.elems[i] = static_cast<double>(i);
  return r;
}();
static_assert(ctattn::sum(ramp) == 1056.0 * 1055.0 / 2);
static_assert((ramp + ramp) == 2.0 * ramp && (ramp + ramp - ramp) == ramp);
static_assert(ctattn::hadamard(ramp, ramp).elems[1055] == 1055.0 * 1055.0);
static_assert((-ramp).elems[1000] == -1000.0 && (ramp / 2.0).elems[1055] == 527.5);
constexpr ctattn::vector<double, 300> iota300 = [] {
  ctattn::vector<double, 300> r{};
  for (std::size_t i = 0; i < 300; ++i) r.elems[i] = static_cast<double>(i);
  return r;
}();
static_assert(ctattn::dot(iota300, iota300) == 299.0 * 300.0 * 599.0 / 6);

// Shape mismatches are rejected before run time (the message is checked by compile-fail tests).
static_assert(!ctattn::Scalar<bool>);
static_assert(ctattn::Scalar<float> && ctattn::Scalar<double>);
}  // namespace
