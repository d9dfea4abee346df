// Compile-fail case: GELU in fixed point (ctattn has no fixed-point tanh or erf).
// Built by tests/compile_fail/run_case.py: -DCTATTN_TWIN=1 must compile, -DCTATTN_TWIN=0 must
// fail with every "expect" text below.
// expect: ctattn::gelu / ctattn::gelu_erf: float and double only (they need tanh or erf, which ctattn::fixed does not have)
// expect-gcc: [with T = ctattn::fixed<int, 16>]
// expect-clang: require_float_activation<ctattn::fixed<int, 16>>
#include <cstdint>

#include <ctattn/fixed.hpp>
#include <ctattn/layers.hpp>

#if CTATTN_TWIN
using T = float;
#else
using T = ctattn::fixed<std::int32_t, 16>;
#endif
constexpr ctattn::matrix<T, 2, 1> x{T(1), T(-2)};
constexpr auto y = ctattn::gelu(x);
static_assert(y.rows == 2);
