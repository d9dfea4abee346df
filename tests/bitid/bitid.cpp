// tests/bitid/bitid.cpp - the value a static_assert sees is the value computed at run time.
//
// For every case the run-time benchmark measures (bench/cases.hpp: float and double, (N, D) in
// {(3,4), (8,8), (16,16), (32,32), (64,64)}, and multi-head D = 64, H = 8, N = 64), plus
// scaled causal self-attention (masked softmax) at (N, D) = (3, 4) and (16, 16), and three
// more shapes for the small-size path (N = 1, 5, 7 with Dk, Dv != D), the attention
// is evaluated twice in this one translation unit: in a constant expression (a constexpr
// variable) and at run time on inputs read back through volatile, so the optimiser cannot fold
// them. Output and weights must agree bit for bit (compared as integers: -0 vs +0 and NaN
// payloads count as differences). Each run-time check also runs the caller-provided-buffer form
// (ctattn/workspace.hpp: self_attention_into, multihead_self_attention_into with_weights), whose
// output and weights must have the same bits too.
// tests/bitid/meson.build builds this file at -O0, -O2 and -O3 -march=native, on GCC with the
// dependency's -ffp-contract=off and on Clang also with -ffp-contract=on (the headers' pragma).
#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <type_traits>

#include <ctattn/attention.hpp>
#include <ctattn/multihead.hpp>
#include <ctattn/options.hpp>
#include <ctattn/workspace.hpp>

#include "../../bench/cases.hpp"

namespace {

#ifndef CTATTN_BITID_LABEL
#define CTATTN_BITID_LABEL "?"
#endif

template <class T, std::size_t R, std::size_t C>
ctattn::matrix<T, R, C> launder(const ctattn::matrix<T, R, C>& m) {
  ctattn::matrix<T, R, C> out{};
  for (std::size_t i = 0; i < m.count; ++i) {
    volatile T v = m.elems[i];
    out.elems[i] = v;
  }
  return out;
}

template <class T, std::size_t R, std::size_t C>
std::size_t count_bit_differences(const ctattn::matrix<T, R, C>& a,
                                  const ctattn::matrix<T, R, C>& b, const char* what, int& shown) {
  using bits = std::conditional_t<sizeof(T) == 8, std::uint64_t, std::uint32_t>;
  std::size_t diffs = 0;
  for (std::size_t i = 0; i < a.count; ++i) {
    if (std::bit_cast<bits>(a.elems[i]) == std::bit_cast<bits>(b.elems[i])) continue;
    ++diffs;
    if (shown++ < 5)
      std::printf("  %s[%zu]: constexpr %.17g, run time %.17g\n", what, i,
                  static_cast<double>(a.elems[i]), static_cast<double>(b.elems[i]));
  }
  return diffs;
}

template <class T, std::size_t D>
ctattn::attention_params<T, D> launder(const ctattn::attention_params<T, D>& p) {
  ctattn::attention_params<T, D> out{};
  out.omega_q = launder(p.omega_q);
  out.omega_k = launder(p.omega_k);
  out.omega_v = launder(p.omega_v);
  out.beta_q = launder(p.beta_q);
  out.beta_k = launder(p.beta_k);
  out.beta_v = launder(p.beta_v);
  return out;
}

bool report(const char* what, const char* type_name, std::size_t n, std::size_t d,
            std::size_t diffs, std::size_t total) {
  std::printf("%s %-6s %-8s N=%-2zu D=%-2zu: %s (%zu of %zu elements differ)\n", CTATTN_BITID_LABEL,
              type_name, what, n, d, diffs == 0 ? "identical" : "DIFFERENT", diffs, total);
  return diffs == 0;
}

// Options: none (the benchmark's call), or Causal: ctattn::scaled and ctattn::causal.
template <class T, std::size_t N, std::size_t D, bool Causal = false>
bool check(const char* type_name) {
  static constexpr auto c = ctattn_bench::make_case<T, N, D>();
  static constexpr auto expected = [] {
    if constexpr (Causal)
      return ctattn::self_attention(c.x, c.p, ctattn::scaled, ctattn::causal);
    else
      return ctattn::self_attention(c.x, c.p);
  }();

  const auto p = launder(c.p);
  const auto x = launder(c.x);
  const auto got = [&] {
    if constexpr (Causal)
      return ctattn::self_attention(x, p, ctattn::scaled, ctattn::causal);
    else
      return ctattn::self_attention(x, p);
  }();

  static ctattn::attention_workspace<T, N, D, D> ws;
  static ctattn::matrix<T, D, N> out;
  static ctattn::matrix<T, N, N> w;
  if constexpr (Causal)
    ctattn::self_attention_into(out, x, p, ws, ctattn::scaled, ctattn::causal,
                                ctattn::with_weights(w));
  else
    ctattn::self_attention_into(out, x, p, ws, ctattn::with_weights(w));

  int shown = 0;
  const std::size_t diffs =
      count_bit_differences(expected.output, got.output, "output", shown) +
      count_bit_differences(expected.weights, got.weights, "weights", shown) +
      count_bit_differences(expected.output, out, "output (_into)", shown) +
      count_bit_differences(expected.weights, w, "weights (_into)", shown);
  return report(Causal ? "causal" : "single", type_name, N, D, diffs,
                2 * (expected.output.count + expected.weights.count));
}

// Multi-head as benchmarked: multihead_self_attention(x, p), every head scaled by 1/sqrt(D/H).
template <class T, std::size_t N, std::size_t D, std::size_t H>
bool check_multihead(const char* type_name) {
  static constexpr auto c = ctattn_bench::make_multihead_case<T, N, D, H>();
  static constexpr auto expected = ctattn::multihead_self_attention(c.x, c.p);

  ctattn::multihead_params<T, D, H> p{};
  for (std::size_t h = 0; h < H; ++h) {
    p.heads[h].omega_q = launder(c.p.heads[h].omega_q);
    p.heads[h].omega_k = launder(c.p.heads[h].omega_k);
    p.heads[h].omega_v = launder(c.p.heads[h].omega_v);
    p.heads[h].beta_q = launder(c.p.heads[h].beta_q);
    p.heads[h].beta_k = launder(c.p.heads[h].beta_k);
    p.heads[h].beta_v = launder(c.p.heads[h].beta_v);
  }
  p.omega_c = launder(c.p.omega_c);
  const auto x = launder(c.x);
  const auto got = ctattn::multihead_self_attention(x, p);
  static ctattn::multihead_workspace<T, D, H, N> ws;
  static ctattn::matrix<T, D, N> out;
  static std::array<ctattn::matrix<T, N, N>, H> w;
  ctattn::multihead_self_attention_into(out, x, p, ws, ctattn::with_weights(w));

  int shown = 0;
  std::size_t diffs = count_bit_differences(expected.output, got.output, "output", shown) +
                      count_bit_differences(expected.output, out, "output (_into)", shown);
  std::size_t total = 2 * expected.output.count;
  for (std::size_t h = 0; h < H; ++h) {
    diffs += count_bit_differences(expected.weights[h], got.weights[h], "weights", shown) +
             count_bit_differences(expected.weights[h], w[h], "weights (_into)", shown);
    total += 2 * expected.weights[h].count;
  }
  return report("mh H=8", type_name, N, D, diffs, total);
}

// The small-size path (detail/small_attention.hpp) on shapes the benchmark does not cover:
// one token, Dk != Dv != D, rows of 5 and 7 elements (two vectors per row on SSE2).
template <class T, std::size_t N, std::size_t D, std::size_t Dk, std::size_t Dv>
struct shape_case {
  ctattn::matrix<T, D, N> x;
  ctattn::attention_params<T, D, Dk, Dv> p;
};
template <class T, std::size_t N, std::size_t D, std::size_t Dk, std::size_t Dv>
constexpr shape_case<T, N, D, Dk, Dv> make_shape_case() noexcept {
  ctattn_bench::lcg g{N * 10000U + D * 100U + Dk * 10U + Dv};
  const T w = T(2) / static_cast<T>(D);
  shape_case<T, N, D, Dk, Dv> c{};
  c.x = ctattn_bench::fill<T, D, N>(g, T(1));
  c.p.omega_q = ctattn_bench::fill<T, Dk, D>(g, w);
  c.p.omega_k = ctattn_bench::fill<T, Dk, D>(g, w);
  c.p.omega_v = ctattn_bench::fill<T, Dv, D>(g, w);
  c.p.beta_q = ctattn_bench::fill<T, Dk, 1>(g, T(0.25));
  c.p.beta_k = ctattn_bench::fill<T, Dk, 1>(g, T(0.25));
  c.p.beta_v = ctattn_bench::fill<T, Dv, 1>(g, T(0.25));
  return c;
}
template <class T, std::size_t N, std::size_t D, std::size_t Dk, std::size_t Dv>
bool check_shape(const char* type_name) {
  static constexpr auto c = make_shape_case<T, N, D, Dk, Dv>();
  static constexpr auto expected = ctattn::self_attention(c.x, c.p);
  ctattn::attention_params<T, D, Dk, Dv> p{};
  p.omega_q = launder(c.p.omega_q);
  p.omega_k = launder(c.p.omega_k);
  p.omega_v = launder(c.p.omega_v);
  p.beta_q = launder(c.p.beta_q);
  p.beta_k = launder(c.p.beta_k);
  p.beta_v = launder(c.p.beta_v);
  const auto x = launder(c.x);
  const auto got = ctattn::self_attention(x, p);
  static ctattn::attention_workspace<T, N, Dk, Dv> ws;
  static ctattn::matrix<T, Dv, N> out;
  static ctattn::matrix<T, N, N> w;
  ctattn::self_attention_into(out, x, p, ws, ctattn::with_weights(w));
  int shown = 0;
  const std::size_t diffs =
      count_bit_differences(expected.output, got.output, "output", shown) +
      count_bit_differences(expected.weights, got.weights, "weights", shown) +
      count_bit_differences(expected.output, out, "output (_into)", shown) +
      count_bit_differences(expected.weights, w, "weights (_into)", shown);
  return report("shape", type_name, N, D, diffs,
                2 * (expected.output.count + expected.weights.count));
}

constexpr int cases_per_type = 11;

template <class T>
int check_all(const char* type_name) {
  int failed = 0;
  failed += check<T, 3, 4>(type_name) ? 0 : 1;
  failed += check<T, 8, 8>(type_name) ? 0 : 1;
  failed += check<T, 16, 16>(type_name) ? 0 : 1;
  failed += check<T, 32, 32>(type_name) ? 0 : 1;
  failed += check<T, 64, 64>(type_name) ? 0 : 1;
  failed += check_multihead<T, 64, 64, 8>(type_name) ? 0 : 1;
  failed += check<T, 3, 4, true>(type_name) ? 0 : 1;
  failed += check<T, 16, 16, true>(type_name) ? 0 : 1;
  failed += check_shape<T, 1, 3, 2, 4>(type_name) ? 0 : 1;
  failed += check_shape<T, 5, 4, 3, 2>(type_name) ? 0 : 1;
  failed += check_shape<T, 7, 8, 8, 5>(type_name) ? 0 : 1;
  return failed;
}

}  // namespace

int main() {
  const int failed = check_all<float>("float") + check_all<double>("double");
  std::printf("bitid: %d of %d cases differ\n", failed, 2 * cases_per_type);
  return failed == 0 ? 0 : 1;
}
