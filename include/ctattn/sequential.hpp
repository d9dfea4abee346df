// ctattn/sequential.hpp - models as pipelines of layers, shape-checked at compile time
// (Boost.Hana).
//
// A layer maps the tokens in the columns of X (Din x N) to Dout x N. The layers below wrap the
// functions of ctattn/layers.hpp, ctattn/multihead.hpp and ctattn/transformer.hpp together with
// their parameters:
//   layers::linear<T, Din, Dout>             linear(X, params)                  Din -> Dout
//   layers::relu, layers::gelu, layers::gelu_erf   element-wise                 D -> D, any D
//   layers::layer_norm<T, D>                 layer_norm(X, params, eps)         D -> D
//   layers::sinusoidal_positions<T, D>       X + sinusoidal_position_encoding   D -> D
//   layers::positions<T, D, N>               add_positions(X, params)           D -> D, N tokens
//   layers::multihead<T, D, H, Opts...>      multihead_self_attention(X, params, Opts{}...)
//                                            .output (with output bias)         D -> D
//   layers::transformer<T, D, H, Dff, Opts...>  transformer_layer(X, params, Opts{}...)  D -> D
//   layers::residual<L>                      X + L(X)                           D -> D
// and ctattn::sequential<L...> is itself a layer. Options (Opts...) are tag types, such as
// ctattn::causal_t or ctattn::pre_norm_t.
//
//   constexpr ctattn::sequential model(
//       ctattn::layers::sinusoidal_positions<double, 16>{},
//       ctattn::layers::transformer<double, 16, 4, 32>{p1},
//       ctattn::layers::transformer<double, 16, 4, 32>{p2});
//   constexpr auto y = model(x);                        // x: matrix<double, 16, N>
//
// The layers live in a hana::tuple (they differ in type and shape) and are applied by
// hana::fold_left. Shapes are checked when the type sequential<L...> is formed: layer i's input
// dimension must equal what layer i-1 returns; a mismatch is a compile error naming the layer
// index, both dimensions (Din x N expected, Dout x N given) and both layer types. Calling the
// model checks the input's rows the same way (the "layer before" layer 0 is the input matrix).
//
// The layer protocol (for layers of your own): static members `in_dim` and `out_dim`
// (std::size_t; `layers::any_dim`, i.e. 0, for "any" and "the same as the input"), a const
// call operator taking matrix<T, in_dim, N>, and its parameters either as a member `params` of
// a nested type `params_type` (a parameter type of ctattn/params.hpp, as the layers here do),
// as a Boost.Hana Struct, or none (an empty type). Parameters of a whole model load from one
// flat array: load_params<decltype(model)>(flat), parameter_count_v<decltype(model)> (layers in
// order, each layer's parameters in their own layout; see ctattn/params.hpp).
//
// Caller-provided buffers (docs/memory.md): sequential_into(model, out, x, ws) and
// sequential_inplace(model, x, ws) run a model whose layers all keep the dimension D, with a
// sequential_workspace<Model, T, N>: one D x N scratch matrix the layers write into by turns and
// one workspace per distinct workspace type of the layers (two identical transformer layers
// share one). The same bits as model(x). A layer takes part through two more members:
//   template <class T, std::size_t N> using workspace = ...;   (layers::no_workspace: none)
//   template <class T, std::size_t D, std::size_t N>
//   constexpr void into(matrix<T, D, N>& out, const matrix<T, D, N>& x, workspace<T, N>& ws) const;
// (out is never x). Every layer here has them.
#ifndef CTATTN_SEQUENTIAL_HPP
#define CTATTN_SEQUENTIAL_HPP

#include <array>
#include <cstddef>
#include <tuple>
#include <type_traits>
#include <utility>

// Only the Hana headers used (include cost: see README).
#include <boost/hana/at.hpp>
#include <boost/hana/basic_tuple.hpp>
#include <boost/hana/fold_left.hpp>
#include <boost/hana/integral_constant.hpp>
#include <boost/hana/pair.hpp>
#include <boost/hana/string.hpp>
#include <boost/hana/tuple.hpp>

#include <ctattn/detail/fp.hpp>
#include <ctattn/detail/isa.hpp>
#include <ctattn/layers.hpp>
#include <ctattn/matrix.hpp>
#include <ctattn/multihead.hpp>
#include <ctattn/params.hpp>
#include <ctattn/transformer.hpp>

CTATTN_DETAIL_FP_STRICT_BEGIN

namespace ctattn::inline CTATTN_ISA_NS {

namespace layers {

//! in_dim/out_dim of a layer that takes any dimension / returns the dimension it was given.
inline constexpr std::size_t any_dim = 0;

//! The workspace of a layer that needs none.
struct no_workspace {};

namespace detail {
// Layer::workspace<T, N>, or void for a layer without the caller-provided-buffer members (such
// a layer works in models called by value; sequential_into names it in its error).
template <class Layer, class T, std::size_t N>
struct workspace_of {
  using type = void;
};
template <class Layer, class T, std::size_t N>
  requires requires { typename Layer::template workspace<T, N>; }
struct workspace_of<Layer, T, N> {
  using type = typename Layer::template workspace<T, N>;
};
}  // namespace detail

namespace detail {
// out[i] = f(x[i]) for every element (the by-value element-wise layers' order).
template <class T, std::size_t D, std::size_t N, class F>
constexpr void map_into(matrix<T, D, N>& out, const matrix<T, D, N>& x, F f) noexcept {
  for (std::size_t i = 0; i < D * N; ++i) out.elems[i] = f(x.elems[i]);
}
// out[i] = x[i] + y[i] (operator+'s order).
template <class T, std::size_t D, std::size_t N>
constexpr void add_into(matrix<T, D, N>& out, const matrix<T, D, N>& x,
                        const matrix<T, D, N>& y) noexcept {
  for (std::size_t i = 0; i < D * N; ++i) out.elems[i] = x.elems[i] + y.elems[i];
}
}  // namespace detail

//! linear(X, params): Omega X + beta 1^T, Din -> Dout.
template <class T, std::size_t Din, std::size_t Dout>
struct linear {
  using value_type = T;
  using params_type = linear_params<T, Din, Dout>;
  static constexpr std::size_t in_dim = Din;
  static constexpr std::size_t out_dim = Dout;
  params_type params;

  template <std::size_t N>
  [[nodiscard]] constexpr matrix<T, Dout, N> operator()(const matrix<T, Din, N>& x) const noexcept {
    return ctattn::linear(x, params);
  }
  template <class U, std::size_t N>
  using workspace = no_workspace;
  template <std::size_t N>
  constexpr void into(matrix<T, Dout, N>& out, const matrix<T, Din, N>& x,
                      no_workspace&) const noexcept {
    ctattn::detail::affine_into(out, params.omega, x, params.beta);
  }

};

//! ReLU, element-wise (no parameters).
struct relu {
  static constexpr std::size_t in_dim = any_dim;
  static constexpr std::size_t out_dim = any_dim;
  template <class T, std::size_t D, std::size_t N>
  [[nodiscard]] constexpr matrix<T, D, N> operator()(const matrix<T, D, N>& x) const noexcept {
    return ctattn::relu(x);
  }
  template <class T, std::size_t N>
  using workspace = no_workspace;
  template <class T, std::size_t D, std::size_t N>
  constexpr void into(matrix<T, D, N>& out, const matrix<T, D, N>& x,
                      no_workspace&) const noexcept {
    detail::map_into(out, x, [](const T& v) { return ctattn::relu(v); });
  }

};

//! GELU, tanh form, element-wise (no parameters).
struct gelu {
  static constexpr std::size_t in_dim = any_dim;
  static constexpr std::size_t out_dim = any_dim;
  template <class T, std::size_t D, std::size_t N>
  [[nodiscard]] constexpr matrix<T, D, N> operator()(const matrix<T, D, N>& x) const noexcept {
    return ctattn::gelu(x);
  }
  template <class T, std::size_t N>
  using workspace = no_workspace;
  template <class T, std::size_t D, std::size_t N>
  constexpr void into(matrix<T, D, N>& out, const matrix<T, D, N>& x,
                      no_workspace&) const noexcept {
    detail::map_into(out, x, [](const T& v) { return ctattn::gelu(v); });
  }

};

//! GELU, exact erf form, element-wise (no parameters).
struct gelu_erf {
  static constexpr std::size_t in_dim = any_dim;
  static constexpr std::size_t out_dim = any_dim;
  template <class T, std::size_t D, std::size_t N>
  [[nodiscard]] constexpr matrix<T, D, N> operator()(const matrix<T, D, N>& x) const noexcept {
    return ctattn::gelu_erf(x);
  }
  template <class T, std::size_t N>
  using workspace = no_workspace;
  template <class T, std::size_t D, std::size_t N>
  constexpr void into(matrix<T, D, N>& out, const matrix<T, D, N>& x,
                      no_workspace&) const noexcept {
    detail::map_into(out, x, [](const T& v) { return ctattn::gelu_erf(v); });
  }

};

//! LayerNorm over the D rows of every column, with learned gamma and beta; eps is not a
//! parameter (load_params leaves it alone).
template <class T, std::size_t D>
struct layer_norm {
  using value_type = T;
  using params_type = layer_norm_params<T, D>;
  static constexpr std::size_t in_dim = D;
  static constexpr std::size_t out_dim = D;
  params_type params;
  T eps = T(1e-5);

  template <std::size_t N>
  [[nodiscard]] constexpr matrix<T, D, N> operator()(const matrix<T, D, N>& x) const noexcept {
    return ctattn::layer_norm(x, params, eps);
  }
  template <class U, std::size_t N>
  using workspace = no_workspace;
  template <std::size_t N>
  constexpr void into(matrix<T, D, N>& out, const matrix<T, D, N>& x,
                      no_workspace&) const noexcept {
    for (std::size_t n = 0; n < N; ++n)
      ctattn::detail::layer_norm_column<D, N, N>(out.elems + n, x.elems + n, params, eps);
  }

};

namespace detail {
// The table is computed once per (T, D, N), at compile time, also for run-time calls.
template <class T, std::size_t D, std::size_t N>
inline constexpr matrix<T, D, N> sinusoidal_table = sinusoidal_position_encoding<T, D, N>();
}  // namespace detail

//! X + P with P the sinusoidal position encoding (no parameters).
template <class T, std::size_t D>
struct sinusoidal_positions {
  static constexpr std::size_t in_dim = D;
  static constexpr std::size_t out_dim = D;
  template <std::size_t N>
  [[nodiscard]] constexpr matrix<T, D, N> operator()(const matrix<T, D, N>& x) const noexcept {
    return x + detail::sinusoidal_table<T, D, N>;
  }
  template <class U, std::size_t N>
  using workspace = no_workspace;
  template <std::size_t N>
  constexpr void into(matrix<T, D, N>& out, const matrix<T, D, N>& x,
                      no_workspace&) const noexcept {
    detail::add_into(out, x, detail::sinusoidal_table<T, D, N>);
  }

};

namespace detail {
template <std::size_t NX, std::size_t N>
consteval void require_position_count() {
  static_assert(NX == N,
                "ctattn::layers::positions<T, D, N>: the input has NX tokens (columns) but the "
                "learned position table has N (see the template arguments below)");
}
}  // namespace detail

//! X + P with P a learned D x N position table: add_positions(X, params). Only for N tokens.
template <class T, std::size_t D, std::size_t N>
struct positions {
  using value_type = T;
  using params_type = position_embedding_params<T, D, N>;
  static constexpr std::size_t in_dim = D;
  static constexpr std::size_t out_dim = D;
  params_type params;

  template <std::size_t NX>
  [[nodiscard]] constexpr matrix<T, D, NX> operator()(const matrix<T, D, NX>& x) const noexcept {
    detail::require_position_count<NX, N>();
    if constexpr (NX == N)
      return add_positions(x, params);
    else
      return x;
  }
  template <class U, std::size_t NX>
  using workspace = no_workspace;
  template <std::size_t NX>
  constexpr void into(matrix<T, D, NX>& out, const matrix<T, D, NX>& x,
                      no_workspace&) const noexcept {
    detail::require_position_count<NX, N>();
    if constexpr (NX == N) detail::add_into(out, x, params.p);
  }

};

//! Multi-head self-attention with output bias; Opts are option types of
//! multihead_self_attention (ctattn::causal_t, ctattn::exp_fast_fn, ...), default-constructed.
template <class T, std::size_t D, std::size_t H, class... Opts>
struct multihead {
  using value_type = T;
  using params_type = multihead_params_with_bias<T, D, H>;
  static constexpr std::size_t in_dim = D;
  static constexpr std::size_t out_dim = D;
  params_type params;

  template <std::size_t N>
  [[nodiscard]] constexpr matrix<T, D, N> operator()(const matrix<T, D, N>& x) const noexcept {
    return multihead_self_attention(x, params, Opts{}...).output;
  }
  template <class U, std::size_t N>
  using workspace = multihead_workspace<T, D, H, N>;
  template <std::size_t N>
  constexpr void into(matrix<T, D, N>& out, const matrix<T, D, N>& x,
                      multihead_workspace<T, D, H, N>& ws) const noexcept {
    multihead_self_attention_into(out, x, params, ws, Opts{}...);
  }

};

//! The encoder layer of ctattn/transformer.hpp; Opts are its option types (ctattn::pre_norm_t,
//! ctattn::causal_t, ctattn::gelu_mlp_t, ...), default-constructed (epsilon: the default;
//! for another, wrap transformer_layer in a layer of your own).
template <class T, std::size_t D, std::size_t H, std::size_t Dff, class... Opts>
struct transformer {
  using value_type = T;
  using params_type = transformer_layer_params<T, D, H, Dff>;
  static constexpr std::size_t in_dim = D;
  static constexpr std::size_t out_dim = D;
  params_type params;

  template <std::size_t N>
  [[nodiscard]] constexpr matrix<T, D, N> operator()(const matrix<T, D, N>& x) const noexcept {
    return transformer_layer(x, params, Opts{}...);
  }
  template <class U, std::size_t N>
  using workspace = transformer_workspace<T, D, H, Dff, N>;
  template <std::size_t N>
  constexpr void into(matrix<T, D, N>& out, const matrix<T, D, N>& x,
                      transformer_workspace<T, D, H, Dff, N>& ws) const noexcept {
    transformer_layer_into(out, x, params, ws, Opts{}...);
  }

};

namespace detail {
// The element type of the first layer with parameters (void if none has any).
template <class... Layers>
struct first_value_type {
  using type = void;
};
template <class First, class... Rest>
struct first_value_type<First, Rest...> {
  using type = typename first_value_type<Rest...>::type;
};
template <class First, class... Rest>
  requires requires { typename First::value_type; }
struct first_value_type<First, Rest...> {
  using type = typename First::value_type;
};

template <std::size_t In, std::size_t Out, class Layer>
consteval bool require_residual_dims() {
  static_assert(In == any_dim || Out == any_dim || In == Out,
                "ctattn::layers::residual<L>: X + L(X) needs L to return as many rows as it "
                "takes, but L maps In rows to Out (see the template arguments below)");
  return true;
}
}  // namespace detail

//! X + inner(X): a residual connection around a layer that keeps the dimension.
template <class Layer>
struct residual {
  static_assert(detail::require_residual_dims<Layer::in_dim, Layer::out_dim, Layer>());
  static constexpr std::size_t in_dim = Layer::in_dim != any_dim ? Layer::in_dim : Layer::out_dim;
  static constexpr std::size_t out_dim = in_dim;
  using value_type = typename detail::first_value_type<Layer>::type;
  Layer inner;

  template <class T, std::size_t D, std::size_t N>
  [[nodiscard]] constexpr matrix<T, D, N> operator()(const matrix<T, D, N>& x) const noexcept {
    return x + inner(x);
  }
  template <class T, std::size_t N>
  using workspace = typename detail::workspace_of<Layer, T, N>::type;
  //! out = inner(x), then out = x + out (the by-value order x + inner(x)).
  template <class T, std::size_t D, std::size_t N>
  constexpr void into(matrix<T, D, N>& out, const matrix<T, D, N>& x,
                      workspace<T, N>& ws) const noexcept {
    inner.into(out, x, ws);
    detail::add_into(out, x, out);
  }

};
template <class Layer>
residual(Layer) -> residual<Layer>;

}  // namespace layers

namespace detail {

// The dimension given to each layer: dims[0] = D0 (the input's rows, or any_dim when not known),
// dims[i + 1] = what layer i returns.
template <std::size_t D0, class... Layers>
consteval std::array<std::size_t, sizeof...(Layers) + 1> chain_dims() {
  constexpr std::size_t in[] = {Layers::in_dim...};
  constexpr std::size_t out[] = {Layers::out_dim...};
  std::array<std::size_t, sizeof...(Layers) + 1> d{};
  d[0] = D0;
  for (std::size_t i = 0; i < sizeof...(Layers); ++i)
    d[i + 1] = out[i] != layers::any_dim ? out[i] : in[i] != layers::any_dim ? in[i] : d[i];
  return d;
}

// Layer number Index (from 0) is given matrices of Out rows (by Previous: the layer before it,
// or the input matrix) but takes In rows.
template <std::size_t Index, std::size_t Out, std::size_t In, class Previous, class Layer>
consteval bool require_layer_fits() {
  static_assert(Out == layers::any_dim || In == layers::any_dim || Out == In,
                "ctattn::sequential: layer Index takes In x N inputs but is given Out x N (by "
                "Previous: the layer before it, or the input); see the template arguments below");
  return Out == layers::any_dim || In == layers::any_dim || Out == In;
}

template <class First, std::size_t D0, class Seq, class... Layers>
struct chain_checker;
template <class First, std::size_t D0, std::size_t... I, class... Layers>
struct chain_checker<First, D0, std::index_sequence<I...>, Layers...> {
  using previous = std::tuple<First, Layers...>;  // layer I's predecessor is element I
  using all = std::tuple<Layers...>;
  static constexpr std::array<std::size_t, sizeof...(Layers) + 1> dims = chain_dims<D0, Layers...>();
  static constexpr bool value =
      (require_layer_fits<I, dims[I], std::tuple_element_t<I, all>::in_dim,
                          std::tuple_element_t<I, previous>, std::tuple_element_t<I, all>>() &&
       ...);
};

// Every layer takes what the one before returns; First is the input (a matrix type) whose D0
// rows go to layer 0, or void with D0 = any_dim when the model is formed without an input.
template <class First, std::size_t D0, class... Layers>
consteval bool check_chain() {
  return chain_checker<First, D0, std::index_sequence_for<Layers...>, Layers...>::value;
}

// The model's in_dim: that of the first layer fixing one, unless a layer before it changes the
// dimension (then any_dim: the chain check has the last word).
template <class... Layers>
consteval std::size_t model_in_dim() {
  constexpr std::size_t in[] = {Layers::in_dim...};
  constexpr std::size_t out[] = {Layers::out_dim...};
  for (std::size_t i = 0; i < sizeof...(Layers); ++i) {
    if (in[i] != layers::any_dim) return in[i];
    if (out[i] != layers::any_dim) return layers::any_dim;
  }
  return layers::any_dim;
}

struct apply_layer {
  template <class X, class Layer>
  constexpr auto operator()(const X& x, const Layer& layer) const noexcept {
    return layer(x);
  }
};

}  // namespace detail

//! A model: the layers applied one after the other, X <- L_{k-1}(... L_1(L_0(X))). Each layer's
//! input dimension must equal the previous one's output dimension (checked when the type is
//! formed; see the top of this header). Itself a layer, so models nest.
template <class... Layers>
struct sequential {
  static_assert(sizeof...(Layers) >= 1, "ctattn::sequential: give at least one layer");
  static_assert(detail::check_chain<void, ::ctattn::layers::any_dim, Layers...>());

  static constexpr std::size_t size = sizeof...(Layers);
  //! The element type of the parameters (of the first layer that has some; void if none).
  using value_type = typename ::ctattn::layers::detail::first_value_type<Layers...>::type;
  static constexpr std::size_t in_dim = detail::model_in_dim<Layers...>();
  static constexpr std::size_t out_dim =
      detail::chain_dims<::ctattn::layers::any_dim, Layers...>().back();

  boost::hana::tuple<Layers...> layers;

  //! All layers value-initialised (all parameters zero): the target of load_params.
  constexpr sequential() noexcept : layers() {}
  constexpr explicit sequential(const Layers&... ls) noexcept : layers(ls...) {}

  //! The layers applied to the tokens in the columns of x, by a left fold.
  template <class T, std::size_t DX, std::size_t N>
  [[nodiscard]] constexpr auto operator()(const matrix<T, DX, N>& x) const noexcept {
    constexpr bool fits = detail::check_chain<matrix<T, DX, N>, DX, Layers...>();
    if constexpr (fits)
      return boost::hana::fold_left(layers, x, detail::apply_layer{});
    else
      return x;
  }

  //! Layer I (from 0).
  template <std::size_t I>
  [[nodiscard]] constexpr const auto& layer() const noexcept {
    return boost::hana::at_c<I>(layers);
  }
  template <std::size_t I>
  [[nodiscard]] constexpr auto& layer() noexcept {
    return boost::hana::at_c<I>(layers);
  }
};

// ---- caller-provided buffers ------------------------------------------------------------------

namespace detail {
// An aggregate holding one object of each type, in order (ws_pack<> is empty).
template <class... Ws>
struct ws_pack {};
template <class W>
struct ws_pack<W> {
  W first;
};
template <class W, class W2, class... Ws>
struct ws_pack<W, W2, Ws...> {
  W first;
  ws_pack<W2, Ws...> rest;
};
template <class W, class P>
constexpr W& ws_get(P& p) noexcept {
  if constexpr (std::is_same_v<decltype(p.first), W>)
    return p.first;
  else
    return ws_get<W>(p.rest);
}

// ws_pack of the distinct types among Ws, layers::no_workspace left out.
template <class Pack, class... Ws>
struct unique_pack;
template <class... Us>
struct unique_pack<ws_pack<Us...>> {
  using type = ws_pack<Us...>;
};
template <class... Us, class W, class... Ws>
struct unique_pack<ws_pack<Us...>, W, Ws...> {
  using type = typename std::conditional_t<
      (std::is_void_v<W> || std::is_same_v<W, layers::no_workspace> ||
       (... || std::is_same_v<W, Us>)),
      unique_pack<ws_pack<Us...>, Ws...>, unique_pack<ws_pack<Us..., W>, Ws...>>::type;
};

template <class Model>
inline constexpr std::size_t model_dim =
    Model::out_dim != layers::any_dim ? Model::out_dim : Model::in_dim;

template <class Layer, class W>
consteval bool require_into_layer() {
  static_assert(!std::is_void_v<W>,
                "ctattn::sequential_workspace: this layer (see Layer below) has no `workspace` "
                "and `into` members, so sequential_into cannot run it (see the layer protocol at "
                "the top of sequential.hpp)");
  return true;
}

template <std::size_t D, class... Layers>
consteval bool require_same_dims() {
  static_assert(D != layers::any_dim,
                "ctattn::sequential_workspace: the model needs a layer with a fixed dimension");
  static_assert(((Layers::in_dim == layers::any_dim || Layers::in_dim == D) && ...) &&
                    ((Layers::out_dim == layers::any_dim || Layers::out_dim == D) && ...),
                "ctattn::sequential_into: every layer must keep the dimension D (the layers "
                "write into one D x N scratch matrix by turns); run models that change it "
                "part by part");
  return true;
}
}  // namespace detail

//! Scratch memory of sequential_into / sequential_inplace for a Model (a ctattn::sequential) on
//! N tokens of element type T: one D x N matrix and one workspace per distinct workspace type
//! of the layers. A plain aggregate; sizeof is the plan.
template <class Model, class T, std::size_t N>
struct sequential_workspace;
template <class... Layers, class T, std::size_t N>
struct sequential_workspace<sequential<Layers...>, T, N> {
  static constexpr std::size_t dim = detail::model_dim<sequential<Layers...>>;
  static_assert(detail::require_same_dims<dim, Layers...>());
  static_assert((detail::require_into_layer<
                     Layers, typename layers::detail::workspace_of<Layers, T, N>::type>() &&
                 ...));

  matrix<T, dim, N> scratch;  //!< the layers' outputs by turns
  typename detail::unique_pack<
      detail::ws_pack<>, typename layers::detail::workspace_of<Layers, T, N>::type...>::type
      layer_workspaces;  //!< one per distinct workspace type of the layers
};

namespace detail {
template <class Layer, class WS>
constexpr auto& layer_workspace(WS& ws, layers::no_workspace& none) noexcept {
  using W = typename Layer::template workspace<typename std::remove_cvref_t<
      decltype(ws.scratch)>::value_type, std::remove_cvref_t<decltype(ws.scratch)>::cols>;
  if constexpr (std::is_same_v<W, layers::no_workspace>)
    return none;
  else
    return ws_get<W>(ws.layer_workspaces);
}

// Layer I reads *src and writes *dst (never the same matrix), for I = 0, 1, ...: dst(I) is
// `out` when last_in_out says so for I, else the scratch matrix; src(I) = dst(I - 1), src(0) = x.
template <class T, std::size_t D, std::size_t N, class WS, class... Layers, std::size_t... I>
constexpr const matrix<T, D, N>* run_layers(const sequential<Layers...>& model,
                                            matrix<T, D, N>& out, const matrix<T, D, N>& x,
                                            WS& ws, bool even_to_out,
                                            std::index_sequence<I...>) noexcept {
  layers::no_workspace none;
  const matrix<T, D, N>* src = &x;
  const auto step = [&](auto index) {
    constexpr std::size_t i = decltype(index)::value;
    matrix<T, D, N>* dst = ((i % 2 == 0) == even_to_out) ? &out : &ws.scratch;
    const auto& layer = model.template layer<i>();
    layer.into(*dst, *src, layer_workspace<std::remove_cvref_t<decltype(layer)>>(ws, none));
    src = dst;
  };
  (step(std::integral_constant<std::size_t, I>{}), ...);
  return src;
}
}  // namespace detail

//! Runs the model on x (D x N) into `out` (D x N) with the caller's workspace: the same bits as
//! model(x). Every layer must keep the dimension D. `out` may be x (then as sequential_inplace).
template <class... Layers, class T, std::size_t D, std::size_t N, std::size_t DX>
constexpr void sequential_into(const sequential<Layers...>& model, matrix<T, D, N>& out,
                               const matrix<T, DX, N>& x,
                               sequential_workspace<sequential<Layers...>, T, N>& ws) noexcept {
  static_assert(DX == D && D == detail::model_dim<sequential<Layers...>>,
                "ctattn::sequential_into: x, out and the model must have the same dimension D");
  if constexpr (DX == D && D == detail::model_dim<sequential<Layers...>>) {
    constexpr std::size_t K = sizeof...(Layers);
    if (static_cast<const void*>(&out) == static_cast<const void*>(&x)) {
      // in place: layer 0 writes the scratch; the result is copied back when it ends there
      const auto* r = detail::run_layers(model, out, x, ws, false, std::make_index_sequence<K>{});
      if (r != &out) out = *r;
    } else {
      // the last layer writes `out`
      detail::run_layers(model, out, x, ws, (K - 1) % 2 == 0, std::make_index_sequence<K>{});
    }
  }
}

//! Runs the model in place: x (D x N) is replaced by model(x), the same bits.
template <class... Layers, class T, std::size_t D, std::size_t N>
constexpr void sequential_inplace(const sequential<Layers...>& model, matrix<T, D, N>& x,
                                  sequential_workspace<sequential<Layers...>, T, N>& ws) noexcept {
  sequential_into(model, x, x, ws);
}

}  // namespace ctattn

// ---- parameters: the layers and models as Boost.Hana Structs (for load_params) --------------

namespace ctattn::inline CTATTN_ISA_NS::detail {
template <class L>
concept layer_with_params = requires {
  L::in_dim;
  L::out_dim;
  typename L::params_type;
  requires std::is_same_v<decltype(std::declval<L&>().params), typename L::params_type>;
};

template <class L>
inline constexpr bool is_residual_v = false;
template <class L>
inline constexpr bool is_residual_v<layers::residual<L>> = true;

template <class M>
inline constexpr bool is_sequential_v = false;
template <class... L>
inline constexpr bool is_sequential_v<sequential<L...>> = true;

// Layer I of a model (hana accessor).
template <std::size_t I>
struct layer_accessor {
  template <class S>
  constexpr decltype(auto) operator()(S&& s) const noexcept {
    return boost::hana::at_c<I>(static_cast<S&&>(s).layers);
  }
};
}  // namespace ctattn::detail

namespace boost::hana {

// A layer with parameters: one member, `params`.
template <class L>
struct accessors_impl<L, when<ctattn::detail::layer_with_params<L>>> {
  static constexpr auto apply() {
    return hana::make_basic_tuple(hana::make_pair(
        BOOST_HANA_STRING("params"), ctattn::detail::member_accessor<&L::params>{}));
  }
};

// residual<L>: one member, the wrapped layer.
template <class L>
struct accessors_impl<L, when<ctattn::detail::is_residual_v<L>>> {
  static constexpr auto apply() {
    return hana::make_basic_tuple(
        hana::make_pair(BOOST_HANA_STRING("inner"), ctattn::detail::member_accessor<&L::inner>{}));
  }
};

// sequential<L...>: its layers in order, keyed by their index.
template <class M>
struct accessors_impl<M, when<ctattn::detail::is_sequential_v<M>>> {
  static constexpr auto apply() {
    return []<std::size_t... I>(std::index_sequence<I...>) {
      return hana::make_basic_tuple(
          hana::make_pair(hana::size_c<I>, ctattn::detail::layer_accessor<I>{})...);
    }(std::make_index_sequence<M::size>{});
  }
};

}  // namespace boost::hana

CTATTN_DETAIL_FP_STRICT_END

#endif  // CTATTN_SEQUENTIAL_HPP
