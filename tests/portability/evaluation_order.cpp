// ctattn::check_evaluation_order() (ctattn/evaluation_order.hpp) in the build this file is
// compiled with: tests/portability/meson.build builds it with -ffp-contract=off (expected:
// same), and without it on a target with FMA (GCC's default contracts: expected: differs).
//   evaluation_order same|differs
// Exits 77 (skipped) on an x86-64 CPU without FMA when built for one.
#include <cstdio>
#include <cstring>

#include <ctattn/evaluation_order.hpp>

int main(int argc, char** argv) {
#if defined(__x86_64__) && defined(__FMA__)
  __builtin_cpu_init();
  if (!__builtin_cpu_supports("fma") || !__builtin_cpu_supports("avx2")) {
    std::puts("SKIP: built for x86-64-v3, the CPU has no FMA/AVX2");
    return 77;
  }
#endif
  if (argc != 2 || (std::strcmp(argv[1], "same") != 0 && std::strcmp(argv[1], "differs") != 0)) {
    std::puts("usage: evaluation_order same|differs");
    return 2;
  }
  const ctattn::evaluation_order got = ctattn::check_evaluation_order();
  const bool same = got == ctattn::evaluation_order::same_as_constant_evaluation;
  std::printf("check_evaluation_order(): %s (expected: %s)\n",
              same ? "same_as_constant_evaluation" : "differs", argv[1]);
  return (same == (std::strcmp(argv[1], "same") == 0)) ? 0 : 1;
}
