// embedded/stack.hpp - how much stack the firmware has used, read from the painted stack.
//
// link.ld reserves ctattn_stack_size bytes of stack (ctattn_stack_limit up to ctattn_stack_top)
// and startup.c fills them with ctattn_stack_paint at reset, before main. A word that no longer
// holds the pattern has been written since: the lowest such word is the high-water mark.
// (A function can in principle write the pattern itself, or reserve stack it never writes; both
// make the figure an underestimate by those words, which is why embedded.py reports it beside
// the static -fstack-usage / call-graph bound.) Target only.
#ifndef CTATTN_EMBEDDED_STACK_HPP
#define CTATTN_EMBEDDED_STACK_HPP

#include <cstddef>
#include <cstdint>

extern "C" {
extern std::uint32_t ctattn_stack_limit[];  // link.ld: lowest word of the reserved stack
extern std::uint32_t ctattn_stack_top[];    // link.ld: initial stack pointer (one past the top)
extern const std::uint32_t ctattn_stack_paint;  // startup.c: the pattern
}

namespace ctattn_embedded::stack {

//! The current stack pointer.
[[gnu::always_inline]] inline std::uintptr_t pointer() noexcept {
  std::uintptr_t sp;
  asm volatile("mov %0, sp" : "=r"(sp));
  return sp;
}

//! Bytes of stack link.ld reserved.
[[nodiscard]] inline std::size_t reserved() noexcept {
  return static_cast<std::size_t>(ctattn_stack_top - ctattn_stack_limit) * 4;
}

//! Address of the lowest stack word written since reset (ctattn_stack_limit itself when the
//! whole reservation was used: the stack may then have overflowed into .bss). Inlined and free
//! of calls, so that reading it does not write the stack below the caller's frame.
[[gnu::always_inline]] inline std::uintptr_t deepest() noexcept {
  const volatile std::uint32_t* w = ctattn_stack_limit;
  const volatile std::uint32_t* const top = ctattn_stack_top;
  while (w < top && *w == ctattn_stack_paint) ++w;
  return reinterpret_cast<std::uintptr_t>(w);
}

//! True when the deepest use reached the bottom of the reservation (the figures are then
//! lower bounds and the link's stack size is too small).
[[nodiscard]] inline bool exhausted() noexcept {
  return deepest() == reinterpret_cast<std::uintptr_t>(ctattn_stack_limit);
}

}  // namespace ctattn_embedded::stack

#endif  // CTATTN_EMBEDDED_STACK_HPP
