// Weights exported from numpy by tools/export_weights.py, loaded at compile time and run.
//
// examples/load_weights_data.hpp was written by
//   /usr/bin/python3 tools/export_weights.py demo_weights.npz --name demo_weights
//       --type float --namespace demo --out examples/load_weights_data.hpp
// (tools/gen_family_reference.py makes the .npz and runs that command). The header holds one
// flat float array in load_params' layout: heads[0], heads[1] (omega_q, omega_k, omega_v,
// beta_q, beta_k, beta_v each), omega_c, beta_c; every matrix row-major. A header exported for
// other shapes would not compile here: its length would differ from parameter_count_v.
#include <ctattn/multihead.hpp>
#include <ctattn/params.hpp>

#include <cstdio>

#include "load_weights_data.hpp"

using params = ctattn::multihead_params_with_bias<float, 8, 2>;

constexpr params mp = ctattn::load_params<params>(demo::demo_weights);
static_assert(mp.heads[0].omega_q(0, 0) == demo::demo_weights[0]);
static_assert(mp.beta_c[7] == demo::demo_weights[demo::demo_weights_count - 1]);
// And back: store_params gives the exported array again, bit for bit.
static_assert([] {
  const auto flat = ctattn::store_params(mp);
  for (std::size_t i = 0; i < flat.size(); ++i)
    if (flat[i] != demo::demo_weights[i]) return false;
  return true;
}());

int main() {
  // Five tokens of dimension 8 (columns), masked causally as a decoder would.
  ctattn::matrix<float, 8, 5> x{};
  for (std::size_t d = 0; d < 8; ++d)
    for (std::size_t n = 0; n < 5; ++n)
      x(d, n) = static_cast<float>(d + 1) * 0.125f - static_cast<float>(n) * 0.25f;
  const auto r = ctattn::multihead_self_attention(x, mp, ctattn::causal);
  std::printf("head 0 weights (keys x queries):\n");
  for (std::size_t m = 0; m < 5; ++m) {
    for (std::size_t n = 0; n < 5; ++n)
      std::printf(" %8.5f", static_cast<double>(r.weights[0](m, n)));
    std::printf("\n");
  }
  std::printf("output token 4:");
  for (std::size_t d = 0; d < 8; ++d) std::printf(" %9.5f", static_cast<double>(r.output(d, 4)));
  std::printf("\n");
  // Every column of every head's weights sums to 1 (causal keeps at least key 0).
  for (const auto& w : r.weights) {
    const auto sums = ctattn::col_sums(w);
    for (float s : sums)
      if (!ctattn::approx_equal(s, 1.0f, 1e-6f)) return 1;
  }
  return 0;
}
