// The notebook in fixed point at run time: the same bits as in constant evaluation (where
// tests/static/static_fixed_notebook.cpp proves the tolerances), for every provided format.
#include <ctattn/fixed.hpp>

#include <doctest/doctest.h>

#include "fixed_notebook.hpp"

namespace {

namespace nb = fixed_notebook;

TEST_CASE_TEMPLATE("fixed notebook: run time == compile time, bit for bit", Fx, ctattn::q15_16,
                   ctattn::q5_10, ctattn::q7_8, ctattn::q3_12) {
  constexpr auto at_compile_time = nb::run(nb::inputs<Fx>);
  // volatile copy: the optimiser cannot fold the run-time call back into a constant
  volatile int zero = 0;
  nb::problem<Fx> in = nb::inputs<Fx>;
  in.x(0, 0) = in.x(0, 0) + Fx::from_raw(static_cast<typename Fx::rep>(zero));
  const auto at_run_time = nb::run(in);
  CHECK(at_run_time == at_compile_time);
}

}  // namespace
