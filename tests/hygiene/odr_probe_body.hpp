// The body of run_a and run_b (included by odr_a.cpp and odr_b.cpp only).
#ifndef CTATTN_TESTS_ODR_PROBE_BODY_HPP
#define CTATTN_TESTS_ODR_PROBE_BODY_HPP

#include "odr_probe.hpp"

namespace odr_probe {
// Internal linkage on purpose: each TU runs its own copy, so the addresses it takes are that
// TU's view of ctattn's functions and objects.
namespace {
results probe() {
  const params p{{0.5, -1, 0.25, 2}, {1, 0.5, -0.5, 1}, {1, 0, 0.5, -1}, {0.1, 0}, {0, 0.2}, {1, -1}};
  const input x{1, 2, -1, 0.5, -0.25, 3};
  results r{};
  r.attention = ctattn::self_attention(x, p);
  r.softmax_v = ctattn::softmax(ctattn::vector<double, 3>{0.5, -1, 2});
  r.exp_v = ctattn::exp(0.7);
  r.sqrt_v = ctattn::sqrt(2.0);
  r.exp_object = &ctattn::exp;
  r.exp_fast_object = &ctattn::exp_fast;
  r.sqrt_object = &ctattn::sqrt;
  r.option_objects[0] = &ctattn::scaled;
  r.option_objects[1] = &ctattn::unscaled;
  r.option_objects[2] = &ctattn::causal;
  r.softmax_fn = &ctattn::softmax<double, 3, ctattn::exp_fn>;
  r.attention_fn = &ctattn::self_attention<double, 2, 3, 2, 2, 2>;
  return r;
}
}  // namespace

}  // namespace odr_probe

#endif  // CTATTN_TESTS_ODR_PROBE_BODY_HPP
