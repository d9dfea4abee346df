// tests/bitid/bitid.cpp - the value a static_assert sees is the value computed at run time.
//
// For every case the run-time benchmark measures (bench/cases.hpp: float and double, (N, D) in
// {(3,4), (8,8), (16,16), (32,32), (64,64)}), self_attention is evaluated twice in this one
// translation unit: in a constant expression (a constexpr variable) and at run time on inputs
// read back through volatile, so the optimiser cannot fold them. Output and weights must agree
// bit for bit (compared as integers: -0 vs +0 and NaN payloads count as differences).
// tests/bitid/meson.build builds this file at -O0, -O2 and -O3 -march=native, on GCC with the
// dependency's -ffp-contract=off and on Clang also with -ffp-contract=on (the headers' pragma).
#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <type_traits>

#include <ctattn/attention.hpp>

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

template <class T, std::size_t N, std::size_t D>
bool check(const char* type_name) {
  static constexpr auto c = ctattn_bench::make_case<T, N, D>();
  static constexpr auto expected = ctattn::self_attention(c.x, c.p);

  ctattn::attention_params<T, D> p{};
  p.omega_q = launder(c.p.omega_q);
  p.omega_k = launder(c.p.omega_k);
  p.omega_v = launder(c.p.omega_v);
  p.beta_q = launder(c.p.beta_q);
  p.beta_k = launder(c.p.beta_k);
  p.beta_v = launder(c.p.beta_v);
  const auto x = launder(c.x);
  const auto got = ctattn::self_attention(x, p);

  int shown = 0;
  const std::size_t diffs =
      count_bit_differences(expected.output, got.output, "output", shown) +
      count_bit_differences(expected.weights, got.weights, "weights", shown);
  std::printf("%s %-6s N=%-2zu D=%-2zu: %s (%zu of %zu elements differ)\n", CTATTN_BITID_LABEL,
              type_name, N, D, diffs == 0 ? "identical" : "DIFFERENT", diffs,
              expected.output.count + expected.weights.count);
  return diffs == 0;
}

template <class T>
int check_all(const char* type_name) {
  int failed = 0;
  failed += check<T, 3, 4>(type_name) ? 0 : 1;
  failed += check<T, 8, 8>(type_name) ? 0 : 1;
  failed += check<T, 16, 16>(type_name) ? 0 : 1;
  failed += check<T, 32, 32>(type_name) ? 0 : 1;
  failed += check<T, 64, 64>(type_name) ? 0 : 1;
  return failed;
}

}  // namespace

int main() {
  const int failed = check_all<float>("float") + check_all<double>("double");
  std::printf("bitid: %d of 10 cases differ\n", failed);
  return failed == 0 ? 0 : 1;
}
