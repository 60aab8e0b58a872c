// Live interop: mactls against `openssl s_server` and `gnutls-serv` on
// 127.0.0.1, with a PKI generated at test time. The matrix is every suite ×
// every group × four certificate chains × both servers; one server process
// per (server, chain) serves all nine suite/group combinations.
#include <gtest/gtest.h>

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

struct ChainKind {
  const char* name;
  KeyKind ca_key;
  KeyKind leaf_key;
};

const ChainKind kChains[] = {
    {"rsa2048", KeyKind::rsa2048, KeyKind::rsa2048},
    {"p256", KeyKind::p256, KeyKind::p256},
    {"p384", KeyKind::p384, KeyKind::p384},
    {"ed25519", KeyKind::p256, KeyKind::ed25519},
};

// One PKI for the whole suite: key generation is the slow part.
class InteropPki : public ::testing::Environment {
 public:
  static Pki* pki;
  void SetUp() override {
    pki = new Pki();
    for (const ChainKind& c : kChains) ASSERT_TRUE(pki->make_chain(c.name, c.ca_key, c.leaf_key, kHost));
  }
  void TearDown() override {
    delete pki;
    pki = nullptr;
  }
};
Pki* InteropPki::pki = nullptr;
const auto* const kEnv = ::testing::AddGlobalTestEnvironment(new InteropPki);

std::unique_ptr<TrustStore> trust_for(const std::string& chain) {
  auto t = std::make_unique<TrustStore>();
  std::string pem = InteropPki::pki->cert_pem(chain + "-root");
  Status s = t->add_pem(pem.data(), pem.size());
  EXPECT_TRUE(s.is_ok()) << s.what();
  return t;
}

PeerOptions server_options(PeerKind kind, const std::string& chain) {
  PeerOptions o;
  o.kind = kind;
  o.cert_file = InteropPki::pki->chain_path(chain);
  o.key_file = InteropPki::pki->key_path(chain + "-leaf");
  o.www = true;
  return o;
}

const char* kind_name(PeerKind k) { return k == PeerKind::openssl ? "openssl" : "gnutls"; }

struct MatrixParam {
  PeerKind server;
  size_t chain;
};

// GoogleTest would otherwise print the struct's raw bytes, padding included
// (uninitialised memory, which valgrind rightly reports).
void PrintTo(const MatrixParam& p, std::ostream* os) {
  *os << kind_name(p.server) << "/" << kChains[p.chain].name;
}

class HandshakeMatrix : public ::testing::TestWithParam<MatrixParam> {};

TEST_P(HandshakeMatrix, EverySuiteAndGroupCompletesAndCarriesData) {
  const MatrixParam p = GetParam();
  const ChainKind& chain = kChains[p.chain];
  PeerServer server(server_options(p.server, chain.name));
  ASSERT_TRUE(server.start()) << server.output();
  auto trust = trust_for(chain.name);
  const uint16_t suites[] = {0x1301, 0x1302, 0x1303};
  const uint16_t groups[] = {0x001d, 0x0017, 0x0018};
  for (uint16_t suite : suites) {
    for (uint16_t group : groups) {
      SCOPED_TRACE(std::string(kind_name(p.server)) + " " + chain.name + " suite " + std::to_string(suite) +
                   " group " + std::to_string(group));
      ClientConfig cfg;
      cfg.trust = trust.get();
      cfg.cipher_suites = {suite};
      cfg.groups = {group};
      cfg.key_share_groups = {group};
      Exchange ex = run_exchange(cfg, kHost, server.port(), kRequest, "</html>");
      ASSERT_TRUE(ex.status.is_ok()) << ex.status.what() << " (" << alert_name(ex.status.alert()) << ")\n"
                                     << server.output();
      EXPECT_EQ(ex.info.version, 0x0304);
      EXPECT_EQ(ex.info.cipher_suite, suite);
      EXPECT_EQ(ex.info.group, group);
      EXPECT_NE(ex.info.signature_scheme, 0);
      EXPECT_FALSE(ex.info.resumed);
      // Data both ways: our GET went out and the server's page came back.
      EXPECT_NE(ex.response.find("HTTP/1."), std::string::npos) << ex.response;
    }
  }
}

std::vector<MatrixParam> matrix() {
  std::vector<MatrixParam> v;
  for (PeerKind k : {PeerKind::openssl, PeerKind::gnutls})
    for (size_t c = 0; c < sizeof kChains / sizeof kChains[0]; ++c) v.push_back({k, c});
  return v;
}

INSTANTIATE_TEST_SUITE_P(Peers, HandshakeMatrix, ::testing::ValuesIn(matrix()),
                         [](const ::testing::TestParamInfo<MatrixParam>& i) {
                           return std::string(kind_name(i.param.server)) + "_" + kChains[i.param.chain].name;
                         });

// HelloRetryRequest: the server takes only P-384; we key-share X25519 only.
TEST(HelloRetry, ServerForcesAGroupWeSentNoShareFor) {
  for (PeerKind kind : {PeerKind::openssl, PeerKind::gnutls}) {
    SCOPED_TRACE(kind_name(kind));
    PeerOptions o = server_options(kind, "p256");
    o.groups = {"secp384r1"};
    PeerServer server(o);
    ASSERT_TRUE(server.start()) << server.output();
    auto trust = trust_for("p256");
    ClientConfig cfg;
    cfg.trust = trust.get();
    cfg.key_share_groups = {0x001d};
    Exchange ex = run_exchange(cfg, kHost, server.port(), kRequest, "</html>");
    ASSERT_TRUE(ex.status.is_ok()) << ex.status.what() << "\n" << server.output();
    EXPECT_TRUE(ex.info.hello_retry);
    EXPECT_EQ(ex.info.group, 0x0018);
  }
}

// Certificate failures: each gives its alert and a clear error.
TEST(CertificateFailures, EachHasItsAlert) {
  Pki& pki = *InteropPki::pki;
  // A second, unrelated root for the untrusted case.
  ASSERT_TRUE(pki.issue(cert_spec("other-root", KeyKind::p256, "", {}, true)));
  ASSERT_TRUE(pki.issue(cert_spec("nonca-int", KeyKind::p256, "p256-root", {}, false)));

  struct Case {
    const char* name;
    CertSpec leaf;
    const char* intermediate;
    const char* trusted_root;
    const char* host;
    Alert alert;
  };
  CertSpec expired = cert_spec("expired-leaf", KeyKind::p256, "p256-int", {kHost});
  expired.not_before_days = -30;
  expired.not_after_days = -1;
  std::vector<Case> cases = {
      {"expired", expired, "p256-int", "p256-root", kHost, Alert::certificate_expired},
      {"wrong_host", cert_spec("other-host-leaf", KeyKind::p256, "p256-int", {"elsewhere.example"}), "p256-int",
       "p256-root", kHost, Alert::bad_certificate},
      {"untrusted_root", cert_spec("ok-leaf", KeyKind::p256, "p256-int", {kHost}), "p256-int", "other-root", kHost,
       Alert::unknown_ca},
      {"intermediate_not_ca", cert_spec("under-nonca-leaf", KeyKind::p256, "nonca-int", {kHost}), "nonca-int",
       "p256-root", kHost, Alert::bad_certificate},
  };
  for (Case& c : cases) {
    SCOPED_TRACE(c.name);
    ASSERT_TRUE(pki.issue(c.leaf));
    PeerOptions o;
    o.kind = PeerKind::openssl;
    o.cert_file = pki.bundle_path(std::string(c.name) + "-chain", {c.leaf.name, c.intermediate});
    o.key_file = pki.key_path(c.leaf.name);
    o.www = true;
    PeerServer server(o);
    ASSERT_TRUE(server.start()) << server.output();
    TrustStore trust;
    std::string pem = pki.cert_pem(c.trusted_root);
    ASSERT_TRUE(trust.add_pem(pem.data(), pem.size()).is_ok());
    ClientConfig cfg;
    cfg.trust = &trust;
    Exchange ex = run_exchange(cfg, c.host, server.port(), kRequest, "</html>");
    EXPECT_FALSE(ex.status.is_ok());
    EXPECT_EQ(ex.status.origin(), ErrorOrigin::local);
    EXPECT_EQ(alert_name(ex.status.alert()), std::string(alert_name(c.alert))) << ex.status.what();
    EXPECT_EQ(ex.final_state, Client::State::failed);
    EXPECT_GT(std::string(ex.status.what()).size(), 5u);
  }
}

}  // namespace
}  // namespace mactls::test
