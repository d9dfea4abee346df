// embedded/semihosting.hpp - the two Arm semihosting calls the firmware needs: write a
// NUL-terminated string to the debugger's console, and stop with a status.
//
// Semihosting is a breakpoint (`bkpt 0xab` on M-profile) that a debugger or QEMU
// (`-semihosting-config enable=on`) traps: r0 holds the operation, r1 its argument, r0 the
// result. On a board without a debugger attached the breakpoint faults, so production firmware
// replaces these two functions with its UART or LED code.
#ifndef CTATTN_EMBEDDED_SEMIHOSTING_HPP
#define CTATTN_EMBEDDED_SEMIHOSTING_HPP

#include <cstdint>

namespace ctattn_embedded::semihosting {

inline constexpr std::uint32_t sys_write0 = 0x04;  // r1 = pointer to a NUL-terminated string
inline constexpr std::uint32_t sys_exit = 0x18;    // r1 = reason code (32-bit Arm)
inline constexpr std::uint32_t application_exit = 0x20026;  // ADP_Stopped_ApplicationExit
inline constexpr std::uint32_t runtime_error = 0x20023;     // ADP_Stopped_RunTimeErrorUnknown

inline std::uint32_t call(std::uint32_t op, const void* arg) noexcept {
  std::uint32_t result;
  asm volatile(
      "mov r0, %1\n\t"
      "mov r1, %2\n\t"
      "bkpt 0xab\n\t"
      "mov %0, r0"
      : "=r"(result)
      : "r"(op), "r"(arg)
      : "r0", "r1", "memory");
  return result;
}

//! Writes `text` to the host console (QEMU: its standard output).
inline void write(const char* text) noexcept { call(sys_write0, text); }

//! Stops the program. QEMU exits with status 0 when `success`, 1 otherwise.
[[noreturn]] inline void exit(bool success) noexcept {
  // On 32-bit Arm the argument of SYS_EXIT is the reason code itself, not a pointer to it.
  call(sys_exit, reinterpret_cast<const void*>(success ? application_exit : runtime_error));
  for (;;) {
  }
}

}  // namespace ctattn_embedded::semihosting

#endif  // CTATTN_EMBEDDED_SEMIHOSTING_HPP
