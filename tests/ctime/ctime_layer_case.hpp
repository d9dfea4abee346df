// tests/ctime/ctime_layer_case.hpp - one compile-time case of the probe for a whole transformer
// encoder layer (ctattn::transformer_layer, post-norm, ReLU mlp) at N = D = CTIME_N with
// CTIME_HEADS heads and a hidden layer of CTIME_DFF units, evaluated inside a static_assert with
// no flag that raises the compilers' constant-evaluation limits.
// Inputs as in ctime_case.hpp (an integer hash mapped to k / 32768, exact in double). The
// second LayerNorm has gamma = 1, beta = 0, so what is checked is independent of the kernels
// that computed the result: every output column has mean 0 (within 1e-12) and variance
// s2 / (s2 + eps) in [1 - 1e-3, 1] (eps = 1e-5 and the column variance s2 before the norm is
// well above 1e-2 for these inputs). The layer is one constant evaluation (the initializer),
// the check a second one; with CTIME_LAYER_HALVES = 1 the layer is two (attention sublayer,
// mlp sublayer), which is how GCC verifies N = D = 64 within its default limit.
#ifndef CTATTN_TESTS_CTIME_LAYER_CASE_HPP
#define CTATTN_TESTS_CTIME_LAYER_CASE_HPP

#include <cstddef>
#include <cstdint>

#include <ctattn/transformer.hpp>

#ifndef CTIME_N
#error "define CTIME_N (N = D)"
#endif
#ifndef CTIME_HEADS
#error "define CTIME_HEADS (H)"
#endif
#ifndef CTIME_DFF
#error "define CTIME_DFF (the mlp's hidden units)"
#endif
#ifndef CTIME_LAYER_HALVES
#define CTIME_LAYER_HALVES 0  // 1: the two sublayers as two constant evaluations
#endif

namespace ctime_layer_case {

inline constexpr std::size_t N = CTIME_N, D = CTIME_N, H = CTIME_HEADS, Dff = CTIME_DFF;

constexpr double unit(std::uint32_t seed, std::uint32_t i) {
  std::uint32_t h = (i + 1u) * 2654435761u ^ seed * 0x9E3779B9u;
  h ^= h >> 15;
  h *= 0x2C1B3C6Du;
  h ^= h >> 12;
  return static_cast<double>(static_cast<int>(h & 0xFFFFu) - 32768) / 32768.0;
}

// 1 / ceil(sqrt(cols)): weights of this size keep the activations near unit scale.
constexpr double weight_scale(std::size_t cols) {
  std::size_t r = 1;
  while (r * r < cols) ++r;
  return 1.0 / static_cast<double>(r);
}

template <std::size_t R, std::size_t C>
constexpr ctattn::matrix<double, R, C> gen(std::uint32_t seed, double scale) {
  ctattn::matrix<double, R, C> m{};
  for (std::size_t i = 0; i < R * C; ++i)
    m.elems[i] = scale * unit(seed, static_cast<std::uint32_t>(i));
  return m;
}

inline constexpr auto x = gen<D, N>(1, 1.0);

inline constexpr ctattn::transformer_layer_params<double, D, H, Dff> p = [] {
  ctattn::transformer_layer_params<double, D, H, Dff> r{};
  constexpr std::size_t Dh = D / H;
  for (std::size_t h = 0; h < H; ++h) {
    const auto s = static_cast<std::uint32_t>(10 * h);
    r.attention.heads[h] = {gen<Dh, D>(s + 2, weight_scale(D)), gen<Dh, D>(s + 3, weight_scale(D)),
                            gen<Dh, D>(s + 4, weight_scale(D)), gen<Dh, 1>(s + 5, 0.125),
                            gen<Dh, 1>(s + 6, 0.125),           gen<Dh, 1>(s + 7, 0.125)};
  }
  r.attention.omega_c = gen<D, D>(100, weight_scale(D));
  r.attention.beta_c = gen<D, 1>(101, 0.125);
  r.norm1 = {gen<D, 1>(102, 0.25) + ctattn::ones<double, D, 1>(), gen<D, 1>(103, 0.125)};
  r.ff1 = {gen<Dff, D>(104, weight_scale(D)), gen<Dff, 1>(105, 0.125)};
  r.ff2 = {gen<D, Dff>(106, weight_scale(Dff)), gen<D, 1>(107, 0.125)};
  r.norm2 = ctattn::identity_layer_norm_params<double, D>();
  return r;
}();

#if CTIME_LAYER_HALVES
// The layer as its two sublayers, each its own constant evaluation (the same bits).
inline constexpr auto x1 = ctattn::transformer_attention_block(x, p);
inline constexpr auto y = ctattn::transformer_mlp_block(x1, p);
#else
inline constexpr auto y = ctattn::transformer_layer(x, p);
#endif

constexpr bool columns_normalised() {
  for (std::size_t n = 0; n < N; ++n) {
    double s = 0;
    for (std::size_t d = 0; d < D; ++d) s += y.elems[d * N + n];
    const double mean = s / static_cast<double>(D);
    double q = 0;
    for (std::size_t d = 0; d < D; ++d) q += (y.elems[d * N + n] - mean) * (y.elems[d * N + n] - mean);
    const double var = q / static_cast<double>(D);
    if (!(mean < 1e-12 && mean > -1e-12 && var <= 1.0 + 1e-12 && var >= 1.0 - 1e-3)) return false;
  }
  return true;
}
static_assert(columns_normalised());

}  // namespace ctime_layer_case

#endif  // CTATTN_TESTS_CTIME_LAYER_CASE_HPP
