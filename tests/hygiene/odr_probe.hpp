// What the two translation units of the ODR test (odr_a.cpp, odr_b.cpp) report.
#ifndef CTATTN_TESTS_ODR_PROBE_HPP
#define CTATTN_TESTS_ODR_PROBE_HPP

#include <array>

#include "all_headers.hpp"

namespace odr_probe {

using params = ctattn::attention_params<double, 2, 2, 2>;
using input = ctattn::matrix<double, 2, 3>;
using attention_fn_t = ctattn::attention_result<double, 2, 3> (*)(const input&, const params&);
using softmax_fn_t = ctattn::vector<double, 3> (*)(const ctattn::vector<double, 3>&,
                                                   ctattn::exp_fn);

struct results {
  ctattn::attention_result<double, 2, 3> attention;
  ctattn::vector<double, 3> softmax_v;
  double exp_v;
  double sqrt_v;
  const void* exp_object;
  const void* exp_fast_object;
  const void* sqrt_object;
  std::array<const void*, 3> option_objects;
  softmax_fn_t softmax_fn;
  attention_fn_t attention_fn;

  friend bool operator==(const results&, const results&) = default;
};

results run_a();
results run_b();

}  // namespace odr_probe

#endif  // CTATTN_TESTS_ODR_PROBE_HPP
