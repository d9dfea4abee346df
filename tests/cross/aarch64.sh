#!/usr/bin/env bash
# AArch64 (NEON) under QEMU: cross-build with Debian's g++-aarch64-linux-gnu and run, under
# qemu-aarch64 (meson's exe_wrapper, tests/cross/aarch64-linux-gnu.ini), the bit-identity tests
# (tests/bitid), the run-time suites and the contraction check (docs/portability.md).
#   bash tests/cross/aarch64.sh [BUILD_DIR]     (from the source root; default build-aarch64)
# Only the targets of those tests are built (.ci/suite_targets.py). Left out: the MPFR accuracy
# sweeps (no AArch64 MPFR; the bit-identity tests compare with constant evaluation directly)
# and the -O0 bit-identity builds (-O2 runs the NEON kernels; vexp_bits_O0 alone takes ~110 s
# under QEMU, and -O0 is checked natively).
set -euo pipefail
cd "$(dirname "$0")/../.."
dir=${1:-build-aarch64}
suites=(bitid runtime evaluation_order)
skip=(math_accuracy layers_accuracy bitid_O0)
[ -f "$dir/build.ninja" ] || meson setup --cross-file tests/cross/aarch64-linux-gnu.ini "$dir"
targets=$(python3 .ci/suite_targets.py "$dir" "${suites[@]}" --not "${skip[@]}")
# shellcheck disable=SC2086  # one word per target
meson compile -C "$dir" $targets
meson test -C "$dir" --no-rebuild --print-errorlogs --timeout-multiplier 4 \
  "${suites[@]/#/--suite=}" "${skip[@]/#/--no-suite=}"
