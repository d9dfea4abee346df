// Compile-fail case: self-attention over a non-arithmetic element type (a struct) names the type.
// Built by tests/compile_fail/run_case.py: -DCTATTN_TWIN=1 must compile, -DCTATTN_TWIN=0 must
// fail with every "expect" text below.
// expect: ctattn: matrix arithmetic needs an arithmetic element type T
// expect-gcc: [with T = token; long unsigned int R = 2; long unsigned int C = 3]
// expect-clang: require_scalar<token, 2UL, 3UL>
#include <ctattn/attention.hpp>

struct token {
  int id;
  friend constexpr bool operator==(const token&, const token&) = default;
};
#if CTATTN_TWIN
using element = double;
#else
using element = token;
#endif
ctattn::attention_params<element, 2> p{};
ctattn::matrix<element, 2, 3> x{};
const auto r = ctattn::self_attention(x, p);
