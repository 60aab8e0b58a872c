// Builds a ClientHello with an installed mactls: proves the headers, the
// static library and its nettle/gmp dependencies are all found, including
// the named code points (tls_ids.h) and the test doubles (testing.h) a
// program's own tests use.
#include <mactls/client.h>
#include <mactls/testing.h>
#include <mactls/ticket_store.h>
#include <mactls/tls_ids.h>
#include <mactls/trust.h>

#include <cstdio>
#include <vector>

int main() {
  mactls::TrustStore trust;
  mactls::MemoryTicketStore tickets;
  mactls::ClientConfig cfg;
  cfg.trust = &trust;
  cfg.tickets = &tickets;
  cfg.groups = {mactls::kGroupSecp256r1, mactls::kGroupX25519};  // the key share follows
  mactls::ManualClock clock;
  cfg.clock = &clock;
  mactls::Client client(cfg, "example.com", 443);
  std::vector<uint8_t> out;
  mactls::Status s = client.start(out);
  if (!s.is_ok() || out.size() < 100 || out[0] != 22) {
    std::fprintf(stderr, "consumer: ClientHello not produced: %s\n", s.what());
    return 1;
  }
  std::printf("consumer: %zu-byte ClientHello\n", out.size());
  return 0;
}
