#!/usr/bin/env bash
# The mactls benchmark: full and resumed (warm: the headline; and cold)
# handshakes against OpenSSL, GnuTLS and wolfSSL clients and the nettle
# floors (client CPU, in-process OpenSSL server; scenarios a-d in TLS 1.3,
# g in TLS 1.2; e and f, mactls with its verification caches warm), after a
# wrong-host control every client must pass; mactls' cost by phase, heap per
# connection and per ticket, library size, end-to-end fetches against
# openssl s_server on loopback, and the emulated G3 (PowerPC 750 under qemu:
# unit tests and instruction counts, a-g).
# Writes bench/RESULTS.md and bench/results.png.
#
#   bash scripts/bench.sh                 # everything (first run builds the PowerPC toolchain: ~15 min)
#   bash scripts/bench.sh --no-ppc        # skip the emulated G3
#   bash scripts/bench.sh --rounds 100    # fewer interleaved rounds (default 400)
#   bash scripts/bench.sh --record        # also re-record bench/transcripts/a-g (new PKI, new bytes)
#
# Works on a fresh Debian bookworm machine as root: installs what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."
here=$(pwd)

ppc=1
record=0
rounds=400
while [ $# -gt 0 ]; do
  case "$1" in
    --no-ppc) ppc=0 ;;
    --record) record=1 ;;
    --rounds) rounds=$2; shift ;;
    -h|--help) sed -n '2,18p' "$0"; exit 0 ;;
    *) echo "unknown option: $1" >&2; exit 2 ;;
  esac
  shift
done

source scripts/deps.sh
mactls_packages+=(libgnutls28-dev libwolfssl-dev python3-matplotlib binutils)
mactls_install_missing

jobs=$(nproc 2>/dev/null || echo 2)
out=build-bench/results
mkdir -p "$out"

echo "== configure (build-bench, Release)"
cmake -S "$here" -B build-bench -DCMAKE_BUILD_TYPE=Release -DMACTLS_BUILD_BENCH=ON > build-bench.configure.log 2>&1 ||
  { cat build-bench.configure.log; exit 1; }
echo "== build"
cmake --build build-bench -j"$jobs" --target mactls mactls_bench mactls_bench_memory mactls_bench_e2e mactls_record_transcripts \
  mactls_bench_worst_certificate mactls_bench_connect_delay
bin=build-bench/bench

if [ "$record" = 1 ]; then
  echo "== record transcripts"
  "$bin/mactls_record_transcripts" bench/transcripts
fi

echo "== handshakes ($rounds interleaved rounds, scenarios a-d, e and f in a's rounds, g; several minutes)"
"$bin/mactls_bench" --rounds "$rounds" --json "$out/handshakes.json"

echo "== the worst Certificate message"
"$bin/mactls_bench_worst_certificate" --rounds 50 > "$out/worst_certificate.md"

echo "== the key share made while TCP connects (20 ms emulated connect)"
"$bin/mactls_bench_connect_delay" --rounds 40 > "$out/connect_delay.md"

echo "== memory"
"$bin/mactls_bench_memory" bench/transcripts/*.txt > "$out/memory.json"

echo "== end to end on loopback"
"$bin/mactls_bench_e2e" --connections 300 > "$out/e2e.json"

echo "== size"
size_json() {  # build-name archive
  size -t "$2" | awk -v b="$1" 'END { printf "{\"build\": \"%s\", \"text\": %d, \"data\": %d, \"bss\": %d}", b, $1, $2, $3 }'
}
{
  echo "["
  size_json "x86-64, -O3 (Release), libmactls.a" build-bench/libmactls.a
  if [ -f build-ppc/mactls/libmactls.a ]; then
    echo ","
    size_json "PowerPC 750 (32-bit big-endian), libmactls.a" build-ppc/mactls/libmactls.a
  fi
  echo "]"
} > "$out/sizes.json"

ppc_md=""
if [ "$ppc" = 1 ]; then
  echo "== emulated G3 (bench/ppc/run.sh)"
  bash bench/ppc/run.sh
  ppc_md=bench/ppc/RESULTS_PPC.md
fi

python_bin=/usr/bin/python3
cat > "$out/machine.json" <<JSON
{
  "kernel": "$(uname -sr)",
  "cores": "$(nproc)",
  "compiler": "$(g++ --version | head -1)",
  "OpenSSL": "$(openssl version | cut -d' ' -f2)",
  "GnuTLS": "$(pkg-config --modversion gnutls)",
  "wolfSSL": "$(pkg-config --modversion wolfssl)",
  "nettle": "$(pkg-config --modversion nettle)",
  "date": "$(date -u +%Y-%m-%d)"
}
JSON
echo "== report"
"$python_bin" bench/report.py --handshakes "$out/handshakes.json" --memory "$out/memory.json" \
  --e2e "$out/e2e.json" --sizes "$out/sizes.json" --machine "$out/machine.json" \
  --worst-certificate "$out/worst_certificate.md" --connect-delay "$out/connect_delay.md" ${ppc_md:+--ppc "$ppc_md"} --out-dir bench
echo "== wrote bench/RESULTS.md and bench/results.png"
