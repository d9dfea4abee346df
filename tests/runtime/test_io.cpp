// Runtime tests of ctattn/io.hpp against numpy itself: every expected string in
// tests/data/io_cases.hpp is what numpy printed for the same exact values
// (generator: tools/gen_io_cases.py).
#include <ctattn/io.hpp>

#include <cstddef>
#include <span>
#include <sstream>
#include <string>

#include <doctest/doctest.h>

#include "io_cases.hpp"

namespace {

template <class T>
std::string format_case(const io_data::io_case& c, std::span<const T> pool) {
  const std::span<const T> v = pool.subspan(c.offset, c.count);
  ctattn::io::print_options opt{};
  opt.precision = c.precision;
  opt.linewidth = c.linewidth;
  if (c.ndim == 1)
    return c.repr ? ctattn::io::array_repr(v, opt) : ctattn::io::array_str(v, opt);
  return c.repr ? ctattn::io::array_repr(v, c.rows, c.cols, opt)
                : ctattn::io::array_str(v, c.rows, c.cols, opt);
}

TEST_CASE("io: every numpy-printed case formats identically") {
  std::size_t checked = 0;
  for (const io_data::io_case& c : io_data::cases) {
    const std::string got = c.f32 ? format_case<float>(c, io_data::values_f32)
                                  : format_case<double>(c, io_data::values);
    CAPTURE(c.offset);
    CAPTURE(c.f32);
    CHECK(got == std::string(c.expected));
    ++checked;
  }
  MESSAGE("io: compared " << checked << " arrays with numpy's text");
  CHECK(checked >= 150);
}

TEST_CASE("io: matrix overloads, 1-D views and operator<<") {
  constexpr ctattn::matrix<double, 2, 2> m{0.5, -0.25, 2.0, 0.75};
  // numpy: str(np.array([[0.5, -0.25], [2.0, 0.75]])) and repr(...)
  CHECK(ctattn::io::array_str(m) == "[[ 0.5  -0.25]\n [ 2.    0.75]]");
  CHECK(ctattn::io::array_repr(m) == "array([[ 0.5 , -0.25],\n       [ 2.  ,  0.75]])");
  CHECK(ctattn::io::array_str_1d(m) == "[ 0.5  -0.25  2.    0.75]");
  CHECK(ctattn::io::array_repr_1d(m) == "array([ 0.5 , -0.25,  2.  ,  0.75])");
  constexpr ctattn::vector<double, 3> v{1.0, 0.5, 0.25};
  CHECK(ctattn::io::array_str(v) == "[[1.  ]\n [0.5 ]\n [0.25]]");
  CHECK(ctattn::io::array_str_1d(v) == "[1.   0.5  0.25]");
  std::ostringstream os;
  os << m;
  CHECK(os.str() == ctattn::io::array_str(m));
}

TEST_CASE("io: documented results for shapes that do not match the data") {
  constexpr double d[3] = {1, 2, 3};
  const std::span<const double> s(d);
  CHECK(ctattn::io::array_str(s, 2, 2).empty());
  CHECK(ctattn::io::array_repr(s, 1, 2).empty());
  // Empty arrays print as numpy prints them.
  CHECK(ctattn::io::array_str(s.first(0)) == "[]");
  CHECK(ctattn::io::array_str(s.first(0), 0, 3) == "[]");
  CHECK(ctattn::io::array_repr(s.first(0)) == "array([], dtype=float64)");
  CHECK(ctattn::io::array_repr(s.first(0), 0, 3) == "array([], shape=(0, 3), dtype=float64)");
}

}  // namespace
