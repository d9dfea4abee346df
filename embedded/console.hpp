// embedded/console.hpp - line output shared by the firmware and its host twin.
//
// On a Cortex-M target (bare metal) lines go out through semihosting and the program ends
// with semihosting's exit; on the host they go to stdout and the program ends with a status.
// No printf: newlib-nano's has no floating point, and the tests compare bit patterns anyway,
// written here as fixed-width hexadecimal.
#ifndef CTATTN_EMBEDDED_CONSOLE_HPP
#define CTATTN_EMBEDDED_CONSOLE_HPP

#include <bit>
#include <cstddef>
#include <cstdint>

#if defined(__ARM_ARCH_PROFILE) && __ARM_ARCH_PROFILE == 'M'
#define CTATTN_EMBEDDED_TARGET 1
#include "semihosting.hpp"
#else
#include <cstdio>
#include <cstdlib>
#endif

namespace ctattn_embedded {

//! Builds one line in a fixed buffer (no heap) and writes it out with `end()`.
class line {
 public:
  line& text(const char* s) noexcept {
    while (*s != '\0') put(*s++);
    return *this;
  }
  //! `digits` hexadecimal digits of `v`, most significant first.
  line& hex(std::uint64_t v, int digits) noexcept {
    for (int i = digits - 1; i >= 0; --i)
      put("0123456789abcdef"[(v >> (4 * static_cast<unsigned>(i))) & 0xfu]);
    return *this;
  }
  line& dec(std::uint64_t v) noexcept {
    char digits[24];
    int n = 0;
    do {
      digits[n++] = static_cast<char>('0' + v % 10);
      v /= 10;
    } while (v != 0);
    while (n > 0) put(digits[--n]);
    return *this;
  }
  //! `v` in decimal with 8 digits after the point (for people; |v| < 2^63, finite).
  line& decimal(double v) noexcept {
    if (v < 0) put('-');
    const double a = v < 0 ? -v : v;
    auto whole = static_cast<std::uint64_t>(a);
    auto frac = static_cast<std::uint64_t>((a - static_cast<double>(whole)) * 1e8 + 0.5);
    if (frac >= 100000000u) {
      ++whole;
      frac -= 100000000u;
    }
    dec(whole).text(".");
    for (std::uint64_t p = 10000000u; p > 0; p /= 10) put(static_cast<char>('0' + frac / p % 10));
    return *this;
  }
  //! The IEEE-754 bit pattern of a float (8 digits) or double (16 digits).
  line& bits(float v) noexcept { return hex(std::bit_cast<std::uint32_t>(v), 8); }
  line& bits(double v) noexcept { return hex(std::bit_cast<std::uint64_t>(v), 16); }
  //! The integer representation raw() of a fixed-point value (ctattn::fixed), two's complement
  //! in as many digits as it has (4 for 16-bit, 8 for 32-bit formats). No floating point.
  template <class Fixed>
    requires requires(Fixed f) { f.raw(); }
  line& bits(Fixed v) noexcept {
    using rep = decltype(v.raw());
    constexpr int digits = static_cast<int>(2 * sizeof(rep));
    constexpr std::uint64_t mask = digits >= 16 ? ~std::uint64_t{0}
                                                : (std::uint64_t{1} << (4 * digits)) - 1;
    return hex(static_cast<std::uint64_t>(static_cast<std::int64_t>(v.raw())) & mask, digits);
  }
  void end() noexcept {
    put('\n');
    buf_[len_] = '\0';
#if defined(CTATTN_EMBEDDED_TARGET)
    semihosting::write(buf_);
#else
    std::fputs(buf_, stdout);
#endif
    len_ = 0;
  }

 private:
  void put(char c) noexcept {
    if (len_ + 2 < sizeof buf_) buf_[len_++] = c;
  }
  char buf_[160] = {};
  std::size_t len_ = 0;
};

//! Ends the program: status 0 on success (QEMU's exit status too).
[[noreturn]] inline void finish(bool success) noexcept {
#if defined(CTATTN_EMBEDDED_TARGET)
  semihosting::exit(success);
#else
  std::fflush(stdout);
  std::exit(success ? 0 : 1);
#endif
}

}  // namespace ctattn_embedded

#endif  // CTATTN_EMBEDDED_CONSOLE_HPP
