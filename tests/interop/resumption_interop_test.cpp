// Live resumption: a full handshake stores the server's tickets, the next
// connections resume with them (no Certificate, fresh ECDHE), confirmed on
// the server's side too; declined tickets fall back to a full handshake on
// the same connection.
#include <gtest/gtest.h>

#include <ctime>
#include <memory>
#include <string>

#include "mactls/client.h"
#include "mactls/testing.h"
#include "mactls/ticket_store.h"
#include "mactls/trust.h"
#include "support/peer_server.h"
#include "support/pki.h"
#include "support/recording_ticket_store.h"
#include "support/tls_driver.h"

namespace mactls::test {
namespace {

const char* kHost = "localhost";
const char* kRequest = "GET / HTTP/1.0\r\n\r\n";

class Resumption : public ::testing::TestWithParam<PeerKind> {
 protected:
  void SetUp() override {
    ASSERT_TRUE(pki_.make_chain("r", KeyKind::p256, KeyKind::p256, kHost));
    std::string pem = pki_.cert_pem("r-root");
    ASSERT_TRUE(trust_.add_pem(pem.data(), pem.size()).is_ok());
    cfg_.trust = &trust_;
    cfg_.tickets = &store_;
  }
  PeerOptions options() {
    PeerOptions o;
    o.kind = GetParam();
    o.cert_file = pki_.chain_path("r");
    o.key_file = pki_.key_path("r-leaf");
    o.www = true;
    o.num_tickets = 2;
    return o;
  }
  Exchange exchange(uint16_t port) { return run_exchange(cfg_, kHost, port, kRequest, "</html>"); }

  Pki pki_;
  TrustStore trust_;
  MemoryTicketStore store_;
  ClientConfig cfg_;
};

TEST_P(Resumption, FullThenResumedConfirmedByTheServer) {
  PeerServer server(options());
  ASSERT_TRUE(server.start()) << server.output();

  Exchange first = exchange(server.port());
  ASSERT_TRUE(first.status.is_ok()) << first.status.what();
  EXPECT_FALSE(first.info.resumed);
  EXPECT_FALSE(first.info.ticket_offered);
  EXPECT_TRUE(first.info.psk_modes_sent);
  EXPECT_GE(first.info.tickets_stored, 1u);
  EXPECT_FALSE(server_says_resumed(GetParam(), first.response));

  Exchange second = exchange(server.port());
  ASSERT_TRUE(second.status.is_ok()) << second.status.what();
  EXPECT_TRUE(second.info.ticket_offered);
  EXPECT_TRUE(second.info.resumed);
  EXPECT_FALSE(second.info.declined);
  // No Certificate / CertificateVerify on the resumed connection...
  EXPECT_EQ(second.info.signature_scheme, 0);
  EXPECT_TRUE(second.info.peer_chain.empty());
  // ...but the application still learns who it talks to.
  EXPECT_EQ(second.info.peer_identity, first.info.peer_identity);
  EXPECT_EQ(second.info.auth_unix_s, first.info.auth_unix_s);
  // A fresh ECDHE every time (psk_dhe_ke).
  EXPECT_EQ(second.info.group, 0x001d);
  // The server agrees it resumed, and data flowed both ways.
  EXPECT_TRUE(server_says_resumed(GetParam(), second.response)) << second.response;
}

TEST_P(Resumption, ResumesAfterHelloRetryRequestWithRecomputedBinder) {
  PeerOptions o = options();
  o.groups = {"secp384r1"};  // we key-share X25519 only: every handshake retries
  PeerServer server(o);
  ASSERT_TRUE(server.start()) << server.output();
  Exchange first = exchange(server.port());
  ASSERT_TRUE(first.status.is_ok()) << first.status.what();
  EXPECT_TRUE(first.info.hello_retry);
  Exchange second = exchange(server.port());
  ASSERT_TRUE(second.status.is_ok()) << second.status.what();
  EXPECT_TRUE(second.info.hello_retry);
  EXPECT_TRUE(second.info.resumed);
  EXPECT_EQ(second.info.group, 0x0018);
  EXPECT_TRUE(server_says_resumed(GetParam(), second.response)) << second.response;
}

TEST_P(Resumption, RestartedServerDeclinesAndTheSameConnectionCompletesFully) {
  uint16_t port;
  {
    PeerServer server(options());
    ASSERT_TRUE(server.start()) << server.output();
    port = server.port();
    Exchange first = exchange(port);
    ASSERT_TRUE(first.status.is_ok()) << first.status.what();
    ASSERT_GE(first.info.tickets_stored, 1u);
  }
  // New process, new ticket keys. Same port so the ticket key matches.
  PeerOptions o = options();
  o.port = port;
  PeerServer server(o);
  ASSERT_TRUE(server.start()) << server.output();
  Exchange second = exchange(server.port());
  ASSERT_TRUE(second.status.is_ok()) << second.status.what();
  EXPECT_TRUE(second.info.ticket_offered);
  EXPECT_FALSE(second.info.resumed);
  EXPECT_TRUE(second.info.declined);
  EXPECT_NE(second.info.signature_scheme, 0) << "full handshake: CertificateVerify checked";
  EXPECT_GE(second.info.tickets_stored, 1u) << "the new server's tickets are stored";
  Exchange third = exchange(server.port());
  ASSERT_TRUE(third.status.is_ok()) << third.status.what();
  EXPECT_TRUE(third.info.resumed);
}

TEST_P(Resumption, Sha384TicketAgainstASha256OnlyServerFallsBackToFull) {
  uint16_t port;
  {
    PeerOptions o = options();
    o.ciphersuites = {"TLS_AES_256_GCM_SHA384"};
    PeerServer server(o);
    ASSERT_TRUE(server.start()) << server.output();
    port = server.port();
    Exchange first = exchange(port);
    ASSERT_TRUE(first.status.is_ok()) << first.status.what();
    ASSERT_EQ(first.info.cipher_suite, 0x1302);
    ASSERT_GE(first.info.tickets_stored, 1u);
  }
  PeerOptions o = options();
  o.port = port;
  o.ciphersuites = {"TLS_AES_128_GCM_SHA256"};
  PeerServer server(o);
  ASSERT_TRUE(server.start()) << server.output();
  Exchange second = exchange(server.port());
  ASSERT_TRUE(second.status.is_ok()) << second.status.what();
  EXPECT_EQ(second.info.cipher_suite, 0x1301);
  EXPECT_FALSE(second.info.resumed);
  EXPECT_NE(second.info.signature_scheme, 0);
}

INSTANTIATE_TEST_SUITE_P(Peers, Resumption, ::testing::Values(PeerKind::openssl, PeerKind::gnutls),
                         [](const ::testing::TestParamInfo<PeerKind>& i) {
                           return std::string(i.param == PeerKind::openssl ? "openssl" : "gnutls");
                         });

// Single use: N resumptions take N distinct tickets, and the store never
// hands the same one out twice (a recording store checks every call).
TEST(ResumptionStore, EveryResumptionConsumesItsOwnTicket) {
  Pki pki;
  ASSERT_TRUE(pki.make_chain("s", KeyKind::p256, KeyKind::p256, kHost));
  TrustStore trust;
  std::string pem = pki.cert_pem("s-root");
  ASSERT_TRUE(trust.add_pem(pem.data(), pem.size()).is_ok());
  PeerOptions o;
  o.kind = PeerKind::openssl;
  o.cert_file = pki.chain_path("s");
  o.key_file = pki.key_path("s-leaf");
  o.www = true;
  o.num_tickets = 1;
  PeerServer server(o);
  ASSERT_TRUE(server.start()) << server.output();

  RecordingTicketStore store;
  ClientConfig cfg;
  cfg.trust = &trust;
  cfg.tickets = &store;
  const int kConnections = 4;
  for (int i = 0; i < kConnections; ++i) {
    Exchange ex = run_exchange(cfg, kHost, server.port(), kRequest, "</html>");
    ASSERT_TRUE(ex.status.is_ok()) << ex.status.what();
    EXPECT_EQ(ex.info.resumed, i > 0) << "connection " << i;
  }
  // One ticket per connection in, one per resumption out, none reused.
  EXPECT_EQ(store.inserted(), size_t(kConnections));
  EXPECT_EQ(store.taken(), size_t(kConnections - 1));
  EXPECT_TRUE(store.no_identity_taken_twice());
}

// RFC 8446 §4.6.1 (issue 10, item 6): a ticket is not offered from the
// notAfter of the certificate it was earned with on. The leaf expires in a
// day; the client's injected clock is moved to an hour before that, so the
// ticket (7200 s from openssl) would still be alive when the leaf dies.
TEST(ResumptionStore, NoTicketIsOfferedAfterTheCertificateExpires) {
  Pki pki;
  ASSERT_TRUE(pki.make_chain("e", KeyKind::p256, KeyKind::p256, kHost));
  CertSpec leaf = cert_spec("e-leaf", KeyKind::p256, "e-int", {kHost});
  leaf.not_after_days = 1;
  ASSERT_TRUE(pki.issue(leaf));
  const std::string chain = pki.bundle_path("e-short-chain", {"e-leaf", "e-int"});
  TrustStore trust;
  std::string pem = pki.cert_pem("e-root");
  ASSERT_TRUE(trust.add_pem(pem.data(), pem.size()).is_ok());
  PeerOptions o;
  o.kind = PeerKind::openssl;
  o.cert_file = chain;
  o.key_file = pki.key_path("e-leaf");
  o.www = true;
  o.num_tickets = 1;
  PeerServer server(o);
  ASSERT_TRUE(server.start()) << server.output();

  ManualClock clock(int64_t(time(nullptr)));
  MemoryTicketStore store;
  ClientConfig cfg;
  cfg.trust = &trust;
  cfg.clock = &clock;
  // Learn the leaf's notAfter from a connection that keeps no ticket.
  Exchange probe = run_exchange(cfg, kHost, server.port(), kRequest, "</html>");
  ASSERT_TRUE(probe.status.is_ok()) << probe.status.what();
  const int64_t not_after = probe.info.cert_not_after_s;
  ASSERT_GT(not_after, clock.unix_ms() / 1000);

  cfg.tickets = &store;
  clock.set_unix_seconds(not_after - 3600);
  Exchange full = run_exchange(cfg, kHost, server.port(), kRequest, "</html>");
  ASSERT_TRUE(full.status.is_ok()) << full.status.what();
  EXPECT_EQ(full.info.cert_not_after_s, not_after);
  ASSERT_GE(full.info.tickets_stored, 1u);

  clock.advance_ms(1800 * 1000);
  Exchange resumed = run_exchange(cfg, kHost, server.port(), kRequest, "</html>");
  ASSERT_TRUE(resumed.status.is_ok()) << resumed.status.what();
  EXPECT_TRUE(resumed.info.resumed);
  EXPECT_EQ(resumed.info.cert_not_after_s, not_after) << "inherited from the ticket";
  EXPECT_TRUE(server_says_resumed(PeerKind::openssl, resumed.response)) << resumed.response;

  clock.set_unix_seconds(not_after + 60);
  Exchange expired = run_exchange(cfg, kHost, server.port(), kRequest, "</html>");
  EXPECT_FALSE(expired.info.ticket_offered) << "the ticket died with the certificate";
  EXPECT_EQ(expired.status.alert(), Alert::certificate_expired) << expired.status.what();
  EXPECT_GE(store.stats().expired, 1u);
}

// RFC 6066 §3: the host name goes out without its trailing dot; the host
// check and the ticket key use the same normalised name.
TEST(ResumptionStore, ATrailingDotNameIsTheSameHostForSniCheckAndTickets) {
  Pki pki;
  ASSERT_TRUE(pki.make_chain("d", KeyKind::p256, KeyKind::p256, kHost));
  TrustStore trust;
  std::string pem = pki.cert_pem("d-root");
  ASSERT_TRUE(trust.add_pem(pem.data(), pem.size()).is_ok());
  PeerOptions o;
  o.kind = PeerKind::openssl;
  o.cert_file = pki.chain_path("d");
  o.key_file = pki.key_path("d-leaf");
  o.www = true;
  o.num_tickets = 1;
  PeerServer server(o);
  ASSERT_TRUE(server.start()) << server.output();
  MemoryTicketStore store;
  ClientConfig cfg;
  cfg.trust = &trust;
  cfg.tickets = &store;
  Exchange first = run_exchange(cfg, "localhost.", server.port(), kRequest, "</html>");
  ASSERT_TRUE(first.status.is_ok()) << first.status.what();
  Exchange second = run_exchange(cfg, "LocalHost", server.port(), kRequest, "</html>");
  ASSERT_TRUE(second.status.is_ok()) << second.status.what();
  EXPECT_TRUE(second.info.resumed) << "one ticket key for every spelling of the name";
}

// A ticket is filed under (host, port, security context) and never offered
// elsewhere: not to another host name, not to another port, not after the
// trust anchors change.
TEST(ResumptionStore, TicketsNeverCrossHostsPortsOrTrustContexts) {
  Pki pki;
  ASSERT_TRUE(pki.make_chain("x", KeyKind::p256, KeyKind::p256, kHost));
  CertSpec both = cert_spec("x-leaf2", KeyKind::p256, "x-int", {kHost});
  both.ip_sans = {"127.0.0.1"};
  ASSERT_TRUE(pki.issue(both));
  TrustStore trust, other_trust;
  std::string pem = pki.cert_pem("x-root");
  ASSERT_TRUE(trust.add_pem(pem.data(), pem.size()).is_ok());
  ASSERT_TRUE(other_trust.add_pem(pem.data(), pem.size()).is_ok());
  std::string extra = pki.cert_pem("x-int");
  ASSERT_TRUE(other_trust.add_pem(extra.data(), extra.size()).is_ok());

  PeerOptions o;
  o.kind = PeerKind::openssl;
  o.cert_file = pki.bundle_path("x-chain2", {"x-leaf2", "x-int"});
  o.key_file = pki.key_path("x-leaf2");
  o.www = true;
  PeerServer a(o), b(o);
  ASSERT_TRUE(a.start()) << a.output();
  ASSERT_TRUE(b.start()) << b.output();

  MemoryTicketStore store;
  ClientConfig cfg;
  cfg.trust = &trust;
  cfg.tickets = &store;
  Exchange first = run_exchange(cfg, kHost, a.port(), kRequest, "</html>");
  ASSERT_TRUE(first.status.is_ok()) << first.status.what();
  ASSERT_GE(store.size(), 1u);
  const size_t stored = store.size();

  Exchange other_port = run_exchange(cfg, kHost, b.port(), kRequest, "</html>");
  ASSERT_TRUE(other_port.status.is_ok()) << other_port.status.what();
  EXPECT_FALSE(other_port.info.ticket_offered);

  Exchange other_name = run_exchange(cfg, "127.0.0.1", a.port(), kRequest, "</html>");
  ASSERT_TRUE(other_name.status.is_ok()) << other_name.status.what();
  EXPECT_FALSE(other_name.info.ticket_offered);

  ClientConfig changed = cfg;
  changed.trust = &other_trust;
  Exchange other_trust_ex = run_exchange(changed, kHost, a.port(), kRequest, "</html>");
  ASSERT_TRUE(other_trust_ex.status.is_ok()) << other_trust_ex.status.what();
  EXPECT_FALSE(other_trust_ex.info.ticket_offered);

  // The original key still resumes: nothing was misfiled or lost on the way.
  EXPECT_GE(store.size(), stored);
  Exchange again = run_exchange(cfg, kHost, a.port(), kRequest, "</html>");
  ASSERT_TRUE(again.status.is_ok()) << again.status.what();
  EXPECT_TRUE(again.info.resumed);
}

}  // namespace
}  // namespace mactls::test
