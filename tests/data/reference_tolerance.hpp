// tests/data/reference_tolerance.hpp - how closely ctattn must match the numpy reference cases
// (shared by tests/runtime/test_reference.cpp and tests/static/static_reference.cpp).
#ifndef CTATTN_TESTS_DATA_REFERENCE_TOLERANCE_HPP
#define CTATTN_TESTS_DATA_REFERENCE_TOLERANCE_HPP

#include <cstddef>

#include <ctattn/attention.hpp>
#include <ctattn/matrix.hpp>

#include "reference_case.hpp"

namespace reference_data {

//! An element passes when |got - ref| <= max(rel * max(|got|, |ref|), floor) (ctattn's
//! approx_equal): relative error `rel`, with an absolute floor for values near zero.
//!   weights: floor = weight_floor (weights lie in [0, 1]);
//!   outputs: floor = output_floor * max |reference output of the case| (an output is a convex
//!            combination of value vectors, so its rounding error scales with the case's values,
//!            not with the output element, which may cancel to near zero).
template <class T>
struct tolerance;

//! double vs numpy's float64: 1e-12 relative. Weights are checked relatively all the way down
//! to the smallest normal double (0x1p-1022); outputs below 1e-14 x the case's largest output.
template <>
struct tolerance<double> {
  static constexpr double rel = 1e-12;
  static constexpr double weight_floor = 0x1p-1022;
  static constexpr double output_floor = 1e-14;
};

//! float (inputs rounded to float) vs numpy's float64 results on the unrounded inputs:
//! 1e-4 relative, with absolute floors 1e-5 for weights and 1e-5 x the case's largest output.
//! (Measured worst: 2.2e-6 absolute on weights, 1.9e-6 x scale on outputs.)
template <>
struct tolerance<float> {
  static constexpr double rel = 1e-4;
  static constexpr double weight_floor = 1e-5;
  static constexpr double output_floor = 1e-5;
};

//! The largest |element| of m.
template <std::size_t R, std::size_t C>
constexpr double max_abs(const ctattn::matrix<double, R, C>& m) {
  double mx = 0;
  for (const double v : m) mx = ctattn::abs(v) > mx ? ctattn::abs(v) : mx;
  return mx;
}

//! m with every element converted to T (rounded to nearest for float).
template <class T, std::size_t R, std::size_t C>
constexpr ctattn::matrix<T, R, C> rounded(const ctattn::matrix<double, R, C>& m) {
  ctattn::matrix<T, R, C> out{};
  for (std::size_t i = 0; i < m.count; ++i) out[i] = static_cast<T>(m[i]);
  return out;
}

//! The parameters of case c converted to T.
template <class T, std::size_t D, std::size_t N, std::size_t Dk, std::size_t Dv>
constexpr ctattn::attention_params<T, D, Dk, Dv> rounded_params(
    const reference_case<D, N, Dk, Dv>& c) {
  return {rounded<T>(c.params.omega_q), rounded<T>(c.params.omega_k),
          rounded<T>(c.params.omega_v), rounded<T>(c.params.beta_q),
          rounded<T>(c.params.beta_k),  rounded<T>(c.params.beta_v)};
}

//! Every element of `got` within tolerance<T> of `ref` (floor already scaled).
template <class T, std::size_t R, std::size_t C>
constexpr bool all_close(const ctattn::matrix<T, R, C>& got,
                         const ctattn::matrix<double, R, C>& ref, double floor) {
  for (std::size_t i = 0; i < got.count; ++i)
    if (!ctattn::approx_equal(static_cast<double>(got[i]), ref[i], tolerance<T>::rel, floor))
      return false;
  return true;
}

//! ctattn::self_attention on case c (inputs converted to T) matches numpy within tolerance<T>.
template <class T, std::size_t D, std::size_t N, std::size_t Dk, std::size_t Dv>
constexpr bool matches_numpy(const reference_case<D, N, Dk, Dv>& c) {
  const auto r = ctattn::self_attention(rounded<T>(c.x), rounded_params<T>(c));
  return all_close(r.weights, c.weights, tolerance<T>::weight_floor) &&
         all_close(r.output, c.output, tolerance<T>::output_floor * max_abs(c.output));
}

}  // namespace reference_data

#endif  // CTATTN_TESTS_DATA_REFERENCE_TOLERANCE_HPP
