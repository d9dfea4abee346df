// Behaviour on bad input at run time (README, "Behaviour on bad input"): NaN and infinities
// in scores, inputs and parameters, scores that overflow, subnormals, all-equal scores, N = 1,
// and the sum-to-1 bound on many random columns. Loop form == matrix form throughout.
#include <doctest/doctest.h>

#include <cstddef>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <random>
#include <utility>

#include <ctattn/attention.hpp>
#include <ctattn/math.hpp>
#include <ctattn/matrix.hpp>
#include <ctattn/multihead.hpp>
#include <ctattn/options.hpp>
#include <ctattn/softmax.hpp>

#include "test_bad_input_common.hpp"

namespace {
using ctattn::matrix;
using ctattn::softmax;
using ctattn::softmax_cols;
using ctattn::vector;
using ctattn_test::same_bits;

template <class F>
constexpr F inf = std::numeric_limits<F>::infinity();
template <class F>
constexpr F qnan = std::numeric_limits<F>::quiet_NaN();

template <class F>
bool is_nan(F x) {
  return x != x;
}

// Values are passed through a volatile so the optimiser folds nothing: these run at run time.
template <class M>
M launder(const M& x) {
  M out = x;
  for (auto& e : out.elems) {
    volatile typename M::value_type v = e;
    e = v;
  }
  return out;
}

template <class T, std::size_t D, std::size_t N, std::size_t Dk, std::size_t Dv>
ctattn::attention_result<T, Dv, N> both_forms(const matrix<T, D, N>& x,
                                              const ctattn::attention_params<T, D, Dk, Dv>& p) {
  const auto r = ctattn::self_attention(launder(x), p);
  const auto l = ctattn::self_attention_loop(ctattn::columns(launder(x)), p);
  CHECK(ctattn_test::same_bits_or_both_nan(r.weights, l.weights));
  CHECK(ctattn_test::same_bits_or_both_nan(r.output, l.output));
  return r;
}

TEST_CASE_TEMPLATE("softmax: NaN in a column makes that column NaN, and only that one", F, double,
                   float) {
  for (std::size_t pos = 0; pos < 3; ++pos) {
    matrix<F, 3, 2> s{1, 4, 2, 5, 3, 6};
    s(pos, 0) = qnan<F>;
    const auto w = softmax_cols(launder(s));
    for (std::size_t r = 0; r < 3; ++r) CHECK(is_nan(w(r, 0)));
    CHECK(same_bits(ctattn::col(w, 1), softmax(vector<F, 3>{4, 5, 6})));
    CHECK(same_bits(ctattn::col(w, 0), softmax(ctattn::col(launder(s), 0))));
  }
  // NaN beside infinities is still NaN
  const auto w = softmax(launder(vector<F, 3>{inf<F>, qnan<F>, -inf<F>}));
  for (std::size_t i = 0; i < 3; ++i) CHECK(is_nan(w[i]));
}

TEST_CASE_TEMPLATE("softmax: infinities and huge scores", F, double, float) {
  const F h = std::is_same_v<F, double> ? F(1e300) : F(1e38);
  const F big = std::numeric_limits<F>::max();
  CHECK(softmax(launder(vector<F, 2>{h, -h})) == vector<F, 2>{1, 0});
  CHECK(softmax(launder(vector<F, 3>{-big, big, -big})) == vector<F, 3>{0, 1, 0});
  CHECK(softmax(launder(vector<F, 2>{h, h})) == vector<F, 2>{0.5, 0.5});
  CHECK(softmax(launder(vector<F, 4>{1, inf<F>, 2, inf<F>})) == vector<F, 4>{0, 0.5, 0, 0.5});
  CHECK(softmax(launder(vector<F, 3>{0, -inf<F>, 0})) == vector<F, 3>{0.5, 0, 0.5});
  CHECK(softmax(launder(vector<F, 2>{-inf<F>, -inf<F>})) == vector<F, 2>{0.5, 0.5});
  CHECK(softmax(launder(vector<F, 2>{inf<F>, -inf<F>})) == vector<F, 2>{1, 0});
  CHECK(softmax(launder(vector<F, 2>{h, -h}), ctattn::exp_fast) == vector<F, 2>{1, 0});
  CHECK(softmax(launder(vector<F, 3>{inf<F>, 0, inf<F>}), ctattn::exp_fast) ==
        vector<F, 3>{0.5, 0, 0.5});
  // the matrix form agrees column by column
  const matrix<F, 3, 3> s{-big, 1, -inf<F>, big, inf<F>, -inf<F>, -big, inf<F>, -inf<F>};
  const auto w = softmax_cols(launder(s));
  for (std::size_t c = 0; c < 3; ++c) CHECK(same_bits(ctattn::col(w, c), softmax(ctattn::col(s, c))));
}

TEST_CASE_TEMPLATE("softmax: subnormals, all-equal scores, N = 1", F, double, float) {
  const F tiny = std::numeric_limits<F>::denorm_min();
  const F third = F(1) / F(3);
  CHECK(softmax(launder(vector<F, 3>{tiny, 0, -tiny})) == vector<F, 3>{third, third, third});
  const F x = std::is_same_v<F, double> ? F(-740) : F(-100);
  const auto b = softmax(launder(vector<F, 2>{0, x}));
  CHECK(b[0] == F(1));
  CHECK(b[1] == ctattn::exp(x));
  CHECK(b[1] > F(0));
  CHECK(b[1] < std::numeric_limits<F>::min());
  for (const F v : {F(0), F(-1e30), F(1e30), std::numeric_limits<F>::lowest(), inf<F>, -inf<F>}) {
    const auto w = softmax(launder(ctattn::filled<F, 7, 1>(v)));
    for (std::size_t i = 0; i < 7; ++i) CHECK(w[i] == F(1) / F(7));
    CHECK(softmax(launder(vector<F, 1>{v})) == vector<F, 1>{1});
  }
  CHECK(is_nan(softmax(launder(vector<F, 1>{qnan<F>}))[0]));
}

// ---- attention ---------------------------------------------------------------------------------

constexpr ctattn::attention_params<double, 1> p1{{1}, {1}, {1}, {0}, {0}, {0}};
constexpr ctattn::attention_params<double, 2> p2{
    {1, 0.5, -0.25, 1}, {0.5, 1, 1, -0.5}, {1, 0, 0, 1}, {0, 1}, {0.5, 0}, {0, 0}};

TEST_CASE("attention: scores that overflow from finite input follow the softmax rules") {
  // K^T Q = x x^T = [[inf, -inf, 1e200], [-inf, inf, -1e200], [1e200, -1e200, 1]]
  const auto r = both_forms(matrix<double, 1, 3>{1e200, -1e200, 1}, p1);
  CHECK(r.weights == matrix<double, 3, 3>{1, 0, 1, 0, 1, 0, 0, 0, 0});
  CHECK(r.output == matrix<double, 1, 3>{1e200, -1e200, 1e200});

  // inf + (-inf) inside a dot product: the score is NaN, so is that query's column.
  // q = x, k = (x0, -x1): for x = (1e200, 1e200), k.q = 1e400 - 1e400 = inf - inf.
  constexpr ctattn::attention_params<double, 2> pm{
      {1, 0, 0, 1}, {1, 0, 0, -1}, {1, 0, 0, 1}, {0, 0}, {0, 0}, {0, 0}};
  const auto n = both_forms(matrix<double, 2, 2>{1e200, 1, 1e200, 0}, pm);
  for (std::size_t m = 0; m < 2; ++m) CHECK(is_nan(n.weights(m, 0)));
  CHECK(is_nan(n.output(0, 0)));
  CHECK(is_nan(n.output(1, 0)));
  // query 1 = (1, 0): scores k.q = (1e200, 1): finite, weights (1, 0)
  CHECK(n.weights(0, 1) == 1.0);
  CHECK(n.weights(1, 1) == 0.0);
  CHECK(n.output(0, 1) == 1e200);
}

TEST_CASE("attention: NaN and infinities in inputs and parameters") {
  const matrix<double, 2, 3> x{0.5, -1, 2, 1, 0.25, -0.75};
  const auto clean = both_forms(x, p2);
  CHECK(ctattn_test::valid_weights(clean.weights));

  SUBCASE("NaN in a token of X: every weight and output is NaN") {
    auto xb = x;
    xb(1, 2) = qnan<double>;
    const auto r = both_forms(xb, p2);
    for (const double w : r.weights.elems) CHECK(is_nan(w));
    for (const double o : r.output.elems) CHECK(is_nan(o));
  }
  SUBCASE("NaN in omega_q, omega_k, beta_q or beta_k: every weight and output is NaN") {
    for (int which = 0; which < 4; ++which) {
      auto p = p2;
      if (which == 0) p.omega_q(1, 0) = qnan<double>;
      if (which == 1) p.omega_k(0, 1) = qnan<double>;
      if (which == 2) p.beta_q[0] = qnan<double>;
      if (which == 3) p.beta_k[1] = qnan<double>;
      const auto r = both_forms(x, p);
      for (const double w : r.weights.elems) CHECK(is_nan(w));
      for (const double o : r.output.elems) CHECK(is_nan(o));
    }
  }
  SUBCASE("NaN in row d of omega_v or beta_v: output row d is NaN, weights unchanged") {
    for (int which = 0; which < 2; ++which) {
      auto p = p2;
      if (which == 0) p.omega_v(1, 0) = qnan<double>;
      if (which == 1) p.beta_v[1] = qnan<double>;
      const auto r = both_forms(x, p);
      CHECK(same_bits(r.weights, clean.weights));
      for (std::size_t n = 0; n < 3; ++n) {
        CHECK(r.output(0, n) == clean.output(0, n));
        CHECK(is_nan(r.output(1, n)));
      }
    }
  }
  SUBCASE("+inf in beta_v: that output row is +inf where every weight is > 0") {
    auto p = p2;
    p.beta_v[0] = inf<double>;
    const auto r = both_forms(x, p);
    CHECK(same_bits(r.weights, clean.weights));
    for (std::size_t n = 0; n < 3; ++n) CHECK(r.output(0, n) == inf<double>);
  }
  SUBCASE("+inf in X: IEEE arithmetic up to the scores, then the softmax rules") {
    // q = k = v = x = [inf, 1]; scores [[inf, inf], [inf, 1]]
    const auto r = both_forms(matrix<double, 1, 2>{inf<double>, 1}, p1);
    CHECK(r.weights == matrix<double, 2, 2>{0.5, 1, 0.5, 0});
    CHECK(r.output(0, 0) == inf<double>);
    // column 1: 1 * inf + 0 * 1 = inf
    CHECK(r.output(0, 1) == inf<double>);
  }
  SUBCASE("N = 1: weight 1, output = the value vector") {
    const auto r = both_forms(matrix<double, 2, 1>{-3e150, 0x1p-1060}, p2);
    CHECK(r.weights == matrix<double, 1, 1>{1});
    CHECK(r.output == ctattn::affine(p2.omega_v, matrix<double, 2, 1>{-3e150, 0x1p-1060},
                                     p2.beta_v));
  }
}

TEST_CASE("multi-head, cross-attention and masks follow the same rules") {
  const matrix<double, 2, 3> x{0.5, -1, 2, 1, 0.25, -0.75};
  SUBCASE("NaN in one head's omega_q: that head's weights are NaN, the other head's are not") {
    ctattn::multihead_params<double, 2, 2> mp{};
    mp.heads[0] = {{1, 0.5}, {0.5, 1}, {1, -1}, {0}, {0}, {0}};
    mp.heads[1] = {{-1, 0.25}, {1, 1}, {0.5, 2}, {0}, {0}, {0}};
    mp.omega_c = ctattn::identity<double, 2>();
    const auto clean = ctattn::multihead_self_attention(launder(x), mp);
    mp.heads[1].omega_q(0, 1) = qnan<double>;
    const auto r = ctattn::multihead_self_attention(launder(x), mp);
    CHECK(same_bits(r.weights[0], clean.weights[0]));
    for (const double w : r.weights[1].elems) CHECK(is_nan(w));
    // omega_c mixes every head into every output row, and 0 * NaN = NaN: even with
    // omega_c = I the whole output is NaN.
    for (const double o : r.output.elems) CHECK(is_nan(o));
  }
  SUBCASE("cross-attention with overflowing scores: the largest score wins") {
    const auto r = ctattn::cross_attention(launder(matrix<double, 1, 2>{1e200, -1e200}),
                                           launder(matrix<double, 1, 3>{1e200, -1e200, 1}), p1);
    CHECK(r.weights == matrix<double, 3, 2>{1, 0, 0, 1, 0, 0});
    CHECK(r.output == matrix<double, 1, 2>{1e200, -1e200});
  }
  SUBCASE("masks: masked keys get 0 even with +inf or NaN scores there; all masked -> 0") {
    // scores x_m x_n for x = [1e200, 1, 2]: key 0 has +inf scores for query 0
    const matrix<double, 1, 3> xs{1e200, 1, 2};
    const matrix<bool, 3, 3> keep{false, true, true, true, true, true, true, false, false};
    const auto r = ctattn::self_attention(launder(xs), p1, ctattn::allowed(keep));
    CHECK(r.weights(0, 0) == 0.0);  // +inf score, masked
    CHECK(r.weights(1, 0) + r.weights(2, 0) == 1.0);
    CHECK(ctattn_test::valid_weights(r.weights));
    const auto none = ctattn::filled<bool, 3, 3>(false);
    const auto z = ctattn::self_attention(launder(xs), p1, ctattn::allowed(none));
    CHECK(z.weights == ctattn::zeros<double, 3, 3>());
    CHECK(z.output == ctattn::zeros<double, 1, 3>());
  }
}

// ---- the sum-to-1 bound on many random columns --------------------------------------------------

// Column distributions: 0 uniform [-1, 1]; 1 uniform [-40, 40]; 2 near-equal (1 + 1e-9 noise),
// the worst case for the rounding of the sum; 3 uniform [-800, 800] (many terms underflow);
// 4 wide: +-1e300 magnitudes mixed with small values.
template <class F, std::size_t N>
double worst_ratio(std::mt19937_64& rng, int dist, int columns) {
  std::uniform_real_distribution<double> u01(0.0, 1.0);
  double worst = 0;
  for (int c = 0; c < columns; ++c) {
    vector<F, N> s{};
    for (std::size_t i = 0; i < N; ++i) {
      const double r = 2 * u01(rng) - 1;
      double v = 0;
      switch (dist) {
        case 0: v = r; break;
        case 1: v = 40 * r; break;
        case 2: v = 1 + 1e-9 * r; break;
        case 3: v = 800 * r; break;
        default: v = u01(rng) < 0.5 ? r : r * (std::is_same_v<F, double> ? 1e300 : 1e38); break;
      }
      s[i] = static_cast<F>(v);
    }
    const auto w = softmax(s);
    const auto we = softmax(s, ctattn::exp_fast);
    for (const auto* ww : {&w, &we}) {
      REQUIRE(ctattn_test::valid_weight_column(*ww, 0));
      const double d = ctattn_test::exact_sum_minus_one(ww->elems, N);
      const double ratio = (d < 0 ? -d : d) / ctattn_test::unit_roundoff<F>;
      worst = ratio > worst ? ratio : worst;
    }
  }
  return worst;
}

template <class F, std::size_t... Ns>
void sum_bound_sweep(std::index_sequence<Ns...>) {
  std::mt19937_64 rng(20261127);
  const bool report = std::getenv("CTATTN_REPORT") != nullptr;
  auto one = [&](auto n_const) {
    constexpr std::size_t n = decltype(n_const)::value;
    const int columns = n <= 64 ? 2000 : 200;
    double worst = 0;
    for (int dist = 0; dist < 5; ++dist) {
      const double w = worst_ratio<F, n>(rng, dist, columns);
      worst = w > worst ? w : worst;
    }
    // worst is in units of u; the bound is sum_bound / u, about N
    if (report)
      std::printf("sum-to-1 %s N=%4zu: worst |sum w - 1| = %6.2f u  (bound %7.2f u)\n",
                  std::is_same_v<F, double> ? "double" : "float ", n, worst,
                  ctattn_test::sum_bound<F>(n) / ctattn_test::unit_roundoff<F>);
  };
  (one(std::integral_constant<std::size_t, Ns>{}), ...);
}

TEST_CASE_TEMPLATE("softmax: weights in [0, 1], columns sum to 1 within N u (random columns)", F,
                   double, float) {
  sum_bound_sweep<F>(std::index_sequence<1, 2, 3, 4, 7, 16, 33, 64, 128, 257, 1024>{});
}

TEST_CASE("attention: random finite inputs give valid weights and outputs in the value range") {
  std::mt19937_64 rng(7);
  std::uniform_real_distribution<double> d(-1.0, 1.0);
  for (int it = 0; it < 500; ++it) {
    const double scale = it % 3 == 0 ? 1.0 : it % 3 == 1 ? 10.0 : 1e100;
    ctattn::attention_params<double, 3, 2, 3> p{};
    matrix<double, 3, 6> x{};
    for (auto& e : p.omega_q) e = d(rng);
    for (auto& e : p.omega_k) e = d(rng);
    for (auto& e : p.omega_v) e = d(rng);
    for (auto& e : p.beta_q) e = d(rng);
    for (auto& e : p.beta_k) e = d(rng);
    for (auto& e : p.beta_v) e = d(rng);
    for (auto& e : x) e = d(rng) * scale;
    const auto r = both_forms(x, p);
    CHECK(ctattn_test::valid_weights(r.weights));
    CHECK(ctattn_test::output_in_value_range(ctattn::affine(p.omega_v, x, p.beta_v), r.output));
  }
}
}  // namespace
