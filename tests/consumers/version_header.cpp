// tests/consumers/version_header.cpp - ctattn/version.hpp says meson's project version.
//
// meson.build passes its project version as CTATTN_EXPECTED_* (tests/consumers/meson.build);
// compiling this file is the test, so a version bumped in one place only does not build.
// (The installed pkg-config file and CMake package are generated from meson's version, and
// tests/consumers/run_consumers.py checks that the installed header agrees with both.)
#include <string_view>

#include <ctattn/version.hpp>

static_assert(CTATTN_VERSION_MAJOR == CTATTN_EXPECTED_MAJOR,
              "ctattn/version.hpp: CTATTN_VERSION_MAJOR differs from meson.build's version");
static_assert(CTATTN_VERSION_MINOR == CTATTN_EXPECTED_MINOR,
              "ctattn/version.hpp: CTATTN_VERSION_MINOR differs from meson.build's version");
static_assert(CTATTN_VERSION_PATCH == CTATTN_EXPECTED_PATCH,
              "ctattn/version.hpp: CTATTN_VERSION_PATCH differs from meson.build's version");
static_assert(std::string_view(CTATTN_VERSION_STRING) == CTATTN_EXPECTED_STRING,
              "ctattn/version.hpp: CTATTN_VERSION_STRING differs from meson.build's version");
static_assert(CTATTN_VERSION ==
                  CTATTN_EXPECTED_MAJOR * 10000 + CTATTN_EXPECTED_MINOR * 100 + CTATTN_EXPECTED_PATCH,
              "ctattn/version.hpp: CTATTN_VERSION is not MAJOR * 10000 + MINOR * 100 + PATCH");
static_assert(ctattn::version.major == CTATTN_EXPECTED_MAJOR &&
                  ctattn::version.minor == CTATTN_EXPECTED_MINOR &&
                  ctattn::version.patch == CTATTN_EXPECTED_PATCH,
              "ctattn::version differs from the macros");
static_assert(std::string_view(ctattn::version_string) == CTATTN_EXPECTED_STRING,
              "ctattn::version_string differs from the macros");
