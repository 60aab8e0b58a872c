// Live verification cache: against openssl s_server and gnutls-serv with
// resumption off, the second full handshake takes the chain from the cache
// (no chain signature checked) and still verifies CertificateVerify (TLS
// 1.3) or the ServerKeyExchange signature (TLS 1.2, the server limited to
// it), which the real server signed afresh for this connection.
#include <gtest/gtest.h>

#include <string>

#include "mactls/client.h"
#include "mactls/trust.h"
#include "mactls/verify_cache.h"
#include "support/peer_server.h"
#include "support/pki.h"
#include "support/tls_driver.h"

namespace mactls::test {
namespace {

const char* kHost = "localhost";
const char* kRequest = "GET / HTTP/1.0\r\n\r\n";

class VerifyCacheLive : public ::testing::TestWithParam<PeerKind> {};

void second_full_handshake_hits(PeerKind kind, bool tls12) {
  Pki pki;
  ASSERT_TRUE(pki.make_chain("vc", KeyKind::p256, KeyKind::p256, kHost));
  TrustStore trust;
  std::string pem = pki.cert_pem("vc-root");
  ASSERT_TRUE(trust.add_pem(pem.data(), pem.size()).is_ok());
  VerifyCache cache;
  ClientConfig cfg;
  cfg.trust = &trust;
  cfg.verify_cache = &cache;  // and no ticket store: every handshake is full
  PeerOptions o;
  o.kind = kind;
  o.tls12 = tls12;
  o.cert_file = pki.chain_path("vc");
  o.key_file = pki.key_path("vc-leaf");
  o.www = true;
  PeerServer server(o);
  ASSERT_TRUE(server.start()) << server.output();

  Exchange first = run_exchange(cfg, kHost, server.port(), kRequest, "</html>");
  ASSERT_TRUE(first.status.is_ok()) << first.status.what() << "\n" << server.output();
  EXPECT_EQ(first.info.version, tls12 ? 0x0303 : 0x0304);
  EXPECT_FALSE(first.info.chain_cache_hit);
  EXPECT_EQ(first.info.cert_signature_checks, 2u);

  Exchange second = run_exchange(cfg, kHost, server.port(), kRequest, "</html>");
  ASSERT_TRUE(second.status.is_ok()) << second.status.what() << "\n" << server.output();
  EXPECT_EQ(second.info.version, tls12 ? 0x0303 : 0x0304);
  EXPECT_FALSE(second.info.resumed);
  EXPECT_TRUE(second.info.chain_cache_hit);
  EXPECT_EQ(second.info.cert_signature_checks, 0u);
  EXPECT_NE(second.info.signature_scheme, 0) << "CertificateVerify / ServerKeyExchange verified";
  EXPECT_EQ(second.info.peer_chain, first.info.peer_chain);
  EXPECT_EQ(second.response.rfind("HTTP/1.0 200", 0), 0u) << second.response;
  EXPECT_EQ(cache.stats().chain_hits, 1u);
  if (tls12) {  // and the server says it spoke TLS 1.2
    EXPECT_NE(second.response.find(kind == PeerKind::openssl ? "TLSv1.2" : "TLS1.2"), std::string::npos)
        << second.response;
  }
}

TEST_P(VerifyCacheLive, SecondFullHandshakeTakesTheChainFromTheCache) {
  second_full_handshake_hits(GetParam(), false);
}

TEST_P(VerifyCacheLive, SecondFullTls12HandshakeTakesTheChainFromTheCache) {
  second_full_handshake_hits(GetParam(), true);
}

INSTANTIATE_TEST_SUITE_P(Peers, VerifyCacheLive, ::testing::Values(PeerKind::openssl, PeerKind::gnutls),
                         [](const ::testing::TestParamInfo<PeerKind>& i) {
                           return std::string(i.param == PeerKind::openssl ? "openssl" : "gnutls");
                         });

}  // namespace
}  // namespace mactls::test
