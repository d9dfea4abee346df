// tests/ctime/default_limits_64.cpp - regression test for issue 4: self-attention at
// N = D = 64 (double) and multi-head self-attention (D = 64, H = 8, N = 64), each evaluated
// inside a static_assert, must compile under the compilers' DEFAULT constant-evaluation limits
// (GCC -fconstexpr-ops-limit = 2^25, -fconstexpr-loop-limit = 2^18; Clang -fconstexpr-steps =
// 2^20). tests/ctime/meson.build builds it without any flag that raises them, so a change that
// makes constant evaluation more expensive fails to compile here. Compiling is the test.
#ifndef CTIME_HEADS
#define CTIME_HEADS 0
#endif
#define CTIME_N 64
#include "ctime_case.hpp"

int main() { return 0; }
