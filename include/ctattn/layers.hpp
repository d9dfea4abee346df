// ctattn/layers.hpp - the layers around attention in a transformer block ("Understanding Deep
// Learning", chapter 12): linear maps, ReLU and GELU, LayerNorm, the residual connection, and
// sinusoidal or learned position encodings. Tokens are columns: X is D x N.
//
// Every function is constexpr and noexcept, returns a new matrix, and evaluates the same scalar
// operations in the same order at compile time and at run time (so a static_assert proves the
// bits the program computes). The parameter types are plain aggregates with defaulted ==,
// like attention_params.
//
// Element types: linear, relu, residual and the position encodings work for float, double and
// ctattn::fixed; gelu, gelu_erf and layer_norm need tanh, erf and sqrt, which ctattn has for
// float and double only (a fixed-point argument is a compile error that says so).
#ifndef CTATTN_LAYERS_HPP
#define CTATTN_LAYERS_HPP

#include <cstddef>
#include <cstdint>
#include <type_traits>

#include <ctattn/detail/fp.hpp>
#include <ctattn/detail/isa.hpp>
#include <ctattn/math.hpp>
#include <ctattn/matrix.hpp>

CTATTN_DETAIL_FP_STRICT_BEGIN

namespace ctattn::inline CTATTN_ISA_NS {

// ---- linear --------------------------------------------------------------------------------

//! The parameters of a linear (affine) layer from Din to Dout dimensions: the book's Omega
//! (Dout x Din) and beta (Dout).
template <class T, std::size_t Din, std::size_t Dout>
struct linear_params {
  using value_type = T;

  matrix<T, Dout, Din> omega;
  vector<T, Dout> beta;

  friend constexpr bool operator==(const linear_params&, const linear_params&) = default;
};

namespace detail {
template <std::size_t DX, std::size_t Din>
consteval void require_linear_input() {
  static_assert(DX == Din,
                "ctattn::linear: x has DX rows but the layer's omega expects Din inputs (see the "
                "template arguments DX and Din below)");
}
}  // namespace detail

//! linear(X) = beta 1^T + Omega X, each token (column) mapped separately. The same kernels,
//! order and bits as ctattn::affine(p.omega, x, p.beta): Omega X accumulated from zero over the
//! input index in ascending order, then beta added.
template <class T, std::size_t DX, std::size_t N, std::size_t Din, std::size_t Dout>
[[nodiscard]] constexpr matrix<T, Dout, N> linear(const matrix<T, DX, N>& x,
                                                const linear_params<T, Din, Dout>& p) noexcept {
  detail::require_linear_input<DX, Din>();
  if constexpr (DX == Din) {
    return affine(p.omega, x, p.beta);
  } else {
    return matrix<T, Dout, N>{};
  }
}

// ---- activations ---------------------------------------------------------------------------

//! ReLU: x < 0 ? 0 : x. NaN stays NaN (it is not < 0), -0 stays -0. Any Scalar (fixed too).
template <Scalar T>
[[nodiscard]] constexpr T relu(const T& x) noexcept {
  return x < T(0) ? T(0) : x;
}

//! ReLU of every element.
template <class T, std::size_t R, std::size_t C>
[[nodiscard]] constexpr matrix<T, R, C> relu(const matrix<T, R, C>& x) noexcept {
  detail::require_scalar<T, R, C>();
  matrix<T, R, C> out{};
  for (std::size_t i = 0; i < R * C; ++i) out.elems[i] = relu(x.elems[i]);
  return out;
}

namespace detail {
template <class T>
consteval void require_float_activation() {
  static_assert(IeeeFloat<T>,
                "ctattn::gelu / ctattn::gelu_erf: float and double only (they need tanh or erf, "
                "which ctattn::fixed does not have)");
}
}  // namespace detail

//! GELU, tanh form (Hendrycks & Gimpel): gelu(x) = 0.5 x (1 + tanh(u)),
//! u = sqrt(2/pi) (x + 0.044715 x^3) (0.044715 and sqrt(2/pi) rounded to double). Evaluated in
//! double (float rounds the double result) with u in double-double, then
//!   x >= 0: h + h t, h = 0.5 x, t = tanh(u) (to first order in u's low part)
//!   x <  0: x e / (1 + e), e = e^{2u}   (the same value; no cancellation where tanh(u) ~ -1)
//! gelu(x) = x for x >= 10 (tanh(u) rounds to 1), -0 for x <= -30 (the exact value rounds to
//! -0). gelu(NaN) = NaN, gelu(+inf) = +inf, gelu(-inf) = -0, gelu(+-0) = +-0. float and double
//! only. Error against MPFR (tests/runtime/test_layers_accuracy.cpp): double max 1.03 ulp on
//! [-20, 40] (asserted <= 1.5), below -20 (results near underflow) 0.73 ulp of the subnormal
//! spacing; float max 0.500 ulp.
template <Scalar T>
[[nodiscard]] constexpr T gelu(const T& x) noexcept {
  detail::require_float_activation<T>();
  if constexpr (IeeeFloat<T>) {
    return static_cast<T>(detail::gelu_d(static_cast<double>(x)));
  } else {
    return x;
  }
}

//! GELU, exact form: gelu_erf(x) = 0.5 x (1 + erf(x / sqrt 2)) = x Phi(x), in double (float
//! rounds the double result), v = x / sqrt 2 in double-double, then
//!   x >= 0: (0.5 x) (1 + erf(v))
//!   x <  0: (0.5 x) erfc(-v)   (erfc computed directly, fdlibm's method: no cancellation)
//! gelu_erf(x) = x for x >= 40, -0 for x <= -40 (the exact values round to those).
//! gelu_erf(NaN) = NaN, gelu_erf(+inf) = +inf, gelu_erf(-inf) = -0, gelu_erf(+-0) = +-0.
//! float and double only. Error against MPFR: double max 2.47 ulp on [-37, 40] (asserted
//! <= 3; erfc's rational approximation evaluated in double), 16 ulp of the subnormal spacing
//! below -37 where the result underflows; float max 0.500 ulp.
template <Scalar T>
[[nodiscard]] constexpr T gelu_erf(const T& x) noexcept {
  detail::require_float_activation<T>();
  if constexpr (IeeeFloat<T>) {
    return static_cast<T>(detail::gelu_erf_d(static_cast<double>(x)));
  } else {
    return x;
  }
}

//! gelu of every element (float and double only).
template <class T, std::size_t R, std::size_t C>
[[nodiscard]] constexpr matrix<T, R, C> gelu(const matrix<T, R, C>& x) noexcept {
  detail::require_float_activation<T>();
  matrix<T, R, C> out{};
  if constexpr (IeeeFloat<T>)
    for (std::size_t i = 0; i < R * C; ++i) out.elems[i] = gelu(x.elems[i]);
  return out;
}

//! gelu_erf of every element (float and double only).
template <class T, std::size_t R, std::size_t C>
[[nodiscard]] constexpr matrix<T, R, C> gelu_erf(const matrix<T, R, C>& x) noexcept {
  detail::require_float_activation<T>();
  matrix<T, R, C> out{};
  if constexpr (IeeeFloat<T>)
    for (std::size_t i = 0; i < R * C; ++i) out.elems[i] = gelu_erf(x.elems[i]);
  return out;
}

// ---- LayerNorm -----------------------------------------------------------------------------

//! LayerNorm's learnable per-dimension scale gamma and offset beta (book section 12.4).
template <class T, std::size_t D>
struct layer_norm_params {
  using value_type = T;

  vector<T, D> gamma;
  vector<T, D> beta;

  friend constexpr bool operator==(const layer_norm_params&, const layer_norm_params&) = default;
};

//! gamma = 1, beta = 0: LayerNorm without the learned affine part.
template <class T, std::size_t D>
[[nodiscard]] constexpr layer_norm_params<T, D> identity_layer_norm_params() noexcept {
  return {ones<T, D, 1>(), vector<T, D>{}};
}

namespace detail {
template <class T, std::size_t DX, std::size_t DP>
consteval void require_layer_norm() {
  static_assert(IeeeFloat<T>,
                "ctattn::layer_norm: float and double only (it needs sqrt, which ctattn::fixed "
                "does not have)");
  static_assert(DX == DP,
                "ctattn::layer_norm: x has DX rows but gamma/beta have DP entries (see the "
                "template arguments below)");
}
}  // namespace detail

namespace detail {
// LayerNorm of one token: dst[d * SD] from src[d * SS], d < D (dst may be src). The mean from
// T{} over ascending d, then the sum of squared deviations likewise, one sqrt, and per element
// (x - mu) / sd * gamma + beta: layer_norm's order, shared by every caller.
template <std::size_t D, std::size_t SD, std::size_t SS, class T>
constexpr void layer_norm_column(T* dst, const T* src, const layer_norm_params<T, D>& p,
                                 T eps) noexcept {
  const T dim = static_cast<T>(D);
  T s{};
  for (std::size_t d = 0; d < D; ++d) s = s + src[d * SS];
  const T mu = s / dim;
  T q{};
  for (std::size_t d = 0; d < D; ++d) {
    const T c = src[d * SS] - mu;
    q = q + c * c;
  }
  const T sd = ctattn::sqrt(q / dim + eps);
  for (std::size_t d = 0; d < D; ++d)
    dst[d * SD] = (src[d * SS] - mu) / sd * p.gamma.elems[d] + p.beta.elems[d];
}
}  // namespace detail

//! LayerNorm over the D dimension, column by column (each token separately, book section 12.4):
//!   mu    = (sum_d x_d) / D                      (sum from zero over ascending d)
//!   var   = (sum_d (x_d - mu)^2) / D             (biased variance, two passes)
//!   y_d   = (x_d - mu) / sqrt(var + eps) * gamma_d + beta_d
//! in exactly this order (a true division by the correctly rounded ctattn::sqrt, as PyTorch
//! writes it). eps > 0 keeps it finite: a constant column gives x_d - mu = 0 when the column sum
//! is exact (e.g. dyadic values), so the output is exactly beta; otherwise |x_d - mu| is a
//! rounding error of mu and the output is beta within |mu| D 2^-52 / sqrt(eps) (double).
//! A NaN or infinity anywhere in a column makes that whole column NaN. float and double only.
template <class T, std::size_t D, std::size_t N, std::size_t DP>
[[nodiscard]] constexpr matrix<T, D, N> layer_norm(const matrix<T, D, N>& x,
                                                 const layer_norm_params<T, DP>& p,
                                                 std::type_identity_t<T> eps = T(1e-5)) noexcept {
  detail::require_layer_norm<T, D, DP>();
  matrix<T, D, N> out{};
  if constexpr (IeeeFloat<T> && D == DP) {
    for (std::size_t n = 0; n < N; ++n)
      detail::layer_norm_column<D, N, N>(out.elems + n, x.elems + n, p, eps);
  }
  return out;
}

// ---- residual connection -------------------------------------------------------------------

namespace detail {
template <std::size_t D1, std::size_t N1, std::size_t D2, std::size_t N2>
consteval void require_residual_shape() {
  static_assert(D1 == D2 && N1 == N2,
                "ctattn::residual: the sub-layer output f(x) (D2 x N2) must have the shape of "
                "its input x (D1 x N1); see the template arguments below");
}
}  // namespace detail

//! The residual connection x + f(x) (element-wise, one rounding per element); the same bits as
//! `x + fx` with matrix operator+, with a message that names the residual when shapes differ.
template <class T, std::size_t D1, std::size_t N1, std::size_t D2, std::size_t N2>
[[nodiscard]] constexpr matrix<T, D1, N1> residual(const matrix<T, D1, N1>& x,
                                                 const matrix<T, D2, N2>& fx) noexcept {
  detail::require_residual_shape<D1, N1, D2, N2>();
  if constexpr (D1 == D2 && N1 == N2)
    return x + fx;
  else
    return x;
}

// ---- position encodings --------------------------------------------------------------------

namespace detail {
// w = 10000^(-two_i / d) as a double-double (relative error below 2^-100): 2^-t with
// t = two_i log2(10000) / d = k + f, |f| <= 1/2, and 2^-f = e^{-f ln 2} by its Taylor series.
constexpr dd pe_frequency(std::size_t two_i, std::size_t d) noexcept {
  constexpr dd log2_1e4{0x1.a934f0979a371p+3, 0x1.7f2495fb7fa6dp-51};
  constexpr dd ln2{0x1.62e42fefa39efp-1, 0x1.abc9e3b39803fp-56};
  const dd t = dd_div_d(dd_mul_d(log2_1e4, static_cast<double>(two_i)), static_cast<double>(d));
  const double k = (t.hi + 0x1.8p52) - 0x1.8p52;  // t >= 0 and < 14
  const dd f = fast_two_sum(t.hi - k, t.lo);     // t.hi - k is exact
  const dd g = dd_mul(dd{-f.hi, -f.lo}, ln2);     // |g| <= 0.35
  dd sum{1.0, 0.0};
  dd term{1.0, 0.0};
  for (int j = 1; j <= 27; ++j) {  // 0.35^28 / 28! < 2^-150
    term = dd_div_d(dd_mul(term, g), static_cast<double>(j));
    sum = dd_add(sum, term);
  }
  const double scale = exp2i<double>(-static_cast<std::int64_t>(k));  // 2^-k, 0 <= k <= 14
  return {sum.hi * scale, sum.lo * scale};
}

template <std::size_t D, std::size_t N>
consteval void require_position_encoding() {
  static_assert(D >= 1 && N >= 1, "ctattn::sinusoidal_position_encoding: D and N must be >= 1");
  static_assert(N <= 1647099,
                "ctattn::sinusoidal_position_encoding: N must be at most 1647099 (the range in "
                "which ctattn::sin/cos reduce their argument exactly)");
}
}  // namespace detail

//! The sinusoidal position encoding of Vaswani et al. as a D x N matrix (column n for token n):
//!   PE(2i, n) = sin(n w_i),  PE(2i + 1, n) = cos(n w_i),  w_i = 10000^(-2i/D)
//! for 2i < D and 2i + 1 < D; for odd D the last row D - 1 = 2i is sin(n w_i) with
//! i = (D - 1)/2 (its cosine partner is dropped). w_i and n w_i are computed in double-double
//! (relative error < 2^-100) and sin/cos take that double-double angle, so each entry is within
//! 1 ulp of the exact value: measured against MPFR (tests/runtime/test_layers_accuracy.cpp) max
//! 0.73 ulp for D = 256, N = 512 and 0.74 ulp for D = 16, N = 10000 (angles up to 9999 rad).
//! float: that double rounded to float (measured max 0.500 ulp).
//! Other T (ctattn::fixed) are converted from the double value by T's explicit conversion
//! (nearest, as fixed's constructor rounds). N <= 1647099 (a readable error otherwise).
template <class T, std::size_t D, std::size_t N>
[[nodiscard]] constexpr matrix<T, D, N> sinusoidal_position_encoding() noexcept {
  detail::require_position_encoding<D, N>();
  static_assert(std::is_constructible_v<T, double>,
                "ctattn::sinusoidal_position_encoding: T must be constructible from double");
  matrix<T, D, N> pe{};
  for (std::size_t r = 0; r < D; r += 2) {
    const detail::dd w = detail::pe_frequency(r, D);
    for (std::size_t n = 0; n < N; ++n) {
      const detail::dd a = detail::dd_mul_d(w, static_cast<double>(n));
      pe.elems[r * N + n] = static_cast<T>(detail::sin_cos(a.hi, a.lo, false));
      if (r + 1 < D) pe.elems[(r + 1) * N + n] = static_cast<T>(detail::sin_cos(a.hi, a.lo, true));
    }
  }
  return pe;
}

//! Learned position embeddings: one parameter column per position, added to the input.
template <class T, std::size_t D, std::size_t N>
struct position_embedding_params {
  using value_type = T;

  matrix<T, D, N> p;

  friend constexpr bool operator==(const position_embedding_params&,
                                   const position_embedding_params&) = default;
};

namespace detail {
template <std::size_t DX, std::size_t NX, std::size_t DP, std::size_t NP>
consteval void require_positions_shape() {
  static_assert(DX == DP && NX == NP,
                "ctattn::add_positions: x is DX x NX but the position embeddings are DP x NP "
                "(see the template arguments below)");
}
}  // namespace detail

//! x + P: adds the learned position embedding of token n to column n (element-wise, one
//! rounding each; the same bits as x + params.p). Any Scalar (fixed too).
template <class T, std::size_t DX, std::size_t NX, std::size_t DP, std::size_t NP>
[[nodiscard]] constexpr matrix<T, DX, NX> add_positions(
    const matrix<T, DX, NX>& x, const position_embedding_params<T, DP, NP>& params) noexcept {
  detail::require_positions_shape<DX, NX, DP, NP>();
  if constexpr (DX == DP && NX == NP)
    return x + params.p;
  else
    return x;
}

//! x + PE: adds the sinusoidal position encoding (computed at compile time when x is).
template <class T, std::size_t D, std::size_t N>
[[nodiscard]] constexpr matrix<T, D, N> add_sinusoidal_positions(const matrix<T, D, N>& x) noexcept {
  return x + sinusoidal_position_encoding<T, D, N>();
}

}  // namespace ctattn

CTATTN_DETAIL_FP_STRICT_END

#endif  // CTATTN_LAYERS_HPP
