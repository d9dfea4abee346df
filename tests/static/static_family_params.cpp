// Compile-time tests of ctattn/params.hpp: parameter counts, the flat layout, load/store round
// trips, all in constant evaluation.
#include <ctattn/params.hpp>

#include <boost/hana/at.hpp>
#include <boost/hana/equal.hpp>
#include <boost/hana/keys.hpp>
#include <boost/hana/length.hpp>
#include <boost/hana/members.hpp>

#include <array>
#include <type_traits>

namespace {
using ctattn::matrix;

// The parameter types stay aggregates with the documented members (adapting is external).
static_assert(std::is_aggregate_v<ctattn::attention_params<double, 4, 2, 3>>);
static_assert(std::is_aggregate_v<ctattn::multihead_params<double, 4, 2>>);
static_assert(std::is_aggregate_v<ctattn::multihead_params_with_bias<double, 4, 2>>);
static_assert(std::is_aggregate_v<ctattn::cross_attention_params<double, 4, 5, 2, 3>>);

// They are genuine Hana Structs: Hana's own algorithms see the members, with their names.
namespace hana = boost::hana;
static_assert(hana::Struct<ctattn::attention_params<double, 4, 2, 3>>::value);
constexpr auto names = hana::keys(ctattn::attention_params<double, 4, 2, 3>{});
static_assert(hana::at_c<0>(names) == BOOST_HANA_STRING("omega_q"));
static_assert(hana::at_c<5>(names) == BOOST_HANA_STRING("beta_v"));
static_assert(hana::length(names) == hana::size_c<6>);
static_assert(hana::length(hana::members(ctattn::multihead_params_with_bias<double, 4, 2>{})) ==
              hana::size_c<3>);

// Counts from the types: 3 matrices + 3 vectors; heads, then omega_c (and beta_c).
static_assert(ctattn::parameter_count_v<ctattn::attention_params<double, 4, 2, 3>> ==
              2 * 4 + 2 * 4 + 3 * 4 + 2 + 2 + 3);
static_assert(ctattn::parameter_count_v<ctattn::cross_attention_params<float, 4, 5, 2, 3>> ==
              2 * 4 + 2 * 5 + 3 * 5 + 2 + 2 + 3);
static_assert(ctattn::parameter_count_v<ctattn::multihead_params<double, 8, 4>> ==
              4 * (3 * 2 * 8 + 3 * 2) + 8 * 8);
static_assert(ctattn::parameter_count_v<ctattn::multihead_params_with_bias<double, 8, 4>> ==
              4 * (3 * 2 * 8 + 3 * 2) + 8 * 8 + 8);
static_assert(ctattn::parameter_count_v<ctattn::multihead_params<double, 64, 8>> ==
              3 * 64 * 64 + 3 * 64 + 64 * 64);  // PyTorch's in_proj + out_proj weight
static_assert(ctattn::parameter_count_v<const ctattn::attention_params<double, 2>> == 18);

// Loading from a constexpr C array: 0, 1, 2, ... shows the layout.
constexpr auto iota = [] {
  std::array<double, ctattn::parameter_count_v<ctattn::attention_params<double, 3, 2, 2>>> a{};
  for (std::size_t i = 0; i < a.size(); ++i) a[i] = static_cast<double>(i);
  return a;
}();
constexpr auto p = ctattn::load_params<ctattn::attention_params<double, 3, 2, 2>>(iota);
static_assert(p.omega_q == matrix<double, 2, 3>{0, 1, 2, 3, 4, 5});  // row-major
static_assert(p.omega_k(0, 0) == 6 && p.omega_v(1, 2) == 17);
static_assert(p.beta_q[0] == 18 && p.beta_k[1] == 21 && p.beta_v[1] == 23);
static_assert(ctattn::store_params(p) == iota);

constexpr double flat[] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
constexpr auto p2 = ctattn::load_params<ctattn::attention_params<double, 2, 1, 2>>(flat);
static_assert(p2.omega_q == matrix<double, 1, 2>{1, 2} && p2.beta_v[1] == 12);
static_assert(ctattn::load_params<decltype(p2)>(ctattn::store_params(p2)) == p2);

// Multi-head: heads in order, each as attention_params, then omega_c, then beta_c.
using MP = ctattn::multihead_params_with_bias<float, 4, 2>;
constexpr auto mp = [] {
  std::array<float, ctattn::parameter_count_v<MP>> a{};
  for (std::size_t i = 0; i < a.size(); ++i) a[i] = static_cast<float>(i);
  return ctattn::load_params<MP>(a);
}();
constexpr std::size_t head = ctattn::parameter_count_v<ctattn::attention_params<float, 4, 2, 2>>;
static_assert(mp.heads[0].omega_q(0, 0) == 0.f);
static_assert(mp.heads[1].omega_q(0, 0) == static_cast<float>(head));
static_assert(mp.omega_c(0, 0) == static_cast<float>(2 * head));
static_assert(mp.beta_c[3] == static_cast<float>(ctattn::parameter_count_v<MP> - 1));
static_assert(ctattn::load_params<MP>(ctattn::store_params(mp)) == mp);

// Loading and running attention, all at compile time.
constexpr matrix<double, 2, 3> x{0.5, -1, 0.25, 1, 0, -0.5};
static_assert(ctattn::self_attention(x, p2, ctattn::scaled).weights.cols == 3);

// load/store into a span of static extent
static_assert([] {
  double out[12]{};
  ctattn::store_params(p2, std::span<double, 12>(out));
  ctattn::attention_params<double, 2, 1, 2> back{};
  ctattn::load_params(back, std::span<const double, 12>(out));
  return back == p2;
}());

// Large parameters load in folds of at most 64 elements (Clang rejects folds over 256): the
// D = 64, H = 8 multi-head's 64 x 64 omega_c included.
using big = ctattn::multihead_params_with_bias<double, 64, 8>;
constexpr auto big_flat = [] {
  std::array<double, ctattn::parameter_count_v<big>> a{};
  for (std::size_t i = 0; i < a.size(); ++i) a[i] = static_cast<double>(i % 977);
  return a;
}();
constexpr auto big_p = ctattn::load_params<big>(big_flat);
static_assert(big_p.omega_c(63, 63) == static_cast<double>((big_flat.size() - 65) % 977));
static_assert(ctattn::store_params(big_p) == big_flat);
}  // namespace
