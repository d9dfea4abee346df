// Run-time tests at N = 300 tokens, more than the 256 operands Clang allows in one fold
// expression (its -fbracket-depth): every fold over a size the user chooses is cut into folds of
// at most 64 (detail::fold_chunk), so these sizes compile on both compilers. Each result is
// compared bit for bit with plain scalar loops written here in the library's documented order
// (no fold, no SIMD), plus laws: weight columns sum to 1 within N u, causal weights above the
// diagonal are exactly 0.
#include <ctattn/attention.hpp>
#include <ctattn/fixed.hpp>
#include <ctattn/multihead.hpp>
#include <ctattn/options.hpp>
#include <ctattn/softmax.hpp>
#include <ctattn/transformer.hpp>

#include <doctest/doctest.h>

#include <bit>
#include <cstdint>
#include <cstring>
#include <limits>
#include <memory>
#include <type_traits>
#include <vector>

CTATTN_DETAIL_FP_STRICT_BEGIN  // the reference loops below: no FMA contraction either

namespace {

using ctattn::matrix;

// Deterministic values in [-1, 1) from a 64-bit LCG (as tests/runtime/test_family_laws.cpp).
struct lcg {
  std::uint64_t s;
  template <class T>
  T next() {
    s = s * 6364136223846793005ull + 1442695040888963407ull;
    return static_cast<T>(static_cast<double>(s >> 11) * 0x1p-52 - 1.0);
  }
  template <class M>
  void fill(M& m) {
    for (auto& e : m) e = next<typename M::value_type>();
  }
};

template <class T>
using vec = std::vector<T>;

// A matrix's elements as a row-major vector, and back.
template <class T, std::size_t R, std::size_t C>
vec<T> flat(const matrix<T, R, C>& m) {
  return vec<T>(m.elems, m.elems + R * C);
}

template <class T, std::size_t R, std::size_t C>
bool same_bits(const matrix<T, R, C>& a, const vec<T>& b) {
  return b.size() == R * C && std::memcmp(a.elems, b.data(), sizeof(T) * R * C) == 0;
}

// out (R x N) = omega (R x K) x (K x N), every element from T{} over ascending k, then + beta[i]
// when beta is given (ctattn::affine / gemm_acc).
template <class T>
vec<T> ref_affine(const T* omega, const T* beta, const vec<T>& x, std::size_t R, std::size_t K,
                  std::size_t N) {
  vec<T> out(R * N);
  for (std::size_t i = 0; i < R; ++i)
    for (std::size_t n = 0; n < N; ++n) {
      T acc{};
      for (std::size_t k = 0; k < K; ++k) acc = acc + omega[i * K + k] * x[k * N + n];
      out[i * N + n] = beta != nullptr ? acc + beta[i] : acc;
    }
  return out;
}

// softmax_term: s == mx -> 1, s far below mx -> 0, else exp(s - mx).
template <class T>
T ref_term(T s, T mx) {
  constexpr T cutoff = T(std::numeric_limits<T>::max_exponent -
                         std::numeric_limits<T>::min_exponent + std::numeric_limits<T>::digits);
  if (s == mx) return T(1);
  if (s < mx - cutoff) return T(0);
  return ctattn::exp(s - mx);
}

struct ref_opts {
  bool scaled;
  bool causal;
};

// Attention of q (Dk x Nq) over k (Dk x Nkv), v (Dv x Nkv): scores from T{} over ascending d,
// times c = 1 / sqrt(Dk) when scaled, kept where m <= n when causal; per column the maximum of
// the kept scores over ascending rows, the terms and their sum from T{}, one division each;
// out = T{} + sum over ascending m of v(d, m) w(m, n).
template <class T>
void ref_attend(vec<T>& out, vec<T>& w, const vec<T>& q, const vec<T>& k, const vec<T>& v,
                std::size_t Dk, std::size_t Dv, std::size_t Nq, std::size_t Nkv,
                ref_opts o) {
  const T c = T(1) / ctattn::sqrt(static_cast<T>(Dk));
  vec<T> s(Nkv * Nq);
  for (std::size_t m = 0; m < Nkv; ++m)
    for (std::size_t n = 0; n < Nq; ++n) {
      T acc{};
      for (std::size_t d = 0; d < Dk; ++d) acc = acc + k[d * Nkv + m] * q[d * Nq + n];
      s[m * Nq + n] = o.scaled ? acc * c : acc;
    }
  w.assign(Nkv * Nq, T{});
  for (std::size_t n = 0; n < Nq; ++n) {
    const auto keep = [&](std::size_t m) { return !o.causal || m <= n; };
    bool any = false;
    T mx{};
    for (std::size_t m = 0; m < Nkv; ++m) {
      if (!keep(m)) continue;
      const T sm = s[m * Nq + n];
      mx = !any ? sm : mx < sm ? sm : mx;
      any = true;
    }
    T total{};
    for (std::size_t m = 0; m < Nkv; ++m) {
      const T e = keep(m) ? ref_term(s[m * Nq + n], mx) : T{};
      w[m * Nq + n] = e;
      total = total + e;
    }
    for (std::size_t m = 0; m < Nkv; ++m)
      w[m * Nq + n] = keep(m) ? w[m * Nq + n] / total : T{};
  }
  out.assign(Dv * Nq, T{});
  for (std::size_t d = 0; d < Dv; ++d)
    for (std::size_t n = 0; n < Nq; ++n) {
      T acc{};
      for (std::size_t m = 0; m < Nkv; ++m) acc = acc + v[d * Nkv + m] * w[m * Nq + n];
      out[d * Nq + n] = acc;
    }
}

// Self-attention with attention_params p (D -> Dk, Dv) on x (D x N).
template <class T, class P>
void ref_self(vec<T>& out, vec<T>& w, const P& p, const vec<T>& x, std::size_t D,
              std::size_t Dk, std::size_t Dv, std::size_t N, ref_opts o) {
  const vec<T> q = ref_affine(p.omega_q.elems, p.beta_q.elems, x, Dk, D, N);
  const vec<T> k = ref_affine(p.omega_k.elems, p.beta_k.elems, x, Dk, D, N);
  const vec<T> v = ref_affine(p.omega_v.elems, p.beta_v.elems, x, Dv, D, N);
  ref_attend(out, w, q, k, v, Dk, Dv, N, N, o);
}

// Multi-head: every head scaled, the head outputs stacked, omega_c from T{} (+ beta_c if given).
template <class T, std::size_t D, std::size_t H, class MP>
vec<T> ref_multihead(const MP& mp, const T* beta_c, const vec<T>& x, std::size_t N, bool causal,
                     vec<vec<T>>* weights) {
  constexpr std::size_t Dh = D / H;
  vec<T> stacked(D * N);
  for (std::size_t h = 0; h < H; ++h) {
    vec<T> sa;
    vec<T> w;
    ref_self(sa, w, mp.heads[h], x, D, Dh, Dh, N, {true, causal});
    for (std::size_t i = 0; i < Dh * N; ++i) stacked[h * Dh * N + i] = sa[i];
    if (weights != nullptr) weights->push_back(w);
  }
  return ref_affine(mp.omega_c.elems, beta_c, stacked, D, D, N);
}

// layer_norm: mean and biased variance over ascending d, (x - mu) / sqrt(var + eps) g + b.
template <class T>
vec<T> ref_layer_norm(const vec<T>& x, const T* gamma, const T* beta, std::size_t D,
                      std::size_t N, T eps) {
  vec<T> out(D * N);
  const T dim = static_cast<T>(D);
  for (std::size_t n = 0; n < N; ++n) {
    T s{};
    for (std::size_t d = 0; d < D; ++d) s = s + x[d * N + n];
    const T mu = s / dim;
    T q{};
    for (std::size_t d = 0; d < D; ++d) {
      const T c = x[d * N + n] - mu;
      q = q + c * c;
    }
    const T sd = ctattn::sqrt(q / dim + eps);
    for (std::size_t d = 0; d < D; ++d)
      out[d * N + n] = (x[d * N + n] - mu) / sd * gamma[d] + beta[d];
  }
  return out;
}

template <class T>
vec<T> ref_add(const vec<T>& a, const vec<T>& b) {
  vec<T> out(a.size());
  for (std::size_t i = 0; i < a.size(); ++i) out[i] = a[i] + b[i];
  return out;
}

// The post-norm encoder layer with ReLU and eps = 1e-5 (transformer_layer's defaults).
template <class T, std::size_t D, std::size_t H, std::size_t Dff, class LP>
vec<T> ref_layer(const LP& p, const vec<T>& x, std::size_t N, bool causal) {
  const T eps = T(1e-5);
  const vec<T> a = ref_multihead<T, D, H>(p.attention, p.attention.beta_c.elems, x, N, causal,
                                          nullptr);
  const vec<T> y1 = ref_layer_norm(ref_add(x, a), p.norm1.gamma.elems, p.norm1.beta.elems, D, N, eps);
  vec<T> h = ref_affine(p.ff1.omega.elems, p.ff1.beta.elems, y1, Dff, D, N);
  for (auto& e : h) e = e < T(0) ? T(0) : e;
  const vec<T> f = ref_affine(p.ff2.omega.elems, p.ff2.beta.elems, h, D, Dff, N);
  return ref_layer_norm(ref_add(y1, f), p.norm2.gamma.elems, p.norm2.beta.elems, D, N, eps);
}

// Every column of the Nkv x Nq weights sums to 1 within Nkv u (each term in [0, 1]); with
// causal, entries with m > n are exactly 0.
template <class T, std::size_t Nkv, std::size_t Nq>
void check_weight_laws(const matrix<T, Nkv, Nq>& w, bool causal) {
  const double tol = static_cast<double>(Nkv) * static_cast<double>(std::numeric_limits<T>::epsilon());
  bool sums_ok = true;
  bool zeros_ok = true;
  for (std::size_t n = 0; n < Nq; ++n) {
    double sum = 0;
    for (std::size_t m = 0; m < Nkv; ++m) {
      const T e = w.elems[m * Nq + n];
      sum += static_cast<double>(e);
      if (causal && m > n && !(e == T(0))) zeros_ok = false;
      if (!(e >= T(0) && e <= T(1))) sums_ok = false;
    }
    if (!(sum - 1 <= tol && 1 - sum <= tol)) sums_ok = false;
  }
  CHECK(sums_ok);
  CHECK(zeros_ok);
}

constexpr std::size_t N = 300;

}  // namespace

TEST_CASE_TEMPLATE("large N: self_attention at N = 300 equals scalar loops bit for bit", T, float,
                   double) {
  constexpr std::size_t D = 4;
  lcg g{1};
  auto x = std::make_unique<matrix<T, D, N>>();
  g.fill(*x);
  ctattn::attention_params<T, D, 3, 5> p{};
  g.fill(p.omega_q);
  g.fill(p.omega_k);
  g.fill(p.omega_v);
  g.fill(p.beta_q);
  g.fill(p.beta_k);
  g.fill(p.beta_v);
  const vec<T> xf = flat(*x);
  for (const bool causal : {false, true}) {
    CAPTURE(causal);
    vec<T> out;
    vec<T> w;
    ref_self(out, w, p, xf, D, 3, 5, N, {causal, causal});
    // unscaled (the default) without mask; scaled with the causal mask
    const auto r = causal ? std::make_unique<ctattn::attention_result<T, 5, N, N>>(
                                ctattn::self_attention(*x, p, ctattn::scaled, ctattn::causal))
                          : std::make_unique<ctattn::attention_result<T, 5, N, N>>(
                                ctattn::self_attention(*x, p));
    CHECK(same_bits(r->output, out));
    CHECK(same_bits(r->weights, w));
    check_weight_laws(r->weights, causal);
  }
}

TEST_CASE_TEMPLATE("large N: cross_attention over 300 (and 256) keys, 2 queries (narrow rows)", T,
                   float, double) {
  constexpr std::size_t D = 3;
  lcg g{2};
  ctattn::attention_params<T, D, 2, 2> p{};
  g.fill(p.omega_q);
  g.fill(p.omega_k);
  g.fill(p.omega_v);
  g.fill(p.beta_q);
  g.fill(p.beta_k);
  g.fill(p.beta_v);
  matrix<T, D, 2> xq{};
  g.fill(xq);
  const auto check = [&]<std::size_t Nkv>(std::integral_constant<std::size_t, Nkv>) {
    matrix<T, D, Nkv> xkv{};
    g.fill(xkv);
    const vec<T> q = ref_affine(p.omega_q.elems, p.beta_q.elems, flat(xq), 2, D, 2);
    const vec<T> k = ref_affine(p.omega_k.elems, p.beta_k.elems, flat(xkv), 2, D, Nkv);
    const vec<T> v = ref_affine(p.omega_v.elems, p.beta_v.elems, flat(xkv), 2, D, Nkv);
    vec<T> out;
    vec<T> w;
    ref_attend(out, w, q, k, v, 2, 2, 2, Nkv, {true, false});
    const auto r = ctattn::cross_attention(xq, xkv, p, ctattn::scaled);
    CHECK(same_bits(r.output, out));
    CHECK(same_bits(r.weights, w));
    check_weight_laws(r.weights, false);
  };
  check(std::integral_constant<std::size_t, 300>{});  // column loops (more than 256 rows)
#if defined(__clang__)
  // 256 rows: still the whole matrix in registers, folds of exactly 256 operands (the largest
  // Clang accepts). Clang and float only: GCC has no fold limit and needs some 12 s per type to
  // compile that unrolled code.
  if constexpr (std::is_same_v<T, float>) check(std::integral_constant<std::size_t, 256>{});
#endif
}

TEST_CASE_TEMPLATE("large N: multihead_self_attention at N = 300, H = 2", T, float, double) {
  constexpr std::size_t D = 4;
  constexpr std::size_t H = 2;
  lcg g{3};
  auto x = std::make_unique<matrix<T, D, N>>();
  g.fill(*x);
  ctattn::multihead_params<T, D, H> mp{};
  for (auto& h : mp.heads) {
    g.fill(h.omega_q);
    g.fill(h.omega_k);
    g.fill(h.omega_v);
    g.fill(h.beta_q);
    g.fill(h.beta_k);
    g.fill(h.beta_v);
  }
  g.fill(mp.omega_c);
  for (const bool causal : {false, true}) {
    CAPTURE(causal);
    vec<vec<T>> w;
    const vec<T> out = ref_multihead<T, D, H>(mp, static_cast<const T*>(nullptr), flat(*x), N,
                                              causal, &w);
    using result = ctattn::multihead_result<T, D, N, H>;
    const auto r = causal ? std::make_unique<result>(
                                ctattn::multihead_self_attention(*x, mp, ctattn::causal))
                          : std::make_unique<result>(ctattn::multihead_self_attention(*x, mp));
    CHECK(same_bits(r->output, out));
    for (std::size_t h = 0; h < H; ++h) {
      CHECK(same_bits(r->weights[h], w[h]));
      check_weight_laws(r->weights[h], causal);
    }
  }
}

TEST_CASE_TEMPLATE("large N: transformer_layer at N = 300 (D = 4, H = 2, Dff = 8)", T, float,
                   double) {
  constexpr std::size_t D = 4;
  constexpr std::size_t H = 2;
  constexpr std::size_t Dff = 8;
  lcg g{4};
  auto x = std::make_unique<matrix<T, D, N>>();
  g.fill(*x);
  ctattn::transformer_layer_params<T, D, H, Dff> p{};
  for (auto& h : p.attention.heads) {
    g.fill(h.omega_q);
    g.fill(h.omega_k);
    g.fill(h.omega_v);
    g.fill(h.beta_q);
    g.fill(h.beta_k);
    g.fill(h.beta_v);
  }
  g.fill(p.attention.omega_c);
  g.fill(p.attention.beta_c);
  g.fill(p.norm1.gamma);
  g.fill(p.norm1.beta);
  g.fill(p.ff1.omega);
  g.fill(p.ff1.beta);
  g.fill(p.ff2.omega);
  g.fill(p.ff2.beta);
  g.fill(p.norm2.gamma);
  g.fill(p.norm2.beta);
  const vec<T> xf = flat(*x);
  CHECK(same_bits(ctattn::transformer_layer(*x, p), ref_layer<T, D, H, Dff>(p, xf, N, false)));
  CHECK(same_bits(ctattn::transformer_layer(*x, p, ctattn::causal),
                  ref_layer<T, D, H, Dff>(p, xf, N, true)));
}

TEST_CASE("large N: softmax_cols on fixed point (the fold path) at 300 columns") {
  using q = ctattn::q15_16;
  lcg g{5};
  matrix<q, 3, N> s{};
  for (auto& e : s) e = q(g.next<double>() * 4);
  const auto w = ctattn::softmax_cols(s);
  bool same = true;
  for (std::size_t n = 0; n < N; ++n) {
    const auto c = ctattn::softmax(ctattn::col(s, n));
    for (std::size_t m = 0; m < 3; ++m)
      if (!(w(m, n) == c.elems[m])) same = false;
  }
  CHECK(same);
}

CTATTN_DETAIL_FP_STRICT_END
