// embedded/measure/main.cpp - the measuring firmware: one call (ctattn_measured, the case's
// generated translation unit), then what it used, over semihosting:
//   stack <bytes written below main's frame by the call>
//   stack_program <bytes of stack used by the whole program since reset, the call included>
//   stack_reserved <bytes link.ld reserved>
// startup.c painted the reserved stack at reset; stack.hpp reads it back. Exits with failure
// when the whole reservation was used (the figures would be lower bounds).
#include <cstdint>

#include "console.hpp"
#include "measured.hpp"
#include "stack.hpp"

int main() {
  namespace stack = ctattn_embedded::stack;
  using ctattn_embedded::line;
  const std::uintptr_t sp = stack::pointer();
  ctattn_measured();
  const std::uintptr_t deepest = stack::deepest();
  line{}.text("stack ").dec(deepest < sp ? sp - deepest : 0).end();
  const auto top = reinterpret_cast<std::uintptr_t>(ctattn_stack_top);
  line{}.text("stack_program ").dec(top - deepest).end();
  line{}.text("stack_reserved ").dec(stack::reserved()).end();
  if (deepest == reinterpret_cast<std::uintptr_t>(ctattn_stack_limit)) {
    line{}.text("stack exhausted: the reservation (ctattn_stack_size) is too small").end();
    return 1;
  }
  return 0;
}
