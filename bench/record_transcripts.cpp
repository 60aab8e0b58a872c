// mactls_record_transcripts: runs mactls' client — with a deterministic
// random source and a manual clock — against the in-process OpenSSL server
// for each scenario, one full then one resumed connection, and writes every
// byte each side sent to bench/transcripts/<scenario>.txt. Replaying a
// transcript (bench/ppc/replay.cpp) re-runs the client alone: byte-exact on
// any architecture, and with no server work to count.
//
// Format (text; hex is lowercase):
//   scenario a / host H / port P / unix_time T / suites 1301 / groups 001d
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

bool record(const Scenario& s, const std::string& dir) {
  OpensslServer server;
  std::string err;
  if (!server.init(s, &err)) {
    fprintf(stderr, "%s\n", err.c_str());
    return false;
  }
  TrustStore trust;
  if (!trust.add_der(s.root_der.data(), s.root_der.size()).is_ok()) return false;
  const int64_t unix_time = int64_t(time(nullptr));
  ManualClock clock(unix_time, 1000);
  FixedRandom random;
  MemoryTicketStore store;
  ClientConfig cfg;
  cfg.trust = &trust;
  cfg.tickets = &store;
  cfg.random = &random;
  cfg.clock = &clock;
  cfg.cipher_suites = {s.suite};
  cfg.groups = {s.group};
  cfg.key_share_groups = {s.group};

  std::ostringstream o;
  char buf[64];
  o << "# mactls replay transcript: written by mactls_record_transcripts against OpenSSL "
    << "(in-process server, one ticket per connection)\n";
  o << "# " << s.title << "\n";
  o << "scenario " << s.id << "\nhost " << s.host << "\nport 443\nunix_time " << unix_time << "\n";
  snprintf(buf, sizeof buf, "suites %04x\ngroups %04x\n", s.suite, s.group);
  o << buf << "anchor " << hex(s.root_der) << "\n";

  for (int conn = 0; conn < 2; ++conn) {
    if (conn) clock.advance_ms(1000);
    o << "conn " << (conn ? "resumed" : "full") << "\n";
    server.begin();
    Client c(cfg, s.host, 443);
    Bytes to_server, to_client;
    if (!c.start(to_server).is_ok()) return false;
    for (int round = 0; round < 8; ++round) {
      if (!to_server.empty()) o << "C " << hex(to_server) << "\n";
      to_client.clear();
      if (!server.step(to_server, to_client)) {
        fprintf(stderr, "scenario %c: %s\n", s.id, server.last_error().c_str());
        return false;
      }
      to_server.clear();
      if (to_client.empty()) break;
      o << "S " << hex(to_client) << "\n";
      size_t used = 0;
      Status st = c.feed(to_client.data(), to_client.size(), &used, to_server);
      if (!st.is_ok()) {
        fprintf(stderr, "scenario %c: client: %s\n", s.id, st.what());
        return false;
      }
    }
    if (!c.is_open() || c.info().resumed != (conn == 1) || server.reused() != (conn == 1)) {
      fprintf(stderr, "scenario %c: connection %d did not end as expected\n", s.id, conn);
      return false;
    }
    server.end();
  }
  std::string path = dir + "/" + std::string(1, s.id) + ".txt";
  std::ofstream(path) << o.str();
  fprintf(stderr, "wrote %s\n", path.c_str());
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: %s OUTPUT_DIR\n", argv[0]);
    return 2;
  }
  test::Pki pki;
  for (Scenario& s : all_scenarios()) {
    if (!make_pki(pki, s) || !record(s, argv[1])) return 1;
  }
  return 0;
}
