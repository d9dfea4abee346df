// tests/ctime/static_exp_bits.cpp - ctattn::exp in constant evaluation takes a statement-lean
// twin of the kernel (detail::exp_consteval, to fit softmax into Clang's -fconstexpr-steps);
// this proves in constant evaluation that it returns the bits of the kernel the run time uses
// (detail::exp_with(x, exp_kernel_fn{})), over sweeps of the whole domain of float and double,
// special values and the overflow/underflow thresholds included. The run-time side of the
// same identity is checked by tests/bitid (self-attention constexpr vs run time).
#include <bit>
#include <cstddef>
#include <cstdint>
#include <limits>

#include <ctattn/math.hpp>

namespace {

template <class F>
constexpr bool same_bits(F x) {
  using bits = std::conditional_t<sizeof(F) == 8, std::uint64_t, std::uint32_t>;
  return std::bit_cast<bits>(ctattn::detail::exp_consteval(x)) ==
         std::bit_cast<bits>(ctattn::detail::exp_with(x, ctattn::detail::exp_kernel_fn{}));
}

// count points from lo to hi (inclusive), evenly spaced, plus each point nudged by a few ulps.
template <class F>
constexpr bool sweep(F lo, F hi, int count) {
  for (int i = 0; i <= count; ++i) {
    const F x = lo + (hi - lo) * static_cast<F>(i) / static_cast<F>(count);
    if (!same_bits(x)) return false;
    F up = x;
    F down = x;
    for (int u = 0; u < 3; ++u) {  // neighbours in the last bits
      up = up + (up < 0 ? -up : up) * std::numeric_limits<F>::epsilon();
      down = down - (down < 0 ? -down : down) * std::numeric_limits<F>::epsilon();
      if (!same_bits(up) || !same_bits(down)) return false;
    }
  }
  return true;
}

template <class F>
constexpr bool specials() {
  using L = std::numeric_limits<F>;
  using C = ctattn::detail::exp_consts<F>;
  const F xs[] = {F(0), -F(0), F(1), F(-1), L::min(), -L::min(), L::denorm_min(),
                  L::epsilon(), -L::epsilon(), L::infinity(), -L::infinity(), L::max(),
                  L::lowest(), C::overflow, C::underflow, C::ln2_hi, -C::ln2_hi};
  for (const F x : xs)
    if (!same_bits(x)) return false;
  return same_bits(L::quiet_NaN());
}

static_assert(specials<double>());
static_assert(specials<float>());
// The softmax range (arguments <= 0) densely, then the whole finite domain.
static_assert(sweep(-40.0, 0.0, 1500));
static_assert(sweep(-746.0, 710.0, 1500));
static_assert(sweep(-1e-6, 1e-6, 200));
static_assert(sweep(-20.0f, 0.0f, 1500));
static_assert(sweep(-104.0f, 89.0f, 1500));

}  // namespace

int main() { return 0; }
