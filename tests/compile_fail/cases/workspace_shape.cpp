// Compile-fail case: self_attention_into with a workspace sized for other keys/dimensions.
// Built by tests/compile_fail/run_case.py: -DCTATTN_TWIN=1 must compile, -DCTATTN_TWIN=0 must
// fail with every "expect" text below.
// expect: does not fit this call, which needs attention_workspace<T, Nkv, Dk, Dv>
// expect-gcc: NW = 5; long unsigned int DkW = 4; long unsigned int DvW = 4; long unsigned int Nkv = 3; long unsigned int Dk = 4; long unsigned int Dv = 4
// expect-clang: ctattn::detail::require_workspace_shape<5UL, 4UL, 4UL, 3UL, 4UL, 4UL>
#include <ctattn/workspace.hpp>

constexpr bool run() {
  ctattn::matrix<double, 4, 3> x{};
  ctattn::matrix<double, 4, 3> out{};
  ctattn::attention_params<double, 4> p{};
#if CTATTN_TWIN
  ctattn::attention_workspace<double, 3, 4, 4> ws{};
#else
  ctattn::attention_workspace<double, 5, 4, 4> ws{};
#endif
  ctattn::self_attention_into(out, x, p, ws);
  return true;
}
static_assert(run());
