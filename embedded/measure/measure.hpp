// embedded/measure/measure.hpp - the API calls whose memory embedded.py measures.
//
// A case is one call of one ctattn function on data of given sizes, measured alone in its own
// firmware (main.cpp): flash and static RAM (.data + .bss) from the linked image, stack both
// painted (high-water mark under QEMU) and static (-fstack-usage / -fcallgraph-info).
//
// Each API is a function template of this namespace with the one signature
//   template <class T, std::size_t N, std::size_t D, std::size_t H, std::size_t Dff>
//   void api_name() noexcept;
// (T the scalar, N tokens, D model dimension, H heads, Dff hidden units; an API ignores the
// sizes it does not have). It keeps its data where firmware would: parameters `static
// constexpr` (flash), the input `static constinit` (.data, as if just received), results and
// workspaces `static` (.bss), and makes one call. `hidden()` hides the data from the optimiser,
// so the call computes at run time on the device, not in the compiler.
//
// embedded.py writes, per case, a translation unit (meson.build: measure_case.cpp.in) holding
//   void ctattn_measured() noexcept { ctattn_measure::api_name<T, N, D, H, Dff>(); }
// To measure a new API, add its template here; to add a row to docs/memory.md, add one entry
// to MEASURE_CASES in scripts/embedded.py (or measure any sizes: embedded.py measure --help).
#ifndef CTATTN_EMBEDDED_MEASURE_HPP
#define CTATTN_EMBEDDED_MEASURE_HPP

#include <cstddef>
#include <cstdint>
#include <type_traits>

#include <ctattn/attention.hpp>
#include <ctattn/fixed.hpp>
#include <ctattn/layers.hpp>
#include <ctattn/multihead.hpp>
#include <ctattn/transformer.hpp>
#include <ctattn/workspace.hpp>

#include "cases.hpp"
#include "measured.hpp"

namespace ctattn_measure {

//! `obj` through a pointer the optimiser cannot follow: the call cannot be folded with the
//! constant data, as in firmware where X arrives at run time.
template <class T>
[[nodiscard]] T& hidden(T& obj) noexcept {
  T* p = &obj;
  asm volatile("" : "+r"(p) : : "memory");
  return *p;
}

// ---- data: the same pseudo-random values in every scalar type -----------------------------

//! R x C values k / 2^15 * scale (ctattn_embedded::pattern); fixed point rounds the double
//! values in constant evaluation, so fixed-point images stay free of floating point.
template <class T, std::size_t R, std::size_t C>
constexpr ctattn::matrix<T, R, C> values(std::uint32_t seed, double scale) noexcept {
  if constexpr (std::is_floating_point_v<T>)
    return ctattn_embedded::pattern<T, R, C>(seed, static_cast<T>(scale));
  else
    return ctattn_embedded::convert<T>(ctattn_embedded::pattern<double, R, C>(seed, scale));
}

//! The input X (D x N).
template <class T, std::size_t D, std::size_t N>
constexpr ctattn::matrix<T, D, N> input() noexcept {
  return values<T, D, N>(2, 1.0);
}

//! Parameters of one attention (D -> Dk, Dv), weights in [-1/8, 1/8).
template <class T, std::size_t D, std::size_t Dk, std::size_t Dv>
constexpr ctattn::attention_params<T, D, Dk, Dv> attention_parameters(std::uint32_t seed) noexcept {
  return {values<T, Dk, D>(seed + 1, 0.125), values<T, Dk, D>(seed + 2, 0.125),
          values<T, Dv, D>(seed + 3, 0.125), values<T, Dk, 1>(seed + 4, 0.125),
          values<T, Dk, 1>(seed + 5, 0.125), values<T, Dv, 1>(seed + 6, 0.125)};
}

//! Multi-head parameters (with or without the output bias beta_c).
template <class MP, class T, std::size_t D, std::size_t H>
constexpr MP multihead_parameters(std::uint32_t seed) noexcept {
  constexpr std::size_t Dh = D / H;
  MP mp{};
  for (std::size_t h = 0; h < H; ++h)
    mp.heads[h] = attention_parameters<T, D, Dh, Dh>(seed + 10 * static_cast<std::uint32_t>(h));
  mp.omega_c = values<T, D, D>(seed + 1000, 0.125);
  if constexpr (requires { mp.beta_c; }) mp.beta_c = values<T, D, 1>(seed + 1001, 0.125);
  return mp;
}

//! Parameters of one encoder layer (multi-head with output bias, LayerNorms, the mlp).
template <class T, std::size_t D, std::size_t H, std::size_t Dff>
constexpr ctattn::transformer_layer_params<T, D, H, Dff> layer_parameters() noexcept {
  return {multihead_parameters<ctattn::multihead_params_with_bias<T, D, H>, T, D, H>(1),
          {values<T, D, 1>(2001, 1.0), values<T, D, 1>(2002, 0.125)},
          {values<T, Dff, D>(2003, 0.125), values<T, Dff, 1>(2004, 0.125)},
          {values<T, D, Dff>(2005, 0.125), values<T, D, 1>(2006, 0.125)},
          {values<T, D, 1>(2007, 1.0), values<T, D, 1>(2008, 0.125)}};
}

// ---- the APIs ---------------------------------------------------------------------------

//! Nothing: the harness alone (its flash, RAM and stack are in every other case too).
template <class T, std::size_t N, std::size_t D, std::size_t H, std::size_t Dff>
void none() noexcept {}

//! r = ctattn::self_attention(x, p): the result (X' and the N x N weights) in .bss.
template <class T, std::size_t N, std::size_t D, std::size_t H, std::size_t Dff>
void self_attention() noexcept {
  static constexpr auto p = attention_parameters<T, D, D, D>(1);
  static constinit auto x = input<T, D, N>();
  static ctattn::attention_result<T, D, N> r;
  hidden(r) = ctattn::self_attention(hidden(x), hidden(p));
}

//! r = ctattn::multihead_self_attention(x, mp): H heads of D/H dimensions, no output bias.
template <class T, std::size_t N, std::size_t D, std::size_t H, std::size_t Dff>
void multihead_self_attention() noexcept {
  static constexpr auto mp = multihead_parameters<ctattn::multihead_params<T, D, H>, T, D, H>(1);
  static constinit auto x = input<T, D, N>();
  static ctattn::multihead_result<T, D, N, H> r;
  hidden(r) = ctattn::multihead_self_attention(hidden(x), hidden(mp));
}

//! y = ctattn::transformer_layer(x, p): post-norm, ReLU mlp with Dff hidden units (float and
//! double only: LayerNorm needs sqrt).
template <class T, std::size_t N, std::size_t D, std::size_t H, std::size_t Dff>
void transformer_layer() noexcept {
  static constexpr auto p = layer_parameters<T, D, H, Dff>();
  static constinit auto x = input<T, D, N>();
  static ctattn::matrix<T, D, N> y;
  hidden(y) = ctattn::transformer_layer(hidden(x), hidden(p));
}

// ---- caller-provided buffers (ctattn/workspace.hpp) --------------------------------------

//! ctattn::self_attention_inplace(x, p, ws): X replaced by X', no N x N matrix anywhere; the
//! workspace (K, V^T and one query's scratch) in .bss.
template <class T, std::size_t N, std::size_t D, std::size_t H, std::size_t Dff>
void self_attention_inplace() noexcept {
  static constexpr auto p = attention_parameters<T, D, D, D>(1);
  static constinit auto x = input<T, D, N>();
  static ctattn::attention_workspace<T, N, D, D> ws;
  ctattn::self_attention_inplace(hidden(x), hidden(p), hidden(ws));
}

//! ctattn::multihead_self_attention_into(out, x, mp, ws): one head's K and V at a time.
template <class T, std::size_t N, std::size_t D, std::size_t H, std::size_t Dff>
void multihead_self_attention_into() noexcept {
  static constexpr auto mp = multihead_parameters<ctattn::multihead_params<T, D, H>, T, D, H>(1);
  static constinit auto x = input<T, D, N>();
  static ctattn::multihead_workspace<T, D, H, N> ws;
  static ctattn::matrix<T, D, N> out;
  ctattn::multihead_self_attention_into(hidden(out), hidden(x), hidden(mp), hidden(ws));
}

//! ctattn::transformer_layer_into(out, x, p, ws): the layer of transformer_layer() above.
template <class T, std::size_t N, std::size_t D, std::size_t H, std::size_t Dff>
void transformer_layer_into() noexcept {
  static constexpr auto p = layer_parameters<T, D, H, Dff>();
  static constinit auto x = input<T, D, N>();
  static ctattn::transformer_workspace<T, D, H, Dff, N> ws;
  static ctattn::matrix<T, D, N> out;
  ctattn::transformer_layer_into(hidden(out), hidden(x), hidden(p), hidden(ws));
}

}  // namespace ctattn_measure

#endif  // CTATTN_EMBEDDED_MEASURE_HPP
