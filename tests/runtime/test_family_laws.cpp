// Runtime tests of the attention family: laws that hold for any input, bit for bit.
#include <ctattn/attention.hpp>
#include <ctattn/multihead.hpp>
#include <ctattn/options.hpp>
#include <ctattn/params.hpp>

#include <doctest/doctest.h>

#include <cstdint>
#include <limits>

namespace {

using ctattn::matrix;

// Deterministic values in [-1, 1) from a 64-bit LCG (reproducible, no <random> distributions,
// whose output differs between standard libraries).
struct lcg {
  std::uint64_t s;
  template <class T>
  T next() {
    s = s * 6364136223846793005ull + 1442695040888963407ull;
    return static_cast<T>(static_cast<double>(s >> 11) * 0x1p-52 - 1.0);
  }
  template <class T, std::size_t R, std::size_t C>
  matrix<T, R, C> mat() {
    matrix<T, R, C> m{};
    for (auto& e : m) e = next<T>();
    return m;
  }
};

template <class T, std::size_t D, std::size_t Dk, std::size_t Dv>
ctattn::attention_params<T, D, Dk, Dv> random_params(lcg& g) {
  return {g.mat<T, Dk, D>(), g.mat<T, Dk, D>(), g.mat<T, Dv, D>(),
          g.mat<T, Dk, 1>(), g.mat<T, Dk, 1>(), g.mat<T, Dv, 1>()};
}

template <class T, std::size_t D, std::size_t H>
ctattn::multihead_params<T, D, H> random_multihead(lcg& g) {
  ctattn::multihead_params<T, D, H> mp{};
  for (auto& h : mp.heads) h = random_params<T, D, D / H, D / H>(g);
  mp.omega_c = g.mat<T, D, D>();
  return mp;
}

TEST_CASE_TEMPLATE("causal: output n does not change when later tokens change", T, float,
                   double) {
  lcg g{1};
  const auto p = random_params<T, 6, 4, 3>(g);
  const auto x = g.mat<T, 6, 7>();
  const auto r = ctattn::self_attention(x, p, ctattn::causal, ctattn::scaled);
  for (std::size_t n = 0; n < 7; ++n) {
    auto y = x;
    for (std::size_t c = n + 1; c < 7; ++c)
      for (std::size_t d = 0; d < 6; ++d) y(d, c) = g.next<T>() * T(10);
    const auto ry = ctattn::self_attention(y, p, ctattn::causal, ctattn::scaled);
    CHECK(ctattn::col(ry.output, n) == ctattn::col(r.output, n));
    CHECK(ctattn::col(ry.weights, n) == ctattn::col(r.weights, n));
  }
  // and the multi-head form
  const auto mp = random_multihead<T, 6, 3>(g);
  const auto mr = ctattn::multihead_self_attention(x, mp, ctattn::causal);
  auto y = x;
  for (std::size_t d = 0; d < 6; ++d) y(d, 6) = T(3);
  const auto my = ctattn::multihead_self_attention(y, mp, ctattn::causal);
  for (std::size_t n = 0; n < 6; ++n) CHECK(ctattn::col(my.output, n) == ctattn::col(mr.output, n));
}

TEST_CASE_TEMPLATE("multi-head with H = 1 and omega_c = I is scaled single-head attention", T,
                   float, double) {
  lcg g{2};
  ctattn::multihead_params<T, 5, 1> mp{};
  mp.heads[0] = random_params<T, 5, 5, 5>(g);
  mp.omega_c = ctattn::identity<T, 5>();
  const auto x = g.mat<T, 5, 4>();
  const auto m = ctattn::multihead_self_attention(x, mp);
  const auto s = ctattn::self_attention(x, mp.heads[0], ctattn::scaled);
  CHECK(m.output == s.output);
  CHECK(m.weights[0] == s.weights);
  // options reach the heads
  const auto mc = ctattn::multihead_self_attention(x, mp, ctattn::causal, ctattn::exp_fast);
  const auto sc = ctattn::self_attention(x, mp.heads[0], ctattn::scaled, ctattn::causal,
                                         ctattn::exp_fast);
  CHECK(mc.output == sc.output);
  CHECK(mc.weights[0] == sc.weights);
  // a scaling option replaces the default
  CHECK(ctattn::multihead_self_attention(x, mp, ctattn::unscaled).output ==
        ctattn::self_attention(x, mp.heads[0]).output);
}

TEST_CASE("multi-head: each head's weights are that head's scaled self-attention") {
  lcg g{3};
  const auto mp = random_multihead<double, 8, 4>(g);
  const auto x = g.mat<double, 8, 5>();
  const auto m = ctattn::multihead_self_attention(x, mp);
  matrix<double, 8, 5> stacked{};
  for (std::size_t h = 0; h < 4; ++h) {
    const auto s = ctattn::self_attention(x, mp.heads[h], ctattn::scaled);
    CHECK(m.weights[h] == s.weights);
    for (std::size_t r = 0; r < 2; ++r)
      for (std::size_t n = 0; n < 5; ++n) stacked(h * 2 + r, n) = s.output(r, n);
  }
  CHECK(m.output == mp.omega_c * stacked);
  // with an output bias: the same plus beta_c in every column
  ctattn::multihead_params_with_bias<double, 8, 4> mb{mp.heads, mp.omega_c, g.mat<double, 8, 1>()};
  CHECK(ctattn::multihead_self_attention(x, mb).output ==
        ctattn::affine(mp.omega_c, stacked, mb.beta_c));
}

TEST_CASE_TEMPLATE("cross_attention(X, X, p') == self_attention(X, p)", T, float, double) {
  lcg g{4};
  const auto p = random_params<T, 5, 3, 4>(g);
  const ctattn::cross_attention_params<T, 5, 5, 3, 4> pc{p.omega_q, p.omega_k, p.omega_v,
                                                         p.beta_q,  p.beta_k,  p.beta_v};
  const auto x = g.mat<T, 5, 6>();
  CHECK(ctattn::cross_attention(x, x, pc) == ctattn::self_attention(x, p));
  CHECK(ctattn::cross_attention(x, x, p) == ctattn::self_attention(x, p));
  CHECK(ctattn::cross_attention(x, x, pc, ctattn::scaled, ctattn::causal) ==
        ctattn::self_attention(x, p, ctattn::scaled, ctattn::causal));
}

TEST_CASE_TEMPLATE("masks: equivalent spellings give the same bits", T, float, double) {
  lcg g{5};
  constexpr T inf = std::numeric_limits<T>::infinity();
  const auto p = random_params<T, 4, 3, 3>(g);
  const auto x = g.mat<T, 4, 6>();
  const auto plain = ctattn::self_attention(x, p, ctattn::scaled);
  // an all-true mask and a zero additive mask change nothing
  const auto all = ctattn::filled<bool, 6, 6>(true);
  const auto zero = matrix<T, 6, 6>{};
  CHECK(ctattn::self_attention(x, p, ctattn::scaled, ctattn::allowed(all)) == plain);
  CHECK(ctattn::self_attention(x, p, ctattn::scaled, ctattn::additive_mask(zero)) == plain);
  CHECK(ctattn::self_attention(x, p, ctattn::scale(T(1))) == ctattn::self_attention(x, p));
  // causal == a lower-triangular boolean mask (in the weights layout: m <= n) == -inf above
  matrix<bool, 6, 6> lower{};
  matrix<T, 6, 6> minus_inf_above{};
  for (std::size_t m = 0; m < 6; ++m)
    for (std::size_t n = 0; n < 6; ++n) {
      lower(m, n) = m <= n;
      minus_inf_above(m, n) = m <= n ? T(0) : -inf;
    }
  const auto causal = ctattn::self_attention(x, p, ctattn::causal);
  CHECK(ctattn::self_attention(x, p, ctattn::allowed(lower)) == causal);
  CHECK(ctattn::self_attention(x, p, ctattn::additive_mask(minus_inf_above)) == causal);
  // key padding == the boolean mask with those rows false
  const ctattn::vector<bool, 6> valid{true, false, true, true, false, true};
  matrix<bool, 6, 6> rows{};
  for (std::size_t m = 0; m < 6; ++m)
    for (std::size_t n = 0; n < 6; ++n) rows(m, n) = valid[m];
  const auto padded = ctattn::self_attention(x, p, ctattn::valid_keys(valid));
  CHECK(ctattn::self_attention(x, p, ctattn::allowed(rows)) == padded);
  for (std::size_t n = 0; n < 6; ++n) {
    CHECK(padded.weights(1, n) == T(0));
    CHECK(padded.weights(4, n) == T(0));
  }
  // masks combine by AND, in any order of the options
  CHECK(ctattn::self_attention(x, p, ctattn::valid_keys(valid), ctattn::causal) ==
        ctattn::self_attention(x, p, ctattn::causal, ctattn::allowed(rows)));
}

TEST_CASE_TEMPLATE("fully masked query: zero weights and zero output, never NaN", T, float,
                   double) {
  lcg g{6};
  constexpr T inf = std::numeric_limits<T>::infinity();
  const auto p = random_params<T, 4, 2, 3>(g);
  const auto x = g.mat<T, 4, 5>();
  matrix<bool, 5, 5> none{};  // all false
  const ctattn::vector<bool, 5> no_keys{};
  const auto all_inf = ctattn::filled<T, 5, 5>(-inf);
  const matrix<T, 5, 5> zero_w{};
  const matrix<T, 3, 5> zero_o{};
  for (const auto& r : {ctattn::self_attention(x, p, ctattn::allowed(none)),
                        ctattn::self_attention(x, p, ctattn::valid_keys(no_keys)),
                        ctattn::self_attention(x, p, ctattn::additive_mask(all_inf)),
                        ctattn::self_attention(x, p, ctattn::scaled, ctattn::exp_fast,
                                               ctattn::additive_mask(all_inf))}) {
    CHECK(r.weights == zero_w);
    CHECK(r.output == zero_o);
  }
  // one query fully masked, the others not
  auto some = ctattn::filled<bool, 5, 5>(true);
  for (std::size_t m = 0; m < 5; ++m) some(m, 3) = false;
  const auto r = ctattn::self_attention(x, p, ctattn::allowed(some));
  const auto plain = ctattn::self_attention(x, p);
  for (std::size_t n = 0; n < 5; ++n) {
    if (n == 3) {
      CHECK(ctattn::col(r.weights, n) == ctattn::vector<T, 5>{});
      CHECK(ctattn::col(r.output, n) == ctattn::vector<T, 3>{});
    } else {
      CHECK(ctattn::col(r.weights, n) == ctattn::col(plain.weights, n));
      CHECK(ctattn::col(r.output, n) == ctattn::col(plain.output, n));
    }
  }
  // multi-head
  const auto mp = random_multihead<T, 4, 2>(g);
  const auto mr = ctattn::multihead_self_attention(x, mp, ctattn::valid_keys(no_keys));
  CHECK(mr.output == matrix<T, 4, 5>{});
}

TEST_CASE_TEMPLATE("load_params(store_params(p)) == p", T, float, double) {
  lcg g{7};
  const auto p = random_params<T, 5, 3, 2>(g);
  CHECK(ctattn::load_params<ctattn::attention_params<T, 5, 3, 2>>(ctattn::store_params(p)) == p);
  const ctattn::cross_attention_params<T, 3, 4, 2, 5> pc{
      g.mat<T, 2, 3>(), g.mat<T, 2, 4>(), g.mat<T, 5, 4>(),
      g.mat<T, 2, 1>(), g.mat<T, 2, 1>(), g.mat<T, 5, 1>()};
  CHECK(ctattn::load_params<decltype(pc)>(ctattn::store_params(pc)) == pc);
  const auto mp = random_multihead<T, 6, 3>(g);
  CHECK(ctattn::load_params<decltype(mp)>(ctattn::store_params(mp)) == mp);
  const ctattn::multihead_params_with_bias<T, 6, 3> mb{mp.heads, mp.omega_c, g.mat<T, 6, 1>()};
  // into a C array and a span, and back
  T flat[ctattn::parameter_count_v<decltype(mb)>]{};
  ctattn::store_params(mb, flat);
  std::remove_cv_t<decltype(mb)> back{};
  ctattn::load_params(back, std::span<const T, std::size(flat)>(flat));
  CHECK(back == mb);
  // the layout: heads in order, then omega_c, then beta_c
  CHECK(flat[0] == mb.heads[0].omega_q(0, 0));
  CHECK(flat[1] == mb.heads[0].omega_q(0, 1));
  CHECK(flat[6] == mb.heads[0].omega_q(1, 0));
  CHECK(flat[ctattn::parameter_count_v<ctattn::attention_params<T, 6, 2, 2>>] ==
        mb.heads[1].omega_q(0, 0));
  CHECK(flat[std::size(flat) - 7] == mb.omega_c(5, 5));
  CHECK(flat[std::size(flat) - 1] == mb.beta_c[5]);
}

}  // namespace
