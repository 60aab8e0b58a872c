// Pools: two real TLS servers behind one name (issue 12, "Pools"; issue 11,
// mixed pools). Each member is a mactls_ticket_peer on its own loopback
// port with the same certificate; the client believes it talks to
// localhost:443 and only the dial target changes per connection
// (ConnectionOptions::dial_host / dial_port, what `mactls-fetch --connect`
// does), so every connection files and finds its tickets under one key.
// Cases: members sharing ticket keys (TLS 1.3, and TLS 1.2 with RFC 5077
// tickets) resume across members; members with different keys decline and
// the same connection completes a full handshake; a member restarted with
// new keys (and, for contrast, with the same keys); a TLS 1.2-only member
// beside a TLS 1.3 one. Every connection succeeds; each member's own log
// confirms what resumed; the resumption rate per case is printed and
// recorded as a test property.
#include <gtest/gtest.h>
#include <poll.h>

#include <cstdio>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include "mactls/client.h"
#include "mactls/connection.h"
#include "mactls/ticket_store.h"
#include "mactls/trust.h"
#include "support/peer_server.h"
#include "support/pki.h"

namespace mactls::test {
namespace {

const char* kHost = "localhost";
const uint16_t kPoolPort = 443;  // what the client believes it dials
const char* kRequest = "GET / HTTP/1.0\r\nHost: localhost\r\n\r\n";

// Ticket keys (80 bytes: name, HMAC key, AES key), as a pool's operator
// would distribute them; test values only.
std::string ticket_keys(char fill) { return std::string(160, fill); }

struct Fetched {
  bool ok = false;
  std::string error;
  ConnectionInfo info;
  std::string response;
};

// One GET through the async layer: localhost:443 by name, dialled at
// 127.0.0.1:`member_port`. Pumped from a poll() loop with a generous
// deadline (a bound on waiting, not an assertion about speed); after the
// response it keeps pumping briefly so TLS 1.3 tickets are stored, then
// closes in order.
Fetched fetch(const ClientConfig& cfg, uint16_t member_port) {
  ConnectionOptions o;
  o.dial_host = "127.0.0.1";
  o.dial_port = member_port;
  auto c = Connection::New(cfg, make_posix_transport(), kHost, kPoolPort, o);
  Fetched f;
  if (!c->Start().is_ok()) {
    f.error = c->last_error();
    return f;
  }
  bool sent = false;
  int linger = 0;
  for (int rounds = 0; rounds < 3000; ++rounds) {  // 3000 × ≤10 ms
    const Connection::Interest in = c->interest();
    pollfd p{in.handle, short((in.want_read ? POLLIN : 0) | (in.want_write ? POLLOUT : 0)), 0};
    if (in.handle >= 0) ::poll(&p, 1, 10);
    const ConnState st = c->Pump();
    uint8_t buf[4096];
    for (size_t n; (n = c->Read(buf, sizeof buf)) > 0;) f.response.append(reinterpret_cast<char*>(buf), n);
    if (st == ConnState::failed || st == ConnState::closed) break;
    if (st == ConnState::open && !sent) {
      sent = c->Write(reinterpret_cast<const uint8_t*>(kRequest), std::string(kRequest).size()) > 0;
    }
    if (f.response.find("</html>") != std::string::npos && ++linger > 20) break;
  }
  if (c->state() == ConnState::open) {
    c->Close();
    for (int i = 0; i < 300 && c->state() == ConnState::closing; ++i) {
      pollfd p{c->interest().handle, POLLIN | POLLOUT, 0};
      ::poll(&p, 1, 10);
      c->Pump();
    }
  }
  if (c->info()) f.info = *c->info();
  f.ok = c->error().is_ok() && f.response.find("</html>") != std::string::npos;
  f.error = c->last_error();
  return f;
}

class Pool : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    pki_ = new Pki();
    ASSERT_TRUE(pki_->make_chain("pool", KeyKind::p256, KeyKind::p256, kHost));
  }
  static void TearDownTestSuite() {
    delete pki_;
    pki_ = nullptr;
  }
  void SetUp() override {
    ASSERT_NE(pki_, nullptr);
    const std::string pem = pki_->cert_pem("pool-root");
    ASSERT_TRUE(trust_.add_pem(pem.data(), pem.size()).is_ok());
    cfg_.trust = &trust_;
    cfg_.tickets = &store_;
  }
  static PeerOptions member(const std::string& keys_hex, bool tls12_only = false, uint16_t port = 0) {
    PeerOptions o;
    o.kind = PeerKind::ticket_peer;
    o.cert_file = pki_->chain_path("pool");
    o.key_file = pki_->key_path("pool-leaf");
    o.ticket_keys_hex = keys_hex;
    o.tls12 = tls12_only;
    o.port = port;
    return o;
  }
  // One connection to `node` (named for the trace); asserts it succeeded
  // and that the member's page agrees with the client about resumption.
  Fetched go(PeerServer& node, const char* name, int i) {
    SCOPED_TRACE(std::string("connection ") + std::to_string(i) + " to " + name);
    Fetched f = fetch(cfg_, node.port());
    EXPECT_TRUE(f.ok) << f.error << "\n" << node.output();
    EXPECT_EQ(server_says_resumed(PeerKind::ticket_peer, f.response), f.info.resumed) << f.response;
    ++connections_;
    if (f.info.resumed) ++resumed_;
    return f;
  }
  // Prints and records "resumed R of N".
  void report(const std::string& name) {
    const std::string rate = std::to_string(resumed_) + "/" + std::to_string(connections_);
    std::printf("[   POOL   ] %s: resumed %s connections (%.0f%%)\n", name.c_str(), rate.c_str(),
                connections_ ? 100.0 * resumed_ / connections_ : 0.0);
    RecordProperty("resumption_rate", rate);
  }

  static Pki* pki_;
  TrustStore trust_;
  MemoryTicketStore store_;
  ClientConfig cfg_;
  int connections_ = 0, resumed_ = 0;
};
Pki* Pool::pki_ = nullptr;

// (a) Members sharing ticket keys: a ticket from one is accepted by the
// other, so after the first full handshake every connection resumes,
// whichever member it reaches. TLS 1.3 tickets and TLS 1.2 RFC 5077
// tickets alike (a 1.2 session id alone would not do: each member's session
// cache is its own).
struct SharedCase {
  const char* name;
  bool tls12;
};

// gtest prints a parameter it cannot name as raw bytes, padding included,
// which valgrind reports as a read of uninitialised memory.
void PrintTo(const SharedCase& c, std::ostream* os) { *os << c.name; }

class PoolShared : public Pool, public ::testing::WithParamInterface<SharedCase> {};

TEST_P(PoolShared, MembersSharingTicketKeysResumeAcrossMembers) {
  const SharedCase& c = GetParam();
  PeerServer a(member(ticket_keys('a'), c.tls12)), b(member(ticket_keys('a'), c.tls12));
  ASSERT_TRUE(a.start()) << a.output();
  ASSERT_TRUE(b.start()) << b.output();
  const int kConnections = 8;
  for (int i = 0; i < kConnections; ++i) {
    const bool to_a = i % 2 == 0;
    Fetched f = go(to_a ? a : b, to_a ? "A" : "B", i);
    EXPECT_EQ(f.info.version, c.tls12 ? 0x0303 : 0x0304);
    EXPECT_EQ(f.info.resumed, i > 0) << "connection " << i;
    if (i > 0) {
      EXPECT_TRUE(c.tls12 ? f.info.tls12_session_offered : f.info.ticket_offered);
    }
  }
  // Confirmed on the servers' side: B resumed every one of its sessions,
  // though it issued none of the tickets it was shown first.
  const PeerHandshakes ha = ticket_peer_handshakes(a.output()), hb = ticket_peer_handshakes(b.output());
  EXPECT_EQ(ha.total, kConnections / 2);
  EXPECT_EQ(ha.resumed, kConnections / 2 - 1);
  EXPECT_EQ(hb.total, kConnections / 2);
  EXPECT_EQ(hb.resumed, kConnections / 2);
  report(std::string("shared keys, ") + c.name);
}

INSTANTIATE_TEST_SUITE_P(Versions, PoolShared,
                         ::testing::Values(SharedCase{"TLS 1.3", false}, SharedCase{"TLS 1.2", true}),
                         [](const ::testing::TestParamInfo<SharedCase>& i) {
                           return std::string(i.param.tls12 ? "Tls12" : "Tls13");
                         });

// (b) Members with keys of their own: each connection alternates, so each
// offers the other member's newest ticket (or 1.2 session ticket), which is
// declined; the same connection completes a full handshake with the
// certificate checked. Nothing fails; nothing resumes.
TEST_P(PoolShared, MembersWithTheirOwnKeysDeclineAndTheSameConnectionCompletesFull) {
  const SharedCase& c = GetParam();
  PeerServer a(member(ticket_keys('a'), c.tls12)), b(member(ticket_keys('b'), c.tls12));
  ASSERT_TRUE(a.start()) << a.output();
  ASSERT_TRUE(b.start()) << b.output();
  const int kConnections = 6;
  for (int i = 0; i < kConnections; ++i) {
    const bool to_a = i % 2 == 0;
    Fetched f = go(to_a ? a : b, to_a ? "A" : "B", i);
    EXPECT_FALSE(f.info.resumed);
    EXPECT_EQ(f.info.declined, i > 0) << "offered what the other member issued";
    EXPECT_FALSE(f.info.peer_chain.empty()) << "a full handshake: the chain was verified";
  }
  EXPECT_EQ(ticket_peer_handshakes(a.output()).resumed, 0);
  EXPECT_EQ(ticket_peer_handshakes(b.output()).resumed, 0);
  report(std::string("own keys, ") + c.name);
}

// (c) A member restarted with new keys (a pool that rotates keys per
// process): its first connection declines the old tickets and completes a
// full handshake, its next resumes with its new tickets; the other member,
// still on the old keys, then declines the new member's ticket once. A
// member restarted with the same keys (keys kept outside the process)
// resumes straight on.
TEST_F(Pool, AMemberRestartedWithNewKeysDeclinesOnceThenResumesAgain) {
  PeerServer a(member(ticket_keys('a')));
  ASSERT_TRUE(a.start()) << a.output();
  auto b = std::make_unique<PeerServer>(member(ticket_keys('a')));
  ASSERT_TRUE(b->start()) << b->output();
  const uint16_t b_port = b->port();
  EXPECT_FALSE(go(a, "A", 0).info.resumed);
  EXPECT_TRUE(go(*b, "B", 1).info.resumed);

  b.reset();  // B goes down and comes back on its port with new keys
  b = std::make_unique<PeerServer>(member(ticket_keys('c'), false, b_port));
  ASSERT_TRUE(b->start()) << b->output();
  Fetched f = go(*b, "B (new keys)", 2);
  EXPECT_FALSE(f.info.resumed);
  EXPECT_TRUE(f.info.declined);
  EXPECT_TRUE(go(*b, "B (new keys)", 3).info.resumed);
  f = go(a, "A", 4);  // the newest ticket is B's, under keys A does not have
  EXPECT_FALSE(f.info.resumed);
  EXPECT_TRUE(f.info.declined);
  EXPECT_TRUE(go(a, "A", 5).info.resumed);
  report("member restarted with new keys");

  connections_ = resumed_ = 0;
  b.reset();  // and once more, now with A's keys again
  b = std::make_unique<PeerServer>(member(ticket_keys('a'), false, b_port));
  ASSERT_TRUE(b->start()) << b->output();
  EXPECT_TRUE(go(*b, "B (A's keys)", 6).info.resumed);
  EXPECT_TRUE(go(a, "A", 7).info.resumed);
  EXPECT_TRUE(go(*b, "B (A's keys)", 8).info.resumed);
  std::printf("[   POOL   ] member restarted with the shared keys: resumed %d/%d connections\n", resumed_,
              connections_);
  RecordProperty("resumption_rate_restart_same_keys", std::to_string(resumed_) + "/" + std::to_string(connections_));
}

// (d) A TLS 1.2-only member beside a TLS 1.3 member, answering alternate
// connections, the 1.3 member giving one ticket per connection (OpenSSL
// gives one after a resumed handshake whatever it is set to; here the full
// one gives one too, the tightest supply). The ClientHello carries the 1.3
// ticket and, once there is one, the 1.2 session; the 1.2 member ignores
// the ticket, which goes back to the store (RESUMPTION_SCOPE.md, "Mixed
// pools"), so after each kind of member has been met once every connection
// resumes with that member's version and the supply never runs out.
TEST_F(Pool, ATls12OnlyMemberBesideATls13MemberEveryLaterConnectionResumes) {
  PeerOptions o13 = member(ticket_keys('a'));
  o13.num_tickets = 1;
  PeerServer m13(o13), m12(member(ticket_keys('a'), true));
  ASSERT_TRUE(m13.start()) << m13.output();
  ASSERT_TRUE(m12.start()) << m12.output();
  const int kConnections = 10;
  for (int i = 0; i < kConnections; ++i) {
    const bool tls13 = i % 2 == 0;
    Fetched f = go(tls13 ? m13 : m12, tls13 ? "the TLS 1.3 member" : "the TLS 1.2-only member", i);
    EXPECT_EQ(f.info.version, tls13 ? 0x0304 : 0x0303);
    EXPECT_EQ(f.info.resumed, i >= 2) << "connection " << i;
    if (i >= 1) {
      EXPECT_TRUE(f.info.ticket_offered) << "connection " << i << ": a 1.3 ticket every time";
      EXPECT_EQ(f.info.ticket_returned, !tls13) << "connection " << i;
    }
    if (i >= 2) {
      EXPECT_TRUE(f.info.tls12_session_offered) << "connection " << i;
    }
  }
  EXPECT_EQ(ticket_peer_handshakes(m13.output()).resumed, kConnections / 2 - 1);
  EXPECT_EQ(ticket_peer_handshakes(m12.output()).resumed, kConnections / 2 - 1);
  report("TLS 1.2-only member beside a TLS 1.3 member");
}

}  // namespace
}  // namespace mactls::test
