// ctattn/svg.hpp: the laws of the heatmap writer. What the pictures look like (fills against
// the stated scale recomputed in Python, XML parsing, rendering by rsvg-convert, the notebook's
// printed weights) is checked by tests/svg/check_svg.py.
#include <doctest/doctest.h>

#include <array>
#include <cmath>
#include <cstddef>
#include <limits>
#include <string>
#include <string_view>

#include <ctattn/fixed.hpp>
#include <ctattn/matrix.hpp>
#include <ctattn/svg.hpp>

namespace svg = ctattn::svg;

namespace {

std::size_t count(const std::string& s, std::string_view what) {
  std::size_t n = 0;
  for (std::size_t at = s.find(what); at != std::string::npos; at = s.find(what, at + 1)) ++n;
  return n;
}

// Relative luminance Y of an sRGB byte triple (IEC 61966-2-1).
double luminance(svg::rgb c) {
  const auto lin = [](std::uint8_t v) {
    const double x = v / 255.0;
    return x <= 0.04045 ? x / 12.92 : std::pow((x + 0.055) / 1.055, 2.4);
  };
  return 0.2126729 * lin(c.r) + 0.7151522 * lin(c.g) + 0.0721750 * lin(c.b);
}

// heatmap() takes what converts to double, and nothing else (a constraint, not a deep error).
struct not_a_number {};
template <class M>
concept drawable = requires(const M& m) { svg::heatmap(m); };
static_assert(drawable<ctattn::matrix<double, 2, 2>>);
static_assert(drawable<ctattn::matrix<ctattn::q7_8, 2, 2>>);
static_assert(drawable<std::array<ctattn::matrix<float, 2, 3>, 4>>);
static_assert(!drawable<ctattn::matrix<not_a_number, 2, 2>>);

}  // namespace

TEST_CASE("svg: the colour scale darkens as the weight grows, clamps, and greys NaN") {
  double previous = 2.0;
  for (int k = 0; k <= 64; ++k) {
    const double y = luminance(svg::weight_colour(k / 64.0));
    CHECK(y < previous);  // strictly darker at every step of 1/64
    previous = y;
  }
  CHECK(svg::weight_colour(-0.5) == svg::weight_colour(0.0));
  CHECK(svg::weight_colour(-std::numeric_limits<double>::infinity()) == svg::weight_colour(0.0));
  CHECK(svg::weight_colour(1.5) == svg::weight_colour(1.0));
  CHECK(svg::weight_colour(std::numeric_limits<double>::infinity()) == svg::weight_colour(1.0));
  CHECK(svg::weight_colour(std::numeric_limits<double>::quiet_NaN()) == svg::nan_colour);
  CHECK(svg::hex({0, 10, 255}) == "#000aff");
}

TEST_CASE("svg: xml_escape keeps XML well-formed for any bytes") {
  CHECK(svg::xml_escape("a<b>&\"'c") == "a&lt;b&gt;&amp;&quot;&apos;c");
  CHECK(svg::xml_escape("tab\tnl\ncr\r") == "tab\tnl\ncr\r");  // the controls XML allows
  const std::string fffd = "\xEF\xBF\xBD";
  CHECK(svg::xml_escape(std::string_view("\x00\x01\x1f", 3)) == fffd + fffd + fffd);
  // valid UTF-8 of 2, 3 and 4 bytes passes unchanged
  CHECK(svg::xml_escape("\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80") ==
        "\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80");
  CHECK(svg::xml_escape("\xff") == fffd);                                // never UTF-8
  CHECK(svg::xml_escape("\x80") == fffd);                                // lone continuation
  CHECK(svg::xml_escape("\xe2\x82") == fffd + fffd);                     // truncated
  CHECK(svg::xml_escape("\xc0\xaf") == fffd + fffd);                     // overlong '/'
  CHECK(svg::xml_escape("\xed\xa0\x80") == fffd + fffd + fffd);          // surrogate U+D800
  CHECK(svg::xml_escape("\xf4\x90\x80\x80") == fffd + fffd + fffd + fffd);  // > U+10FFFF
  CHECK(svg::xml_escape("\xef\xbf\xbe") == fffd + fffd + fffd);          // U+FFFE
  CHECK(svg::xml_escape("\xe2\x82x") == fffd + fffd + "x");               // resynchronises
}

TEST_CASE("svg: the picture depends on the values only, not on the element type") {
  const ctattn::matrix<double, 2, 3> d{0.25, 0.5, 0.0, 0.75, 0.5, 1.0};
  const ctattn::matrix<float, 2, 3> f{0.25f, 0.5f, 0.0f, 0.75f, 0.5f, 1.0f};
  using q = ctattn::q15_16;
  const ctattn::matrix<q, 2, 3> x{q(0.25), q(0.5), q(0.0), q(0.75), q(0.5), q(1.0)};
  const std::string sd = svg::heatmap(d);
  CHECK(sd == svg::heatmap(d));  // deterministic
  CHECK(sd == svg::heatmap(f));
  CHECK(sd == svg::heatmap(x));
  CHECK(count(sd, "data-weight=") == 6);
  CHECK(count(sd, "data-weight=\"0.75\"") == 1);
  CHECK(sd.find("fill=\"" + svg::hex(svg::weight_colour(0.75)) + "\" data-key=\"1\" "
                "data-query=\"0\"") != std::string::npos);  // key 1 is row 1, query 0 column 0

  ctattn::matrix<bool, 2, 2> mask{true, true, false, true};
  const std::string sm = svg::heatmap(mask);
  CHECK(count(sm, "data-weight=\"1\"") == 3);
  CHECK(count(sm, "data-weight=\"0\"") == 1);
}

TEST_CASE("svg: options") {
  const ctattn::matrix<double, 2, 2> w{0.25, 0.5, 0.75, 0.5};
  CHECK(count(svg::heatmap(w), "class=\"values\"") == 1);  // automatic: small N
  CHECK(count(svg::heatmap(w, {.values = svg::cell_values::hidden}), "class=\"values\"") == 0);
  CHECK(svg::heatmap(w, {.value_digits = 3}).find(">0.250</text>") != std::string::npos);
  const ctattn::matrix<double, 13, 13> big{};
  CHECK(count(svg::heatmap(big), "class=\"values\"") == 0);  // automatic: more than 12
  CHECK(count(svg::heatmap(big, {.values = svg::cell_values::shown}), "class=\"values\"") == 1);

  constexpr std::array<std::string_view, 2> tokens = {"the", "cat"};
  constexpr std::array<std::string_view, 1> keys = {"K<0>"};
  const std::string s = svg::heatmap(w, {.tokens = tokens, .key_tokens = keys});
  CHECK(s.find(">K&lt;0&gt;</text>") != std::string::npos);  // key 0 from key_tokens, escaped
  CHECK(s.find(">1</text>") != std::string::npos);           // key 1: no label, its index
  CHECK(count(s, ">cat</text>") == 1);                       // query 1 from tokens
  CHECK(s.find("<title>key K&lt;0&gt;, query the: 0.25</title>") != std::string::npos);

  std::array<ctattn::matrix<double, 2, 2>, 3> heads{w, w, w};
  const std::string p = svg::heatmap(heads);
  CHECK(count(p, "class=\"panel\"") == 3);
  CHECK(count(p, ">head 2</text>") == 1);
  CHECK(count(p, "data-weight=") == 12);
  CHECK(count(svg::heatmap(w, {.title = "T & U"}), "T &amp; U") == 2);  // <title> and caption

  // cell_size: clamped to [4, 400]; 0, negative or NaN: the automatic size
  CHECK(svg::heatmap(w, {.cell_size = 1e300}) == svg::heatmap(w, {.cell_size = 400}));
  CHECK(svg::heatmap(w, {.cell_size = 1e-300}) == svg::heatmap(w, {.cell_size = 4}));
  CHECK(svg::heatmap(w, {.cell_size = -3}) == svg::heatmap(w));
  CHECK(svg::heatmap(w, {.cell_size = std::numeric_limits<double>::quiet_NaN()}) ==
        svg::heatmap(w));
  CHECK(svg::heatmap(w, {.cell_size = 44}) == svg::heatmap(w));
  CHECK(count(svg::heatmap(w, {.cell_size = 400}), "width=\"400\" height=\"400\"") == 4);
}
