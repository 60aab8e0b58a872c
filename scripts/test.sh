#!/usr/bin/env bash
# Runs every mactls test, in this order:
#   1. the repository root holds only the expected entries
#   2. the plain build (build/) and ctest: unit tests (RFC 8448, RFC 5869
#      and openssl vectors, the scripted-server engine tests, secret
#      hygiene), the C façade test, the examples and live interop with
#      openssl s_server and gnutls-serv on 127.0.0.1, the install test
#   3. the unit and interop suites under valgrind memcheck
#   4. every fuzz target: corpus replay and 10 s of fuzzing
#   5. the same build and ctest under ASan+UBSan (build-asan/)
# and ends with one line, "N passed, M failed", summed over every stage
# (ctest and gtest count tests, the root check counts 1, fuzzing counts
# targets). Logs of each stage stay in its build folder.
#
#   bash scripts/test.sh              # all of it (what CI runs)
#   bash scripts/test.sh --quick      # stages 1 and 2 only
#
# Works on a fresh Debian bookworm machine as root: installs what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."
here=$(pwd)

sanitize=1
valgrind=1
fuzz=1
for arg in "$@"; do
  case "$arg" in
    --quick) sanitize=0; valgrind=0; fuzz=0 ;;
    --sanitize) sanitize=1 ;;  # (the default; kept for older callers)
    -h|--help) sed -n '2,18p' "$0"; exit 0 ;;
    *) echo "unknown option: $arg" >&2; exit 2 ;;
  esac
done

source scripts/deps.sh
mactls_packages=("${mactls_test_packages[@]}")
mactls_install_missing

jobs=$(nproc 2>/dev/null || echo 2)
total_passed=0
total_failed=0
count() {  # stage passed failed
  total_passed=$((total_passed + $2))
  total_failed=$((total_failed + $3))
  echo "   $1: $2 passed, $3 failed"
}

# 1. Nothing unexpected at the repository root: what belongs there is
# listed here; build folders and their logs are ignored by .gitignore.
allowed_root=(.ci .git .gitignore CMakeLists.txt LICENSE README.md RESUMPTION_SCOPE.md
              bench cmake examples fuzz include scripts src tests tools)
check_root() {
  local bad=() entry ok a path
  for entry in $(ls -A); do
    ok=0
    for a in "${allowed_root[@]}"; do [ "$entry" = "$a" ] && ok=1; done
    path=$entry
    [ -d "$entry" ] && path=$entry/  # .gitignore's "build*/" matches folders only
    if [ "$ok" -eq 0 ] && [ -e .git ] && git check-ignore -q "$path" 2>/dev/null; then ok=1; fi
    [ "$ok" -eq 1 ] || bad+=("$entry")
  done
  if [ ${#bad[@]} -gt 0 ]; then
    echo "unexpected at the repository root: ${bad[*]}" >&2
    echo "(remove them, or add them to allowed_root in scripts/test.sh or to .gitignore)" >&2
    return 1
  fi
}
echo "== repository root"
if check_root; then count "root check" 1 0; else count "root check" 0 1; fi

# Configures, builds and runs ctest in $1 (further arguments go to cmake).
# Quiet on success: the ctest summary line; on failure the build errors or
# the failed tests' output.
run_suite() {
  local dir=$1; shift
  mkdir -p "$dir"
  echo "== configure and build ($dir)"
  if ! cmake -S "$here" -B "$dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DMACTLS_BUILD_TESTS=ON \
       -DMACTLS_BUILD_TOOLS=ON -DMACTLS_BUILD_EXAMPLES=ON "$@" \
       > "$dir/configure.log" 2>&1; then
    cat "$dir/configure.log"; count "$dir configure" 0 1; return 1
  fi
  if ! cmake --build "$dir" -j"$jobs" > "$dir/build.log" 2>&1; then
    grep -E -B2 -A8 "error|Error" "$dir/build.log" | head -80; count "$dir build" 0 1; return 1
  fi
  echo "== ctest ($dir)"
  local rc=0
  (cd "$dir" && ctest --output-on-failure -j"$jobs" --timeout 300) > "$dir/ctest.log" 2>&1 || rc=$?
  local summary
  summary=$(grep -E '^[0-9]+% tests passed, [0-9]+ tests? failed out of [0-9]+' "$dir/ctest.log" | tail -1 || true)
  if [ -z "$summary" ]; then
    cat "$dir/ctest.log"; count "$dir ctest" 0 1; return 1
  fi
  local failed total
  failed=$(echo "$summary" | sed -E 's/.* ([0-9]+) tests? failed out of ([0-9]+).*/\1/')
  total=$(echo "$summary" | sed -E 's/.* failed out of ([0-9]+).*/\1/')
  [ "$rc" -eq 0 ] || [ "$failed" -gt 0 ] || failed=1  # ctest failed without saying which
  if [ "$failed" -gt 0 ]; then
    # Everything but the passing tests' one-liners: the failures in full.
    grep -vE '^ *[0-9]+/[0-9]+ Test +#[0-9]+: .* +Passed +' "$dir/ctest.log" || true
  fi
  echo "   $summary (log: $dir/ctest.log)"
  count "$dir ctest" $((total - failed)) "$failed"
  [ "$failed" -eq 0 ]
}

# gtest's own summary: "[  PASSED  ] N tests." and "[  FAILED  ] M tests,".
gtest_counts() {  # log → "passed failed"
  local p f
  p=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) tests\{0,1\}\..*/\1/p' "$1" | tail -1)
  f=$(sed -n 's/^\[  FAILED  \] \([0-9]*\) tests\{0,1\},.*/\1/p' "$1" | tail -1)
  echo "${p:-0} ${f:-0}"
}

plain_ok=0
run_suite build && plain_ok=1 || true

if [ "$valgrind" -eq 1 ]; then
  # Memcheck over the interop suite (live peers) and the whole unit suite:
  # no invalid access, no use of uninitialised memory, no leak.
  echo "== valgrind memcheck (interop and unit tests)"
  # Memcheck runs one thread: each suite is split into $jobs gtest shards
  # run side by side, every test in exactly one shard.
  for t in build/tests/mactls_interop_tests build/tests/mactls_unit_tests; do
    if [ ! -x "$t" ]; then count "valgrind $(basename "$t")" 0 1; continue; fi
    pids=()
    for ((k = 0; k < jobs; k++)); do
      GTEST_TOTAL_SHARDS=$jobs GTEST_SHARD_INDEX=$k \
        valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite,indirect \
        --show-leak-kinds=definite,indirect "$t" --gtest_brief=1 > "$t.valgrind.$k.log" 2>&1 &
      pids+=($!)
    done
    p_all=0
    f_all=0
    for ((k = 0; k < jobs; k++)); do
      rc=0
      wait "${pids[$k]}" || rc=$?
      read -r p f <<< "$(gtest_counts "$t.valgrind.$k.log")"
      if [ "$rc" -ne 0 ]; then
        cat "$t.valgrind.$k.log"
        [ "$f" -gt 0 ] || f=1  # memcheck errors or a crash with every test passing
      fi
      p_all=$((p_all + p))
      f_all=$((f_all + f))
    done
    count "valgrind $(basename "$t")" "$p_all" "$f_all"
  done
fi

if [ "$fuzz" -eq 1 ]; then
  # Every fuzz target: its committed corpus and regressions replayed, then a
  # short fuzzing run under ASan+UBSan (scripts/fuzz.sh SECONDS for longer).
  echo "== fuzz (corpus replay + 10 s per target)"
  mkdir -p build-fuzz
  rc=0
  bash scripts/fuzz.sh 10 > build-fuzz/fuzz.log 2>&1 || rc=$?
  line=$(grep -E '^fuzz targets: [0-9]+ passed, [0-9]+ failed' build-fuzz/fuzz.log | tail -1 || true)
  if [ -z "$line" ]; then
    tail -40 build-fuzz/fuzz.log; count "fuzz" 0 1
  else
    [ "$rc" -eq 0 ] || grep -E "^FAIL|ERROR|SUMMARY" build-fuzz/fuzz.log | head -20
    count "fuzz" "$(echo "$line" | sed -E 's/.*: ([0-9]+) passed.*/\1/')" \
                 "$(echo "$line" | sed -E 's/.* ([0-9]+) failed.*/\1/')"
  fi
fi

if [ "$sanitize" -eq 1 ]; then
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    run_suite build-asan -DMACTLS_SANITIZE=ON || true
fi

echo "$total_passed passed, $total_failed failed"
[ "$total_failed" -eq 0 ] && [ "$plain_ok" -eq 1 ]
