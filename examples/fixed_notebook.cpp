// examples/fixed_notebook.cpp - self-attention in fixed point: the notebook (UDL 12.1) and the
// numpy reference problems run in q15_16 (int32), q5_10, q7_8 and q3_12 (int16), compared with
// the double result. Prints README's accuracy table.
//
// The same self_attention call as for double; only T changes. For q15_16 the notebook is also
// proven at compile time (static_assert below, and tests/static/static_fixed_notebook.cpp for
// every format), and the compiled fixed-point code is integer-only
// (tests/fixed_nofloat, tools/check_no_float.py).
//
// Run: ./build/examples/fixed_notebook
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdio>
#include <string>

#include <ctattn/attention.hpp>
#include <ctattn/fixed.hpp>
#include <ctattn/matrix.hpp>

#include "../tests/data/reference_cases.hpp"
#include "fixed_notebook.hpp"

namespace {

namespace nb = fixed_notebook;
using ctattn::q15_16;

// ---- the notebook in q15_16, at compile time ---------------------------------------------------
constexpr auto notebook_q16 = nb::run(nb::inputs<q15_16>);
static_assert(nb::max_abs_error(notebook_q16.weights, nb::reference.weights) <=
              nb::tolerance<q15_16>::weights);
static_assert(nb::max_abs_error(notebook_q16.output, nb::reference.output) <=
              nb::tolerance<q15_16>::output);

// ---- one row of the table ------------------------------------------------------------------------

template <class T, std::size_t R, std::size_t C>
double max_abs(const ctattn::matrix<T, R, C>& m) {
  double worst = 0;
  for (const T& e : m) worst = std::max(worst, std::fabs(static_cast<double>(e)));
  return worst;
}

// The largest magnitude any stored value takes in the double computation: inputs, parameters,
// Q, K, V, the scores K^T Q and the output. A format whose range is below it saturates.
template <std::size_t D, std::size_t N, std::size_t Dk, std::size_t Dv>
double range_needed(const ctattn::matrix<double, D, N>& x,
                    const ctattn::attention_params<double, D, Dk, Dv>& p) {
  const auto q = ctattn::affine(p.omega_q, x, p.beta_q);
  const auto k = ctattn::affine(p.omega_k, x, p.beta_k);
  const auto v = ctattn::affine(p.omega_v, x, p.beta_v);
  const auto out = ctattn::self_attention(x, p).output;
  return std::max({max_abs(x), max_abs(p.omega_q), max_abs(p.omega_k), max_abs(p.omega_v),
                   max_abs(p.beta_q), max_abs(p.beta_k), max_abs(p.beta_v), max_abs(q),
                   max_abs(k), max_abs(v), max_abs(ctattn::transpose_times(k, q)),
                   max_abs(out)});
}

template <class Fx, std::size_t D, std::size_t Dk, std::size_t Dv>
ctattn::attention_params<Fx, D, Dk, Dv> to_fixed(const ctattn::attention_params<double, D, Dk, Dv>& p) {
  return {ctattn::matrix_cast<Fx>(p.omega_q), ctattn::matrix_cast<Fx>(p.omega_k),
          ctattn::matrix_cast<Fx>(p.omega_v), ctattn::matrix_cast<Fx>(p.beta_q),
          ctattn::matrix_cast<Fx>(p.beta_k), ctattn::matrix_cast<Fx>(p.beta_v)};
}

// "weights / output" max abs errors of format Fx against double, "sat" when the range is short.
template <class Fx, std::size_t D, std::size_t N, std::size_t Dk, std::size_t Dv>
std::string cell(const ctattn::matrix<double, D, N>& x,
                 const ctattn::attention_params<double, D, Dk, Dv>& p, double needed) {
  const auto ref = ctattn::self_attention(x, p);
  const auto r = ctattn::self_attention(ctattn::matrix_cast<Fx>(x), to_fixed<Fx>(p));
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.1e / %.1e%s", nb::max_abs_error(r.weights, ref.weights),
                nb::max_abs_error(r.output, ref.output),
                needed >= static_cast<double>(Fx::max()) ? " sat" : "");
  return buf;
}

template <std::size_t D, std::size_t N, std::size_t Dk, std::size_t Dv>
void row(const char* name, const ctattn::matrix<double, D, N>& x,
         const ctattn::attention_params<double, D, Dk, Dv>& p) {
  const double needed = range_needed(x, p);
  std::printf("| %s | %zux%zu, %zu, %zu | %.3g | %s | %s | %s | %s |\n", name, D, N, Dk, Dv,
              needed, cell<q15_16>(x, p, needed).c_str(), cell<ctattn::q5_10>(x, p, needed).c_str(),
              cell<ctattn::q7_8>(x, p, needed).c_str(), cell<ctattn::q3_12>(x, p, needed).c_str());
}

}  // namespace

int main() {
  std::printf("Notebook in q15_16 (compile time) against double:\n");
  for (std::size_t n = 0; n < nb::N; ++n) {
    std::printf("x'_%zu q15_16:", n);
    for (std::size_t d = 0; d < nb::D; ++d)
      std::printf(" %11.8f", static_cast<double>(notebook_q16.output(d, n)));
    std::printf("\nx'_%zu double:", n);
    for (std::size_t d = 0; d < nb::D; ++d) std::printf(" %11.8f", nb::reference.output(d, n));
    std::printf("\n");
  }
  std::printf(
      "\nMax absolute error against double, weights / output (\"sat\": some value of the double "
      "computation lies outside the format's range; saturating arithmetic then gives no "
      "accuracy guarantee):\n\n");
  std::printf("| case | DxN, Dk, Dv | largest value | q15_16 (int32) | q5_10 (int16) | q7_8 (int16) "
              "| q3_12 (int16) |\n");
  std::printf("|---|---|---|---|---|---|---|\n");
  row("notebook (UDL 12.1)", nb::inputs<double>.x, nb::inputs<double>.params);
  reference_data::for_each_case([](const auto& c) { row(c.name, c.x, c.params); });
  return 0;
}
