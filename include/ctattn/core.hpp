// ctattn/core.hpp - everything of ctattn that needs no Boost: #include <ctattn/core.hpp>.
//
// For firmware and other builds without Boost's headers (a cross compiler whose include path
// has no boost/, docs/portability.md): matrices, math, softmax, single- and multi-head
// attention, fixed point, the transformer layers and encoder layer, the evaluation-order check
// and the version. Left out, as they need Boost.Hana: parameter reflection
// (ctattn/params.hpp: param_count, load_params, store_params, BOOST_HANA_ADAPT_STRUCT of your
// own types) and models of layers (ctattn/sequential.hpp: sequential, layers::*).
// <ctattn/ctattn.hpp> is this plus those two. Not included either: ctattn/io.hpp (printing).
#ifndef CTATTN_CORE_HPP
#define CTATTN_CORE_HPP

#include <ctattn/attention.hpp>
#include <ctattn/evaluation_order.hpp>
#include <ctattn/fixed.hpp>
#include <ctattn/layers.hpp>
#include <ctattn/math.hpp>
#include <ctattn/matrix.hpp>
#include <ctattn/multihead.hpp>
#include <ctattn/options.hpp>
#include <ctattn/softmax.hpp>
#include <ctattn/transformer.hpp>
#include <ctattn/version.hpp>
#include <ctattn/workspace.hpp>

#endif  // CTATTN_CORE_HPP
