#!/usr/bin/env bash
# Runs the example programs against a local openssl s_server: a throwaway
# PKI (root -> leaf for "localhost"), a server on a free loopback port, and
# each example must fetch the server's status page and exit 0.
#
#   check_examples.sh EXAMPLE...
set -euo pipefail
[ $# -ge 1 ] || { echo "usage: $0 EXAMPLE..." >&2; exit 2; }
examples=()
for e in "$@"; do examples+=("$(cd "$(dirname "$e")" && pwd)/$(basename "$e")"); done
work=$(mktemp -d /tmp/mactls-examples-XXXXXX)
server_pid=""
cleanup() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
cd "$work"

openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout root.key -out root.pem \
  -subj /CN=mactls-examples-root -days 2 \
  -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign 2>/dev/null
openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout leaf.key -out leaf.csr \
  -subj /CN=localhost 2>/dev/null
printf 'basicConstraints=critical,CA:FALSE\nextendedKeyUsage=serverAuth\nsubjectAltName=DNS:localhost\n' > leaf.ext
openssl x509 -req -in leaf.csr -CA root.pem -CAkey root.key -CAcreateserial -days 2 -extfile leaf.ext \
  -out leaf.pem 2>/dev/null

# A free port: bind to 0 and read what the kernel gave. A port taken by
# someone else between the two steps makes s_server exit; then try again.
start_server() {
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
  openssl s_server -accept "127.0.0.1:$port" -cert leaf.pem -key leaf.key -tls1_3 -www -quiet \
    > server.log 2>&1 < /dev/null &
  server_pid=$!
  # Ready when it accepts: probe until then (up to 20 s), no fixed sleep.
  local deadline=$((SECONDS + 20))
  while [ "$SECONDS" -lt "$deadline" ]; do
    kill -0 "$server_pid" 2>/dev/null || { wait "$server_pid" 2>/dev/null || true; server_pid=""; return 1; }
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then return 0; fi
    sleep 0.05
  done
  return 1
}
started=0
for _ in 1 2 3 4 5; do
  if start_server; then started=1; break; fi
done
[ "$started" -eq 1 ] || { cat server.log; echo "openssl s_server did not start" >&2; exit 1; }

status=0
for example in "${examples[@]}"; do
  name=$(basename "$example")
  if "$example" localhost "$port" root.pem / > "$name.out" 2> "$name.err" &&
     grep -q '^HTTP/1.0 200 ok' "$name.out" && grep -q 'TLSv1.3' "$name.out"; then
    echo "$name: fetched $(wc -c < "$name.out") bytes over TLS 1.3"
  else
    echo "$name: FAILED" >&2
    cat "$name.err" >&2
    head -5 "$name.out" >&2
    status=1
  fi
done
exit "$status"
