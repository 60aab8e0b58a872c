// Tickets and where they are kept: Ticket (ages, expiry, copy/move/wipe),
// MemoryTicketStore (single use, newest first, per-key cap, LRU by key, the
// byte bound, expiry at take, key separation, threads), NullTicketStore and
// the RecordingTicketStore test double.
//
// Rules under test: RFC 8446 §4.6.1 (lifetime, ticket_age_add), §4.2.11.1
// (obfuscated_ticket_age = age in ms + ticket_age_add mod 2^32), Appendix
// C.4 (a ticket is used at most once); the rest is the contract in
// include/mactls/ticket_store.h. Times are explicit, never the wall clock.
#include <gtest/gtest.h>

#include <atomic>
#include <cstdint>
#include <cstring>
#include <set>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "mactls/ticket_store.h"
#include "support/recording_ticket_store.h"

namespace mactls {
namespace {

constexpr int64_t kNow = 1700000000000;  // ms; an arbitrary fixed instant
constexpr int64_t kNowS = kNow / 1000;

TicketKey make_key(const std::string& name = "example.com", uint16_t port = 443) {
  TicketKey k;
  k.server_name = name;
  k.port = port;
  for (size_t i = 0; i < k.context.size(); ++i) k.context[i] = uint8_t(0xc0 + i);
  return k;
}

// A ticket whose identity is the 4 bytes of `id` and whose PSK is 32 bytes
// derived from it, so that every field tells which ticket it is.
Ticket make_ticket(uint32_t id, uint32_t lifetime_s = 3600, int64_t received_ms = kNow) {
  Ticket t;
  t.identity = {uint8_t(id >> 24), uint8_t(id >> 16), uint8_t(id >> 8), uint8_t(id)};
  for (size_t i = 0; i < 32; ++i) t.psk[i] = uint8_t(id * 7 + i + 1);
  t.psk_len = 32;
  t.cipher_suite = 0x1301;
  t.lifetime_s = lifetime_s;
  t.age_add = 0x01020304u * id;
  t.received_unix_ms = received_ms;
  t.auth_unix_s = received_ms / 1000;
  t.peer_identity = "CN=example.com";
  t.alpn = "http/1.1";
  return t;
}

uint32_t id_of(const Ticket& t) {
  EXPECT_EQ(t.identity.size(), 4u);
  if (t.identity.size() != 4) return 0xffffffffu;
  return uint32_t(t.identity[0]) << 24 | uint32_t(t.identity[1]) << 16 | uint32_t(t.identity[2]) << 8 |
         t.identity[3];
}

// The id of the ticket take() returns, or -1 for none.
int64_t take_id(TicketStore& s, const TicketKey& k, int64_t now = kNow) {
  Ticket t;
  if (!s.take(k, now, &t)) return -1;
  return id_of(t);
}

bool psk_is_zero(const Ticket& t) {
  for (uint8_t b : t.psk)
    if (b != 0) return false;
  return true;
}

// ---------------------------------------------------------------- Ticket

TEST(Ticket, ObfuscatedAgeIsMillisecondsSinceReceiptPlusAgeAdd) {
  Ticket t = make_ticket(1);
  t.age_add = 0x10;
  EXPECT_EQ(t.obfuscated_age(kNow), 0x10u);
  EXPECT_EQ(t.obfuscated_age(kNow + 2500), 2500u + 0x10u);
  EXPECT_EQ(t.obfuscated_age(kNow + 604800000), 604800000u + 0x10u);
}

TEST(Ticket, ObfuscatedAgeWrapsModulo2To32) {
  // §4.2.11.1: "modulo 2^32".
  Ticket t = make_ticket(1);
  t.age_add = 0xfffffff0u;
  EXPECT_EQ(t.obfuscated_age(kNow + 0x0f), 0xffffffffu);
  EXPECT_EQ(t.obfuscated_age(kNow + 0x10), 0u);
  EXPECT_EQ(t.obfuscated_age(kNow + 0x20), 0x10u);
  t.age_add = 0xffffffffu;
  EXPECT_EQ(t.obfuscated_age(kNow + 1), 0u);
  // An age beyond 2^32 ms is reduced too.
  t.age_add = 1;
  EXPECT_EQ(t.obfuscated_age(kNow + (int64_t(1) << 32) + 5), 6u);
}

TEST(Ticket, ObfuscatedAgeTreatsAClockSteppedBackAsAgeZero) {
  Ticket t = make_ticket(1);
  t.age_add = 0xabcdef01u;
  EXPECT_EQ(t.obfuscated_age(kNow - 5000), 0xabcdef01u);
}

TEST(Ticket, ExpiresWhenTheLifetimeHasElapsed) {
  Ticket t = make_ticket(1, 30);
  EXPECT_FALSE(t.expired(kNow, 604800));
  EXPECT_FALSE(t.expired(kNow + 29999, 604800));
  EXPECT_TRUE(t.expired(kNow + 30000, 604800));
  EXPECT_TRUE(t.expired(kNow + 86400000, 604800));
}

TEST(Ticket, ExpiresWhenTheAuthenticationIsTooOld) {
  Ticket t = make_ticket(1, 3600);
  t.auth_unix_s = kNowS - 100;
  EXPECT_FALSE(t.expired(kNow, 100));
  EXPECT_TRUE(t.expired(kNow, 99));
  EXPECT_TRUE(t.expired(kNow + 1000, 100));
}

TEST(Ticket, ExpiresAtTheNotAfterOfTheCertificateItWasEarnedWith) {
  // RFC 8446 §4.6.1: a ticket is bounded by the certificate behind it; from
  // its notAfter on it is never offered, whatever its lifetime says.
  Ticket t = make_ticket(1, 7 * 86400);
  t.cert_not_after_s = kNowS + 3600;
  EXPECT_FALSE(t.expired(kNow, 604800));
  EXPECT_FALSE(t.expired(kNow + 3600 * 1000 - 1, 604800));
  EXPECT_TRUE(t.expired(kNow + 3600 * 1000, 604800)) << "at notAfter";
  EXPECT_TRUE(t.expired(kNow + 3600 * 1000 + 1, 604800));
  // A clock stepped back below the receipt time does not help either.
  t.cert_not_after_s = kNowS - 10;
  EXPECT_TRUE(t.expired(kNow - 5000, 604800));
  // Any value (say, read back from a corrupted persistent store) compares
  // without overflow.
  t.cert_not_after_s = INT64_MAX;
  EXPECT_FALSE(t.expired(kNow, 604800));
  t.cert_not_after_s = INT64_MIN;
  EXPECT_TRUE(t.expired(kNow, 604800));
  // 0 means unknown (a ticket from before the field existed): no bound.
  t.cert_not_after_s = 0;
  EXPECT_FALSE(t.expired(kNow + 3600 * 1000, 604800));
}

TEST(Ticket, CopiesAndMovesKeepTheCertificateBound) {
  Ticket t = make_ticket(1);
  t.cert_not_after_s = kNowS + 42;
  Ticket copy = t;
  EXPECT_EQ(copy.cert_not_after_s, kNowS + 42);
  Ticket moved = std::move(copy);
  EXPECT_EQ(moved.cert_not_after_s, kNowS + 42);
}

TEST(Ticket, AClockSteppedBackDoesNotExtendAnOldAuthentication) {
  // A ticket earned on a resumed connection inherits an old auth time. If
  // the clock then steps back below the receipt time, the lifetime cannot
  // be judged (age 0), but the authentication is still too old.
  Ticket t = make_ticket(1, 3600);
  t.auth_unix_s = kNowS - 8 * 86400;
  EXPECT_TRUE(t.expired(kNow - 1000, 604800));
  t.auth_unix_s = kNowS - 60;
  EXPECT_FALSE(t.expired(kNow - 1000, 604800));
}

TEST(Ticket, CopyKeepsBothAndEveryField) {
  Ticket a = make_ticket(7);
  Ticket b(a);
  EXPECT_EQ(b.identity, a.identity);
  EXPECT_EQ(std::memcmp(b.psk, a.psk, sizeof a.psk), 0);
  EXPECT_EQ(b.psk_len, 32);
  EXPECT_EQ(a.psk_len, 32);
  EXPECT_FALSE(psk_is_zero(a));
  EXPECT_EQ(b.cipher_suite, a.cipher_suite);
  EXPECT_EQ(b.lifetime_s, a.lifetime_s);
  EXPECT_EQ(b.age_add, a.age_add);
  EXPECT_EQ(b.received_unix_ms, a.received_unix_ms);
  EXPECT_EQ(b.auth_unix_s, a.auth_unix_s);
  EXPECT_EQ(b.peer_identity, a.peer_identity);
  EXPECT_EQ(b.alpn, a.alpn);

  Ticket c = make_ticket(9);
  c = a;
  EXPECT_EQ(id_of(c), 7u);
  EXPECT_EQ(std::memcmp(c.psk, a.psk, sizeof a.psk), 0);
  EXPECT_EQ(id_of(a), 7u);
}

TEST(Ticket, MoveConstructionZeroesTheSourcePsk) {
  Ticket a = make_ticket(7);
  const Ticket reference = make_ticket(7);
  Ticket b(std::move(a));
  EXPECT_EQ(std::memcmp(b.psk, reference.psk, sizeof b.psk), 0);
  EXPECT_EQ(b.psk_len, 32);
  EXPECT_EQ(id_of(b), 7u);
  EXPECT_TRUE(psk_is_zero(a));  // NOLINT(bugprone-use-after-move): the contract under test
  EXPECT_EQ(a.psk_len, 0);
  EXPECT_TRUE(a.identity.empty());
}

TEST(Ticket, MoveAssignmentZeroesTheSourcePsk) {
  Ticket a = make_ticket(7);
  const Ticket reference = make_ticket(7);
  Ticket b = make_ticket(9);
  b.psk_len = 48;
  std::memset(b.psk, 0xee, sizeof b.psk);
  b = std::move(a);
  EXPECT_EQ(std::memcmp(b.psk, reference.psk, sizeof b.psk), 0);  // bytes 32..47 zero again
  EXPECT_EQ(b.psk_len, 32);
  EXPECT_EQ(id_of(b), 7u);
  EXPECT_TRUE(psk_is_zero(a));  // NOLINT(bugprone-use-after-move)
  EXPECT_EQ(a.psk_len, 0);
}

Ticket& same(Ticket& t) { return t; }

TEST(Ticket, SelfAssignmentKeepsTheTicket) {
  Ticket a = make_ticket(7);
  a = same(a);
  EXPECT_EQ(a.psk_len, 32);
  a = std::move(same(a));
  EXPECT_EQ(a.psk_len, 32);
  EXPECT_FALSE(psk_is_zero(a));
  EXPECT_EQ(id_of(a), 7u);
}

TEST(Ticket, WipeZeroesThePsk) {
  // The destructor calls wipe(); reading a destroyed object is not allowed,
  // so wipe() is checked directly.
  Ticket a = make_ticket(7);
  a.psk_len = 48;
  std::memset(a.psk, 0xff, sizeof a.psk);
  a.wipe();
  EXPECT_TRUE(psk_is_zero(a));
  EXPECT_EQ(a.psk_len, 0);
}

TEST(Ticket, ByteSizeCountsTheVariableParts) {
  Ticket a = make_ticket(1);
  size_t base = a.byte_size();
  a.identity.resize(1000);
  EXPECT_EQ(a.byte_size(), base + 996);
  a.alpn += "xy";
  EXPECT_EQ(a.byte_size(), base + 998);
}

// ---------------------------------------------------------------- MemoryTicketStore

TEST(MemoryTicketStore, HandsOutNewestFirstAndEachTicketOnce) {
  MemoryTicketStore s;
  const TicketKey k = make_key();
  s.insert(k, make_ticket(1));
  s.insert(k, make_ticket(2));
  s.insert(k, make_ticket(3));
  EXPECT_EQ(s.size(), 3u);
  Ticket t;
  ASSERT_TRUE(s.take(k, kNow, &t));
  EXPECT_EQ(id_of(t), 3u);
  EXPECT_EQ(std::memcmp(t.psk, make_ticket(3).psk, sizeof t.psk), 0);
  EXPECT_EQ(t.psk_len, 32);
  EXPECT_EQ(take_id(s, k), 2);
  EXPECT_EQ(take_id(s, k), 1);
  EXPECT_EQ(take_id(s, k), -1);
  EXPECT_EQ(take_id(s, k), -1);
  EXPECT_EQ(s.size(), 0u);
  EXPECT_EQ(s.bytes(), 0u);
  MemoryTicketStore::Stats st = s.stats();
  EXPECT_EQ(st.inserted, 3u);
  EXPECT_EQ(st.taken, 3u);
  EXPECT_EQ(st.evicted, 0u);
}

TEST(MemoryTicketStore, TakeFromAnUnknownKeyLeavesOutUntouched) {
  MemoryTicketStore s;
  Ticket t = make_ticket(5);
  EXPECT_FALSE(s.take(make_key(), kNow, &t));
  EXPECT_EQ(id_of(t), 5u);
  EXPECT_EQ(t.psk_len, 32);
}

TEST(MemoryTicketStore, KeepsFourPerKeyByDefaultAndEvictsTheOldest) {
  MemoryTicketStore s;
  const TicketKey k = make_key();
  for (uint32_t i = 1; i <= 6; ++i) s.insert(k, make_ticket(i));
  EXPECT_EQ(s.size(), 4u);
  EXPECT_EQ(s.stats().evicted, 2u);
  EXPECT_EQ(s.bytes(), 4 * make_ticket(1).byte_size());
  for (int64_t want = 6; want >= 3; --want) EXPECT_EQ(take_id(s, k), want);
  EXPECT_EQ(take_id(s, k), -1);
}

TEST(MemoryTicketStore, PerKeyCapIsConfigurable) {
  MemoryTicketStore::Limits l;
  l.tickets_per_key = 2;
  MemoryTicketStore s(l);
  const TicketKey k = make_key();
  for (uint32_t i = 1; i <= 5; ++i) s.insert(k, make_ticket(i));
  EXPECT_EQ(s.size(), 2u);
  EXPECT_EQ(take_id(s, k), 5);
  EXPECT_EQ(take_id(s, k), 4);
  EXPECT_EQ(take_id(s, k), -1);
}

TEST(MemoryTicketStore, PerKeyCapIsClampedToEight) {
  MemoryTicketStore::Limits l;
  l.tickets_per_key = 100;
  MemoryTicketStore s(l);
  const TicketKey k = make_key();
  for (uint32_t i = 1; i <= 12; ++i) s.insert(k, make_ticket(i));
  EXPECT_EQ(s.size(), 8u);
  EXPECT_EQ(s.stats().evicted, 4u);
  for (int64_t want = 12; want >= 5; --want) EXPECT_EQ(take_id(s, k), want);
  EXPECT_EQ(take_id(s, k), -1);
}

TEST(MemoryTicketStore, PerKeyCapOfZeroKeepsOne) {
  MemoryTicketStore::Limits l;
  l.tickets_per_key = 0;
  MemoryTicketStore s(l);
  const TicketKey k = make_key();
  s.insert(k, make_ticket(1));
  s.insert(k, make_ticket(2));
  EXPECT_EQ(s.size(), 1u);
  EXPECT_EQ(take_id(s, k), 2);
}

TEST(MemoryTicketStore, EvictsTheLeastRecentlyInsertedKeyBeyondMaxKeys) {
  MemoryTicketStore::Limits l;
  l.max_keys = 3;
  MemoryTicketStore s(l);
  const TicketKey k1 = make_key("a.example"), k2 = make_key("b.example"), k3 = make_key("c.example"),
                  k4 = make_key("d.example");
  s.insert(k1, make_ticket(11));
  s.insert(k1, make_ticket(12));
  s.insert(k2, make_ticket(21));
  s.insert(k3, make_ticket(31));
  s.insert(k4, make_ticket(41));  // k1 is least recently used: both its tickets go
  EXPECT_EQ(s.size(), 3u);
  EXPECT_EQ(s.stats().evicted, 2u);
  EXPECT_EQ(take_id(s, k1), -1);
  EXPECT_EQ(take_id(s, k2), 21);
  EXPECT_EQ(take_id(s, k3), 31);
  EXPECT_EQ(take_id(s, k4), 41);
}

TEST(MemoryTicketStore, ATakeRefreshesItsKey) {
  MemoryTicketStore::Limits l;
  l.max_keys = 3;
  MemoryTicketStore s(l);
  const TicketKey k1 = make_key("a.example"), k2 = make_key("b.example"), k3 = make_key("c.example"),
                  k4 = make_key("d.example");
  s.insert(k1, make_ticket(11));
  s.insert(k1, make_ticket(12));
  s.insert(k2, make_ticket(21));
  s.insert(k3, make_ticket(31));
  EXPECT_EQ(take_id(s, k1), 12);  // k1 is now the most recently used
  s.insert(k4, make_ticket(41));  // so k2 goes
  EXPECT_EQ(s.size(), 3u);
  EXPECT_EQ(s.stats().evicted, 1u);
  EXPECT_EQ(take_id(s, k2), -1);
  EXPECT_EQ(take_id(s, k1), 11);
  EXPECT_EQ(take_id(s, k3), 31);
  EXPECT_EQ(take_id(s, k4), 41);
}

TEST(MemoryTicketStore, AnInsertRefreshesItsKey) {
  MemoryTicketStore::Limits l;
  l.max_keys = 3;
  MemoryTicketStore s(l);
  const TicketKey k1 = make_key("a.example"), k2 = make_key("b.example"), k3 = make_key("c.example"),
                  k4 = make_key("d.example");
  s.insert(k1, make_ticket(11));
  s.insert(k2, make_ticket(21));
  s.insert(k3, make_ticket(31));
  s.insert(k1, make_ticket(12));  // k1 refreshed
  s.insert(k4, make_ticket(41));  // k2 goes
  EXPECT_EQ(take_id(s, k2), -1);
  EXPECT_EQ(take_id(s, k1), 12);
  EXPECT_EQ(take_id(s, k1), 11);
  EXPECT_EQ(take_id(s, k3), 31);
  EXPECT_EQ(take_id(s, k4), 41);
}

TEST(MemoryTicketStore, AFailedTakeDoesNotCreateAKey) {
  MemoryTicketStore::Limits l;
  l.max_keys = 2;
  MemoryTicketStore s(l);
  const TicketKey k1 = make_key("a.example"), k2 = make_key("b.example"), k3 = make_key("c.example");
  s.insert(k1, make_ticket(11));
  s.insert(k2, make_ticket(21));
  EXPECT_EQ(take_id(s, k3), -1);
  EXPECT_EQ(s.size(), 2u);
  EXPECT_EQ(s.stats().evicted, 0u);
}

TEST(MemoryTicketStore, ByteBoundEvictsLeastRecentlyUsedKeys) {
  const size_t sz = make_ticket(1).byte_size();
  MemoryTicketStore::Limits l;
  l.max_bytes = 3 * sz;
  MemoryTicketStore s(l);
  const TicketKey k1 = make_key("a.example"), k2 = make_key("b.example"), k3 = make_key("c.example"),
                  k4 = make_key("d.example");
  s.insert(k1, make_ticket(11));
  s.insert(k2, make_ticket(21));
  s.insert(k3, make_ticket(31));
  EXPECT_EQ(s.bytes(), 3 * sz);
  EXPECT_EQ(s.stats().evicted, 0u);
  s.insert(k4, make_ticket(41));  // 4 tickets' bytes: k1 (LRU) goes
  EXPECT_EQ(s.bytes(), 3 * sz);
  EXPECT_EQ(s.size(), 3u);
  EXPECT_EQ(s.stats().evicted, 1u);
  s.insert(k2, make_ticket(22));  // k2 refreshed; LRU is now k3
  EXPECT_EQ(s.bytes(), 3 * sz);
  EXPECT_EQ(s.stats().evicted, 2u);
  EXPECT_EQ(take_id(s, k1), -1);
  EXPECT_EQ(take_id(s, k3), -1);
  EXPECT_EQ(take_id(s, k2), 22);
  EXPECT_EQ(take_id(s, k2), 21);
  EXPECT_EQ(take_id(s, k4), 41);
  EXPECT_EQ(s.bytes(), 0u);
}

TEST(MemoryTicketStore, ByteBoundNeverEvictsTheKeyJustInserted) {
  const size_t sz = make_ticket(1).byte_size();
  MemoryTicketStore::Limits l;
  l.max_bytes = 2 * sz;
  MemoryTicketStore s(l);
  const TicketKey k1 = make_key("a.example"), k2 = make_key("b.example");
  s.insert(k1, make_ticket(11));
  s.insert(k2, make_ticket(21));
  s.insert(k2, make_ticket(22));  // over the bound: k1 goes, not k2
  EXPECT_EQ(take_id(s, k1), -1);
  s.insert(k2, make_ticket(23));  // over the bound with k2 alone: k2 stays
  EXPECT_EQ(take_id(s, k2), 23);
  EXPECT_EQ(take_id(s, k2), 22);
}

TEST(MemoryTicketStore, RejectsATicketLargerThanTheByteBound) {
  MemoryTicketStore::Limits l;
  l.max_bytes = 4096;
  MemoryTicketStore s(l);
  const TicketKey k = make_key();
  s.insert(k, make_ticket(1));
  Ticket big = make_ticket(2);
  big.identity.resize(4096);
  s.insert(k, std::move(big));
  EXPECT_EQ(s.stats().rejected, 1u);
  EXPECT_EQ(s.size(), 1u);
  EXPECT_EQ(take_id(s, k), 1);
}

TEST(MemoryTicketStore, RejectsLifetimeZeroAndAnEmptyPsk) {
  MemoryTicketStore s;
  const TicketKey k = make_key();
  s.insert(k, make_ticket(1, 0));
  Ticket no_psk = make_ticket(2);
  no_psk.psk_len = 0;
  s.insert(k, std::move(no_psk));
  EXPECT_EQ(s.size(), 0u);
  EXPECT_EQ(s.bytes(), 0u);
  MemoryTicketStore::Stats st = s.stats();
  EXPECT_EQ(st.rejected, 2u);
  EXPECT_EQ(st.inserted, 0u);
  EXPECT_EQ(take_id(s, k), -1);
}

TEST(MemoryTicketStore, ExpiryIsJudgedAtTakeWithTheGivenTime) {
  MemoryTicketStore s;
  const TicketKey k = make_key();
  s.insert(k, make_ticket(1, 10));  // already expired at kNow + 10 s, still stored
  EXPECT_EQ(s.size(), 1u);
  EXPECT_EQ(take_id(s, k, kNow + 9999), 1);
  EXPECT_EQ(s.stats().expired, 0u);
}

TEST(MemoryTicketStore, TakeSkipsAndDropsTicketsWhoseLifetimeElapsed) {
  MemoryTicketStore s;
  const TicketKey k = make_key();
  s.insert(k, make_ticket(1, 3600));
  s.insert(k, make_ticket(2, 10));
  s.insert(k, make_ticket(3, 10));
  EXPECT_EQ(take_id(s, k, kNow + 10000), 1);  // 3 and 2 (newer) have expired
  MemoryTicketStore::Stats st = s.stats();
  EXPECT_EQ(st.expired, 2u);
  EXPECT_EQ(st.taken, 1u);
  EXPECT_EQ(s.size(), 0u);
  EXPECT_EQ(s.bytes(), 0u);
}

TEST(MemoryTicketStore, TakeFindsNothingWhenAllHaveExpired) {
  MemoryTicketStore s;
  const TicketKey k = make_key();
  s.insert(k, make_ticket(1, 10));
  s.insert(k, make_ticket(2, 20));
  EXPECT_EQ(take_id(s, k, kNow + 20000), -1);
  EXPECT_EQ(s.stats().expired, 2u);
  EXPECT_EQ(s.stats().taken, 0u);
  EXPECT_EQ(s.size(), 0u);
  EXPECT_EQ(s.bytes(), 0u);
}

TEST(MemoryTicketStore, TakeDropsTicketsPastTheirCertificatesNotAfter) {
  MemoryTicketStore s;
  const TicketKey k = make_key();
  Ticket bounded = make_ticket(1, 7200);
  bounded.cert_not_after_s = kNowS + 60;
  Ticket older = make_ticket(2, 7200);
  older.cert_not_after_s = kNowS + 3600;
  s.insert(k, std::move(older));
  s.insert(k, std::move(bounded));  // newest, but its certificate expires first
  EXPECT_EQ(take_id(s, k, kNow + 60 * 1000), 2);
  EXPECT_EQ(s.stats().expired, 1u);
  EXPECT_EQ(s.size(), 0u);
  EXPECT_EQ(s.bytes(), 0u);
}

TEST(MemoryTicketStore, TakeSkipsTicketsWhoseAuthenticationIsTooOld) {
  MemoryTicketStore::Limits l;
  l.max_auth_age_s = 3600;
  MemoryTicketStore s(l);
  const TicketKey k = make_key();
  Ticket fresh = make_ticket(1, 7200);
  fresh.auth_unix_s = kNowS - 3600;  // exactly the limit: still fine
  Ticket stale = make_ticket(2, 7200);
  stale.auth_unix_s = kNowS - 3601;
  s.insert(k, std::move(fresh));
  s.insert(k, std::move(stale));
  EXPECT_EQ(take_id(s, k), 1);
  EXPECT_EQ(s.stats().expired, 1u);
  EXPECT_EQ(take_id(s, k), -1);
}

TEST(MemoryTicketStore, KeysThatDifferOnlyInPortNameOrOneContextByteShareNothing) {
  MemoryTicketStore s;
  const TicketKey base = make_key("example.com", 443);
  std::vector<TicketKey> others;
  others.push_back(make_key("example.com", 8443));
  others.push_back(make_key("example.com", 444));
  others.push_back(make_key("example.org", 443));
  others.push_back(make_key("example.co", 443));
  others.push_back(make_key("www.example.com", 443));
  others.push_back(make_key("", 443));
  for (size_t i = 0; i < base.context.size(); ++i) {
    TicketKey k = base;
    k.context[i] ^= 0x01;
    others.push_back(k);
  }
  ASSERT_LT(others.size() + 1, MemoryTicketStore::Limits().max_keys);

  s.insert(base, make_ticket(1000));
  for (size_t i = 0; i < others.size(); ++i) EXPECT_EQ(take_id(s, others[i]), -1) << "key " << i;
  EXPECT_EQ(s.size(), 1u);

  for (size_t i = 0; i < others.size(); ++i) s.insert(others[i], make_ticket(uint32_t(i)));
  EXPECT_EQ(s.size(), others.size() + 1);
  for (size_t i = 0; i < others.size(); ++i) {
    EXPECT_EQ(take_id(s, others[i]), int64_t(i)) << "key " << i;
    EXPECT_EQ(take_id(s, others[i]), -1) << "key " << i;
  }
  EXPECT_EQ(take_id(s, base), 1000);
}

TEST(MemoryTicketStore, ClearEmptiesTheStore) {
  MemoryTicketStore s;
  s.insert(make_key("a.example"), make_ticket(1));
  s.insert(make_key("b.example"), make_ticket(2));
  s.insert(make_key("b.example"), make_ticket(3));
  EXPECT_EQ(s.size(), 3u);
  EXPECT_GT(s.bytes(), 0u);
  s.clear();
  EXPECT_EQ(s.size(), 0u);
  EXPECT_EQ(s.bytes(), 0u);
  EXPECT_EQ(take_id(s, make_key("a.example")), -1);
  EXPECT_EQ(take_id(s, make_key("b.example")), -1);
  // Still usable afterwards.
  s.insert(make_key("a.example"), make_ticket(4));
  EXPECT_EQ(take_id(s, make_key("a.example")), 4);
}

TEST(NullTicketStore, KeepsNothing) {
  NullTicketStore s;
  TicketStore& store = s;
  store.insert(make_key(), make_ticket(1));
  store.insert(make_key(), make_ticket(2));
  Ticket t;
  EXPECT_FALSE(store.take(make_key(), kNow, &t));
  EXPECT_EQ(t.psk_len, 0);
  EXPECT_TRUE(t.identity.empty());
}

// ---------------------------------------------------------------- threads

TEST(MemoryTicketStore, ConcurrentTakesHandOutEachTicketOnce) {
  // 8 tickets under one key, 8 threads taking until the store is empty.
  // Repeated so that the threads really overlap on a busy machine.
  MemoryTicketStore::Limits l;
  l.tickets_per_key = 8;
  MemoryTicketStore s(l);
  const TicketKey k = make_key();
  constexpr uint32_t kRounds = 200;
  for (uint32_t round = 0; round < kRounds; ++round) {
    for (uint32_t i = 1; i <= 8; ++i) s.insert(k, make_ticket(round << 8 | i));
    ASSERT_EQ(s.size(), 8u);

    std::atomic<bool> go{false};
    std::vector<std::vector<uint32_t>> got(8);
    std::vector<std::thread> threads;
    for (size_t t = 0; t < 8; ++t) {
      threads.emplace_back([&, t] {
        while (!go.load()) std::this_thread::yield();
        Ticket out;
        while (s.take(k, kNow, &out)) got[t].push_back(id_of(out));
      });
    }
    go.store(true);
    for (std::thread& th : threads) th.join();

    std::multiset<uint32_t> all;
    for (const auto& v : got) all.insert(v.begin(), v.end());
    ASSERT_EQ(all.size(), 8u) << "round " << round;
    for (uint32_t i = 1; i <= 8; ++i) ASSERT_EQ(all.count(round << 8 | i), 1u) << "round " << round;
    ASSERT_EQ(s.size(), 0u);
  }
  EXPECT_EQ(s.stats().taken, uint64_t(kRounds) * 8);
  EXPECT_EQ(s.stats().evicted, 0u);
}

TEST(MemoryTicketStore, ConcurrentInsertAndTakeStayConsistent) {
  MemoryTicketStore::Limits l;
  l.tickets_per_key = 2;
  l.max_keys = 2;  // three keys in use: whole keys get evicted too
  MemoryTicketStore s(l);
  const TicketKey keys[3] = {make_key("a.example"), make_key("b.example"), make_key("c.example")};
  constexpr uint32_t kThreads = 4, kIterations = 2000;

  std::atomic<bool> go{false};
  std::vector<std::vector<uint32_t>> got(kThreads);
  std::vector<std::thread> threads;
  for (uint32_t t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      while (!go.load()) std::this_thread::yield();
      for (uint32_t i = 0; i < kIterations; ++i) {
        s.insert(keys[(t + i) % 3], make_ticket(t << 16 | i));
        Ticket out;
        if (s.take(keys[(i * 7 + t) % 3], kNow, &out)) {
          got[t].push_back(id_of(out));
          if (out.psk_len != 32 || std::memcmp(out.psk, make_ticket(id_of(out)).psk, 32) != 0)
            got[t].push_back(0xffffffffu);  // a torn or wrong PSK: shows up as a bad id below
        }
      }
    });
  }
  go.store(true);
  for (std::thread& th : threads) th.join();

  const MemoryTicketStore::Stats st = s.stats();
  size_t taken_by_threads = 0;
  for (const auto& v : got) taken_by_threads += v.size();
  EXPECT_EQ(st.inserted, uint64_t(kThreads) * kIterations);
  EXPECT_EQ(st.rejected, 0u);
  EXPECT_EQ(st.expired, 0u);
  EXPECT_EQ(st.taken, taken_by_threads);
  EXPECT_EQ(s.size(), st.inserted - st.taken - st.evicted);
  EXPECT_LE(s.size(), size_t(4));  // 2 keys × 2 tickets

  // Drain: exactly size() tickets remain, and nothing was handed out twice.
  const size_t left = s.size();
  std::multiset<uint32_t> all;
  for (const auto& v : got) all.insert(v.begin(), v.end());
  size_t drained = 0;
  for (const TicketKey& k : keys) {
    Ticket out;
    while (s.take(k, kNow, &out)) {
      all.insert(id_of(out));
      drained++;
    }
  }
  EXPECT_EQ(drained, left);
  EXPECT_EQ(s.size(), 0u);
  EXPECT_EQ(s.bytes(), 0u);
  EXPECT_EQ(all.count(0xffffffffu), 0u);
  std::set<uint32_t> unique(all.begin(), all.end());
  EXPECT_EQ(unique.size(), all.size());
  EXPECT_EQ(all.size() + s.stats().evicted, st.inserted);
}

// ---------------------------------------------------------------- test double

TEST(RecordingTicketStore, RecordsInsertsThenTakesThenNone) {
  // insert ×4 then take ×4 then none (4 = the inner store's default per-key
  // cap), as rustls tests its ClientSessionStore.
  test::RecordingTicketStore r;
  TicketStore& store = r;
  const TicketKey k = make_key();
  for (uint32_t i = 1; i <= 4; ++i) store.insert(k, make_ticket(i));
  EXPECT_EQ(r.inserted(), 4u);
  EXPECT_EQ(r.taken(), 0u);
  ASSERT_EQ(r.inserted_keys().size(), 4u);
  EXPECT_TRUE(r.inserted_keys()[3] == k);
  ASSERT_EQ(r.inserted_tickets().size(), 4u);
  EXPECT_EQ(id_of(r.inserted_tickets()[0]), 1u);
  EXPECT_EQ(r.inserted_tickets()[0].psk_len, 32);  // a copy, not the moved-from original

  for (int64_t want = 4; want >= 1; --want) {
    Ticket t;
    ASSERT_TRUE(store.take(k, kNow, &t)) << want;
    EXPECT_EQ(id_of(t), uint32_t(want));
  }
  EXPECT_EQ(r.taken(), 4u);
  Ticket none;
  EXPECT_FALSE(store.take(k, kNow, &none));
  EXPECT_EQ(r.taken(), 4u);
  EXPECT_EQ(r.take_calls(), 5u);
  EXPECT_TRUE(r.no_identity_taken_twice());
}

}  // namespace
}  // namespace mactls

// ---- TLS 1.2 sessions beside TLS 1.3 tickets (issue 11)

namespace mactls {
namespace {

Ticket make_session12(uint32_t id, uint32_t lifetime_s = 7200) {
  Ticket t = make_ticket(id, lifetime_s);
  t.version = 0x0303;
  t.extended_master_secret = true;
  t.session_id = std::vector<uint8_t>(32, uint8_t(id));
  t.psk_len = 48;
  t.cipher_suite = 0xC02B;
  return t;
}

TEST(MemoryTicketStore12, TakeNeverHandsOutATls12Session) {
  MemoryTicketStore s;
  const TicketKey k = make_key();
  s.insert(k, make_ticket(1));
  s.insert(k, make_session12(2));  // newest, but not a 1.3 PSK
  Ticket t;
  ASSERT_TRUE(s.take(k, kNow, &t));
  EXPECT_EQ(id_of(t), 1u);
  EXPECT_EQ(t.version, 0x0304);
  EXPECT_FALSE(s.take(k, kNow, &t));
  EXPECT_EQ(s.size(), 1u);  // the 1.2 session is still there
}

TEST(MemoryTicketStore12, FindReturnsACopyAndKeepsTheSession) {
  MemoryTicketStore s;
  const TicketKey k = make_key();
  s.insert(k, make_ticket(1));
  s.insert(k, make_session12(2));
  for (int i = 0; i < 3; ++i) {  // reusable (RFC 5246 §7.4.1.2)
    Ticket t;
    ASSERT_TRUE(s.find_tls12(k, kNow, &t));
    EXPECT_EQ(id_of(t), 2u);
    EXPECT_EQ(t.version, 0x0303);
    EXPECT_EQ(t.psk_len, 48);
  }
  EXPECT_EQ(s.size(), 2u);
  Ticket t;
  EXPECT_FALSE(s.find_tls12(make_key("other.example"), kNow, &t));
}

TEST(MemoryTicketStore12, ANewSessionReplacesTheOldOneAndLeavesTicketsAlone) {
  MemoryTicketStore s;
  const TicketKey k = make_key();
  s.insert(k, make_ticket(1));
  s.insert(k, make_session12(2));
  s.insert(k, make_session12(3));
  EXPECT_EQ(s.size(), 2u);  // one 1.3 ticket, one 1.2 session
  Ticket t;
  ASSERT_TRUE(s.find_tls12(k, kNow, &t));
  EXPECT_EQ(id_of(t), 3u);
  ASSERT_TRUE(s.take(k, kNow, &t));
  EXPECT_EQ(id_of(t), 1u);
}

TEST(MemoryTicketStore12, AnExpiredSessionIsNotFound) {
  MemoryTicketStore s;
  const TicketKey k = make_key();
  s.insert(k, make_session12(2, 60));
  Ticket t;
  EXPECT_FALSE(s.find_tls12(k, kNow + 61 * 1000, &t));
  EXPECT_EQ(s.size(), 0u);
}

TEST(NullTicketStore12, KeepsNoSessions) {
  NullTicketStore s;
  s.insert(make_key(), make_session12(1));
  Ticket t;
  EXPECT_FALSE(s.find_tls12(make_key(), kNow, &t));
}

}  // namespace
}  // namespace mactls
