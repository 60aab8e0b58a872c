#!/usr/bin/env bash
# The emulated G3: cross-compiles gmp, nettle, GoogleTest and mactls for
# 32-bit big-endian PowerPC tuned for the PowerPC 750 (-mcpu=750), runs the
# unit-test suite under qemu-ppc -cpu 750 (which refuses instructions a G3
# lacks), replays the recorded transcripts there byte for byte while a QEMU
# plugin counts guest instructions per connection, counts the nettle floor
# operations the same way, and writes bench/ppc/RESULTS_PPC.md and
# bench/ppc/results_ppc.json. Idempotent; builds live in build-ppc/.
#
#   bash bench/ppc/run.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
here=$(pwd)
root=$here/build-ppc
prefix=$root/prefix
jobs=$(nproc 2>/dev/null || echo 2)

source scripts/deps.sh
mactls_packages=("${mactls_test_packages[@]}" g++-powerpc-linux-gnu qemu-user qemu-user-static dpkg-dev m4 xz-utils python3)
mactls_install_missing

echo "== cross-build gmp, nettle, GoogleTest (first run: several minutes)"
bash bench/ppc/build_deps.sh

echo "== QEMU plugin (instruction counter)"
header=$(ls "$root"/qemu-src/qemu-*/include/qemu/qemu-plugin.h 2>/dev/null | head -1 || true)
if [ -z "$header" ]; then
  mkdir -p "$root/qemu-src"
  (cd "$root/qemu-src" && apt-get source --download-only -qq qemu > /dev/null 2>&1 &&
   tar -xJf qemu_*.orig.tar.xz --wildcards '*/include/qemu/qemu-plugin.h')
  header=$(ls "$root"/qemu-src/qemu-*/include/qemu/qemu-plugin.h | head -1)
fi
gcc -O2 -shared -fPIC -Wall -Wextra -Werror -I"$(dirname "$header")" bench/ppc/insn_count.c -o "$root/libinsn_count.so"

echo "== cross-build mactls and its unit tests"
PKG_CONFIG_LIBDIR=$prefix/lib/pkgconfig PKG_CONFIG_SYSROOT_DIR= \
  cmake -S "$here" -B "$root/mactls" -DCMAKE_TOOLCHAIN_FILE="$here/cmake/toolchain-ppc750.cmake" \
  -DMACTLS_PPC_PREFIX="$prefix" -DCMAKE_PREFIX_PATH="$prefix" -DCMAKE_BUILD_TYPE=Release \
  -DMACTLS_BUILD_TOOLS=OFF > "$root/mactls.configure.log" 2>&1 || { tail -30 "$root/mactls.configure.log"; exit 1; }
PKG_CONFIG_LIBDIR=$prefix/lib/pkgconfig cmake --build "$root/mactls" -j"$jobs" --target mactls mactls_unit_tests \
  > "$root/mactls.build.log" 2>&1 || { grep -E "error" "$root/mactls.build.log" | head -20; exit 1; }

echo "== unit tests under qemu-ppc -cpu 750"
# The suite's verdict decides the script's: a failing or crashing suite on
# the G3 build stops here (exit 1), before any figure is measured or the
# committed RESULTS_PPC.md is rewritten from a broken build.
unit_rc=0
( cd "$root/mactls/tests" && qemu-ppc-static -cpu 750 ./mactls_unit_tests --gtest_brief=1 ) \
  > "$root/unit-tests.log" 2>&1 || unit_rc=$?
unit_passed=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' "$root/unit-tests.log" | tail -1)
unit_failed=$(sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' "$root/unit-tests.log" | tail -1)
echo "unit tests under qemu-ppc: ${unit_passed:-0} passed, ${unit_failed:-0} failed (exit status $unit_rc)"
if [ "$unit_rc" -ne 0 ] || [ -z "$unit_passed" ] || [ "$unit_passed" -eq 0 ]; then
  grep -E '^\[  FAILED  \]' "$root/unit-tests.log" | head -20 || true
  tail -20 "$root/unit-tests.log"
  echo "error: the unit suite failed under qemu-ppc (log: $root/unit-tests.log)" >&2
  exit 1
fi

echo "== instruction counts"
cxx="powerpc-linux-gnu-g++ -std=c++17 -O2 -mcpu=750 -static -Wall -Wextra -Werror"
$cxx -I include -I src bench/ppc/count_handshakes.cpp bench/transcript.cpp "$root/mactls/libmactls.a" \
  -L"$prefix/lib" -lhogweed -lnettle -lgmp -o "$root/count_handshakes"
powerpc-linux-gnu-gcc -O2 -mcpu=750 -static -Wall -Wextra -Werror -I"$prefix/include" bench/ppc/count_primitives.c \
  -L"$prefix/lib" -lhogweed -lnettle -lgmp -o "$root/count_primitives"
count() {  # binary args... → the plugin's "marker N COUNT" lines
  local bin=$1; shift
  local addr
  addr=0x$(powerpc-linux-gnu-nm "$bin" | awk '$3 == "mactls_marker" { print $1 }')
  qemu-ppc -cpu 750 -plugin "$root/libinsn_count.so,marker=$addr" -d plugin "$bin" "$@" 2>&1
}
: > "$root/counts.txt"
for s in a b c d e f g; do
  echo "scenario $s" >> "$root/counts.txt"
  count "$root/count_handshakes" bench/transcripts/$s.txt >> "$root/counts.txt"
done
echo "primitives" >> "$root/counts.txt"
count "$root/count_primitives" >> "$root/counts.txt"
size -t "$root/mactls/libmactls.a" | tail -1 > "$root/size.txt"
size -t build-bench/libmactls.a 2>/dev/null | tail -1 > "$root/size-x86.txt" || true

/usr/bin/python3 bench/ppc/report_ppc.py "$root"
echo "== wrote bench/ppc/RESULTS_PPC.md and bench/ppc/results_ppc.json"
