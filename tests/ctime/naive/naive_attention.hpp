// tests/ctime/naive/naive_attention.hpp - the baseline of the compile-time probe: self-attention
// as a user would first write it for constant evaluation (issue 4): nested loops over
// std::array, a loop-based exp (argument halving, Taylor series, squaring), no folds.
// Not part of the library; only the probe (tests/ctime/probe.py) compiles it.
#ifndef CTATTN_TESTS_CTIME_NAIVE_ATTENTION_HPP
#define CTATTN_TESTS_CTIME_NAIVE_ATTENTION_HPP

#include <array>
#include <cstddef>

namespace naive {

template <std::size_t R, std::size_t C>
using mat = std::array<std::array<double, C>, R>;  // mat[r][c]

constexpr double exp(double x) {
  int halvings = 0;
  while (x > 0.5 || x < -0.5) {
    x = x / 2;
    ++halvings;
  }
  double sum = 1;
  double term = 1;
  for (int n = 1; n < 20; ++n) {
    term = term * x / n;
    sum = sum + term;
  }
  for (int i = 0; i < halvings; ++i) sum = sum * sum;
  return sum;
}

template <std::size_t D>
struct params {
  mat<D, D> omega_q, omega_k, omega_v;
  std::array<double, D> beta_q, beta_k, beta_v;
};

template <std::size_t D, std::size_t N>
struct result {
  mat<D, N> output;
  mat<N, N> weights;  // weights[m][n]: key m, query n
};

template <std::size_t D, std::size_t N>
constexpr mat<D, N> affine(const mat<D, D>& omega, const mat<D, N>& x,
                           const std::array<double, D>& beta) {
  mat<D, N> out{};
  for (std::size_t i = 0; i < D; ++i)
    for (std::size_t n = 0; n < N; ++n) {
      double acc = 0;
      for (std::size_t k = 0; k < D; ++k) acc += omega[i][k] * x[k][n];
      out[i][n] = acc + beta[i];
    }
  return out;
}

template <std::size_t D, std::size_t N>
constexpr result<D, N> self_attention(const mat<D, N>& x, const params<D>& p) {
  const mat<D, N> q = affine(p.omega_q, x, p.beta_q);
  const mat<D, N> k = affine(p.omega_k, x, p.beta_k);
  const mat<D, N> v = affine(p.omega_v, x, p.beta_v);
  result<D, N> r{};
  for (std::size_t n = 0; n < N; ++n) {
    std::array<double, N> s{};
    double mx = -1e300;
    for (std::size_t m = 0; m < N; ++m) {
      for (std::size_t d = 0; d < D; ++d) s[m] += k[d][m] * q[d][n];
      if (s[m] > mx) mx = s[m];
    }
    double total = 0;
    for (std::size_t m = 0; m < N; ++m) {
      s[m] = naive::exp(s[m] - mx);
      total += s[m];
    }
    for (std::size_t m = 0; m < N; ++m) r.weights[m][n] = s[m] / total;
    for (std::size_t d = 0; d < D; ++d)
      for (std::size_t m = 0; m < N; ++m) r.output[d][n] += v[d][m] * r.weights[m][n];
  }
  return r;
}

}  // namespace naive

#endif  // CTATTN_TESTS_CTIME_NAIVE_ATTENTION_HPP
