// Runtime tests of ctattn/attention.hpp: laws that hold for any input.
#include <ctattn/attention.hpp>

#include <doctest/doctest.h>

namespace {

template <class T, std::size_t R, std::size_t C>
ctattn::matrix<T, R, C> ramp(T start, T step) {
  ctattn::matrix<T, R, C> m{};
  for (std::size_t i = 0; i < m.count; ++i) {
    // a deterministic, non-monotone fill so that no two columns are alike
    m[i] = start + step * static_cast<T>((i * 7) % 11) - step * static_cast<T>(i % 3);
  }
  return m;
}

template <class T, std::size_t D, std::size_t Dk, std::size_t Dv>
ctattn::attention_params<T, D, Dk, Dv> make_params() {
  return {ramp<T, Dk, D>(T(-0.5), T(0.1)), ramp<T, Dk, D>(T(0.4), T(-0.07)),
          ramp<T, Dv, D>(T(-0.2), T(0.05)), ramp<T, Dk, 1>(T(0.1), T(0.02)),
          ramp<T, Dk, 1>(T(-0.3), T(0.04)), ramp<T, Dv, 1>(T(0.2), T(-0.03))};
}

TEST_CASE_TEMPLATE("attention: loop form equals matrix form bit for bit", T, float, double) {
  const auto p = make_params<T, 5, 3, 4>();
  const auto x = ramp<T, 5, 6>(T(1), T(-0.3));
  const auto a = ctattn::self_attention(x, p);
  const auto b = ctattn::self_attention_loop(ctattn::columns(x), p);
  CHECK(a.output == b.output);
  CHECK(a.weights == b.weights);
}

TEST_CASE_TEMPLATE("attention: one token returns its value vector", T, float, double) {
  const auto p = make_params<T, 4, 2, 3>();
  const auto x = ramp<T, 4, 1>(T(0.7), T(0.2));
  const auto r = ctattn::self_attention(x, p);
  CHECK(r.weights(0, 0) == T(1));
  CHECK(r.output == ctattn::affine(p.omega_v, x, p.beta_v));
}

}  // namespace
