#!/usr/bin/env bash
# Builds the libFuzzer targets (clang-14, ASan + UBSan) in build-fuzz/ and
# runs each one: first over its committed corpus and regression inputs
# (fuzz/corpus/<target>, fuzz/regressions/<target>), then fuzzing for the
# given seconds on a scratch copy (new inputs never touch the repository).
# Prints executions, exec/s and coverage per target; fails on any crash,
# leak or timeout, keeping the reproducer in build-fuzz/findings/.
#
#   bash scripts/fuzz.sh              # 15 s per target
#   bash scripts/fuzz.sh 600          # 10 minutes per target
#   bash scripts/fuzz.sh 0            # replay corpus and regressions only
#   bash scripts/fuzz.sh 60 engine    # one target
#
# Works on a fresh Debian bookworm machine as root: installs what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."
here=$(pwd)
seconds=${1:-15}
only=${2:-}

source scripts/deps.sh
mactls_packages=("${mactls_test_packages[@]}" clang-14 libclang-rt-14-dev)
mactls_install_missing

echo "== configure (build-fuzz, clang-14, ASan+UBSan+libFuzzer)"
CC=clang-14 CXX=clang++-14 cmake -S "$here" -B build-fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo -DMACTLS_FUZZ=ON \
  -DMACTLS_SANITIZE=ON -DMACTLS_BUILD_TOOLS=OFF > build-fuzz.configure.log 2>&1 || { cat build-fuzz.configure.log; exit 1; }
echo "== build"
targets=$(cd fuzz/targets && ls *.cpp | sed 's/\.cpp$//')
[ -n "$only" ] && targets=$only
cmake --build build-fuzz -j"$(nproc 2>/dev/null || echo 2)" --target $(for t in $targets; do echo -n "fuzz_$t "; done)

mkdir -p build-fuzz/findings
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
status=0
passed=0
failed=0
printf '%-22s %12s %10s %8s %8s\n' target executions exec/s cov ft
for t in $targets; do
  bin=build-fuzz/fuzz/fuzz_$t
  inputs=()
  [ -d fuzz/corpus/$t ] && inputs+=(fuzz/corpus/$t)
  [ -d fuzz/regressions/$t ] && inputs+=(fuzz/regressions/$t)
  log=build-fuzz/findings/$t.log
  # 1. Replay: every committed input must pass.
  if [ ${#inputs[@]} -gt 0 ]; then
    if ! "$bin" -runs=0 "${inputs[@]}" > "$log" 2>&1; then
      echo "FAIL $t: a committed input fails (see $log)"; tail -30 "$log"; status=1; failed=$((failed + 1)); continue
    fi
  fi
  [ "$seconds" = 0 ] && { echo "$t: corpus and regressions replayed"; passed=$((passed + 1)); continue; }
  # 2. Fuzz on a scratch copy of the corpus.
  scratch=build-fuzz/scratch/$t
  rm -rf "$scratch"; mkdir -p "$scratch"
  [ -d fuzz/corpus/$t ] && cp fuzz/corpus/$t/* "$scratch"/ 2>/dev/null || true
  if ! "$bin" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
       -artifact_prefix=build-fuzz/findings/$t- "$scratch" > "$log" 2>&1; then
    echo "FAIL $t: finding kept in build-fuzz/findings/ (see $log)"; grep -E "ERROR|SUMMARY|invariant" "$log" | head -5
    status=1; failed=$((failed + 1)); continue
  fi
  execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$')
  rate=$(grep -o 'stat::average_exec_per_sec: *[0-9]*' "$log" | grep -o '[0-9]*$')
  cov=$(grep -E '#[0-9]+[[:space:]]+DONE' "$log" | grep -o 'cov: [0-9]*' | grep -o '[0-9]*' || echo '?')
  ft=$(grep -E '#[0-9]+[[:space:]]+DONE' "$log" | grep -o 'ft: [0-9]*' | grep -o '[0-9]*' || echo '?')
  printf '%-22s %12s %10s %8s %8s\n' "$t" "$execs" "$rate" "$cov" "$ft"
  passed=$((passed + 1))
done
# One line for scripts/test.sh to add up (targets, not executions).
echo "fuzz targets: $passed passed, $failed failed"
[ "$status" = 0 ] && echo "== fuzzing: no finding" || echo "== fuzzing: FINDINGS (see above)"
exit $status
