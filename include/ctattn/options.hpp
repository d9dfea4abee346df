// ctattn/options.hpp - options for the attention functions: scaling and masks.
//
// Options are small objects passed after the parameters, in any order, each kind at most once:
//   ctattn::self_attention(X, p, ctattn::scaled, ctattn::causal, ctattn::exp_fast)
// Which options are present is part of the call's type, so everything is resolved at compile
// time: an option that is not passed costs nothing, and no flag is tested at run time.
//
// Scaling (default for self_attention / cross_attention: none, as in notebook 12.1):
//   ctattn::unscaled        scores K^T Q as they are
//   ctattn::scaled          scores multiplied by c = 1 / sqrt(Dk) (book eq. 12.9); c is computed
//                           at compile time as T(1) / ctattn::sqrt(T(Dk)) (sqrt correctly rounded,
//                           then one rounded division), so c is exact when Dk is a power of 4
//   ctattn::scale(c)        scores multiplied by a factor c of your choice
// Scaling always MULTIPLIES each score by a factor, one rounding per score: s = (k_m . q_n) * c,
// the order of the reference code in PyTorch's scaled_dot_product_attention documentation
// (nn.MultiheadAttention divides q by sqrt(Dk) before the product: docs/from-pytorch.md). (The
// book writes K^T Q / sqrt(Dk); the two agree bit for bit whenever 1/sqrt(Dk) is exact, e.g.
// Dk = 1, 4, 16, 64.)
//
// Masks (weights are Nkv x Nq: entry (m, n) is the weight of key m for query n):
//   ctattn::causal          query n may attend key m only if m <= n (top-left aligned when
//                           Nkv != Nq, like PyTorch's is_causal)
//   ctattn::allowed(M)      M is matrix<bool, Nkv, Nq>; M(m, n) == true means query n MAY attend
//                           key m. NOT PyTorch's attn_mask: nn.MultiheadAttention's boolean mask
//                           is Nq x Nk with true = NOT allowed (only F.scaled_dot_product_attention
//                           uses true = allowed); convert with ctattn::from_attn_mask
//                           (ctattn/pytorch.hpp, docs/from-pytorch.md)
//   ctattn::valid_keys(v)   v is vector<bool, Nkv>; v[m] == true means key m is a real token,
//                           false means padding that no query attends. (The opposite polarity of
//                           PyTorch's key_padding_mask: ctattn::from_key_padding_mask converts.)
//   ctattn::additive_mask(A) A is matrix<T, Nkv, Nq>, added to the (scaled) scores; an entry
//                           equal to -infinity masks that key out exactly like `allowed`.
//                           (PyTorch's float attn_mask is the transpose: ctattn::from_attn_mask.)
// Masks combine by AND. Masked entries are handled by selection: their exp is never evaluated,
// their weight is exactly 0. A query whose keys are all masked gets all-zero weights and a zero
// output column, never NaN -- also in constant evaluation. (PyTorch's SDPA does the same in
// recent versions; torch 1.13's nn.MultiheadAttention returns NaN for such a query.)
// The mask wrappers refer to the matrix you pass (no copy), so they reject temporaries.
//
// Weights sink (only for the functions that write into caller-provided buffers, workspace.hpp):
//   ctattn::with_weights(W) W is matrix<T, Nkv, Nq> (one head) or std::array of H of them
//                           (multi-head): the attention weights are also written there. Without
//                           it the _into functions materialise no weight matrix at all.
//
// Any other option is taken as the softmax's exp function (ctattn::exp, ctattn::exp_fast).
#ifndef CTATTN_OPTIONS_HPP
#define CTATTN_OPTIONS_HPP

#include <cstddef>
#include <type_traits>

#include <ctattn/detail/isa.hpp>
#include <ctattn/matrix.hpp>

namespace ctattn::inline CTATTN_ISA_NS {

//! Scaling option: scores used as they are (the default of self_attention and cross_attention).
struct unscaled_t {};
inline constexpr unscaled_t unscaled{};

//! Scaling option: scores multiplied by 1 / sqrt(Dk), computed at compile time (book eq. 12.9).
struct scaled_t {};
inline constexpr scaled_t scaled{};

//! Scaling option: scores multiplied by `factor`.
template <class T>
struct scale_t {
  T factor;
};
//! Scores multiplied by `factor` (its type must be the element type of the attention).
template <class T>
[[nodiscard]] constexpr scale_t<T> scale(const T& factor) noexcept {
  return {factor};
}

//! Mask option: query n attends key m only if m <= n.
struct causal_t {};
inline constexpr causal_t causal{};

//! Mask option holding a reference to a boolean matrix (see allowed()).
template <std::size_t Nkv, std::size_t Nq>
struct allowed_t {
  const matrix<bool, Nkv, Nq>& mask;
};
//! Mask option: `mask(m, n) == true` means query n may attend key m (Nkv x Nq; PyTorch's
//! boolean attn_mask is Nq x Nk with true = masked: convert it with from_attn_mask).
template <std::size_t Nkv, std::size_t Nq>
[[nodiscard]] constexpr allowed_t<Nkv, Nq> allowed(const matrix<bool, Nkv, Nq>& mask) noexcept {
  return {mask};
}
template <std::size_t Nkv, std::size_t Nq>
void allowed(const matrix<bool, Nkv, Nq>&&) = delete;  // would dangle

//! Mask option holding a reference to a key-validity vector (see valid_keys()).
template <std::size_t Nkv>
struct valid_keys_t {
  const vector<bool, Nkv>& valid;
};
//! Mask option: `valid[m] == false` means key m is padding; no query attends it.
template <std::size_t Nkv>
[[nodiscard]] constexpr valid_keys_t<Nkv> valid_keys(const vector<bool, Nkv>& valid) noexcept {
  return {valid};
}
template <std::size_t Nkv>
void valid_keys(const vector<bool, Nkv>&&) = delete;  // would dangle

//! Mask option holding a reference to an additive mask (see additive_mask()).
template <class T, std::size_t Nkv, std::size_t Nq>
struct additive_mask_t {
  const matrix<T, Nkv, Nq>& add;
};
//! Mask option: `add(m, n)` is added to the score of key m for query n after scaling; -infinity
//! masks the entry out (by selection, so it also works in constant evaluation).
template <class T, std::size_t Nkv, std::size_t Nq>
[[nodiscard]] constexpr additive_mask_t<T, Nkv, Nq> additive_mask(
    const matrix<T, Nkv, Nq>& add) noexcept {
  return {add};
}
template <class T, std::size_t Nkv, std::size_t Nq>
void additive_mask(const matrix<T, Nkv, Nq>&&) = delete;  // would dangle

//! Option of the _into functions (ctattn/workspace.hpp) holding a reference to the caller's
//! weight matrix (or array of per-head weight matrices), see with_weights().
template <class W>
struct with_weights_t {
  W& weights;
};
//! Option: the _into functions also write the attention weights into `w` (matrix<T, Nkv, Nq>
//! for one head, std::array<matrix<T, N, N>, H> for multi-head; the shapes are checked).
template <class W>
[[nodiscard]] constexpr with_weights_t<W> with_weights(W& w) noexcept {
  return {w};
}

namespace detail {

template <class O>
inline constexpr bool is_scale_option_v =
    std::is_same_v<O, unscaled_t> || std::is_same_v<O, scaled_t>;
template <class T>
inline constexpr bool is_scale_option_v<scale_t<T>> = true;

template <class O>
inline constexpr bool is_causal_option_v = std::is_same_v<O, causal_t>;

template <class O>
inline constexpr bool is_allowed_option_v = false;
template <std::size_t R, std::size_t C>
inline constexpr bool is_allowed_option_v<allowed_t<R, C>> = true;

template <class O>
inline constexpr bool is_valid_keys_option_v = false;
template <std::size_t R>
inline constexpr bool is_valid_keys_option_v<valid_keys_t<R>> = true;

template <class O>
inline constexpr bool is_additive_option_v = false;
template <class T, std::size_t R, std::size_t C>
inline constexpr bool is_additive_option_v<additive_mask_t<T, R, C>> = true;

template <class O>
inline constexpr bool is_mask_option_v = is_causal_option_v<O> || is_allowed_option_v<O> ||
                                         is_valid_keys_option_v<O> || is_additive_option_v<O>;

template <class O>
inline constexpr bool is_weights_option_v = false;
template <class W>
inline constexpr bool is_weights_option_v<with_weights_t<W>> = true;

template <class O>
inline constexpr bool is_option_v =
    is_scale_option_v<O> || is_mask_option_v<O> || is_weights_option_v<O>;

// Anything that is not one of the options above is an exp function for the softmax.
template <class O>
struct is_exp_option : std::bool_constant<!is_option_v<O>> {};
template <class O>
struct is_scale_option : std::bool_constant<is_scale_option_v<O>> {};
template <class O>
struct is_mask_option : std::bool_constant<is_mask_option_v<O>> {};
template <class O>
struct is_causal_option : std::bool_constant<is_causal_option_v<O>> {};
template <class O>
struct is_allowed_option : std::bool_constant<is_allowed_option_v<O>> {};
template <class O>
struct is_valid_keys_option : std::bool_constant<is_valid_keys_option_v<O>> {};
template <class O>
struct is_additive_option : std::bool_constant<is_additive_option_v<O>> {};
template <class O>
struct is_weights_option : std::bool_constant<is_weights_option_v<O>> {};

template <template <class> class Pred, class... Opts>
inline constexpr std::size_t count_options_v = (std::size_t{0} + ... + (Pred<Opts>::value ? 1u : 0u));

template <template <class> class Pred, class... Opts>
inline constexpr bool has_option_v = count_options_v<Pred, Opts...> != 0;

// The first option satisfying Pred, or `fallback` when there is none (resolved at compile time).
template <template <class> class Pred, class Fallback>
constexpr Fallback pick_option(const Fallback& fallback) noexcept {
  return fallback;
}
template <template <class> class Pred, class Fallback, class First, class... Rest>
constexpr auto pick_option(const Fallback& fallback, const First& first,
                           const Rest&... rest) noexcept {
  if constexpr (Pred<First>::value)
    return first;
  else
    return pick_option<Pred>(fallback, rest...);
}

template <class... Opts>
consteval void check_options_common() {
  static_assert(count_options_v<is_scale_option, Opts...> <= 1,
                "ctattn: give at most one scaling option (ctattn::unscaled, ctattn::scaled or "
                "ctattn::scale(c))");
  static_assert(count_options_v<is_exp_option, Opts...> <= 1,
                "ctattn: give at most one exp function (ctattn::exp or ctattn::exp_fast); an "
                "argument that is not an option is taken as the exp function");
  static_assert(count_options_v<is_causal_option, Opts...> <= 1 &&
                    count_options_v<is_allowed_option, Opts...> <= 1 &&
                    count_options_v<is_valid_keys_option, Opts...> <= 1 &&
                    count_options_v<is_additive_option, Opts...> <= 1,
                "ctattn: give each kind of mask at most once (combine boolean masks yourself)");
}

// The by-value functions: their result already holds the weights.
template <class... Opts>
consteval void check_options() {
  check_options_common<Opts...>();
  static_assert(!has_option_v<is_weights_option, Opts...>,
                "ctattn::with_weights(w) is an option of the _into/_inplace functions "
                "(ctattn/workspace.hpp); the by-value result already holds .weights");
}

// The _into / _inplace functions: at most one weights sink.
template <class... Opts>
consteval void check_options_into() {
  check_options_common<Opts...>();
  static_assert(count_options_v<is_weights_option, Opts...> <= 1,
                "ctattn: give ctattn::with_weights(w) at most once");
}

}  // namespace detail
}  // namespace ctattn

#endif  // CTATTN_OPTIONS_HPP
