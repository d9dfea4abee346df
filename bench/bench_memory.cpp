// bench/bench_memory.cpp - the caller-provided-buffer functions (ctattn/workspace.hpp) against
// the by-value ones, in the same binary: self-attention (plain and scaled + causal) and
// multi-head attention, float and double. Inputs from bench/cases.hpp (benign scores) and the
// same case with its query/key weights multiplied by 8 (wide scores: a saturated softmax).
// Run: meson benchmark -C build bench_memory_native (or the -O2 build bench_memory).
#include <benchmark/benchmark.h>

#include <cstddef>

#include <ctattn/attention.hpp>
#include <ctattn/multihead.hpp>
#include <ctattn/options.hpp>
#include <ctattn/workspace.hpp>

#include "cases.hpp"

namespace {

using ctattn_bench::attention_case;

template <class T, std::size_t N, std::size_t D>
attention_case<T, N, D> make(bool wide) {
  auto c = ctattn_bench::make_case<T, N, D>();
  if (wide) {
    c.p.omega_q = c.p.omega_q * T(8);
    c.p.omega_k = c.p.omega_k * T(8);
  }
  return c;
}

template <bool Causal, class F>
void run(benchmark::State& state, F f) {
  for (auto _ : state) {
    f();
    benchmark::ClobberMemory();
  }
}

template <class T, std::size_t N, std::size_t D, bool Wide, bool Causal>
void bm_by_value(benchmark::State& state) {
  static const attention_case<T, N, D> c = make<T, N, D>(Wide);
  const attention_case<T, N, D>* volatile cv = &c;
  run<Causal>(state, [&] {
    const attention_case<T, N, D>* cp = cv;
    if constexpr (Causal) {
      const auto r = ctattn::self_attention(cp->x, cp->p, ctattn::scaled, ctattn::causal);
      benchmark::DoNotOptimize(&r);
    } else {
      const auto r = ctattn::self_attention(cp->x, cp->p);
      benchmark::DoNotOptimize(&r);
    }
  });
}

template <class T, std::size_t N, std::size_t D, bool Wide, bool Causal>
void bm_into(benchmark::State& state) {
  static const attention_case<T, N, D> c = make<T, N, D>(Wide);
  static ctattn::attention_workspace<T, N, D, D> ws;
  static ctattn::matrix<T, D, N> out;
  const attention_case<T, N, D>* volatile cv = &c;
  run<Causal>(state, [&] {
    const attention_case<T, N, D>* cp = cv;
    if constexpr (Causal)
      ctattn::self_attention_into(out, cp->x, cp->p, ws, ctattn::scaled, ctattn::causal);
    else
      ctattn::self_attention_into(out, cp->x, cp->p, ws);
    benchmark::DoNotOptimize(&out);
  });
}

template <class T, std::size_t N, std::size_t D, std::size_t H>
void bm_mh_by_value(benchmark::State& state) {
  using C = ctattn_bench::multihead_case<T, N, D, H>;
  static const C c = ctattn_bench::make_multihead_case<T, N, D, H>();
  const C* volatile cv = &c;
  run<false>(state, [&] {
    const auto r = ctattn::multihead_self_attention(cv->x, cv->p);
    benchmark::DoNotOptimize(&r);
  });
}

template <class T, std::size_t N, std::size_t D, std::size_t H>
void bm_mh_into(benchmark::State& state) {
  using C = ctattn_bench::multihead_case<T, N, D, H>;
  static const C c = ctattn_bench::make_multihead_case<T, N, D, H>();
  static ctattn::multihead_workspace<T, D, H, N> ws;
  static ctattn::matrix<T, D, N> out;
  const C* volatile cv = &c;
  run<false>(state, [&] {
    ctattn::multihead_self_attention_into(out, cv->x, cv->p, ws);
    benchmark::DoNotOptimize(&out);
  });
}

}  // namespace

#define CTATTN_BENCH_MEM(T, N, D)                              \
  BENCHMARK_TEMPLATE(bm_by_value, T, N, D, false, false);      \
  BENCHMARK_TEMPLATE(bm_into, T, N, D, false, false);          \
  BENCHMARK_TEMPLATE(bm_by_value, T, N, D, true, false);       \
  BENCHMARK_TEMPLATE(bm_into, T, N, D, true, false);           \
  BENCHMARK_TEMPLATE(bm_by_value, T, N, D, false, true);       \
  BENCHMARK_TEMPLATE(bm_into, T, N, D, false, true);

CTATTN_BENCH_MEM(float, 16, 16)
CTATTN_BENCH_MEM(float, 64, 64)
CTATTN_BENCH_MEM(double, 16, 16)
CTATTN_BENCH_MEM(double, 64, 64)
BENCHMARK_TEMPLATE(bm_mh_by_value, float, 64, 64, 4);
BENCHMARK_TEMPLATE(bm_mh_into, float, 64, 64, 4);
BENCHMARK_TEMPLATE(bm_mh_by_value, double, 64, 64, 8);
BENCHMARK_TEMPLATE(bm_mh_into, double, 64, 64, 8);

BENCHMARK_MAIN();
