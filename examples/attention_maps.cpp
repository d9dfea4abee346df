// examples/attention_maps.cpp - the multi-head attention of examples/encoder's first layer drawn
// as heatmaps (ctattn/svg.hpp): one panel per head, without and with the causal mask.
//
// The encoder (examples/encoder_data.hpp, tools/gen_encoder_reference.py) has N = 8 tokens of
// D = 16 and H = 4 heads, with random parameters: its heads have learned nothing, so the maps
// show no linguistic pattern (the causal one shows the mask's triangle). Its first layer attends
// over X + P (the sinusoidal positions); its attention parameters are the first ones in the
// flat array (the positions have none).
//
// Run: ./build/examples/attention_maps HEADS.svg CAUSAL.svg
// (docs/heatmaps.md shows both; tools/gen_heatmaps.py writes them to docs/images/)
#include <cstddef>
#include <fstream>
#include <iostream>
#include <span>
#include <string>
#include <string_view>

#include <ctattn/layers.hpp>
#include <ctattn/multihead.hpp>
#include <ctattn/options.hpp>
#include <ctattn/params.hpp>
#include <ctattn/svg.hpp>

#include "encoder_data.hpp"

namespace {

namespace ed = encoder_data;
using attention_params = ctattn::multihead_params_with_bias<double, ed::D, ed::H>;
constexpr std::size_t count = ctattn::parameter_count_v<attention_params>;

bool write(const char* path, const std::string& svg) {
  std::ofstream file(path, std::ios::binary);
  file << svg;
  file.close();
  if (!file) std::cerr << "attention_maps: cannot write " << path << '\n';
  return static_cast<bool>(file);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::cerr << "usage: attention_maps HEADS.svg CAUSAL.svg\n";
    return 2;
  }
  attention_params p{};
  ctattn::load_params(p, std::span<const double, count>(ed::params.data(), count));
  const auto x = ctattn::add_sinusoidal_positions(ed::x);

  const auto heads = ctattn::multihead_self_attention(x, p);
  const auto causal = ctattn::multihead_self_attention(x, p, ctattn::causal);
  const bool ok =
      write(argv[1], ctattn::svg::heatmap(
                         heads.weights,
                         {.title = "examples/encoder, layer 1: the 4 heads' weights (random "
                                   "parameters)",
                          .panels_per_row = 2})) &&
      write(argv[2], ctattn::svg::heatmap(
                         causal.weights,
                         {.title = "The same heads with ctattn::causal: query n sees keys m <= n",
                          .panels_per_row = 2}));
  return ok ? 0 : 1;
}
