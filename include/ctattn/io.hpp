// ctattn/io.hpp - print matrices and vectors exactly as numpy prints float arrays (opt-in).
//
// Hosted only, as ctattn/svg.hpp (the heatmaps) is: it uses std::string and <ostream> (and so
// the heap), which the rest of the library never does. Include it only where you print.
//
// array_str / array_repr reproduce numpy's str(a) / repr(a) of a float64 (or float32) array
// with the default print options: precision 8, floatmode 'maxprec', suppress=False,
// linewidth 75, threshold 1000, edgeitems 3. The rules (numpy/core/arrayprint.py, 1.24):
//   - scientific notation when, over the finite non-zero |values|, max >= 1e8 or min < 1e-4 or
//     max / min > 1e3; positional otherwise;
//   - each value as its shortest round-trip decimal, capped at `precision` fraction digits
//     (rounded to nearest, ties to even, from the exact binary value), trailing zeros dropped
//     but the point kept ("1.", "0.5");
//   - positional: fractions right-padded with spaces to the longest one; scientific: every
//     mantissa rounded to the longest fraction (numpy's min_digits: for float64 that appends
//     zeros, except for subnormals), exponents of at least 2 digits padded to the longest one;
//     integer parts (sign included) left-padded with spaces to the longest one;
//   - rows wrap at the line width; arrays of more than 1000 elements are summarised with
//     "..." around their first and last 3 items per axis.
// Digits come from std::to_chars (shortest round-trip, or correctly rounded at a precision).
// Tested against numpy itself (1.24, Debian 12): tests/runtime/test_io.cpp, data from
// tools/gen_io_cases.py. Not reproduced: non-default floatmode/sign/suppress options, 0-d and
// 3-D+ arrays, complex and integer dtypes.
#ifndef CTATTN_IO_HPP
#define CTATTN_IO_HPP

#include <algorithm>
#include <charconv>
#include <cstddef>
#include <limits>
#include <ostream>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include <ctattn/detail/fp.hpp>
#include <ctattn/detail/isa.hpp>
#include <ctattn/math.hpp>
#include <ctattn/matrix.hpp>

CTATTN_DETAIL_FP_STRICT_BEGIN

namespace ctattn::inline CTATTN_ISA_NS::io {

//! numpy's print options that io.hpp honours (numpy's defaults).
struct print_options {
  int precision = 8;            //!< at most this many fraction digits (numpy `precision`), >= 0
  std::size_t linewidth = 75;   //!< wrap rows longer than this (numpy `linewidth`)
  std::size_t threshold = 1000; //!< summarise arrays with more elements (numpy `threshold`)
  std::size_t edgeitems = 3;    //!< items kept at each end of a summarised axis (0 acts as 1)
};

namespace detail {

template <IeeeFloat T>
constexpr bool is_finite(T x) noexcept {
  return x == x && ctattn::abs(x) <= std::numeric_limits<T>::max();
}

inline std::string_view rstrip(std::string_view s) noexcept {
  while (!s.empty() && (s.back() == ' ' || s.back() == '\n')) s.remove_suffix(1);
  return s;
}

// Drop trailing zeros of the fraction; keep the point ("1.50" -> "1.5", "2.00" -> "2.").
inline void trim_fraction(std::string& s) {
  if (s.find('.') == std::string::npos) {
    s += '.';
    return;
  }
  while (s.back() == '0') s.pop_back();
}

// Shortest round-trip digits of x (sign, integer part, '.', fraction), with the fraction capped
// at `precision` digits: numpy's dragon4 with unique=True, precision, trim='.'.
template <IeeeFloat T>
std::string capped_digits(T x, int precision, std::chars_format fmt) {
  precision = std::max(precision, 0);
  char buf[512];  // fixed notation of the largest double needs 310 characters
  auto r = std::to_chars(buf, buf + sizeof buf, x, fmt);
  std::string s(buf, r.ptr);
  const std::size_t e = fmt == std::chars_format::scientific ? s.find('e') : s.size();
  const std::size_t dot = s.find('.');
  const std::size_t frac = dot == std::string::npos || dot > e ? 0 : e - dot - 1;
  if (frac > static_cast<std::size_t>(precision)) {
    r = std::to_chars(buf, buf + sizeof buf, x, fmt, precision);
    s.assign(buf, r.ptr);
  }
  if (fmt == std::chars_format::scientific) {
    const std::size_t ep = s.find('e');
    std::string mant = s.substr(0, ep);
    trim_fraction(mant);
    return mant + s.substr(ep);
  }
  trim_fraction(s);
  return s;
}

// numpy's FloatingFormat for one array: decides the notation and the paddings from all the
// values shown, then formats each value to the common width.
template <IeeeFloat T>
class float_format {
 public:
  float_format(std::span<const T> shown, int precision) : precision_(precision) {
    bool any_nonzero = false;
    T max_val{};
    T min_val{};
    bool any_finite = false;
    bool any_nonfinite = false;
    bool neginf = false;
    for (const T x : shown) {
      if (!is_finite(x)) {
        any_nonfinite = true;
        if (x == x && x < T(0)) neginf = true;
        continue;
      }
      any_finite = true;
      if (x == T(0)) continue;
      const T a = ctattn::abs(x);
      if (!any_nonzero) {
        max_val = min_val = a;
        any_nonzero = true;
      } else {
        max_val = std::max(max_val, a);
        min_val = std::min(min_val, a);
      }
    }
    if (any_nonzero) {
      // numpy compares the (T) maximum, minimum and their (T) quotient with Python floats.
      const T ratio = max_val / min_val;
      exp_format_ = static_cast<double>(max_val) >= 1e8 || static_cast<double>(min_val) < 1e-4 ||
                    static_cast<double>(ratio) > 1000.0;
    }
    if (!any_finite) {
      pad_left_ = 0;
      pad_right_ = 0;
    } else if (exp_format_) {
      std::size_t frac_max = 0;
      std::size_t exp_max = 0;
      std::size_t int_max = 0;
      for (const T x : shown) {
        if (!is_finite(x)) continue;
        const std::string s = capped_digits(x, precision_, std::chars_format::scientific);
        const std::size_t dot = s.find('.');
        const std::size_t e = s.find('e');
        int_max = std::max(int_max, dot);
        frac_max = std::max(frac_max, e - dot - 1);
        exp_max = std::max(exp_max, s.size() - e - 2);  // digits after "e+" / "e-"
      }
      sci_precision_ = frac_max;
      exp_size_ = exp_max;
      pad_left_ = int_max;
      pad_right_ = exp_size_ + 2 + sci_precision_;
    } else {
      std::size_t frac_max = 0;
      std::size_t int_max = 0;
      for (const T x : shown) {
        if (!is_finite(x)) continue;
        const std::string s = capped_digits(x, precision_, std::chars_format::fixed);
        const std::size_t dot = s.find('.');
        int_max = std::max(int_max, dot);
        frac_max = std::max(frac_max, s.size() - dot - 1);
      }
      pad_left_ = int_max;
      pad_right_ = frac_max;
    }
    if (any_nonfinite) {
      const std::size_t offset = pad_right_ + 1;
      const std::size_t nanlen = 3;
      const std::size_t inflen = 3 + (neginf ? 1 : 0);
      if (nanlen > offset) pad_left_ = std::max(pad_left_, nanlen - offset);
      if (inflen > offset) pad_left_ = std::max(pad_left_, inflen - offset);
    }
  }

  std::string operator()(T x) const {
    if (!is_finite(x)) {
      const std::string ret = x != x ? "nan" : (x < T(0) ? "-inf" : "inf");
      const std::size_t width = pad_left_ + pad_right_ + 1;
      return std::string(width > ret.size() ? width - ret.size() : 0, ' ') + ret;
    }
    if (exp_format_) {
      // numpy pads the mantissa to the common precision with further digits of the exact
      // value (min_digits), i.e. it rounds x to sci_precision_ fraction digits; these agree
      // with the shortest digits wherever those are shorter (they are its prefix + zeros for
      // float64 unless x is subnormal; float32 shows its exact binary value's digits).
      char buf[64];
      const auto r = std::to_chars(buf, buf + sizeof buf, x, std::chars_format::scientific,
                                   static_cast<int>(sci_precision_));
      std::string s(buf, r.ptr);
      if (s.find('.') == std::string::npos) s.insert(s.find('e'), ".");
      const std::size_t dot = s.find('.');
      const std::size_t e = s.find('e');
      std::string out(pad_left_ > dot ? pad_left_ - dot : 0, ' ');
      out.append(s, 0, e + 2);  // "-1.2500e-"
      const std::size_t digits = s.size() - e - 2;
      out.append(exp_size_ > digits ? exp_size_ - digits : 0, '0');
      out.append(s, e + 2);
      return out;
    }
    const std::string s = capped_digits(x, precision_, std::chars_format::fixed);
    const std::size_t dot = s.find('.');
    std::string out(pad_left_ > dot ? pad_left_ - dot : 0, ' ');
    out += s;
    out.append(pad_right_ - (s.size() - dot - 1), ' ');
    return out;
  }

 private:
  int precision_;
  bool exp_format_ = false;
  std::size_t pad_left_ = 0;
  std::size_t pad_right_ = 0;
  std::size_t sci_precision_ = 0;
  std::size_t exp_size_ = 0;
};

// Indices shown along an axis of length n: all, or the first and last `edge` when summarised.
inline std::vector<std::size_t> shown_indices(std::size_t n, bool summarise, std::size_t edge) {
  std::vector<std::size_t> idx;
  if (summarise && 2 * edge < n) {
    for (std::size_t i = 0; i < edge; ++i) idx.push_back(i);
    for (std::size_t i = n - edge; i < n; ++i) idx.push_back(i);
  } else {
    for (std::size_t i = 0; i < n; ++i) idx.push_back(i);
  }
  return idx;
}

// numpy's _extendLine: append `word`, first wrapping the line if it would grow too long.
inline void extend_line(std::string& s, std::string& line, std::string_view word,
                        std::size_t width, std::string_view hanging) {
  bool wrap = line.size() + word.size() > width;
  if (line.size() <= hanging.size()) wrap = false;  // wrapping would not help
  if (wrap) {
    s += rstrip(line);
    s += '\n';
    line = hanging;
  }
  line += word;
}

// numpy's _formatArray for the last axis: one bracketed row of already formatted words;
// `summary` inserts "..." after the first words.size()/2 words.
inline std::string format_row(const std::vector<std::string>& words, bool summary,
                              std::string_view hanging, std::size_t width,
                              std::string_view sep) {
  const std::size_t closing = std::max<std::size_t>(rstrip(sep).size(), 1);
  const std::size_t elem_width = width > closing ? width - closing : 0;
  std::string s;
  std::string line(hanging);
  const std::size_t half = words.size() / 2;
  for (std::size_t i = 0; i + 1 < words.size(); ++i) {
    extend_line(s, line, words[i], elem_width, hanging);
    line += sep;
    if (summary && i + 1 == half) {
      extend_line(s, line, "...", elem_width, hanging);
      line += sep;
    }
  }
  extend_line(s, line, words.back(), elem_width, hanging);
  s += line;
  return "[" + s.substr(hanging.size()) + "]";
}

// numpy's array2string for a 1-D (rows == 0) or 2-D (rows x cols) row-major array.
template <IeeeFloat T>
std::string array2string(std::span<const T> data, bool two_d, std::size_t rows, std::size_t cols,
                         const print_options& opt, std::string_view sep, std::size_t prefix_len,
                         std::size_t suffix_len) {
  if (data.empty()) return "[]";
  const std::size_t linewidth = opt.linewidth > suffix_len ? opt.linewidth - suffix_len : 0;
  const bool summarise = data.size() > opt.threshold;
  const std::size_t edge = std::max<std::size_t>(opt.edgeitems, 1);
  const std::string hanging = std::string(1 + prefix_len, ' ');
  if (!two_d) {
    const std::vector<std::size_t> idx = shown_indices(data.size(), summarise, edge);
    std::vector<T> shown;
    for (const std::size_t i : idx) shown.push_back(data[i]);
    const float_format<T> fmt(shown, opt.precision);
    std::vector<std::string> words;
    for (const T x : shown) words.push_back(fmt(x));
    return format_row(words, idx.size() < data.size(), hanging, linewidth, sep);
  }
  const std::vector<std::size_t> ri = shown_indices(rows, summarise, edge);
  const std::vector<std::size_t> ci = shown_indices(cols, summarise, edge);
  std::vector<T> shown;
  for (const std::size_t r : ri)
    for (const std::size_t c : ci) shown.push_back(data[r * cols + c]);
  const float_format<T> fmt(shown, opt.precision);
  const std::string inner = hanging + ' ';
  const std::size_t inner_width = linewidth > 0 ? linewidth - 1 : 0;
  std::string line_sep(rstrip(sep));
  line_sep += '\n';
  std::string s;
  for (std::size_t k = 0; k < ri.size(); ++k) {
    std::vector<std::string> words;
    for (const std::size_t c : ci) words.push_back(fmt(data[ri[k] * cols + c]));
    s += hanging;
    s += format_row(words, ci.size() < cols, inner, inner_width, sep);
    if (k + 1 < ri.size()) s += line_sep;
    if (ri.size() < rows && k + 1 == ri.size() / 2) {
      s += hanging;
      s += "...";
      s += line_sep;
    }
  }
  return "[" + s.substr(hanging.size()) + "]";
}

template <IeeeFloat T>
constexpr std::string_view dtype_name() noexcept {
  return std::is_same_v<T, double> ? "float64" : "float32";
}

template <IeeeFloat T>
std::string array_repr(std::span<const T> data, bool two_d, std::size_t rows, std::size_t cols,
                       const print_options& opt) {
  constexpr std::string_view prefix = "array(";
  // numpy leaves the dtype out for non-empty float64 arrays.
  const bool implied = std::is_same_v<T, double> && !data.empty();
  const std::string_view suffix = implied ? ")" : ",";
  std::string text;
  if (!data.empty() || !two_d) {
    text = array2string(data, two_d, rows, cols, opt, ", ", prefix.size(), suffix.size());
  } else {
    text = "[], shape=(" + std::to_string(rows) + ", " + std::to_string(cols) + ")";
  }
  std::string out = std::string(prefix) + text + std::string(suffix);
  if (implied) return out;
  const std::string dtype = "dtype=" + std::string(dtype_name<T>()) + ")";
  const std::size_t nl = out.rfind('\n');
  const std::size_t last_line = nl == std::string::npos ? out.size() : out.size() - nl - 1;
  if (last_line + dtype.size() + 1 > opt.linewidth)
    out += "\n" + std::string(prefix.size(), ' ');
  else
    out += ' ';
  return out + dtype;
}

}  // namespace detail

//! numpy's str() of the 1-D array `values`, e.g. "[ 0.94744244 -0.24348429]".
template <IeeeFloat T>
[[nodiscard]] std::string array_str(std::span<const T> values, const print_options& opt = {}) {
  return detail::array2string(values, false, 0, 0, opt, " ", 0, 0);
}

//! numpy's str() of the 2-D array of shape (rows, cols) stored row-major in `values`.
//! Returns "" when rows * cols != values.size().
template <IeeeFloat T>
[[nodiscard]] std::string array_str(std::span<const T> values, std::size_t rows, std::size_t cols,
                                    const print_options& opt = {}) {
  if (rows * cols != values.size()) return {};
  return detail::array2string(values, true, rows, cols, opt, " ", 0, 0);
}

//! numpy's repr() of the 1-D array `values`, e.g. "array([0.5, 1. ])".
template <IeeeFloat T>
[[nodiscard]] std::string array_repr(std::span<const T> values, const print_options& opt = {}) {
  return detail::array_repr(values, false, 0, 0, opt);
}

//! numpy's repr() of the 2-D array of shape (rows, cols) stored row-major in `values`.
//! Returns "" when rows * cols != values.size().
template <IeeeFloat T>
[[nodiscard]] std::string array_repr(std::span<const T> values, std::size_t rows,
                                     std::size_t cols, const print_options& opt = {}) {
  if (rows * cols != values.size()) return {};
  return detail::array_repr(values, true, rows, cols, opt);
}

//! numpy's str() of `m` as a 2-D array of shape (R, C): a vector<T, N> prints as (N, 1).
template <IeeeFloat T, std::size_t R, std::size_t C>
[[nodiscard]] std::string array_str(const matrix<T, R, C>& m, const print_options& opt = {}) {
  return array_str(std::span<const T>(m.elems), R, C, opt);
}

//! numpy's repr() of `m` as a 2-D array of shape (R, C).
template <IeeeFloat T, std::size_t R, std::size_t C>
[[nodiscard]] std::string array_repr(const matrix<T, R, C>& m, const print_options& opt = {}) {
  return array_repr(std::span<const T>(m.elems), R, C, opt);
}

//! numpy's str() of the elements of `m` in row-major order as a 1-D array (numpy's
//! m.flatten()); for a column vector, the notebook's `x.flatten()` / `x.T` printed as 1-D.
template <IeeeFloat T, std::size_t R, std::size_t C>
[[nodiscard]] std::string array_str_1d(const matrix<T, R, C>& m, const print_options& opt = {}) {
  return array_str(std::span<const T>(m.elems), opt);
}

//! numpy's repr() of the elements of `m` in row-major order as a 1-D array.
template <IeeeFloat T, std::size_t R, std::size_t C>
[[nodiscard]] std::string array_repr_1d(const matrix<T, R, C>& m, const print_options& opt = {}) {
  return array_repr(std::span<const T>(m.elems), opt);
}

}  // namespace ctattn::io

namespace ctattn::inline CTATTN_ISA_NS {

//! Streams `m` as numpy's str() of the 2-D array of shape (R, C) (found by ADL).
template <IeeeFloat T, std::size_t R, std::size_t C>
std::ostream& operator<<(std::ostream& os, const matrix<T, R, C>& m) {
  return os << io::array_str(m);
}

}  // namespace ctattn

CTATTN_DETAIL_FP_STRICT_END

#endif  // CTATTN_IO_HPP
