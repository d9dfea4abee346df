// ctattn/detail/vexp.hpp - run-time softmax terms, exp included, in explicit SIMD vectors.
//
// softmax_term(s, mx, exp_f) = s == mx ? 1 : s < mx - cutoff ? 0 : exp_f(s - mx) for a whole
// array at once, with ctattn::exp (math.hpp's exp_with(x, exp_kernel_fn{})) or ctattn::exp_fast
// (exp_with(x, exp_fast_kernel_fn{})) written lane by lane in GCC/Clang vector extensions. Used
// only at run time on SIMD targets (kernels.hpp's simd_target_v) for float and double, so that
// the exp loop is vector code at every optimisation level (GCC 12's -O2 left it scalar).
//
// Same bits as the scalar code, by construction: every lane performs exactly math.hpp's IEEE
// operations (reduce, the polynomial, the rational step or Horner's rule, scale_by_2k) in the
// same order, rounded to nearest, with no contraction (the FP_STRICT pragma for Clang,
// -ffp-contract=off for GCC) - a vector add/multiply/divide is the scalar operation per lane.
// The branches of exp_with and softmax_term become selections (vexp_ops::term says which):
// the kernel runs on every lane and each lane then takes what the scalar branch would have
// returned. Integer steps (the exponent k, k / 2, the bits of 2^k) are exact, unsigned
// arithmetic, so how they are computed does not matter as long as the values are the same. tests/bitid checks the bits against
// constant evaluation for every benchmarked case at -O0, -O2 and -O3 -march=native.
#ifndef CTATTN_DETAIL_VEXP_HPP
#define CTATTN_DETAIL_VEXP_HPP

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>
#include <type_traits>
#include <utility>

#include <ctattn/detail/fp.hpp>
#include <ctattn/detail/isa.hpp>
#include <ctattn/detail/kernels.hpp>
#include <ctattn/math.hpp>

CTATTN_DETAIL_FP_STRICT_BEGIN

namespace ctattn::inline CTATTN_ISA_NS::detail {

//! True when softmax terms with exp function object Exp have a vector path (ctattn::exp and
//! ctattn::exp_fast on float/double, SIMD targets); other exps keep the scalar loops.
template <class T, class Exp>
inline constexpr bool vexp_available_v =
    simd_target_v<T> && (std::is_same_v<std::remove_cvref_t<Exp>, exp_fn> ||
                         std::is_same_v<std::remove_cvref_t<Exp>, exp_fast_fn>);

#if CTATTN_DETAIL_SIMD

// Unsigned integer lanes as wide as T's, in vectors of Bytes.
template <class T, std::size_t Bytes>
struct vexp_uvec;
template <>
struct vexp_uvec<double, 16> {
  typedef std::uint64_t type __attribute__((vector_size(16)));
};
template <>
struct vexp_uvec<double, 32> {
  typedef std::uint64_t type __attribute__((vector_size(32)));
};
template <>
struct vexp_uvec<double, 64> {
  typedef std::uint64_t type __attribute__((vector_size(64)));
};
template <>
struct vexp_uvec<float, 16> {
  typedef std::uint32_t type __attribute__((vector_size(16)));
};
template <>
struct vexp_uvec<float, 32> {
  typedef std::uint32_t type __attribute__((vector_size(32)));
};
template <>
struct vexp_uvec<float, 64> {
  typedef std::uint32_t type __attribute__((vector_size(64)));
};

template <class T, std::size_t Bytes = simd_bytes>
struct vexp_ops {
  using V = typename simd_vec<T, Bytes>::type;
  using U = typename vexp_uvec<T, Bytes>::type;
  using bits = typename ieee<T>::bits;
  static constexpr std::size_t lanes = Bytes / sizeof(T);

  [[gnu::always_inline]] static U ubits(V v) noexcept { return std::bit_cast<U>(v); }
  // A lane comparison result (all ones or zero) as unsigned lanes.
  template <class M>
  [[gnu::always_inline]] static U mask(M m) noexcept {
    return std::bit_cast<U>(m);
  }
  // m ? a : b per lane, bitwise.
  [[gnu::always_inline]] static V select(U m, V a, V b) noexcept {
    return std::bit_cast<V>((m & ubits(a)) | (~m & ubits(b)));
  }
  [[gnu::always_inline]] static V splat(T c) noexcept {
    V v{};
    return v + c;  // +0 + c == c exactly for the constants used here (1, inf, coefficients)
  }
  [[gnu::always_inline]] static V load(const T* p) noexcept {
    V v;
    std::memcpy(&v, p, sizeof(V));
    return v;
  }
  [[gnu::always_inline]] static void store(T* p, V v) noexcept { std::memcpy(p, &v, sizeof(V)); }

  // 2^k per lane from its bits, k given as bits (two's complement) with k + bias > 0: exp2i.
  [[gnu::always_inline]] static V exp2i(U k) noexcept {
    return std::bit_cast<V>((k + static_cast<bits>(ieee<T>::bias)) << ieee<T>::mant);
  }

  // math.hpp's exp_kernel / exp_fast_kernel on every lane of an in-range argument x.
  template <bool Fast>
  [[gnu::always_inline]] static V kernel(V x) noexcept {
    using C = exp_consts<T>;
    // reduce(x)
    const V xs = x * C::inv_ln2;
    const V t = xs + C::shifter;
    const V kf = t - C::shifter;
    const U k = ubits(t) - std::bit_cast<bits>(C::shifter);
    const V khi = kf * C::ln2_hi;
    const V hi = x - khi;
    const V lo = kf * C::ln2_lo;
    const V r = hi - lo;
    V y;
    if constexpr (!Fast) {
      const V rr = r * r;
      V poly;
      if constexpr (std::is_same_v<T, double>) {
        poly = C::p4 + rr * C::p5;
        poly = C::p3 + rr * poly;
        poly = C::p2 + rr * poly;
        poly = C::p1 + rr * poly;
      } else {
        poly = C::p1 + rr * C::p2;
      }
      const V c = r - rr * poly;
      const V q = (r * c) / (T(2) - c);
      y = T(1) + ((q - lo) + hi);
    } else {
      constexpr const auto& cf = exp_fast_consts<T>::c;
      constexpr std::size_t deg = cf.size() - 1;
      y = splat(cf[deg]);
      [&]<std::size_t... I>(std::index_sequence<I...>) {
        ((y = cf[deg - 1 - I] + r * y), ...);
      }(std::make_index_sequence<deg>{});
    }
    // scale_by_2k(y, k): k1 = k / 2 (truncated), k2 = k - k1. k lies in [-1075, 1024] (double)
    // or [-150, 128] (float), so k + 2048 is positive: truncating division of k by 2 is
    // ((k + 2048 + sign(k)) >> 1) - 1024 with a logical shift, sign(k) = 1 for k < 0.
    constexpr bits sign_shift = sizeof(T) * 8 - 1;
    const U k1 = ((k + bits{2048} + (k >> sign_shift)) >> 1) - bits{1024};
    const U k2 = k - k1;
    const V t1 = y * exp2i(k1);
    return t1 * exp2i(k2);
  }

  // softmax_term(s, mx, exp_f) per lane, for mx >= s or mx NaN (softmax_cols' mx is the
  // running maximum `mx < s ? s : mx` from row 0, so it is NaN or at least every non-NaN s of
  // its column). Scalar: s == mx -> 1; s < mx - cutoff -> 0; otherwise exp_with(x, kernel) of
  // x = s - mx: x NaN -> x, x > overflow -> +inf, x < underflow -> 0, else kernel(x). Here
  // x <= 0 or NaN (s <= mx rounds s - mx to <= 0), so the +inf case cannot occur and, for
  // x not NaN, x >= underflow is the kernel's range. The kernel runs on every lane (its integer
  // steps are unsigned, so out-of-range lanes compute harmless garbage) and each lane then
  // takes the scalar result: select(s == mx, 1, (s < mx - cutoff | x < underflow) ? 0 :
  // (x NaN ? x : kernel(x))).
  template <bool Fast>
  [[gnu::always_inline]] static V term(V s, V mx) noexcept {
    constexpr T cutoff = T(std::numeric_limits<T>::max_exponent -
                           std::numeric_limits<T>::min_exponent + std::numeric_limits<T>::digits);
    const V x = s - mx;
    const V y = kernel<Fast>(x);
    const U zero = mask(s < mx - cutoff) | mask(x < exp_consts<T>::underflow);
    const U nan = mask(x != x);
    const U one = mask(s == mx);
    const U v = ~zero & ((nan & ubits(x)) | (~nan & ubits(y)));
    return std::bit_cast<V>((one & ubits(splat(T(1)))) | (~one & v));
  }
};

//! e[i] = softmax_term(s[i], m[i], exp_f) for i < Count, exp_f = ctattn::exp (Fast = false) or
//! ctattn::exp_fast (Fast = true): whole vectors, then one padded vector for the rest.
template <bool Fast, std::size_t Count, class T>
inline void softmax_terms_v(T* e, const T* s, const T* m) noexcept {
  using O = vexp_ops<T>;
  constexpr std::size_t W = O::lanes;
  constexpr std::size_t full = Count / W * W;
  for (std::size_t i = 0; i < full; i += W)
    O::store(e + i, O::template term<Fast>(O::load(s + i), O::load(m + i)));
  if constexpr (full < Count) {
    T sp[W] = {};
    T mp[W] = {};
    T ep[W];
    for (std::size_t i = 0; i < Count - full; ++i) {
      sp[i] = s[full + i];
      mp[i] = m[full + i];
    }
    O::store(ep, O::template term<Fast>(O::load(sp), O::load(mp)));
    for (std::size_t i = 0; i < Count - full; ++i) e[full + i] = ep[i];
  }
}

//! e[i] = softmax_term(s[i], mx, exp_f) for i < Count with one maximum mx for all (a single
//! column stored contiguously, as the query-by-query path of workspace.hpp holds it); e may be s.
template <bool Fast, std::size_t Count, class T>
inline void softmax_terms_splat_v(T* e, const T* s, T mx) noexcept {
  using O = vexp_ops<T>;
  constexpr std::size_t W = O::lanes;
  constexpr std::size_t full = Count / W * W;
  const typename O::V m = O::splat(mx);
  for (std::size_t i = 0; i < full; i += W) O::store(e + i, O::template term<Fast>(O::load(s + i), m));
  if constexpr (full < Count) {
    T sp[W] = {};
    T ep[W];
    for (std::size_t i = 0; i < Count - full; ++i) sp[i] = s[full + i];
    O::store(ep, O::template term<Fast>(O::load(sp), m));
    for (std::size_t i = 0; i < Count - full; ++i) e[full + i] = ep[i];
  }
}

//! softmax_cols of an R x C matrix held in registers, rows narrow (C * sizeof(T) < 32): row r
//! in the NV vectors row[r], C lanes used (the others hold zeros: computed, never stored);
//! replaced by the weights. Per lane (column) the scalar order of softmax_cols: the maximum
//! over ascending rows from row 0, the terms, their sum from T{} over ascending rows, one true
//! division per element. Its folds have R operands: callers keep R <= 256 (Clang's limit).
template <bool Fast, std::size_t R, std::size_t NV, class V>
[[gnu::always_inline]] inline void softmax_cols_regs(V (&row)[R][NV]) noexcept {
  using T = std::remove_cvref_t<decltype(std::declval<V&>()[0])>;
  using O = vexp_ops<T, sizeof(V)>;
  // Folds over rows and vectors: constant indices, so the rows stay in registers.
  [&]<std::size_t... Q>(std::index_sequence<Q...>) __attribute__((always_inline)) {
    V mx[NV] = {row[0][Q]...};
    V total[NV] = {};
    [&]<std::size_t... I>(std::index_sequence<I...>) __attribute__((always_inline)) {
      const auto max_row = [&](auto r) __attribute__((always_inline)) {
        ((mx[Q] = O::select(O::mask(mx[Q] < row[r][Q]), row[r][Q], mx[Q])), ...);
      };
      (max_row(std::integral_constant<std::size_t, I + 1>{}), ...);
      static_cast<void>(max_row);  // a single row (R = 1) has no other row to compare
    }(std::make_index_sequence<R - 1>{});
    [&]<std::size_t... I>(std::index_sequence<I...>) __attribute__((always_inline)) {
      const auto terms = [&](auto r) __attribute__((always_inline)) {
        ((row[r][Q] = O::template term<Fast>(row[r][Q], mx[Q])), ...);
        ((total[Q] = total[Q] + row[r][Q]), ...);
      };
      (terms(std::integral_constant<std::size_t, I>{}), ...);
      const auto divide = [&](auto r) __attribute__((always_inline)) { ((row[r][Q] = row[r][Q] / total[Q]), ...); };
      (divide(std::integral_constant<std::size_t, I>{}), ...);
    }(std::make_index_sequence<R>{});
  }(std::make_index_sequence<NV>{});
}

//! softmax_cols of an R x C matrix s (row-major) into e when rows are narrow: the rows loaded
//! into registers, softmax_cols_regs, the rows stored.
template <bool Fast, std::size_t R, std::size_t C, class T>
inline void softmax_cols_narrow(T* e, const T* s) noexcept {
  constexpr std::size_t Bytes = narrow_bytes<T, C>;
  constexpr std::size_t NV = narrow_vecs<T, C>;
  using V = typename simd_vec<T, Bytes>::type;
  V row[R][NV];
  [&]<std::size_t... Q>(std::index_sequence<Q...>) {
    for (std::size_t r = 0; r < R; ++r) ((row[r][Q] = load_part<Bytes, C, Q>(s + r * C)), ...);
    softmax_cols_regs<Fast>(row);
    for (std::size_t r = 0; r < R; ++r) (store_part<Bytes, C, Q>(e + r * C, row[r][Q]), ...);
  }(std::make_index_sequence<NV>{});
}

#else

// Declarations only, for the discarded branches of softmax.hpp on targets without SIMD.
template <class T, std::size_t Bytes = 16>
struct vexp_ops {
  static constexpr std::size_t lanes = 1;
};
template <bool Fast, std::size_t Count, class T>
inline void softmax_terms_v(T*, const T*, const T*) noexcept {}
template <bool Fast, std::size_t R, std::size_t C, class T>
inline void softmax_cols_narrow(T*, const T*) noexcept {}
template <bool Fast, std::size_t Count, class T>
inline void softmax_terms_splat_v(T*, const T*, T) noexcept {}

#endif

}  // namespace ctattn::detail

CTATTN_DETAIL_FP_STRICT_END

#endif  // CTATTN_DETAIL_VEXP_HPP
