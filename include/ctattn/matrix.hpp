// ctattn/matrix.hpp - a fixed-size, row-major, fully constexpr matrix.
//
// The book's layout: a matrix<T, D, N> of inputs holds one token per column; a column vector is
// vector<T, N> = matrix<T, N, 1>. Everything here is an aggregate operation on a flat C array,
// usable in constant expressions and free of heap, exceptions and RTTI.
//
// One evaluation order: every product accumulates from T{} over the inner index in ascending
// order, one rounding per multiply and per add. The kernels write the inner loops as fold
// expressions over index packs: at run time they unroll into straight-line code the compiler
// vectorises, and in constant evaluation a whole fold is one step of the compiler's budget
// (Clang's -fconstexpr-steps counts statements, not operations).
#ifndef CTATTN_MATRIX_HPP
#define CTATTN_MATRIX_HPP

#include <array>
#include <concepts>
#include <cstddef>
#include <cstring>
#include <limits>
#include <type_traits>
#include <utility>

#include <ctattn/detail/consteval_gemm.hpp>
#include <ctattn/detail/fp.hpp>
#include <ctattn/detail/isa.hpp>
#include <ctattn/detail/kernels.hpp>

CTATTN_DETAIL_FP_STRICT_BEGIN

namespace ctattn::inline CTATTN_ISA_NS {

//! A `Rows` x `Cols` matrix of `T`, stored row-major in the public array `elems`.
//! Aggregate: `matrix<double, 2, 3>{1, 2, 3, 4, 5, 6}` fills it row by row; `{}` zero-fills it.
template <class T, std::size_t Rows, std::size_t Cols>
struct matrix {
  static_assert(Rows >= 1 && Cols >= 1, "ctattn::matrix: Rows and Cols must both be at least 1");
  static_assert(!std::is_reference_v<T> && !std::is_const_v<T>,
                "ctattn::matrix: T must be a non-const object type");

  using value_type = T;
  static constexpr std::size_t rows = Rows;
  static constexpr std::size_t cols = Cols;
  static constexpr std::size_t count = Rows * Cols;  //!< number of elements

  T elems[Rows * Cols];  //!< row-major storage; public so that the type stays an aggregate

  //! Element (r, c). Precondition: r < rows and c < cols (a compile error in constant evaluation).
  [[nodiscard]] constexpr T& operator()(std::size_t r, std::size_t c) noexcept {
    return elems[r * Cols + c];
  }
  [[nodiscard]] constexpr const T& operator()(std::size_t r, std::size_t c) const noexcept {
    return elems[r * Cols + c];
  }
  //! Element i of the flat row-major storage (for vectors: the i-th coordinate).
  [[nodiscard]] constexpr T& operator[](std::size_t i) noexcept { return elems[i]; }
  [[nodiscard]] constexpr const T& operator[](std::size_t i) const noexcept { return elems[i]; }

  [[nodiscard]] constexpr T* data() noexcept { return elems; }
  [[nodiscard]] constexpr const T* data() const noexcept { return elems; }
  [[nodiscard]] constexpr T* begin() noexcept { return elems; }
  [[nodiscard]] constexpr T* end() noexcept { return elems + count; }
  [[nodiscard]] constexpr const T* begin() const noexcept { return elems; }
  [[nodiscard]] constexpr const T* end() const noexcept { return elems + count; }

  //! Element-wise equality (IEEE semantics for floating point: NaN != NaN, -0 == +0).
  friend constexpr bool operator==(const matrix&, const matrix&) = default;
};

//! A column vector, as in the book: `vector<T, N>` is `matrix<T, N, 1>`.
template <class T, std::size_t N>
using vector = matrix<T, N, 1>;

//! A row vector `matrix<T, 1, N>`.
template <class T, std::size_t N>
using row_vector = matrix<T, 1, N>;

//! True for every ctattn::matrix type.
template <class M>
inline constexpr bool is_matrix_v = false;
template <class T, std::size_t R, std::size_t C>
inline constexpr bool is_matrix_v<matrix<T, R, C>> = true;

//! Element types the arithmetic accepts: +, -, *, / closed over T, constructible from an int,
//! ordered, and not bool. Floating point and ctattn's fixed-point types model it.
template <class T>
concept Scalar = !std::same_as<std::remove_cv_t<T>, bool> && std::regular<T> &&
                 std::totally_ordered<T> && std::is_constructible_v<T, int> && requires(T a, T b) {
                   { a + b } -> std::convertible_to<T>;
                   { a - b } -> std::convertible_to<T>;
                   { a * b } -> std::convertible_to<T>;
                   { a / b } -> std::convertible_to<T>;
                   { -a } -> std::convertible_to<T>;
                 };

namespace detail {
template <class T, std::size_t R, std::size_t C>
consteval void require_scalar() {
  static_assert(Scalar<T>,
                "ctattn: matrix arithmetic needs an arithmetic element type T (+, -, *, / and "
                "ordering; bool is not one)");
}
}  // namespace detail

// ---- construction --------------------------------------------------------------------------

//! Every element equal to `value`.
template <class T, std::size_t R, std::size_t C>
[[nodiscard]] constexpr matrix<T, R, C> filled(const T& value) noexcept {
  matrix<T, R, C> m{};
  for (auto& e : m.elems) e = value;
  return m;
}

//! The all-zero matrix (T{}).
template <class T, std::size_t R, std::size_t C>
[[nodiscard]] constexpr matrix<T, R, C> zeros() noexcept {
  return matrix<T, R, C>{};
}

//! The all-one matrix; `ones<T, 1, N>()` is the book's 1^T.
template <class T, std::size_t R, std::size_t C>
[[nodiscard]] constexpr matrix<T, R, C> ones() noexcept {
  return filled<T, R, C>(T(1));
}

//! The N x N identity.
template <class T, std::size_t N>
[[nodiscard]] constexpr matrix<T, N, N> identity() noexcept {
  matrix<T, N, N> m{};
  for (std::size_t i = 0; i < N; ++i) m(i, i) = T(1);
  return m;
}

//! The D x N matrix whose column n is `columns[n]` (tokens are columns).
template <class T, std::size_t D, std::size_t N>
[[nodiscard]] constexpr matrix<T, D, N> from_columns(
    const std::array<vector<T, D>, N>& columns) noexcept {
  matrix<T, D, N> m{};
  for (std::size_t n = 0; n < N; ++n)
    for (std::size_t d = 0; d < D; ++d) m(d, n) = columns[n][d];
  return m;
}

// ---- access --------------------------------------------------------------------------------

//! Column c as a column vector (token c of an input matrix).
template <class T, std::size_t R, std::size_t C>
[[nodiscard]] constexpr vector<T, R> col(const matrix<T, R, C>& m, std::size_t c) noexcept {
  vector<T, R> v{};
  for (std::size_t r = 0; r < R; ++r) v[r] = m(r, c);
  return v;
}

//! Row r as a row vector.
template <class T, std::size_t R, std::size_t C>
[[nodiscard]] constexpr row_vector<T, C> row(const matrix<T, R, C>& m, std::size_t r) noexcept {
  row_vector<T, C> v{};
  for (std::size_t c = 0; c < C; ++c) v[c] = m(r, c);
  return v;
}

//! Overwrite column c of m with v.
template <class T, std::size_t R, std::size_t C>
constexpr void set_col(matrix<T, R, C>& m, std::size_t c, const vector<T, R>& v) noexcept {
  for (std::size_t r = 0; r < R; ++r) m(r, c) = v[r];
}

//! The columns of m as an array of column vectors.
template <class T, std::size_t R, std::size_t C>
[[nodiscard]] constexpr std::array<vector<T, R>, C> columns(const matrix<T, R, C>& m) noexcept {
  std::array<vector<T, R>, C> out{};
  for (std::size_t c = 0; c < C; ++c) out[c] = col(m, c);
  return out;
}

//! m^T.
template <class T, std::size_t R, std::size_t C>
[[nodiscard]] constexpr matrix<T, C, R> transpose(const matrix<T, R, C>& m) noexcept {
  matrix<T, C, R> t{};
  for (std::size_t r = 0; r < R; ++r)
    for (std::size_t c = 0; c < C; ++c) t(c, r) = m(r, c);
  return t;
}

// ---- element-wise arithmetic ---------------------------------------------------------------

namespace detail {
// Element-wise loops as folds of at most 64 elements each: a fold costs one constant-evaluation
// step (cheap), but Clang refuses a fold of more than 256 operands (its expression nesting
// limit, -fbracket-depth), which a single fold over a 16 x 32 matrix would exceed.
inline constexpr std::size_t fold_chunk = 64;

// body(i0, std::index_sequence<0, ..., n - 1>) for consecutive chunks [i0, i0 + n) of [0, Count),
// ascending, n <= fold_chunk: a fold over Count elements cut where Clang needs it.
// Count <= fold_chunk is a single call, no loop (cheapest in constant evaluation).
template <std::size_t Count, class Body>
constexpr void for_chunks(Body body) noexcept {
  if constexpr (Count <= fold_chunk) {
    body(std::size_t{0}, std::make_index_sequence<Count>{});
  } else {
    constexpr std::size_t full = Count / fold_chunk * fold_chunk;
    for (std::size_t i0 = 0; i0 < full; i0 += fold_chunk)
      body(i0, std::make_index_sequence<fold_chunk>{});
    if constexpr (full < Count) body(full, std::make_index_sequence<Count - full>{});
  }
}

// out[i] = f(a[i], b[i]) for every i, ascending, in folds of at most fold_chunk elements.
template <class T, std::size_t R, std::size_t C, class F>
constexpr matrix<T, R, C> zip(const matrix<T, R, C>& a, const matrix<T, R, C>& b, F f) noexcept {
  constexpr std::size_t count = R * C;
  constexpr std::size_t chunk = count < fold_chunk ? count : fold_chunk;
  matrix<T, R, C> out{};
  std::size_t i = 0;
  for (; i + chunk <= count; i += chunk) {
    [&]<std::size_t... J>(std::index_sequence<J...>) {
      ((out.elems[i + J] = f(a.elems[i + J], b.elems[i + J])), ...);
    }(std::make_index_sequence<chunk>{});
  }
  [&]<std::size_t... J>(std::index_sequence<J...>) {
    ((out.elems[i + J] = f(a.elems[i + J], b.elems[i + J])), ...);
  }(std::make_index_sequence<count % chunk>{});
  return out;
}
// out[i] = f(a[i]) for every i, ascending, in folds of at most fold_chunk elements.
template <class T, std::size_t R, std::size_t C, class F>
constexpr matrix<T, R, C> map(const matrix<T, R, C>& a, F f) noexcept {
  constexpr std::size_t count = R * C;
  constexpr std::size_t chunk = count < fold_chunk ? count : fold_chunk;
  matrix<T, R, C> out{};
  std::size_t i = 0;
  for (; i + chunk <= count; i += chunk) {
    [&]<std::size_t... J>(std::index_sequence<J...>) {
      ((out.elems[i + J] = f(a.elems[i + J])), ...);
    }(std::make_index_sequence<chunk>{});
  }
  [&]<std::size_t... J>(std::index_sequence<J...>) {
    ((out.elems[i + J] = f(a.elems[i + J])), ...);
  }(std::make_index_sequence<count % chunk>{});
  return out;
}

// Element operations as named function objects rather than lambdas: GCC's -Wshadow flags a
// lambda parameter that happens to share its name with a user's global (such as `x`).
struct add_op {
  template <class T>
  constexpr T operator()(const T& lhs, const T& rhs) const noexcept { return lhs + rhs; }
};
struct sub_op {
  template <class T>
  constexpr T operator()(const T& lhs, const T& rhs) const noexcept { return lhs - rhs; }
};
struct mul_op {
  template <class T>
  constexpr T operator()(const T& lhs, const T& rhs) const noexcept { return lhs * rhs; }
};
struct neg_op {
  template <class T>
  constexpr T operator()(const T& e) const noexcept { return -e; }
};
template <class T>
struct mul_left {
  const T& s;
  constexpr T operator()(const T& e) const noexcept { return s * e; }
};
template <class T>
struct mul_right {
  const T& s;
  constexpr T operator()(const T& e) const noexcept { return e * s; }
};
template <class T>
struct div_right {
  const T& s;
  constexpr T operator()(const T& e) const noexcept { return e / s; }
};

template <std::size_t R1, std::size_t C1, std::size_t R2, std::size_t C2>
consteval void require_same_shape() {
  static_assert(R1 == R2 && C1 == C2,
                "ctattn: element-wise operation on matrices of different shapes (see the "
                "template arguments R1 x C1 and R2 x C2 below)");
}
}  // namespace detail

//! Element-wise sum. Shapes must match (a compile error names both otherwise).
template <class T, std::size_t R1, std::size_t C1, std::size_t R2, std::size_t C2>
[[nodiscard]] constexpr matrix<T, R1, C1> operator+(const matrix<T, R1, C1>& a,
                                                  const matrix<T, R2, C2>& b) noexcept {
  detail::require_scalar<T, R1, C1>();
  detail::require_same_shape<R1, C1, R2, C2>();
  if constexpr (R1 == R2 && C1 == C2)
    return detail::zip(a, b, detail::add_op{});
  else
    return a;
}

//! Element-wise difference. Shapes must match.
template <class T, std::size_t R1, std::size_t C1, std::size_t R2, std::size_t C2>
[[nodiscard]] constexpr matrix<T, R1, C1> operator-(const matrix<T, R1, C1>& a,
                                                  const matrix<T, R2, C2>& b) noexcept {
  detail::require_scalar<T, R1, C1>();
  detail::require_same_shape<R1, C1, R2, C2>();
  if constexpr (R1 == R2 && C1 == C2)
    return detail::zip(a, b, detail::sub_op{});
  else
    return a;
}

//! Element-wise negation.
template <class T, std::size_t R, std::size_t C>
[[nodiscard]] constexpr matrix<T, R, C> operator-(const matrix<T, R, C>& a) noexcept {
  detail::require_scalar<T, R, C>();
  return detail::map(a, detail::neg_op{});
}

//! Scalar multiple s * a (each element rounded once).
template <class T, std::size_t R, std::size_t C>
[[nodiscard]] constexpr matrix<T, R, C> operator*(const T& s, const matrix<T, R, C>& a) noexcept {
  detail::require_scalar<T, R, C>();
  return detail::map(a, detail::mul_left<T>{s});
}
template <class T, std::size_t R, std::size_t C>
[[nodiscard]] constexpr matrix<T, R, C> operator*(const matrix<T, R, C>& a, const T& s) noexcept {
  detail::require_scalar<T, R, C>();
  return detail::map(a, detail::mul_right<T>{s});
}
//! Division by a scalar (a true division per element, not a multiplication by 1/s).
template <class T, std::size_t R, std::size_t C>
[[nodiscard]] constexpr matrix<T, R, C> operator/(const matrix<T, R, C>& a, const T& s) noexcept {
  detail::require_scalar<T, R, C>();
  return detail::map(a, detail::div_right<T>{s});
}

//! Element-wise (Hadamard) product.
template <class T, std::size_t R, std::size_t C>
[[nodiscard]] constexpr matrix<T, R, C> hadamard(const matrix<T, R, C>& a,
                                                 const matrix<T, R, C>& b) noexcept {
  detail::require_scalar<T, R, C>();
  return detail::zip(a, b, detail::mul_op{});
}

// ---- products ------------------------------------------------------------------------------

namespace detail {
template <std::size_t R, std::size_t K1, std::size_t K2, std::size_t C>
consteval void require_product_shape() {
  static_assert(K1 == K2,
                "ctattn: matrix product a * b needs a.cols == b.rows (a is R x K1, b is K2 x C; "
                "see the template arguments below)");
}

// out(i, :) += a(i, k) * b(k, :) for k = 0, 1, ..., K-1, starting from T{}: every element is
// accumulated over k in ascending order (the one evaluation order), while the inner fold runs
// along a contiguous row of b and out. At run time, float and double take the register-blocked
// SIMD kernel of detail/kernels.hpp: the same operations in the same order, so the same bits.
template <class T, std::size_t R, std::size_t K, std::size_t C>
constexpr void gemm_acc(matrix<T, R, C>& out, const matrix<T, R, K>& a,
                        const matrix<T, K, C>& b) noexcept {
  if constexpr (use_gemm_runtime_v<T, C>) {
    if (!std::is_constant_evaluated()) {
      gemm_runtime<R, K, C, K, 1>(out.elems, a.elems, b.elems);
      return;
    }
  }
  if (std::is_constant_evaluated()) {  // same order, within the default evaluation budgets
    gemm_consteval<R, K, C, K, 1>(out.elems, a.elems, b.elems);
    return;
  }
  for (std::size_t i = 0; i < R; ++i) {
    T* o = out.elems + i * C;
    for (std::size_t k = 0; k < K; ++k) {
      const T aik = a.elems[i * K + k];
      const T* bk = b.elems + k * C;
      for_chunks<C>([&]<std::size_t... J>(std::size_t j0, std::index_sequence<J...>) {
        ((o[j0 + J] = o[j0 + J] + aik * bk[j0 + J]), ...);
      });
    }
  }
}

// out(m, :) += a(k, m) * b(k, :) for k ascending: the product a^T b without forming a^T.
template <class T, std::size_t K, std::size_t M, std::size_t C>
constexpr void gemm_tn_acc(matrix<T, M, C>& out, const matrix<T, K, M>& a,
                           const matrix<T, K, C>& b) noexcept {
  if constexpr (use_gemm_runtime_v<T, C>) {
    if (!std::is_constant_evaluated()) {
      gemm_runtime<M, K, C, 1, M>(out.elems, a.elems, b.elems);
      return;
    }
  }
  if (std::is_constant_evaluated()) {  // same order, within the default evaluation budgets
    gemm_consteval<M, K, C, 1, M>(out.elems, a.elems, b.elems);
    return;
  }
  for (std::size_t k = 0; k < K; ++k) {
    const T* bk = b.elems + k * C;
    for (std::size_t m = 0; m < M; ++m) {
      const T akm = a.elems[k * M + m];
      T* o = out.elems + m * C;
      for_chunks<C>([&]<std::size_t... J>(std::size_t j0, std::index_sequence<J...>) {
        ((o[j0 + J] = o[j0 + J] + akm * bk[j0 + J]), ...);
      });
    }
  }
}
}  // namespace detail

//! Matrix product a * b (R x K times K x C). Each element is sum_k a(i,k) b(k,j), accumulated
//! from zero over ascending k. A shape mismatch is a compile error that names both shapes.
template <class T, std::size_t R, std::size_t K1, std::size_t K2, std::size_t C>
[[nodiscard]] constexpr matrix<T, R, C> operator*(const matrix<T, R, K1>& a,
                                                const matrix<T, K2, C>& b) noexcept {
  detail::require_scalar<T, R, C>();
  detail::require_product_shape<R, K1, K2, C>();
  matrix<T, R, C> out{};
  if constexpr (K1 == K2) detail::gemm_acc(out, a, b);
  return out;
}

//! a^T * b without materialising a^T; the same bits as transpose(a) * b.
template <class T, std::size_t K1, std::size_t M, std::size_t K2, std::size_t C>
[[nodiscard]] constexpr matrix<T, M, C> transpose_times(const matrix<T, K1, M>& a,
                                                      const matrix<T, K2, C>& b) noexcept {
  detail::require_scalar<T, M, C>();
  detail::require_product_shape<M, K1, K2, C>();
  matrix<T, M, C> out{};
  if constexpr (K1 == K2) detail::gemm_tn_acc(out, a, b);
  return out;
}

namespace detail {
// out(i, j) = out(i, j) + beta(i) for every element (affine's bias, run time). Float and double
// on SIMD targets add whole vectors of a row, because Clang 14 otherwise turns the scalar loop
// nest inside out and adds a column at a time with gathers and scatters (2.5x slower at
// 16 x 16). Each element still gets exactly one IEEE addition of its row's beta.
template <std::size_t R, std::size_t C, class T>
inline void add_bias_rows(T* out, const T* beta) noexcept {
#if CTATTN_DETAIL_SIMD
  if constexpr (simd_target_v<T>) {
    using V = typename simd_vec<T, 16>::type;  // 16 bytes: every SIMD target has it
    constexpr std::size_t W = 16 / sizeof(T);
    constexpr std::size_t vec_end = C / W * W;
    for (std::size_t i = 0; i < R; ++i) {
      T* o = out + i * C;
      const T b = beta[i];
      for (std::size_t j = 0; j < vec_end; j += W) {
        V v;
        std::memcpy(&v, o + j, sizeof v);
        v = v + b;
        std::memcpy(o + j, &v, sizeof v);
      }
      for (std::size_t j = vec_end; j < C; ++j) o[j] = o[j] + b;
    }
    return;
  }
#endif
  for (std::size_t i = 0; i < R; ++i) {
    T* o = out + i * C;
    const T b = beta[i];
    for (std::size_t j = 0; j < C; ++j) o[j] = o[j] + b;
  }
}
}  // namespace detail

//! The book's affine map `beta 1^T + Omega X`: Omega X (accumulated from zero over ascending
//! k), then beta added to every column. Same bits as `beta * ones<T, 1, N>() + omega * x`.
template <class T, std::size_t Dout, std::size_t Din, std::size_t Din2, std::size_t N,
          std::size_t Dout2>
[[nodiscard]] constexpr matrix<T, Dout, N> affine(const matrix<T, Dout, Din>& omega,
                                                const matrix<T, Din2, N>& x,
                                                const vector<T, Dout2>& beta) noexcept {
  detail::require_scalar<T, Dout, N>();
  detail::require_product_shape<Dout, Din, Din2, N>();
  static_assert(Dout == Dout2,
                "ctattn::affine: beta must have one entry per row of omega (Dout vs Dout2 below)");
  matrix<T, Dout, N> out{};
  if constexpr (Din == Din2 && Dout == Dout2) {
    detail::gemm_acc(out, omega, x);
    if (!std::is_constant_evaluated()) {
      detail::add_bias_rows<Dout, N>(out.elems, beta.elems);
      return out;
    }
    for (std::size_t i = 0; i < Dout; ++i) {
      const T b = beta.elems[i];
      detail::for_chunks<N>([&]<std::size_t... J>(std::size_t j0, std::index_sequence<J...> js) {
        detail::add_row_consteval(out.elems, i * N + j0, b, js);
      });
    }
  }
  return out;
}

//! Dot product of two column vectors, accumulated from zero in ascending order.
template <class T, std::size_t N>
[[nodiscard]] constexpr T dot(const vector<T, N>& a, const vector<T, N>& b) noexcept {
  detail::require_scalar<T, N, 1>();
  constexpr std::size_t chunk = N < detail::fold_chunk ? N : detail::fold_chunk;
  T acc{};
  std::size_t i = 0;
  for (; i + chunk <= N; i += chunk) {
    [&]<std::size_t... J>(std::index_sequence<J...>) {
      ((acc = acc + a.elems[i + J] * b.elems[i + J]), ...);
    }(std::make_index_sequence<chunk>{});
  }
  [&]<std::size_t... J>(std::index_sequence<J...>) {
    ((acc = acc + a.elems[i + J] * b.elems[i + J]), ...);
  }(std::make_index_sequence<N % chunk>{});
  return acc;
}

// ---- reductions ----------------------------------------------------------------------------

//! Sum of all elements, accumulated from zero in row-major order.
template <class T, std::size_t R, std::size_t C>
[[nodiscard]] constexpr T sum(const matrix<T, R, C>& m) noexcept {
  detail::require_scalar<T, R, C>();
  constexpr std::size_t count = R * C;
  constexpr std::size_t chunk = count < detail::fold_chunk ? count : detail::fold_chunk;
  T acc{};
  std::size_t i = 0;
  for (; i + chunk <= count; i += chunk) {
    [&]<std::size_t... J>(std::index_sequence<J...>) {
      ((acc = acc + m.elems[i + J]), ...);
    }(std::make_index_sequence<chunk>{});
  }
  [&]<std::size_t... J>(std::index_sequence<J...>) {
    ((acc = acc + m.elems[i + J]), ...);
  }(std::make_index_sequence<count % chunk>{});
  return acc;
}

//! Column sums 1^T M (a row vector), each accumulated from zero over ascending rows.
template <class T, std::size_t R, std::size_t C>
[[nodiscard]] constexpr row_vector<T, C> col_sums(const matrix<T, R, C>& m) noexcept {
  detail::require_scalar<T, R, C>();
  row_vector<T, C> s{};
  for (std::size_t r = 0; r < R; ++r) {
    const T* mr = m.elems + r * C;
    detail::for_chunks<C>([&]<std::size_t... J>(std::size_t j0, std::index_sequence<J...>) {
      ((s.elems[j0 + J] = s.elems[j0 + J] + mr[j0 + J]), ...);
    });
  }
  return s;
}

// ---- comparison ----------------------------------------------------------------------------

//! |x| for any Scalar (constexpr, no <cmath>).
template <Scalar T>
[[nodiscard]] constexpr T abs(const T& x) noexcept {
  return x < T(0) ? -x : x;
}

//! True when |a - b| <= max(abs_tol, rel_tol * max(|a|, |b|)). NaN is never close to anything.
template <Scalar T>
[[nodiscard]] constexpr bool approx_equal(const T& a, const T& b, const T& rel_tol,
                                          const T& abs_tol = T(0)) noexcept {
  if (a == b) return true;  // also equal infinities
  if (!(a == a) || !(b == b)) return false;
  if constexpr (std::numeric_limits<T>::has_infinity) {
    constexpr T inf = std::numeric_limits<T>::infinity();
    if (abs(a) == inf || abs(b) == inf) return false;  // unequal, one of them infinite
  }
  const T scale = abs(a) < abs(b) ? abs(b) : abs(a);
  const T bound = rel_tol * scale < abs_tol ? abs_tol : rel_tol * scale;
  const T diff = a < b ? b - a : a - b;
  return diff <= bound;
}

//! Element-wise approx_equal over two matrices of the same shape.
template <class T, std::size_t R, std::size_t C>
[[nodiscard]] constexpr bool approx_equal(const matrix<T, R, C>& a, const matrix<T, R, C>& b,
                                          const T& rel_tol, const T& abs_tol = T(0)) noexcept {
  for (std::size_t i = 0; i < R * C; ++i)
    if (!approx_equal(a.elems[i], b.elems[i], rel_tol, abs_tol)) return false;
  return true;
}

}  // namespace ctattn

CTATTN_DETAIL_FP_STRICT_END

#endif  // CTATTN_MATRIX_HPP
