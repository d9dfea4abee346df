// Behaviour on bad input, proven in constant evaluation (README, "Behaviour on bad input").
// What the compilers cannot represent is asserted too: GCC rejects an overflowing operation,
// Clang any arithmetic on NaN; ctattn_test::is_constant checks that such a call is rejected
// (a compile error, never a wrong value) on the compiler that rejects it.
#include <cstddef>
#include <limits>

#include <ctattn/attention.hpp>
#include <ctattn/math.hpp>
#include <ctattn/matrix.hpp>
#include <ctattn/softmax.hpp>

#include "../runtime/test_bad_input_common.hpp"

namespace {
using ctattn::matrix;
using ctattn::softmax;
using ctattn::softmax_cols;
using ctattn::vector;
using ctattn_test::is_constant;
using ctattn_test::same_bits;
using ctattn_test::valid_weights;

template <class F>
constexpr F inf = std::numeric_limits<F>::infinity();
template <class F>
constexpr F fmax = std::numeric_limits<F>::max();
template <class F>
constexpr F tiny = std::numeric_limits<F>::denorm_min();

// ---- the exact-sum helper itself -------------------------------------------------------------
static_assert([] {
  const double a[] = {0.5, 0.25, 0.25};
  const double b[] = {1.0, 0x1p-60};
  const double c[] = {1.0 - 0x1p-53, 0x1p-200};
  const float f[] = {0.75f, 0.25f, 0x1p-30f};
  return ctattn_test::exact_sum_minus_one(a, 3) == 0.0 &&
         ctattn_test::exact_sum_minus_one(b, 2) == 0x1p-60 &&
         ctattn_test::exact_sum_minus_one(c, 2) == -0x1p-53 + 0x1p-200 &&
         ctattn_test::exact_sum_minus_one(f, 3) == 0x1p-30;
}());

// ---- huge finite scores: no overflow, in constant evaluation on both compilers ---------------
// A naive exp(1e300) overflows; s - max(s) can itself overflow (-1e308 - 1e308): ctattn never
// evaluates it (the term is 0 without the subtraction), so GCC accepts these constants.
template <class F>
constexpr bool huge_scores() {
  const F h = std::is_same_v<F, double> ? F(1e300) : F(1e38);
  const auto a = softmax(vector<F, 2>{h, -h});
  const auto b = softmax(vector<F, 3>{-fmax<F>, fmax<F>, -fmax<F>});
  const auto c = softmax(vector<F, 2>{h, h});
  return a == vector<F, 2>{1, 0} && b == vector<F, 3>{0, 1, 0} && c == vector<F, 2>{0.5, 0.5};
}
static_assert(huge_scores<double>());
static_assert(huge_scores<float>());
static_assert(softmax(vector<double, 2>{1e308, -1e308}, ctattn::exp_fast) ==
              vector<double, 2>{1, 0});
static_assert(softmax_cols(matrix<double, 2, 2>{-1e308, 1e300, 1e308, -1e300}) ==
              matrix<double, 2, 2>{0, 1, 1, 0});

// ---- infinities in the scores ----------------------------------------------------------------
// -inf gets weight 0; +inf maxima share the column equally; all-(-inf) is uniform.
template <class F>
constexpr bool infinite_scores() {
  const auto a = softmax(vector<F, 4>{1, inf<F>, 2, inf<F>});
  const auto b = softmax(vector<F, 3>{0, -inf<F>, 0});
  const auto c = softmax(vector<F, 3>{-inf<F>, -inf<F>, -inf<F>});
  const auto d = softmax(vector<F, 2>{inf<F>, -inf<F>});
  const F third = F(1) / F(3);
  return a == vector<F, 4>{0, 0.5, 0, 0.5} && b == vector<F, 3>{0.5, 0, 0.5} &&
         c == vector<F, 3>{third, third, third} && d == vector<F, 2>{1, 0};
}
static_assert(infinite_scores<double>());
static_assert(infinite_scores<float>());

// ---- subnormals ------------------------------------------------------------------------------
template <class F>
constexpr bool subnormals() {
  // subnormal scores: every term is exp(-tiny) = 1, so the weights are exactly 1/3
  const F third = F(1) / F(3);
  const auto a = softmax(vector<F, 3>{tiny<F>, 0, -tiny<F>});
  // a weight that is itself subnormal: exp(x) / 1
  const F x = std::is_same_v<F, double> ? F(-740) : F(-100);
  const auto b = softmax(vector<F, 2>{0, x});
  return a == vector<F, 3>{third, third, third} && b[1] > F(0) &&
         b[1] < std::numeric_limits<F>::min() && b[1] == ctattn::exp(x) && b[0] == F(1);
}
static_assert(subnormals<double>());
static_assert(subnormals<float>());

// ---- all-equal scores and N = 1 -------------------------------------------------------------
template <class F, std::size_t N>
constexpr bool all_equal(F v) {
  const auto w = softmax(ctattn::filled<F, N, 1>(v));
  for (std::size_t i = 0; i < N; ++i)
    if (w[i] != F(1) / F(N)) return false;
  return true;
}
static_assert(all_equal<double, 7>(0.0) && all_equal<double, 7>(-1e308) &&
              all_equal<double, 5>(1e308) && all_equal<float, 7>(3.5f) &&
              all_equal<double, 3>(inf<double>) && all_equal<float, 3>(-inf<float>));
static_assert(softmax(vector<double, 1>{-1e308}) == vector<double, 1>{1});
static_assert(softmax(vector<double, 1>{inf<double>}) == vector<double, 1>{1});
static_assert(softmax(vector<float, 1>{-inf<float>}) == vector<float, 1>{1});

// ---- the sum bound on a fixed example with many terms near 1 --------------------------------
constexpr auto near_equal = [] {
  matrix<double, 64, 2> s{};
  for (std::size_t i = 0; i < 64; ++i) {
    s(i, 0) = 1e-3 * static_cast<double>(i % 7) - 2e-3 * static_cast<double>(i % 5);
    s(i, 1) = -0.37 * static_cast<double>(i);
  }
  return softmax_cols(s);
}();
static_assert(valid_weights(near_equal));

// ---- attention: one token, and scores that overflow from finite input ------------------------
constexpr ctattn::attention_params<double, 1> p1{{1}, {1}, {1}, {0}, {0}, {0}};
// One token: weight 1 and the value vector, for any finite input.
static_assert(ctattn::self_attention(matrix<double, 1, 1>{-1e150}, p1).weights ==
              matrix<double, 1, 1>{1});
static_assert(ctattn::self_attention(matrix<double, 1, 1>{-1e150}, p1).output ==
              matrix<double, 1, 1>{-1e150});

// X = [1e200, -1e200, 1]: K^T Q = x x^T overflows to +-inf. The largest score wins (+inf
// shares nothing here), so the output is finite: [1e200, -1e200, 1e200].
constexpr matrix<double, 1, 3> x_huge{1e200, -1e200, 1};
struct overflowing_attention {
  constexpr auto operator()() const { return ctattn::self_attention(x_huge, p1); }
};
#if defined(__clang__)
// Clang evaluates overflow to inf in constant expressions: the rule is checked here.
static_assert(overflowing_attention{}().output == matrix<double, 1, 3>{1e200, -1e200, 1e200});
static_assert(overflowing_attention{}().weights ==
              matrix<double, 3, 3>{1, 0, 1, 0, 1, 0, 0, 0, 0});
#else
// GCC rejects a constant expression whose arithmetic overflows (1e200 * 1e200).
static_assert(!is_constant(overflowing_attention{}));
#endif

// ---- NaN --------------------------------------------------------------------------------------
struct nan_column {
  constexpr auto operator()() const {
    return softmax_cols(matrix<double, 2, 2>{1, std::numeric_limits<double>::quiet_NaN(), 2, 3});
  }
};
#if defined(__clang__) || __GNUC__ < 12
// Clang rejects any arithmetic on NaN in constant evaluation; GCC 11 rejects the ordered
// comparison with NaN (softmax's max: `NaN < 3` "is not a constant expression").
static_assert(!is_constant(nan_column{}));
#else
// GCC propagates it: the column holding a NaN score is all NaN, the other one is untouched.
static_assert([] {
  const auto w = nan_column{}();
  return w(0, 1) != w(0, 1) && w(1, 1) != w(1, 1) &&
         same_bits(ctattn::col(w, 0), softmax(vector<double, 2>{1, 2}));
}());
#endif

// Loop form == matrix form on bad input too, bit for bit.
constexpr ctattn::attention_params<double, 2> p2{
    {1, 0.5, -0.25, 1}, {0.5, 1, 1, -0.5}, {1, 0, 0, 1}, {0, 1}, {0.5, 0}, {0, 0}};
constexpr matrix<double, 2, 3> x_mixed{1e150, -1e150, 0x1p-1070, 2, 3, -4};
constexpr auto r_mixed = ctattn::self_attention(x_mixed, p2);
static_assert(same_bits(r_mixed.weights,
                        ctattn::self_attention_loop(ctattn::columns(x_mixed), p2).weights));
static_assert(same_bits(r_mixed.output,
                        ctattn::self_attention_loop(ctattn::columns(x_mixed), p2).output));
static_assert(valid_weights(r_mixed.weights));
}  // namespace
