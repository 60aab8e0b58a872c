// The verification caches (issue 14) on the TLS 1.2 path: the 1.2
// Certificate goes through the same validation as the 1.3 one
// (Client::Impl::verify_server_certificates), against the scripted TLS 1.2
// server (Ed25519 leaf under a P-256 intermediate and root). A repeated
// chain skips every chain signature; the host name, the validity at the
// current time and the ServerKeyExchange signature are always checked;
// nothing enters the caches from a failed handshake. Assertions are on
// counters, never on times.
#include <gtest/gtest.h>

#include <ctime>
#include <string>

#include "mactls/client.h"
#include "mactls/verify_cache.h"
#include "support/scripted_server.h"
#include "support/scripted_server12.h"
#include "support/scripted_server_test.h"

namespace mactls::test {
namespace {

const char* kHost = ScriptedServerTest::kServerHost;

class VerifyCache12 : public ScriptedServerTest {
 protected:
  void SetUp() override {
    ScriptedServerTest::SetUp();
    cfg_.tickets = nullptr;  // every connection is a full handshake
    cfg_.verify_cache = &cache_;
    cfg_.max_version = 0x0303;
  }

  // One TLS 1.2 connection to `host`; the client's status.
  Status connect(ConnectionInfo* info, ServerScript12 script = ServerScript12(), const std::string& host = kHost,
                 std::string* received = nullptr) {
    ScriptedServer12 server(*id_, std::move(script));
    Client client(cfg_, host, 443);
    LoopbackResult r = run_loopback(client, server, 0, "ping");
    *info = client.info();
    if (received) *received = server.received();
    return r.client_status;
  }

  VerifyCache cache_;
};

TEST_F(VerifyCache12, SecondFullHandshakeTakesTheChainFromTheCache) {
  ConnectionInfo first, second;
  Status s = connect(&first);
  ASSERT_TRUE(s.is_ok()) << s.what();
  EXPECT_EQ(first.version, 0x0303);
  EXPECT_FALSE(first.chain_cache_hit);
  EXPECT_EQ(first.cert_signature_checks, 2u) << "leaf by intermediate, intermediate by root";
  EXPECT_EQ(first.cert_signatures_cached, 0u);
  VerifyCache::Stats st = cache_.stats();
  EXPECT_EQ(st.chain_entries, 1u);
  EXPECT_EQ(st.signature_entries, 2u);

  std::string received;
  s = connect(&second, ServerScript12(), kHost, &received);
  ASSERT_TRUE(s.is_ok()) << s.what();
  EXPECT_EQ(second.version, 0x0303);
  EXPECT_FALSE(second.resumed);
  EXPECT_TRUE(second.chain_cache_hit);
  EXPECT_EQ(second.cert_signature_checks, 0u);
  EXPECT_EQ(second.cert_path_candidates, 0u);
  EXPECT_EQ(second.signature_scheme, 0x0807) << "the ServerKeyExchange signature is always verified";
  EXPECT_EQ(second.peer_identity, first.peer_identity);
  EXPECT_EQ(second.peer_chain, first.peer_chain);
  EXPECT_NE(second.cert_not_after_s, 0);
  EXPECT_EQ(received, "ping");
  EXPECT_EQ(cache_.stats().chain_hits, 1u);
}

TEST_F(VerifyCache12, ATls13HandshakeWarmsTheCacheForTls12AndBack) {
  // One code path: what a 1.3 Certificate taught serves the 1.2 one.
  cfg_.max_version = 0x0304;
  ConnectionInfo info;
  {
    ScriptedServer server13(*id_, ServerScript(), &book_);
    Client client(cfg_, kHost, 443);
    LoopbackResult r = run_loopback(client, server13, 0, "ping");
    ASSERT_TRUE(r.client_status.is_ok()) << r.client_status.what();
    EXPECT_EQ(client.info().version, 0x0304);
    EXPECT_FALSE(client.info().chain_cache_hit);
  }
  Status s = connect(&info);
  ASSERT_TRUE(s.is_ok()) << s.what();
  EXPECT_EQ(info.version, 0x0303);
  EXPECT_TRUE(info.chain_cache_hit);
  EXPECT_EQ(info.cert_signature_checks, 0u);
  EXPECT_EQ(cache_.stats().chain_hits, 1u);
}

TEST_F(VerifyCache12, NoCacheConfiguredMeansFullVerificationEveryTime) {
  cfg_.verify_cache = nullptr;
  for (int i = 0; i < 2; ++i) {
    ConnectionInfo info;
    ASSERT_TRUE(connect(&info).is_ok());
    EXPECT_FALSE(info.chain_cache_hit);
    EXPECT_EQ(info.cert_signature_checks, 2u);
    EXPECT_EQ(info.cert_signatures_cached, 0u);
  }
  EXPECT_EQ(cache_.stats().chain_entries, 0u);
}

TEST_F(VerifyCache12, ABadServerKeyExchangeSignatureLeavesNoEntry) {
  ServerScript12 bad;
  bad.bad_ske_signature = true;
  ConnectionInfo info;
  Status s = connect(&info, bad);
  EXPECT_EQ(s.alert(), Alert::decrypt_error) << s.what();
  EXPECT_EQ(info.cert_signature_checks, 2u);
  EXPECT_TRUE(info.peer_identity.empty()) << "no identity before the server proved its key";
  VerifyCache::Stats st = cache_.stats();
  EXPECT_EQ(st.chain_entries, 0u);
  EXPECT_EQ(st.signature_entries, 0u);
  EXPECT_EQ(st.bytes, 0u);

  ASSERT_TRUE(connect(&info).is_ok());
  EXPECT_FALSE(info.chain_cache_hit);
  EXPECT_EQ(info.cert_signature_checks, 2u) << "nothing was remembered from the failed handshake";
}

TEST_F(VerifyCache12, ABadServerFinishedLeavesNoEntry) {
  // The ServerKeyExchange verified, but the handshake failed after it.
  ServerScript12 bad;
  bad.bad_finished = true;
  ConnectionInfo info;
  Status s = connect(&info, bad);
  EXPECT_EQ(s.alert(), Alert::decrypt_error) << s.what();
  EXPECT_EQ(cache_.stats().chain_entries, 0u);
  EXPECT_EQ(cache_.stats().signature_entries, 0u);
  ASSERT_TRUE(connect(&info).is_ok());
  EXPECT_FALSE(info.chain_cache_hit);
  EXPECT_EQ(info.cert_signature_checks, 2u);
}

TEST_F(VerifyCache12, OnACachedChainTheServerKeyExchangeSignatureIsStillChecked) {
  ConnectionInfo info;
  ASSERT_TRUE(connect(&info).is_ok());
  ServerScript12 bad;
  bad.bad_ske_signature = true;
  Status s = connect(&info, bad);
  EXPECT_EQ(s.alert(), Alert::decrypt_error) << s.what();
  EXPECT_TRUE(info.chain_cache_hit);
  EXPECT_EQ(info.cert_signature_checks, 0u);
}

TEST_F(VerifyCache12, ACachedChainPresentedForAnotherHostIsRefused) {
  ConnectionInfo info;
  ASSERT_TRUE(connect(&info).is_ok());
  Status s = connect(&info, ServerScript12(), "other.test");
  EXPECT_EQ(s.alert(), Alert::bad_certificate) << s.what();
  EXPECT_EQ(info.cert_signature_checks, 0u) << "the chain came from the cache; the host check still ran";
  EXPECT_EQ(cache_.stats().chain_hits, 1u);
}

TEST_F(VerifyCache12, ACachedChainIsCheckedAgainstTheCurrentTime) {
  ConnectionInfo info;
  ASSERT_TRUE(connect(&info).is_ok());
  // The fixture's leaf is valid for a year: two years on, it has expired.
  clock_.set_unix_seconds(int64_t(time(nullptr)) + 2 * 365 * 86400);
  Status s = connect(&info);
  EXPECT_EQ(s.alert(), Alert::certificate_expired) << s.what();
  EXPECT_EQ(info.cert_signature_checks, 0u) << "refused on the cached path, by the certificates' own dates";
  EXPECT_EQ(cache_.stats().chain_hits, 1u);
}

}  // namespace
}  // namespace mactls::test
