// Misuse that a concept or a deleted overload rejects at the call: "does not compile" said as
// static_assert(!requires { ... }), each beside the valid call it differs from. (Misuse caught
// by a static_assert inside a function is checked, message included, by tests/compile_fail.)
#include <string>

#include <ctattn/attention.hpp>
#include <ctattn/math.hpp>
#include <ctattn/matrix.hpp>
#include <ctattn/options.hpp>

namespace {
using ctattn::matrix;

struct not_a_number {
  int v;
};

// Scalar: the element types the arithmetic accepts.
static_assert(ctattn::Scalar<double> && ctattn::Scalar<float> && ctattn::Scalar<int>);
static_assert(!ctattn::Scalar<bool>);
static_assert(!ctattn::Scalar<not_a_number>);
static_assert(!ctattn::Scalar<std::string>);
static_assert(!ctattn::Scalar<double*>);

// The probes are templates: a requires-expression only turns an invalid call into `false`
// when the call depends on a template parameter.
template <class T>
constexpr bool can_exp = requires(T x) { ctattn::exp(x); };
template <class T>
constexpr bool can_exp_fast = requires(T x) { ctattn::exp_fast(x); };
template <class T>
constexpr bool can_sqrt = requires(T x) { ctattn::sqrt(x); };
template <class T>
constexpr bool can_abs = requires(T x) { ctattn::abs(x); };
template <class T>
constexpr bool can_approx_equal = requires(T x) { ctattn::approx_equal(x, x, x); };
template <class M>
constexpr bool can_mask_temporary = requires { ctattn::allowed(M{}); };
template <class M>
constexpr bool can_mask_lvalue = requires(const M& m) { ctattn::allowed(m); };

// IeeeFloat: what ctattn::exp, exp_fast and sqrt are defined for.
static_assert(ctattn::IeeeFloat<double> && ctattn::IeeeFloat<float>);
static_assert(!ctattn::IeeeFloat<long double> && !ctattn::IeeeFloat<int>);
static_assert(can_exp<double> && can_exp<float>);
static_assert(!can_exp<int> && !can_exp<long double> && !can_exp<not_a_number>);
static_assert(can_exp_fast<double> && !can_exp_fast<int>);
static_assert(can_sqrt<double> && !can_sqrt<int> && !can_sqrt<long double>);

// abs / approx_equal need a Scalar.
static_assert(can_abs<double> && !can_abs<bool> && !can_abs<not_a_number>);
static_assert(can_approx_equal<float> && !can_approx_equal<not_a_number>);

// Masks keep a reference: a temporary mask would dangle, so it is rejected.
static_assert(can_mask_lvalue<matrix<bool, 2, 2>>);
static_assert(!can_mask_temporary<matrix<bool, 2, 2>>);
}  // namespace
