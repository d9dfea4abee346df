#!/bin/sh
# bench/run_tables.sh - the README's run-time performance tables, one command:
#   bench/run_tables.sh [GCC_BUILD_DIR] [CLANG_BUILD_DIR] [OUT_DIR]
# (defaults build-bench-gcc, build-bench-clang, bench-results). Sets up the two build
# directories if they do not exist (CXX=g++ / CXX=clang++, the project's default options),
# builds both benchmark binaries in each, and runs three of them, one after the other:
#   gcc-native   g++     -O3 -march=native  (bench_attention_native)
#   clang-native clang++ -O3 -march=native  (bench_attention_native)
#   gcc-O2       g++     -O2, baseline x86-64, SSE2 only (bench_attention)
# Each run: 5 repetitions, randomly interleaved, median CPU time (bench/report.py). Cases whose
# ratio to Eigen or to the loop comes out within 5 % of 1.0 are then rerun alone with 15
# repetitions, and those medians replace the first ones. Prints the tables (markdown) and the
# CPU, compilers and load averages; the JSON files stay in OUT_DIR.
set -eu
src=$(cd "$(dirname "$0")/.." && pwd)
gcc_dir=${1:-build-bench-gcc}
clang_dir=${2:-build-bench-clang}
out=${3:-bench-results}
mkdir -p "$out"

common="--benchmark_report_aggregates_only=true --benchmark_min_time=0.1 --benchmark_enable_random_interleaving=true --benchmark_out_format=json"

setup() {  # CXX DIR
  if [ ! -d "$2" ]; then CXX=$1 meson setup "$2" "$src" >/dev/null; fi
  meson compile -C "$2" bench/bench_attention bench/bench_attention_native >"$out/build.log" 2>&1 ||
    { cat "$out/build.log"; exit 1; }
}

run() {  # NAME BINARY TITLE
  echo "running $1 (load average: $(cut -d' ' -f1-3 /proc/loadavg))" >&2
  "$2" --benchmark_repetitions=5 $common --benchmark_out="$out/$1.json" >/dev/null
  filter=$("$src/bench/report.py" --close "$out/$1.json")
  if [ -n "$filter" ]; then
    echo "rerunning $1 close cases: $filter" >&2
    "$2" --benchmark_repetitions=15 $common --benchmark_filter="bm_peak|$filter" \
      --benchmark_out="$out/$1-rerun.json" >/dev/null
    "$src/bench/report.py" --title "$3" "$out/$1.json" "$out/$1-rerun.json"
  else
    "$src/bench/report.py" --title "$3" "$out/$1.json"
  fi
}

setup g++ "$gcc_dir"
setup clang++ "$clang_dir"
echo "CPU: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(nproc) CPUs"
echo "compilers: $(g++ --version | head -1); $(clang++ --version | head -1)"
echo
run gcc-native "$gcc_dir/bench/bench_attention_native" "g++ -O3 -march=native"
run clang-native "$clang_dir/bench/bench_attention_native" "clang++ -O3 -march=native"
run gcc-O2 "$gcc_dir/bench/bench_attention" "g++ -O2, baseline x86-64 (SSE2)"
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
