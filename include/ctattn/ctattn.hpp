// ctattn/ctattn.hpp - the whole library: #include <ctattn/ctattn.hpp>.
//
// ctattn computes transformer attention for fixed sizes, in constant expressions and at run
// time, with the same bits in both. Layout as in "Understanding Deep Learning": tokens are the
// columns of X (D x N), Q = beta_q 1^T + Omega_q X, A = softmax_cols(K^T Q), X' = V A.
// Around attention: the layers of a transformer (layers.hpp), the encoder layer
// (transformer.hpp) and models of layers checked at compile time (sequential.hpp).
// Not included: ctattn/io.hpp and ctattn/svg.hpp (printing and heatmaps; the only headers
// with std::string, io.hpp the only one with <ostream>).
// Without Boost (firmware): <ctattn/core.hpp>, all of this but params.hpp and sequential.hpp.
#ifndef CTATTN_CTATTN_HPP
#define CTATTN_CTATTN_HPP

#include <ctattn/core.hpp>        // everything that needs no Boost
#include <ctattn/params.hpp>      // parameter reflection (Boost.Hana)
#include <ctattn/sequential.hpp>  // models of layers (Boost.Hana)

#endif  // CTATTN_CTATTN_HPP
