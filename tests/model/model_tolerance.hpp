// tests/model/model_tolerance.hpp - how close ctattn's encoder and transformer layers must come
// to the numpy reference of tools/gen_encoder_reference.py.
//
// The reference sums with math.fsum (correctly rounded) and uses the C library's exp, tanh, erf,
// sin and cos; ctattn sums in order with one rounding per operation and uses its own functions
// (exp < 1 ulp; sin, cos, tanh, erf: see ctattn/math.hpp). Each output element goes through a
// few hundred roundings (products of 16 and 32 terms, softmaxes over 8 keys, LayerNorm's mean,
// variance, square root and division, twice per layer), each of relative size <= 2^-53, and
// LayerNorm's outputs are O(1), so the differences are of the order of 10-100 ulp of 1.
// Measured (GCC 12 and Clang 14 alike, since the bits are the same): the encoder's largest
// difference is 2.2e-15 (= 10 ulp of 1; runtime_model prints it), the single-layer variants'
// 1.8e-15 absolute; relative differences above 1e-14 occur only for entries below 0.01, where
// the absolute bound applies. The tolerance (1e-12 relative to the larger magnitude, at least
// 1e-13 absolute) leaves a margin of 45x or more and is still far below any real bug: changing
// one weight by 2^-20 (~1e-6) fails it (static_encoder.cpp).
#ifndef CTATTN_TESTS_MODEL_TOLERANCE_HPP
#define CTATTN_TESTS_MODEL_TOLERANCE_HPP

namespace model_tol {
inline constexpr double rel = 1e-12;
inline constexpr double abs = 1e-13;
}  // namespace model_tol

#endif  // CTATTN_TESTS_MODEL_TOLERANCE_HPP
