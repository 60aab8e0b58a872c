# Sourced by the scripts in this folder: installs, with apt-get, whatever
# mactls needs that this Debian machine lacks — only the set the calling
# script needs, and only packages that are missing (nothing is upgraded).
#
#   mactls_demo_packages  build mactls-fetch and run it against openssl s_server
#   mactls_test_packages  the above plus GoogleTest, gnutls-serv, valgrind,
#                         python3 and libssl-dev (the pool tests' ticket peer,
#                         tests/support/ticket_peer, links libssl; scripts/test.sh)
#   mactls_bench_packages the above plus Google Benchmark (scripts/bench.sh)
# A script sets mactls_packages to the set it needs (and may add to it)
# before calling mactls_install_missing.
mactls_demo_packages=(build-essential cmake pkg-config nettle-dev libgmp-dev openssl)
mactls_test_packages=("${mactls_demo_packages[@]}" googletest libgtest-dev gnutls-bin valgrind python3 libssl-dev)
mactls_bench_packages=("${mactls_test_packages[@]}" libbenchmark-dev)
# The default for scripts that do not choose: everything.
mactls_packages=("${mactls_bench_packages[@]}")

mactls_install_missing() {
  local missing=()
  for p in "${mactls_packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if [ ${#missing[@]} -eq 0 ]; then
    echo "== dependencies: all present"
    return 0
  fi
  echo "== dependencies: installing ${missing[*]}"
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  # --no-upgrade: a package already installed (at whatever version) is
  # left alone; only the missing ones and what they need are added.
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends --no-upgrade "${missing[@]}"
}
