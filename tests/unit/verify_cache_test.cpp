// The verification caches (issue 14): the verified-chain cache and the
// issuer-signature cache, through the engine against the scripted server
// (Ed25519 leaf under a P-256 intermediate and root, made at test time),
// and directly for bounds, eviction and concurrent use. Every assertion is
// on counters (signatures checked, taken from the cache, cache stats),
// never on times.
#include <gtest/gtest.h>

#include <cstring>
#include <ctime>
#include <memory>
#include <thread>
#include <vector>

#include "mactls/client.h"
#include "mactls/trust.h"
#include "mactls/verify_cache.h"
#include "support/pki.h"
#include "support/scripted_server.h"
#include "support/scripted_server_test.h"
#include "x509/verify_cache.h"

namespace mactls::test {
namespace {

const char* kHost = ScriptedServerTest::kServerHost;

class VerifyCacheEngine : public ScriptedServerTest {
 protected:
  void SetUp() override {
    ScriptedServerTest::SetUp();
    cfg_.tickets = nullptr;  // every connection is a full handshake
    cfg_.verify_cache = &cache_;
  }

  // One connection to `host` against `id` (the fixture's server by default).
  Status connect(ConnectionInfo* info, const std::string& host = kHost, const ServerIdentity* id = nullptr,
                 ServerScript script = ServerScript()) {
    ScriptedServer server(id ? *id : *id_, std::move(script), &book_);
    Client client(cfg_, host, 443);
    LoopbackResult r = run_loopback(client, server, 0, "ping");
    *info = client.info();
    return r.client_status;
  }

  VerifyCache cache_;
};

TEST_F(VerifyCacheEngine, SecondFullHandshakeTakesTheChainFromTheCache) {
  ConnectionInfo first, second;
  ASSERT_TRUE(connect(&first).is_ok());
  EXPECT_FALSE(first.chain_cache_hit);
  EXPECT_EQ(first.cert_signature_checks, 2u) << "leaf by intermediate, intermediate by root";
  EXPECT_EQ(first.cert_signatures_cached, 0u);
  VerifyCache::Stats st = cache_.stats();
  EXPECT_EQ(st.chain_entries, 1u);
  EXPECT_EQ(st.signature_entries, 2u);

  Status s = connect(&second);
  ASSERT_TRUE(s.is_ok()) << s.what();
  EXPECT_TRUE(second.chain_cache_hit);
  EXPECT_EQ(second.cert_signature_checks, 0u);
  EXPECT_EQ(second.cert_path_candidates, 0u);
  EXPECT_EQ(second.signature_scheme, 0x0807) << "CertificateVerify is always verified";
  EXPECT_EQ(second.peer_identity, first.peer_identity);
  EXPECT_EQ(second.peer_chain, first.peer_chain);
  EXPECT_EQ(cache_.stats().chain_hits, 1u);
}

TEST_F(VerifyCacheEngine, NoCacheConfiguredMeansFullVerificationEveryTime) {
  cfg_.verify_cache = nullptr;
  for (int i = 0; i < 2; ++i) {
    ConnectionInfo info;
    ASSERT_TRUE(connect(&info).is_ok());
    EXPECT_FALSE(info.chain_cache_hit);
    EXPECT_EQ(info.cert_signature_checks, 2u);
    EXPECT_EQ(info.cert_signatures_cached, 0u);
  }
  EXPECT_EQ(cache_.stats().chain_entries, 0u);
  EXPECT_EQ(cache_.stats().chain_misses, 0u);
}

TEST_F(VerifyCacheEngine, ACachedChainPresentedForAnotherHostIsRefused) {
  ConnectionInfo info;
  ASSERT_TRUE(connect(&info).is_ok());
  Status s = connect(&info, "other.test");
  EXPECT_EQ(s.alert(), Alert::bad_certificate) << s.what();
  EXPECT_EQ(info.cert_signature_checks, 0u) << "the chain came from the cache; the host check still ran";
  EXPECT_EQ(cache_.stats().chain_hits, 1u);
}

TEST_F(VerifyCacheEngine, AnExpiredLeafOnACachedPathIsCertificateExpired) {
  // A leaf valid for 10 more days under the fixture's intermediate (365).
  ASSERT_TRUE(run_command("cp '" + pki_->key_path("scripted-leaf") + "' '" + pki_->key_path("vc-short-leaf") + "'",
                          nullptr) == 0);
  CertSpec leaf = cert_spec("vc-short-leaf", KeyKind::ed25519, "scripted-int", {kHost});
  leaf.not_after_days = 10;
  ASSERT_TRUE(pki_->issue(leaf));
  ServerIdentity shortlived = *id_;
  shortlived.chain_der = {pki_->cert_der("vc-short-leaf"), pki_->cert_der("scripted-int")};
  ConnectionInfo info;
  ASSERT_TRUE(connect(&info, kHost, &shortlived).is_ok());
  ASSERT_TRUE(connect(&info, kHost, &shortlived).is_ok());
  EXPECT_TRUE(info.chain_cache_hit);
  clock_.set_unix_seconds(int64_t(time(nullptr)) + 20 * 86400);
  Status s = connect(&info, kHost, &shortlived);
  EXPECT_EQ(s.alert(), Alert::certificate_expired) << s.what();
  EXPECT_EQ(info.cert_signature_checks, 0u) << "refused on the cached path, by the leaf's own dates";
  EXPECT_EQ(cache_.stats().chain_hits, 2u);
}

TEST_F(VerifyCacheEngine, ADifferentCertificateByteIsAMissAndFullyVerified) {
  ConnectionInfo info;
  ASSERT_TRUE(connect(&info).is_ok());
  ServerScript script;
  // The last byte of the leaf (in its signature): header 4, context 1,
  // list length 3, certificate length 3, then the leaf's DER.
  script.tamper_message = [](Bytes& m) {
    if (!m.empty() && m[0] == 11 && m.size() > 11) {
      size_t len = (size_t(m[8]) << 16) | (size_t(m[9]) << 8) | m[10];
      m[11 + len - 1] ^= 1;
    }
    return true;
  };
  Status s = connect(&info, kHost, nullptr, script);
  EXPECT_EQ(s.alert(), Alert::bad_certificate) << s.what();
  EXPECT_FALSE(info.chain_cache_hit);
  EXPECT_EQ(info.cert_signature_checks, 1u) << "the altered leaf signature is checked, and fails";
  EXPECT_EQ(cache_.stats().chain_misses, 2u);
}

TEST_F(VerifyCacheEngine, AnotherTrustStoreIsAMiss) {
  ConnectionInfo info;
  ASSERT_TRUE(connect(&info).is_ok());
  // The same root plus one more anchor: another TrustStore::id.
  TrustStore more;
  ASSERT_TRUE(more.add_pem(id_->root_pem.data(), id_->root_pem.size()).is_ok());
  Bytes other = pki_->cert_der("scripted-int");
  ASSERT_TRUE(more.add_der(other.data(), other.size()).is_ok());
  cfg_.trust = &more;
  Status s = connect(&info);
  ASSERT_TRUE(s.is_ok()) << s.what();
  EXPECT_FALSE(info.chain_cache_hit);
  EXPECT_EQ(cache_.stats().chain_misses, 2u);

  // A store without the root: the cached entry does not vouch for anything.
  ASSERT_TRUE(pki_->issue(cert_spec("vc-other-root", KeyKind::p256, "", {}, true)));
  TrustStore stranger;
  std::string pem = pki_->cert_pem("vc-other-root");
  ASSERT_TRUE(stranger.add_pem(pem.data(), pem.size()).is_ok());
  cfg_.trust = &stranger;
  s = connect(&info);
  EXPECT_EQ(s.alert(), Alert::unknown_ca) << s.what();
  EXPECT_FALSE(info.chain_cache_hit);
}

TEST_F(VerifyCacheEngine, AChangedVerificationSettingIsAMiss) {
  ConnectionInfo info;
  ASSERT_TRUE(connect(&info).is_ok());
  cfg_.limits.max_signature_checks = 7;
  ASSERT_TRUE(connect(&info).is_ok());
  EXPECT_FALSE(info.chain_cache_hit);
  EXPECT_EQ(info.cert_signatures_cached, 2u) << "the issuer-signature cache still serves the path search";
  EXPECT_EQ(info.cert_signature_checks, 0u);
  cfg_.limits.min_rsa_bits = 1024;
  ASSERT_TRUE(connect(&info).is_ok());
  EXPECT_FALSE(info.chain_cache_hit);
  EXPECT_EQ(cache_.stats().chain_misses, 3u);
  EXPECT_EQ(cache_.stats().chain_entries, 3u);
}

TEST_F(VerifyCacheEngine, AFailedHandshakeLeavesNoEntry) {
  ServerScript bad;
  bad.tamper_message = [](Bytes& m) {
    if (!m.empty() && m[0] == 15) m.back() ^= 1;  // CertificateVerify signature
    return true;
  };
  ConnectionInfo info;
  Status s = connect(&info, kHost, nullptr, bad);
  EXPECT_EQ(s.alert(), Alert::decrypt_error) << s.what();
  EXPECT_EQ(info.cert_signature_checks, 2u);
  VerifyCache::Stats st = cache_.stats();
  EXPECT_EQ(st.chain_entries, 0u);
  EXPECT_EQ(st.signature_entries, 0u);
  EXPECT_EQ(st.bytes, 0u);

  ASSERT_TRUE(connect(&info).is_ok());
  EXPECT_FALSE(info.chain_cache_hit);
  EXPECT_EQ(info.cert_signature_checks, 2u) << "nothing was remembered from the failed handshake";
}

TEST_F(VerifyCacheEngine, ANewHostUnderAKnownIntermediateTakesItsSignatureFromTheCache) {
  ConnectionInfo info;
  ASSERT_TRUE(connect(&info).is_ok());
  // Another leaf for another host under the same intermediate, same key.
  ASSERT_TRUE(run_command("cp '" + pki_->key_path("scripted-leaf") + "' '" + pki_->key_path("vc-b-leaf") + "'",
                          nullptr) == 0);
  ASSERT_TRUE(pki_->issue(cert_spec("vc-b-leaf", KeyKind::ed25519, "scripted-int", {"b.test"})));
  ServerIdentity b = *id_;
  b.host = "b.test";
  b.chain_der = {pki_->cert_der("vc-b-leaf"), pki_->cert_der("scripted-int")};
  Status s = connect(&info, "b.test", &b);
  ASSERT_TRUE(s.is_ok()) << s.what();
  EXPECT_FALSE(info.chain_cache_hit);
  EXPECT_EQ(info.cert_signature_checks, 1u) << "the new leaf's signature only";
  EXPECT_EQ(info.cert_signatures_cached, 1u) << "intermediate -> root from the cache";
}

TEST_F(VerifyCacheEngine, AServerThatSwapsItsIntermediateIsFullyValidated) {
  ConnectionInfo first;
  ASSERT_TRUE(connect(&first).is_ok());
  // The same leaf key under another intermediate of the same root, which
  // expires in 30 days.
  CertSpec in = cert_spec("vc-swap-int", KeyKind::p256, "scripted-root", {}, true);
  in.not_after_days = 30;
  ASSERT_TRUE(pki_->issue(in));
  ASSERT_TRUE(run_command("cp '" + pki_->key_path("scripted-leaf") + "' '" + pki_->key_path("vc-swap-leaf") + "'",
                          nullptr) == 0);
  ASSERT_TRUE(pki_->issue(cert_spec("vc-swap-leaf", KeyKind::ed25519, "vc-swap-int", {kHost})));
  ServerIdentity swapped = *id_;
  swapped.chain_der = {pki_->cert_der("vc-swap-leaf"), pki_->cert_der("vc-swap-int")};
  ConnectionInfo info;
  Status s = connect(&info, kHost, &swapped);
  ASSERT_TRUE(s.is_ok()) << s.what();
  EXPECT_FALSE(info.chain_cache_hit);
  EXPECT_EQ(info.cert_signature_checks, 2u);
  EXPECT_NE(info.peer_chain, first.peer_chain);
  // Cached now; 60 days on, its intermediate has expired: the hit is not
  // served and the full search reports it.
  ASSERT_TRUE(connect(&info, kHost, &swapped).is_ok());
  EXPECT_TRUE(info.chain_cache_hit);
  clock_.set_unix_seconds(int64_t(time(nullptr)) + 60 * 86400);
  s = connect(&info, kHost, &swapped);
  EXPECT_EQ(s.alert(), Alert::certificate_expired) << s.what();
  EXPECT_FALSE(info.chain_cache_hit);
  // The original chain is still good then, and still cached.
  ASSERT_TRUE(connect(&info).is_ok());
  EXPECT_TRUE(info.chain_cache_hit);

  // Swapped for an intermediate under a root this client does not trust.
  ASSERT_TRUE(pki_->make_chain("vc-rogue", KeyKind::p256, KeyKind::p256, kHost));
  ASSERT_TRUE(run_command("cp '" + pki_->key_path("scripted-leaf") + "' '" + pki_->key_path("vc-rogue-leaf2") + "'",
                          nullptr) == 0);
  ASSERT_TRUE(pki_->issue(cert_spec("vc-rogue-leaf2", KeyKind::ed25519, "vc-rogue-int", {kHost})));
  ServerIdentity rogue = *id_;
  rogue.chain_der = {pki_->cert_der("vc-rogue-leaf2"), pki_->cert_der("vc-rogue-int")};
  s = connect(&info, kHost, &rogue);
  EXPECT_EQ(s.alert(), Alert::unknown_ca) << s.what();
  EXPECT_FALSE(info.chain_cache_hit);
}

TEST_F(VerifyCacheEngine, ClearDropsEverything) {
  ConnectionInfo info;
  ASSERT_TRUE(connect(&info).is_ok());
  cache_.clear();
  VerifyCache::Stats st = cache_.stats();
  EXPECT_EQ(st.chain_entries + st.signature_entries + st.bytes, 0u);
  ASSERT_TRUE(connect(&info).is_ok());
  EXPECT_FALSE(info.chain_cache_hit);
  EXPECT_EQ(info.cert_signature_checks, 2u);
}

TEST_F(VerifyCacheEngine, ConnectionsOnSeveralThreadsShareOneCache) {
  constexpr int kThreads = 4, kEach = 4;
  std::vector<int> hits(kThreads, 0), failures(kThreads, 0);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t)
    threads.emplace_back([&, t] {
      ServerTicketBook book;
      for (int i = 0; i < kEach; ++i) {
        ScriptedServer server(*id_, ServerScript(), &book);
        Client client(cfg_, kHost, 443);
        LoopbackResult r = run_loopback(client, server, 0, "ping");
        if (!r.client_status.is_ok()) ++failures[t];
        if (client.info().chain_cache_hit) ++hits[t];
      }
    });
  for (auto& th : threads) th.join();
  int total_hits = 0;
  for (int t = 0; t < kThreads; ++t) {
    EXPECT_EQ(failures[t], 0);
    total_hits += hits[t];
  }
  VerifyCache::Stats st = cache_.stats();
  EXPECT_EQ(st.chain_entries, 1u);
  EXPECT_EQ(st.chain_hits + st.chain_misses, uint64_t(kThreads * kEach));
  EXPECT_EQ(uint64_t(total_hits), st.chain_hits);
  EXPECT_GE(total_hits, kThreads * kEach - kThreads) << "at most one miss per thread before the first commit";
}

// ---------------------------------------------------------------- the cache alone

CacheDigest digest(uint8_t tag) {
  CacheDigest d{};
  d[0] = tag;
  return d;
}

void commit_chain(VerifyCache& c, uint8_t tag, size_t summary_bytes = 10) {
  PendingVerifyCache p;
  p.have_chain = true;
  p.chain_key = digest(tag);
  p.chain.path = {0, 1};
  p.chain.not_before = {1, 2};
  p.chain.not_after = {3, 4};
  p.chain.leaf_summary = std::string(summary_bytes, char('a' + tag % 26));
  p.commit(&c);
}

TEST(VerifyCacheBounds, ChainsAreEvictedLeastRecentlyUsedFirst) {
  VerifyCache::Limits lim;
  lim.max_chains = 2;
  VerifyCache c(lim);
  commit_chain(c, 1);
  commit_chain(c, 2);
  CachedChain got;
  ASSERT_TRUE(find_chain(c, digest(1), &got));  // 1 is now the most recently used
  EXPECT_EQ(got.leaf_summary, std::string(10, 'b'));
  commit_chain(c, 3);
  EXPECT_TRUE(find_chain(c, digest(1), &got));
  EXPECT_FALSE(find_chain(c, digest(2), &got)) << "2 was the least recently used";
  EXPECT_TRUE(find_chain(c, digest(3), &got));
  VerifyCache::Stats st = c.stats();
  EXPECT_EQ(st.chain_entries, 2u);
  EXPECT_EQ(st.evictions, 1u);
}

TEST(VerifyCacheBounds, SignaturesAreEvictedLeastRecentlyUsedFirst) {
  VerifyCache::Limits lim;
  lim.max_signatures = 3;
  VerifyCache c(lim);
  PendingVerifyCache p;
  p.signatures = {digest(1), digest(2), digest(3)};
  p.commit(&c);
  EXPECT_TRUE(signature_cached(c, digest(1)));
  p.signatures = {digest(4)};
  p.commit(&c);
  EXPECT_TRUE(signature_cached(c, digest(1)));
  EXPECT_FALSE(signature_cached(c, digest(2)));
  EXPECT_TRUE(signature_cached(c, digest(3)));
  EXPECT_TRUE(signature_cached(c, digest(4)));
  EXPECT_EQ(c.stats().signature_entries, 3u);
  EXPECT_EQ(c.stats().signature_hits, 4u);
}

TEST(VerifyCacheBounds, TheByteBoundHoldsAndAnOversizedChainIsNotKept) {
  VerifyCache::Limits lim;
  lim.max_bytes = 2000;
  VerifyCache c(lim);
  for (uint8_t i = 0; i < 20; ++i) {
    commit_chain(c, i, 300);
    EXPECT_LE(c.stats().bytes, lim.max_bytes);
  }
  EXPECT_LT(c.stats().chain_entries, 20u);
  CachedChain got;
  EXPECT_TRUE(find_chain(c, digest(19), &got)) << "the newest is kept";
  commit_chain(c, 100, 1500);  // more than half the bound
  EXPECT_FALSE(find_chain(c, digest(100), &got));
  c.clear();
  EXPECT_EQ(c.stats().bytes, 0u);
  EXPECT_EQ(c.stats().chain_entries, 0u);
}

TEST(VerifyCacheBounds, ZeroChainsTurnsTheChainCacheOff) {
  VerifyCache::Limits lim;
  lim.max_chains = 0;
  VerifyCache c(lim);
  commit_chain(c, 1);
  CachedChain got;
  EXPECT_FALSE(find_chain(c, digest(1), &got));
}

TEST(VerifyCacheBounds, ConcurrentInsertsLookupsAndClearsStayConsistent) {
  VerifyCache::Limits lim;
  lim.max_chains = 8;
  lim.max_signatures = 16;
  VerifyCache c(lim);
  std::vector<std::thread> threads;
  std::vector<int> wrong(4, 0);
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&, t] {
      for (int i = 0; i < 500; ++i) {
        uint8_t tag = uint8_t((t * 7 + i) % 40);
        commit_chain(c, tag);
        PendingVerifyCache p;
        p.signatures = {digest(tag)};
        p.commit(&c);
        CachedChain got;
        if (find_chain(c, digest(tag), &got) && got.leaf_summary != std::string(10, char('a' + tag % 26))) ++wrong[t];
        (void)signature_cached(c, digest(uint8_t(tag + 1)));
        if (i % 100 == 99) c.clear();
      }
    });
  for (auto& th : threads) th.join();
  for (int w : wrong) EXPECT_EQ(w, 0);
  VerifyCache::Stats st = c.stats();
  EXPECT_LE(st.chain_entries, lim.max_chains);
  EXPECT_LE(st.signature_entries, lim.max_signatures);
}

}  // namespace
}  // namespace mactls::test
