// ctattn/detail/fp.hpp - one evaluation order for constant evaluation and run time.
//
// ctattn promises that the value a static_assert proves is the value computed at run time.
// Constant evaluation rounds every operation separately; FP contraction (fusing a*b + c into
// one FMA) would make run time round differently. These macros switch contraction off for
// the code between them:
//   - Clang honours `#pragma clang fp contract(off)`, scoped by float_control push/pop, so the
//     library code is protected whatever -ffp-contract=on/off the user passes (not `fast`).
//   - GCC 12 has no scoped control that keeps inlining (`#pragma GCC optimize` blocks it) and,
//     in C++ (ISO mode too), defaults to -ffp-contract=fast: users compile with
//     -ffp-contract=off. The meson dependency and the pkg-config file add that flag, and
//     ctattn::check_evaluation_order() (ctattn/evaluation_order.hpp) tells a build without it.
#ifndef CTATTN_DETAIL_FP_HPP
#define CTATTN_DETAIL_FP_HPP

#if defined(__clang__)
#define CTATTN_DETAIL_FP_STRICT_BEGIN \
  _Pragma("float_control(push)") _Pragma("clang fp contract(off)")
#define CTATTN_DETAIL_FP_STRICT_END _Pragma("float_control(pop)")
#else
#define CTATTN_DETAIL_FP_STRICT_BEGIN
#define CTATTN_DETAIL_FP_STRICT_END
#endif

#endif  // CTATTN_DETAIL_FP_HPP
