// libFuzzer harness (clang++ -fsanitize=fuzzer,address,undefined): every input is decoded and
// checked by fuzz_check.hpp; a violated invariant aborts with what failed. CI runs it for a
// bounded time on the committed corpus (corpus/); inputs that ever failed are kept in
// regressions/ and replayed by the runtime suite `fuzz_corpus` on both compilers.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>

#include "fuzz_check.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (const char* failure = ctattn_fuzz::check_input(data, size)) {
    std::fprintf(stderr, "ctattn fuzz invariant violated: %s\n", failure);
    std::abort();
  }
  return 0;
}
