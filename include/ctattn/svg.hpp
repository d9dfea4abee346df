// ctattn/svg.hpp - attention weights drawn as an SVG heatmap (opt-in, like ctattn/io.hpp).
//
// Hosted only: it builds a std::string (and so uses the heap), which the rest of the library
// never does; ctattn.hpp does not include it. No dependency beyond the standard library.
//
//   std::ofstream("weights.svg") << ctattn::svg::heatmap(result.weights);
//   std::ofstream("heads.svg") << ctattn::svg::heatmap(multihead.weights, {.title = "heads"});
//
// The picture is the book's layout: one row per key m, one column per query n, cell (m, n)
// shaded by the weight a_mn (column n sums to 1). A std::array of H matrices (what
// multihead_self_attention returns in `.weights`) is drawn as H panels, "head 0" .. "head H-1",
// with one legend. Rows and columns are labelled by index, or by token labels when given;
// the weights are printed in the cells for small N. Elements may be float, double, ctattn's
// fixed-point types or anything else static_cast to double (bool: masks as 0 / 1).
//
// The colour scale (weight_colour), exactly: w is clamped to [0, 1] (NaN: grey #808080), then
//   (L*, a*, b*) = linear interpolation in CIELAB between the stops
//                  w = 0: (97, -3, 12)   w = 0.5: (58.5, -32, -8)   w = 1: (20, 20, -46)
//   (so the lightness L* = 97 - 77 w falls linearly: light cream, teal, dark blue);
//   X, Y, Z = D65 white (0.95047, 1, 1.08883) x f^-1((L*+16)/116 + a*/500),
//             f^-1((L*+16)/116), f^-1((L*+16)/116 - b*/200),
//             f^-1(t) = t^3 if t > 6/29 else 3 (6/29)^2 (t - 4/29);
//   linear sRGB = [ 3.2404542 -1.5371385 -0.4985314; -0.9692660 1.8760108 0.0415560;
//                   0.0556434 -0.2040259 1.0572252 ] (X, Y, Z), each clamped to [0, 1]
//                 (the scale lies inside the sRGB gamut: the clamp never acts for w in [0, 1]);
//   sRGB = 12.92 c if c <= 0.0031308 else 1.055 c^(1/2.4) - 0.055;
//   byte = round(255 sRGB), ties away from zero.
// Values in the cells are black where L* >= 55, white where darker.
//
// The document is deterministic (the same weights and options give the same bytes) and
// well-formed XML for any label text: labels are escaped (&, <, >, ", '), and bytes that are
// not valid UTF-8, or code points XML forbids (controls other than tab, newline, return),
// become U+FFFD. Each cell is a <rect> carrying data-key, data-query and data-weight (the
// weight as a double, shortest round-trip digits) and a <title> tooltip.
// Tested as a user would look (tests/svg/check_svg.py: parsed as XML, every fill against the
// scale recomputed in Python, rendered by rsvg-convert and read back at the cells) and by
// tests/runtime/test_svg.cpp. Tutorial: docs/heatmaps.md.
#ifndef CTATTN_SVG_HPP
#define CTATTN_SVG_HPP

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <ctattn/detail/isa.hpp>
#include <ctattn/detail/fp.hpp>
#include <ctattn/matrix.hpp>

CTATTN_DETAIL_FP_STRICT_BEGIN

namespace ctattn::inline CTATTN_ISA_NS::svg {

//! An 8-bit sRGB colour.
struct rgb {
  std::uint8_t r = 0;
  std::uint8_t g = 0;
  std::uint8_t b = 0;

  friend constexpr bool operator==(const rgb&, const rgb&) = default;
};

//! The colour scale's stops: CIELAB (L*, a*, b*) at w = 0, 0.5 and 1.
inline constexpr double scale_stops[3][3] = {
    {97.0, -3.0, 12.0}, {58.5, -32.0, -8.0}, {20.0, 20.0, -46.0}};

//! The colour of a NaN weight.
inline constexpr rgb nan_colour{128, 128, 128};

namespace detail {

// w clamped to [0, 1] (NaN stays NaN).
inline double clamp_weight(double w) noexcept {
  if (!(w == w)) return w;
  return w < 0.0 ? 0.0 : (w > 1.0 ? 1.0 : w);
}

// CIELAB of w on the scale (w in [0, 1]).
inline std::array<double, 3> scale_lab(double w) noexcept {
  const std::size_t seg = w <= 0.5 ? 0 : 1;
  const double t = (w - 0.5 * static_cast<double>(seg)) / 0.5;
  std::array<double, 3> lab{};
  for (std::size_t i = 0; i < 3; ++i)
    lab[i] = scale_stops[seg][i] + (scale_stops[seg + 1][i] - scale_stops[seg][i]) * t;
  return lab;
}

inline double lab_f_inv(double t) noexcept {
  constexpr double d = 6.0 / 29.0;
  return t > d ? t * t * t : 3.0 * d * d * (t - 4.0 / 29.0);
}

inline std::uint8_t srgb_byte(double linear) noexcept {
  const double c = linear < 0.0 ? 0.0 : (linear > 1.0 ? 1.0 : linear);
  const double e = c <= 0.0031308 ? 12.92 * c : 1.055 * std::pow(c, 1.0 / 2.4) - 0.055;
  return static_cast<std::uint8_t>(std::lround(255.0 * e));
}

}  // namespace detail

//! The colour of weight w on the scale stated at the top of this header (CIELAB, L* = 97 - 77 w
//! for w in [0, 1]; clamped outside; NaN: nan_colour).
[[nodiscard]] inline rgb weight_colour(double w) noexcept {
  w = detail::clamp_weight(w);
  if (!(w == w)) return nan_colour;
  const std::array<double, 3> lab = detail::scale_lab(w);
  const double fy = (lab[0] + 16.0) / 116.0;
  const double x = 0.95047 * detail::lab_f_inv(fy + lab[1] / 500.0);
  const double y = detail::lab_f_inv(fy);
  const double z = 1.08883 * detail::lab_f_inv(fy - lab[2] / 200.0);
  return {detail::srgb_byte(3.2404542 * x - 1.5371385 * y - 0.4985314 * z),
          detail::srgb_byte(-0.9692660 * x + 1.8760108 * y + 0.0415560 * z),
          detail::srgb_byte(0.0556434 * x - 0.2040259 * y + 1.0572252 * z)};
}

//! "#rrggbb" (lower-case hex digits).
[[nodiscard]] inline std::string hex(rgb c) {
  constexpr std::string_view digits = "0123456789abcdef";
  std::string s = "#";
  for (const std::uint8_t v : {c.r, c.g, c.b}) {
    s += digits[v >> 4U];
    s += digits[v & 15U];
  }
  return s;
}

//! `text` as XML character data or attribute value: &, <, >, ", ' escaped; bytes that are not
//! valid UTF-8, and code points XML 1.0 forbids (C0 controls except tab, newline and return,
//! U+FFFE, U+FFFF), replaced by U+FFFD.
[[nodiscard]] inline std::string xml_escape(std::string_view text) {
  constexpr std::string_view replacement = "\xEF\xBF\xBD";
  std::string out;
  out.reserve(text.size());
  std::size_t i = 0;
  while (i < text.size()) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x80U) {
      switch (c) {
        case '&': out += "&amp;"; break;
        case '<': out += "&lt;"; break;
        case '>': out += "&gt;"; break;
        case '"': out += "&quot;"; break;
        case '\'': out += "&apos;"; break;
        default:
          if (c < 0x20U && c != '\t' && c != '\n' && c != '\r')
            out += replacement;
          else
            out += static_cast<char>(c);
      }
      ++i;
      continue;
    }
    // A multi-byte sequence: its length, the smallest code point it may encode (no overlong
    // forms), then continuation bytes; no surrogates, nothing above U+10FFFF.
    std::size_t len = 0;
    std::uint32_t cp = 0;
    std::uint32_t min_cp = 0;
    if ((c & 0xE0U) == 0xC0U) {
      len = 2;
      cp = c & 0x1FU;
      min_cp = 0x80;
    } else if ((c & 0xF0U) == 0xE0U) {
      len = 3;
      cp = c & 0x0FU;
      min_cp = 0x800;
    } else if ((c & 0xF8U) == 0xF0U) {
      len = 4;
      cp = c & 0x07U;
      min_cp = 0x10000;
    }
    bool ok = len != 0 && i + len <= text.size();
    for (std::size_t k = 1; ok && k < len; ++k) {
      const auto cc = static_cast<unsigned char>(text[i + k]);
      if ((cc & 0xC0U) != 0x80U) {
        ok = false;
        break;
      }
      cp = (cp << 6U) | (cc & 0x3FU);
    }
    ok = ok && cp >= min_cp && cp <= 0x10FFFF && !(cp >= 0xD800 && cp <= 0xDFFF) &&
         cp != 0xFFFE && cp != 0xFFFF;
    if (ok) {
      out.append(text.substr(i, len));
      i += len;
    } else {
      out += replacement;
      ++i;  // resynchronise at the next byte
    }
  }
  return out;
}

//! Whether the weights are printed in the cells.
enum class cell_values {
  automatic,  //!< printed when both Nk and Nq are at most 12
  shown,      //!< always printed
  hidden      //!< never printed
};

//! How heatmap() draws. Designated initialisers read well: `{.title = "t", .tokens = toks}`.
struct heatmap_options {
  std::string_view title = {};                          //!< caption at the top (none if empty)
  std::span<const std::string_view> tokens = {};        //!< labels of rows and columns
  std::span<const std::string_view> key_tokens = {};    //!< row labels; replace `tokens`
  std::span<const std::string_view> query_tokens = {};  //!< column labels; replace `tokens`
  cell_values values = cell_values::automatic;          //!< weights printed in the cells
  int value_digits = 2;            //!< decimals of the printed weights, clamped to [0, 6]
  double cell_size = 0;            //!< px, in [4, 400]; 0: 44 up to N = 12, else 528 / N, >= 8
  std::size_t panels_per_row = 4;  //!< several heads: panels side by side before wrapping
};

//! Element types heatmap() accepts: anything static_cast to double (float, double, fixed).
template <class T>
concept ConvertibleToDouble = requires(const T& t) { static_cast<double>(t); };

namespace detail {

// Coordinates: at most two decimals, trailing zeros dropped ("12", "12.5", "12.25").
inline void append_num(std::string& s, double v) {
  char buf[400];  // fixed notation of the largest double needs 310 characters
  const auto r = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::fixed, 2);
  std::string_view t(buf, static_cast<std::size_t>(r.ptr - buf));
  while (!t.empty() && t.back() == '0') t.remove_suffix(1);
  if (!t.empty() && t.back() == '.') t.remove_suffix(1);
  if (t == "-0") t = "0";
  s += t;
}

inline std::string num(double v) {
  std::string s;
  append_num(s, v);
  return s;
}

// The weight with its shortest round-trip digits ("0.998281488...", "1.2e-13", "nan").
inline std::string exact(double v) {
  char buf[64];
  const auto r = std::to_chars(buf, buf + sizeof buf, v);
  return {buf, r.ptr};
}

inline std::string digits_general(double v, int precision) {
  char buf[64];
  const auto r = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::general, precision);
  return {buf, r.ptr};
}

inline std::string digits_fixed(double v, int decimals) {
  if (!(v == v)) return "nan";
  char buf[400];  // fixed notation of the largest double needs 310 characters
  const auto r = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::fixed, decimals);
  return {buf, r.ptr};
}

// Code points of valid UTF-8 text (for the width estimate).
inline std::size_t code_points(std::string_view s) noexcept {
  std::size_t n = 0;
  for (const char ch : s)
    if ((static_cast<unsigned char>(ch) & 0xC0U) != 0x80U) ++n;
  return n;
}

// Estimated width of a text in px: 0.62 em per character (DejaVu Sans' digits are 0.636 em).
inline double text_width(std::string_view s, double font) noexcept {
  return 0.62 * font * static_cast<double>(code_points(s));
}

inline std::string label(std::span<const std::string_view> own,
                         std::span<const std::string_view> shared, std::size_t i) {
  const std::span<const std::string_view> l = own.empty() ? shared : own;
  if (i < l.size()) return std::string(l[i]);
  return std::to_string(i);
}

constexpr double margin = 12;
constexpr double label_font = 12;
constexpr double axis_font = 13;
constexpr double caption_font = 14;
constexpr double title_font = 16;
constexpr double panel_gap_x = 28;
constexpr double panel_gap_y = 20;

// The whole document for `heads` panels of nk x nq weights, head-major then row-major.
// `captions`: "head h" above each panel.
inline std::string render(std::span<const double> w, std::size_t heads, std::size_t nk,
                          std::size_t nq, const heatmap_options& opt, bool captions) {
  const std::size_t n_max = std::max(nk, nq);
  double cell = opt.cell_size;
  if (!(cell > 0)) cell = n_max <= 12 ? 44.0 : std::max(8.0, 528.0 / static_cast<double>(n_max));
  cell = std::clamp(cell, 4.0, 400.0);
  const bool values = opt.values == cell_values::shown ||
                      (opt.values == cell_values::automatic && nk <= 12 && nq <= 12);
  const int decimals = std::clamp(opt.value_digits, 0, 6);

  // Labels, every `step`-th when cells are too small for every one.
  const auto step = static_cast<std::size_t>(std::ceil(14.0 / cell));
  std::vector<std::string> row_labels(nk);
  std::vector<std::string> col_labels(nq);
  double row_w = 0;
  double col_w = 0;
  for (std::size_t m = 0; m < nk; ++m) {
    row_labels[m] = label(opt.key_tokens, opt.tokens, m);
    if (m % step == 0) row_w = std::max(row_w, text_width(row_labels[m], label_font));
  }
  for (std::size_t n = 0; n < nq; ++n) {
    col_labels[n] = label(opt.query_tokens, opt.tokens, n);
    if (n % step == 0) col_w = std::max(col_w, text_width(col_labels[n], label_font));
  }
  const bool rotate_cols = col_w > cell - 4;

  // One panel's geometry, relative to its corner.
  const double caption_h = captions ? 22 : 0;
  const double axis_h = 20;
  const double col_labels_h = rotate_cols ? col_w + 8 : 16;
  const double axis_w = 20;
  const double row_labels_w = row_w + 8;
  const double grid_dx = axis_w + row_labels_w;
  const double grid_dy = caption_h + axis_h + col_labels_h;
  const double grid_w = cell * static_cast<double>(nq);
  const double grid_h = cell * static_cast<double>(nk);
  const double panel_w = grid_dx + grid_w;
  const double panel_h = grid_dy + grid_h;
  const std::size_t per_row = std::clamp<std::size_t>(opt.panels_per_row, 1, heads);
  const std::size_t panel_rows = (heads + per_row - 1) / per_row;

  const double title_h = opt.title.empty() ? 0 : 28;
  const double panels_x = margin;
  const double panels_y = margin + title_h;
  const double panels_w =
      static_cast<double>(per_row) * panel_w + static_cast<double>(per_row - 1) * panel_gap_x;
  const double panels_h = static_cast<double>(panel_rows) * panel_h +
                          static_cast<double>(panel_rows - 1) * panel_gap_y;

  // The legend: a vertical bar, w = 1 at the top, ticks every 0.25.
  const double bar_x = panels_x + panels_w + 28;
  const double bar_y = panels_y + grid_dy;
  const double bar_w = 14;
  const double bar_h = std::clamp(grid_h, 100.0, 300.0);
  const double legend_w = bar_w + 6 + text_width("0.75", label_font) + 4;

  // (bold titles: 0.7 em per character)
  const double width = std::max(bar_x + std::max(legend_w, text_width("weight", label_font)),
                                margin + 0.7 / 0.62 * text_width(opt.title, title_font)) +
                       margin;
  const double height = std::max(panels_y + panels_h, bar_y + bar_h + 8) + margin;

  std::string s;
  s.reserve(512 + w.size() * 220);
  s += "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  s += "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + num(width) + "\" height=\"" +
       num(height) + "\" viewBox=\"0 0 " + num(width) + ' ' + num(height) +
       "\" font-family=\"DejaVu Sans, Verdana, sans-serif\" role=\"img\">\n";
  s += "<title>" +
       (opt.title.empty() ? std::string("attention weights") : xml_escape(opt.title)) +
       "</title>\n";
  s += "<desc>Attention weights in the book's layout: row m = key m, column n = query n; cell "
       "(m, n) is the weight of key m for query n, each column sums to 1. Colour scale "
       "(ctattn/svg.hpp): CIELAB interpolated between (97, -3, 12) at 0, (58.5, -32, -8) at "
       "0.5 and (20, 20, -46) at 1, D65, sRGB.</desc>\n";
  s += "<defs><linearGradient id=\"ctattn-weight-scale\" x1=\"0\" y1=\"1\" x2=\"0\" y2=\"0\">";
  for (int k = 0; k <= 20; ++k) {
    const double t = k / 20.0;
    s += "<stop offset=\"" + num(t) + "\" stop-color=\"" + hex(weight_colour(t)) + "\"/>";
  }
  s += "</linearGradient></defs>\n";
  s += "<rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>\n";
  if (!opt.title.empty()) {
    s += "<text x=\"" + num(margin) + "\" y=\"" + num(margin + title_font) +
         "\" font-size=\"16\" font-weight=\"bold\">" + xml_escape(opt.title) + "</text>\n";
  }

  for (std::size_t h = 0; h < heads; ++h) {
    const std::size_t panel_col = h % per_row;
    const std::size_t panel_row = h / per_row;
    const double px = panels_x + static_cast<double>(panel_col) * (panel_w + panel_gap_x);
    const double py = panels_y + static_cast<double>(panel_row) * (panel_h + panel_gap_y);
    const double gx = px + grid_dx;
    const double gy = py + grid_dy;
    s += "<g class=\"panel\" data-head=\"" + std::to_string(h) + "\" data-rows=\"" +
         std::to_string(nk) + "\" data-cols=\"" + std::to_string(nq) + "\">\n";
    if (captions) {
      s += "<text x=\"" + num(gx + grid_w / 2) + "\" y=\"" + num(py + caption_font) +
           "\" font-size=\"14\" font-weight=\"bold\" text-anchor=\"middle\">head " +
           std::to_string(h) + "</text>\n";
    }
    // Axis names: queries along the top, keys down the left side.
    s += "<text x=\"" + num(gx + grid_w / 2) + "\" y=\"" + num(py + caption_h + axis_font) +
         "\" font-size=\"13\" font-style=\"italic\" text-anchor=\"middle\">queries n "
         "(columns)</text>\n";
    s += "<text transform=\"translate(" + num(px + axis_font) + ' ' + num(gy + grid_h / 2) +
         ") rotate(-90)\" font-size=\"13\" font-style=\"italic\" text-anchor=\"middle\">keys m "
         "(rows)</text>\n";
    s += "<g font-size=\"12\">\n";
    for (std::size_t n = 0; n < nq; n += step) {
      const double cx = gx + (static_cast<double>(n) + 0.5) * cell;
      if (rotate_cols) {
        s += "<text transform=\"translate(" + num(cx + 0.35 * label_font) + ' ' + num(gy - 6) +
             ") rotate(-90)\">" + xml_escape(col_labels[n]) + "</text>\n";
      } else {
        s += "<text x=\"" + num(cx) + "\" y=\"" + num(gy - 6) + "\" text-anchor=\"middle\">" +
             xml_escape(col_labels[n]) + "</text>\n";
      }
    }
    for (std::size_t m = 0; m < nk; m += step) {
      const double cy = gy + (static_cast<double>(m) + 0.5) * cell;
      s += "<text x=\"" + num(gx - 6) + "\" y=\"" + num(cy + 0.35 * label_font) +
           "\" text-anchor=\"end\">" + xml_escape(row_labels[m]) + "</text>\n";
    }
    s += "</g>\n<g class=\"cells\">\n";
    for (std::size_t m = 0; m < nk; ++m) {
      for (std::size_t n = 0; n < nq; ++n) {
        const double v = w[(h * nk + m) * nq + n];
        s += "<rect x=\"" + num(gx + static_cast<double>(n) * cell) + "\" y=\"" +
             num(gy + static_cast<double>(m) * cell) + "\" width=\"" + num(cell) +
             "\" height=\"" + num(cell) + "\" fill=\"" + hex(weight_colour(v)) +
             "\" data-key=\"" + std::to_string(m) + "\" data-query=\"" + std::to_string(n) +
             "\" data-weight=\"" + exact(v) + "\"><title>key " + xml_escape(row_labels[m]) +
             ", query " + xml_escape(col_labels[n]) + ": " + digits_general(v, 9) +
             "</title></rect>\n";
      }
    }
    s += "</g>\n";
    if (values) {
      const std::string sample = digits_fixed(0.0, decimals);
      const double vfont = std::min(
          {12.0, 0.3 * cell, (cell - 4) / (0.62 * static_cast<double>(sample.size()))});
      s += "<g class=\"values\" font-size=\"" + num(vfont) +
           "\" text-anchor=\"middle\" pointer-events=\"none\">\n";
      for (std::size_t m = 0; m < nk; ++m) {
        for (std::size_t n = 0; n < nq; ++n) {
          const double v = w[(h * nk + m) * nq + n];
          const double c = clamp_weight(v);
          const bool dark = !(c == c) || scale_lab(c)[0] < 55.0;
          s += "<text x=\"" + num(gx + (static_cast<double>(n) + 0.5) * cell) + "\" y=\"" +
               num(gy + (static_cast<double>(m) + 0.5) * cell + 0.35 * vfont) + "\" fill=\"" +
               (dark ? "#ffffff" : "#000000") + "\">" + digits_fixed(v, decimals) +
               "</text>\n";
        }
      }
      s += "</g>\n";
    }
    s += "<rect x=\"" + num(gx) + "\" y=\"" + num(gy) + "\" width=\"" + num(grid_w) +
         "\" height=\"" + num(grid_h) + "\" fill=\"none\" stroke=\"#333333\"/>\n</g>\n";
  }

  // Legend.
  s += "<g class=\"legend\" font-size=\"12\">\n";
  s += "<text x=\"" + num(bar_x) + "\" y=\"" + num(bar_y - 14) + "\">weight</text>\n";
  s += "<rect x=\"" + num(bar_x) + "\" y=\"" + num(bar_y) + "\" width=\"" + num(bar_w) +
       "\" height=\"" + num(bar_h) +
       "\" fill=\"url(#ctattn-weight-scale)\" stroke=\"#333333\"/>\n";
  constexpr std::array<std::string_view, 5> tick_text = {"0", "0.25", "0.5", "0.75", "1"};
  for (std::size_t k = 0; k < tick_text.size(); ++k) {
    const double ty = bar_y + (1.0 - 0.25 * static_cast<double>(k)) * bar_h;
    s += "<line x1=\"" + num(bar_x + bar_w) + "\" y1=\"" + num(ty) + "\" x2=\"" +
         num(bar_x + bar_w + 4) + "\" y2=\"" + num(ty) + "\" stroke=\"#333333\"/>";
    s += "<text x=\"" + num(bar_x + bar_w + 6) + "\" y=\"" + num(ty + 0.35 * label_font) +
         "\" data-tick=\"" + std::string(tick_text[k]) + "\">" + std::string(tick_text[k]) +
         "</text>\n";
  }
  s += "</g>\n</svg>\n";
  return s;
}

}  // namespace detail

//! The weights (Nk x Nq: keys are rows, queries are columns, as attention_result::weights) as
//! an SVG document.
template <ConvertibleToDouble T, std::size_t Nk, std::size_t Nq>
[[nodiscard]] std::string heatmap(const matrix<T, Nk, Nq>& weights,
                                  const heatmap_options& opt = {}) {
  std::vector<double> w(Nk * Nq);
  for (std::size_t i = 0; i < Nk * Nq; ++i) w[i] = static_cast<double>(weights.elems[i]);
  return detail::render(w, 1, Nk, Nq, opt, false);
}

//! H heads' weights (multihead_result::weights) as one SVG document, a panel per head.
template <ConvertibleToDouble T, std::size_t Nk, std::size_t Nq, std::size_t H>
[[nodiscard]] std::string heatmap(const std::array<matrix<T, Nk, Nq>, H>& heads,
                                  const heatmap_options& opt = {}) {
  static_assert(H >= 1, "ctattn::svg::heatmap: at least one head");
  std::vector<double> w(H * Nk * Nq);
  for (std::size_t h = 0; h < H; ++h)
    for (std::size_t i = 0; i < Nk * Nq; ++i)
      w[h * Nk * Nq + i] = static_cast<double>(heads[h].elems[i]);
  return detail::render(w, H, Nk, Nq, opt, true);
}

}  // namespace ctattn::svg

CTATTN_DETAIL_FP_STRICT_END

#endif  // CTATTN_SVG_HPP
