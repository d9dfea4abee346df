// bench/transformer/bench_transformer.cpp - run-time speed of ctattn::transformer_layer (the
// book's post-norm encoder layer, ReLU mlp) at N = 64 tokens, D = 64, H = 8 heads, Dff = 256,
// against the same layer written with Eigen 3.4 fixed-size matrices.
//
// Both compute, from the same inputs:
//   X1 = LayerNorm(X + beta_c 1^T + Omega_c [Sa_1; ...; Sa_H])   (each head scaled by 1/sqrt(8))
//   X2 = LayerNorm(X1 + Omega_2 relu(Omega_1 X1 + beta_1 1^T) + beta_2 1^T)
// Counters: FLOPS = layer_flops() per iteration (how it is counted: see there); "maxdiff" on the
// Eigen rows is the largest |Eigen - ctattn| over the output (a check that they agree).
#include <benchmark/benchmark.h>

#include <cmath>
#include <cstddef>
#include <cstdint>

#include <ctattn/params.hpp>
#include <ctattn/transformer.hpp>

#include "../cases.hpp"

#if defined(CTATTN_BENCH_HAVE_EIGEN)
#include <Eigen/Dense>
#endif

namespace {

constexpr std::size_t N = 64, D = 64, H = 8, Dff = 256;

//! FLOPs of one layer, counted like bench/cases.hpp's multihead_flops (exp = one operation):
//! multi-head attention with output bias, multihead_flops + D N; two residual additions 2 D N;
//! two LayerNorms 2 * 8 D N (sum, subtract, square, add, then subtract, divide, multiply, add per
//! element; the square root and the division by D per column are not counted); the mlp
//! 2 Dff D N + Dff N (Omega_1 X + beta_1) + Dff N (ReLU) + 2 D Dff N + D N (Omega_2 H + beta_2).
constexpr double layer_flops() noexcept {
  constexpr double n = N, d = D, dff = Dff;
  return ctattn_bench::multihead_flops(N, D, H) + d * n + 2 * d * n + 2 * 8 * d * n +
         (2 * dff * d * n + 2 * dff * n) + (2 * d * dff * n + d * n);
}

template <class T>
struct layer_case {
  ctattn::matrix<T, D, N> x;
  ctattn::transformer_layer_params<T, D, H, Dff> p;
};

template <class T>
layer_case<T> make_layer_case() {
  ctattn_bench::lcg g{20261127};
  layer_case<T> c{};
  c.x = ctattn_bench::fill<T, D, N>(g, T(1));
  std::array<T, ctattn::parameter_count_v<ctattn::transformer_layer_params<T, D, H, Dff>>> flat{};
  for (auto& e : flat) e = g.next<T>() * T(0.125);  // |w| <= 1/8: activations stay O(1)
  ctattn::load_params(c.p, flat);
  for (std::size_t i = 0; i < D; ++i) {  // LayerNorm scales around 1
    c.p.norm1.gamma[i] = T(1) + c.p.norm1.gamma[i];
    c.p.norm2.gamma[i] = T(1) + c.p.norm2.gamma[i];
  }
  return c;
}

template <class T>
const layer_case<T>& the_case() {
  static const layer_case<T> c = make_layer_case<T>();
  return c;
}

void set_counters(benchmark::State& state) {
  state.counters["FLOPS"] =
      benchmark::Counter(layer_flops(), benchmark::Counter::kIsIterationInvariantRate);
}

template <class T>
void bm_ctattn_layer(benchmark::State& state) {
  const layer_case<T>* volatile cv = &the_case<T>();  // the compiler must not see the inputs
  for (auto _ : state) {
    const layer_case<T>* cp = cv;
    const auto y = ctattn::transformer_layer(cp->x, cp->p);
    benchmark::DoNotOptimize(&y);
    benchmark::ClobberMemory();
  }
  set_counters(state);
}

#if defined(CTATTN_BENCH_HAVE_EIGEN)
template <class T>
struct eigen_layer {
  static constexpr int n = N, d = D, dh = D / H, dff = Dff;
  using mat_dn = Eigen::Matrix<T, d, n, Eigen::RowMajor>;
  using mat_hn = Eigen::Matrix<T, dh, n, Eigen::RowMajor>;
  using mat_nn = Eigen::Matrix<T, n, n, Eigen::RowMajor>;
  using mat_hd = Eigen::Matrix<T, dh, d, Eigen::RowMajor>;
  using mat_dd = Eigen::Matrix<T, d, d, Eigen::RowMajor>;
  using mat_fd = Eigen::Matrix<T, dff, d, Eigen::RowMajor>;
  using mat_df = Eigen::Matrix<T, d, dff, Eigen::RowMajor>;
  using mat_fn = Eigen::Matrix<T, dff, n, Eigen::RowMajor>;
  using vec_h = Eigen::Matrix<T, dh, 1>;
  using vec_d = Eigen::Matrix<T, d, 1>;
  using vec_f = Eigen::Matrix<T, dff, 1>;
  struct head {
    mat_hd wq, wk, wv;
    vec_h bq, bk, bv;
  };
  mat_dn x;
  head heads[H];
  mat_dd wc;
  vec_d bc, g1, b1, g2, b2, bf2;
  mat_fd wf1;
  vec_f bf1;
  mat_df wf2;
};

template <class T>
const eigen_layer<T>& the_eigen_case() {
  using E = eigen_layer<T>;
  static const E e = [] {
    const auto& c = the_case<T>();
    E m{};
    m.x = Eigen::Map<const typename E::mat_dn>(c.x.elems);
    for (std::size_t h = 0; h < H; ++h) {
      const auto& p = c.p.attention.heads[h];
      m.heads[h].wq = Eigen::Map<const typename E::mat_hd>(p.omega_q.elems);
      m.heads[h].wk = Eigen::Map<const typename E::mat_hd>(p.omega_k.elems);
      m.heads[h].wv = Eigen::Map<const typename E::mat_hd>(p.omega_v.elems);
      m.heads[h].bq = Eigen::Map<const typename E::vec_h>(p.beta_q.elems);
      m.heads[h].bk = Eigen::Map<const typename E::vec_h>(p.beta_k.elems);
      m.heads[h].bv = Eigen::Map<const typename E::vec_h>(p.beta_v.elems);
    }
    m.wc = Eigen::Map<const typename E::mat_dd>(c.p.attention.omega_c.elems);
    m.bc = Eigen::Map<const typename E::vec_d>(c.p.attention.beta_c.elems);
    m.g1 = Eigen::Map<const typename E::vec_d>(c.p.norm1.gamma.elems);
    m.b1 = Eigen::Map<const typename E::vec_d>(c.p.norm1.beta.elems);
    m.wf1 = Eigen::Map<const typename E::mat_fd>(c.p.ff1.omega.elems);
    m.bf1 = Eigen::Map<const typename E::vec_f>(c.p.ff1.beta.elems);
    m.wf2 = Eigen::Map<const typename E::mat_df>(c.p.ff2.omega.elems);
    m.bf2 = Eigen::Map<const typename E::vec_d>(c.p.ff2.beta.elems);
    m.g2 = Eigen::Map<const typename E::vec_d>(c.p.norm2.gamma.elems);
    m.b2 = Eigen::Map<const typename E::vec_d>(c.p.norm2.beta.elems);
    return m;
  }();
  return e;
}

// LayerNorm of every column (biased variance, eps inside the square root), in place.
template <class T, class M, class V>
void eigen_layer_norm(M& x, const V& gamma, const V& beta) {
  const auto mu = x.colwise().mean().eval();
  x.rowwise() -= mu;
  const auto sd = (x.array().square().colwise().mean() + T(1e-5)).sqrt().eval();
  x.array().rowwise() /= sd;
  x.array().colwise() *= gamma.array();
  x.colwise() += beta;
}

template <class T>
void eigen_transformer_layer(const eigen_layer<T>& e, typename eigen_layer<T>::mat_dn& out,
                             typename eigen_layer<T>::mat_fn& hidden) {
  using E = eigen_layer<T>;
  const T c = T(1) / std::sqrt(static_cast<T>(E::dh));
  typename E::mat_dn stacked;
  for (std::size_t h = 0; h < H; ++h) {
    const auto& p = e.heads[h];
    typename E::mat_hn q = p.wq * e.x;
    q.colwise() += p.bq;
    typename E::mat_hn k = p.wk * e.x;
    k.colwise() += p.bk;
    typename E::mat_hn v = p.wv * e.x;
    v.colwise() += p.bv;
    typename E::mat_nn a;
    a.noalias() = (k.transpose() * q) * c;
    const Eigen::Matrix<T, 1, E::n> mx = a.colwise().maxCoeff();
    a = (a.rowwise() - mx).array().exp();
    const Eigen::Matrix<T, 1, E::n> total = a.colwise().sum();
    a.array().rowwise() /= total.array();
    stacked.template middleRows<E::dh>(static_cast<Eigen::Index>(h) * E::dh).noalias() = v * a;
  }
  out = e.x;
  out.noalias() += e.wc * stacked;
  out.colwise() += e.bc;
  eigen_layer_norm<T>(out, e.g1, e.b1);
  hidden.noalias() = e.wf1 * out;
  hidden.colwise() += e.bf1;
  hidden = hidden.cwiseMax(T(0));
  out.noalias() += e.wf2 * hidden;
  out.colwise() += e.bf2;
  eigen_layer_norm<T>(out, e.g2, e.b2);
}

template <class T>
void bm_eigen_layer(benchmark::State& state) {
  using E = eigen_layer<T>;
  const E* volatile ev = &the_eigen_case<T>();
  static typename E::mat_dn out;
  static typename E::mat_fn hidden;  // 64 KB (float) / 128 KB (double): not on the stack
  for (auto _ : state) {
    const E* ep = ev;
    eigen_transformer_layer<T>(*ep, out, hidden);
    benchmark::DoNotOptimize(&out);
    benchmark::ClobberMemory();
  }
  set_counters(state);
  // Agreement with ctattn (different summation order and exp, so not bit for bit).
  const auto y = ctattn::transformer_layer(the_case<T>().x, the_case<T>().p);
  double worst = 0;
  for (std::size_t i = 0; i < y.count; ++i) {
    const double diff = std::abs(static_cast<double>(out.data()[i]) - static_cast<double>(y[i]));
    worst = diff > worst ? diff : worst;
  }
  state.counters["maxdiff"] = worst;
}
#endif

}  // namespace

BENCHMARK_TEMPLATE(bm_ctattn_layer, float);
BENCHMARK_TEMPLATE(bm_ctattn_layer, double);
#if defined(CTATTN_BENCH_HAVE_EIGEN)
BENCHMARK_TEMPLATE(bm_eigen_layer, float);
BENCHMARK_TEMPLATE(bm_eigen_layer, double);
#endif

BENCHMARK_MAIN();
