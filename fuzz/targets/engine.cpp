// The whole client engine against server flights the fuzzer writes. The
// harness plays the server (tests/support's scripted server, with its own
// key schedule and a fixed random source), so it knows every key: the
// fuzzer's plaintext messages are encrypted where the flight must be, and
// the client reaches its encrypted states. Nothing of this is in the
// library; the client is built exactly as a release client is.
//
// Input: byte 0 = flags — bit 0: fuzz a resumed connection (an honest one
// first stores a ticket); bits 1-2: the group the server insists on (0/3:
// X25519, 1: P-256, 2: P-384 — the client shares only X25519, so 1 and 2
// mean a HelloRetryRequest); bit 3: deliver 7 bytes per feed.
// Then operations [op][u16 length][data]:
//   op 0-7  replace the op-th handshake message the server sends (header
//           included; empty data drops it)
//   op 8    after the handshake: data as a handshake message (encrypted)
//   op 9    after the handshake: data as application data (encrypted)
//   op 10   after the handshake: data as raw bytes on the wire
//   op 11   raw bytes before the first flight (plaintext records)
#include <ctime>
#include <map>
#include <memory>

#include "fuzz_common.h"
#include "handshake/client_access.h"
#include "mactls/client.h"
#include "mactls/testing.h"
#include "mactls/ticket_store.h"
#include "mactls/trust.h"
#include "support/pki.h"
#include "support/scripted_server.h"

using namespace mactls;
using namespace mactls::test;

namespace {

struct World {
  Pki pki;
  ServerIdentity id;
  TrustStore trust;
  int64_t now = 0;
};
World* g_world = nullptr;

struct Ops {
  std::map<int, Bytes> replace;
  std::vector<std::pair<int, Bytes>> after;
  Bytes before;
};

Ops parse_ops(const uint8_t* data, size_t size) {
  Ops ops;
  Reader r(ByteView(data, size));
  uint8_t op;
  ByteView body;
  while (r.u8(op) && r.vec16(body)) {
    op %= 12;
    if (op < 8)
      ops.replace[op] = body.to_bytes();
    else if (op == 11)
      ops.before.insert(ops.before.end(), body.begin(), body.end());
    else if (ops.after.size() < 64)
      ops.after.push_back({op, body.to_bytes()});
  }
  return ops;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  g_world = new World;
  if (!g_world->id.make(g_world->pki, "fuzz", "server.test") ||
      !g_world->trust.add_pem(g_world->id.root_pem.data(), g_world->id.root_pem.size()).is_ok()) {
    __builtin_printf("engine fuzzer: could not make the server identity (openssl CLI)\n");
    std::abort();
  }
  g_world->now = int64_t(time(nullptr));
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  const uint8_t flags = data[0];
  Ops ops = parse_ops(data + 1, size - 1);
  static const uint16_t kGroups[4] = {0x001d, 0x0017, 0x0018, 0x001d};

  ManualClock clock(g_world->now, 1000);
  FixedRandom client_random, server_random;
  MemoryTicketStore store;
  ServerTicketBook book;
  ClientConfig cfg;
  cfg.trust = &g_world->trust;
  cfg.tickets = &store;
  cfg.random = &client_random;
  cfg.clock = &clock;

  if (flags & 1) {  // an honest first connection leaves a ticket
    ServerScript honest;
    honest.random = &server_random;
    ScriptedServer server(g_world->id, honest, &book);
    Client c(cfg, "server.test", 443);
    fuzz::require(run_loopback(c, server).client_status.is_ok(), "the honest connection succeeds");
    clock.advance_ms(1000);
  }

  ServerScript script;
  script.random = &server_random;
  script.groups = {kGroups[(flags >> 1) & 3]};
  int index = 0;
  script.tamper_message = [&](Bytes& msg) {
    auto it = ops.replace.find(index++);
    if (it == ops.replace.end()) return true;
    if (it->second.empty()) return false;
    msg = it->second;
    return true;
  };
  bool before_done = false;
  script.tamper_flight = [&](Bytes& flight) {
    if (!before_done && !ops.before.empty()) flight.insert(flight.begin(), ops.before.begin(), ops.before.end());
    before_done = true;
  };
  script.after_handshake = [&](ScriptedServer& s, Bytes& out) {
    for (const auto& a : ops.after) {
      if (a.first == 8 && !a.second.empty()) s.send_handshake(ByteView(a.second), out);
      if (a.first == 9) s.send_record(23, ByteView(a.second), out);
      if (a.first == 10) out.insert(out.end(), a.second.begin(), a.second.end());
    }
  };
  ScriptedServer server(g_world->id, script, &book);
  Client client(cfg, "server.test", 443);
  LoopbackResult r = run_loopback(client, server, (flags & 8) ? 7 : 0, "ping");

  // Invariants, whatever the server sent.
  if (!r.client_status.is_ok()) {
    fuzz::require(client.state() == Client::State::failed, "a failed feed leaves the client failed");
    fuzz::require(ClientAccess::secret_bytes_held(client) == 0, "failure wipes every secret");
    fuzz::require(r.client_status.alert() != Alert::close_notify || r.client_status.origin() == ErrorOrigin::peer,
                  "a local failure names an alert");
    std::vector<uint8_t> out;
    fuzz::require(!client.write(reinterpret_cast<const uint8_t*>("x"), 1, out).is_ok(), "no writes after failure");
  } else {
    Bytes out;
    (void)client.close(out);
    fuzz::require(ClientAccess::secret_bytes_held(client) == 0, "close wipes every secret");
  }
  fuzz::require(store.size() <= 4, "the store keeps its per-key bound");
  return 0;
}
