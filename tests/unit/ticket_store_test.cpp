// Tickets: the NewSessionTicket parser (RFC 8446 §4.6.1) against RFC 8448
// §3 and every malformed variant, make_ticket's PSK, and the RAM ticket
// store's rules — single use, newest first, bounded, expiring, never
// crossing keys, safe under concurrent takes.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "mactls/ticket_store.h"
#include "resumption/new_session_ticket.h"
#include "support/json.h"
#include "support/recording_ticket_store.h"
#include "support/vectors.h"

namespace mactls {
namespace {

using test::hex;

std::string rfc8448_named(const char* section, const char* name) {
  test::Json root;
  std::string err;
  EXPECT_TRUE(test::parse_json(test::read_file(test::shared_rfc_path("rfc8448_vectors.json")), root, err)) << err;
  const test::Json* s = root.find("sections");
  s = s ? s->find(section) : nullptr;
  s = s ? s->find("named") : nullptr;
  s = s ? s->find(name) : nullptr;
  EXPECT_TRUE(s && s->is_string()) << name;
  return s && s->is_string() ? s->string : "";
}

// RFC 8448 §3: the server's NewSessionTicket and the PSK derived from it.
TEST(NewSessionTicket, Rfc8448Section3ParsesAndDerivesThePsk) {
  Bytes msg = hex(rfc8448_named("3", "server_NewSessionTicket"));
  ASSERT_GT(msg.size(), 4u);
  ASSERT_EQ(msg[0], 4);
  NewSessionTicketMsg nst;
  ASSERT_TRUE(parse_new_session_ticket(ByteView(msg).sub(4), 4096, &nst).is_ok());
  EXPECT_EQ(nst.lifetime, 30u);  // "00 00 00 1e" in the trace
  EXPECT_EQ(nst.age_add, 0xfad6aac5u);
  EXPECT_EQ(to_hex(nst.nonce), rfc8448_named("3", "ticket_nonce"));
  EXPECT_EQ(nst.ticket.size, 178u);
  EXPECT_TRUE(nst.has_early_data);
  EXPECT_FALSE(nst.do_not_store);
  Bytes res_master = hex(rfc8448_named("3", "resumption_master_secret"));
  Ticket t;
  ASSERT_TRUE(make_ticket(nst, 0x1301, HashAlg::sha256, res_master, 1000, 1, "CN=rsa", "", &t).is_ok());
  EXPECT_EQ(to_hex(ByteView(t.psk, t.psk_len)), rfc8448_named("3", "resumption_psk"));
  EXPECT_EQ(t.identity.size(), 178u);
  EXPECT_EQ(t.lifetime_s, 30u);
  EXPECT_EQ(t.cipher_suite, 0x1301);
}

// body = lifetime(4) age_add(4) nonce<1> ticket<2> extensions<2>
Bytes nst_body(const std::string& lifetime, const std::string& nonce, const std::string& ticket,
               const std::string& exts) {
  return hex(lifetime + "01020304" + nonce + ticket + exts);
}

TEST(NewSessionTicket, MalformedVariantsAreDecodeError) {
  struct Case {
    const char* name;
    Bytes body;
    Alert alert;
  };
  const std::string ok_nonce = "020a0b", ok_ticket = "0003aabbcc";
  std::vector<Case> cases = {
      {"empty", Bytes(), Alert::decode_error},
      {"truncated in lifetime", hex("0000"), Alert::decode_error},
      {"truncated in age_add", hex("00000e1001"), Alert::decode_error},
      {"nonce longer than the rest", nst_body("00000e10", "09aabb", "", ""), Alert::decode_error},
      {"truncated in ticket", nst_body("00000e10", ok_nonce, "0005aabb", ""), Alert::decode_error},
      {"empty ticket", nst_body("00000e10", ok_nonce, "0000", "0000"), Alert::decode_error},
      {"missing extensions", nst_body("00000e10", ok_nonce, ok_ticket, ""), Alert::decode_error},
      {"extensions length mismatch", nst_body("00000e10", ok_nonce, ok_ticket, "0005002a0004"), Alert::decode_error},
      {"early_data of the wrong length", nst_body("00000e10", ok_nonce, ok_ticket, "0006002a00020001"),
       Alert::decode_error},
      {"duplicate extensions", nst_body("00000e10", ok_nonce, ok_ticket, "00081234000012340000"), Alert::decode_error},
      {"trailing bytes", nst_body("00000e10", ok_nonce, ok_ticket, "000000"), Alert::decode_error},
      {"key_share does not belong here", nst_body("00000e10", ok_nonce, ok_ticket, "000400330000"),
       Alert::illegal_parameter},
  };
  for (const Case& c : cases) {
    NewSessionTicketMsg m;
    Status s = parse_new_session_ticket(c.body, 4096, &m);
    EXPECT_EQ(std::string(alert_name(s.alert())), alert_name(c.alert)) << c.name << ": " << s.what();
    EXPECT_FALSE(s.is_ok()) << c.name;
  }
}

TEST(NewSessionTicket, LifetimesExtensionsAndSize) {
  NewSessionTicketMsg m;
  ASSERT_TRUE(parse_new_session_ticket(nst_body("00000000", "00", "0001aa", "0000"), 4096, &m).is_ok());
  EXPECT_TRUE(m.do_not_store) << "lifetime 0: discard (§4.6.1)";
  ASSERT_TRUE(parse_new_session_ticket(nst_body("000a8c00", "00", "0001aa", "0000"), 4096, &m).is_ok());
  EXPECT_EQ(m.lifetime, 604800u) << "8 days is capped at 7";
  EXPECT_TRUE(m.lifetime_capped);
  NewSessionTicketMsg e;
  ASSERT_TRUE(parse_new_session_ticket(nst_body("00000e10", "00", "0001aa", "000e" "002a000400004000" "fafa0002abcd"),
                                       4096, &e)
                  .is_ok());
  EXPECT_TRUE(e.has_early_data);
  EXPECT_EQ(e.max_early_data, 0x4000u);
  NewSessionTicketMsg big;
  ASSERT_TRUE(parse_new_session_ticket(nst_body("00000e10", "00", "0004aabbccdd", "0000"), 3, &big).is_ok());
  EXPECT_TRUE(big.oversize);
}

Ticket make(const std::string& id, uint32_t lifetime = 3600, int64_t received = 1'000'000, int64_t auth = 1000) {
  Ticket t;
  t.identity.assign(id.begin(), id.end());
  t.psk_len = 32;
  for (int i = 0; i < 32; ++i) t.psk[i] = uint8_t(id.size() + i + 1);
  t.cipher_suite = 0x1301;
  t.lifetime_s = lifetime;
  t.received_unix_ms = received;
  t.auth_unix_s = auth;
  return t;
}

TicketKey key(const std::string& host, uint16_t port = 443, uint8_t ctx = 1) {
  TicketKey k;
  k.server_name = host;
  k.port = port;
  k.context.fill(ctx);
  return k;
}

std::string id_of(const Ticket& t) { return std::string(t.identity.begin(), t.identity.end()); }

TEST(MemoryTicketStore, NewestFirstAndSingleUse) {
  MemoryTicketStore s;
  for (const char* id : {"a", "b", "c"}) s.insert(key("h"), make(id));
  Ticket t;
  ASSERT_TRUE(s.take(key("h"), 1'000'100, &t));
  EXPECT_EQ(id_of(t), "c");
  ASSERT_TRUE(s.take(key("h"), 1'000'100, &t));
  EXPECT_EQ(id_of(t), "b");
  ASSERT_TRUE(s.take(key("h"), 1'000'100, &t));
  EXPECT_EQ(id_of(t), "a");
  EXPECT_FALSE(s.take(key("h"), 1'000'100, &t));
  EXPECT_EQ(s.stats().taken, 3u);
  EXPECT_EQ(s.size(), 0u);
}

TEST(MemoryTicketStore, PerKeyCapEvictsTheOldest) {
  MemoryTicketStore::Limits l;
  l.tickets_per_key = 2;
  MemoryTicketStore s(l);
  for (const char* id : {"1", "2", "3"}) s.insert(key("h"), make(id));
  EXPECT_EQ(s.size(), 2u);
  EXPECT_EQ(s.stats().evicted, 1u);
  Ticket t;
  ASSERT_TRUE(s.take(key("h"), 1'000'100, &t));
  EXPECT_EQ(id_of(t), "3");
  ASSERT_TRUE(s.take(key("h"), 1'000'100, &t));
  EXPECT_EQ(id_of(t), "2");
  MemoryTicketStore::Limits big;
  big.tickets_per_key = 50;
  MemoryTicketStore clamped(big);
  for (int i = 0; i < 20; ++i) clamped.insert(key("h"), make("t" + std::to_string(i)));
  EXPECT_EQ(clamped.size(), 8u) << "at most 8 per key whatever the configuration";
}

TEST(MemoryTicketStore, LeastRecentlyUsedKeysAreEvicted) {
  MemoryTicketStore::Limits l;
  l.max_keys = 2;
  MemoryTicketStore s(l);
  s.insert(key("a"), make("a1"));
  s.insert(key("a"), make("a2"));
  s.insert(key("b"), make("b1"));
  Ticket t;
  ASSERT_TRUE(s.take(key("a"), 1'000'100, &t));  // a is now the most recent
  s.insert(key("c"), make("c1"));                 // evicts b
  EXPECT_FALSE(s.take(key("b"), 1'000'100, &t));
  EXPECT_TRUE(s.take(key("a"), 1'000'100, &t));
  EXPECT_TRUE(s.take(key("c"), 1'000'100, &t));
}

TEST(MemoryTicketStore, ByteBoundEvictsOtherKeysNeverTheNewOne) {
  MemoryTicketStore::Limits l;
  l.max_bytes = 3 * make("x").byte_size() + 10;
  MemoryTicketStore s(l);
  s.insert(key("a"), make("a"));
  s.insert(key("b"), make("b"));
  s.insert(key("c"), make("c"));
  s.insert(key("d"), make("d"));
  EXPECT_LE(s.bytes(), l.max_bytes);
  Ticket t;
  EXPECT_FALSE(s.take(key("a"), 1'000'100, &t)) << "the least recently used key went";
  EXPECT_TRUE(s.take(key("d"), 1'000'100, &t));
  MemoryTicketStore::Limits tiny;
  tiny.max_bytes = 10;
  MemoryTicketStore t2(tiny);
  t2.insert(key("a"), make("a"));
  EXPECT_EQ(t2.size(), 0u);
  EXPECT_EQ(t2.stats().rejected, 1u) << "a ticket that can never fit is refused";
}

TEST(MemoryTicketStore, ExpiredTicketsAreNeverReturned) {
  MemoryTicketStore s;
  s.insert(key("h"), make("short", 10, 1'000'000));
  s.insert(key("h"), make("long", 3600, 1'000'000));
  Ticket t;
  // 20 s later: "short" has expired; "long" is handed out.
  ASSERT_TRUE(s.take(key("h"), 1'020'000, &t));
  EXPECT_EQ(id_of(t), "long");
  EXPECT_FALSE(s.take(key("h"), 1'020'000, &t));
  EXPECT_EQ(s.stats().expired, 1u);
  // Authentication older than max_auth_age_s expires a ticket too.
  MemoryTicketStore::Limits l;
  l.max_auth_age_s = 100;
  MemoryTicketStore a(l);
  a.insert(key("h"), make("old-auth", 3600, 1'000'000, 800));
  EXPECT_FALSE(a.take(key("h"), 1'000'000, &t)) << "authenticated 200 s before";
  EXPECT_EQ(a.stats().expired, 1u);
  // Lifetime 0 and PSK-less tickets are refused at insert.
  s.insert(key("h"), make("zero", 0));
  Ticket nopsk = make("nopsk");
  nopsk.psk_len = 0;
  s.insert(key("h"), std::move(nopsk));
  EXPECT_EQ(s.size(), 0u);
  EXPECT_EQ(s.stats().rejected, 2u);
}

TEST(MemoryTicketStore, KeysDifferingInAnyPartNeverShareTickets) {
  MemoryTicketStore s;
  s.insert(key("a.example", 443, 1), make("t"));
  Ticket t;
  EXPECT_FALSE(s.take(key("b.example", 443, 1), 1'000'100, &t)) << "another host";
  EXPECT_FALSE(s.take(key("a.example", 8443, 1), 1'000'100, &t)) << "another port";
  TicketKey other = key("a.example", 443, 1);
  other.context[31] ^= 1;
  EXPECT_FALSE(s.take(other, 1'000'100, &t)) << "another security context";
  EXPECT_TRUE(s.take(key("a.example", 443, 1), 1'000'100, &t));
}

TEST(MemoryTicketStore, ClearAndNullStore) {
  MemoryTicketStore s;
  s.insert(key("h"), make("t"));
  s.clear();
  Ticket t;
  EXPECT_FALSE(s.take(key("h"), 1'000'100, &t));
  NullTicketStore n;
  n.insert(key("h"), make("t"));
  EXPECT_FALSE(n.take(key("h"), 1'000'100, &t));
}

TEST(MemoryTicketStore, ConcurrentTakesNeverShareATicket) {
  MemoryTicketStore::Limits l;
  l.tickets_per_key = 8;
  MemoryTicketStore s(l);
  for (int i = 0; i < 8; ++i) s.insert(key("h"), make("t" + std::to_string(i)));
  std::mutex mu;
  std::vector<std::string> got;
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i)
    threads.emplace_back([&] {
      Ticket t;
      while (s.take(key("h"), 1'000'100, &t)) {
        std::lock_guard<std::mutex> g(mu);
        got.push_back(id_of(t));
      }
    });
  for (auto& th : threads) th.join();
  std::set<std::string> unique(got.begin(), got.end());
  EXPECT_EQ(got.size(), 8u);
  EXPECT_EQ(unique.size(), 8u);
}

TEST(MemoryTicketStore, ConcurrentInsertAndTakeStayConsistent) {
  MemoryTicketStore s;
  std::atomic<uint64_t> taken{0};
  std::vector<std::thread> threads;
  for (int w = 0; w < 4; ++w)
    threads.emplace_back([&, w] {
      Ticket t;
      for (int i = 0; i < 500; ++i) {
        s.insert(key("h" + std::to_string(i % 3)), make("w" + std::to_string(w) + "-" + std::to_string(i)));
        if (s.take(key("h" + std::to_string((i + w) % 3)), 1'000'100, &t)) taken++;
      }
    });
  for (auto& th : threads) th.join();
  MemoryTicketStore::Stats st = s.stats();
  EXPECT_EQ(st.inserted, 2000u);
  EXPECT_EQ(st.taken, taken.load());
  EXPECT_EQ(st.inserted, st.taken + st.evicted + st.expired + s.size()) << "every ticket is accounted for";
}

TEST(Ticket, ObfuscatedAgeWrapsModulo2To32) {
  Ticket t = make("t");
  t.received_unix_ms = 1000;
  t.age_add = 0xfffffff0u;
  EXPECT_EQ(t.obfuscated_age(1000), 0xfffffff0u);
  EXPECT_EQ(t.obfuscated_age(1000 + 0x20), 0x10u);
  EXPECT_EQ(t.obfuscated_age(500), 0xfffffff0u) << "a clock that went back counts as age 0";
}

TEST(Ticket, MovingWipesTheSourcePsk) {
  Ticket a = make("t");
  Ticket b(std::move(a));
  EXPECT_EQ(a.psk_len, 0);
  for (uint8_t x : a.psk) EXPECT_EQ(x, 0);
  EXPECT_EQ(b.psk_len, 32);
  Ticket c;
  c = std::move(b);
  EXPECT_EQ(b.psk_len, 0);
  for (uint8_t x : b.psk) EXPECT_EQ(x, 0);
  c.wipe();
  for (uint8_t x : c.psk) EXPECT_EQ(x, 0);
}

TEST(RecordingTicketStore, RecordsInsertThenTakeThenNone) {
  test::RecordingTicketStore r;
  for (int i = 0; i < 3; ++i) r.insert(key("h"), make("t" + std::to_string(i)));
  Ticket t;
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(r.take(key("h"), 1'000'100, &t));
  EXPECT_FALSE(r.take(key("h"), 1'000'100, &t));
  EXPECT_EQ(r.inserted(), 3u);
  EXPECT_EQ(r.taken(), 3u);
  EXPECT_EQ(r.take_calls(), 4u);
  EXPECT_TRUE(r.no_identity_taken_twice());
}

}  // namespace
}  // namespace mactls
