// embedded/example/attention_example.cpp - the notebook's attention as firmware.
//
// The weights live in flash as constexpr data. For a known input (the notebook's three tokens)
// the compiler computes the attention and static_assert checks it against the notebook's own
// printed outputs (numpy, an independent reference) and against the laws of softmax. At run
// time the device computes the attention of an input it receives (here the same known input,
// read through a barrier the optimiser cannot see through) and checks that it got exactly the
// bits that were proven at compile time.
//
// Build for a board: see embedded/meson.build (meson setup --cross-file ...). The same file
// builds and runs on the host (tests/meson.build), where it prints to stdout.
#include <cstddef>

#include <ctattn/ctattn.hpp>

#include "../cases.hpp"  // notebook_x / notebook_params: the notebook's data, rounded to float
#include "../console.hpp"

namespace {

// In flash (.rodata): Omega_q, Omega_k, Omega_v (4 x 4) and beta_q, beta_k, beta_v (4).
constexpr ctattn::attention_params<float, 4> weights = ctattn_embedded::notebook_params<float>();

// The known input and what the attention of it must be, both compile-time constants.
constexpr ctattn::matrix<float, 4, 3> known_x = ctattn_embedded::notebook_x<float>();
constexpr auto expected = ctattn::self_attention(known_x, weights);

// x_prime_n_true as the notebook prints them (numpy, float64, 8 decimals): column n.
constexpr ctattn::matrix<float, 4, 3> notebook_x_prime{
    0.94744244f,  1.64201168f,  1.61949281f,   //
    -0.24348429f, -0.08470004f, -0.06641533f,  //
    -0.91310441f, 4.02764044f,  3.96863308f,   //
    -0.44522983f, 2.18690791f,  2.15858316f};

// float rounding of the inputs and of each step: agreement to 2e-5 relative or 1e-6 absolute.
static_assert(ctattn::approx_equal(expected.output, notebook_x_prime, 2e-5f, 1e-6f),
              "the attention of the notebook's input must match the notebook's outputs");
static_assert(ctattn::approx_equal(ctattn::col_sums(expected.weights),
                                   ctattn::ones<float, 1, 3>(), 1e-6f),
              "every column of attention weights sums to 1");
static_assert(ctattn::self_attention_loop(ctattn::columns(known_x), weights) == expected,
              "the notebook's loop form gives the same bits");

}  // namespace

int main() {
  // At run time, on the device: the input arrives (here: the known one, opaque to the
  // optimiser), the attention is computed with the weights from flash.
  const ctattn::matrix<float, 4, 3> x = ctattn_embedded::opaque(known_x);
  const auto result = ctattn::self_attention(x, weights);

  for (std::size_t n = 0; n < 3; ++n) {
    ctattn_embedded::line out{};
    out.text("x_prime_").dec(n).text(":");
    for (std::size_t d = 0; d < 4; ++d) out.text(" ").decimal(static_cast<double>(result.output(d, n)));
    out.text("  bits");
    for (std::size_t d = 0; d < 4; ++d) out.text(" ").bits(result.output(d, n));
    out.end();
  }
  const bool same = result == expected;
  ctattn_embedded::line{}
      .text(same ? "run-time result == compile-time result (bit for bit)"
                 : "MISMATCH between run time and compile time")
      .end();
  return same ? 0 : 1;
}
