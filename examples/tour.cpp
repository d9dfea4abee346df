// The README's short tour, built and run by `meson test` so that the README cannot rot.
#include <ctattn/ctattn.hpp>

using ctattn::matrix;

// One head: Dk x D query/key projections, Dv x D value projection and their biases,
// members in the book's order.
constexpr ctattn::attention_params<double, 3, 2, 3> p{
    matrix<double, 2, 3>{0.5, -0.25, 1.0, 0.75, 0.5, -1.5},      // omega_q
    matrix<double, 2, 3>{-0.5, 1.25, 0.25, 0.5, -0.75, 1.0},     // omega_k
    matrix<double, 3, 3>{1, 0.5, 0, -0.5, 1, 0.25, 0, 0.75, -1}, // omega_v
    {0.125, -0.25}, {0.5, 0.0}, {-1, 0.5, 0.25}};                // beta_q, beta_k, beta_v

constexpr matrix<double, 3, 4> x{1, -1, 0.5, 2,    // D = 3 rows, N = 4 tokens (columns)
                                 0, 1, -0.5, 1,
                                 2, 0.25, 1, -1};

constexpr auto r = ctattn::self_attention(x, p);            // r.output: 3 x 4, r.weights: 4 x 4
static_assert(ctattn::self_attention_loop(ctattn::columns(x), p) == r);  // the notebook's loop

int main() {
  auto at_run_time = ctattn::self_attention(x, p);  // same bits as r
  return at_run_time == r ? 0 : 1;
}
