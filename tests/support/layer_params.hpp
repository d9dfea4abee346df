// tests/support/layer_params.hpp - deterministic parameters of a transformer layer for the
// tests (constexpr): weights from the LCG, LayerNorm gains near 1.
#ifndef CTATTN_TESTS_SUPPORT_LAYER_PARAMS_HPP
#define CTATTN_TESTS_SUPPORT_LAYER_PARAMS_HPP

#include <cstddef>

#include <ctattn/transformer.hpp>

#include "test_support.hpp"

namespace ctattn_test {

template <class T, std::size_t D, std::size_t H, std::size_t Dff>
constexpr void fill_layer(lcg& g, ctattn::transformer_layer_params<T, D, H, Dff>& p) noexcept {
  for (auto& h : p.attention.heads) {
    g.fill(h.omega_q);
    g.fill(h.omega_k);
    g.fill(h.omega_v);
    g.fill(h.beta_q);
    g.fill(h.beta_k);
    g.fill(h.beta_v);
  }
  g.fill(p.attention.omega_c, 0.5);
  g.fill(p.attention.beta_c);
  for (auto* nrm : {&p.norm1, &p.norm2}) {
    g.fill(nrm->gamma, 0.25);
    for (auto& e : nrm->gamma.elems) e = e + T(1);
    g.fill(nrm->beta, 0.25);
  }
  g.fill(p.ff1.omega, 0.5);
  g.fill(p.ff1.beta);
  g.fill(p.ff2.omega, 0.5);
  g.fill(p.ff2.beta);
}

}  // namespace ctattn_test

#endif  // CTATTN_TESTS_SUPPORT_LAYER_PARAMS_HPP
