// ctattn/ctattn.hpp - the whole library: #include <ctattn/ctattn.hpp>.
//
// ctattn computes transformer attention for fixed sizes, in constant expressions and at run
// time, with the same bits in both. Layout as in "Understanding Deep Learning": tokens are the
// columns of X (D x N), Q = beta_q 1^T + Omega_q X, A = softmax_cols(K^T Q), X' = V A.
// Around attention: the layers of a transformer (layers.hpp), the encoder layer
// (transformer.hpp) and models of layers checked at compile time (sequential.hpp).
// Not included: ctattn/io.hpp and ctattn/svg.hpp (printing and heatmaps; the only headers
// with std::string, io.hpp the only one with <ostream>).
#ifndef CTATTN_CTATTN_HPP
#define CTATTN_CTATTN_HPP

#include <ctattn/attention.hpp>
#include <ctattn/fixed.hpp>
#include <ctattn/layers.hpp>
#include <ctattn/math.hpp>
#include <ctattn/matrix.hpp>
#include <ctattn/multihead.hpp>
#include <ctattn/options.hpp>
#include <ctattn/params.hpp>
#include <ctattn/sequential.hpp>
#include <ctattn/softmax.hpp>
#include <ctattn/transformer.hpp>
#include <ctattn/version.hpp>

#endif  // CTATTN_CTATTN_HPP
