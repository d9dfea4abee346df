// tests/ctime/consteval_gemm_bits.cpp - the constant-evaluation product kernel
// (detail/consteval_gemm.hpp) and the run-time kernels return the same bits.
//
// For float and double and shapes that exercise the kernel's chunking (K = 1, 5, 64, 130 =
// 2 x 64 + 2), a * b and transpose_times(a, b) are computed three ways: in a constant
// expression (the consteval_gemm path), at run time through ctattn (the run-time path; inputs
// read back through volatile so nothing is folded), and at run time by a scalar triple loop in
// the documented order (from zero, k ascending, no FMA). All three must agree bit for bit.
#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <type_traits>

#include <ctattn/matrix.hpp>

namespace {

template <class T, std::size_t R, std::size_t C>
constexpr ctattn::matrix<T, R, C> gen(std::uint32_t seed) {
  ctattn::matrix<T, R, C> m{};
  std::uint32_t s = seed;
  for (std::size_t i = 0; i < R * C; ++i) {
    s = s * 1664525u + 1013904223u;
    // Values with full significands, both signs, magnitudes 2^-4 .. 2^4.
    const auto mant = static_cast<T>(static_cast<double>(s >> 8) / 16777216.0 + 0.5);
    const auto e = static_cast<int>((s >> 3) % 9u) - 4;
    T scale = T(1);
    for (int k = 0; k < (e < 0 ? -e : e); ++k) scale = e < 0 ? scale / T(2) : scale * T(2);
    m.elems[i] = ((s & 1u) != 0u ? -mant : mant) * scale;
  }
  return m;
}

template <class T, std::size_t R, std::size_t C>
ctattn::matrix<T, R, C> launder(const ctattn::matrix<T, R, C>& m) {
  ctattn::matrix<T, R, C> out{};
  for (std::size_t i = 0; i < R * C; ++i) {
    volatile T v = m.elems[i];
    out.elems[i] = v;
  }
  return out;
}

// out(i, j) = sum_k A(i, k) B(k, j), from zero, k ascending; A(i, k) = a(i, k) or a(k, i).
template <bool Transposed, class T, std::size_t AR, std::size_t AC, std::size_t K, std::size_t C>
auto scalar_product(const ctattn::matrix<T, AR, AC>& a, const ctattn::matrix<T, K, C>& b) {
  constexpr std::size_t R = Transposed ? AC : AR;
  ctattn::matrix<T, R, C> out{};
  for (std::size_t i = 0; i < R; ++i)
    for (std::size_t j = 0; j < C; ++j) {
      volatile T acc = T{};  // volatile: one rounding per operation, whatever the flags
      for (std::size_t k = 0; k < K; ++k) {
        volatile T prod = (Transposed ? a(k, i) : a(i, k)) * b(k, j);
        acc = acc + prod;
      }
      out(i, j) = acc;
    }
  return out;
}

template <class T, std::size_t R, std::size_t C>
int differences(const ctattn::matrix<T, R, C>& x, const ctattn::matrix<T, R, C>& y) {
  using bits = std::conditional_t<sizeof(T) == 8, std::uint64_t, std::uint32_t>;
  int n = 0;
  for (std::size_t i = 0; i < R * C; ++i)
    if (std::bit_cast<bits>(x.elems[i]) != std::bit_cast<bits>(y.elems[i])) ++n;
  return n;
}

int failures = 0;

template <class T, std::size_t R, std::size_t K, std::size_t C>
void check(const char* type) {
  // a * b: a is R x K.
  static constexpr auto a = gen<T, R, K>(R * 131u + K);
  static constexpr auto b = gen<T, K, C>(C * 17u + K);
  static constexpr auto ct = a * b;
  const auto rt = launder(a) * launder(b);
  const auto ref = scalar_product<false>(launder(a), launder(b));
  // transpose_times(at, b): at is K x R.
  static constexpr auto at = gen<T, K, R>(R * 7u + K * 3u);
  static constexpr auto ct_tn = ctattn::transpose_times(at, b);
  const auto rt_tn = ctattn::transpose_times(launder(at), launder(b));
  const auto ref_tn = scalar_product<true>(launder(at), launder(b));
  const int d = differences(ct, rt) + differences(ct, ref) + differences(ct_tn, rt_tn) +
                differences(ct_tn, ref_tn);
  std::printf("%-6s R=%3zu K=%3zu C=%3zu: %s (%d elements differ)\n", type, R, K, C,
              d == 0 ? "same bits" : "DIFFERENT", d);
  if (d != 0) ++failures;
}

template <class T>
void check_all(const char* type) {
  check<T, 1, 1, 1>(type);
  check<T, 3, 5, 7>(type);
  check<T, 8, 64, 8>(type);
  check<T, 9, 130, 5>(type);
  check<T, 64, 64, 64>(type);
}

}  // namespace

int main() {
  check_all<float>("float");
  check_all<double>("double");
  return failures == 0 ? 0 : 1;
}
