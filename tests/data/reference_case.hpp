// tests/data/reference_case.hpp - the shape of one numpy reference case (hand-written; the
// cases themselves are generated into reference_cases.hpp by tools/gen_reference.py).
#ifndef CTATTN_TESTS_DATA_REFERENCE_CASE_HPP
#define CTATTN_TESTS_DATA_REFERENCE_CASE_HPP

#include <cstddef>

#include <ctattn/attention.hpp>
#include <ctattn/matrix.hpp>

namespace reference_data {

//! Inputs of one self-attention problem and numpy's float64 results for them (book layout:
//! tokens are the columns of x; weights column n = softmax over keys for output n).
template <std::size_t D, std::size_t N, std::size_t Dk, std::size_t Dv>
struct reference_case {
  static constexpr std::size_t d = D;
  static constexpr std::size_t n = N;
  static constexpr std::size_t dk = Dk;
  static constexpr std::size_t dv = Dv;

  const char* name;
  ctattn::matrix<double, D, N> x;
  ctattn::attention_params<double, D, Dk, Dv> params;
  ctattn::matrix<double, N, N> weights;  //!< numpy: softmax over axis 0 of K^T Q
  ctattn::matrix<double, Dv, N> output;  //!< numpy: V @ weights
};

}  // namespace reference_data

#endif  // CTATTN_TESTS_DATA_REFERENCE_CASE_HPP
