// ctattn/detail/isa.hpp - one name per instruction set for everything ctattn defines.
//
// ctattn is header-only, so every function it has is an inline function or template, emitted
// in each translation unit that uses it and merged by the linker into one copy. Its run-time
// kernels (detail/kernels.hpp, vexp.hpp, rowops.hpp, small_attention.hpp) differ with the
// instruction set the unit is compiled for (-mavx2, -march=x86-64-v4, ...), and so does the
// machine code of every function above them. Two units of one program built for different
// instruction sets (the usual run-time dispatch) would then define one symbol with two bodies,
// and the linker would keep either: the baseline unit could run AVX-512 code on a CPU without it.
//
// So the whole library lives in an inline namespace named after the instruction set:
// `ctattn::matrix` is `ctattn::isa_avx2::matrix` in a unit built with AVX2. Source code names
// `ctattn::matrix` as before (an inline namespace is transparent to lookup, ADL and explicit
// specialisation); only the linker names differ, so two units for two instruction sets share no
// ctattn symbol. Consequences (docs/portability.md):
//   - Do not forward-declare ctattn's names (`namespace ctattn { struct ... }` declares a
//     different entity); include the header.
//   - A function of yours whose signature mentions a ctattn type is tied to one instruction set
//     too: between units built for different ones, pass plain data (T*, std::array, spans).
// tests/hygiene/isa_odr_check.py links a baseline unit with an x86-64-v3 unit and checks it.
//
// The name is chosen from the predefined macros, most capable first. It covers every macro the
// headers test (__AVX512F__, __AVX__, __SSE2__, __aarch64__) and the x86-64 levels in between.
#ifndef CTATTN_DETAIL_ISA_HPP
#define CTATTN_DETAIL_ISA_HPP

#if defined(__AVX512F__)
#define CTATTN_ISA_NS isa_avx512
#elif defined(__AVX2__)
#define CTATTN_ISA_NS isa_avx2
#elif defined(__AVX__)
#define CTATTN_ISA_NS isa_avx
#elif defined(__SSE4_2__)
#define CTATTN_ISA_NS isa_sse4
#elif defined(__SSE2__)
#define CTATTN_ISA_NS isa_sse2
#elif defined(__aarch64__) && defined(__ARM_NEON)
#define CTATTN_ISA_NS isa_neon
#else
#define CTATTN_ISA_NS isa_generic
#endif

#endif  // CTATTN_DETAIL_ISA_HPP
