// The ticket store as a browser uses it: TLS 1.2 sessions beside TLS 1.3
// tickets (one per key, reusable, replaced by a newer one; RFC 5246 §7.3,
// §7.4.1.2), per-kind statistics, clearing (everything, one partition, one
// host), the authentication and certificate bounds for both kinds, and the
// one authentication bound the engine records in each ticket. The persisted
// form is tested in ticket_store_blob_test.cpp. Times are explicit.
#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "common/bytes.h"
#include "mactls/ticket_store.h"

namespace mactls {
namespace {

constexpr int64_t kNow = 1700000000000;  // ms
constexpr int64_t kNowS = kNow / 1000;

TicketKey key(const std::string& name = "example.com", uint16_t port = 443, const std::string& partition = "") {
  TicketKey k;
  k.server_name = name;
  k.port = port;
  k.partition = partition;
  for (size_t i = 0; i < k.context.size(); ++i) k.context[i] = uint8_t(0x40 + i);
  return k;
}

Ticket tls13(uint8_t id, uint32_t lifetime_s = 3600) {
  Ticket t;
  t.identity = {0x13, id};
  for (size_t i = 0; i < 32; ++i) t.psk[i] = uint8_t(id + i + 1);
  t.psk_len = 32;
  t.cipher_suite = 0x1301;
  t.lifetime_s = lifetime_s;
  t.received_unix_ms = kNow;
  t.auth_unix_s = kNowS;
  return t;
}

Ticket tls12(uint8_t id, uint32_t lifetime_s = 3600) {
  Ticket t;
  t.version = 0x0303;
  t.session_id = Bytes(32, id);
  for (size_t i = 0; i < 48; ++i) t.psk[i] = uint8_t(0x80 + id + i);
  t.psk_len = 48;
  t.extended_master_secret = true;
  t.cipher_suite = 0xc02f;
  t.lifetime_s = lifetime_s;
  t.received_unix_ms = kNow;
  t.auth_unix_s = kNowS;
  return t;
}

// ---------------------------------------------------------------- two kinds

TEST(TicketStoreKinds, Tls12SessionIsReusableAndStaysUntilItExpires) {
  MemoryTicketStore s;
  s.insert(key(), tls12(1, 60));
  for (int i = 0; i < 3; ++i) {
    Ticket t;
    ASSERT_TRUE(s.find_tls12(key(), kNow + 1000 * i, &t)) << i;
    EXPECT_EQ(t.session_id, Bytes(32, 1));
    EXPECT_EQ(t.psk_len, 48);
    EXPECT_EQ(t.psk[0], 0x81);
  }
  EXPECT_EQ(s.size(), 1u);
  Ticket t;
  EXPECT_FALSE(s.find_tls12(key(), kNow + 60 * 1000, &t)) << "lifetime over";
  EXPECT_EQ(s.size(), 0u);
  MemoryTicketStore::Stats st = s.stats();
  EXPECT_EQ(st.tls12.hits, 3u);
  EXPECT_EQ(st.tls12.misses, 1u);
  EXPECT_EQ(st.tls12.expired, 1u);
  EXPECT_EQ(st.tls12.taken, 0u);
}

TEST(TicketStoreKinds, ANewerTls12SessionReplacesTheOlder) {
  MemoryTicketStore s;
  s.insert(key(), tls12(1));
  s.insert(key(), tls12(2));
  EXPECT_EQ(s.size(), 1u);
  Ticket t;
  ASSERT_TRUE(s.find_tls12(key(), kNow, &t));
  EXPECT_EQ(t.session_id, Bytes(32, 2));
  EXPECT_EQ(s.stats().tls12.evicted, 1u);
}

TEST(TicketStoreKinds, EachKindIsOnlyHandedToTheCallThatAsksForIt) {
  MemoryTicketStore s;
  s.insert(key(), tls12(1));
  Ticket t;
  EXPECT_FALSE(s.take(key(), kNow, &t)) << "take() is TLS 1.3 only";
  s.insert(key(), tls13(2));
  s.insert(key(), tls13(3));
  EXPECT_EQ(s.size(), 3u);
  ASSERT_TRUE(s.take(key(), kNow, &t));
  EXPECT_EQ(t.identity, Bytes({0x13, 3}));
  ASSERT_TRUE(s.find_tls12(key(), kNow, &t));
  EXPECT_TRUE(t.is_tls12());
  ASSERT_TRUE(s.take(key(), kNow, &t));
  EXPECT_EQ(t.identity, Bytes({0x13, 2}));
  EXPECT_FALSE(s.take(key(), kNow, &t));
  ASSERT_TRUE(s.find_tls12(key(), kNow, &t)) << "the session outlives the tickets";
  MemoryTicketStore::Stats st = s.stats();
  EXPECT_EQ(st.tls13.inserted, 2u);
  EXPECT_EQ(st.tls13.taken, 2u);
  EXPECT_EQ(st.tls13.hits, 2u);
  EXPECT_EQ(st.tls13.misses, 2u);
  EXPECT_EQ(st.tls12.inserted, 1u);
  EXPECT_EQ(st.tls12.hits, 2u);
  EXPECT_EQ(st.tls12.entries, 1u);
  EXPECT_EQ(st.tls13.entries, 0u);
  EXPECT_EQ(st.entries, 1u);
  EXPECT_EQ(st.bytes, s.bytes());
  EXPECT_EQ(st.tls12.bytes, s.bytes());
  EXPECT_EQ(st.hits, 4u);
  EXPECT_EQ(st.misses, 2u);
}

TEST(TicketStoreKinds, ForgetDropsTheTls12SessionOnly) {
  MemoryTicketStore s;
  s.insert(key(), tls12(1));
  s.insert(key(), tls13(2));
  s.forget_tls12(key());
  Ticket t;
  EXPECT_FALSE(s.find_tls12(key(), kNow, &t));
  EXPECT_TRUE(s.take(key(), kNow, &t));
  EXPECT_EQ(s.stats().tls12.cleared, 1u);
}

TEST(TicketStoreKinds, MalformedEntriesOfEitherKindAreRejected) {
  MemoryTicketStore s;
  Ticket no_id = tls12(1);
  no_id.session_id.clear();  // neither a session ID nor a ticket
  s.insert(key(), std::move(no_id));
  Ticket bad_version = tls13(2);
  bad_version.version = 0x0302;
  s.insert(key(), std::move(bad_version));
  Ticket no_identity = tls13(3);
  no_identity.identity.clear();
  s.insert(key(), std::move(no_identity));
  EXPECT_EQ(s.size(), 0u);
  MemoryTicketStore::Stats st = s.stats();
  EXPECT_EQ(st.tls12.rejected, 1u);
  EXPECT_EQ(st.tls13.rejected, 2u);
  EXPECT_EQ(st.rejected, 3u);
}

TEST(TicketStoreKinds, Tls12SessionsCountTowardsTheKeyAndByteBounds) {
  MemoryTicketStore::Limits l;
  l.max_keys = 2;
  MemoryTicketStore s(l);
  s.insert(key("a.example"), tls12(1));
  s.insert(key("b.example"), tls13(2));
  s.insert(key("c.example"), tls12(3));  // a.example is least recently used
  Ticket t;
  EXPECT_FALSE(s.find_tls12(key("a.example"), kNow, &t));
  EXPECT_TRUE(s.find_tls12(key("c.example"), kNow, &t));
  EXPECT_EQ(s.stats().tls12.evicted, 1u);
}

// ---------------------------------------------------------------- bounds for both kinds

TEST(TicketStoreBounds, ACertificatePastItsNotAfterEndsBothKinds) {
  MemoryTicketStore s;
  Ticket a = tls13(1);
  a.cert_not_after_s = kNowS + 10;
  Ticket b = tls12(2);
  b.cert_not_after_s = kNowS + 10;
  s.insert(key(), std::move(a));
  s.insert(key(), std::move(b));
  Ticket t;
  EXPECT_TRUE(s.find_tls12(key(), kNow + 9 * 1000, &t)) << "a second before notAfter";
  EXPECT_FALSE(s.find_tls12(key(), kNow + 10 * 1000, &t)) << "from notAfter on, neither kind is offered";
  EXPECT_FALSE(s.take(key(), kNow + 10 * 1000, &t));
  EXPECT_EQ(s.stats().expired, 2u);
}

TEST(TicketStoreBounds, TheTicketsOwnAuthenticationBoundIsTheOneThatCounts) {
  // The engine records its Limits::max_auth_age_s in each ticket; the store
  // judges by it, for both kinds, with no second setting to keep in step.
  MemoryTicketStore s;
  Ticket a = tls13(1, 7 * 24 * 3600);
  a.max_auth_age_s = 60;
  Ticket b = tls12(2, 7 * 24 * 3600);
  b.max_auth_age_s = 60;
  s.insert(key(), std::move(a));
  s.insert(key(), std::move(b));
  Ticket t;
  EXPECT_TRUE(s.find_tls12(key(), kNow + 60 * 1000, &t));
  EXPECT_FALSE(s.find_tls12(key(), kNow + 61 * 1000, &t));
  EXPECT_FALSE(s.take(key(), kNow + 61 * 1000, &t));
}

TEST(TicketStoreBounds, AnUnrecordedBoundIsSevenDaysAndTheStoreCeilingCapsBoth) {
  Ticket t = tls13(1, 3600);
  t.received_unix_ms = kNow + 7LL * 24 * 3600 * 1000;  // fresh ticket on an old authentication
  EXPECT_FALSE(t.expired(kNow + 7LL * 24 * 3600 * 1000));
  EXPECT_TRUE(t.expired(kNow + (7LL * 24 * 3600 + 1) * 1000));
  t.max_auth_age_s = 30 * 24 * 3600;
  EXPECT_FALSE(t.expired(kNow + (7LL * 24 * 3600 + 1) * 1000));
  EXPECT_TRUE(t.expired_capped(kNow + 61 * 1000, 60));

  MemoryTicketStore::Limits l;
  l.max_auth_age_s = 60;
  MemoryTicketStore s(l);
  Ticket a = tls12(2);
  a.max_auth_age_s = 3600;
  s.insert(key(), std::move(a));
  Ticket out;
  EXPECT_FALSE(s.find_tls12(key(), kNow + 61 * 1000, &out));
}

TEST(TicketStoreBounds, ExtremeTimesNeitherOverflowNorResume) {
  // Times are plain integers a caller or a blob could set to anything; the
  // arithmetic must stay defined (UBSan found it did not, through the
  // loader) and the answer must be "expired" where it cannot be judged.
  Ticket t = tls13(1);
  t.received_unix_ms = INT64_MIN + 5;
  t.auth_unix_s = INT64_MIN + 7;
  EXPECT_TRUE(t.expired(kNow));
  EXPECT_TRUE(t.expired(INT64_MAX));
  EXPECT_EQ(t.obfuscated_age(kNow), uint32_t(uint64_t(kNow) - uint64_t(INT64_MIN + 5)) + t.age_add);
  Ticket future = tls13(2);
  future.received_unix_ms = INT64_MAX;
  future.auth_unix_s = INT64_MAX;
  EXPECT_EQ(future.obfuscated_age(kNow), future.age_add) << "a receipt in the future is age 0";
  EXPECT_FALSE(future.expired(kNow)) << "as for a clock stepped back (a blob cannot carry such times)";
}

// ---------------------------------------------------------------- clearing

class TicketStoreClear : public ::testing::Test {
 protected:
  void SetUp() override {
    for (const char* part : {"", "https://news.example", "https://shop.example"}) {
      s_.insert(key("example.com", 443, part), tls13(1));
      s_.insert(key("example.com", 8443, part), tls13(2));
      s_.insert(key("example.com", 443, part), tls12(3));
      s_.insert(key("cdn.example", 443, part), tls13(4));
    }
    ASSERT_EQ(s_.size(), 12u);
  }
  bool has13(const TicketKey& k) {
    Ticket t;
    if (!s_.take(k, kNow, &t)) return false;
    s_.insert(k, std::move(t));
    return true;
  }
  MemoryTicketStore s_;
};

TEST_F(TicketStoreClear, EverythingEmptiesTheStoreAndCountsWhatWasDropped) {
  s_.clear();
  EXPECT_EQ(s_.size(), 0u);
  EXPECT_EQ(s_.bytes(), 0u);
  MemoryTicketStore::Stats st = s_.stats();
  EXPECT_EQ(st.cleared, 12u);
  EXPECT_EQ(st.tls12.cleared, 3u);
  EXPECT_EQ(st.entries, 0u);
}

TEST_F(TicketStoreClear, OnePartitionLeavesTheOthers) {
  s_.clear_partition("https://news.example");
  EXPECT_EQ(s_.size(), 8u);
  EXPECT_FALSE(has13(key("example.com", 443, "https://news.example")));
  EXPECT_FALSE(has13(key("cdn.example", 443, "https://news.example")));
  Ticket t;
  EXPECT_FALSE(s_.find_tls12(key("example.com", 443, "https://news.example"), kNow, &t));
  EXPECT_TRUE(has13(key("example.com", 443, "https://shop.example")));
  EXPECT_TRUE(has13(key("example.com", 443, "")));
  s_.clear_partition("");
  EXPECT_EQ(s_.size(), 4u);
  EXPECT_TRUE(s_.find_tls12(key("example.com", 443, "https://shop.example"), kNow, &t));
}

TEST_F(TicketStoreClear, OneHostInEveryPartitionAndOnEveryPort) {
  s_.clear_host("example.com");
  EXPECT_EQ(s_.size(), 3u);
  for (const char* part : {"", "https://news.example", "https://shop.example"}) {
    EXPECT_FALSE(has13(key("example.com", 443, part)));
    EXPECT_FALSE(has13(key("example.com", 8443, part)));
    EXPECT_TRUE(has13(key("cdn.example", 443, part)));
  }
}

TEST_F(TicketStoreClear, OneHostOnOnePort) {
  s_.clear_host("example.com", 8443);
  EXPECT_EQ(s_.size(), 9u);
  for (const char* part : {"", "https://news.example", "https://shop.example"}) {
    EXPECT_TRUE(has13(key("example.com", 443, part)));
    EXPECT_FALSE(has13(key("example.com", 8443, part)));
  }
  s_.clear_host("nowhere.example");
  EXPECT_EQ(s_.size(), 9u);
}

TEST(TicketStorePartitions, KeysThatDifferOnlyInPartitionShareNothing) {
  MemoryTicketStore s;
  s.insert(key("example.com", 443, "https://a.example"), tls13(1));
  s.insert(key("example.com", 443, "https://a.example"), tls12(2));
  Ticket t;
  EXPECT_FALSE(s.take(key("example.com", 443, ""), kNow, &t));
  EXPECT_FALSE(s.take(key("example.com", 443, "https://b.example"), kNow, &t));
  EXPECT_FALSE(s.find_tls12(key("example.com", 443, "https://b.example"), kNow, &t));
  EXPECT_FALSE(s.find_tls12(key("example.com", 443, "https://a.example."), kNow, &t));
  EXPECT_TRUE(s.take(key("example.com", 443, "https://a.example"), kNow, &t));
}

}  // namespace
}  // namespace mactls
