// Compile-fail case: load_params from a flat array of the wrong length names both counts.
// Built by tests/compile_fail/run_case.py: -DCTATTN_TWIN=1 must compile, -DCTATTN_TWIN=0 must
// fail with every "expect" text below.
// expect: ctattn::load_params/store_params: the flat array has Have elements but the parameters have Want
// expect-gcc: [with long unsigned int Have = 17; long unsigned int Want = 18]
// expect-clang: require_flat_size<17UL, 18UL>
#include <array>

#include <ctattn/attention.hpp>
#include <ctattn/params.hpp>

#if CTATTN_TWIN
constexpr std::array<double, 18> flat{};
#else
constexpr std::array<double, 17> flat{};
#endif
constexpr auto p = ctattn::load_params<ctattn::attention_params<double, 2>>(flat);
static_assert(p.beta_v.rows == 2);
