// tests/ctime/default_limits_layer.cpp - regression test for issue 10: a whole transformer
// encoder layer (ctattn::transformer_layer, post-norm, ReLU mlp) evaluated inside a
// static_assert must compile under the compilers' DEFAULT constant-evaluation limits.
// tests/ctime/meson.build sets CTIME_N (= D), CTIME_HEADS and CTIME_DFF and adds no flag that
// raises the limits. Cases (measured by tests/ctime/probe.py --layers-only):
//   N = D = 32, H = 4, Dff = 128   both compilers
//   N = D = 64, H = 8, Dff = 256   Clang (needs 0.70e6 - 1.05e6 of its 2^20 steps); GCC as two
//                                  constant evaluations (CTIME_LAYER_HALVES = 1: the attention
//                                  and the mlp sublayer), since the whole layer in one needs
//                                  more than its 2^25 operations
// Compiling is the test.
#include "ctime_layer_case.hpp"

int main() { return 0; }
