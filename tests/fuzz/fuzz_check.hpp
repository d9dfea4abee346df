// The fuzzing oracle: decode one input (bytes) into attention parameters, tokens and options for
// a few fixed sizes, run ctattn, and check the invariants of README "Behaviour on bad input".
// Used by the libFuzzer harness (fuzz_attention.cpp) and, on the committed corpus and the
// regression inputs, by the ordinary runtime test tests/runtime/test_bad_input_fuzz_corpus.cpp.
//
// Invariants checked, per weight column n (scores s = K^T Q, column n):
//   - loop form == matrix form, bit for bit (outputs and weights), a NaN matching any NaN;
//   - s has a NaN   -> every weight of column n is NaN (the NaN propagates, nothing is hidden);
//   - s has no NaN  -> weights finite, in [0, 1], exact sum within N u of 1 (finite input never
//                      gives a NaN or inf weight; +inf scores share the weight);
//   - V row finite  -> each output coordinate within the range of that row of V, plus the
//                      rounding slack (tests/runtime/test_bad_input_common.hpp);
//   - the same weight checks with ctattn::exp_fast;
//   - masks: an `allowed` mask and `causal` give masked keys weight exactly 0, and the kept
//     weights of a column obey the rules above (all zero if nothing is kept).
#ifndef CTATTN_TESTS_FUZZ_CHECK_HPP
#define CTATTN_TESTS_FUZZ_CHECK_HPP

#include <cstddef>
#include <cstdint>
#include <limits>
#include <type_traits>

#include <ctattn/attention.hpp>
#include <ctattn/matrix.hpp>
#include <ctattn/options.hpp>

#include "../runtime/test_bad_input_common.hpp"

namespace ctattn_fuzz {

class reader {
 public:
  reader(const std::uint8_t* data, std::size_t size) noexcept : p_(data), n_(size) {}
  std::uint8_t byte() noexcept {
    if (n_ == 0) return 0;
    --n_;
    return *p_++;
  }

 private:
  const std::uint8_t* p_;
  std::size_t n_;
};

// One value from three bytes: mostly moderate numbers, sometimes huge (+-1e300 double,
// +-1e38 float), tiny (subnormal) or special (NaN, +-inf, +-max, +-0, smallest subnormal).
template <class F>
F value(reader& r) noexcept {
  const unsigned kind = r.byte() % 8U;
  const std::uint8_t a = r.byte();
  const std::uint8_t b = r.byte();
  const auto m = static_cast<std::int16_t>(static_cast<std::uint16_t>((a << 8U) | b));
  const F mf = static_cast<F>(m);
  using lim = std::numeric_limits<F>;
  switch (kind) {
    case 0:
    case 1:
    case 2:
    case 3:
      return mf / F(256);  // [-128, 128), steps of 1/256
    case 4:
      return mf / F(8);  // [-4096, 4096): scores up to ~1e8, most exp terms underflow
    case 5:
      return mf * (std::is_same_v<F, double> ? F(1e300) : F(1e38)) / F(32768);
    case 6:
      return mf * lim::denorm_min();
    default: {
      const F special[8] = {lim::quiet_NaN(), lim::infinity(), -lim::infinity(), lim::max(),
                            lim::lowest(),    F(0),            -F(0),           lim::denorm_min()};
      return special[a % 8U];
    }
  }
}

template <class F>
bool is_nan(F x) noexcept {
  return x != x;
}

template <class M>
bool all_finite_row(const M& m, std::size_t row) noexcept {
  for (std::size_t c = 0; c < M::cols; ++c)
    if (!ctattn_test::is_finite(m(row, c))) return false;
  return true;
}

// The output column c lies in the range of V's rows, plus the rounding slack, for every row of
// V that is finite.
template <class MV, class MO>
bool output_column_in_range(const MV& v, const MO& out, std::size_t c) noexcept {
  using F = typename MV::value_type;
  for (std::size_t d = 0; d < MV::rows; ++d) {
    if (!all_finite_row(v, d)) continue;
    ctattn::matrix<F, 1, MV::cols> vrow{};
    for (std::size_t m = 0; m < MV::cols; ++m) vrow(0, m) = v(d, m);
    ctattn::matrix<F, 1, 1> o{out(d, c)};
    if (!ctattn_test::output_in_value_range(vrow, o)) return false;
  }
  return true;
}

// Weight column n against the rules, given which entries are kept (masks) and the scores.
template <class MW, class MS, class MK>
const char* check_weight_column(const MW& w, const MS& s, const MK& keep, std::size_t n) noexcept {
  using F = typename MW::value_type;
  bool any_kept = false;
  bool nan_score = false;
  for (std::size_t m = 0; m < MW::rows; ++m) {
    if (!keep(m, n)) {
      if (!(w(m, n) == F(0))) return "a masked key has a weight other than 0";
      continue;
    }
    any_kept = true;
    nan_score = nan_score || is_nan(s(m, n));
  }
  if (!any_kept) return nullptr;  // all zero, checked above
  if (nan_score) {
    for (std::size_t m = 0; m < MW::rows; ++m)
      if (keep(m, n) && !is_nan(w(m, n))) return "a NaN score did not make its column NaN";
    return nullptr;
  }
  if (!ctattn_test::valid_weight_column(w, n))
    return "weights not finite, not in [0, 1] or not summing to 1 within N u (no NaN score)";
  return nullptr;
}

template <class F, std::size_t D, std::size_t N, std::size_t Dk, std::size_t Dv>
const char* check_config(reader& r) noexcept {
  using ctattn::matrix;
  ctattn::attention_params<F, D, Dk, Dv> p{};
  matrix<F, D, N> x{};
  for (auto& e : p.omega_q) e = value<F>(r);
  for (auto& e : p.omega_k) e = value<F>(r);
  for (auto& e : p.omega_v) e = value<F>(r);
  for (auto& e : p.beta_q) e = value<F>(r);
  for (auto& e : p.beta_k) e = value<F>(r);
  for (auto& e : p.beta_v) e = value<F>(r);
  for (auto& e : x) e = value<F>(r);
  matrix<bool, N, N> allowed{};
  for (auto& e : allowed) e = (r.byte() & 1U) != 0;

  const auto q = ctattn::affine(p.omega_q, x, p.beta_q);
  const auto k = ctattn::affine(p.omega_k, x, p.beta_k);
  const auto v = ctattn::affine(p.omega_v, x, p.beta_v);
  const auto s = ctattn::transpose_times(k, q);
  const auto all = ctattn::filled<bool, N, N>(true);
  matrix<bool, N, N> causal{};
  for (std::size_t m = 0; m < N; ++m)
    for (std::size_t n = 0; n < N; ++n) causal(m, n) = m <= n;

  const auto res = ctattn::self_attention(x, p);
  const auto loop = ctattn::self_attention_loop(ctattn::columns(x), p);
  if (!ctattn_test::same_bits_or_both_nan(res.weights, loop.weights))
    return "loop weights != matrix weights";
  if (!ctattn_test::same_bits_or_both_nan(res.output, loop.output))
    return "loop output != matrix output";
  const auto fast = ctattn::self_attention(x, p, ctattn::exp_fast);
  const auto masked = ctattn::self_attention(x, p, ctattn::allowed(allowed));
  const auto causal_r = ctattn::self_attention(x, p, ctattn::causal);
  for (std::size_t n = 0; n < N; ++n) {
    if (const char* e = check_weight_column(res.weights, s, all, n)) return e;
    if (const char* e = check_weight_column(fast.weights, s, all, n)) return e;
    if (const char* e = check_weight_column(masked.weights, s, allowed, n)) return e;
    if (const char* e = check_weight_column(causal_r.weights, s, causal, n)) return e;
    if (ctattn_test::valid_weight_column(res.weights, n) &&
        !output_column_in_range(v, res.output, n))
      return "an output coordinate lies outside the range of the value coordinates";
  }
  return nullptr;
}

//! Check one fuzz input: nullptr when every invariant holds, else what failed.
inline const char* check_input(const std::uint8_t* data, std::size_t size) noexcept {
  reader r(data, size);
  switch (r.byte() % 5U) {
    case 0: return check_config<double, 2, 3, 2, 2>(r);
    case 1: return check_config<double, 3, 5, 2, 3>(r);
    case 2: return check_config<double, 4, 8, 4, 2>(r);
    case 3: return check_config<float, 2, 4, 2, 2>(r);
    default: return check_config<double, 1, 1, 1, 1>(r);
  }
}

}  // namespace ctattn_fuzz

#endif  // CTATTN_TESTS_FUZZ_CHECK_HPP
