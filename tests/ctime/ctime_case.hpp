// tests/ctime/ctime_case.hpp - one compile-time case of the probe: self-attention at N = D =
// CTIME_N (double) evaluated inside a static_assert, with no flag that raises the compilers'
// constant-evaluation limits.
//   CTIME_NAIVE = 1   the baseline (naive/naive_attention.hpp) instead of ctattn
//   CTIME_HEADS = H   multi-head self-attention with H heads (ctattn only)
// Inputs are deterministic: an integer hash of (seed, index) mapped to k / 32768 in [-1, 1)
// (exact in double), scaled so that the scores have a standard deviation near 1. Generating
// them is a separate constant evaluation per matrix, cheap next to the attention itself.
//
// What is checked, independently of the kernels that computed the result:
//   - every column of the attention weights is non-negative and sums to 1 within 4 N eps;
//   - single head: the column sums of the output obey 1^T x'_n = sum_m a_mn (1^T v_m), with
//     1^T v_m = 1^T beta_v + (1^T Omega_v) x_m computed here by a plain loop (linearity of
//     X' = V A), to a relative 1e-12 of the sum of magnitudes;
//   - multi-head: every head's weights as above, and every output element finite (here the
//     result is a constexpr variable and the checks a separate static_assert).
#ifndef CTATTN_TESTS_CTIME_CASE_HPP
#define CTATTN_TESTS_CTIME_CASE_HPP

#include <array>
#include <cstddef>
#include <cstdint>
#include <type_traits>

#ifndef CTIME_N
#error "define CTIME_N (N = D)"
#endif
#ifndef CTIME_NAIVE
#define CTIME_NAIVE 0
#endif
#ifndef CTIME_HEADS
#define CTIME_HEADS 0
#endif

#if CTIME_NAIVE
#include "naive/naive_attention.hpp"
#else
#include <ctattn/ctattn.hpp>
#endif

namespace ctime_case {

inline constexpr std::size_t N = CTIME_N;
inline constexpr std::size_t D = CTIME_N;

// k / 32768 for a hash k of (seed, i) in [-32768, 32768).
constexpr double unit(std::uint32_t seed, std::uint32_t i) {
  std::uint32_t h = (i + 1u) * 2654435761u ^ seed * 0x9E3779B9u;
  h ^= h >> 15;
  h *= 0x2C1B3C6Du;
  h ^= h >> 12;
  return static_cast<double>(static_cast<int>(h & 0xFFFFu) - 32768) / 32768.0;
}

// 1 / ceil(sqrt(D)): weights of this size keep the scores near unit scale.
constexpr double weight_scale() {
  std::size_t r = 1;
  while (r * r < D) ++r;
  return 1.0 / static_cast<double>(r);
}

constexpr double abs(double v) { return v < 0 ? -v : v; }

// at(m, r, c) reads element (r, c) of either representation.
#if CTIME_NAIVE
template <std::size_t R, std::size_t C>
using mat = naive::mat<R, C>;
template <std::size_t R, std::size_t C>
constexpr double at(const mat<R, C>& m, std::size_t r, std::size_t c) {
  return m[r][c];
}
template <std::size_t R>
constexpr double at(const std::array<double, R>& v, std::size_t r, std::size_t) {
  return v[r];
}
template <std::size_t R, std::size_t C>
constexpr mat<R, C> gen(std::uint32_t seed, double scale) {
  mat<R, C> m{};
  for (std::size_t r = 0; r < R; ++r)
    for (std::size_t c = 0; c < C; ++c)
      m[r][c] = scale * unit(seed, static_cast<std::uint32_t>(r * C + c));
  return m;
}
template <std::size_t R>
constexpr std::array<double, R> gen_vec(std::uint32_t seed, double scale) {
  std::array<double, R> v{};
  for (std::size_t r = 0; r < R; ++r) v[r] = scale * unit(seed, static_cast<std::uint32_t>(r));
  return v;
}
#else
template <std::size_t R, std::size_t C>
using mat = ctattn::matrix<double, R, C>;
template <std::size_t R, std::size_t C>
constexpr double at(const mat<R, C>& m, std::size_t r, std::size_t c) {
  return m(r, c);
}
template <std::size_t R, std::size_t C>
constexpr mat<R, C> gen(std::uint32_t seed, double scale) {
  mat<R, C> m{};
  for (std::size_t i = 0; i < R * C; ++i)
    m.elems[i] = scale * unit(seed, static_cast<std::uint32_t>(i));
  return m;
}
template <std::size_t R>
constexpr ctattn::vector<double, R> gen_vec(std::uint32_t seed, double scale) {
  return gen<R, 1>(seed, scale);
}
#endif

// Element (r, c) inside the checks. The checks run in the same constant evaluation as the
// attention, so they are written to cost little: ctattn's elements without a function call,
// and one statement per loop body (Clang counts statements).
#if CTIME_NAIVE
#define CTIME_AT(m, r, c) (m)[r][c]
#else
#define CTIME_AT(m, r, c) (m).elems[(r) * std::remove_cvref_t<decltype(m)>::cols + (c)]
#endif

inline constexpr auto x = gen<D, N>(1, 1.0);

// Columns of the N x N weights: non-negative, each sums to 1 within 4 N eps.
template <class W>
constexpr bool weights_ok(const W& w) {
  constexpr double tol = 4.0 * static_cast<double>(N) * 0x1p-52;
  for (std::size_t n = 0; n < N; ++n) {
    double s = 0, lo = 1, hi = 0;
    for (std::size_t m = 0; m < N; ++m)
      s = s + CTIME_AT(w, m, n), lo = lo < CTIME_AT(w, m, n) ? lo : CTIME_AT(w, m, n),
      hi = hi > CTIME_AT(w, m, n) ? hi : CTIME_AT(w, m, n);
    if (!(lo >= 0 && hi <= 1 && abs(s - 1) <= tol)) return false;
  }
  return true;
}

#if CTIME_HEADS == 0

#if CTIME_NAIVE
inline constexpr naive::params<D> p{
#else
inline constexpr ctattn::attention_params<double, D> p{
#endif
    gen<D, D>(2, weight_scale()),  gen<D, D>(3, weight_scale()),  gen<D, D>(4, weight_scale()),
    gen_vec<D>(5, 0.125), gen_vec<D>(6, 0.125), gen_vec<D>(7, 0.125)};

// s_m = 1^T v_m = 1^T beta_v + (1^T Omega_v) x_m, by plain loops (independent of the kernels).
struct value_sums {
  std::array<double, N> s;
  std::array<double, N> mag;  // sum of the magnitudes that went into s_m
};
inline constexpr value_sums vs = [] {
  std::array<double, D> w{};
  std::array<double, D> wmag{};
  double c = 0;
  double cmag = 0;
  for (std::size_t i = 0; i < D; ++i) {
    c += at(p.beta_v, i, 0);
    cmag += abs(at(p.beta_v, i, 0));
    for (std::size_t k = 0; k < D; ++k) {
      w[k] += at(p.omega_v, i, k);
      wmag[k] += abs(at(p.omega_v, i, k));
    }
  }
  value_sums r{};
  for (std::size_t m = 0; m < N; ++m) {
    r.s[m] = c;
    r.mag[m] = cmag;
    for (std::size_t k = 0; k < D; ++k) {
      r.s[m] += w[k] * at(x, k, m);
      r.mag[m] += wmag[k] * abs(at(x, k, m));
    }
  }
  return r;
}();

template <class R>
constexpr bool result_ok(const R& r) {
  if (!weights_ok(r.weights)) return false;
  for (std::size_t n = 0; n < N; ++n) {
    double lhs = 0, rhs = 0, mag = 0;
    for (std::size_t d = 0; d < D; ++d)
      lhs += CTIME_AT(r.output, d, n), mag += abs(CTIME_AT(r.output, d, n));
    for (std::size_t m = 0; m < N; ++m)
      rhs += CTIME_AT(r.weights, m, n) * vs.s[m], mag += CTIME_AT(r.weights, m, n) * vs.mag[m];
    if (abs(lhs - rhs) > 1e-12 * mag) return false;
  }
  return true;
}

#if CTIME_NAIVE
static_assert(result_ok(naive::self_attention(x, p)));
#else
static_assert(result_ok(ctattn::self_attention(x, p)));
#endif

#else  // multi-head

#if CTIME_NAIVE
#error "the naive baseline has no multi-head case"
#endif
inline constexpr std::size_t H = CTIME_HEADS;
inline constexpr ctattn::multihead_params<double, D, H> mp = [] {
  ctattn::multihead_params<double, D, H> r{};
  constexpr std::size_t Dh = D / H;
  for (std::size_t h = 0; h < H; ++h) {
    const auto s = static_cast<std::uint32_t>(10 * h);
    r.heads[h] = {gen<Dh, D>(s + 2, weight_scale()), gen<Dh, D>(s + 3, weight_scale()),
                  gen<Dh, D>(s + 4, weight_scale()), gen_vec<Dh>(s + 5, 0.125),
                  gen_vec<Dh>(s + 6, 0.125),         gen_vec<Dh>(s + 7, 0.125)};
  }
  r.omega_c = gen<D, D>(9, weight_scale());
  return r;
}();

template <class R>
constexpr bool multihead_ok(const R& r) {
  for (const auto& w : r.weights)
    if (!weights_ok(w)) return false;
  for (const double v : r.output.elems)
    if (!(abs(v) < 1e300)) return false;
  return true;
}
// The attention is one constant evaluation (the initializer); the checks are a second one,
// since with 8 x 4096 weights they would not fit into the same budget.
inline constexpr auto mh = ctattn::multihead_self_attention(x, mp);
static_assert(multihead_ok(mh));

#endif

}  // namespace ctime_case

#endif  // CTATTN_TESTS_CTIME_CASE_HPP
