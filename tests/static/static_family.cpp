// Compile-time tests of scaling, masks, cross-attention and multi-head attention: every law is
// proven in constant evaluation (both compilers), including masks with -infinity.
#include <ctattn/attention.hpp>
#include <ctattn/multihead.hpp>
#include <ctattn/options.hpp>

#include <limits>

namespace {
using ctattn::matrix;
using ctattn::vector;

constexpr double inf = std::numeric_limits<double>::infinity();

constexpr ctattn::attention_params<double, 3, 2, 3> p{
    matrix<double, 2, 3>{0.5, -0.25, 1.0, 0.75, 0.5, -1.5},
    matrix<double, 2, 3>{-0.5, 1.25, 0.25, 0.5, -0.75, 1.0},
    matrix<double, 3, 3>{1, 0.5, 0, -0.5, 1, 0.25, 0, 0.75, -1},
    {0.125, -0.25},
    {0.5, 0.0},
    {-1, 0.5, 0.25}};
constexpr matrix<double, 3, 4> x{1, -1, 0.5, 2, 0, 1, -0.5, 1, 2, 0.25, 1, -1};

// ---- scaling -------------------------------------------------------------------------------
// The 1/sqrt(Dk) factor is computed at compile time; for Dk = 2 it is 1/sqrt(2) rounded twice.
static_assert(ctattn::detail::inv_sqrt<double, 4> == 0.5);
static_assert(ctattn::detail::inv_sqrt<double, 2> == 1.0 / ctattn::sqrt(2.0));
static_assert(ctattn::self_attention(x, p, ctattn::scaled) ==
              ctattn::self_attention(x, p, ctattn::scale(1.0 / ctattn::sqrt(2.0))));
static_assert(ctattn::self_attention(x, p, ctattn::unscaled) == ctattn::self_attention(x, p));
static_assert(ctattn::self_attention(x, p, ctattn::scale(1.0)) == ctattn::self_attention(x, p));
// Scaling by c = 1/2 equals halving the query projection (exact), whatever the evaluation order.
constexpr auto p_half_q = [] {
  auto h = p;
  for (auto& e : h.omega_q) e = e * 0.5;
  for (auto& e : h.beta_q) e = e * 0.5;
  return h;
}();
static_assert(ctattn::self_attention(x, p, ctattn::scale(0.5)) ==
              ctattn::self_attention(x, p_half_q));
// Options in any order; the exp option still works next to the others.
static_assert(ctattn::self_attention(x, p, ctattn::exp_fast, ctattn::scaled, ctattn::causal) ==
              ctattn::self_attention(x, p, ctattn::causal, ctattn::scaled, ctattn::exp_fast));

// ---- masks ---------------------------------------------------------------------------------
constexpr auto causal_r = ctattn::self_attention(x, p, ctattn::causal);
// Token 0 attends only itself; above the diagonal (m > n) the weights are exactly 0.
static_assert(causal_r.weights(0, 0) == 1.0);
static_assert([] {
  for (std::size_t m = 0; m < 4; ++m)
    for (std::size_t n = 0; n < m; ++n)
      if (causal_r.weights(m, n) != 0.0) return false;
  return true;
}());
// Causal law: changing the last token does not change outputs 0..2.
constexpr matrix<double, 3, 4> x_changed{1, -1, 0.5, -7, 0, 1, -0.5, 3, 2, 0.25, 1, 9};
static_assert([] {
  const auto r2 = ctattn::self_attention(x_changed, p, ctattn::causal);
  for (std::size_t n = 0; n < 3; ++n)
    if (ctattn::col(r2.output, n) != ctattn::col(causal_r.output, n)) return false;
  return true;
}());
// -inf above the diagonal in an additive mask == causal, in constant evaluation.
constexpr matrix<double, 4, 4> minus_inf_above{0,    0, 0, 0,  //
                                               -inf, 0, 0, 0,  //
                                               -inf, -inf, 0, 0,  //
                                               -inf, -inf, -inf, 0};
static_assert(ctattn::self_attention(x, p, ctattn::additive_mask(minus_inf_above)) == causal_r);
// A boolean mask: true = query n may attend key m.
constexpr matrix<bool, 4, 4> lower{true, true,  true,  true,   //
                                   false, true, true,  true,   //
                                   false, false, true, true,   //
                                   false, false, false, true};
static_assert(ctattn::self_attention(x, p, ctattn::allowed(lower)) == causal_r);
// Key padding: key 1 is padding, so row 1 of the weights is 0.
constexpr vector<bool, 4> valid{true, false, true, true};
constexpr auto padded = ctattn::self_attention(x, p, ctattn::valid_keys(valid));
static_assert(padded.weights(1, 0) == 0 && padded.weights(1, 1) == 0 &&
              padded.weights(1, 2) == 0 && padded.weights(1, 3) == 0);
// Finite additive masks shift the scores: adding the same constant to a column changes nothing
// mathematically, and adding 0 changes nothing at all.
constexpr matrix<double, 4, 4> zeros{};
static_assert(ctattn::self_attention(x, p, ctattn::additive_mask(zeros)) ==
              ctattn::self_attention(x, p));

// ---- fully masked queries: zero weights, zero output, no NaN, at compile time --------------
constexpr auto all_minus_inf = ctattn::filled<double, 4, 4>(-inf);
constexpr auto dead = ctattn::self_attention(x, p, ctattn::additive_mask(all_minus_inf),
                                             ctattn::scaled);
static_assert(dead.weights == matrix<double, 4, 4>{} && dead.output == matrix<double, 3, 4>{});
constexpr matrix<bool, 4, 4> nothing{};
static_assert(ctattn::self_attention(x, p, ctattn::allowed(nothing)).output ==
              matrix<double, 3, 4>{});
constexpr vector<bool, 4> no_keys{};
static_assert(ctattn::self_attention(x, p, ctattn::valid_keys(no_keys), ctattn::exp_fast).weights ==
              matrix<double, 4, 4>{});
// Also with float.
constexpr ctattn::attention_params<float, 2, 2, 2> pf{
    {1.f, 0.f, 0.f, 1.f}, {0.5f, 0.f, 0.f, 2.f}, {1.f, 2.f, 3.f, 4.f}, {}, {}, {}};
constexpr matrix<float, 2, 3> xf{1.f, 2.f, 3.f, -1.f, 0.f, 1.f};
constexpr auto all_minus_inf_f = ctattn::filled<float, 3, 3>(-std::numeric_limits<float>::infinity());
static_assert(ctattn::self_attention(xf, pf, ctattn::additive_mask(all_minus_inf_f)).output ==
              matrix<float, 2, 3>{});

// ---- cross-attention -----------------------------------------------------------------------
constexpr ctattn::cross_attention_params<double, 3, 3, 2, 3> pc{p.omega_q, p.omega_k, p.omega_v,
                                                                p.beta_q,  p.beta_k,  p.beta_v};
static_assert(ctattn::cross_attention(x, x, pc) == ctattn::self_attention(x, p));
static_assert(ctattn::cross_attention(x, x, p, ctattn::scaled, ctattn::causal) ==
              ctattn::self_attention(x, p, ctattn::scaled, ctattn::causal));
// Different shapes: 2 queries of dimension 3 against 5 keys of dimension 2.
constexpr ctattn::cross_attention_params<double, 3, 2, 2, 4> pq{
    {1, 0, 0.5, 0, 1, -0.5}, {1, 0.5, -1, 1}, {1, 0, 0, 1, 1, 1, -1, 2}, {}, {0.25, 0}, {}};
constexpr matrix<double, 3, 2> xq{1, 0, 0, 1, 0.5, -0.5};
constexpr matrix<double, 2, 5> xkv{1, 2, 3, 4, 5, -1, 0, 1, 0, -1};
constexpr auto rc = ctattn::cross_attention(xq, xkv, pq, ctattn::causal);
static_assert(rc.weights.rows == 5 && rc.weights.cols == 2 && rc.output.rows == 4);
// top-left causal alignment: query 0 sees key 0 only, query 1 keys 0 and 1.
static_assert(rc.weights(0, 0) == 1.0 && rc.weights(1, 0) == 0.0 && rc.weights(2, 1) == 0.0);

// ---- multi-head ----------------------------------------------------------------------------
// H = 1, omega_c = I: scaled single-head attention, bit for bit.
constexpr ctattn::attention_params<double, 3, 3, 3> p3{
    {0.5, -0.25, 1.0, 0.75, 0.5, -1.5, 0.25, 0, 1},
    {-0.5, 1.25, 0.25, 0.5, -0.75, 1.0, 1, 1, -1},
    {1, 0.5, 0, -0.5, 1, 0.25, 0, 0.75, -1},
    {0.125, -0.25, 0},
    {0.5, 0.0, 1},
    {-1, 0.5, 0.25}};
constexpr ctattn::multihead_params<double, 3, 1> mp1{{p3}, ctattn::identity<double, 3>()};
constexpr auto m1 = ctattn::multihead_self_attention(x, mp1);
static_assert(m1.output == ctattn::self_attention(x, p3, ctattn::scaled).output);
static_assert(m1.weights[0] == ctattn::self_attention(x, p3, ctattn::scaled).weights);
// Masks reach every head.
static_assert(ctattn::multihead_self_attention(x, mp1, ctattn::causal).output ==
              ctattn::self_attention(x, p3, ctattn::scaled, ctattn::causal).output);
static_assert(ctattn::multihead_self_attention(x, mp1, ctattn::additive_mask(all_minus_inf)).output ==
              matrix<double, 3, 4>{});
// H = 2 over D = 4 with an output bias: X' = beta_c 1^T + Omega_c [Sa_1; Sa_2].
constexpr ctattn::attention_params<double, 4, 2, 2> h0{
    {1, 0, 0, 0, 0, 1, 0, 0}, {0, 0, 1, 0, 0, 0, 0, 1}, {1, 1, 0, 0, 0, 0, 1, 1}, {}, {}, {0.5, -0.5}};
constexpr ctattn::attention_params<double, 4, 2, 2> h1{
    {0, 1, 0, 0, 1, 0, 0, 0}, {0, 0, 0, 1, 0, 0, 1, 0}, {0, 1, 1, 0, 1, 0, 0, 1}, {1, 0}, {0, 1}, {}};
constexpr ctattn::multihead_params_with_bias<double, 4, 2> mp2{
    {h0, h1}, ctattn::identity<double, 4>(), {1, 2, 3, 4}};
constexpr matrix<double, 4, 3> x4{1, 0, -1, 0.5, 2, 0, -1, 1, 0.25, 0, 0, 1};
constexpr auto m2 = ctattn::multihead_self_attention(x4, mp2);
static_assert([] {
  const auto s0 = ctattn::self_attention(x4, h0, ctattn::scaled);  // 1/sqrt(2)
  const auto s1 = ctattn::self_attention(x4, h1, ctattn::scaled);
  if (m2.weights[0] != s0.weights || m2.weights[1] != s1.weights) return false;
  for (std::size_t n = 0; n < 3; ++n) {
    for (std::size_t r = 0; r < 2; ++r) {
      if (m2.output(r, n) != s0.output(r, n) + mp2.beta_c[r]) return false;
      if (m2.output(2 + r, n) != s1.output(r, n) + mp2.beta_c[2 + r]) return false;
    }
  }
  return true;
}());

// ---- misuse is rejected by the types -------------------------------------------------------
// A mask of the wrong polarity type or a temporary mask does not compile.
template <class M>
concept can_wrap_allowed = requires(M&& m) { ctattn::allowed(static_cast<M&&>(m)); };
static_assert(can_wrap_allowed<const matrix<bool, 4, 4>&>);
static_assert(!can_wrap_allowed<matrix<bool, 4, 4>>);       // temporary: would dangle
static_assert(!can_wrap_allowed<const matrix<double, 4, 4>&>);  // not a boolean matrix
// H must divide D: multihead_params<double, 6, 4> fails with a readable static_assert (not
// instantiated here; see the README).
}  // namespace
