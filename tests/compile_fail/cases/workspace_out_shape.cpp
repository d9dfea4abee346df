// Compile-fail case: self_attention_into with an output matrix of the wrong shape.
// Built by tests/compile_fail/run_case.py: -DCTATTN_TWIN=1 must compile, -DCTATTN_TWIN=0 must
// fail with every "expect" text below.
// expect: ctattn: `out` is RO x CO but this attention writes R x C
// expect-gcc: RO = 4; long unsigned int CO = 4; long unsigned int R = 4; long unsigned int C = 3
// expect-clang: ctattn::detail::require_out_shape<4UL, 4UL, 4UL, 3UL>
#include <ctattn/workspace.hpp>

constexpr bool run() {
  ctattn::matrix<double, 4, 3> x{};
#if CTATTN_TWIN
  ctattn::matrix<double, 4, 3> out{};
#else
  ctattn::matrix<double, 4, 4> out{};
#endif
  ctattn::attention_params<double, 4> p{};
  ctattn::attention_workspace<double, 3, 4, 4> ws{};
  ctattn::self_attention_into(out, x, p, ws);
  return true;
}
static_assert(run());
