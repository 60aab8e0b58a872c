#!/usr/bin/env bash
# Rebuilds the openssl vector oracle and rewrites tests/vectors/openssl_*.txt.
# Needs libssl-dev (OpenSSL 3). The output is deterministic: a rerun with the
# same OpenSSL changes nothing but the version line.
set -euo pipefail
cd "$(dirname "$0")/../.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cc -O1 -o "$tmp/gen_vectors" tools/openssl_vectors/gen_vectors.c -lcrypto
"$tmp/gen_vectors" tests/vectors
echo "wrote: $(ls tests/vectors/openssl_*.txt | tr '\n' ' ')"
