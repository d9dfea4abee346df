// The two units of the instruction-set test (isa_unit.cpp, built twice: baseline x86-64 and
// -march=x86-64-v3) and what they report to isa_main.cpp. The interface is plain data: a ctattn
// type names its instruction set (ctattn/detail/isa.hpp), so it cannot cross the boundary.
#ifndef CTATTN_TESTS_ISA_UNIT_HPP
#define CTATTN_TESTS_ISA_UNIT_HPP

#include <array>
#include <cstddef>
#include <cstdint>

namespace isa_test {

inline constexpr std::size_t d = 16;  // D = N = 16: the SIMD kernels' tiles, not the tiny path
inline constexpr std::size_t n = 16;
inline constexpr std::size_t heads = 2;

struct report {
  std::array<float, d * n> attention;   // self_attention(x, p).output, float
  std::array<double, d * n> multihead;  // multihead_self_attention(x, mp).output, double
  std::size_t simd_bytes;               // ctattn::detail::simd_bytes as the unit sees it
  std::uintptr_t attention_code;        // address of the unit's self_attention instantiation
  std::uintptr_t multihead_code;        // ... and of its multihead_self_attention
  std::uintptr_t probe_code;            // address of isa_odr_probe::vector_bytes (untagged)
  std::size_t probe_value;              // what the unit gets when it calls it
};

report run_baseline();
report run_v3();

// Deterministic inputs in [-1, 1), from integers only (the same in every unit).
constexpr double input(std::size_t i, std::size_t salt) {
  const std::uint32_t h = static_cast<std::uint32_t>((i + 1) * 2654435761U + salt * 40503U);
  return static_cast<double>(h % 2048U) / 1024.0 - 1.0;
}

}  // namespace isa_test

#endif  // CTATTN_TESTS_ISA_UNIT_HPP
