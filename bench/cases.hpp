// bench/cases.hpp - the deterministic inputs shared by the run-time benchmark (bench/) and the
// bit-identity test (tests/bitid/): one X and one set of attention parameters per (T, N, D).
//
// Constexpr, so that the bit-identity test can compute the same case in a constant expression.
// Values come from a 64-bit LCG (Knuth's MMIX constants) mapped to k / 1024 with k in
// [-1024, 1024]: exactly representable in float and double, so both types see the same inputs.
// Weights are scaled by 1/D so that the scores stay O(1) and the softmax does not saturate.
#ifndef CTATTN_BENCH_CASES_HPP
#define CTATTN_BENCH_CASES_HPP

#include <cstddef>
#include <cstdint>

#include <ctattn/attention.hpp>
#include <ctattn/multihead.hpp>

namespace ctattn_bench {

struct lcg {
  std::uint64_t state;
  // Next value k / 1024, k in [-1024, 1024].
  template <class T>
  constexpr T next() noexcept {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    const auto k = static_cast<int>((state >> 33) % 2049U) - 1024;
    return static_cast<T>(k) / T(1024);
  }
};

template <class T, std::size_t R, std::size_t C>
constexpr ctattn::matrix<T, R, C> fill(lcg& g, T scale) noexcept {
  ctattn::matrix<T, R, C> m{};
  for (auto& e : m.elems) e = g.next<T>() * scale;
  return m;
}

//! One benchmark case: inputs X (D x N) and one head's parameters (Dk = Dv = D).
template <class T, std::size_t N, std::size_t D>
struct attention_case {
  ctattn::matrix<T, D, N> x;
  ctattn::attention_params<T, D> p;
};

template <class T, std::size_t N, std::size_t D>
constexpr attention_case<T, N, D> make_case() noexcept {
  lcg g{N * 1000U + D};
  const T w = T(2) / static_cast<T>(D);  // weights in [-2/D, 2/D]
  attention_case<T, N, D> c{};
  c.x = fill<T, D, N>(g, T(1));
  c.p.omega_q = fill<T, D, D>(g, w);
  c.p.omega_k = fill<T, D, D>(g, w);
  c.p.omega_v = fill<T, D, D>(g, w);
  c.p.beta_q = fill<T, D, 1>(g, T(0.25));
  c.p.beta_k = fill<T, D, 1>(g, T(0.25));
  c.p.beta_v = fill<T, D, 1>(g, T(0.25));
  return c;
}

//! One multi-head case: X (D x N), H heads of dimension D/H, and Omega_c (D x D), no bias.
template <class T, std::size_t N, std::size_t D, std::size_t H>
struct multihead_case {
  ctattn::matrix<T, D, N> x;
  ctattn::multihead_params<T, D, H> p;
};

template <class T, std::size_t N, std::size_t D, std::size_t H>
constexpr multihead_case<T, N, D, H> make_multihead_case() noexcept {
  constexpr std::size_t Dh = D / H;
  lcg g{N * 1000U + D * 10U + H};
  const T w = T(2) / static_cast<T>(D);
  multihead_case<T, N, D, H> c{};
  c.x = fill<T, D, N>(g, T(1));
  for (auto& h : c.p.heads) {
    h.omega_q = fill<T, Dh, D>(g, w);
    h.omega_k = fill<T, Dh, D>(g, w);
    h.omega_v = fill<T, Dh, D>(g, w);
    h.beta_q = fill<T, Dh, 1>(g, T(0.25));
    h.beta_k = fill<T, Dh, 1>(g, T(0.25));
    h.beta_v = fill<T, Dh, 1>(g, T(0.25));
  }
  c.p.omega_c = fill<T, D, D>(g, w);
  return c;
}

//! FLOPs of one single-head self-attention, counted as in the README:
//! projections 3 (2 D^2 N + D N) (multiply-adds plus the bias), scores 2 D N^2,
//! softmax 5 N^2 (max, subtract, exp, sum, divide: the exp counted as ONE operation although it
//! costs ~20 at run time), output 2 D N^2.
constexpr double attention_flops(std::size_t n, std::size_t d) noexcept {
  const auto N = static_cast<double>(n);
  const auto D = static_cast<double>(d);
  return 3.0 * (2.0 * D * D * N + D * N) + 2.0 * D * N * N + 5.0 * N * N + 2.0 * D * N * N;
}

//! FLOPs of multi-head attention: per head (dimension Dh = D/H) the single-head count with
//! Dk = Dv = Dh plus N^2 for the 1/sqrt(Dh) scaling, then 2 D^2 N for Omega_c.
constexpr double multihead_flops(std::size_t n, std::size_t d, std::size_t h) noexcept {
  const auto N = static_cast<double>(n);
  const auto D = static_cast<double>(d);
  const auto H = static_cast<double>(h);
  const double Dh = D / H;
  const double head = 3.0 * (2.0 * Dh * D * N + Dh * N) + 2.0 * Dh * N * N + N * N +
                      5.0 * N * N + 2.0 * Dh * N * N;
  return H * head + 2.0 * D * D * N;
}

}  // namespace ctattn_bench

#endif  // CTATTN_BENCH_CASES_HPP
