#!/usr/bin/env bash
# The mactls demo: one full TLS 1.3 handshake followed by resumed ones.
#
# Makes a throwaway PKI (root → intermediate → leaf for "localhost"),
# starts a local `openssl s_server` on 127.0.0.1 that issues session
# tickets, runs `mactls-fetch --repeat N -v` against it with one shared
# ticket store, prints the table of handshakes, and stops the server.
#
#   bash scripts/demo.sh            # 5 fetches
#   bash scripts/demo.sh 10         # 10 fetches
#
# Works on a fresh Debian bookworm machine as root: installs what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."
here=$(pwd)
repeat=${1:-5}

source scripts/deps.sh
mactls_packages=("${mactls_demo_packages[@]}")  # compiler, cmake, nettle, gmp, openssl
mactls_install_missing

echo "== build"
# Only what the demo runs: no tests (GoogleTest is not installed for it).
cmake -S "$here" -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DMACTLS_BUILD_TESTS=OFF -DMACTLS_BUILD_EXAMPLES=OFF \
  > build.configure.log 2>&1 || { cat build.configure.log; exit 1; }
cmake --build build -j"$(nproc 2>/dev/null || echo 2)" --target mactls-fetch
fetch="$here/build/tools/fetch/mactls-fetch"

work=$(mktemp -d /tmp/mactls-demo-XXXXXX)
server_pid=""
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

echo "== throwaway PKI in $work"
cd "$work"
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out root.key 2>/dev/null
openssl req -x509 -new -key root.key -subj /CN=mactls-demo-root -days 2 -out root.pem \
  -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign 2>/dev/null
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out int.key 2>/dev/null
openssl req -new -key int.key -subj /CN=mactls-demo-intermediate -out int.csr 2>/dev/null
printf 'basicConstraints=critical,CA:TRUE,pathlen:0\nkeyUsage=critical,keyCertSign,cRLSign\n' > int.ext
openssl x509 -req -in int.csr -CA root.pem -CAkey root.key -CAcreateserial -days 2 -extfile int.ext -out int.pem 2>/dev/null
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out leaf.key 2>/dev/null
openssl req -new -key leaf.key -subj /CN=localhost -out leaf.csr 2>/dev/null
printf 'basicConstraints=critical,CA:FALSE\nextendedKeyUsage=serverAuth\nsubjectAltName=DNS:localhost\n' > leaf.ext
openssl x509 -req -in leaf.csr -CA int.pem -CAkey int.key -CAcreateserial -days 2 -extfile leaf.ext -out leaf.pem 2>/dev/null

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()' 2>/dev/null || echo 44330)
echo "== openssl s_server on 127.0.0.1:$port (TLS 1.3, 2 tickets per connection)"
openssl s_server -accept "127.0.0.1:$port" -cert leaf.pem -cert_chain int.pem -key leaf.key \
  -tls1_3 -num_tickets 2 -www -quiet > server.log 2>&1 < /dev/null &
server_pid=$!
for _ in $(seq 1 100); do
  (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
  sleep 0.05
done

echo "== mactls-fetch --repeat $repeat https://localhost:$port/"
"$fetch" --cafile root.pem --repeat "$repeat" -v "https://localhost:$port/" > body.html 2> fetch.log || {
  cat fetch.log; echo "mactls-fetch failed" >&2; exit 1; }
grep -E '^(#|[0-9]+ )' fetch.log || cat fetch.log
echo
echo "server's view of the last connection: $(grep -oE '(New|Reused), TLSv1.3, Cipher is [A-Z0-9_]+' body.html | tail -1)"
