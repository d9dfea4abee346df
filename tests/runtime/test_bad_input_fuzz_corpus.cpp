// Replays the fuzzer's committed seed corpus and every regression input (tests/fuzz/corpus,
// tests/fuzz/regressions) through the fuzzing oracle, with the ordinary compilers: an input
// that once broke an invariant stays a test on GCC and Clang, without libFuzzer.
#include <doctest/doctest.h>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "../fuzz/fuzz_check.hpp"

#ifndef CTATTN_FUZZ_DIR
#error "CTATTN_FUZZ_DIR (the path of tests/fuzz) must be defined by the build"
#endif

TEST_CASE("fuzz corpus and regression inputs satisfy every invariant") {
  std::size_t count = 0;
  for (const char* sub : {"corpus", "regressions"}) {
    const std::filesystem::path dir = std::filesystem::path(CTATTN_FUZZ_DIR) / sub;
    REQUIRE(std::filesystem::is_directory(dir));
    for (const auto& entry : std::filesystem::directory_iterator(dir)) {
      if (!entry.is_regular_file() || entry.path().extension() == ".md") continue;
      std::ifstream in(entry.path(), std::ios::binary);
      const std::vector<char> bytes((std::istreambuf_iterator<char>(in)),
                                    std::istreambuf_iterator<char>());
      std::vector<std::uint8_t> data(bytes.size());
      for (std::size_t i = 0; i < bytes.size(); ++i) data[i] = static_cast<std::uint8_t>(bytes[i]);
      const char* failure = ctattn_fuzz::check_input(data.data(), data.size());
      INFO(entry.path().string());
      CHECK(failure == nullptr);
      if (failure != nullptr) MESSAGE(failure);
      ++count;
    }
  }
  CHECK(count >= 10);
}
