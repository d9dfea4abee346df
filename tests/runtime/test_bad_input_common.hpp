// Shared by tests/runtime/test_bad_input*.cpp, tests/static/static_bad_input*.cpp and
// tests/fuzz: the exact sum of a column of weights and the bound it must respect.
//
// The bound (README, "Behaviour on bad input"). Let e_1..e_N >= 0 be the exp terms of one
// column, S the float sum of them accumulated from zero (N - 1 rounded additions) and
// w_i = fl(e_i / S). With u the unit roundoff (2^-53 double, 2^-24 float) and
// gamma_k = k u / (1 - k u), recursive summation of non-negative terms gives
//   S = (sum e_i)(1 + t),  |t| <= gamma_{N-1},
// and each division w_i = (e_i / S)(1 + d_i), |d_i| <= u. Hence
//   sum w_i = (1 + d) / (1 + t)  with  d a weighted mean of the d_i, |d| <= u,
// and |sum w_i - 1| <= (N u - (N - 1) u^2) / (1 - 2 (N - 1) u) <= N u / (1 - 2 (N - 1) u).
// So the EXACT sum of the weights is within about N/2 ulp(1) = N u of 1 (N ulps of the numbers
// just below 1). The exp's own error does not enter: it changes the e_i, not how they are
// normalised. (Summing the weights again in T adds the usual (N - 1) u of that summation.)
#ifndef CTATTN_TESTS_BAD_INPUT_COMMON_HPP
#define CTATTN_TESTS_BAD_INPUT_COMMON_HPP

#include <bit>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <type_traits>

namespace ctattn_test {

//! Unit roundoff u = 2^-p (half an ulp of 1).
template <class F>
inline constexpr double unit_roundoff = static_cast<double>(std::numeric_limits<F>::epsilon()) / 2;

//! The bound above: |sum_i w_i - 1| <= N u / (1 - 2 (N - 1) u), for a column of N weights.
template <class F>
constexpr double sum_bound(std::size_t n) noexcept {
  const double u = unit_roundoff<F>;
  const double nd = static_cast<double>(n);
  return nd * u / (1.0 - 2.0 * (nd - 1.0) * u);
}

//! An exact fixed-point accumulator for non-negative floats below 2^15: 256 bits, of which
//! 240 are fraction bits. Terms below 2^-240 are truncated (error < N 2^-240, far below any
//! bound tested here).
class exact_sum {
 public:
  static constexpr int frac_bits = 240;

  constexpr void add(double x) noexcept {
    const std::uint64_t b = std::bit_cast<std::uint64_t>(x);
    const int e = static_cast<int>((b >> 52) & 0x7ffU);
    std::uint64_t m = b & ((std::uint64_t{1} << 52) - 1);
    int scale = 0;  // x = m 2^scale
    if (e == 0) {
      scale = -1074;
    } else {
      m |= std::uint64_t{1} << 52;
      scale = e - 1075;
    }
    add_shifted(m, scale + frac_bits);
  }

  //! (this sum) - 1, rounded to double (exact up to that one rounding).
  [[nodiscard]] constexpr double minus_one() const noexcept {
    std::uint64_t one[4] = {0, 0, 0, std::uint64_t{1} << (frac_bits - 192)};
    const bool neg = less(limb_, one);
    std::uint64_t d[4] = {};
    if (neg)
      sub(one, limb_, d);
    else
      sub(limb_, one, d);
    double r = 0;
    double w = pow2(192 - frac_bits);
    for (int i = 3; i >= 0; --i) {
      r = r + static_cast<double>(d[i]) * w;
      w = w * pow2(-64);
    }
    return neg ? -r : r;
  }

 private:
  std::uint64_t limb_[4] = {};

  static constexpr double pow2(int k) noexcept {
    double r = 1;
    for (; k > 0; --k) r = r * 2;
    for (; k < 0; ++k) r = r / 2;
    return r;
  }
  static constexpr bool less(const std::uint64_t (&a)[4], const std::uint64_t (&b)[4]) noexcept {
    for (int i = 3; i >= 0; --i)
      if (a[i] != b[i]) return a[i] < b[i];
    return false;
  }
  static constexpr void sub(const std::uint64_t (&a)[4], const std::uint64_t (&b)[4],
                            std::uint64_t (&out)[4]) noexcept {
    std::uint64_t borrow = 0;
    for (int i = 0; i < 4; ++i) {
      const std::uint64_t t = a[i] - b[i];
      const std::uint64_t nb = (a[i] < b[i] || t < borrow) ? 1U : 0U;
      out[i] = t - borrow;
      borrow = nb;
    }
  }
  constexpr void add_at(int idx, std::uint64_t v) noexcept {
    for (int i = idx; i < 4 && v != 0; ++i) {
      const std::uint64_t s = limb_[i] + v;
      v = s < v ? 1U : 0U;
      limb_[i] = s;
    }
  }
  // add m 2^shift (m < 2^53), truncating bits below 2^0 of the accumulator
  constexpr void add_shifted(std::uint64_t m, int shift) noexcept {
    if (shift <= -64 || m == 0) return;
    if (shift < 0) {
      add_at(0, m >> -shift);
      return;
    }
    const int idx = shift / 64;
    const int bit = shift % 64;
    add_at(idx, m << bit);
    if (bit != 0 && idx + 1 < 4) add_at(idx + 1, m >> (64 - bit));
  }
};

//! The exact sum of n weights minus 1 (float weights convert to double exactly).
template <class F>
constexpr double exact_sum_minus_one(const F* w, std::size_t n) noexcept {
  exact_sum s;
  for (std::size_t i = 0; i < n; ++i) s.add(static_cast<double>(w[i]));
  return s.minus_one();
}

//! True when x is neither NaN nor infinite (constexpr, no <cmath>).
template <class F>
constexpr bool is_finite(F x) noexcept {
  return x == x && x <= std::numeric_limits<F>::max() && x >= std::numeric_limits<F>::lowest();
}

//! Column c of an R x C weight matrix (row-major `elems`) is a valid softmax column: every
//! weight finite and in [0, 1], and the exact sum within sum_bound<F>(R) of 1.
template <class M>
constexpr bool valid_weight_column(const M& w, std::size_t c) noexcept {
  using F = typename M::value_type;
  F col[M::rows] = {};
  for (std::size_t r = 0; r < M::rows; ++r) {
    const F x = w.elems[r * M::cols + c];
    if (!is_finite(x) || x < F(0) || x > F(1)) return false;
    col[r] = x;
  }
  const double d = exact_sum_minus_one(col, M::rows);
  return (d < 0 ? -d : d) <= sum_bound<F>(M::rows);
}

template <class M>
constexpr bool valid_weights(const M& w) noexcept {
  for (std::size_t c = 0; c < M::cols; ++c)
    if (!valid_weight_column(w, c)) return false;
  return true;
}

//! Every output coordinate x'(d, n) = sum_m w(m, n) V(d, m) lies within the range of the value
//! coordinates V(d, :), widened by the rounding slack: with B = sum_bound<F>(N), w >= 0 and
//! sum_m w(m, n) in [1 - B, 1 + B], the exact sum lies in [lo - B vmax, hi + B vmax] (vmax =
//! max_m |V(d, m)|), and recursive summation of the N rounded products adds at most
//! gamma_N (1 + B) vmax, gamma_N = N u / (1 - N u), plus N times the smallest subnormal for
//! products that underflow. Where that range reaches beyond the largest finite F, the output may
//! be +-inf (the weights sum to slightly more than 1 and the sum overflows).
template <class MV, class MO>
constexpr bool output_in_value_range(const MV& v, const MO& out) noexcept {
  using F = typename MV::value_type;
  constexpr std::size_t n = MV::cols;
  const double u = unit_roundoff<F>;
  const double b = sum_bound<F>(n);
  const double gamma = static_cast<double>(n) * u / (1.0 - static_cast<double>(n) * u);
  for (std::size_t d = 0; d < MV::rows; ++d) {
    double lo = static_cast<double>(v.elems[d * n]);
    double hi = lo;
    double vmax = 0;
    for (std::size_t m = 0; m < n; ++m) {
      const double x = static_cast<double>(v.elems[d * n + m]);
      lo = x < lo ? x : lo;
      hi = x > hi ? x : hi;
      const double ax = x < 0 ? -x : x;
      vmax = ax > vmax ? ax : vmax;
    }
    const double slack = (b + gamma * (1.0 + b)) * vmax +
                         static_cast<double>(n) *
                             static_cast<double>(std::numeric_limits<F>::denorm_min());
    // Near the largest finite F the widened range leaves F: the sum may then overflow to inf.
    const double lob = lo - slack;
    const double hib = hi + slack;
    const double top = static_cast<double>(std::numeric_limits<F>::max());
    const double inf = std::numeric_limits<double>::infinity();
    for (std::size_t c = 0; c < MO::cols; ++c) {
      const double o = static_cast<double>(out.elems[d * MO::cols + c]);
      const bool low_ok = o >= lob || (lob < -top && o == -inf);
      const bool high_ok = o <= hib || (hib > top && o == inf);
      if (!(low_ok && high_ok)) return false;
    }
  }
  return true;
}

//! Bitwise equality of two equally shaped matrices (NaNs compare by their bits).
template <class M>
constexpr bool same_bits(const M& a, const M& b) noexcept {
  using F = typename M::value_type;
  using U = std::conditional_t<sizeof(F) == 8, std::uint64_t, std::uint32_t>;
  for (std::size_t i = 0; i < M::count; ++i)
    if (std::bit_cast<U>(a.elems[i]) != std::bit_cast<U>(b.elems[i])) return false;
  return true;
}

//! Bitwise equality, except that a NaN matches any NaN: IEEE 754 leaves the sign and payload of
//! a NaN result open (x86 returns the first operand's NaN when both are NaN, and the loop form
//! adds the bias as beta + Omega x where the matrix form adds Omega x + beta). Every non-NaN
//! value, including the sign of zero, must match bit for bit.
template <class M>
constexpr bool same_bits_or_both_nan(const M& a, const M& b) noexcept {
  using F = typename M::value_type;
  using U = std::conditional_t<sizeof(F) == 8, std::uint64_t, std::uint32_t>;
  for (std::size_t i = 0; i < M::count; ++i) {
    const F x = a.elems[i];
    const F y = b.elems[i];
    if (x != x && y != y) continue;
    if (std::bit_cast<U>(x) != std::bit_cast<U>(y)) return false;
  }
  return true;
}

//! True when F{}() is a constant expression (substitution fails otherwise). Lets a static test
//! say "this input is rejected in constant evaluation" on the compiler that rejects it.
template <class Fn, int = (Fn{}(), 0)>
constexpr bool is_constant(Fn) {
  return true;
}
constexpr bool is_constant(...) { return false; }

}  // namespace ctattn_test

#endif  // CTATTN_TESTS_BAD_INPUT_COMMON_HPP
