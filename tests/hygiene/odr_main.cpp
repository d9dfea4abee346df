// Two translation units (odr_a.cpp, odr_b.cpp) include every public header and instantiate the
// same inline functions; linked together, they must agree: the same bits from the same call,
// and one address for each inline function and inline variable (a namespace-scope constexpr
// object that is not `inline` would have one copy per translation unit).
#include <cstdio>

#include "odr_probe.hpp"

int main() {
  const odr_probe::results a = odr_probe::run_a();
  const odr_probe::results b = odr_probe::run_b();
  int failures = 0;
  auto check = [&failures](bool ok, const char* what) {
    if (!ok) {
      std::printf("ODR check failed: %s\n", what);
      ++failures;
    }
  };
  check(a.attention == b.attention, "self_attention gives the same bits in both TUs");
  check(a.softmax_v == b.softmax_v, "softmax gives the same bits in both TUs");
  check(a.exp_v == b.exp_v && a.sqrt_v == b.sqrt_v, "exp and sqrt agree");
  check(a.exp_object == b.exp_object, "ctattn::exp is one object");
  check(a.exp_fast_object == b.exp_fast_object, "ctattn::exp_fast is one object");
  check(a.sqrt_object == b.sqrt_object, "ctattn::sqrt is one object");
  check(a.softmax_fn == b.softmax_fn, "softmax<double, 3> has one address");
  check(a.attention_fn == b.attention_fn, "self_attention<double, ...> has one address");
  check(a.option_objects == b.option_objects, "the option objects are one object each");
  std::printf("%s\n", failures == 0 ? "two translation units agree" : "ODR checks failed");
  return failures == 0 ? 0 : 1;
}
