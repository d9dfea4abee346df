// ctattn/detail/kernels.hpp - run-time matrix-product kernel (register-blocked, SIMD).
//
// Used by matrix.hpp's products only at run time (outside constant evaluation) and only for
// float and double on targets with IEEE-754 vector units (x86-64 SSE2/AVX/AVX-512, AArch64
// NEON). It computes exactly the scalar operations of the constexpr fold kernels in the same
// order: out(i, j) = out(i, j) + A(i, k) * B(k, j) for k = 0, 1, ..., K-1, every multiply and
// every add a separate IEEE operation rounded to nearest (a vector lane computes one element;
// lanes never combine). So its results are identical bit for bit to constant evaluation;
// tests/bitid proves it for the benchmarked shapes at -O0, -O2 and -O3 -march=native on GCC and
// Clang. Conditions: no FP contraction (the headers switch it off for Clang; GCC needs
// -ffp-contract=off, which the meson dependency and pkg-config file carry) and no -ffast-math.
//
// Speed comes from register blocking: an MR x (NV vectors) tile of out stays in registers for the
// whole k loop, so each k step is NV vector loads of B, MR broadcasts of A, and MR * NV
// independent multiply + add pairs. GCC/Clang vector extensions express the lanes; they are
// plain element-wise IEEE arithmetic.
#ifndef CTATTN_DETAIL_KERNELS_HPP
#define CTATTN_DETAIL_KERNELS_HPP

#include <cstddef>
#include <cstring>
#include <type_traits>
#include <utility>

#include <ctattn/detail/fp.hpp>
#include <ctattn/detail/isa.hpp>

#if (defined(__GNUC__) || defined(__clang__)) && (defined(__SSE2__) || defined(__aarch64__))
#define CTATTN_DETAIL_SIMD 1
#else
#define CTATTN_DETAIL_SIMD 0
#endif

CTATTN_DETAIL_FP_STRICT_BEGIN

namespace ctattn::inline CTATTN_ISA_NS::detail {

//! True where run-time loops over float/double vectorise (x86-64, AArch64): the run-time paths
//! of the kernels are used there; elsewhere (e.g. Cortex-M) the constexpr folds run as they are.
template <class T>
inline constexpr bool simd_target_v =
    CTATTN_DETAIL_SIMD != 0 && (std::is_same_v<T, float> || std::is_same_v<T, double>);

#if CTATTN_DETAIL_SIMD

// The widest vector the target flags enable, in bytes, and the tile shape for its register file.
#if defined(__AVX512F__)
inline constexpr std::size_t simd_bytes = 64;
inline constexpr std::size_t tile_rows = 8;  // 8 x 2 accumulators of 32 zmm registers
inline constexpr std::size_t tile_vecs = 2;
#elif defined(__AVX__)
inline constexpr std::size_t simd_bytes = 32;
inline constexpr std::size_t tile_rows = 4;  // 4 x 2 accumulators of 16 ymm registers
inline constexpr std::size_t tile_vecs = 2;
#else
inline constexpr std::size_t simd_bytes = 16;
inline constexpr std::size_t tile_rows = 4;  // 4 x 2 accumulators of 16 xmm / 32 NEON registers
inline constexpr std::size_t tile_vecs = 2;
#endif

template <class T, std::size_t Bytes>
struct simd_vec;
template <>
struct simd_vec<double, 16> {
  typedef double type __attribute__((vector_size(16)));
};
template <>
struct simd_vec<double, 32> {
  typedef double type __attribute__((vector_size(32)));
};
template <>
struct simd_vec<double, 64> {
  typedef double type __attribute__((vector_size(64)));
};
template <>
struct simd_vec<float, 16> {
  typedef float type __attribute__((vector_size(16)));
};
template <>
struct simd_vec<float, 32> {
  typedef float type __attribute__((vector_size(32)));
};
template <>
struct simd_vec<float, 64> {
  typedef float type __attribute__((vector_size(64)));
};

// Every float/double product runs here at run time: rows of 32 bytes and more (8 floats, 4
// doubles) in the register-blocked tiles below, narrower rows in gemm_narrow (one vector per
// row, the row's elements in its first lanes).
template <class T, std::size_t C>
inline constexpr bool use_gemm_runtime_v = std::is_same_v<T, float> || std::is_same_v<T, double>;

// Narrow rows (C * sizeof(T) < 32) are held in NV vectors of narrow_bytes: 16 bytes, or 32
// (where the target has them) for up to 8 floats / 4 doubles.
template <class T, std::size_t C>
inline constexpr std::size_t narrow_bytes = C * sizeof(T) <= 16 || simd_bytes < 32 ? 16 : 32;
template <class T, std::size_t C>
inline constexpr std::size_t narrow_vecs =
    (C * sizeof(T) + narrow_bytes<T, C> - 1) / narrow_bytes<T, C>;

// Vector Q of a row p[0 .. C): lane J holds p[Q * W + J] where that index is below C, else zero.
// Built in registers (no stores, so no store-to-load forwarding stall); reads nothing beyond
// p[C - 1].
template <std::size_t Bytes, std::size_t C, std::size_t Q, class T>
[[gnu::always_inline]] inline typename simd_vec<T, Bytes>::type load_part(const T* p) noexcept {
  using V = typename simd_vec<T, Bytes>::type;
  constexpr std::size_t W = Bytes / sizeof(T);
  return [&]<std::size_t... J>(std::index_sequence<J...>) {
    return V{(Q * W + J < C ? p[Q * W + J] : T{})...};
  }(std::make_index_sequence<W>{});
}
// p[Q * W + J] = v[J] for the lanes whose index is below C.
template <std::size_t Bytes, std::size_t C, std::size_t Q, class T, class V>
[[gnu::always_inline]] inline void store_part(T* p, V v) noexcept {
  constexpr std::size_t W = Bytes / sizeof(T);
  constexpr std::size_t n = C - Q * W < W ? C - Q * W : W;
  [&]<std::size_t... J>(std::index_sequence<J...>) {
    ((p[Q * W + J] = v[J]), ...);
  }(std::make_index_sequence<n>{});
}

// Narrow products (C * sizeof(T) < 32): each row of out in narrow_vecs vectors, the K rows of
// b loaded once; lane j of row i computes out(i, j) = out(i, j) + A(i, k) * B(k, j) for
// ascending k.
template <std::size_t R, std::size_t K, std::size_t C, std::size_t SAI, std::size_t SAK, class T>
inline void gemm_narrow(T* out, const T* a, const T* b) noexcept {
  constexpr std::size_t Bytes = narrow_bytes<T, C>;
  constexpr std::size_t NV = narrow_vecs<T, C>;
  using V = typename simd_vec<T, Bytes>::type;
  [&]<std::size_t... Q>(std::index_sequence<Q...>) {
    V bv[K][NV];
    for (std::size_t k = 0; k < K; ++k) ((bv[k][Q] = load_part<Bytes, C, Q>(b + k * C)), ...);
    for (std::size_t i = 0; i < R; ++i) {
      V acc[NV] = {load_part<Bytes, C, Q>(out + i * C)...};
      for (std::size_t k = 0; k < K; ++k) {
        const T aik = a[i * SAI + k * SAK];
        ((acc[Q] = acc[Q] + aik * bv[k][Q]), ...);
      }
      (store_part<Bytes, C, Q>(out + i * C, acc[Q]), ...);
    }
  }(std::make_index_sequence<NV>{});
}

// One tile: rows [0, MR) of `out` (row stride C) and NV vectors of Bytes bytes from column 0 of
// `out` and `b`; A(i, k) = a[i * SAI + k * SAK].
template <std::size_t Bytes, std::size_t MR, std::size_t NV, std::size_t K, std::size_t C,
          std::size_t SAI, std::size_t SAK, class T>
[[gnu::always_inline]] inline void gemm_tile(T* out, const T* a, const T* b) noexcept {
  using V = typename simd_vec<T, Bytes>::type;
  constexpr std::size_t W = Bytes / sizeof(T);
  V acc[MR * NV];
  [&]<std::size_t... I>(std::index_sequence<I...>) {
    ((std::memcpy(&acc[I], out + (I / NV) * C + (I % NV) * W, sizeof(V))), ...);
  }(std::make_index_sequence<MR * NV>{});
  for (std::size_t k = 0; k < K; ++k) {
    V bv[NV];
    [&]<std::size_t... J>(std::index_sequence<J...>) {
      ((std::memcpy(&bv[J], b + k * C + J * W, sizeof(V))), ...);
    }(std::make_index_sequence<NV>{});
    [&]<std::size_t... I>(std::index_sequence<I...>) {
      ((acc[I] = acc[I] + a[(I / NV) * SAI + k * SAK] * bv[I % NV]), ...);
    }(std::make_index_sequence<MR * NV>{});
  }
  [&]<std::size_t... I>(std::index_sequence<I...>) {
    ((std::memcpy(out + (I / NV) * C + (I % NV) * W, &acc[I], sizeof(V))), ...);
  }(std::make_index_sequence<MR * NV>{});
}

// Columns [J0, C) of rows [0, MR): full tiles of tile_vecs vectors of Bytes, then single
// vectors, then the rest with half-width vectors, and finally scalars.
template <std::size_t Bytes, std::size_t J0, std::size_t MR, std::size_t K, std::size_t C,
          std::size_t SAI, std::size_t SAK, class T>
[[gnu::always_inline]] inline void gemm_cols(T* out, const T* a, const T* b) noexcept {
  constexpr std::size_t W = Bytes / sizeof(T);
  if constexpr (Bytes >= 16 && W >= 2) {
    constexpr std::size_t step = tile_vecs * W;
    constexpr std::size_t full_end = J0 + (C - J0) / step * step;
    for (std::size_t j = J0; j < full_end; j += step)
      gemm_tile<Bytes, MR, tile_vecs, K, C, SAI, SAK>(out + j, a, b + j);
    constexpr std::size_t vec_end = full_end + (C - full_end) / W * W;
    if constexpr (vec_end > full_end)
      gemm_tile<Bytes, MR, (vec_end - full_end) / W, K, C, SAI, SAK>(out + full_end, a,
                                                                     b + full_end);
    if constexpr (vec_end < C) gemm_cols<Bytes / 2, vec_end, MR, K, C, SAI, SAK>(out, a, b);
  } else {
    for (std::size_t i = 0; i < MR; ++i)
      for (std::size_t k = 0; k < K; ++k) {
        const T aik = a[i * SAI + k * SAK];
        for (std::size_t j = J0; j < C; ++j) out[i * C + j] = out[i * C + j] + aik * b[k * C + j];
      }
  }
}

//! out (R x C, row-major) += A B with A(i, k) = a[i * SAI + k * SAK] and B = b (K x C,
//! row-major), each element accumulated over ascending k: the run-time twin of gemm_acc
//! (SAI = K, SAK = 1) and gemm_tn_acc (SAI = 1, SAK = R).
template <std::size_t R, std::size_t K, std::size_t C, std::size_t SAI, std::size_t SAK, class T>
inline void gemm_runtime(T* out, const T* a, const T* b) noexcept {
  if constexpr (C * sizeof(T) < 32) {
    gemm_narrow<R, K, C, SAI, SAK>(out, a, b);
  } else {
    constexpr std::size_t full_end = R / tile_rows * tile_rows;
    for (std::size_t i = 0; i < full_end; i += tile_rows)
      gemm_cols<simd_bytes, 0, tile_rows, K, C, SAI, SAK>(out + i * C, a + i * SAI, b);
    if constexpr (full_end < R)
      gemm_cols<simd_bytes, 0, R - full_end, K, C, SAI, SAK>(out + full_end * C,
                                                              a + full_end * SAI, b);
  }
}

#else

template <class T, std::size_t C>
inline constexpr bool use_gemm_runtime_v = false;

template <std::size_t R, std::size_t K, std::size_t C, std::size_t SAI, std::size_t SAK, class T>
inline void gemm_runtime(T*, const T*, const T*) noexcept {}

#endif

}  // namespace ctattn::detail

CTATTN_DETAIL_FP_STRICT_END

#endif  // CTATTN_DETAIL_KERNELS_HPP
