// ctattn/detail/rowops.hpp - element-wise run-time loops along one contiguous row, in explicit
// vectors (float/double on SIMD targets).
//
// Clang 14 turns a scalar loop nest `for r: for j < C: a[j] = f(a[j], b[r * C + j])` with a
// small constant C inside out (it fully unrolls the j loop, then vectorises over r with gathers
// and scatters), which made softmax_cols and affine's bias 2-3x slower than with GCC at
// 16 x 16. Writing the row loop in vectors keeps one IEEE operation per element, in the same
// order, lane by lane: the same bits.
#ifndef CTATTN_DETAIL_ROWOPS_HPP
#define CTATTN_DETAIL_ROWOPS_HPP

#include <cstddef>
#include <cstring>
#include <utility>

#include <ctattn/detail/fp.hpp>
#include <ctattn/detail/isa.hpp>
#include <ctattn/detail/kernels.hpp>

CTATTN_DETAIL_FP_STRICT_BEGIN

namespace ctattn::inline CTATTN_ISA_NS::detail {

// dst[j] = op(dst[j], src[j]) for j < C (src may be a scalar broadcast: see the callers).
template <std::size_t C, class T, class VecOp, class ScalarOp>
[[gnu::always_inline]] inline void row_apply(T* dst, const T* src, VecOp vop, ScalarOp sop) noexcept {
#if CTATTN_DETAIL_SIMD
  if constexpr (simd_target_v<T>) {
    constexpr std::size_t bytes = C * sizeof(T) % simd_bytes == 0 ? simd_bytes : 16;
    using V = typename simd_vec<T, bytes>::type;
    constexpr std::size_t W = bytes / sizeof(T);
    constexpr std::size_t vec_end = C / W * W;
    for (std::size_t j = 0; j < vec_end; j += W) {
      V d;
      V s;
      std::memcpy(&d, dst + j, sizeof d);
      std::memcpy(&s, src + j, sizeof s);
      d = vop(d, s);
      std::memcpy(dst + j, &d, sizeof d);
    }
    for (std::size_t j = vec_end; j < C; ++j) dst[j] = sop(dst[j], src[j]);
    return;
  }
#endif
  for (std::size_t j = 0; j < C; ++j) dst[j] = sop(dst[j], src[j]);
}

struct row_max_op {  // dst < src ? src : dst (NaN in either keeps dst, as the scalar loop)
  template <class U>
  [[gnu::always_inline]] U operator()(U d, U s) const noexcept { return d < s ? s : d; }
};
struct row_add_op {
  template <class U>
  [[gnu::always_inline]] U operator()(U d, U s) const noexcept { return d + s; }
};
struct row_div_op {
  template <class U>
  [[gnu::always_inline]] U operator()(U d, U s) const noexcept { return d / s; }
};

template <std::size_t C, class T>
[[gnu::always_inline]] inline void row_max(T* dst, const T* src) noexcept {
  row_apply<C>(dst, src, row_max_op{}, row_max_op{});
}
template <std::size_t C, class T>
[[gnu::always_inline]] inline void row_add(T* dst, const T* src) noexcept {
  row_apply<C>(dst, src, row_add_op{}, row_add_op{});
}
template <std::size_t C, class T>
[[gnu::always_inline]] inline void row_div(T* dst, const T* den) noexcept {
  row_apply<C>(dst, den, row_div_op{}, row_div_op{});
}
#if CTATTN_DETAIL_SIMD
// One block of weighted_rows: the vectors B of dst from column j0, in registers over all r.
template <class V, std::size_t W, class T, std::size_t... B>
[[gnu::always_inline]] inline void weighted_rows_block(T* dst, const T* rows, std::size_t stride,
                                                       const T* coef, std::size_t count,
                                                       std::size_t j0,
                                                       std::index_sequence<B...>) noexcept {
  V acc[sizeof...(B)] = {};
  for (std::size_t r = 0; r < count; ++r) {
    const T c = coef[r];
    const T* row = rows + r * stride + j0;
    V v[sizeof...(B)];
    (std::memcpy(&v[B], row + B * W, sizeof(V)), ...);
    ((acc[B] = acc[B] + v[B] * c), ...);
  }
  (std::memcpy(dst + j0 + B * W, &acc[B], sizeof(V)), ...);
}
#endif

// dst[j] = T{} + rows[0 * stride + j] * coef[0] + rows[1 * stride + j] * coef[1] + ... for j < C,
// over r < count in ascending order, one rounding per multiplication and per addition (the
// products' order): a weighted sum of rows. Up to 8 vectors of dst stay in registers over all r
// (independent accumulators, one load per vector multiply-add).
template <std::size_t C, class T>
[[gnu::always_inline]] inline void weighted_rows(T* dst, const T* rows, std::size_t stride,
                                                 const T* coef, std::size_t count) noexcept {
#if CTATTN_DETAIL_SIMD
  if constexpr (simd_target_v<T>) {
    constexpr std::size_t bytes = C * sizeof(T) >= simd_bytes ? simd_bytes : 16;
    using V = typename simd_vec<T, bytes>::type;
    constexpr std::size_t W = bytes / sizeof(T);
    constexpr std::size_t NB = 8;  // vectors per block
    constexpr std::size_t vec_end = C / W * W;
    std::size_t j0 = 0;
    for (; j0 + NB * W <= vec_end; j0 += NB * W)
      weighted_rows_block<V, W>(dst, rows, stride, coef, count, j0, std::make_index_sequence<NB>{});
    constexpr std::size_t rest = vec_end % (NB * W) / W;
    if constexpr (rest > 0) {
      weighted_rows_block<V, W>(dst, rows, stride, coef, count, j0,
                                std::make_index_sequence<rest>{});
    }
    for (std::size_t j = vec_end; j < C; ++j) {
      T a{};
      for (std::size_t r = 0; r < count; ++r) a = a + rows[r * stride + j] * coef[r];
      dst[j] = a;
    }
    return;
  }
#endif
  for (std::size_t j = 0; j < C; ++j) dst[j] = T{};
  for (std::size_t r = 0; r < count; ++r)
    for (std::size_t j = 0; j < C; ++j) dst[j] = dst[j] + rows[r * stride + j] * coef[r];
}

}  // namespace ctattn::detail

CTATTN_DETAIL_FP_STRICT_END

#endif  // CTATTN_DETAIL_ROWOPS_HPP
