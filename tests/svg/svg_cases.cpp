// tests/svg/svg_cases.cpp - heatmaps of the cases a user may hand to ctattn/svg.hpp, written
// to DIR for tests/svg/check_svg.py, which looks at them as the examples' ones (XML, fills
// against the scale, rendering) and checks what each case is about (the file names below).
//
// Run: svg_cases DIR
#include <array>
#include <cstddef>
#include <fstream>
#include <iostream>
#include <limits>
#include <string>
#include <string_view>

#include <ctattn/attention.hpp>
#include <ctattn/fixed.hpp>
#include <ctattn/matrix.hpp>
#include <ctattn/svg.hpp>

#include "fixed_notebook.hpp"

namespace {

bool write(const std::string& path, const std::string& svg) {
  std::ofstream file(path, std::ios::binary);
  file << svg;
  file.close();
  if (!file) std::cerr << "svg_cases: cannot write " << path << '\n';
  return static_cast<bool>(file);
}

// Labels that must be escaped or repaired to keep the document well-formed XML; the expected
// text after parsing is in check_svg.py (HOSTILE_PARSED).
constexpr std::array<std::string_view, 6> hostile = {
    "<b>&\"'</b>",     // markup characters
    "tab\there",       // allowed control
    "bad\xff byte",    // not UTF-8
    "ctl\x01",         // control XML forbids
    "\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80",  // e-acute, euro, emoji: kept
    "\xe0\x80\xaf",    // overlong encoding of '/': three U+FFFD
};

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: svg_cases DIR\n";
    return 2;
  }
  const std::string dir = argv[1];
  namespace svg = ctattn::svg;
  bool ok = true;

  // The notebook in float and in q15_16 fixed point: weights of real attention, columns sum
  // to 1 (fixed: every weight a multiple of 2^-16).
  ok = ok && write(dir + "/float.svg",
                   svg::heatmap(fixed_notebook::run(fixed_notebook::inputs<float>).weights,
                                {.title = "float", .value_digits = 3}));
  ok = ok && write(dir + "/fixed_q15_16.svg",
                   svg::heatmap(fixed_notebook::run(fixed_notebook::inputs<ctattn::q15_16>).weights,
                                {.title = "q15_16"}));

  // Cross-attention shape: 5 keys, 3 queries, each axis with its own labels.
  {
    ctattn::matrix<double, 5, 3> w{};
    for (std::size_t m = 0; m < 5; ++m)
      for (std::size_t n = 0; n < 3; ++n) w(m, n) = static_cast<double>(m + 1) / 15.0;
    constexpr std::array<std::string_view, 5> keys = {"k0", "k1", "k2", "k3", "k4"};
    constexpr std::array<std::string_view, 3> queries = {"q0", "q1", "q2"};
    ok = ok && write(dir + "/cross.svg",
                     svg::heatmap(w, {.key_tokens = keys, .query_tokens = queries}));
  }

  // Hostile labels on both axes, values hidden.
  {
    ctattn::matrix<double, 6, 6> w{};
    for (std::size_t i = 0; i < 6; ++i) w(i, i) = 1.0;
    ok = ok && write(dir + "/hostile.svg",
                     svg::heatmap(w, {.title = "<&>\"' \xff", .tokens = hostile,
                                      .values = svg::cell_values::hidden}));
  }

  // Values outside [0, 1] and NaN: clamped colours, grey NaN.
  {
    const double nan = std::numeric_limits<double>::quiet_NaN();
    const double inf = std::numeric_limits<double>::infinity();
    const ctattn::matrix<double, 3, 2> w{nan, -0.5, 1.5, inf, -inf, 0.5};
    ok = ok && write(dir + "/out_of_range.svg", svg::heatmap(w));
  }

  // 40 tokens with long labels: small cells, every other label, rotated column labels.
  {
    ctattn::matrix<double, 40, 40> w{};
    for (std::size_t m = 0; m < 40; ++m)
      for (std::size_t n = 0; n < 40; ++n)
        w(m, n) = m <= n ? 1.0 / static_cast<double>(n + 1) : 0.0;
    std::array<std::string, 40> names{};
    std::array<std::string_view, 40> labels{};
    for (std::size_t i = 0; i < 40; ++i) {
      names[i] = "token_" + std::to_string(i);
      labels[i] = names[i];
    }
    ok = ok && write(dir + "/large.svg", svg::heatmap(w, {.tokens = labels}));
  }

  // A mask (bool) and two heads of float in panels, one per row.
  {
    ctattn::matrix<bool, 4, 4> mask{};
    for (std::size_t m = 0; m < 4; ++m)
      for (std::size_t n = 0; n < 4; ++n) mask(m, n) = m <= n;
    ok = ok && write(dir + "/mask.svg", svg::heatmap(mask));
    std::array<ctattn::matrix<float, 2, 2>, 2> heads{};
    heads[0] = {0.25f, 0.75f, 0.75f, 0.25f};
    heads[1] = {1.0f, 0.0f, 0.0f, 1.0f};
    ok = ok && write(dir + "/two_heads.svg",
                     svg::heatmap(heads, {.values = svg::cell_values::shown,
                                          .panels_per_row = 1}));
  }
  return ok ? 0 : 1;
}
