// embedded/linkcheck/probe.cpp - the firmware that tests link.ld and the stack painting
// (embedded.py linkcheck): CTATTN_PROBE_BSS bytes of .bss, and a function whose frame holds
// CTATTN_PROBE_FRAME bytes that it writes. Linked at the exact size where .data + .bss +
// stack fill RAM it must link and run (printing the stack the frame used, measured by painting:
// at least CTATTN_PROBE_FRAME); 8 bytes more .bss and the link must fail with link.ld's message.
#include <cstddef>
#include <cstdint>

#include "console.hpp"
#include "stack.hpp"

volatile std::uint8_t probe_bss[CTATTN_PROBE_BSS];

[[gnu::noinline]] void probe_frame() noexcept {
  volatile std::uint8_t frame[CTATTN_PROBE_FRAME];
  for (std::size_t i = 0; i < sizeof frame; ++i) frame[i] = static_cast<std::uint8_t>(i);
}

int main() {
  namespace stack = ctattn_embedded::stack;
  probe_bss[0] = 1;
  probe_bss[sizeof probe_bss - 1] = 2;
  const std::uintptr_t sp = stack::pointer();
  probe_frame();
  const std::uintptr_t deepest = stack::deepest();
  ctattn_embedded::line{}.text("stack ").dec(deepest < sp ? sp - deepest : 0).end();
  ctattn_embedded::line{}.text("stack_reserved ").dec(stack::reserved()).end();
  return probe_bss[0] == 1 && probe_bss[sizeof probe_bss - 1] == 2 ? 0 : 1;
}
