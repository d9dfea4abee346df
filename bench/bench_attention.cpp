// bench/bench_attention.cpp - run-time speed of ctattn::self_attention against Eigen 3.4
// (fixed-size matrices) and a plain C-style triple loop, plus the core's peak FLOP/s measured by
// an FMA kernel and by a separate multiply + add kernel (the peak ctattn can reach without FMA).
//
// Every implementation computes the same thing from the same inputs (bench/cases.hpp):
// Q, K, V projections with biases, A = softmax_cols(K^T Q), X' = V A; both A and X' are kept.
// Counters: FLOPS = attention_flops(N, D) per iteration (see cases.hpp for how it is counted).
#include <benchmark/benchmark.h>

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <utility>

#include <ctattn/attention.hpp>
#include <ctattn/multihead.hpp>

#include "cases.hpp"

#if defined(CTATTN_BENCH_HAVE_EIGEN)
#include <Eigen/Dense>
#endif

#if defined(__AVX__) || defined(__SSE2__)
#include <immintrin.h>
#endif

namespace {

using ctattn_bench::attention_case;
using ctattn_bench::attention_flops;
using ctattn_bench::make_case;

template <std::size_t N, std::size_t D>
void set_counters(benchmark::State& state) {
  state.counters["FLOPS"] = benchmark::Counter(attention_flops(N, D),
                                               benchmark::Counter::kIsIterationInvariantRate);
  state.counters["N"] = static_cast<double>(N);
  state.counters["D"] = static_cast<double>(D);
}

// ---- ctattn --------------------------------------------------------------------------------

template <class T, std::size_t N, std::size_t D>
void bm_ctattn(benchmark::State& state) {
  static const attention_case<T, N, D> c = make_case<T, N, D>();
  const attention_case<T, N, D>* volatile cv = &c;  // the compiler must not see the inputs
  for (auto _ : state) {
    const attention_case<T, N, D>* cp = cv;
    const auto r = ctattn::self_attention(cp->x, cp->p);
    benchmark::DoNotOptimize(&r);
    benchmark::ClobberMemory();
  }
  set_counters<N, D>(state);
}

// ---- a plain C-style triple loop ------------------------------------------------------------
// Row-major arrays as in ctattn (X is D x N, tokens are columns); the textbook i-j-k loops with a
// scalar accumulator, std::exp from <cmath>.

template <class T, std::size_t N, std::size_t D>
struct loop_result {
  T out[D * N];
  T a[N * N];
};

template <class T, std::size_t N, std::size_t D>
void loop_attention(const T* x, const T* wq, const T* wk, const T* wv, const T* bq, const T* bk,
                    const T* bv, loop_result<T, N, D>& r) {
  T q[D * N];
  T k[D * N];
  T v[D * N];
  for (std::size_t i = 0; i < D; ++i)
    for (std::size_t n = 0; n < N; ++n) {
      T sq = 0, sk = 0, sv = 0;
      for (std::size_t j = 0; j < D; ++j) {
        sq += wq[i * D + j] * x[j * N + n];
        sk += wk[i * D + j] * x[j * N + n];
        sv += wv[i * D + j] * x[j * N + n];
      }
      q[i * N + n] = sq + bq[i];
      k[i * N + n] = sk + bk[i];
      v[i * N + n] = sv + bv[i];
    }
  for (std::size_t m = 0; m < N; ++m)  // scores S(m, n) = k_m . q_n
    for (std::size_t n = 0; n < N; ++n) {
      T s = 0;
      for (std::size_t i = 0; i < D; ++i) s += k[i * N + m] * q[i * N + n];
      r.a[m * N + n] = s;
    }
  for (std::size_t n = 0; n < N; ++n) {  // softmax of every column
    T mx = r.a[n];
    for (std::size_t m = 1; m < N; ++m) mx = r.a[m * N + n] > mx ? r.a[m * N + n] : mx;
    T total = 0;
    for (std::size_t m = 0; m < N; ++m) {
      r.a[m * N + n] = std::exp(r.a[m * N + n] - mx);
      total += r.a[m * N + n];
    }
    for (std::size_t m = 0; m < N; ++m) r.a[m * N + n] /= total;
  }
  for (std::size_t i = 0; i < D; ++i)  // X' = V A
    for (std::size_t n = 0; n < N; ++n) {
      T s = 0;
      for (std::size_t m = 0; m < N; ++m) s += v[i * N + m] * r.a[m * N + n];
      r.out[i * N + n] = s;
    }
}

template <class T, std::size_t N, std::size_t D>
void bm_loop(benchmark::State& state) {
  static const attention_case<T, N, D> c = make_case<T, N, D>();
  const attention_case<T, N, D>* volatile cv = &c;
  loop_result<T, N, D> r{};
  for (auto _ : state) {
    const attention_case<T, N, D>* cp = cv;
    loop_attention<T, N, D>(cp->x.elems, cp->p.omega_q.elems, cp->p.omega_k.elems,
                            cp->p.omega_v.elems, cp->p.beta_q.elems, cp->p.beta_k.elems,
                            cp->p.beta_v.elems, r);
    benchmark::DoNotOptimize(&r);
    benchmark::ClobberMemory();
  }
  set_counters<N, D>(state);
}

// ---- Eigen 3.4, fixed-size -----------------------------------------------------------------

#if defined(CTATTN_BENCH_HAVE_EIGEN)
template <class T, std::size_t N, std::size_t D>
struct eigen_case {
  static constexpr int n = static_cast<int>(N);
  static constexpr int d = static_cast<int>(D);
  using mat_dn = Eigen::Matrix<T, d, n, Eigen::RowMajor>;
  using mat_dd = Eigen::Matrix<T, d, d, Eigen::RowMajor>;
  using mat_nn = Eigen::Matrix<T, n, n, Eigen::RowMajor>;
  using vec_d = Eigen::Matrix<T, d, 1>;
  mat_dn x;
  mat_dd wq, wk, wv;
  vec_d bq, bk, bv;
};

template <class T, std::size_t N, std::size_t D>
struct eigen_result {
  typename eigen_case<T, N, D>::mat_dn out;
  typename eigen_case<T, N, D>::mat_nn a;
};

template <class T, std::size_t N, std::size_t D>
void eigen_attention(const eigen_case<T, N, D>& c, eigen_result<T, N, D>& r) {
  using E = eigen_case<T, N, D>;
  typename E::mat_dn q = c.wq * c.x;
  q.colwise() += c.bq;
  typename E::mat_dn k = c.wk * c.x;
  k.colwise() += c.bk;
  typename E::mat_dn v = c.wv * c.x;
  v.colwise() += c.bv;
  r.a.noalias() = k.transpose() * q;
  const Eigen::Matrix<T, 1, E::n> mx = r.a.colwise().maxCoeff();
  r.a = (r.a.rowwise() - mx).array().exp();
  const Eigen::Matrix<T, 1, E::n> total = r.a.colwise().sum();
  r.a.array().rowwise() /= total.array();
  r.out.noalias() = v * r.a;
}

template <class T, std::size_t N, std::size_t D>
void bm_eigen(benchmark::State& state) {
  using E = eigen_case<T, N, D>;
  static const attention_case<T, N, D> c = make_case<T, N, D>();
  static E e = [] {
    E m{};
    m.x = Eigen::Map<const typename E::mat_dn>(c.x.elems);
    m.wq = Eigen::Map<const typename E::mat_dd>(c.p.omega_q.elems);
    m.wk = Eigen::Map<const typename E::mat_dd>(c.p.omega_k.elems);
    m.wv = Eigen::Map<const typename E::mat_dd>(c.p.omega_v.elems);
    m.bq = Eigen::Map<const typename E::vec_d>(c.p.beta_q.elems);
    m.bk = Eigen::Map<const typename E::vec_d>(c.p.beta_k.elems);
    m.bv = Eigen::Map<const typename E::vec_d>(c.p.beta_v.elems);
    return m;
  }();
  const E* volatile ev = &e;
  eigen_result<T, N, D> r{};
  for (auto _ : state) {
    const E* ep = ev;
    eigen_attention<T, N, D>(*ep, r);
    benchmark::DoNotOptimize(&r);
    benchmark::ClobberMemory();
  }
  set_counters<N, D>(state);
}
#endif

// ---- multi-head (D = 64, H = 8, N = 64) ------------------------------------------------------

template <class T, std::size_t N, std::size_t D, std::size_t H>
void set_mh_counters(benchmark::State& state) {
  state.counters["FLOPS"] = benchmark::Counter(ctattn_bench::multihead_flops(N, D, H),
                                               benchmark::Counter::kIsIterationInvariantRate);
  state.counters["N"] = static_cast<double>(N);
  state.counters["D"] = static_cast<double>(D);
  state.counters["H"] = static_cast<double>(H);
}

template <class T, std::size_t N, std::size_t D, std::size_t H>
void bm_ctattn_mh(benchmark::State& state) {
  using C = ctattn_bench::multihead_case<T, N, D, H>;
  static const C c = ctattn_bench::make_multihead_case<T, N, D, H>();
  const C* volatile cv = &c;
  for (auto _ : state) {
    const C* cp = cv;
    const auto r = ctattn::multihead_self_attention(cp->x, cp->p);
    benchmark::DoNotOptimize(&r);
    benchmark::ClobberMemory();
  }
  set_mh_counters<T, N, D, H>(state);
}

#if defined(CTATTN_BENCH_HAVE_EIGEN)
template <class T, std::size_t N, std::size_t D, std::size_t H>
void bm_eigen_mh(benchmark::State& state) {
  constexpr int n = static_cast<int>(N);
  constexpr int d = static_cast<int>(D);
  constexpr int dh = static_cast<int>(D / H);
  using mat_dn = Eigen::Matrix<T, d, n, Eigen::RowMajor>;
  using mat_hd = Eigen::Matrix<T, dh, d, Eigen::RowMajor>;
  using mat_hn = Eigen::Matrix<T, dh, n, Eigen::RowMajor>;
  using mat_nn = Eigen::Matrix<T, n, n, Eigen::RowMajor>;
  using vec_h = Eigen::Matrix<T, dh, 1>;
  struct head {
    mat_hd wq, wk, wv;
    vec_h bq, bk, bv;
  };
  struct model {
    mat_dn x;
    head heads[H];
    Eigen::Matrix<T, d, d, Eigen::RowMajor> wc;
  };
  struct result {
    mat_dn out;
    mat_nn a[H];
  };
  static const auto c = ctattn_bench::make_multihead_case<T, N, D, H>();
  static const model m = [] {
    model e{};
    e.x = Eigen::Map<const mat_dn>(c.x.elems);
    for (std::size_t h = 0; h < H; ++h) {
      e.heads[h].wq = Eigen::Map<const mat_hd>(c.p.heads[h].omega_q.elems);
      e.heads[h].wk = Eigen::Map<const mat_hd>(c.p.heads[h].omega_k.elems);
      e.heads[h].wv = Eigen::Map<const mat_hd>(c.p.heads[h].omega_v.elems);
      e.heads[h].bq = Eigen::Map<const vec_h>(c.p.heads[h].beta_q.elems);
      e.heads[h].bk = Eigen::Map<const vec_h>(c.p.heads[h].beta_k.elems);
      e.heads[h].bv = Eigen::Map<const vec_h>(c.p.heads[h].beta_v.elems);
    }
    e.wc = Eigen::Map<const Eigen::Matrix<T, d, d, Eigen::RowMajor>>(c.p.omega_c.elems);
    return e;
  }();
  const model* volatile mv = &m;
  static result r{};
  const T scale = T(1) / std::sqrt(static_cast<T>(dh));
  for (auto _ : state) {
    const model* mp = mv;
    mat_dn stacked;
    for (std::size_t h = 0; h < H; ++h) {
      const head& hp = mp->heads[h];
      mat_hn q = hp.wq * mp->x;
      q.colwise() += hp.bq;
      mat_hn k = hp.wk * mp->x;
      k.colwise() += hp.bk;
      mat_hn v = hp.wv * mp->x;
      v.colwise() += hp.bv;
      mat_nn& a = r.a[h];
      a.noalias() = k.transpose() * q;
      a *= scale;
      const Eigen::Matrix<T, 1, n> mx = a.colwise().maxCoeff();
      a = (a.rowwise() - mx).array().exp();
      const Eigen::Matrix<T, 1, n> total = a.colwise().sum();
      a.array().rowwise() /= total.array();
      stacked.template middleRows<dh>(static_cast<int>(h) * dh).noalias() = v * a;
    }
    r.out.noalias() = mp->wc * stacked;
    benchmark::DoNotOptimize(&r);
    benchmark::ClobberMemory();
  }
  set_mh_counters<T, N, D, H>(state);
}
#endif

// ---- peak FLOP/s of one core ---------------------------------------------------------------
// The peak of THIS build's instruction set (what ctattn compiled with the same flags can use):
// the widest vectors the flags allow (SSE2 128-bit at the baseline -O2 build, AVX-512 512-bit
// with -march=native here), double, independent chains kept in registers. FMA: 2 FLOPs per lane
// per instruction (skipped where the flags have no FMA). Mul+add: chains of multiplies and
// chains of adds side by side, 1 FLOP per lane per instruction (what ctattn's kernels execute).
// The chain counts fit the register file (16 vector registers before AVX-512, 32 with it) while
// covering latency x throughput of the FP pipes (e.g. Zen: 2 mul/FMA pipes of latency 3-4,
// 2 add pipes of latency 2-3), so nothing spills: the loop is pure arithmetic on registers.

#if defined(__AVX512F__)
using vd = __m512d;
constexpr int lanes = 8;
inline vd vset(double v) { return _mm512_set1_pd(v); }
inline vd vmul(vd a, vd b) { return _mm512_mul_pd(a, b); }
inline vd vadd(vd a, vd b) { return _mm512_add_pd(a, b); }
inline double vsum(vd a) { return _mm512_reduce_add_pd(a); }
#define CTATTN_BENCH_FMA(a, b, c) _mm512_fmadd_pd(a, b, c)
#elif defined(__AVX__)
using vd = __m256d;
constexpr int lanes = 4;
inline vd vset(double v) { return _mm256_set1_pd(v); }
inline vd vmul(vd a, vd b) { return _mm256_mul_pd(a, b); }
inline vd vadd(vd a, vd b) { return _mm256_add_pd(a, b); }
inline double vsum(vd a) {
  alignas(32) double t[4];
  _mm256_store_pd(t, a);
  return t[0] + t[1] + t[2] + t[3];
}
#if defined(__FMA__)
#define CTATTN_BENCH_FMA(a, b, c) _mm256_fmadd_pd(a, b, c)
#endif
#else
using vd = __m128d;
constexpr int lanes = 2;
inline vd vset(double v) { return _mm_set1_pd(v); }
inline vd vmul(vd a, vd b) { return _mm_mul_pd(a, b); }
inline vd vadd(vd a, vd b) { return _mm_add_pd(a, b); }
inline double vsum(vd a) {
  alignas(16) double t[2];
  _mm_store_pd(t, a);
  return t[0] + t[1];
}
#endif

#if defined(__AVX512F__)
[[maybe_unused]] constexpr int fma_chains = 12;      // of 32 registers
constexpr int mul_add_chains = 12;  // 12 multiply + 12 add chains, m and a: 26 of 32
constexpr const char* peak_isa = "AVX-512, 512-bit";
#elif defined(__AVX__)
[[maybe_unused]] constexpr int fma_chains = 12;     // of 16 registers
constexpr int mul_add_chains = 7;  // 7 + 7 chains, m and a: 16 of 16
constexpr const char* peak_isa = "AVX, 256-bit";
#else
[[maybe_unused]] constexpr int fma_chains = 12;
constexpr int mul_add_chains = 7;
constexpr const char* peak_isa = "SSE2, 128-bit";
#endif
constexpr std::int64_t peak_steps = 4096;

// Distinct starting values read through volatile: identical chains would be merged by the
// compiler into one (GCC does exactly that).
double chain_start(int i) {
  static volatile double base = 1.0;
  return base + 0.001 * static_cast<double>(i);
}

void bm_peak_fma(benchmark::State& state) {
#if defined(CTATTN_BENCH_FMA)
  volatile double mv = 0.9999999, av = 1e-9;
  for (auto _ : state) {
    const vd m = vset(mv), a = vset(av);
    vd acc[fma_chains];
    for (int i = 0; i < fma_chains; ++i) acc[i] = vset(chain_start(i));
    for (std::int64_t s = 0; s < peak_steps; ++s)
      [&]<int... I>(std::integer_sequence<int, I...>) {  // unrolled: the chains stay in registers
        ((acc[I] = CTATTN_BENCH_FMA(acc[I], m, a)), ...);
      }(std::make_integer_sequence<int, fma_chains>{});
    double t = 0;
    for (auto& v : acc) t += vsum(v);
    benchmark::DoNotOptimize(t);
  }
  state.counters["FLOPS"] = benchmark::Counter(2.0 * lanes * fma_chains * peak_steps,
                                               benchmark::Counter::kIsIterationInvariantRate);
  state.SetLabel(peak_isa);
#else
  state.SkipWithError("no FMA instructions at these compiler flags");
  for (auto _ : state) {
  }
#endif
}

void bm_peak_mul_add(benchmark::State& state) {
  volatile double mv = 0.9999999, av = 1e-9;
  for (auto _ : state) {
    const vd m = vset(mv), a = vset(av);
    vd pm[mul_add_chains], pa[mul_add_chains];
    for (int i = 0; i < mul_add_chains; ++i) pm[i] = vset(chain_start(i));
    for (int i = 0; i < mul_add_chains; ++i) pa[i] = vset(chain_start(i + mul_add_chains));
    for (std::int64_t s = 0; s < peak_steps; ++s)
      [&]<int... I>(std::integer_sequence<int, I...>) {  // unrolled: the chains stay in registers
        ((pm[I] = vmul(pm[I], m), pa[I] = vadd(pa[I], a)), ...);
      }(std::make_integer_sequence<int, mul_add_chains>{});
    double t = 0;
    for (int i = 0; i < mul_add_chains; ++i) t += vsum(pm[i]) + vsum(pa[i]);
    benchmark::DoNotOptimize(t);
  }
  state.counters["FLOPS"] = benchmark::Counter(2.0 * lanes * mul_add_chains * peak_steps,
                                               benchmark::Counter::kIsIterationInvariantRate);
  state.SetLabel(peak_isa);
}

}  // namespace

BENCHMARK(bm_peak_fma);
BENCHMARK(bm_peak_mul_add);

#define CTATTN_BENCH_SIZE(T, N, D)          \
  BENCHMARK_TEMPLATE(bm_ctattn, T, N, D);   \
  CTATTN_BENCH_EIGEN(T, N, D)               \
  BENCHMARK_TEMPLATE(bm_loop, T, N, D);

#if defined(CTATTN_BENCH_HAVE_EIGEN)
#define CTATTN_BENCH_EIGEN(T, N, D) BENCHMARK_TEMPLATE(bm_eigen, T, N, D);
#else
#define CTATTN_BENCH_EIGEN(T, N, D)
#endif

#define CTATTN_BENCH_TYPE(T)      \
  CTATTN_BENCH_SIZE(T, 3, 4)      \
  CTATTN_BENCH_SIZE(T, 8, 8)      \
  CTATTN_BENCH_SIZE(T, 16, 16)    \
  CTATTN_BENCH_SIZE(T, 32, 32)    \
  CTATTN_BENCH_SIZE(T, 64, 64)

CTATTN_BENCH_TYPE(float)
CTATTN_BENCH_TYPE(double)

BENCHMARK_TEMPLATE(bm_ctattn_mh, float, 64, 64, 8);
BENCHMARK_TEMPLATE(bm_ctattn_mh, double, 64, 64, 8);
#if defined(CTATTN_BENCH_HAVE_EIGEN)
BENCHMARK_TEMPLATE(bm_eigen_mh, float, 64, 64, 8);
BENCHMARK_TEMPLATE(bm_eigen_mh, double, 64, 64, 8);
#endif

BENCHMARK_MAIN();
