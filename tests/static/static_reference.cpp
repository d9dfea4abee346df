// Compile-time tests against numpy: the reference cases of tests/data/reference_cases.hpp
// (tools/gen_reference.py) checked in constant evaluation, with the tolerances of
// tests/data/reference_tolerance.hpp (double 1e-12 relative, float 1e-4 relative).
#include <ctattn/attention.hpp>

#include "reference_cases.hpp"
#include "reference_tolerance.hpp"

namespace {

using reference_data::matches_numpy;

// Every case in double, proven at compile time.
static_assert([] {
  bool ok = true;
  reference_data::for_each_case([&](const auto& c) { ok = ok && matches_numpy<double>(c); });
  return ok;
}());

// A selection in float (inputs rounded to float): ordinary, N = 1, D = 1, large scores, ties.
static_assert(matches_numpy<float>(reference_data::notebook_shape));
static_assert(matches_numpy<float>(reference_data::dk3_dv4));
static_assert(matches_numpy<float>(reference_data::n1));
static_assert(matches_numpy<float>(reference_data::d1_n5));
static_assert(matches_numpy<float>(reference_data::large_scores_4));
static_assert(matches_numpy<float>(reference_data::huge_scores_saturated));
static_assert(matches_numpy<float>(reference_data::two_equal_tokens));

// The check can fail: a case whose reference output is nudged by 1e-10 relative is rejected.
constexpr auto nudged = [] {
  auto c = reference_data::notebook_shape;
  c.output[0] = c.output[0] * (1 + 1e-10);
  return c;
}();
static_assert(!matches_numpy<double>(nudged));
static_assert(matches_numpy<float>(nudged));  // but float's tolerance cannot see it

}  // namespace
