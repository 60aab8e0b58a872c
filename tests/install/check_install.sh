#!/usr/bin/env bash
# The packaging, exactly as the README documents it:
#   1. cmake --install BUILD --prefix DIR
#   2. PKG_CONFIG_PATH=DIR/lib/pkgconfig pkg-config --cflags --libs mactls
#      (no --static, no --define-variable): a C++ and a C program link with
#      those flags alone
#   3. find_package(mactls) with CMAKE_PREFIX_PATH=DIR: a C++ project and a
#      C-only project (project(x C))
#   4. add_subdirectory(mactls) from a C project: only the library is built,
#      and installing the parent installs nothing of mactls
# Every program built runs.
#
#   check_install.sh BUILD_DIR TESTS_INSTALL_DIR
set -euo pipefail
build=$1
here=$2
src=$(cd "$here/../.." && pwd)
tmp=$(mktemp -d /tmp/mactls-install-XXXXXX)
trap 'rm -rf "$tmp"' EXIT
step() { echo "== $*"; }
quiet() {  # runs a command, shows its output only when it fails
  "$@" > "$tmp/cmd.log" 2>&1 || { cat "$tmp/cmd.log"; echo "failed: $*" >&2; exit 1; }
}

DIR=$tmp/prefix
step "cmake --install $build --prefix DIR"
quiet cmake --install "$build" --prefix "$DIR"
test -f "$DIR/include/mactls/client.h"
test -f "$DIR/include/mactls/version.h"
test -f "$DIR/lib/libmactls.a"
test -f "$DIR/lib/pkgconfig/mactls.pc"

step "PKG_CONFIG_PATH=DIR/lib/pkgconfig pkg-config --cflags --libs mactls"
flags=$(PKG_CONFIG_PATH=$DIR/lib/pkgconfig pkg-config --cflags --libs mactls)
echo "   $flags"
case " $flags " in
  *" -I$DIR/"*|*" -I$DIR/lib/pkgconfig/"*) ;;
  *) echo "pkg-config points outside DIR: $flags" >&2; exit 1 ;;
esac
# shellcheck disable=SC2086  # the flags are meant to split
c++ -std=c++17 "$here/consumer/main.cpp" -o "$tmp/pc-cxx" $flags
"$tmp/pc-cxx"
# shellcheck disable=SC2086
cc -std=c99 "$here/consumer_c/main.c" -o "$tmp/pc-c" $flags
"$tmp/pc-c"

step "find_package(mactls): C++ project"
quiet cmake -S "$here/consumer" -B "$tmp/cmake-cxx" -DCMAKE_PREFIX_PATH="$DIR"
quiet cmake --build "$tmp/cmake-cxx"
"$tmp/cmake-cxx/consumer"

step "find_package(mactls): C-only project"
quiet cmake -S "$here/consumer_c" -B "$tmp/cmake-c" -DCMAKE_PREFIX_PATH="$DIR"
quiet cmake --build "$tmp/cmake-c"
"$tmp/cmake-c/c_consumer"

step "add_subdirectory(mactls) from a C project"
quiet cmake -S "$here/subdir_consumer" -B "$tmp/subdir" -DMACTLS_SOURCE_DIR="$src"
quiet cmake --build "$tmp/subdir" --target subdir_consumer -j2
"$tmp/subdir/subdir_consumer"
quiet cmake --install "$tmp/subdir" --prefix "$tmp/subdir-prefix"
installed=$(cd "$tmp/subdir-prefix" && find . -type f | sort)
if [ "$installed" != "./bin/subdir_consumer" ]; then
  echo "installing the parent installed more than its own program:" >&2
  echo "$installed" >&2
  exit 1
fi

echo "install_and_consume: pkg-config (C, C++), find_package (C, C++) and add_subdirectory consumers all work"
