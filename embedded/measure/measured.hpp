// embedded/measure/measured.hpp - the call that measure/main.cpp measures: defined by each
// case's generated translation unit (meson.build, case.cpp.in), one ctattn call.
#ifndef CTATTN_EMBEDDED_MEASURED_HPP
#define CTATTN_EMBEDDED_MEASURED_HPP

void ctattn_measured() noexcept;

#endif  // CTATTN_EMBEDDED_MEASURED_HPP
