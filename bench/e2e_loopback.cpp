// mactls_bench_e2e: N sequential HTTPS fetches from `openssl s_server -www`
// on 127.0.0.1 through mactls' async API and POSIX transport, as the
// browser makes them. Alternates a connection that may resume (shared
// MemoryTicketStore) with one that may not (no store), and reports per kind
// the wall time from Start() to the response's end, the client's thread CPU
// time over the same span (socket calls included), and how many of the
// resumable connections really resumed. Prints JSON.
//
//   mactls_bench_e2e [--connections N]
#include <poll.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "bench.h"
#include "mactls/connection.h"
#include "mactls/ticket_store.h"
#include "mactls/trust.h"
#include "support/peer_server.h"

using namespace mactls;
using namespace mactls::bench;

namespace {

struct Sample {
  double wall_us = 0, cpu_us = 0;
  bool resumed = false, ok = false;
};

Sample fetch(const ClientConfig& cfg, const std::string& host, uint16_t port) {
  Sample s;
  ConnectionOptions opt;
  opt.dial_host = "127.0.0.1";
  const auto t0 = std::chrono::steady_clock::now();
  const uint64_t c0 = thread_cpu_ns();
  std::unique_ptr<Connection> c = Connection::New(cfg, make_posix_transport(), host, port, opt);
  (void)c->Start();
  const std::string req = "GET / HTTP/1.0\r\n\r\n";
  size_t sent = 0;
  std::string body;
  for (int guard = 0; guard < 100000; ++guard) {
    ConnState st = c->state();
    if (st == ConnState::closed || st == ConnState::failed) break;
    Connection::Interest in = c->interest();
    if (in.handle >= 0 && (in.want_read || in.want_write)) {
      pollfd p{in.handle, short((in.want_read ? POLLIN : 0) | (in.want_write ? POLLOUT : 0)), 0};
      (void)poll(&p, 1, 1000);
    }
    st = c->Pump();
    if (st == ConnState::open && sent < req.size())
      sent += c->Write(reinterpret_cast<const uint8_t*>(req.data()) + sent, req.size() - sent);
    uint8_t buf[4096];
    size_t n;
    while ((n = c->Read(buf, sizeof buf)) > 0) body.append(reinterpret_cast<char*>(buf), n);
    if (st == ConnState::open && body.find("</HTML>") != std::string::npos) c->Close();
  }
  const ConnectionInfo* info = c->info();
  s.resumed = info && info->resumed;
  s.ok = c->state() == ConnState::closed && body.find("</HTML>") != std::string::npos;
  c->Dispose();
  c.reset();
  s.cpu_us = double(thread_cpu_ns() - c0) / 1000;
  s.wall_us = double(std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() - t0).count()) / 1000;
  return s;
}

double median(std::vector<double> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
  int n = 200;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--connections" && i + 1 < argc) n = atoi(argv[++i]);
    else {
      fprintf(stderr, "usage: %s [--connections N]\n", argv[0]);
      return 2;
    }
  }
  test::Pki pki;
  Scenario s = all_scenarios()[0];
  if (!make_pki(pki, s)) return 1;
  test::PeerOptions po;
  po.cert_file = s.chain_pem_path;
  po.key_file = s.key_path;
  po.www = true;
  po.num_tickets = 1;
  po.ciphersuites = {"TLS_AES_128_GCM_SHA256"};
  test::PeerServer server(po);
  if (!server.start()) {
    fprintf(stderr, "openssl s_server did not start:\n%s\n", server.output().c_str());
    return 1;
  }
  TrustStore trust;
  if (!trust.add_der(s.root_der.data(), s.root_der.size()).is_ok()) return 1;
  MemoryTicketStore store;
  ClientConfig full_cfg;
  full_cfg.trust = &trust;
  ClientConfig resume_cfg = full_cfg;
  resume_cfg.tickets = &store;

  std::vector<double> wall[2], cpu[2];
  int resumed = 0, failures = 0;
  (void)fetch(resume_cfg, s.host, server.port());  // first ticket, untimed
  for (int i = 0; i < n; ++i) {
    for (int kind = 0; kind < 2; ++kind) {
      Sample x = fetch(kind ? resume_cfg : full_cfg, s.host, server.port());
      if (!x.ok) ++failures;
      wall[kind].push_back(x.wall_us);
      cpu[kind].push_back(x.cpu_us);
      if (kind && x.resumed) ++resumed;
    }
  }
  printf("{\"scenario\": \"a\", \"peer\": \"openssl s_server -www (loopback)\", \"connections_per_kind\": %d,\n", n);
  printf(" \"full\": {\"wall_us_median\": %.1f, \"cpu_us_median\": %.1f},\n", median(wall[0]), median(cpu[0]));
  printf(" \"resumed\": {\"wall_us_median\": %.1f, \"cpu_us_median\": %.1f, \"resumed\": %d, \"attempted\": %d},\n",
         median(wall[1]), median(cpu[1]), resumed, n);
  printf(" \"failures\": %d}\n", failures);
  return failures ? 1 : 0;
}
