// Compile-time tests at 300 columns, more than the 256 operands Clang allows in one fold
// expression: element-wise operations, softmax_cols (plain and masked) and attention whose
// queries are 300 tokens instantiate and evaluate on both compilers (compiling is the test;
// the laws below also fail if a chunk is skipped or repeated).
#include <ctattn/attention.hpp>
#include <ctattn/options.hpp>
#include <ctattn/softmax.hpp>

#include <cstddef>

namespace {
using ctattn::matrix;

constexpr std::size_t N = 300;

// s(m, n) = (m + 1) * (n % 7) / 8: exact in double.
constexpr matrix<double, 2, N> s = [] {
  matrix<double, 2, N> m{};
  for (std::size_t r = 0; r < 2; ++r)
    for (std::size_t n = 0; n < N; ++n)
      m(r, n) = static_cast<double>((r + 1) * (n % 7)) / 8;
  return m;
}();

// Element-wise: s + s == 2 s exactly, in every one of the 600 elements.
static_assert(s + s == s * 2.0);
static_assert((s - s) == matrix<double, 2, N>{});

// softmax_cols: column n holds (0, d) with d = (n % 7) / 8, so its weights are
// (1 / (1 + e^d), e^d / (1 + e^d)) in the order of softmax() on that column.
constexpr auto w = ctattn::softmax_cols(s);
constexpr bool columns_match = [] {
  for (std::size_t n = 0; n < N; ++n) {
    const auto c = ctattn::softmax(ctattn::col(s, n));
    if (!(w(0, n) == c.elems[0] && w(1, n) == c.elems[1])) return false;
  }
  return true;
}();
static_assert(columns_match);

// Masked with every entry kept: the bits of softmax_cols.
static_assert(ctattn::softmax_cols_masked(s, ctattn::filled<bool, 2, N>(true)) == w);

// Cross-attention of 300 queries over 2 keys, scaled and causal: the weights of query n >= 1
// are those of the unmasked attention; query 0 sees only key 0 (weight exactly 1).
constexpr ctattn::attention_params<double, 2, 2, 2> p{
    matrix<double, 2, 2>{0.5, -0.25, 1.0, 0.75}, matrix<double, 2, 2>{-0.5, 1.25, 0.25, 0.5},
    matrix<double, 2, 2>{1, 0.5, 0, -0.5},       {0.125, -0.25},
    {0.5, 0.0},                                  {-1, 0.5}};
constexpr matrix<double, 2, 2> kv{1, -1, 0.5, 2};
constexpr auto masked = ctattn::cross_attention(s, kv, p, ctattn::scaled, ctattn::causal);
constexpr auto plain = ctattn::cross_attention(s, kv, p, ctattn::scaled);
static_assert(masked.weights(0, 0) == 1.0 && masked.weights(1, 0) == 0.0);
constexpr bool causal_rest_equal = [] {
  for (std::size_t n = 1; n < N; ++n)
    for (std::size_t m = 0; m < 2; ++m)
      if (!(masked.weights(m, n) == plain.weights(m, n))) return false;
  return true;
}();
static_assert(causal_rest_equal);
}  // namespace
