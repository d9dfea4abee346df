// Runtime tests of ctattn/matrix.hpp: the operations against their definitions.
#include <ctattn/matrix.hpp>

#include <doctest/doctest.h>

namespace {

TEST_CASE_TEMPLATE("matrix: brace initialisation is flat row-major", T, float, double) {
  const ctattn::matrix<T, 2, 3> m{1, 2, 3, 4, 5, 6};
  CHECK(m(0, 0) == T(1));
  CHECK(m(0, 2) == T(3));
  CHECK(m(1, 0) == T(4));
  CHECK(m(1, 2) == T(6));
  CHECK(decltype(m)::rows == 2);
  CHECK(decltype(m)::cols == 3);
}

TEST_CASE_TEMPLATE("matrix: element-wise operations and sum beyond 256 elements follow the loop",
                   T, float, double) {
  // 32 x 33 = 1056 elements: folds are split in chunks of 64 (Clang's fold limit is 256), the
  // last chunk a remainder of 32. Each element and the running sum must equal the plain loop.
  ctattn::matrix<T, 32, 33> a{};
  ctattn::matrix<T, 32, 33> b{};
  for (std::size_t i = 0; i < a.count; ++i) {
    a[i] = T(0.125) * static_cast<T>(i) - T(3);
    b[i] = T(1) / static_cast<T>(i + 1);
  }
  const auto s = a + b;
  const auto d = a - b;
  const auto h = ctattn::hadamard(a, b);
  const auto q = a / T(3);
  T acc{};
  for (std::size_t i = 0; i < a.count; ++i) {
    CHECK(s[i] == a[i] + b[i]);
    CHECK(d[i] == a[i] - b[i]);
    CHECK(h[i] == a[i] * b[i]);
    CHECK(q[i] == a[i] / T(3));
    acc = acc + s[i];
  }
  CHECK(ctattn::sum(s) == acc);
}

TEST_CASE_TEMPLATE("matrix: product matches the definition sum_k a(i,k) b(k,j)", T, float,
                   double) {
  ctattn::matrix<T, 3, 4> a{};
  ctattn::matrix<T, 4, 2> b{};
  for (std::size_t i = 0; i < a.count; ++i) a[i] = T(0.25) * static_cast<T>(i) - T(1);
  for (std::size_t i = 0; i < b.count; ++i) b[i] = T(2) - T(0.5) * static_cast<T>(i);
  const auto c = a * b;
  for (std::size_t i = 0; i < 3; ++i) {
    for (std::size_t j = 0; j < 2; ++j) {
      T acc{};
      for (std::size_t k = 0; k < 4; ++k) acc = acc + a(i, k) * b(k, j);
      CHECK(c(i, j) == acc);
    }
  }
  CHECK(ctattn::transpose_times(ctattn::transpose(a), b) == c);
  CHECK(ctattn::transpose(c) == ctattn::transpose(b) * ctattn::transpose(a));
}

TEST_CASE_TEMPLATE("matrix: affine equals beta 1^T + Omega X bit for bit", T, float, double) {
  ctattn::matrix<T, 3, 2> omega{};
  ctattn::matrix<T, 2, 5> x{};
  ctattn::vector<T, 3> beta{T(0.1), T(-0.7), T(3.3)};
  for (std::size_t i = 0; i < omega.count; ++i) omega[i] = T(0.3) * static_cast<T>(i) - T(0.9);
  for (std::size_t i = 0; i < x.count; ++i) x[i] = T(1.1) - T(0.2) * static_cast<T>(i);
  CHECK(ctattn::affine(omega, x, beta) == beta * ctattn::ones<T, 1, 5>() + omega * x);
}

}  // namespace
