// Modules exported from PyTorch, run in ctattn (docs/from-pytorch.md).
//
// The headers were written by tools/export_weights.py's export_module from a
// torch.nn.MultiheadAttention(8, 4, kdim=6, vdim=3) and a
// torch.nn.TransformerEncoderLayer(8, 2, 16, norm_first=True, activation="gelu",
// layer_norm_eps=0.1) (tools/gen_pytorch_reference.py); the inputs, masks and torch's outputs
// come from tests/data/pytorch_reference.hpp. Tokens are columns here, rows in PyTorch.
#include <ctattn/params.hpp>
#include <ctattn/pytorch.hpp>

#include <cstdio>

#include "../tests/data/pytorch_exported_layer.hpp"
#include "../tests/data/pytorch_exported_mha.hpp"
#include "../tests/data/pytorch_reference.hpp"

namespace pe = pytorch_exported;
namespace ref = pytorch_ref;

// The weights' types say what they were exported from: other heads would not compile.
using mha_config = pe::mha_kv_masks_config;
constexpr auto mha = ctattn::load_params<mha_config::params_type>(pe::mha_kv_masks);
using layer_config = pe::layer_pre_gelu_config;
constexpr auto layer = ctattn::load_params<layer_config::params_type>(pe::layer_pre_gelu);

// PyTorch's masks as PyTorch takes them (attn_mask Nq x Nk with true = masked, key_padding_mask
// with true = padding), converted to ctattn's (keys x queries, true = may attend).
constexpr auto allowed = ctattn::from_attn_mask(ref::kv_masks::attn_mask);
constexpr auto valid = ctattn::from_key_padding_mask(ref::kv_masks::key_padding_mask);

// query 8 x 4, key 6 x 6, value 3 x 6: PyTorch's forward(query, key, value), at compile time.
constexpr auto r = ctattn::multihead_attention(ref::kv_masks::query, ref::kv_masks::key,
                                               ref::kv_masks::value, mha, ctattn::allowed(allowed),
                                               ctattn::valid_keys(valid));
static_assert(ctattn::approx_equal(r.output, ref::kv_masks::output, 1e-13, 1e-13));

int main() {
  // The encoder layer with its exported configuration: pre-norm, GELU, eps 0.1 come from
  // layer_config (passing ctattn::post_norm or norm_eps here would not compile).
  const auto y = ctattn::pytorch::transformer_layer<layer_config>(ref::layer::x, layer);
  std::printf("multi-head attention, token 0:");
  for (std::size_t d = 0; d < 8; ++d) std::printf(" %8.5f", r.output(d, 0));
  std::printf("\nencoder layer, token 0:       ");
  for (std::size_t d = 0; d < 8; ++d) std::printf(" %8.5f", y(d, 0));
  std::printf("\n");
  return ctattn::approx_equal(y, ref::layer::pre_gelu_eps0_1, 1e-13, 1e-13) ? 0 : 1;
}
