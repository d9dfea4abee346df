// tests/bitid/vexp_bits.cpp - the vector softmax terms (detail/vexp.hpp) have the bits of the
// scalar softmax_term with ctattn::exp and ctattn::exp_fast, lane by lane, on every kind of
// input softmax_cols can give them: differences x = s - mx from 0 down through the kernel's
// whole range (every float in it with a stride; 2e6 doubles, uniform and log-uniform), the
// boundaries (underflow, the cutoff, subnormal results), infinities and NaN in s and in mx.
// softmax_term itself is bit-identical to constant evaluation (tests/ctime/static_exp_bits.cpp,
// tests/bitid/bitid.cpp); this closes the chain for the inputs the benchmark cases never reach.
#include <bit>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <limits>
#include <random>
#include <type_traits>
#include <vector>

#include <ctattn/softmax.hpp>

namespace {

#if CTATTN_DETAIL_SIMD
template <class T>
using bits_t = std::conditional_t<sizeof(T) == 8, std::uint64_t, std::uint32_t>;

// Pairs (s, mx) with mx >= s or NaN somewhere, as softmax_cols produces them.
template <class T>
std::vector<T> differences() {
  using L = std::numeric_limits<T>;
  std::vector<T> d;
  const T under = ctattn::detail::exp_consts<T>::underflow;
  if constexpr (std::is_same_v<T, float>) {
    // Every 607th float in [underflow - 1, 0] (~1.8e6 values) and its neighbours at the ends.
    for (T x = T(0); x >= under - T(1);) {
      d.push_back(x);
      const auto b = std::bit_cast<std::uint32_t>(x);
      x = std::bit_cast<T>(b == 0 ? 0x80000001u : b + 607u);
    }
  } else {
    std::mt19937_64 g(12345);
    std::uniform_real_distribution<T> uni(under - T(2), T(0));
    std::uniform_real_distribution<T> expo(T(-60), T(10));
    for (int i = 0; i < 1000000; ++i) d.push_back(uni(g));
    for (int i = 0; i < 1000000; ++i) d.push_back(-std::exp2(expo(g)));
  }
  for (T v : {T(0), -T(0), -L::denorm_min(), -L::min(), under, std::nextafter(under, T(0)),
              std::nextafter(under, -L::infinity()), T(-2100), T(-3000), -L::max(),
              -L::infinity(), L::quiet_NaN(), -L::quiet_NaN()})
    d.push_back(v);
  return d;
}

template <bool Fast, class T>
std::size_t compare(const char* name) {
  using L = std::numeric_limits<T>;
  const std::vector<T> d = differences<T>();
  // Each difference against several maxima: s = mx + d rounded, so that the s == mx and the
  // s < mx - cutoff selections and the subtraction's rounding are all exercised.
  const T maxima[] = {T(0), T(1), T(-3.25), T(1000), T(-1e30), L::max(), L::infinity(),
                      -L::infinity(), L::quiet_NaN()};
  constexpr std::size_t count = 4099;  // whole vectors and a ragged tail
  std::vector<T> s(count), m(count), e(count);
  std::size_t diffs = 0, checked = 0;
  auto exp_f = [] {
    if constexpr (Fast)
      return ctattn::exp_fast_fn{};
    else
      return ctattn::exp_fn{};
  }();
  for (T mx : maxima) {
    for (std::size_t i0 = 0; i0 < d.size(); i0 += count) {
      for (std::size_t i = 0; i < count; ++i) {
        const T di = d[(i0 + i) % d.size()];
        T si = mx + di;
        if (!(si <= mx) && si == si && mx == mx) si = mx;  // keep mx the maximum
        if (i % 97 == 5) si = L::quiet_NaN();               // NaN scores
        s[i] = si;
        m[i] = mx;
      }
      ctattn::detail::softmax_terms_v<Fast, count>(e.data(), s.data(), m.data());
      for (std::size_t i = 0; i < count; ++i) {
        volatile T sv = s[i];
        const T want = ctattn::detail::softmax_term(T(sv), m[i], exp_f);
        ++checked;
        if (std::bit_cast<bits_t<T>>(want) != std::bit_cast<bits_t<T>>(e[i])) {
          if (diffs++ < 5)
            std::printf("  %s: s=%.17g mx=%.17g scalar %.17g vector %.17g\n", name,
                        static_cast<double>(s[i]), static_cast<double>(m[i]),
                        static_cast<double>(want), static_cast<double>(e[i]));
        }
      }
    }
  }
  std::printf("%s: %zu of %zu terms differ\n", name, diffs, checked);
  return diffs;
}
#endif

}  // namespace

int main() {
#if CTATTN_DETAIL_SIMD
  const std::size_t diffs = compare<false, float>("exp float") +
                            compare<false, double>("exp double") +
                            compare<true, float>("exp_fast float") +
                            compare<true, double>("exp_fast double");
  return diffs == 0 ? 0 : 1;
#else
  std::puts("no SIMD target: the vector terms are not used");
  return 77;
#endif
}
