// The instruction-set test (ctattn/detail/isa.hpp): a program of two units that include the
// whole library, one built for baseline x86-64 and one with -march=x86-64-v3 (AVX2, FMA), the
// usual shape of run-time dispatch. Checks that
//   - each unit runs its own code: the v3 unit's kernels use 32-byte vectors and the baseline
//     unit's 16-byte ones, and the two units' self_attention and multihead_self_attention are
//     different functions (without the per-ISA namespace the linker would merge each pair);
//   - both compute the outputs that constant evaluation proves here, bit for bit;
//   - the hazard is real: an untagged inline function with an ISA-dependent body
//     (isa_odr_probe::vector_bytes) has one address in both units, so one of them gets the
//     other's answer.
// isa_odr_check.py inspects the two units' objects for shared ctattn symbols with different code.
// Exits 77 (skipped) on a CPU without x86-64-v3.
#include <cpuid.h>

#include <cstdio>
#include <cstring>

#include <ctattn/attention.hpp>
#include <ctattn/multihead.hpp>

#include "isa_params.hpp"
#include "isa_unit.hpp"

namespace {

using namespace isa_test;

// The expected outputs, proven by constant evaluation in this (baseline) unit.
constexpr auto expected_attention =
    ctattn::self_attention(input_matrix<float>(), attention_parameters<float>()).output;
constexpr auto expected_multihead =
    ctattn::multihead_self_attention(input_matrix<double>(), multihead_parameters()).output;

// x86-64-v3: AVX, AVX2, FMA, BMI1, BMI2, F16C, MOVBE, LZCNT (and x86-64-v2 below them), and
// the OS saving the AVX registers (OSXSAVE). CPUID, as GCC's and Clang's builtins differ.
bool cpu_runs_x86_64_v3() {
  unsigned a = 0, b = 0, c = 0, d = 0;
  if (__get_cpuid(1, &a, &b, &c, &d) == 0) return false;
  const bool leaf1 = (c & bit_FMA) && (c & bit_MOVBE) && (c & bit_OSXSAVE) && (c & bit_AVX) &&
                     (c & bit_F16C) && (c & bit_SSE4_2) && (c & bit_POPCNT);
  if (!leaf1 || __get_cpuid_count(7, 0, &a, &b, &c, &d) == 0) return false;
  const bool leaf7 = (b & bit_AVX2) && (b & bit_BMI) && (b & bit_BMI2);
  if (!leaf7 || __get_cpuid(0x80000001U, &a, &b, &c, &d) == 0) return false;
  return (c & bit_LZCNT) != 0;
}

int failures = 0;

void check(bool ok, const char* what) {
  std::printf("%s: %s\n", ok ? "ok  " : "FAIL", what);
  if (!ok) ++failures;
}

template <class A, class M>
bool same_bits(const A& got, const M& want) {
  return std::memcmp(got.data(), want.data(), sizeof(typename M::value_type) * M::count) == 0;
}

}  // namespace

int main() {
  if (!cpu_runs_x86_64_v3()) {
    std::puts("SKIP: this CPU cannot run x86-64-v3 code");
    return 77;
  }
  const report base = run_baseline();
  const report v3 = run_v3();
  check(base.simd_bytes == 16, "baseline unit: 16-byte kernels");
  check(v3.simd_bytes == 32, "x86-64-v3 unit: 32-byte kernels");
  check(base.attention_code != v3.attention_code,
        "self_attention: the two units call different functions");
  check(base.multihead_code != v3.multihead_code,
        "multihead_self_attention: the two units call different functions");
  check(same_bits(base.attention, expected_attention), "baseline self_attention == constexpr");
  check(same_bits(v3.attention, expected_attention), "x86-64-v3 self_attention == constexpr");
  check(same_bits(base.multihead, expected_multihead), "baseline multi-head == constexpr");
  check(same_bits(v3.multihead, expected_multihead), "x86-64-v3 multi-head == constexpr");
  // The hazard, shown on a function outside ctattn: one address, one body for both units.
  check(base.probe_code == v3.probe_code && base.probe_value == v3.probe_value,
        "untagged probe: the linker kept one body for both units (the hazard ctattn avoids)");
  return failures == 0 ? 0 : 1;
}
