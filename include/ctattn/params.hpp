// ctattn/params.hpp - parameters to and from flat arrays, by compile-time reflection.
//
// Every parameter type (attention_params, cross_attention_params, multihead_params,
// multihead_params_with_bias, linear_params, layer_norm_params, position_embedding_params,
// transformer_layer_params) is a Boost.Hana Struct: its members are visited in declaration
// order, std::array members (the heads) element by element, and every matrix row-major.
// That order defines the flat layout (tools/export_weights.py writes it from numpy arrays):
//   attention_params:        omega_q, omega_k, omega_v, beta_q, beta_k, beta_v
//   cross_attention_params:  omega_q, omega_k, omega_v, beta_q, beta_k, beta_v
//   multihead_params:        heads[0] (as attention_params), ..., heads[H-1], omega_c
//   multihead_params_with_bias: the same, then beta_c
//   linear_params:           omega (Dout x Din), beta
//   layer_norm_params:       gamma, beta
//   position_embedding_params: p (D x N)
//   transformer_layer_params: attention (multihead_params_with_bias), norm1, ff1, ff2, norm2
// each matrix row by row (numpy's C order: flat[r * cols + c] = M[r, c]). A type without data
// members (a parameterless layer such as ctattn::layers::relu) has no parameters; the models
// of ctattn/sequential.hpp are Structs whose members are their layers, in order.
//
//   constexpr double flat[] = {...};
//   constexpr auto p = ctattn::load_params<ctattn::attention_params<double, 4, 2, 2>>(flat);
//   static_assert(ctattn::parameter_count_v<decltype(p)> == std::size(flat));
// A flat array of the wrong length or element type is a compile error, not a run-time check.
//
// The types are adapted by specialising boost::hana::accessors_impl (what the
// BOOST_HANA_ADAPT_STRUCT macro expands to; the macro itself only takes non-template types).
// Adapting happens outside the structs, which stay plain aggregates.
#ifndef CTATTN_PARAMS_HPP
#define CTATTN_PARAMS_HPP

#include <array>
#include <cstddef>
#include <span>
#include <tuple>
#include <type_traits>
#include <utility>

// Only the Hana headers used (include cost is measured; <boost/hana.hpp> costs ~3x more).
#include <boost/hana/accessors.hpp>
#include <boost/hana/basic_tuple.hpp>
#include <boost/hana/pair.hpp>
#include <boost/hana/second.hpp>
#include <boost/hana/string.hpp>

#include <ctattn/attention.hpp>
#include <ctattn/detail/isa.hpp>
#include <ctattn/layers.hpp>
#include <ctattn/matrix.hpp>
#include <ctattn/multihead.hpp>
#include <ctattn/transformer.hpp>

namespace ctattn::inline CTATTN_ISA_NS::detail {
// hana accessor for the data member Ptr (as hana's own struct macros generate).
template <auto Ptr>
struct member_accessor {
  template <class S>
  constexpr decltype(auto) operator()(S&& s) const noexcept {
    return static_cast<S&&>(s).*Ptr;
  }
};
}  // namespace ctattn::detail

namespace boost::hana {

template <class T, std::size_t D, std::size_t Dk, std::size_t Dv>
struct accessors_impl<ctattn::attention_params<T, D, Dk, Dv>> {
  using S = ctattn::attention_params<T, D, Dk, Dv>;
  static constexpr auto apply() {
    using ctattn::detail::member_accessor;
    return hana::make_basic_tuple(
        hana::make_pair(BOOST_HANA_STRING("omega_q"), member_accessor<&S::omega_q>{}),
        hana::make_pair(BOOST_HANA_STRING("omega_k"), member_accessor<&S::omega_k>{}),
        hana::make_pair(BOOST_HANA_STRING("omega_v"), member_accessor<&S::omega_v>{}),
        hana::make_pair(BOOST_HANA_STRING("beta_q"), member_accessor<&S::beta_q>{}),
        hana::make_pair(BOOST_HANA_STRING("beta_k"), member_accessor<&S::beta_k>{}),
        hana::make_pair(BOOST_HANA_STRING("beta_v"), member_accessor<&S::beta_v>{}));
  }
};

template <class T, std::size_t Dq, std::size_t Dkv, std::size_t Dk, std::size_t Dv>
struct accessors_impl<ctattn::cross_attention_params<T, Dq, Dkv, Dk, Dv>> {
  using S = ctattn::cross_attention_params<T, Dq, Dkv, Dk, Dv>;
  static constexpr auto apply() {
    using ctattn::detail::member_accessor;
    return hana::make_basic_tuple(
        hana::make_pair(BOOST_HANA_STRING("omega_q"), member_accessor<&S::omega_q>{}),
        hana::make_pair(BOOST_HANA_STRING("omega_k"), member_accessor<&S::omega_k>{}),
        hana::make_pair(BOOST_HANA_STRING("omega_v"), member_accessor<&S::omega_v>{}),
        hana::make_pair(BOOST_HANA_STRING("beta_q"), member_accessor<&S::beta_q>{}),
        hana::make_pair(BOOST_HANA_STRING("beta_k"), member_accessor<&S::beta_k>{}),
        hana::make_pair(BOOST_HANA_STRING("beta_v"), member_accessor<&S::beta_v>{}));
  }
};

template <class T, std::size_t D, std::size_t H>
struct accessors_impl<ctattn::multihead_params<T, D, H>> {
  using S = ctattn::multihead_params<T, D, H>;
  static constexpr auto apply() {
    using ctattn::detail::member_accessor;
    return hana::make_basic_tuple(
        hana::make_pair(BOOST_HANA_STRING("heads"), member_accessor<&S::heads>{}),
        hana::make_pair(BOOST_HANA_STRING("omega_c"), member_accessor<&S::omega_c>{}));
  }
};

template <class T, std::size_t D, std::size_t H>
struct accessors_impl<ctattn::multihead_params_with_bias<T, D, H>> {
  using S = ctattn::multihead_params_with_bias<T, D, H>;
  static constexpr auto apply() {
    using ctattn::detail::member_accessor;
    return hana::make_basic_tuple(
        hana::make_pair(BOOST_HANA_STRING("heads"), member_accessor<&S::heads>{}),
        hana::make_pair(BOOST_HANA_STRING("omega_c"), member_accessor<&S::omega_c>{}),
        hana::make_pair(BOOST_HANA_STRING("beta_c"), member_accessor<&S::beta_c>{}));
  }
};

template <class T, std::size_t Din, std::size_t Dout>
struct accessors_impl<ctattn::linear_params<T, Din, Dout>> {
  using S = ctattn::linear_params<T, Din, Dout>;
  static constexpr auto apply() {
    using ctattn::detail::member_accessor;
    return hana::make_basic_tuple(
        hana::make_pair(BOOST_HANA_STRING("omega"), member_accessor<&S::omega>{}),
        hana::make_pair(BOOST_HANA_STRING("beta"), member_accessor<&S::beta>{}));
  }
};

template <class T, std::size_t D>
struct accessors_impl<ctattn::layer_norm_params<T, D>> {
  using S = ctattn::layer_norm_params<T, D>;
  static constexpr auto apply() {
    using ctattn::detail::member_accessor;
    return hana::make_basic_tuple(
        hana::make_pair(BOOST_HANA_STRING("gamma"), member_accessor<&S::gamma>{}),
        hana::make_pair(BOOST_HANA_STRING("beta"), member_accessor<&S::beta>{}));
  }
};

template <class T, std::size_t D, std::size_t N>
struct accessors_impl<ctattn::position_embedding_params<T, D, N>> {
  using S = ctattn::position_embedding_params<T, D, N>;
  static constexpr auto apply() {
    using ctattn::detail::member_accessor;
    return hana::make_basic_tuple(
        hana::make_pair(BOOST_HANA_STRING("p"), member_accessor<&S::p>{}));
  }
};

template <class T, std::size_t D, std::size_t H, std::size_t Dff>
struct accessors_impl<ctattn::transformer_layer_params<T, D, H, Dff>> {
  using S = ctattn::transformer_layer_params<T, D, H, Dff>;
  static constexpr auto apply() {
    using ctattn::detail::member_accessor;
    return hana::make_basic_tuple(
        hana::make_pair(BOOST_HANA_STRING("attention"), member_accessor<&S::attention>{}),
        hana::make_pair(BOOST_HANA_STRING("norm1"), member_accessor<&S::norm1>{}),
        hana::make_pair(BOOST_HANA_STRING("ff1"), member_accessor<&S::ff1>{}),
        hana::make_pair(BOOST_HANA_STRING("ff2"), member_accessor<&S::ff2>{}),
        hana::make_pair(BOOST_HANA_STRING("norm2"), member_accessor<&S::norm2>{}));
  }
};

}  // namespace boost::hana

namespace ctattn::inline CTATTN_ISA_NS {

namespace detail {

template <class P>
inline constexpr bool is_std_array_v = false;
template <class E, std::size_t N>
inline constexpr bool is_std_array_v<std::array<E, N>> = true;

template <class P>
consteval void require_params_type() {
  static_assert(is_matrix_v<P> || is_std_array_v<P> || boost::hana::Struct<P>::value ||
                    std::is_empty_v<P>,
                "ctattn::load_params/store_params: P must be a parameter type (attention_params, "
                "cross_attention_params, multihead_params, multihead_params_with_bias, "
                "linear_params, layer_norm_params, position_embedding_params, "
                "transformer_layer_params), a model or layer of ctattn/sequential.hpp, a "
                "ctattn::matrix, a std::array of them, or a Boost.Hana Struct of them");
}

// Number of members of a Hana Struct (its accessors are a hana::basic_tuple of pairs).
template <class Tuple>
inline constexpr std::size_t accessor_count_v = 0;
template <class... X>
inline constexpr std::size_t accessor_count_v<boost::hana::basic_tuple<X...>> = sizeof...(X);

template <class S>
inline constexpr std::size_t member_count_v =
    accessor_count_v<std::remove_cvref_t<decltype(boost::hana::accessors<S>())>>;

// Visits every matrix in P (a matrix, a std::array of parameters, or a Hana Struct) in layout
// order, calling v.leaf(matrix). An empty type (a layer without parameters) has none.
template <class P, class V>
constexpr void walk_params(P& p, V& v) noexcept {
  using S = std::remove_const_t<P>;
  require_params_type<S>();
  if constexpr (is_matrix_v<S>) {
    v.leaf(p);
  } else if constexpr (is_std_array_v<S>) {
    for (auto& e : p) walk_params(e, v);
  } else if constexpr (boost::hana::Struct<S>::value) {
    constexpr auto members = boost::hana::accessors<S>();
    [&]<std::size_t... I>(std::index_sequence<I...>) {
      (walk_params(boost::hana::second(boost::hana::at_c<I>(members))(p), v), ...);
    }(std::make_index_sequence<member_count_v<S>>{});
  }
}

// Number of scalars in P, from its type alone.
template <class P>
constexpr std::size_t count_params() noexcept {
  require_params_type<P>();
  if constexpr (is_matrix_v<P>) {
    return P::count;
  } else if constexpr (is_std_array_v<P>) {
    return std::tuple_size_v<P> * count_params<typename P::value_type>();
  } else if constexpr (boost::hana::Struct<P>::value) {
    using members = std::remove_cvref_t<decltype(boost::hana::accessors<P>())>;
    return []<std::size_t... I>(std::index_sequence<I...>) {
      return (std::size_t{0} + ... +
              count_params<std::remove_cvref_t<decltype(boost::hana::second(
                  boost::hana::at_c<I>(std::declval<const members&>()))(std::declval<P&>()))>>());
    }(std::make_index_sequence<member_count_v<P>>{});
  } else {
    return 0;
  }
}

template <class T>
struct load_visitor {
  const T* src;
  template <class M>
  constexpr void leaf(M& m) noexcept {
    static_assert(std::is_same_v<typename M::value_type, T>,
                  "ctattn::load_params: the flat array's element type differs from the "
                  "parameters' element type");
    copy_n<M::count>(m.elems, src);
    src += M::count;
  }
};

template <class T>
struct store_visitor {
  T* dst;
  template <class M>
  constexpr void leaf(const M& m) noexcept {
    static_assert(std::is_same_v<typename M::value_type, T>,
                  "ctattn::store_params: the flat array's element type differs from the "
                  "parameters' element type");
    copy_n<M::count>(dst, m.elems);
    dst += M::count;
  }
};

template <std::size_t Have, std::size_t Want>
consteval void require_flat_size() {
  static_assert(Have != std::dynamic_extent,
                "ctattn::load_params/store_params: the span needs a static extent");
  static_assert(Have == Want,
                "ctattn::load_params/store_params: the flat array has Have elements but the "
                "parameters have Want (= parameter_count_v<P>; see the template arguments "
                "below)");
}

template <class P>
struct params_value {
  using type = typename P::value_type;
};
template <class E, std::size_t N>
struct params_value<std::array<E, N>> {
  using type = typename params_value<E>::type;
};

}  // namespace detail

//! Number of scalars in the parameters P (every matrix member, heads included): the length of
//! the flat array load_params/store_params take.
template <class P>
inline constexpr std::size_t parameter_count_v = detail::count_params<std::remove_cv_t<P>>();

//! The element type of the parameters P (double for attention_params<double, ...>).
template <class P>
using params_value_t = typename detail::params_value<std::remove_cv_t<P>>::type;

//! Fill p from the flat array in layout order (see the top of this header).
template <class P, class T, std::size_t N>
constexpr void load_params(P& p, std::span<const T, N> flat) noexcept {
  static_assert(!std::is_const_v<P>, "ctattn::load_params: cannot load into const parameters");
  detail::require_flat_size<N, parameter_count_v<P>>();
  if constexpr (N == parameter_count_v<P> && !std::is_const_v<P>) {
    detail::load_visitor<T> v{flat.data()};
    detail::walk_params(p, v);
  }
}
template <class P, class T, std::size_t N>
constexpr void load_params(P& p, const T (&flat)[N]) noexcept {
  load_params(p, std::span<const T, N>(flat));
}
template <class P, class T, std::size_t N>
constexpr void load_params(P& p, const std::array<T, N>& flat) noexcept {
  load_params(p, std::span<const T, N>(flat));
}

//! The parameters P read from a flat array: `load_params<attention_params<double, 4>>(flat)`.
template <class P, class Flat>
[[nodiscard]] constexpr std::remove_cv_t<P> load_params(const Flat& flat) noexcept {
  std::remove_cv_t<P> p{};
  load_params(p, flat);
  return p;
}

//! Write p to the flat array in layout order.
template <class P, class T, std::size_t N>
constexpr void store_params(const P& p, std::span<T, N> flat) noexcept {
  detail::require_flat_size<N, parameter_count_v<P>>();
  if constexpr (N == parameter_count_v<P>) {
    detail::store_visitor<T> v{flat.data()};
    detail::walk_params(p, v);
  }
}
template <class P, class T, std::size_t N>
constexpr void store_params(const P& p, T (&flat)[N]) noexcept {
  store_params(p, std::span<T, N>(flat));
}
template <class P, class T, std::size_t N>
constexpr void store_params(const P& p, std::array<T, N>& flat) noexcept {
  store_params(p, std::span<T, N>(flat));
}

//! p as a flat std::array in layout order.
template <class P>
[[nodiscard]] constexpr std::array<params_value_t<P>, parameter_count_v<P>> store_params(
    const P& p) noexcept {
  std::array<params_value_t<P>, parameter_count_v<P>> flat{};
  store_params(p, flat);
  return flat;
}

}  // namespace ctattn

#endif  // CTATTN_PARAMS_HPP
