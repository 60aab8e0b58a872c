#!/usr/bin/env bash
# Installs the build in $1 into a temporary prefix, then builds and runs a
# consumer against it twice: through find_package(mactls) and through
# pkg-config.
set -euo pipefail
build=$1
src=$2
tmp=$(mktemp -d /tmp/mactls-install-XXXXXX)
trap 'rm -rf "$tmp"' EXIT
cmake --install "$build" --prefix "$tmp/prefix" > "$tmp/install.log"
test -f "$tmp/prefix/include/mactls/client.h"
test -f "$tmp/prefix/lib/libmactls.a" || test -f "$tmp/prefix/lib64/libmactls.a" || ls "$tmp"/prefix/lib/*/libmactls.a
cmake -S "$src/consumer" -B "$tmp/cmake" -DCMAKE_PREFIX_PATH="$tmp/prefix" > "$tmp/configure.log"
cmake --build "$tmp/cmake" > "$tmp/build.log"
"$tmp/cmake/consumer"
pc=$(dirname "$(find "$tmp/prefix" -name mactls.pc | head -1)")
PKG_CONFIG_PATH="$pc" c++ -std=c++17 "$src/consumer/main.cpp" -o "$tmp/pkgconfig-consumer" \
  $(PKG_CONFIG_PATH="$pc" pkg-config --define-variable=prefix="$tmp/prefix" --cflags --libs --static mactls)
"$tmp/pkgconfig-consumer"
echo "install_and_consume: find_package and pkg-config consumers both work"
