// ctattn/version.hpp - the library version, for #if tests and for constant expressions.
//
// The numbers are meson's project version (meson.build): the test consumers_version_header
// compiles static_asserts of these macros against the version meson passes, so the two cannot
// drift. The pkg-config file (`pkg-config --modversion ctattn`) and the CMake package
// (`ctattn_VERSION`) are generated from meson's version, and the consumer tests
// (tests/consumers/) check that the installed header agrees with both.
//
//   #if CTATTN_VERSION >= 100  // 0.1.0 or later: MAJOR * 10000 + MINOR * 100 + PATCH
//   static_assert(ctattn::version.major == 0);
#ifndef CTATTN_VERSION_HPP
#define CTATTN_VERSION_HPP

#include <ctattn/detail/fp.hpp>
#include <ctattn/detail/isa.hpp>

#define CTATTN_VERSION_MAJOR 0
#define CTATTN_VERSION_MINOR 1
#define CTATTN_VERSION_PATCH 0
//! "MAJOR.MINOR.PATCH", as meson's project version and `pkg-config --modversion ctattn`.
#define CTATTN_VERSION_STRING "0.1.0"
//! MAJOR * 10000 + MINOR * 100 + PATCH, for #if comparisons.
#define CTATTN_VERSION \
  (CTATTN_VERSION_MAJOR * 10000 + CTATTN_VERSION_MINOR * 100 + CTATTN_VERSION_PATCH)

CTATTN_DETAIL_FP_STRICT_BEGIN

namespace ctattn::inline CTATTN_ISA_NS {

//! A version as three numbers; ctattn::version is this library's.
struct version_number {
  int major;
  int minor;
  int patch;
};

//! The version of this ctattn (the macros above, as a constant).
inline constexpr version_number version{CTATTN_VERSION_MAJOR, CTATTN_VERSION_MINOR,
                                        CTATTN_VERSION_PATCH};

//! "MAJOR.MINOR.PATCH".
inline constexpr const char* version_string = CTATTN_VERSION_STRING;

}  // namespace ctattn

CTATTN_DETAIL_FP_STRICT_END

#endif  // CTATTN_VERSION_HPP
