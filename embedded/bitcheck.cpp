// embedded/bitcheck.cpp - computes every case of cases.hpp at run time and prints the bits.
// Built for the host (tests/meson.build) and for Cortex-M (embedded/meson.build); the script
// embedded/scripts/embedded.py runs the firmware under QEMU and compares the two outputs.
#include "cases.hpp"

int main() {
  ctattn_embedded::cases::run(ctattn_embedded::case_names);
  ctattn_embedded::line{}.text("end of cases").end();
  return 0;
}
