#!/usr/bin/env bash
# Runs every mactls test: unit tests (RFC 8448, RFC 5869 and openssl
# vectors, the scripted-server engine tests, secret hygiene), the C façade
# test, live interop with openssl s_server and gnutls-serv on 127.0.0.1,
# then the same suites under ASan+UBSan (build-asan/), the interop and unit
# suites under valgrind memcheck, and every fuzz target briefly.
#
#   bash scripts/test.sh              # all of it (what CI runs)
#   bash scripts/test.sh --quick      # only the plain build and ctest
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
    -h|--help) sed -n '2,11p' "$0"; exit 0 ;;
    *) echo "unknown option: $arg" >&2; exit 2 ;;
  esac
done

source scripts/deps.sh
mactls_install_missing

if [ ! -d ../shared/rfc ]; then
  echo "error: ../shared/rfc (the RFC texts and rfc8448_vectors.json) must sit beside the checkout" >&2
  exit 1
fi

jobs=$(nproc 2>/dev/null || echo 2)

run_suite() {
  local dir=$1; shift
  echo "== configure ($dir)"
  cmake -S "$here" -B "$dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DMACTLS_BUILD_TESTS=ON "$@" > "$dir.configure.log" 2>&1 ||
    { cat "$dir.configure.log"; return 1; }
  echo "== build ($dir)"
  cmake --build "$dir" -j"$jobs"
  echo "== test ($dir)"
  (cd "$dir" && ctest --output-on-failure -j"$jobs" --timeout 300)
}

mkdir -p build
run_suite build
if [ "$valgrind" -eq 1 ]; then
  # Memcheck over the interop suite (live peers) and the whole unit suite:
  # no invalid access, no use of uninitialised memory, no leak.
  echo "== valgrind memcheck (interop and unit tests)"
  for t in build/tests/mactls_interop_tests build/tests/mactls_unit_tests; do
    valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite,indirect \
      --show-leak-kinds=definite,indirect "$t" --gtest_brief=1 > "$t.valgrind.log" 2>&1 ||
      { cat "$t.valgrind.log"; echo "valgrind: $t failed" >&2; exit 1; }
    grep -E "PASSED|FAILED" "$t.valgrind.log" | tail -2
  done
fi
if [ "$fuzz" -eq 1 ]; then
  # Every fuzz target: its committed corpus and regressions replayed, then a
  # short fuzzing run under ASan+UBSan (scripts/fuzz.sh SECONDS for longer).
  echo "== fuzz (corpus replay + 10 s per target)"
  bash scripts/fuzz.sh 10
fi
if [ "$sanitize" -eq 1 ]; then
  mkdir -p build-asan
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    run_suite build-asan -DMACTLS_SANITIZE=ON
fi
echo "== all tests passed"
