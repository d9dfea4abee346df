// tests/support/test_support.hpp - what the test suites share: deterministic data and bit
// comparison, usable in constant expressions (static suites) and at run time.
#ifndef CTATTN_TESTS_SUPPORT_HPP
#define CTATTN_TESTS_SUPPORT_HPP

#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <type_traits>

#include <ctattn/math.hpp>
#include <ctattn/matrix.hpp>

namespace ctattn_test {

//! Deterministic values in [-scale, scale) from a 64-bit LCG; constexpr.
struct lcg {
  std::uint64_t s;
  constexpr double next_double() noexcept {
    s = s * 6364136223846793005ull + 1442695040888963407ull;
    return static_cast<double>(s >> 11) * 0x1p-52 - 1.0;
  }
  template <class T>
  constexpr T next(double scale = 1.0) noexcept {
    return static_cast<T>(next_double() * scale);
  }
  template <class M>
  constexpr void fill(M& m, double scale = 1.0) noexcept {
    for (auto& e : m.elems) e = next<typename M::value_type>(scale);
  }
  template <class M>
  constexpr M make(double scale = 1.0) noexcept {
    M m{};
    fill(m, scale);
    return m;
  }
};

//! ctattn::exp_fast where it exists (float, double), ctattn::exp otherwise (fixed point).
template <class T>
constexpr auto fast_exp() noexcept {
  if constexpr (std::is_floating_point_v<T>)
    return ctattn::exp_fast;
  else
    return ctattn::exp;
}

//! The bits of a value: floating point by std::bit_cast (so -0 != +0 and NaN payloads count),
//! anything else (fixed point) by ==.
template <class T>
constexpr bool same_bits(const T& a, const T& b) noexcept {
  if constexpr (std::is_same_v<T, float>)
    return std::bit_cast<std::uint32_t>(a) == std::bit_cast<std::uint32_t>(b);
  else if constexpr (std::is_same_v<T, double>)
    return std::bit_cast<std::uint64_t>(a) == std::bit_cast<std::uint64_t>(b);
  else
    return a == b;
}
template <class T, std::size_t R, std::size_t C>
constexpr bool same_bits(const ctattn::matrix<T, R, C>& a,
                         const ctattn::matrix<T, R, C>& b) noexcept {
  for (std::size_t i = 0; i < R * C; ++i)
    if (!same_bits(a.elems[i], b.elems[i])) return false;
  return true;
}
template <class T, std::size_t R, std::size_t C, std::size_t H>
constexpr bool same_bits(const std::array<ctattn::matrix<T, R, C>, H>& a,
                         const std::array<ctattn::matrix<T, R, C>, H>& b) noexcept {
  for (std::size_t h = 0; h < H; ++h)
    if (!same_bits(a[h], b[h])) return false;
  return true;
}

}  // namespace ctattn_test

#endif  // CTATTN_TESTS_SUPPORT_HPP
