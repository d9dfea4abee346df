// embedded/footprint.cpp - the programs whose sizes and stack depth embedded.py reports.
//
// Built twice per workload (CTATTN_FOOTPRINT_WORKLOAD = 1..7): as is, and with
// CTATTN_FOOTPRINT_EMPTY=1, the empty program (the same data, the same main, no attention), so
// that size(attention program) - size(empty program) is the attention code itself. The
// parameters are constexpr data in flash, the input X is in RAM as if it had just been
// received, and `compute` is [[gnu::noipa]]: it cannot be inlined, cloned or folded with the
// constants, so it stands for the attention a firmware calls.
//
// Workloads 5..7 are fixed point (ctattn::fixed): their inputs are quantised in constant
// evaluation, so these images must contain no floating point at all; embedded.py checks that
// (no soft-float routine, no VFP instruction). CTATTN_FOOTPRINT_FLOAT_LEAK=1 builds the negative
// control of that check: the fixed-point program with one value quantised at run time from a
// float (what happens when an input is converted at run time rather than at compile time).
//
// main calls compute and prints how deep below its frame the stack was written (startup.c
// paints the stack at reset, stack.hpp reads it back): a measurement on the emulated core that
// cross-checks -fstack-usage.
#include <cstddef>
#include <cstdint>
#include <type_traits>

#include <ctattn/attention.hpp>
#include <ctattn/fixed.hpp>

#include "cases.hpp"
#include "console.hpp"
#if defined(CTATTN_EMBEDDED_TARGET)
#include "stack.hpp"
#endif

#if !defined(CTATTN_FOOTPRINT_WORKLOAD) || !defined(CTATTN_FOOTPRINT_EMPTY)
#error "define CTATTN_FOOTPRINT_WORKLOAD (1..7) and CTATTN_FOOTPRINT_EMPTY (0 or 1)"
#endif
#if !defined(CTATTN_FOOTPRINT_FLOAT_LEAK)
#define CTATTN_FOOTPRINT_FLOAT_LEAK 0
#endif

namespace {
#if CTATTN_FOOTPRINT_WORKLOAD == 1
using scalar = float;
constexpr std::size_t n_tokens = 3, dim = 4;
#elif CTATTN_FOOTPRINT_WORKLOAD == 2
using scalar = float;
constexpr std::size_t n_tokens = 16, dim = 16;
#elif CTATTN_FOOTPRINT_WORKLOAD == 3
using scalar = double;
constexpr std::size_t n_tokens = 3, dim = 4;
#elif CTATTN_FOOTPRINT_WORKLOAD == 4
using scalar = double;
constexpr std::size_t n_tokens = 16, dim = 16;
#elif CTATTN_FOOTPRINT_WORKLOAD == 5
using scalar = ctattn::q15_16;
constexpr std::size_t n_tokens = 3, dim = 4;
#elif CTATTN_FOOTPRINT_WORKLOAD == 6
using scalar = ctattn::q15_16;
constexpr std::size_t n_tokens = 16, dim = 16;
#elif CTATTN_FOOTPRINT_WORKLOAD == 7
using scalar = ctattn::q7_8;
constexpr std::size_t n_tokens = 3, dim = 4;
#else
#error "CTATTN_FOOTPRINT_WORKLOAD must be 1 to 7"
#endif
using params_t = ctattn::attention_params<scalar, dim>;
using input_t = ctattn::matrix<scalar, dim, n_tokens>;
using result_t = ctattn::attention_result<scalar, dim, n_tokens>;

// The same pseudo-random values in every scalar type: fixed point gets them by rounding the
// double pattern, in constant evaluation.
constexpr params_t make_params() noexcept {
  if constexpr (std::is_floating_point_v<scalar>)
    return ctattn_embedded::pattern_params<scalar, dim, dim, dim>(1, scalar(0.5));
  else
    return ctattn_embedded::convert<scalar>(
        ctattn_embedded::pattern_params<double, dim, dim, dim>(1, 0.5));
}
constexpr input_t make_x() noexcept {
  if constexpr (std::is_floating_point_v<scalar>)
    return ctattn_embedded::pattern<scalar, dim, n_tokens>(2, scalar(1));
  else
    return ctattn_embedded::convert<scalar>(
        ctattn_embedded::pattern<double, dim, n_tokens>(2, 1.0));
}
}  // namespace

// Weights in flash, input in RAM (.data), result in RAM (.bss): present in every program.
constexpr params_t footprint_params = make_params();
constinit input_t footprint_x = make_x();
result_t footprint_result;

[[gnu::noipa]] void compute(const input_t& x, const params_t& p, result_t& r) noexcept {
#if CTATTN_FOOTPRINT_EMPTY
  asm volatile("" : : "r"(&x), "r"(&p), "r"(&r) : "memory");  // uses the data, computes nothing
#else
  r = ctattn::self_attention(x, p);
#endif
#if CTATTN_FOOTPRINT_FLOAT_LEAK
  r.output(0, 0) = scalar(ctattn_embedded::opaque(0.1f));  // float -> fixed at run time
#endif
}

int main() {
#if defined(CTATTN_EMBEDDED_TARGET)
  const std::uintptr_t sp = ctattn_embedded::stack::pointer();
#endif
  compute(footprint_x, footprint_params, footprint_result);
#if defined(CTATTN_EMBEDDED_TARGET)
  // startup.c painted the stack at reset: what compute wrote below main's frame.
  const std::uintptr_t deepest = ctattn_embedded::stack::deepest();
  const std::uintptr_t used = deepest < sp ? sp - deepest : 0;
  ctattn_embedded::line{}.text("stack ").dec(used).end();
#endif
  ctattn_embedded::line{}.text("output0 ").bits(footprint_result.output.elems[0]).end();
  return 0;
}
