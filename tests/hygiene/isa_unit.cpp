// One unit of the instruction-set test, built twice (tests/hygiene/meson.build): once for
// baseline x86-64 (ISA_TEST_ENTRY=run_baseline), once with -march=x86-64-v3 (run_v3). It
// includes the whole library and runs self-attention and multi-head attention at run time.
#include <cstddef>
#include <cstdint>

#include <ctattn/ctattn.hpp>

#include "isa_params.hpp"
#include "isa_unit.hpp"

// Not ctattn: an inline function whose body depends on the instruction set, as every ctattn
// function would without ctattn/detail/isa.hpp. Both units define it under one name, and the
// linker keeps one body: the test checks that isa_odr_check.py sees the clash here (so that
// its "none in ctattn" is not vacuous) and that the two units share its address.
namespace isa_odr_probe {
[[gnu::noinline]] inline std::size_t vector_bytes() noexcept {
#if defined(__AVX2__)
  return 32;
#else
  return 16;
#endif
}
}  // namespace isa_odr_probe

namespace {

using attention_fn = ctattn::attention_result<float, isa_test::d, isa_test::n> (*)(
    const ctattn::matrix<float, isa_test::d, isa_test::n>&,
    const ctattn::attention_params<float, isa_test::d>&);
using multihead_fn = ctattn::multihead_result<double, isa_test::d, isa_test::n, isa_test::heads> (*)(
    const ctattn::matrix<double, isa_test::d, isa_test::n>&,
    const ctattn::multihead_params<double, isa_test::d, isa_test::heads>&);

template <class M>
M launder(const M& m) {  // run time: inputs the compiler cannot see through
  M out{};
  for (std::size_t i = 0; i < M::count; ++i) {
    volatile typename M::value_type v = m[i];
    out[i] = v;
  }
  return out;
}

}  // namespace

isa_test::report isa_test::ISA_TEST_ENTRY() {
  using namespace isa_test;
  report r{};
  const attention_fn attention = &ctattn::self_attention;
  const multihead_fn multihead = &ctattn::multihead_self_attention;
  const auto a = attention(launder(input_matrix<float>()), attention_parameters<float>());
  const auto m = multihead(launder(input_matrix<double>()), multihead_parameters());
  for (std::size_t i = 0; i < d * n; ++i) {
    r.attention[i] = a.output[i];
    r.multihead[i] = m.output[i];
  }
  r.simd_bytes = ctattn::detail::simd_bytes;
  r.attention_code = reinterpret_cast<std::uintptr_t>(attention);
  r.multihead_code = reinterpret_cast<std::uintptr_t>(multihead);
  std::size_t (*probe)() noexcept = &isa_odr_probe::vector_bytes;
  r.probe_code = reinterpret_cast<std::uintptr_t>(probe);
  r.probe_value = probe();
  return r;
}
