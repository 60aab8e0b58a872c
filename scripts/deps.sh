# Sourced by the scripts in this folder: installs, with apt-get, whatever
# mactls needs to build and test that this Debian machine lacks.
mactls_packages=(build-essential cmake pkg-config nettle-dev libgmp-dev googletest libgtest-dev
                 libbenchmark-dev openssl libssl-dev gnutls-bin valgrind)

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
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
}
