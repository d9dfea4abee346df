// Compile-fail case: multihead_self_attention_into with `out` aliasing `x` in a constant
// expression (every head reads all of x while out accumulates).
// Built by tests/compile_fail/run_case.py: -DCTATTN_TWIN=1 must compile, -DCTATTN_TWIN=0 must
// fail with every "expect" text below: the static_assert is not a constant expression, because
// the evaluation reaches the non-constexpr function that names the rule.
// expect-gcc: non-constant condition for static assertion
// expect-clang: static_assert expression is not an integral constant expression
// expect: multihead_into_out_must_not_alias_x
#include <ctattn/workspace.hpp>

constexpr bool run() {
  ctattn::matrix<double, 4, 3> x{};
  ctattn::matrix<double, 4, 3> y{};
  ctattn::multihead_params<double, 4, 2> mp{};
  ctattn::multihead_workspace<double, 4, 2, 3> ws{};
#if CTATTN_TWIN
  ctattn::multihead_self_attention_into(y, x, mp, ws);
#else
  ctattn::multihead_self_attention_into(x, x, mp, ws);
#endif
  return y == x;
}
static_assert(run());
