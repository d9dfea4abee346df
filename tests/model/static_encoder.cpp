// Compile-time proof of the two-layer encoder of examples/encoder.cpp (N = 8, D = 16, H = 4,
// Dff = 32: sinusoidal positions, then two post-norm encoder layers) against the numpy
// reference of tools/gen_encoder_reference.py, under the compilers' default constant-evaluation
// limits. The run-time twin (test_encoder_bits.cpp) shows the run time returns the same bits.
#include <ctattn/params.hpp>
#include <ctattn/sequential.hpp>
#include <ctattn/transformer.hpp>

#include "encoder_data.hpp"
#include "model_tolerance.hpp"

namespace {

namespace L = ctattn::layers;
namespace ed = encoder_data;

using encoder = ctattn::sequential<L::sinusoidal_positions<double, ed::D>,
                                   L::transformer<double, ed::D, ed::H, ed::Dff>,
                                   L::transformer<double, ed::D, ed::H, ed::Dff>>;
using layer_params = ctattn::transformer_layer_params<double, ed::D, ed::H, ed::Dff>;

// The whole model loads from one flat array whose length is a compile-time constant.
static_assert(ctattn::parameter_count_v<encoder> == ed::params.size());
static_assert(ctattn::parameter_count_v<encoder> == 2 * ctattn::parameter_count_v<layer_params>);

constexpr encoder model = ctattn::load_params<encoder>(ed::params);

// The proof: the encoder's output equals numpy's within the tolerance of model_tolerance.hpp.
constexpr auto y = model(ed::x);
static_assert(ctattn::approx_equal(y, ed::expected, model_tol::rel, model_tol::abs));

// The pipeline is the functions composed by hand (same operations, so the same bits).
constexpr auto by_hand = ctattn::transformer_layer(
    ctattn::transformer_layer(ed::x + ctattn::sinusoidal_position_encoding<double, ed::D, ed::N>(),
                              model.layer<1>().params),
    model.layer<2>().params);
static_assert(y == by_hand);

// The tolerance is not vacuous: one parameter changed by 2^-20 moves the output beyond it.
constexpr encoder nudged = [] {
  encoder m = model;
  m.layer<2>().params.ff2.omega(3, 5) += 0x1p-20;
  return m;
}();
static_assert(!ctattn::approx_equal(nudged(ed::x), ed::expected, model_tol::rel, model_tol::abs));

}  // namespace
