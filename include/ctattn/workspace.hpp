// ctattn/workspace.hpp - attention into caller-provided buffers, one query at a time.
//
// The by-value functions (self_attention, cross_attention, multihead_self_attention) return
// their results, N x N weights included, and keep Q, K, V and the scores as temporaries. Here
// the caller provides every buffer, and each buffer's size is a compile-time constant:
//   static ctattn::attention_workspace<float, N, Dk, Dv> ws;        // K, V and one query's scratch
//   ctattn::self_attention_into(out, x, p, ws, ctattn::scaled);     // out: matrix<float, Dv, N>
//   ctattn::self_attention_inplace(x, p, ws);                       // Dv == D: x becomes X'
//   static_assert(sizeof(x) + sizeof(ws) <= 48 * 1024);             // the memory plan
// No weight matrix exists unless the option ctattn::with_weights(w) names one.
//
// Evaluation (docs/memory.md): K = beta_k 1^T + Omega_k X and V = beta_v 1^T + Omega_v X once,
// into the workspace (the same affine products as the by-value functions); then for each query
// n in turn: q = Omega_q x_n + beta_q, its scores s_m = k_m . q, scaling, masks, the softmax over
// m, and x'_n = sum_m a_mn v_m. Every element sees the scalar operations of the by-value
// functions in the same order (products accumulated from T{} over ascending k, bias added
// after, the softmax's max / terms / sum / true division), so the results have the same bits,
// in constant evaluation and at run time (tests/memory checks float, double and q15_16 with
// every option).
//
// Multi-head (multihead_workspace<T, D, H, N>): one head's K and V at a time; the head outputs
// are never stacked: Omega_c's block of columns for head h is applied to each query's head
// output as soon as it exists, accumulating into `out` in the by-value product's k order.
#ifndef CTATTN_WORKSPACE_HPP
#define CTATTN_WORKSPACE_HPP

#include <array>
#include <cstddef>
#include <limits>
#include <type_traits>
#include <utility>

#include <ctattn/detail/isa.hpp>
#include <ctattn/attention.hpp>
#include <ctattn/detail/fp.hpp>
#include <ctattn/detail/rowops.hpp>
#include <ctattn/detail/vexp.hpp>
#include <ctattn/math.hpp>
#include <ctattn/matrix.hpp>
#include <ctattn/multihead.hpp>
#include <ctattn/options.hpp>
#include <ctattn/softmax.hpp>

CTATTN_DETAIL_FP_STRICT_BEGIN

namespace ctattn::inline CTATTN_ISA_NS {

//! Scratch memory of one attention head over Nkv keys with query/key dimension Dk and value
//! dimension Dv: the keys K (Dk x Nkv), the values as V^T (Nkv x Dv, so that each output column
//! is a sum of contiguous rows), and one query's q (Dk), scores then weights (Nkv) and output
//! column (Dv). A plain aggregate: put it in static storage, a
//! linker section of your choice, or a constexpr function. Its size is `bytes`:
//!   bytes = sizeof(T) * ((Dk + Dv) * Nkv + Dk + Nkv + Dv)
template <class T, std::size_t Nkv, std::size_t Dk, std::size_t Dv = Dk>
struct attention_workspace {
  using value_type = T;
  static constexpr std::size_t keys = Nkv;
  static constexpr std::size_t key_dim = Dk;
  static constexpr std::size_t value_dim = Dv;
  //! The workspace's size in bytes (equal to sizeof, tested).
  static constexpr std::size_t bytes = sizeof(T) * ((Dk + Dv) * Nkv + Dk + Nkv + Dv);

  matrix<T, Dk, Nkv> k;   //!< keys K, one column per key token
  matrix<T, Nkv, Dv> vt;  //!< values V^T, one row per key token (x'_n = sum_m a_mn row m)
  vector<T, Dk> q;       //!< the current query
  vector<T, Nkv> s;      //!< its scores, then its attention weights
  vector<T, Dv> o;       //!< its output column
};

//! Scratch memory of multi-head self-attention with model dimension D, H heads and N tokens:
//! one head's K and V (D/H x N each) and one query's q, scores, head output. Its size:
//!   bytes = sizeof(T) * (2 * (D/H) * N + 2 * (D/H) + N)
template <class T, std::size_t D, std::size_t H, std::size_t N>
struct multihead_workspace {
  static_assert(detail::check_heads<D, H>());
  using value_type = T;
  static constexpr std::size_t model_dim = D;
  static constexpr std::size_t heads_count = H;
  static constexpr std::size_t tokens = N;
  static constexpr std::size_t head_dim = detail::head_dim<D, H>;
  //! The workspace's size in bytes (equal to sizeof, tested).
  static constexpr std::size_t bytes = sizeof(T) * (2 * head_dim * N + 2 * head_dim + N);

  attention_workspace<T, N, head_dim, head_dim> head;  //!< the current head's K, V, scratch
};

namespace detail {

template <std::size_t NW, std::size_t DkW, std::size_t DvW, std::size_t Nkv, std::size_t Dk,
          std::size_t Dv>
consteval void require_workspace_shape() {
  static_assert(NW == Nkv && DkW == Dk && DvW == Dv,
                "ctattn: the attention_workspace<T, NW, DkW, DvW> does not fit this call, which "
                "needs attention_workspace<T, Nkv, Dk, Dv> (see both below)");
}
template <std::size_t DW, std::size_t HW, std::size_t NW, std::size_t D, std::size_t H,
          std::size_t N>
consteval void require_mh_workspace_shape() {
  static_assert(DW == D && HW == H && NW == N,
                "ctattn: the multihead_workspace<T, DW, HW, NW> does not fit this call, which "
                "needs multihead_workspace<T, D, H, N> (see both below)");
}
template <std::size_t RO, std::size_t CO, std::size_t R, std::size_t C>
consteval void require_out_shape() {
  static_assert(RO == R && CO == C,
                "ctattn: `out` is RO x CO but this attention writes R x C (outputs x queries; "
                "see both below)");
}
template <std::size_t RW, std::size_t CW, std::size_t Nkv, std::size_t Nq>
consteval void require_weights_shape() {
  static_assert(RW == Nkv && CW == Nq,
                "ctattn::with_weights(w): w is RW x CW but the weights are Nkv x Nq (keys x "
                "queries; see both below)");
}

// The weights sink of the options, or nullptr_t when there is none.
struct no_weights_t {};

// Run time: y_{i0 + J} = (T{} + sum_k omega(i0 + J, k) x(k, n)) + beta_{i0 + J} for the outputs J
// side by side (independent sums over ascending k, as project_column's order).
template <class T, std::size_t Dout, std::size_t Din, std::size_t N, std::size_t... J>
inline void project_rows(T* y, const matrix<T, Dout, Din>& omega, const matrix<T, Din, N>& x,
                         std::size_t n, const vector<T, Dout>& beta, std::size_t i0,
                         std::index_sequence<J...>) noexcept {
  T acc[sizeof...(J)] = {};
  for (std::size_t k = 0; k < Din; ++k) {
    const T xk = x.elems[k * N + n];
    ((acc[J] = acc[J] + omega.elems[(i0 + J) * Din + k] * xk), ...);
  }
  ((y[i0 + J] = acc[J] + beta.elems[i0 + J]), ...);
}

// out(i0 + J, n) += sum_kk omega_c(i0 + J, c0 + kk) sa_kk over ascending kk, the output rows J
// side by side (run time; multi-head's Omega_c block of head h, c0 = h Dh).
template <class T, std::size_t D, std::size_t N, std::size_t Dh, std::size_t... J>
inline void accumulate_rows(matrix<T, D, N>& out, std::size_t n, const matrix<T, D, D>& omega_c,
                            std::size_t c0, const T (&sa)[Dh], std::size_t i0,
                            std::index_sequence<J...>) noexcept {
  T acc[sizeof...(J)] = {out.elems[(i0 + J) * N + n]...};
  for (std::size_t kk = 0; kk < Dh; ++kk) {
    const T sk = sa[kk];
    ((acc[J] = acc[J] + omega_c.elems[(i0 + J) * D + c0 + kk] * sk), ...);
  }
  ((out.elems[(i0 + J) * N + n] = acc[J]), ...);
}

// y = Omega x_n + beta for column n of x: y_i = (T{} + sum_k omega(i, k) x(k, n) over ascending
// k) + beta_i, the element-wise order of affine(omega, x, beta). Folds over the Dout outputs.
template <class T, std::size_t Dout, std::size_t Din, std::size_t N>
constexpr void project_column(T* y, const matrix<T, Dout, Din>& omega,
                              const matrix<T, Din, N>& x, std::size_t n,
                              const vector<T, Dout>& beta) noexcept {
  if (!std::is_constant_evaluated()) {
    // Run time: one sum per output along its contiguous row of omega (the outputs' sums are
    // independent, so the core overlaps them; the folds below, made for constant evaluation,
    // made GCC vectorise across outputs with permutes and spills).
    constexpr std::size_t B = Dout < 8 ? Dout : 8;  // outputs summed side by side
    std::size_t i0 = 0;
    for (; i0 + B <= Dout; i0 += B)
      project_rows(y, omega, x, n, beta, i0, std::make_index_sequence<B>{});
    if constexpr (Dout % B != 0)
      project_rows(y, omega, x, n, beta, i0, std::make_index_sequence<Dout % B>{});
    return;
  }
  for_chunks<Dout>([&]<std::size_t... J>(std::size_t j0, std::index_sequence<J...>) {
    ((y[j0 + J] = T{}), ...);
  });
  for (std::size_t k = 0; k < Din; ++k) {
    const T xk = x.elems[k * N + n];
    for_chunks<Dout>([&]<std::size_t... J>(std::size_t j0, std::index_sequence<J...>) {
      ((y[j0 + J] = y[j0 + J] + omega.elems[(j0 + J) * Din + k] * xk), ...);
    });
  }
  for_chunks<Dout>([&]<std::size_t... J>(std::size_t j0, std::index_sequence<J...>) {
    ((y[j0 + J] = y[j0 + J] + beta.elems[j0 + J]), ...);
  });
}

// a := a^T in place for a row-major R x C matrix (then C x R): cycle-following, every element
// moved once (index i goes to i R mod (R C - 1)). Moves only, no arithmetic.
template <std::size_t R, std::size_t C, class T>
constexpr void transpose_in_place(T* a) noexcept {
  constexpr std::size_t count = R * C;
  if constexpr (R == C) {
    for (std::size_t r = 0; r < R; ++r)
      for (std::size_t c = r + 1; c < C; ++c) {
        const T t = a[r * C + c];
        a[r * C + c] = a[c * C + r];
        a[c * C + r] = t;
      }
  } else if constexpr (R > 1 && C > 1) {
    const auto next = [](std::size_t i) { return i * R % (count - 1); };
    for (std::size_t start = 1; start + 1 < count; ++start) {
      std::size_t i = next(start);
      while (i > start) i = next(i);
      if (i != start) continue;  // not the smallest index of its cycle: moved already
      T carried = a[start];
      i = next(start);
      while (i != start) {
        const T t = a[i];
        a[i] = carried;
        carried = t;
        i = next(i);
      }
      a[start] = carried;
    }
  }
}

// out = beta 1^T + Omega X into the caller's matrix: affine's operations in its order.
template <class T, std::size_t Dout, std::size_t Din, std::size_t N>
constexpr void affine_into(matrix<T, Dout, N>& out, const matrix<T, Dout, Din>& omega,
                           const matrix<T, Din, N>& x, const vector<T, Dout>& beta) noexcept {
  for_chunks<Dout * N>([&]<std::size_t... J>(std::size_t j0, std::index_sequence<J...>) {
    ((out.elems[j0 + J] = T{}), ...);
  });
  gemm_acc(out, omega, x);
  if (!std::is_constant_evaluated()) {
    add_bias_rows<Dout, N>(out.elems, beta.elems);
    return;
  }
  for (std::size_t i = 0; i < Dout; ++i) {
    const T b = beta.elems[i];
    for_chunks<N>([&]<std::size_t... J>(std::size_t j0, std::index_sequence<J...> js) {
      add_row_consteval(out.elems, i * N + j0, b, js);
    });
  }
}

// K = beta_k 1^T + Omega_k X and V^T = (beta_v 1^T + Omega_v X)^T into the workspace, the
// affine products' per-element order. Run time: both by the product kernels (V then transposed
// in place); constant evaluation: V^T row by row (cheaper than the transposition there).
template <class T, std::size_t Din, std::size_t Nkv, std::size_t Dk, std::size_t Dv>
constexpr void keys_values_into(attention_workspace<T, Nkv, Dk, Dv>& ws,
                                const matrix<T, Din, Nkv>& x, const matrix<T, Dk, Din>& omega_k,
                                const vector<T, Dk>& beta_k, const matrix<T, Dv, Din>& omega_v,
                                const vector<T, Dv>& beta_v) noexcept {
  affine_into(ws.k, omega_k, x, beta_k);
  if (!std::is_constant_evaluated()) {
    T* v = ws.vt.elems;  // V (Dv x Nkv) first, in the same storage
    for (std::size_t i = 0; i < Dv * Nkv; ++i) v[i] = T{};
    if constexpr (use_gemm_runtime_v<T, Nkv>) {
      gemm_runtime<Dv, Din, Nkv, Din, 1>(v, omega_v.elems, x.elems);
    } else {
      for (std::size_t i = 0; i < Dv; ++i)
        for (std::size_t k = 0; k < Din; ++k)
          for (std::size_t m = 0; m < Nkv; ++m)
            v[i * Nkv + m] = v[i * Nkv + m] + omega_v.elems[i * Din + k] * x.elems[k * Nkv + m];
    }
    add_bias_rows<Dv, Nkv>(v, beta_v.elems);
    transpose_in_place<Dv, Nkv>(v);
    return;
  }
  for (std::size_t m = 0; m < Nkv; ++m) project_column(ws.vt.elems + m * Dv, omega_v, x, m, beta_v);
}

// Is key m kept for query n under the masks among opts (by-value: and_mask / add_mask).
template <class T, std::size_t Nkv, std::size_t Nq, class... Opts>
constexpr bool kept(std::size_t m, std::size_t n, const Opts&... opts) noexcept {
  bool keep = true;
  if constexpr (has_option_v<is_causal_option, Opts...>) keep = keep && m <= n;
  if constexpr (has_option_v<is_allowed_option, Opts...>)
    keep = keep && pick_option<is_allowed_option>(0, opts...).mask.elems[m * Nq + n];
  if constexpr (has_option_v<is_valid_keys_option, Opts...>)
    keep = keep && pick_option<is_valid_keys_option>(0, opts...).valid.elems[m];
  if constexpr (has_option_v<is_additive_option, Opts...>)
    keep = keep && !is_minus_inf(pick_option<is_additive_option>(0, opts...).add.elems[m * Nq + n]);
  return keep;
}

// The weights of query n (of Nq) over the Nkv keys whose K and V are in ws, from the query in
// ws.q; ws.s ends up holding them. Default scale `Dflt` applies when opts has none.
template <std::size_t Nq, class T, std::size_t Nkv, std::size_t Dk, std::size_t Dv, class Dflt,
          class... Opts>
constexpr void query_weights(attention_workspace<T, Nkv, Dk, Dv>& ws, std::size_t n,
                             const Dflt& dflt, const Opts&... opts) noexcept {
  T(&s)[Nkv] = ws.s.elems;
  // scores s_m = k_m . q: from T{} over ascending k (transpose_times' order), folds over m
  if (simd_target_v<T> && !std::is_constant_evaluated()) {  // rows of K in explicit vectors
    weighted_rows<Nkv>(s, ws.k.elems, Nkv, ws.q.elems, Dk);
  } else {
    for_chunks<Nkv>([&]<std::size_t... J>(std::size_t j0, std::index_sequence<J...>) {
      ((s[j0 + J] = T{}), ...);
    });
    for (std::size_t k = 0; k < Dk; ++k) {
      const T qk = ws.q.elems[k];
      for_chunks<Nkv>([&]<std::size_t... J>(std::size_t j0, std::index_sequence<J...>) {
        ((s[j0 + J] = s[j0 + J] + ws.k.elems[k * Nkv + j0 + J] * qk), ...);
      });
    }
  }
  // scaling: one multiplication per score
  const auto sc = pick_option<is_scale_option>(dflt, opts...);
  if constexpr (!std::is_same_v<std::remove_cvref_t<decltype(sc)>, unscaled_t>) {
    const T c = scale_factor<T, Dk>(sc);
    for_chunks<Nkv>([&]<std::size_t... J>(std::size_t j0, std::index_sequence<J...>) {
      ((s[j0 + J] = s[j0 + J] * c), ...);
    });
  }
  const auto exp_f = pick_option<is_exp_option>(exp_fn{}, opts...);
  using Exp = std::remove_cvref_t<decltype(exp_f)>;
  constexpr bool fast = std::is_same_v<Exp, exp_fast_fn>;
  if constexpr (has_option_v<is_mask_option, Opts...>) {
    // softmax_cols_masked's order restricted to this column: max over ascending kept keys, the
    // terms of kept keys (0 for the others) summed from T{}, one division per kept key.
    bool any = false;
    T mx{};
    for (std::size_t m = 0; m < Nkv; ++m) {
      if (!kept<T, Nkv, Nq>(m, n, opts...)) continue;
      if constexpr (has_option_v<is_additive_option, Opts...>)
        s[m] = s[m] + pick_option<is_additive_option>(0, opts...).add.elems[m * Nq + n];
      mx = !any ? s[m] : mx < s[m] ? s[m] : mx;
      any = true;
    }
    bool terms_done = false;
    if constexpr (vexp_available_v<T, Exp>) {
      if (!std::is_constant_evaluated()) {
        softmax_terms_splat_v<fast, Nkv>(s, s, mx);
        terms_done = true;
      }
    }
    T total{};
    for (std::size_t m = 0; m < Nkv; ++m) {
      const bool km = kept<T, Nkv, Nq>(m, n, opts...);
      s[m] = !km ? T{} : terms_done ? s[m] : softmax_term(s[m], mx, exp_f);
      total = total + s[m];
    }
    for (std::size_t m = 0; m < Nkv; ++m)
      s[m] = kept<T, Nkv, Nq>(m, n, opts...) ? s[m] / total : T{};
  } else {
    // softmax()'s order: max from s_0 over ascending m, terms, their sum from T{}, divisions
    T mx = s[0];
    for (std::size_t m = 1; m < Nkv; ++m) mx = mx < s[m] ? s[m] : mx;
    bool terms_done = false;
    if constexpr (vexp_available_v<T, Exp>) {
      if (!std::is_constant_evaluated()) {
        softmax_terms_splat_v<fast, Nkv>(s, s, mx);
        terms_done = true;
      }
    }
    T total{};
    for (std::size_t m = 0; m < Nkv; ++m) {
      if (!terms_done) s[m] = softmax_term(s[m], mx, exp_f);
      total = total + s[m];
    }
    for_chunks<Nkv>([&]<std::size_t... J>(std::size_t j0, std::index_sequence<J...>) {
      ((s[j0 + J] = s[j0 + J] / total), ...);
    });
  }
}

// ws.o = V a for the weights a in ws.s: o_i = T{} + sum_m v(i, m) a_m over ascending m (the
// order of the by-value product V A), as rows of V^T scaled and added: folds over i.
template <class T, std::size_t Nkv, std::size_t Dk, std::size_t Dv>
constexpr void query_output(attention_workspace<T, Nkv, Dk, Dv>& ws) noexcept {
  T(&o)[Dv] = ws.o.elems;
  if (simd_target_v<T> && !std::is_constant_evaluated()) {  // rows of V^T in explicit vectors
    weighted_rows<Dv>(o, ws.vt.elems, Dv, ws.s.elems, Nkv);
    return;
  }
  for_chunks<Dv>([&]<std::size_t... J>(std::size_t j0, std::index_sequence<J...>) {
    ((o[j0 + J] = T{}), ...);
  });
  for (std::size_t m = 0; m < Nkv; ++m) {
    const T am = ws.s.elems[m];
    for_chunks<Dv>([&]<std::size_t... J>(std::size_t j0, std::index_sequence<J...>) {
      ((o[j0 + J] = o[j0 + J] + ws.vt.elems[m * Dv + j0 + J] * am), ...);
    });
  }
}

// Column n of a matrix with Nq columns := the vector v.
template <class T, std::size_t R, std::size_t Nq>
constexpr void store_column(T* dst, std::size_t n, const T (&v)[R]) noexcept {
  for_chunks<R>([&]<std::size_t... J>(std::size_t j0, std::index_sequence<J...>) {
    ((dst[(j0 + J) * Nq + n] = v[j0 + J]), ...);
  });
}

// Writes the weights of query n into the sink (if any).
template <std::size_t Nq, class Sink, class T, std::size_t Nkv, std::size_t Dk, std::size_t Dv>
constexpr void sink_weights(Sink& sink, std::size_t n,
                            const attention_workspace<T, Nkv, Dk, Dv>& ws) noexcept {
  if constexpr (!std::is_same_v<Sink, no_weights_t>) store_column<T, Nkv, Nq>(sink.elems, n, ws.s.elems);
}

// The weights matrix of a with_weights option among opts, checked against Nkv x Nq, or a
// no_weights_t.
template <class T, std::size_t Nkv, std::size_t Nq, class... Opts>
constexpr auto& weights_sink(no_weights_t& none, const Opts&... opts) noexcept {
  if constexpr (has_option_v<is_weights_option, Opts...>) {
    auto& w = pick_option<is_weights_option>(0, opts...).weights;
    using W = std::remove_cvref_t<decltype(w)>;
    static_assert(is_matrix_v<W> && std::is_same_v<typename W::value_type, T>,
                  "ctattn::with_weights(w): w must be a ctattn::matrix<T, Nkv, Nq> of the "
                  "attention's element type");
    if constexpr (is_matrix_v<W>) require_weights_shape<W::rows, W::cols, Nkv, Nq>();
    return w;
  } else {
    return none;
  }
}

// Single-head attention into out (Dv x Nq) with queries from xq; K and V^T are in ws already.
// out may be xq (in place) or xkv: column n of out is written only after q_n has been read, and
// K, V are complete before the first write. At run time, when out is neither and Dk <= Dv, Q is
// first computed by the product kernels into out's first Dk rows (the storage of a Dk x Nq
// matrix), and q_n is read from there: the same operations as Omega_q x_n + beta_q per element.
template <class T, std::size_t Dq, std::size_t Nq, std::size_t Nkv, std::size_t Dk,
          std::size_t Dv, class... Opts>
constexpr void attend_queries_into(matrix<T, Dv, Nq>& out, const void* kv_input,
                                   const matrix<T, Dq, Nq>& xq, const matrix<T, Dk, Dq>& omega_q,
                                   const vector<T, Dk>& beta_q,
                                   attention_workspace<T, Nkv, Dk, Dv>& ws,
                                   const Opts&... opts) noexcept {
  no_weights_t none;
  auto& sink = weights_sink<T, Nkv, Nq>(none, opts...);
  bool q_in_out = false;
  if constexpr (Dk <= Dv && use_gemm_runtime_v<T, Nq>) {
    if (!std::is_constant_evaluated() && static_cast<const void*>(&out) != kv_input &&
        static_cast<const void*>(&out) != static_cast<const void*>(&xq)) {
      for (std::size_t i = 0; i < Dk * Nq; ++i) out.elems[i] = T{};
      gemm_runtime<Dk, Dq, Nq, Dq, 1>(out.elems, omega_q.elems, xq.elems);
      add_bias_rows<Dk, Nq>(out.elems, beta_q.elems);
      q_in_out = true;
    }
  }
  for (std::size_t n = 0; n < Nq; ++n) {
    if (q_in_out) {
      for (std::size_t k = 0; k < Dk; ++k) ws.q.elems[k] = out.elems[k * Nq + n];
    } else {
      project_column(ws.q.elems, omega_q, xq, n, beta_q);
    }
    query_weights<Nq>(ws, n, unscaled, opts...);
    sink_weights<Nq>(sink, n, ws);
    query_output(ws);
    store_column<T, Dv, Nq>(out.elems, n, ws.o.elems);
  }
}

}  // namespace detail

//! Self-attention of the tokens in the columns of x (D x N) into `out` (Dv x N), with the
//! caller's workspace: the same bits as self_attention(x, p, opts...).output. Takes the options
//! of self_attention, plus ctattn::with_weights(w) to also write the weights (N x N) into w.
//! `out` may be x itself (then Dv == D; the same as self_attention_inplace).
template <class T, std::size_t DvO, std::size_t NO, std::size_t DX, std::size_t N, std::size_t D,
          std::size_t Dk, std::size_t Dv, std::size_t NW, std::size_t DkW, std::size_t DvW,
          class... Opts>
constexpr void self_attention_into(matrix<T, DvO, NO>& out, const matrix<T, DX, N>& x,
                                   const attention_params<T, D, Dk, Dv>& p,
                                   attention_workspace<T, NW, DkW, DvW>& ws,
                                   const Opts&... opts) noexcept {
  detail::require_scalar<T, DX, N>();
  detail::require_input_dim<DX, D>();
  detail::require_out_shape<DvO, NO, Dv, N>();
  detail::require_workspace_shape<NW, DkW, DvW, N, Dk, Dv>();
  detail::check_options_into<Opts...>();
  if constexpr (DX == D && DvO == Dv && NO == N && NW == N && DkW == Dk && DvW == Dv) {
    detail::keys_values_into(ws, x, p.omega_k, p.beta_k, p.omega_v, p.beta_v);
    detail::attend_queries_into(out, &x, x, p.omega_q, p.beta_q, ws, opts...);
  }
}

//! Self-attention in place: x (D x N) is replaced by X' (needs Dv == D). The same bits as
//! self_attention(x, p, opts...).output.
template <class T, std::size_t DX, std::size_t N, std::size_t D, std::size_t Dk, std::size_t Dv,
          std::size_t NW, std::size_t DkW, std::size_t DvW, class... Opts>
constexpr void self_attention_inplace(matrix<T, DX, N>& x, const attention_params<T, D, Dk, Dv>& p,
                                      attention_workspace<T, NW, DkW, DvW>& ws,
                                      const Opts&... opts) noexcept {
  static_assert(Dv == DX,
                "ctattn::self_attention_inplace: the output (Dv rows) replaces x (DX rows), so "
                "Dv must equal DX; use self_attention_into with an output of its own");
  if constexpr (Dv == DX) self_attention_into(x, x, p, ws, opts...);
}

//! Cross-attention into `out` (Dv x Nq): queries from xq (Dq x Nq), keys and values from xkv
//! (Dkv x Nkv), workspace attention_workspace<T, Nkv, Dk, Dv>. The same bits as
//! cross_attention(xq, xkv, p, opts...).output; `out` may be xq or xkv.
template <class T, std::size_t DvO, std::size_t NO, std::size_t DXq, std::size_t Nq,
          std::size_t DXkv, std::size_t Nkv, std::size_t Dq, std::size_t Dkv, std::size_t Dk,
          std::size_t Dv, std::size_t NW, std::size_t DkW, std::size_t DvW, class... Opts>
constexpr void cross_attention_into(matrix<T, DvO, NO>& out, const matrix<T, DXq, Nq>& xq,
                                    const matrix<T, DXkv, Nkv>& xkv,
                                    const cross_attention_params<T, Dq, Dkv, Dk, Dv>& p,
                                    attention_workspace<T, NW, DkW, DvW>& ws,
                                    const Opts&... opts) noexcept {
  detail::require_scalar<T, DXq, Nq>();
  detail::require_cross_dims<DXq, Dq, DXkv, Dkv>();
  detail::require_out_shape<DvO, NO, Dv, Nq>();
  detail::require_workspace_shape<NW, DkW, DvW, Nkv, Dk, Dv>();
  detail::check_options_into<Opts...>();
  if constexpr (DXq == Dq && DXkv == Dkv && DvO == Dv && NO == Nq && NW == Nkv && DkW == Dk &&
                DvW == Dv) {
    detail::keys_values_into(ws, xkv, p.omega_k, p.beta_k, p.omega_v, p.beta_v);
    detail::attend_queries_into(out, &xkv, xq, p.omega_q, p.beta_q, ws, opts...);
  }
}

//! Cross-attention into `out` with self-attention parameters (inputs of one dimension D).
template <class T, std::size_t DvO, std::size_t NO, std::size_t DXq, std::size_t Nq,
          std::size_t DXkv, std::size_t Nkv, std::size_t D, std::size_t Dk, std::size_t Dv,
          std::size_t NW, std::size_t DkW, std::size_t DvW, class... Opts>
constexpr void cross_attention_into(matrix<T, DvO, NO>& out, const matrix<T, DXq, Nq>& xq,
                                    const matrix<T, DXkv, Nkv>& xkv,
                                    const attention_params<T, D, Dk, Dv>& p,
                                    attention_workspace<T, NW, DkW, DvW>& ws,
                                    const Opts&... opts) noexcept {
  detail::require_scalar<T, DXq, Nq>();
  detail::require_cross_dims<DXq, D, DXkv, D>();
  detail::require_out_shape<DvO, NO, Dv, Nq>();
  detail::require_workspace_shape<NW, DkW, DvW, Nkv, Dk, Dv>();
  detail::check_options_into<Opts...>();
  if constexpr (DXq == D && DXkv == D && DvO == Dv && NO == Nq && NW == Nkv && DkW == Dk &&
                DvW == Dv) {
    detail::keys_values_into(ws, xkv, p.omega_k, p.beta_k, p.omega_v, p.beta_v);
    detail::attend_queries_into(out, &xkv, xq, p.omega_q, p.beta_q, ws, opts...);
  }
}

//! Cross-attention in place: the queries' matrix xq (Dq x Nq) is replaced by the output (needs
//! Dv == Dq). The same bits as cross_attention(xq, xkv, p, opts...).output.
template <class T, std::size_t DXq, std::size_t Nq, std::size_t DXkv, std::size_t Nkv, class P,
          std::size_t NW, std::size_t DkW, std::size_t DvW, class... Opts>
constexpr void cross_attention_inplace(matrix<T, DXq, Nq>& xq, const matrix<T, DXkv, Nkv>& xkv,
                                       const P& p, attention_workspace<T, NW, DkW, DvW>& ws,
                                       const Opts&... opts) noexcept {
  static_assert(DvW == DXq,
                "ctattn::cross_attention_inplace: the output (Dv rows) replaces xq (DXq rows), "
                "so Dv must equal DXq; use cross_attention_into with an output of its own");
  if constexpr (DvW == DXq) cross_attention_into(xq, xq, xkv, p, ws, opts...);
}

namespace detail {
// Marks a constant evaluation that passed `out` aliasing `x` to multihead_self_attention_into:
// not constexpr, so such a static_assert fails here, naming the rule.
inline void multihead_into_out_must_not_alias_x() noexcept {}

// The input of multi-head attention as the head loop reads it: K and V of a head for every
// token, q of one token. plain_input reads X itself (K and V by the affine products).
template <class T, std::size_t D, std::size_t N>
struct plain_input {
  const matrix<T, D, N>& x;
  template <class WS, class P>
  constexpr void keys_values(WS& ws, const P& p) const noexcept {
    keys_values_into(ws, x, p.omega_k, p.beta_k, p.omega_v, p.beta_v);
  }
  template <class WS, class P>
  constexpr void query(WS& ws, const P& p, std::size_t n) const noexcept {
    project_column(ws.q.elems, p.omega_q, x, n, p.beta_q);
  }
};

// out = MhSa[input] (+ beta_c 1^T when mp has it): head by head, query by query, Omega_c's
// block of columns for head h applied to each query's head output (the by-value product's k
// order). `out` must not be read by `in`.
template <class T, std::size_t D, std::size_t N, std::size_t H, class MP, class In,
          class Sink, class... Opts>
constexpr void multihead_accumulate(matrix<T, D, N>& out, const In& in, const MP& mp,
                                    multihead_workspace<T, D, H, N>& mws, Sink& sink,
                                    const Opts&... opts) noexcept {
  constexpr std::size_t Dh = MP::head_dim;
  auto& ws = mws.head;
  for_chunks<D * N>([&]<std::size_t... J>(std::size_t j0, std::index_sequence<J...>) {
    ((out.elems[j0 + J] = T{}), ...);
  });
  for (std::size_t h = 0; h < H; ++h) {
    const auto& p = mp.heads[h];
    in.keys_values(ws, p);
    for (std::size_t n = 0; n < N; ++n) {
      in.query(ws, p, n);
      query_weights<N>(ws, n, scaled, opts...);
      if constexpr (!std::is_same_v<Sink, no_weights_t>)
        store_column<T, N, N>(sink[h].elems, n, ws.s.elems);
      query_output(ws);
      // out(:, n) += Omega_c(:, h Dh + kk) sa_kk for kk ascending: head h covers the product's
      // k = h Dh ... h Dh + Dh - 1.
      if (!std::is_constant_evaluated()) {  // output rows side by side, along Omega_c's rows
        constexpr std::size_t B = D < 8 ? D : 8;
        std::size_t i0 = 0;
        for (; i0 + B <= D; i0 += B)
          accumulate_rows(out, n, mp.omega_c, h * Dh, ws.o.elems, i0, std::make_index_sequence<B>{});
        if constexpr (D % B != 0)
          accumulate_rows(out, n, mp.omega_c, h * Dh, ws.o.elems, i0,
                          std::make_index_sequence<D % B>{});
        continue;
      }
      for (std::size_t kk = 0; kk < Dh; ++kk) {
        const T sk = ws.o.elems[kk];
        const std::size_t c = h * Dh + kk;
        for_chunks<D>([&]<std::size_t... J>(std::size_t j0, std::index_sequence<J...>) {
          ((out.elems[(j0 + J) * N + n] =
                out.elems[(j0 + J) * N + n] + mp.omega_c.elems[(j0 + J) * D + c] * sk),
           ...);
        });
      }
    }
  }
  if constexpr (requires { mp.beta_c; }) {  // affine's bias, after the whole product
    for (std::size_t i = 0; i < D; ++i) {
      const T b = mp.beta_c.elems[i];
      for_chunks<N>([&]<std::size_t... J>(std::size_t j0, std::index_sequence<J...>) {
        ((out.elems[i * N + j0 + J] = out.elems[i * N + j0 + J] + b), ...);
      });
    }
  }
}

template <class T, std::size_t DX, std::size_t N, std::size_t D, std::size_t H, class MP,
          std::size_t DW, std::size_t HW, std::size_t NW, class... Opts>
constexpr void multihead_into_impl(matrix<T, D, N>& out, const matrix<T, DX, N>& x, const MP& mp,
                                   multihead_workspace<T, DW, HW, NW>& mws,
                                   const Opts&... opts) noexcept {
  require_scalar<T, DX, N>();
  static_assert(DX == D,
                "ctattn::multihead_self_attention_into: X has DX rows but the parameters expect "
                "inputs of dimension D (see the template arguments below)");
  require_mh_workspace_shape<DW, HW, NW, D, H, N>();
  check_options_into<Opts...>();
  if constexpr (DX == D && DW == D && HW == H && NW == N) {
    if (static_cast<const void*>(&out) == static_cast<const void*>(&x)) {
      // Every head reads all of x while out accumulates: the rule is out != x (documented).
      if (std::is_constant_evaluated()) multihead_into_out_must_not_alias_x();
      constexpr T bad = std::numeric_limits<T>::has_quiet_NaN ? std::numeric_limits<T>::quiet_NaN()
                                                              : T{};
      for (std::size_t i = 0; i < D * N; ++i) out.elems[i] = bad;
      return;
    }
    no_weights_t none;
    if constexpr (has_option_v<is_weights_option, Opts...>) {
      auto& w = pick_option<is_weights_option>(0, opts...).weights;
      using W = std::remove_cvref_t<decltype(w)>;
      static_assert(std::is_same_v<W, std::array<matrix<T, N, N>, H>>,
                    "ctattn::with_weights(w) for multi-head attention: w must be "
                    "std::array<ctattn::matrix<T, N, N>, H> (one N x N matrix per head)");
      if constexpr (std::is_same_v<W, std::array<matrix<T, N, N>, H>>)
        multihead_accumulate(out, plain_input<T, D, N>{x}, mp, mws, w, opts...);
    } else {
      multihead_accumulate(out, plain_input<T, D, N>{x}, mp, mws, none, opts...);
    }
  }
}
}  // namespace detail

//! Multi-head self-attention of x (D x N) into `out` (D x N) with the caller's workspace: the
//! same bits as multihead_self_attention(x, mp, opts...).output. Options as there, plus
//! ctattn::with_weights(w) with w a std::array<matrix<T, N, N>, H>. `out` must not be x (every
//! head reads all of x): in constant evaluation that is a compile error, at run time every
//! element of out becomes NaN (T{} for types without NaN) and nothing else is computed.
template <class T, std::size_t D, std::size_t N, std::size_t DX, std::size_t DP, std::size_t H,
          std::size_t DW, std::size_t HW, std::size_t NW, class... Opts>
constexpr void multihead_self_attention_into(matrix<T, D, N>& out, const matrix<T, DX, N>& x,
                                             const multihead_params<T, DP, H>& mp,
                                             multihead_workspace<T, DW, HW, NW>& ws,
                                             const Opts&... opts) noexcept {
  static_assert(DP == D, "ctattn::multihead_self_attention_into: `out` has D rows but the "
                         "parameters have model dimension DP (see both below)");
  if constexpr (DP == D) detail::multihead_into_impl<T, DX, N, D, H>(out, x, mp, ws, opts...);
}

//! The same with an output bias (multihead_params_with_bias).
template <class T, std::size_t D, std::size_t N, std::size_t DX, std::size_t DP, std::size_t H,
          std::size_t DW, std::size_t HW, std::size_t NW, class... Opts>
constexpr void multihead_self_attention_into(matrix<T, D, N>& out, const matrix<T, DX, N>& x,
                                             const multihead_params_with_bias<T, DP, H>& mp,
                                             multihead_workspace<T, DW, HW, NW>& ws,
                                             const Opts&... opts) noexcept {
  static_assert(DP == D, "ctattn::multihead_self_attention_into: `out` has D rows but the "
                         "parameters have model dimension DP (see both below)");
  if constexpr (DP == D) detail::multihead_into_impl<T, DX, N, D, H>(out, x, mp, ws, opts...);
}

}  // namespace ctattn

CTATTN_DETAIL_FP_STRICT_END

#endif  // CTATTN_WORKSPACE_HPP
