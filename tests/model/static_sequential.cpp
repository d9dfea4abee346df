// Compile-time tests of ctattn/sequential.hpp: layer shapes, the chain check, parameter counts
// and the flat layout of whole models, the pipeline against the functions composed by hand.
#include <ctattn/layers.hpp>
#include <ctattn/params.hpp>
#include <ctattn/sequential.hpp>
#include <ctattn/transformer.hpp>

#include <boost/hana/at.hpp>
#include <boost/hana/equal.hpp>
#include <boost/hana/keys.hpp>
#include <boost/hana/length.hpp>

#include <array>
#include <type_traits>

namespace {

namespace hana = boost::hana;
namespace L = ctattn::layers;
using ctattn::matrix;

// ---- shapes --------------------------------------------------------------------------------
using mlp = ctattn::sequential<L::linear<double, 4, 8>, L::relu, L::linear<double, 8, 3>>;
static_assert(mlp::in_dim == 4 && mlp::out_dim == 3 && mlp::size == 3);
// element-wise layers take any dimension and keep it
using act_first = ctattn::sequential<L::gelu, L::layer_norm<double, 5>, L::gelu_erf>;
static_assert(act_first::in_dim == 5 && act_first::out_dim == 5);
using only_relu = ctattn::sequential<L::relu>;
static_assert(only_relu::in_dim == L::any_dim && only_relu::out_dim == L::any_dim);
// a layer that changes the dimension before the first fixed one: the input is not known
using relu_linear = ctattn::sequential<L::relu, L::linear<double, 2, 6>>;
static_assert(relu_linear::in_dim == 2 && relu_linear::out_dim == 6);
// residual keeps the dimension; models nest
using mlp44 = ctattn::sequential<L::linear<double, 4, 8>, L::relu, L::linear<double, 8, 4>>;
using block = ctattn::sequential<L::residual<mlp44>, L::relu>;
static_assert(block::in_dim == 4 && block::out_dim == 4);
static_assert(std::is_same_v<decltype(L::residual{L::layer_norm<double, 3>{}}),
                             L::residual<L::layer_norm<double, 3>>>);
using nested = ctattn::sequential<L::linear<double, 3, 4>,
                                  ctattn::sequential<L::linear<double, 4, 4>, L::relu>,
                                  L::residual<L::linear<double, 4, 4>>>;
static_assert(nested::in_dim == 3 && nested::out_dim == 4);

// ---- parameter counts: layers in order, parameterless layers contribute nothing ------------
static_assert(ctattn::parameter_count_v<L::relu> == 0);
static_assert(ctattn::parameter_count_v<L::sinusoidal_positions<double, 4>> == 0);
static_assert(ctattn::parameter_count_v<ctattn::linear_params<double, 4, 8>> == 8 * 4 + 8);
static_assert(ctattn::parameter_count_v<ctattn::layer_norm_params<float, 6>> == 12);
static_assert(ctattn::parameter_count_v<ctattn::position_embedding_params<double, 4, 3>> == 12);
static_assert(ctattn::parameter_count_v<mlp> == (8 * 4 + 8) + (3 * 8 + 3));
static_assert(ctattn::parameter_count_v<nested> == (4 * 3 + 4) + (4 * 4 + 4) + (4 * 4 + 4));
// transformer_layer_params: multi-head with bias, LayerNorm, D -> Dff, Dff -> D, LayerNorm
static_assert(ctattn::parameter_count_v<ctattn::transformer_layer_params<double, 16, 4, 32>> ==
              (4 * (3 * 4 * 16 + 3 * 4) + 16 * 16 + 16) + 2 * 16 + (32 * 16 + 32) +
                  (16 * 32 + 16) + 2 * 16);
// PyTorch's nn.TransformerEncoderLayer(d_model=64, nhead=8, dim_feedforward=256) has
// 4 * 64 * 64 + 4 * 64 (attention) + 2 * 64 * 256 + 256 + 64 + 4 * 64 (norms) = 49984
static_assert(ctattn::parameter_count_v<ctattn::transformer_layer_params<float, 64, 8, 256>> ==
              49984);

// The parameter types are Hana Structs with named members, in load order.
static_assert(hana::at_c<0>(hana::keys(ctattn::transformer_layer_params<double, 4, 2, 8>{})) ==
              BOOST_HANA_STRING("attention"));
static_assert(hana::at_c<4>(hana::keys(ctattn::transformer_layer_params<double, 4, 2, 8>{})) ==
              BOOST_HANA_STRING("norm2"));
static_assert(hana::length(hana::keys(ctattn::linear_params<double, 4, 2>{})) == hana::size_c<2>);
static_assert(std::is_aggregate_v<ctattn::transformer_layer_params<double, 4, 2, 8>>);

// ---- the flat layout: 0, 1, 2, ... shows where each parameter goes --------------------------
template <std::size_t Count>
constexpr std::array<double, Count> iota() {
  std::array<double, Count> a{};
  for (std::size_t i = 0; i < Count; ++i) a[i] = static_cast<double>(i);
  return a;
}
constexpr auto mlp_flat = iota<ctattn::parameter_count_v<mlp>>();
constexpr mlp m = ctattn::load_params<mlp>(mlp_flat);
static_assert(m.layer<0>().params.omega(0, 0) == 0 && m.layer<0>().params.omega(7, 3) == 31);
static_assert(m.layer<0>().params.beta[0] == 32 && m.layer<0>().params.beta[7] == 39);
static_assert(m.layer<2>().params.omega(0, 0) == 40 && m.layer<2>().params.beta[2] == 66);
static_assert(ctattn::store_params(m) == mlp_flat);

using tp = ctattn::transformer_layer_params<double, 4, 2, 8>;
constexpr auto tp_flat = iota<ctattn::parameter_count_v<tp>>();
constexpr tp t = ctattn::load_params<tp>(tp_flat);
constexpr std::size_t att = ctattn::parameter_count_v<ctattn::multihead_params_with_bias<double, 4, 2>>;
static_assert(t.attention.heads[0].omega_q(0, 0) == 0 && t.attention.beta_c[3] == att - 1);
static_assert(t.norm1.gamma[0] == att && t.norm1.beta[3] == att + 7);
static_assert(t.ff1.omega(0, 0) == att + 8 && t.ff1.beta[7] == att + 8 + 32 + 7);
static_assert(t.ff2.omega(0, 0) == att + 48 && t.ff2.beta[3] == att + 48 + 32 + 3);
static_assert(t.norm2.gamma[0] == att + 84 && t.norm2.beta[3] == att + 91);
static_assert(att + 92 == ctattn::parameter_count_v<tp>);
static_assert(ctattn::store_params(t) == tp_flat);

// A model of transformer layers is the layers' flat arrays one after the other.
using two = ctattn::sequential<L::transformer<double, 4, 2, 8>, L::relu,
                               L::transformer<double, 4, 2, 8, ctattn::pre_norm_t>>;
constexpr auto two_flat = iota<ctattn::parameter_count_v<two>>();
constexpr two tt = ctattn::load_params<two>(two_flat);
static_assert(tt.layer<2>().params.attention.heads[0].omega_q(0, 0) == ctattn::parameter_count_v<tp>);
static_assert(ctattn::store_params(tt.layer<0>().params) == tp_flat);

// ---- the pipeline is the composition of its layers ------------------------------------------
constexpr matrix<double, 4, 3> x{0.5, -1, 2, 0.25, 3, -0.5, -2, 1, 0.75, 1.5, -0.25, 0};
constexpr auto small_flat = [] {
  std::array<double, ctattn::parameter_count_v<mlp>> a{};
  for (std::size_t i = 0; i < a.size(); ++i)
    a[i] = static_cast<double>(static_cast<int>((i * 37) % 17) - 8) / 16.0;
  return a;
}();
constexpr mlp ms = ctattn::load_params<mlp>(small_flat);
static_assert(ms(x) == ctattn::linear(ctattn::relu(ctattn::linear(x, ms.layer<0>().params)),
                                      ms.layer<2>().params));
constexpr mlp44 ms44 = ctattn::load_params<mlp44>(iota<ctattn::parameter_count_v<mlp44>>());
constexpr L::layer_norm<double, 4> ln{{{1, 2, 0.5, -1}, {0, 0.25, 0, 1}}};
// (The first argument in parentheses: g++ 11 otherwise parses a function declaration and rejects
// the class template placeholder "not permitted in this context".)
constexpr ctattn::sequential with_res((L::residual{ms44}), ln);
static_assert(with_res(x) == ctattn::layer_norm(x + ms44(x), ln.params));

// Learned positions: X + P, only for the table's N.
constexpr L::positions<double, 4, 3> pos{{matrix<double, 4, 3>{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}}};
static_assert(pos(x) == x + pos.params.p);
static_assert(ctattn::parameter_count_v<decltype(pos)> == 12);

// A layer with options passes them on.
constexpr auto tpar = ctattn::load_params<tp>([] {
  std::array<double, ctattn::parameter_count_v<tp>> a{};
  for (std::size_t i = 0; i < a.size(); ++i)
    a[i] = static_cast<double>(static_cast<int>((i * 29) % 23) - 11) / 32.0;
  return a;
}());
static_assert(L::transformer<double, 4, 2, 8, ctattn::pre_norm_t, ctattn::causal_t>{tpar}(x) ==
              ctattn::transformer_layer(x, tpar, ctattn::causal, ctattn::pre_norm));
static_assert(L::multihead<double, 4, 2, ctattn::causal_t>{tpar.attention}(x) ==
              ctattn::multihead_self_attention(x, tpar.attention, ctattn::causal).output);

// The layer's own multi-head attention (no weight matrices kept) has the bits of
// multihead_self_attention; the layer is its two sublayers composed, in every arrangement.
static_assert(ctattn::detail::layer_attention(x, tpar.attention) ==
              ctattn::multihead_self_attention(x, tpar.attention).output);
static_assert(ctattn::detail::layer_attention(x, tpar.attention, ctattn::causal, ctattn::exp_fast) ==
              ctattn::multihead_self_attention(x, tpar.attention, ctattn::causal, ctattn::exp_fast)
                  .output);
static_assert(ctattn::transformer_layer(x, tpar) ==
              ctattn::transformer_mlp_block(ctattn::transformer_attention_block(x, tpar), tpar));
static_assert(ctattn::transformer_layer(x, tpar, ctattn::pre_norm, ctattn::gelu_mlp) ==
              ctattn::transformer_mlp_block(
                  ctattn::transformer_attention_block(x, tpar, ctattn::pre_norm, ctattn::gelu_mlp),
                  tpar, ctattn::pre_norm, ctattn::gelu_mlp));

}  // namespace
