// Live interop for the TLS 1.2 fallback: mactls (offering 1.3 and 1.2 in
// one ClientHello) against `openssl s_server -tls1_2` and `gnutls-serv`
// limited to TLS 1.2 on 127.0.0.1, with a PKI generated at test time.
// Every TLS 1.2 suite that fits the certificate × every group × ECDSA
// P-256, ECDSA P-384, RSA-2048 with PKCS#1 v1.5 signatures and RSA-2048
// with RSASSA-PSS signatures (certificates and ServerKeyExchange alike):
// a full handshake, then a resumption by RFC 5077 ticket (one server) and
// by session id (a second server with tickets off), each confirmed on the
// server's side; data both ways, and the server's status page confirms it
// spoke TLS 1.2. Two server processes per peer and chain serve all 36
// connections of that cell.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "mactls/client.h"
#include "mactls/ticket_store.h"
#include "mactls/trust.h"
#include "support/peer_server.h"
#include "support/pki.h"
#include "support/tls_driver.h"

namespace mactls::test {
namespace {

const char* kHost = "localhost";
const char* kRequest = "GET / HTTP/1.0\r\n\r\n";

struct Chain12 {
  const char* name;
  KeyKind key;
  bool ecdsa;
  bool pss;  ///< RSA: every signature RSASSA-PSS (else PKCS#1 v1.5)
  /// What the server may sign its ServerKeyExchange with (empty: default).
  std::vector<std::string> schemes;
};

const Chain12 kChains12[] = {
    {"t12-p256", KeyKind::p256, true, false, {}},
    {"t12-p384", KeyKind::p384, true, false, {}},
    {"t12-rsa2048", KeyKind::rsa2048, false, false, {"rsa_pkcs1_sha256", "rsa_pkcs1_sha384", "rsa_pkcs1_sha512"}},
    {"t12-rsapss", KeyKind::rsa2048, false, true,
     {"rsa_pss_rsae_sha256", "rsa_pss_rsae_sha384", "rsa_pss_rsae_sha512"}},
};

class Tls12Pki : public ::testing::Environment {
 public:
  static Pki* pki;
  void SetUp() override {
    pki = new Pki();
    for (const Chain12& c : kChains12) ASSERT_TRUE(pki->make_chain(c.name, c.key, c.key, kHost, c.pss));
  }
  void TearDown() override {
    delete pki;
    pki = nullptr;
  }
};
Pki* Tls12Pki::pki = nullptr;
const auto* const kEnv12 = ::testing::AddGlobalTestEnvironment(new Tls12Pki);

const char* kind_name(PeerKind k) { return k == PeerKind::openssl ? "openssl" : "gnutls"; }

struct Param12 {
  PeerKind server;
  size_t chain;
};

void PrintTo(const Param12& p, std::ostream* os) { *os << kind_name(p.server) << "/" << kChains12[p.chain].name; }

class Tls12Matrix : public ::testing::TestWithParam<Param12> {};

bool is_pkcs1(uint16_t scheme) { return scheme == 0x0401 || scheme == 0x0501 || scheme == 0x0601; }
bool is_pss_rsae(uint16_t scheme) { return scheme == 0x0804 || scheme == 0x0805 || scheme == 0x0806; }

void expect_tls12_page(PeerKind kind, const Exchange& ex) {
  // Data both ways: our GET went out, the status page came back, and it
  // says the server spoke TLS 1.2.
  EXPECT_NE(ex.response.find("HTTP/1."), std::string::npos) << ex.response;
  EXPECT_NE(ex.response.find(kind == PeerKind::openssl ? "TLSv1.2" : "TLS1.2"), std::string::npos) << ex.response;
}

TEST_P(Tls12Matrix, EverySuiteAndGroupCompletesResumesAndCarriesData) {
  const Param12 p = GetParam();
  const Chain12& chain = kChains12[p.chain];
  PeerOptions o;
  o.kind = p.server;
  o.cert_file = Tls12Pki::pki->chain_path(chain.name);
  o.key_file = Tls12Pki::pki->key_path(std::string(chain.name) + "-leaf");
  o.www = true;
  o.tls12 = true;
  o.signature_schemes = chain.schemes;
  PeerServer with_tickets(o);
  ASSERT_TRUE(with_tickets.start()) << with_tickets.output();
  o.no_tickets = true;
  PeerServer session_ids(o);
  ASSERT_TRUE(session_ids.start()) << session_ids.output();
  TrustStore trust;
  std::string pem = Tls12Pki::pki->cert_pem(std::string(chain.name) + "-root");
  ASSERT_TRUE(trust.add_pem(pem.data(), pem.size()).is_ok());
  if (!chain.ecdsa) {
    // The chain is signed the way its name says: id-RSASSA-PSS
    // (1.2.840.113549.1.1.10, RFC 4055) in the leaf, or not.
    const uint8_t kPssOid[] = {0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0a};
    Bytes leaf = Tls12Pki::pki->cert_der(std::string(chain.name) + "-leaf");
    const bool pss = std::search(leaf.begin(), leaf.end(), kPssOid, kPssOid + sizeof kPssOid) != leaf.end();
    EXPECT_EQ(pss, chain.pss);
  }

  const std::vector<uint16_t> suites = chain.ecdsa ? std::vector<uint16_t>{0xC02B, 0xC02C, 0xCCA9}
                                                   : std::vector<uint16_t>{0xC02F, 0xC030, 0xCCA8};
  for (uint16_t suite : suites) {
    for (uint16_t group : {uint16_t(0x001d), uint16_t(0x0017), uint16_t(0x0018)}) {
      for (bool by_ticket : {true, false}) {
        SCOPED_TRACE(std::string(kind_name(p.server)) + " " + chain.name + " suite " + std::to_string(suite) +
                     " group " + std::to_string(group) + (by_ticket ? " ticket" : " session id"));
        PeerServer& server = by_ticket ? with_tickets : session_ids;
        MemoryTicketStore store;
        ClientConfig cfg;
        cfg.trust = &trust;
        cfg.tickets = &store;
        cfg.tls12_cipher_suites = {suite};
        // In TLS 1.2 supported_groups also names the curves the client
        // takes in ECDSA certificates (RFC 8422 §5.1.1), and OpenSSL holds
        // us to it: offer the certificate's curve after the group under test.
        cfg.groups = {group};
        if (chain.key == KeyKind::p256 && group != 0x0017) cfg.groups.push_back(0x0017);
        if (chain.key == KeyKind::p384 && group != 0x0018) cfg.groups.push_back(0x0018);
        cfg.key_share_groups = {group};
        std::vector<std::string> keylog;
        cfg.keylog = [&keylog](const char* label, const uint8_t*, const uint8_t*, size_t len) {
          keylog.push_back(std::string(label) + "/" + std::to_string(len));
        };
        Exchange full = run_exchange(cfg, kHost, server.port(), kRequest, "</html>");
        ASSERT_TRUE(full.status.is_ok()) << full.status.what() << " (" << alert_name(full.status.alert()) << ")\n"
                                         << server.output();
        EXPECT_EQ(full.info.version, 0x0303);
        EXPECT_EQ(full.info.cipher_suite, suite);
        EXPECT_EQ(full.info.group, group);
        EXPECT_NE(full.info.signature_scheme, 0);
        if (!chain.ecdsa) {
          EXPECT_TRUE(chain.pss ? is_pss_rsae(full.info.signature_scheme) : is_pkcs1(full.info.signature_scheme))
              << full.info.signature_scheme;
        }
        EXPECT_FALSE(full.info.resumed);
        EXPECT_FALSE(full.info.peer_identity.empty());
        EXPECT_FALSE(server_says_resumed(p.server, full.response)) << full.response;
        EXPECT_EQ(full.info.tickets_received, by_ticket ? 1u : 0u);
        EXPECT_EQ(full.info.tickets_stored, 1u);
        expect_tls12_page(p.server, full);
        // Key log: one CLIENT_RANDOM line with the 48-byte master secret.
        EXPECT_EQ(keylog, std::vector<std::string>{"CLIENT_RANDOM/48"});

        keylog.clear();
        Exchange again = run_exchange(cfg, kHost, server.port(), kRequest, "</html>");
        ASSERT_TRUE(again.status.is_ok()) << again.status.what() << "\n" << server.output();
        EXPECT_EQ(again.info.version, 0x0303);
        EXPECT_EQ(again.info.cipher_suite, suite);
        EXPECT_TRUE(again.info.tls12_session_offered);
        EXPECT_TRUE(again.info.resumed);
        EXPECT_FALSE(again.info.declined);
        EXPECT_EQ(again.info.signature_scheme, 0);  // no ServerKeyExchange
        EXPECT_EQ(again.info.peer_identity, full.info.peer_identity);
        EXPECT_TRUE(server_says_resumed(p.server, again.response)) << again.response;
        expect_tls12_page(p.server, again);
        EXPECT_EQ(keylog, std::vector<std::string>{"CLIENT_RANDOM/48"});
      }
    }
  }
}

std::vector<Param12> matrix12() {
  std::vector<Param12> v;
  for (PeerKind k : {PeerKind::openssl, PeerKind::gnutls})
    for (size_t c = 0; c < sizeof kChains12 / sizeof kChains12[0]; ++c) v.push_back({k, c});
  return v;
}

INSTANTIATE_TEST_SUITE_P(Peers, Tls12Matrix, ::testing::ValuesIn(matrix12()),
                         [](const ::testing::TestParamInfo<Param12>& i) {
                           return std::string(kind_name(i.param.server)) + "_" +
                                  std::string(kChains12[i.param.chain].name).substr(4);
                         });

// TLS 1.2 resumption, confirmed on the server's side: by session id
// (openssl -no_ticket), by RFC 5077 ticket (openssl's default), and with
// gnutls-serv's defaults. A 1.2 session is reusable: the third connection
// resumes too.
struct Resume12Case {
  const char* name;
  PeerKind kind;
  bool no_ticket;
};

TEST(Tls12Resumption, FullThenResumedTwiceConfirmedByTheServer) {
  const Resume12Case cases[] = {
      {"openssl session id", PeerKind::openssl, true},
      {"openssl ticket", PeerKind::openssl, false},
      {"gnutls", PeerKind::gnutls, false},
  };
  for (const Resume12Case& c : cases) {
    SCOPED_TRACE(c.name);
    PeerOptions o;
    o.kind = c.kind;
    o.cert_file = Tls12Pki::pki->chain_path("t12-p256");
    o.key_file = Tls12Pki::pki->key_path("t12-p256-leaf");
    o.www = true;
    o.tls12 = true;
    if (c.no_ticket) o.extra_args.push_back("-no_ticket");
    PeerServer server(o);
    ASSERT_TRUE(server.start()) << server.output();
    TrustStore trust;
    std::string pem = Tls12Pki::pki->cert_pem("t12-p256-root");
    ASSERT_TRUE(trust.add_pem(pem.data(), pem.size()).is_ok());
    MemoryTicketStore store;
    ClientConfig cfg;
    cfg.trust = &trust;
    cfg.tickets = &store;
    Exchange first = run_exchange(cfg, kHost, server.port(), kRequest, "</html>");
    ASSERT_TRUE(first.status.is_ok()) << first.status.what() << "\n" << server.output();
    EXPECT_EQ(first.info.version, 0x0303);
    EXPECT_FALSE(first.info.resumed);
    EXPECT_EQ(first.info.tickets_stored, 1u);
    EXPECT_FALSE(server_says_resumed(c.kind, first.response)) << first.response;
    if (c.kind == PeerKind::openssl) {
      EXPECT_EQ(first.info.tickets_received, c.no_ticket ? 0u : 1u);
    }
    for (int i = 0; i < 2; ++i) {
      SCOPED_TRACE(i);
      Exchange again = run_exchange(cfg, kHost, server.port(), kRequest, "</html>");
      ASSERT_TRUE(again.status.is_ok()) << again.status.what() << "\n" << server.output();
      EXPECT_EQ(again.info.version, 0x0303);
      EXPECT_TRUE(again.info.tls12_session_offered);
      EXPECT_TRUE(again.info.resumed);
      EXPECT_FALSE(again.info.declined);
      EXPECT_EQ(again.info.signature_scheme, 0);  // no ServerKeyExchange
      EXPECT_EQ(again.info.peer_identity, first.info.peer_identity);
      EXPECT_TRUE(server_says_resumed(c.kind, again.response)) << again.response;
    }
  }
}

// A mixed pool: behind one name and port, a TLS 1.3 node and a TLS
// 1.2-only node answer alternate connections (two openssl servers on two
// local ports, the client keying its store by one). No connection fails;
// every connection after both kinds of node were met once resumes with that
// node's version, because the ClientHello offers both a 1.3 ticket and the
// 1.2 session, and the 1.3 ticket a 1.2 node ignored goes back to the store
// (RESUMPTION_SCOPE.md, "Mixed pools"). OpenSSL gives one ticket per
// resumed 1.3 connection, so without that return each 1.3/1.2 pair would
// use two tickets and earn one, and the 1.3 node would see full handshakes
// again once the first handshake's tickets were gone.
TEST(Tls12MixedPool, EveryConnectionAfterBothNodeKindsWereMetResumes) {
  PeerOptions o13;
  o13.kind = PeerKind::openssl;
  o13.cert_file = Tls12Pki::pki->chain_path("t12-p256");
  o13.key_file = Tls12Pki::pki->key_path("t12-p256-leaf");
  o13.www = true;
  PeerOptions o12 = o13;
  o12.tls12 = true;
  PeerServer node13(o13), node12(o12);
  ASSERT_TRUE(node13.start()) << node13.output();
  ASSERT_TRUE(node12.start()) << node12.output();
  TrustStore trust;
  std::string pem = Tls12Pki::pki->cert_pem("t12-p256-root");
  ASSERT_TRUE(trust.add_pem(pem.data(), pem.size()).is_ok());
  MemoryTicketStore store;
  ClientConfig cfg;
  cfg.trust = &trust;
  cfg.tickets = &store;
  const uint16_t kPoolPort = 443;  // what the client believes it dials
  int resumed = 0;
  const int kConnections = 12;  // more than the first handshake's two tickets could serve
  for (int i = 0; i < kConnections; ++i) {
    const bool tls13 = i % 2 == 0;
    SCOPED_TRACE(std::to_string(i) + (tls13 ? " TLS 1.3 node" : " TLS 1.2 node"));
    PeerServer& node = tls13 ? node13 : node12;
    Exchange ex = run_exchange(cfg, kHost, node.port(), kRequest, "</html>", 10000, kPoolPort);
    ASSERT_TRUE(ex.status.is_ok()) << ex.status.what() << "\n" << node.output();
    EXPECT_EQ(ex.info.version, tls13 ? 0x0304 : 0x0303);
    const bool both_met = i >= 2;
    EXPECT_EQ(ex.info.resumed, both_met);
    EXPECT_EQ(server_says_resumed(PeerKind::openssl, ex.response), both_met) << ex.response;
    if (ex.info.resumed) ++resumed;
    if (i >= 1) {
      EXPECT_TRUE(ex.info.ticket_offered);  // a 1.3 ticket every time
      EXPECT_EQ(ex.info.ticket_returned, !tls13);  // ignored by the 1.2 node: back to the store
    }
    if (i >= 2) {
      EXPECT_TRUE(ex.info.tls12_session_offered);  // and the 1.2 session
    }
  }
  std::printf("[  MIXED   ] openssl 1.3 node + 1.2-only node: resumed %d/%d connections\n", resumed, kConnections);
  RecordProperty("resumption_rate", std::to_string(resumed) + "/" + std::to_string(kConnections));
}

// A TLS 1.3-only config meets a TLS 1.2-only server: protocol_version, as
// before TLS 1.2 existed in mactls.
TEST(Tls12Config, ATls13OnlyClientRefusesATls12Server) {
  PeerOptions o;
  o.kind = PeerKind::openssl;
  o.cert_file = Tls12Pki::pki->chain_path("t12-p256");
  o.key_file = Tls12Pki::pki->key_path("t12-p256-leaf");
  o.tls12 = true;
  PeerServer server(o);
  ASSERT_TRUE(server.start()) << server.output();
  TrustStore trust;
  std::string pem = Tls12Pki::pki->cert_pem("t12-p256-root");
  ASSERT_TRUE(trust.add_pem(pem.data(), pem.size()).is_ok());
  ClientConfig cfg;
  cfg.trust = &trust;
  cfg.min_version = 0x0304;
  Exchange ex = run_exchange(cfg, kHost, server.port(), kRequest, "</html>");
  EXPECT_FALSE(ex.status.is_ok());
  EXPECT_EQ(ex.final_state, Client::State::failed);
}

}  // namespace
}  // namespace mactls::test
