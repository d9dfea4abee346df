// Fixed-point attention, compiled by tools/check_no_float.py for x86-64 with
// -mgeneral-regs-only (no floating-point or vector registers): GCC rejects any floating-point
// operation that survives into the code; Clang turns it into soft-float calls (__muldf3, ...)
// that the script finds in the object, together with any x87/SSE instruction.
// With -DCTATTN_NOFLOAT_INJECT one run-time conversion to double is added: the script checks
// that this variant IS caught, so the check cannot pass by being blind.
#include <cstddef>
#include <cstdint>

#include <ctattn/attention.hpp>
#include <ctattn/fixed.hpp>
#include <ctattn/multihead.hpp>
#include <ctattn/softmax.hpp>

#include "fixed_notebook.hpp"

namespace {
template <class T, std::size_t R, std::size_t C>
std::uint32_t checksum(const ctattn::matrix<T, R, C>& m) {
  std::uint32_t s = 0;
  for (const T& e : m) s = s * 31u + static_cast<std::uint32_t>(e.raw());
  return s;
}

template <class Fx>
std::uint32_t notebook(std::int32_t perturb) {
  fixed_notebook::problem<Fx> in = fixed_notebook::inputs<Fx>;  // quantised at compile time
  in.x(0, 0) = in.x(0, 0) + Fx::from_raw(static_cast<typename Fx::rep>(perturb));
  const auto r = fixed_notebook::run(in);
  const auto scaled = ctattn::self_attention(in.x, in.params, ctattn::scaled, ctattn::causal);
  ctattn::multihead_params<Fx, 4, 2> mh{};
  for (std::size_t h = 0; h < 2; ++h) mh.heads[h] = {};
  mh.omega_c = in.params.omega_v;
  const auto m = ctattn::multihead_self_attention(in.x, mh);
  return checksum(r.output) ^ checksum(r.weights) ^ checksum(scaled.output) ^ checksum(m.output);
}
}  // namespace

extern "C" std::uint32_t ctattn_nofloat_q15_16(std::int32_t perturb) {
  return notebook<ctattn::q15_16>(perturb);
}
extern "C" std::uint32_t ctattn_nofloat_q7_8(std::int32_t perturb) {
  return notebook<ctattn::q7_8>(perturb);
}
extern "C" std::int32_t ctattn_nofloat_scalar(std::int32_t a, std::int32_t b) {
  using ctattn::q15_16;
  const q15_16 x = q15_16::from_raw(a);
  const q15_16 y = q15_16::from_raw(b);
  return (ctattn::exp(x) + x * y - x / y + q15_16(3)).raw();
}

#ifdef CTATTN_NOFLOAT_INJECT
extern "C" std::int32_t ctattn_nofloat_inject(std::int32_t a) {
  return static_cast<std::int32_t>(static_cast<double>(ctattn::q15_16::from_raw(a)) * 3.0);
}
#endif
