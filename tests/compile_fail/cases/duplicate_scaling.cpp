// Compile-fail case: two scaling options given to one attention call.
// Built by tests/compile_fail/run_case.py: -DCTATTN_TWIN=1 must compile, -DCTATTN_TWIN=0 must
// fail with every "expect" text below.
// expect: ctattn: give at most one scaling option
// expect-gcc: [with Opts = {ctattn::scaled_t, ctattn::scale_t<double>}]
// expect-clang: check_options<ctattn::scaled_t, ctattn::scale_t<double>>
#include <ctattn/attention.hpp>

constexpr ctattn::attention_params<double, 2> p{};
constexpr ctattn::matrix<double, 2, 3> x{};
#if CTATTN_TWIN
constexpr auto r = ctattn::self_attention(x, p, ctattn::scaled);
#else
constexpr auto r = ctattn::self_attention(x, p, ctattn::scaled, ctattn::scale(0.5));
#endif
static_assert(r.weights.rows == 3);
