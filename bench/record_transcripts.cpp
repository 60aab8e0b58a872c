// mactls_record_transcripts: runs mactls' client — with a deterministic
// random source and a manual clock — against the in-process OpenSSL server
// for each scenario, one full then one resumed connection, and writes every
// byte each side sent to bench/transcripts/<scenario>.txt. Scenarios e and f
// (verification caches, a's PKI): one full (a) connection that fills the
// cache, then the e or f connection, full, without a ticket. Scenario g:
// TLS 1.2 with a's chain, full then resumed by the server's ticket. Replaying a
// transcript (bench/ppc/replay.cpp) re-runs the client alone: byte-exact on
// any architecture, and with no server work to count.
//
// Format (text; hex is lowercase):
//   scenario a / host H / port P / unix_time T / suites 1301 / groups 001d
//   [mode chain_cache|issuer_cache] [host1 H1: the second connection's host]
//   [versions 0303: TLS 1.2 only]
//   anchor <root DER>
//   conn full|resumed       a new Client on the same config, store, clock, random
//   C <hex>                 what one client call (start or feed) produced
//   S <hex>                 what the server answered: one feed() call
// Between connections the clock advances 1000 ms.
#include <cstdio>
#include <ctime>
#include <fstream>
#include <sstream>

#include "bench.h"
#include "mactls/client.h"
#include "mactls/testing.h"
#include "mactls/ticket_store.h"
#include "mactls/trust.h"
#include "mactls/verify_cache.h"

using namespace mactls;
using namespace mactls::bench;

namespace {

std::string hex(const Bytes& b) {
  static const char* d = "0123456789abcdef";
  std::string s;
  s.reserve(b.size() * 2);
  for (uint8_t c : b) {
    s += d[c >> 4];
    s += d[c & 15];
  }
  return s;
}

/// One full connection to `s0`'s server, then one more to `s1`'s (the same
/// unless f): resumed ("resumption"), or full with the cache the first one
/// filled ("chain_cache": e; "issuer_cache": f). Written as <id>.txt.
bool record(char id, const Scenario& s0, const Scenario& s1, const std::string& mode, const std::string& dir) {
  OpensslServer server0, server1;
  std::string err;
  if (!server0.init(s0, &err) || !server1.init(s1, &err)) {
    fprintf(stderr, "%s\n", err.c_str());
    return false;
  }
  const bool caches = mode != "resumption";
  TrustStore trust;
  if (!trust.add_der(s0.root_der.data(), s0.root_der.size()).is_ok()) return false;
  const int64_t unix_time = int64_t(time(nullptr));
  ManualClock clock(unix_time, 1000);
  FixedRandom random;
  MemoryTicketStore store;
  VerifyCache cache;
  ClientConfig cfg;
  cfg.trust = &trust;
  cfg.tickets = &store;
  cfg.random = &random;
  cfg.clock = &clock;
  cfg.verify_cache = caches ? &cache : nullptr;
  const std::vector<uint16_t> groups = s0.client_groups();
  if (s0.tls12) {
    cfg.min_version = cfg.max_version = 0x0303;
    cfg.tls12_cipher_suites = {s0.suite};
  } else {
    cfg.cipher_suites = {s0.suite};
  }
  cfg.groups = groups;
  cfg.key_share_groups = groups;

  std::ostringstream o;
  char buf[64];
  o << "# mactls replay transcript: written by mactls_record_transcripts against OpenSSL "
    << "(in-process server, one ticket per connection)\n";
  o << "# " << s0.title;
  if (mode == "chain_cache") o << "; then scenario e: the same host, no ticket, the verified-chain cache warm";
  if (mode == "issuer_cache") {
    o << "; then scenario f: " << s1.host << " under the same intermediate, no ticket, the issuer-signature cache warm";
  }
  o << "\n";
  o << "scenario " << id << "\nhost " << s0.host << "\nport 443\nunix_time " << unix_time << "\n";
  if (mode != "resumption") o << "mode " << mode << "\n";
  if (s1.host != s0.host) o << "host1 " << s1.host << "\n";
  if (s0.tls12) o << "versions 0303\n";
  snprintf(buf, sizeof buf, "suites %04x\ngroups ", s0.suite);
  o << buf;
  for (size_t i = 0; i < groups.size(); ++i) {
    snprintf(buf, sizeof buf, "%s%04x", i ? "," : "", groups[i]);
    o << buf;
  }
  o << "\nanchor " << hex(s0.root_der) << "\n";

  for (int conn = 0; conn < 2; ++conn) {
    if (conn) clock.advance_ms(1000);
    if (conn && caches) store.clear();  // e and f: no ticket
    const bool want_resumed = conn == 1 && !caches;
    // One server (one ticket key) unless f, whose host is another server's.
    OpensslServer& server = conn && mode == "issuer_cache" ? server1 : server0;
    o << "conn " << (conn == 0 ? "full" : want_resumed ? "resumed" : mode == "chain_cache" ? "e" : "f") << "\n";
    server.begin();
    Client c(cfg, conn ? s1.host : s0.host, 443);
    Bytes to_server, to_client;
    if (!c.start(to_server).is_ok()) return false;
    for (int round = 0; round < 8; ++round) {
      if (!to_server.empty()) o << "C " << hex(to_server) << "\n";
      to_client.clear();
      if (!server.step(to_server, to_client)) {
        fprintf(stderr, "scenario %c: %s\n", id, server.last_error().c_str());
        return false;
      }
      to_server.clear();
      if (to_client.empty()) break;
      o << "S " << hex(to_client) << "\n";
      size_t used = 0;
      Status st = c.feed(to_client.data(), to_client.size(), &used, to_server);
      if (!st.is_ok()) {
        fprintf(stderr, "scenario %c: client: %s\n", id, st.what());
        return false;
      }
    }
    if (!c.is_open() || c.info().resumed != want_resumed || server.reused() != want_resumed) {
      fprintf(stderr,
              "scenario %c: connection %d did not end as expected (open %d, resumed: client %d, server %d; %s)\n", id,
              conn, int(c.is_open()), int(c.info().resumed), int(server.reused()),
              c.info().tls12_session_offered ? "a 1.2 session offered" : "no 1.2 session offered");
      return false;
    }
    if (conn == 1 && mode == "chain_cache" && !c.info().chain_cache_hit) {
      fprintf(stderr, "scenario e: no chain-cache hit\n");
      return false;
    }
    if (conn == 1 && mode == "issuer_cache" && (c.info().chain_cache_hit || c.info().cert_signatures_cached != 1)) {
      fprintf(stderr, "scenario f: not exactly one cached issuer signature\n");
      return false;
    }
    server.end();
  }
  std::string path = dir + "/" + std::string(1, id) + ".txt";
  std::ofstream(path) << o.str();
  fprintf(stderr, "wrote %s\n", path.c_str());
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2 && argc != 3) {
    fprintf(stderr, "usage: %s OUTPUT_DIR [SCENARIOS, default abcdefg]\n", argv[0]);
    return 2;
  }
  const std::string which = argc == 3 ? argv[2] : "abcdefg";
  auto want = [&](char id) { return which.find(id) != std::string::npos; };
  test::Pki pki;
  Scenario a;
  bool have_a = false;
  for (Scenario& s : all_scenarios()) {
    if (s.tls12 || !(want(s.id) || (s.id == 'a' && (want('e') || want('f') || want('g'))))) continue;
    if (!make_pki(pki, s)) return 1;
    if (want(s.id) && !record(s.id, s, s, "resumption", argv[1])) return 1;
    if (s.id == 'a') {
      a = s;
      have_a = true;
    }
  }
  if (have_a) {
    Scenario f;
    if (want('e') && !record('e', a, a, "chain_cache", argv[1])) return 1;
    if (want('f') && (!make_host_f(pki, a, &f) || !record('f', a, f, "issuer_cache", argv[1]))) return 1;
    if (want('g')) {
      Scenario g = a;  // a's P-256 chain, in TLS 1.2
      for (const Scenario& s : all_scenarios()) {
        if (s.tls12) {
          g.id = s.id;
          g.title = s.title;
          g.suite = s.suite;
          g.tls12 = true;
        }
      }
      if (!record('g', g, g, "resumption", argv[1])) return 1;
    }
  }
  return 0;
}
