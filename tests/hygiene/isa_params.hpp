// Inputs and parameters of the instruction-set test, built from isa_unit.hpp's integers; the
// units and isa_main.cpp (which proves the expected outputs by constant evaluation) share them.
#ifndef CTATTN_TESTS_ISA_PARAMS_HPP
#define CTATTN_TESTS_ISA_PARAMS_HPP

#include <cstddef>

#include <ctattn/attention.hpp>
#include <ctattn/matrix.hpp>
#include <ctattn/multihead.hpp>

#include "isa_unit.hpp"

namespace isa_test {

template <class M>
constexpr M filled(std::size_t salt) {
  M m{};
  for (std::size_t i = 0; i < M::count; ++i)
    m[i] = static_cast<typename M::value_type>(input(i, salt));
  return m;
}

template <class T>
constexpr ctattn::matrix<T, d, n> input_matrix() {
  return filled<ctattn::matrix<T, d, n>>(1);
}

template <class T, std::size_t Dk = d>
constexpr ctattn::attention_params<T, d, Dk, Dk> attention_parameters(std::size_t salt = 2) {
  using P = ctattn::attention_params<T, d, Dk, Dk>;
  return P{filled<decltype(P::omega_q)>(salt), filled<decltype(P::omega_k)>(salt + 1),
           filled<decltype(P::omega_v)>(salt + 2), filled<decltype(P::beta_q)>(salt + 3),
           filled<decltype(P::beta_k)>(salt + 4), filled<decltype(P::beta_v)>(salt + 5)};
}

constexpr ctattn::multihead_params<double, d, heads> multihead_parameters() {
  ctattn::multihead_params<double, d, heads> mp{};
  for (std::size_t h = 0; h < heads; ++h) mp.heads[h] = attention_parameters<double, d / heads>(10 * h + 20);
  mp.omega_c = filled<ctattn::matrix<double, d, d>>(99);
  return mp;
}

}  // namespace isa_test

#endif  // CTATTN_TESTS_ISA_PARAMS_HPP
