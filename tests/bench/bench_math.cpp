// Speed of ctattn::exp, ctattn::exp_fast and ctattn::sqrt at run time (meson benchmark, never a
// timed unit test): nanoseconds per call over 4096 softmax-like arguments in [-20, 0], the
// minimum over repeated runs. Run: meson test -C build --benchmark math_exp_speed -v
#include <ctattn/math.hpp>

#include <chrono>
#include <cstddef>
#include <cstdio>
#include <vector>

namespace {

template <class F, class Fn>
double ns_per_call(Fn f, const std::vector<F>& in, std::vector<F>& out, int reps) {
  double best = 1e300;
  for (int run = 0; run < 15; ++run) {
    const auto t0 = std::chrono::steady_clock::now();
    for (int r = 0; r < reps; ++r) {
      for (std::size_t i = 0; i < in.size(); ++i) out[i] = f(in[i]);
      asm volatile("" : : "r"(out.data()) : "memory");  // keep every result
    }
    const std::chrono::duration<double, std::nano> dt = std::chrono::steady_clock::now() - t0;
    const double ns = dt.count() / (reps * static_cast<double>(in.size()));
    best = ns < best ? ns : best;
  }
  return best;
}

template <class F>
void bench(const char* type) {
  std::vector<F> in(4096);
  std::vector<F> out(in.size());
  for (std::size_t i = 0; i < in.size(); ++i) {
    in[i] = F(-20) * static_cast<F>(i) / static_cast<F>(in.size()) +
            F(0.001) * static_cast<F>(i % 7);
  }
  const double e = ns_per_call(ctattn::exp, in, out, 200);
  const double f = ns_per_call(ctattn::exp_fast, in, out, 200);
  for (F& x : in) x = -x;
  const double s = ns_per_call(ctattn::sqrt, in, out, 10);
  std::printf("%-6s exp %6.2f ns   exp_fast %6.2f ns (%.2fx)   sqrt %6.2f ns\n", type, e, f, e / f,
              s);
}

}  // namespace

int main() {
  bench<double>("double");
  bench<float>("float");
  return 0;
}
