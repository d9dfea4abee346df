// The self-attention notebook in fixed point, proven in constant evaluation: outputs and
// weights within the stated tolerances (examples/fixed_notebook.hpp) of the double result
// computed from numpy's exact inputs; loop form == matrix form; scaled, causal and multi-head
// attention on fixed agree with double within the format's resolution.
#include <array>
#include <cstddef>

#include <ctattn/attention.hpp>
#include <ctattn/fixed.hpp>
#include <ctattn/multihead.hpp>

#include "fixed_notebook.hpp"

namespace {

namespace nb = fixed_notebook;
using ctattn::q15_16;
using ctattn::q5_10;
using ctattn::q7_8;

template <class Fx>
constexpr bool within_tolerance() {
  constexpr auto r = nb::run(nb::inputs<Fx>);
  return nb::max_abs_error(r.weights, nb::reference.weights) <= nb::tolerance<Fx>::weights &&
         nb::max_abs_error(r.output, nb::reference.output) <= nb::tolerance<Fx>::output;
}
static_assert(within_tolerance<q15_16>(), "q15_16 notebook outside its stated tolerance");
static_assert(within_tolerance<q5_10>(), "q5_10 notebook outside its stated tolerance");
static_assert(within_tolerance<q7_8>(), "q7_8 notebook outside its stated tolerance");

// Every weight column sums to 1 within N * 1 ulp of the format (each weight rounded once).
constexpr bool columns_sum_to_one() {
  constexpr auto r = nb::run(nb::inputs<q15_16>);
  for (std::size_t n = 0; n < nb::N; ++n) {
    q15_16 s{};
    for (std::size_t m = 0; m < nb::N; ++m) s = s + r.weights(m, n);
    const auto d = (s - q15_16(1)).raw();
    if (d > 3 || d < -3) return false;
  }
  return true;
}
static_assert(columns_sum_to_one());

// The notebook's loop, literally, gives the same bits in fixed point too.
static_assert(ctattn::self_attention_loop(ctattn::columns(nb::inputs<q15_16>.x),
                                          nb::inputs<q15_16>.params) == nb::run(nb::inputs<q15_16>));

// Options on fixed: scaled (1/sqrt(Dk) rounded once from double at compile time) and causal.
constexpr auto scaled_fx = ctattn::self_attention(nb::inputs<q15_16>.x, nb::inputs<q15_16>.params,
                                                  ctattn::scaled, ctattn::causal);
constexpr auto scaled_d = ctattn::self_attention(nb::inputs<double>.x, nb::inputs<double>.params,
                                                 ctattn::scaled, ctattn::causal);
static_assert(nb::max_abs_error(scaled_fx.weights, scaled_d.weights) <= 5e-5);
static_assert(nb::max_abs_error(scaled_fx.output, scaled_d.output) <= 3e-4);
static_assert(scaled_fx.weights(1, 0) == q15_16(0) && scaled_fx.weights(0, 0) == q15_16(1));

// Multi-head (two heads of dimension 2, scaled by 1/sqrt(2)) on the notebook's inputs, with the
// heads cut from the notebook's parameters.
template <class T>
constexpr ctattn::multihead_params<T, 4, 2> two_heads() {
  const auto& p = nb::inputs<T>.params;
  ctattn::multihead_params<T, 4, 2> m{};
  for (std::size_t h = 0; h < 2; ++h)
    for (std::size_t r = 0; r < 2; ++r) {
      for (std::size_t c = 0; c < 4; ++c) {
        m.heads[h].omega_q(r, c) = p.omega_q(2 * h + r, c);
        m.heads[h].omega_k(r, c) = p.omega_k(2 * h + r, c);
        m.heads[h].omega_v(r, c) = p.omega_v(2 * h + r, c);
      }
      m.heads[h].beta_q[r] = p.beta_q[2 * h + r];
      m.heads[h].beta_k[r] = p.beta_k[2 * h + r];
      m.heads[h].beta_v[r] = p.beta_v[2 * h + r];
    }
  m.omega_c = ctattn::transpose(p.omega_v);
  return m;
}
constexpr auto mh_fx = ctattn::multihead_self_attention(nb::inputs<q15_16>.x, two_heads<q15_16>());
constexpr auto mh_d = ctattn::multihead_self_attention(nb::inputs<double>.x, two_heads<double>());
static_assert(nb::max_abs_error(mh_fx.output, mh_d.output) <= 1e-3);
static_assert(nb::max_abs_error(mh_fx.weights[0], mh_d.weights[0]) <= 5e-5);
static_assert(nb::max_abs_error(mh_fx.weights[1], mh_d.weights[1]) <= 5e-5);

}  // namespace
