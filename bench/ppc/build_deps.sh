#!/usr/bin/env bash
# Cross-builds gmp (with its G3 code paths) and nettle (plain C: it has no
# 32-bit PowerPC assembly) from Debian's source packages, and GoogleTest,
# into build-ppc/prefix. Idempotent: each step is skipped once done.
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)/build-ppc
prefix=$root/prefix
mkdir -p "$root/src" "$prefix"
jobs=$(nproc 2>/dev/null || echo 2)

if ! grep -rqsE "^(deb-src .*bookworm |Types:.*deb-src)" /etc/apt/sources.list /etc/apt/sources.list.d/; then
  echo "deb-src [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian bookworm main" \
    > /etc/apt/sources.list.d/mactls-deb-src.list
  apt-get update -qq
fi

cd "$root/src"
if [ ! -f "$prefix/lib/libgmp.a" ]; then
  [ -d gmp-* ] 2>/dev/null || apt-get source -qq gmp > /dev/null
  cd gmp-*/
  # Debian's gmp source has no doc/: drop it from the build.
  sed -i 's/^\(SUBDIRS = .*\) doc/\1/' Makefile.in
  sed -i 's# doc/Makefile##' configure
  ./configure --host=powerpc750-unknown-linux-gnu --build=x86_64-pc-linux-gnu \
    CC=powerpc-linux-gnu-gcc CXX=powerpc-linux-gnu-g++ --prefix="$prefix" --disable-shared --enable-static \
    > "$root/gmp.configure.log" 2>&1 || { tail -30 "$root/gmp.configure.log"; exit 1; }
  make -j"$jobs" > "$root/gmp.build.log" 2>&1 || { tail -30 "$root/gmp.build.log"; exit 1; }
  make install > /dev/null
  cd "$root/src"
fi

if [ ! -f "$prefix/lib/libnettle.a" ]; then
  [ -d nettle-* ] 2>/dev/null || apt-get source -qq nettle > /dev/null
  cd nettle-*/
  # Debian's patches leave aclocal.m4 newer than configure: keep autoheader out.
  touch -r configure.ac aclocal.m4 configure
  ./configure --host=powerpc-linux-gnu --build=x86_64-pc-linux-gnu --prefix="$prefix" --disable-shared \
    --disable-documentation --disable-openssl --disable-assembler \
    CFLAGS="-O2 -mcpu=750" CPPFLAGS="-I$prefix/include" LDFLAGS="-L$prefix/lib" \
    > "$root/nettle.configure.log" 2>&1 || { tail -30 "$root/nettle.configure.log"; exit 1; }
  make -j"$jobs" > "$root/nettle.build.log" 2>&1 || { tail -30 "$root/nettle.build.log"; exit 1; }
  make install > /dev/null
  cd "$root/src"
fi

if [ ! -f "$prefix/lib/libgtest.a" ]; then
  cmake -S /usr/src/googletest -B "$root/gtest" -DCMAKE_TOOLCHAIN_FILE="$root/../cmake/toolchain-ppc750.cmake" \
    -DCMAKE_INSTALL_PREFIX="$prefix" -DCMAKE_BUILD_TYPE=Release > "$root/gtest.configure.log" 2>&1 ||
    { tail -30 "$root/gtest.configure.log"; exit 1; }
  cmake --build "$root/gtest" -j"$jobs" > "$root/gtest.build.log" 2>&1 || { tail -30 "$root/gtest.build.log"; exit 1; }
  cmake --install "$root/gtest" > /dev/null
fi
echo "== PowerPC gmp, nettle and GoogleTest in $prefix"
