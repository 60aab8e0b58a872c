// The ticket store saved to and loaded from a blob (src/resumption/
// store_codec.h): round trips of both kinds with every field, sealed and
// unsealed; every class of malformed blob (truncated at every length, every
// byte corrupted, another magic or format version, another security
// context, a missing, superfluous or wrong sealing key, size and count
// bounds, trailing bytes, a well-sealed but malformed entry) gives an error
// and leaves the store as it was; expiry at load; single use across save
// and load; a save while other threads take and insert.
#include <gtest/gtest.h>

#include <atomic>
#include <cstdint>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include "common/bytes.h"
#include "crypto/hash.h"
#include "mactls/random.h"
#include "mactls/testing.h"
#include "mactls/ticket_store.h"
#include "resumption/store_codec.h"

namespace mactls {
namespace {

constexpr int64_t kNow = 1700000000000;  // ms
constexpr int64_t kNowS = kNow / 1000;
const uint8_t kSealKey[32] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16,
                              17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32};

TicketKey key(const std::string& name = "example.com", uint16_t port = 443, const std::string& partition = "") {
  TicketKey k;
  k.server_name = name;
  k.port = port;
  k.partition = partition;
  for (size_t i = 0; i < k.context.size(); ++i) k.context[i] = uint8_t(0x20 + i);
  return k;
}

// Every field set to a value that tells it apart.
Ticket full13(uint8_t id) {
  Ticket t;
  t.identity = Bytes(100 + id, uint8_t(0xa0 + id));
  for (size_t i = 0; i < 48; ++i) t.psk[i] = uint8_t(id * 3 + i + 1);
  t.psk_len = 48;
  t.cipher_suite = 0x1302;
  t.lifetime_s = 7200 + id;
  t.age_add = 0xdeadbe00u + id;
  t.received_unix_ms = kNow - 1000 * id;
  t.auth_unix_s = kNowS - 100 * id;
  t.cert_not_after_s = kNowS + 86400 * 30;
  t.max_auth_age_s = 86400 + id;
  t.max_early_data = 16384;
  t.peer_identity = "CN=example.com; issuer CN=Test CA " + std::to_string(id);
  t.alpn = "h2";
  return t;
}

Ticket full12(uint8_t id) {
  Ticket t;
  t.version = 0x0303;
  t.identity = Bytes(200, uint8_t(0x50 + id));  // an RFC 5077 ticket
  t.session_id = Bytes(32, uint8_t(0x60 + id));
  t.extended_master_secret = true;
  for (size_t i = 0; i < 48; ++i) t.psk[i] = uint8_t(0xf0 - id - i);
  t.psk_len = 48;
  t.cipher_suite = 0xc030;
  t.lifetime_s = 86400;
  t.received_unix_ms = kNow - 5;
  t.auth_unix_s = kNowS - 7;
  t.cert_not_after_s = kNowS + 999;
  t.max_auth_age_s = 3600 * 5;
  t.peer_identity = "CN=old.example";
  t.alpn = "http/1.1";
  return t;
}

void expect_same(const Ticket& a, const Ticket& b) {
  EXPECT_EQ(a.version, b.version);
  EXPECT_EQ(a.identity, b.identity);
  EXPECT_EQ(a.session_id, b.session_id);
  EXPECT_EQ(a.extended_master_secret, b.extended_master_secret);
  ASSERT_EQ(a.psk_len, b.psk_len);
  EXPECT_EQ(0, std::memcmp(a.psk, b.psk, a.psk_len));
  EXPECT_EQ(a.cipher_suite, b.cipher_suite);
  EXPECT_EQ(a.lifetime_s, b.lifetime_s);
  EXPECT_EQ(a.age_add, b.age_add);
  EXPECT_EQ(a.received_unix_ms, b.received_unix_ms);
  EXPECT_EQ(a.auth_unix_s, b.auth_unix_s);
  EXPECT_EQ(a.cert_not_after_s, b.cert_not_after_s);
  EXPECT_EQ(a.max_auth_age_s, b.max_auth_age_s);
  EXPECT_EQ(a.max_early_data, b.max_early_data);
  EXPECT_EQ(a.peer_identity, b.peer_identity);
  EXPECT_EQ(a.alpn, b.alpn);
}

// A store with both kinds under several keys, partitions and ports.
void fill(MemoryTicketStore& s) {
  s.insert(key(), full13(1));
  s.insert(key(), full13(2));
  s.insert(key(), full12(3));
  s.insert(key("example.com", 8443, "https://news.example"), full13(4));
  s.insert(key("other.example", 443, "https://shop.example"), full12(5));
}

StoreBlobOptions sealed_options() {
  StoreBlobOptions o;
  o.seal_key = kSealKey;
  return o;
}

class StoreBlob : public ::testing::TestWithParam<bool> {  // param: sealed
 protected:
  StoreBlobOptions opt() const { return GetParam() ? sealed_options() : StoreBlobOptions(); }
};

TEST_P(StoreBlob, RoundTripKeepsBothKindsEveryFieldAndEveryKey) {
  MemoryTicketStore a;
  fill(a);
  Bytes blob;
  ASSERT_TRUE(a.save(&blob, kNow, opt()).is_ok());
  MemoryTicketStore b;
  StoreLoadReport rep;
  Status s = b.load(blob.data(), blob.size(), kNow, opt(), &rep);
  ASSERT_TRUE(s.is_ok()) << s.what();
  EXPECT_EQ(rep.loaded, 5u);
  EXPECT_EQ(rep.dropped_expired, 0u);
  EXPECT_EQ(b.size(), 5u);
  EXPECT_EQ(b.bytes(), a.bytes());
  EXPECT_EQ(b.stats().tls12.entries, 2u);

  Ticket t;
  ASSERT_TRUE(b.take(key(), kNow, &t));
  expect_same(t, full13(2));  // newest first, as before the save
  ASSERT_TRUE(b.take(key(), kNow, &t));
  expect_same(t, full13(1));
  EXPECT_FALSE(b.take(key(), kNow, &t));
  ASSERT_TRUE(b.find_tls12(key(), kNow, &t));
  expect_same(t, full12(3));
  ASSERT_TRUE(b.take(key("example.com", 8443, "https://news.example"), kNow, &t));
  expect_same(t, full13(4));
  ASSERT_TRUE(b.find_tls12(key("other.example", 443, "https://shop.example"), kNow, &t));
  expect_same(t, full12(5));
  // Nothing under a key it was not saved with.
  EXPECT_FALSE(b.find_tls12(key("other.example", 443, ""), kNow, &t));
  EXPECT_FALSE(b.take(key("example.com", 8443, ""), kNow, &t));
}

TEST_P(StoreBlob, AnEmptyStoreRoundTrips) {
  MemoryTicketStore a, b;
  Bytes blob;
  ASSERT_TRUE(a.save(&blob, kNow, opt()).is_ok());
  EXPECT_TRUE(b.load(blob.data(), blob.size(), kNow, opt()).is_ok());
  EXPECT_EQ(b.size(), 0u);
}

TEST_P(StoreBlob, ATicketTakenBeforeTheSaveIsNotInTheBlob) {
  MemoryTicketStore a;
  fill(a);
  Ticket taken;
  ASSERT_TRUE(a.take(key(), kNow, &taken));
  Bytes blob;
  ASSERT_TRUE(a.save(&blob, kNow, opt()).is_ok());
  MemoryTicketStore b;
  ASSERT_TRUE(b.load(blob.data(), blob.size(), kNow, opt()).is_ok());
  Ticket t;
  while (b.take(key(), kNow, &t)) EXPECT_NE(t.identity, taken.identity);
  EXPECT_EQ(b.stats().tls13.taken, 1u);
  if (!GetParam()) {  // and its identity is nowhere in the bytes
    auto it = std::search(blob.begin(), blob.end(), taken.identity.begin(), taken.identity.end());
    EXPECT_EQ(it, blob.end());
  }
}

TEST_P(StoreBlob, LoadDropsWhatHasExpiredSinceTheSave) {
  MemoryTicketStore a;
  Ticket lifetime = full13(1);
  lifetime.lifetime_s = 100;
  lifetime.received_unix_ms = kNow;
  Ticket auth = full13(2);
  auth.lifetime_s = 100000;
  auth.received_unix_ms = kNow;
  auth.auth_unix_s = kNowS;
  auth.max_auth_age_s = 200;
  Ticket cert = full12(3);
  cert.received_unix_ms = kNow;
  cert.cert_not_after_s = kNowS + 300;
  Ticket lasting = full12(4);
  lasting.received_unix_ms = kNow;
  lasting.auth_unix_s = kNowS;
  a.insert(key("a.example"), std::move(lifetime));
  a.insert(key("b.example"), std::move(auth));
  a.insert(key("c.example"), std::move(cert));
  a.insert(key("d.example"), std::move(lasting));
  Bytes blob;
  ASSERT_TRUE(a.save(&blob, kNow, opt()).is_ok());

  auto load_at = [&](int64_t at_s) {
    MemoryTicketStore b;
    StoreLoadReport rep;
    EXPECT_TRUE(b.load(blob.data(), blob.size(), kNow + at_s * 1000, opt(), &rep).is_ok());
    return rep;
  };
  EXPECT_EQ(load_at(99).loaded, 4u);
  EXPECT_EQ(load_at(100).loaded, 3u) << "lifetime over";
  EXPECT_EQ(load_at(201).loaded, 2u) << "authentication too old";
  StoreLoadReport r = load_at(301);
  EXPECT_EQ(r.loaded, 1u) << "certificate past notAfter";
  EXPECT_EQ(r.dropped_expired, 3u);
}

TEST_P(StoreBlob, SaveLeavesOutWhatHasAlreadyExpired) {
  MemoryTicketStore a;
  Ticket t = full13(1);
  t.lifetime_s = 10;
  t.received_unix_ms = kNow;
  a.insert(key(), std::move(t));
  Bytes blob;
  ASSERT_TRUE(a.save(&blob, kNow + 10000, opt()).is_ok());
  MemoryTicketStore b;
  StoreLoadReport rep;
  ASSERT_TRUE(b.load(blob.data(), blob.size(), kNow, opt(), &rep).is_ok());
  EXPECT_EQ(rep.loaded + rep.dropped_expired, 0u);
}

TEST_P(StoreBlob, EveryTruncationFailsAndLeavesTheStoreUnchanged) {
  MemoryTicketStore a;
  fill(a);
  Bytes blob;
  ASSERT_TRUE(a.save(&blob, kNow, opt()).is_ok());
  MemoryTicketStore b;
  b.insert(key("kept.example"), full13(9));
  for (size_t n = 0; n < blob.size(); ++n) {
    Status s = b.load(blob.data(), n, kNow, opt());
    ASSERT_FALSE(s.is_ok()) << "length " << n;
    EXPECT_EQ(s.origin(), ErrorOrigin::local);
  }
  EXPECT_EQ(b.size(), 1u);
}

TEST_P(StoreBlob, EveryCorruptedByteFailsAndLeavesTheStoreUnchanged) {
  MemoryTicketStore a;
  fill(a);
  Bytes blob;
  ASSERT_TRUE(a.save(&blob, kNow, opt()).is_ok());
  MemoryTicketStore b;
  b.insert(key("kept.example"), full13(9));
  for (size_t i = 0; i < blob.size(); ++i) {
    for (uint8_t flip : {0x01, 0x80}) {
      Bytes bad = blob;
      bad[i] ^= flip;
      Status s = b.load(bad.data(), bad.size(), kNow, opt());
      ASSERT_FALSE(s.is_ok()) << "byte " << i << " ^ " << int(flip);
    }
  }
  EXPECT_EQ(b.size(), 1u);
  EXPECT_EQ(b.stats().inserted, 1u);
}

TEST_P(StoreBlob, TrailingBytesAreRefused) {
  MemoryTicketStore a;
  fill(a);
  Bytes blob;
  ASSERT_TRUE(a.save(&blob, kNow, opt()).is_ok());
  blob.push_back(0);
  MemoryTicketStore b;
  Status s = b.load(blob.data(), blob.size(), kNow, opt());
  EXPECT_EQ(s.alert(), Alert::decode_error) << s.what();
}

TEST_P(StoreBlob, AnotherSecurityContextIsAClearError) {
  MemoryTicketStore a;
  fill(a);
  StoreBlobOptions o = opt();
  o.context = "profile: alice";
  Bytes blob;
  ASSERT_TRUE(a.save(&blob, kNow, o).is_ok());
  MemoryTicketStore b;
  o.context = "profile: bob";
  Status s = b.load(blob.data(), blob.size(), kNow, o);
  EXPECT_EQ(s.alert(), Alert::illegal_parameter);
  EXPECT_NE(std::string(s.what()).find("another security context"), std::string::npos) << s.what();
  EXPECT_EQ(b.size(), 0u);
  o.context = "profile: alice";
  EXPECT_TRUE(b.load(blob.data(), blob.size(), kNow, o).is_ok());
  EXPECT_EQ(b.size(), 5u);
}

TEST_P(StoreBlob, SizeAndCountBoundsAreCheckedBeforeParsing) {
  MemoryTicketStore a;
  fill(a);
  Bytes blob;
  ASSERT_TRUE(a.save(&blob, kNow, opt()).is_ok());
  MemoryTicketStore b;
  StoreBlobOptions o = opt();
  o.max_blob_bytes = blob.size() - 1;
  EXPECT_EQ(b.load(blob.data(), blob.size(), kNow, o).alert(), Alert::decode_error);
  o = opt();
  o.max_entries = 4;
  Status s = b.load(blob.data(), blob.size(), kNow, o);
  EXPECT_EQ(s.alert(), Alert::decode_error);
  EXPECT_NE(std::string(s.what()).find("too many entries"), std::string::npos) << s.what();
  EXPECT_EQ(b.size(), 0u);
}

TEST_P(StoreBlob, ASaveWhileOtherThreadsTakeAndInsertIsAConsistentSnapshot) {
  MemoryTicketStore::Limits l;
  l.max_keys = 1000;
  l.max_bytes = 16 * 1024 * 1024;
  MemoryTicketStore a(l);
  for (int k = 0; k < 8; ++k)
    for (int i = 0; i < 4; ++i) a.insert(key("h" + std::to_string(k) + ".example"), full13(uint8_t(i)));
  std::atomic<bool> stop{false};
  std::atomic<uint32_t> taken{0}, ops{0};  // 32 bits: a G3 has no lock-free 64-bit atomics
  std::vector<std::thread> workers;
  for (int w = 0; w < 3; ++w) {
    workers.emplace_back([&, w] {
      uint8_t n = 0;
      while (!stop.load()) {
        const TicketKey k = key("h" + std::to_string((n + w) % 8) + ".example");
        Ticket t;
        if (a.take(k, kNow, &t)) taken++;
        a.insert(k, full13(uint8_t(n++ % 50)));
        if (w == 0) a.insert(k, full12(n % 7));
        ops++;
      }
    });
  }
  // At least 30 saves, and on until the workers have done 300 rounds
  // between and during them (no timing assumed either way).
  for (int round = 0; round < 30 || ops.load() < 300; ++round) {
    Bytes blob;
    ASSERT_TRUE(a.save(&blob, kNow, opt()).is_ok());
    MemoryTicketStore b(l);
    StoreLoadReport rep;
    Status s = b.load(blob.data(), blob.size(), kNow, opt(), &rep);
    ASSERT_TRUE(s.is_ok()) << s.what();
    EXPECT_LE(rep.loaded, 8u * 5u);  // at most 4 tickets and one session per key
  }
  stop = true;
  for (auto& t : workers) t.join();
  EXPECT_GT(taken.load(), 0u);
}

INSTANTIATE_TEST_SUITE_P(Unsealed, StoreBlob, ::testing::Values(false));
INSTANTIATE_TEST_SUITE_P(Sealed, StoreBlob, ::testing::Values(true));

// ---------------------------------------------------------------- sealing

TEST(StoreBlobSealing, TheSealedBlobHoldsNoSecretOrNameInTheClear) {
  MemoryTicketStore a;
  fill(a);
  Bytes blob;
  ASSERT_TRUE(a.save(&blob, kNow, sealed_options()).is_ok());
  const Ticket t = full13(1);
  EXPECT_EQ(std::search(blob.begin(), blob.end(), t.psk, t.psk + 16), blob.end());
  const std::string name = "example.com";
  EXPECT_EQ(std::search(blob.begin(), blob.end(), name.begin(), name.end()), blob.end());
  // Unsealed, both are there: that is what README and RESUMPTION_SCOPE.md warn of.
  Bytes plain;
  ASSERT_TRUE(a.save(&plain, kNow).is_ok());
  EXPECT_NE(std::search(plain.begin(), plain.end(), t.psk, t.psk + 16), plain.end());
}

TEST(StoreBlobSealing, TwoSavesUseFreshNonces) {
  MemoryTicketStore a;
  fill(a);
  Bytes b1, b2;
  ASSERT_TRUE(a.save(&b1, kNow, sealed_options()).is_ok());
  ASSERT_TRUE(a.save(&b2, kNow, sealed_options()).is_ok());
  ASSERT_EQ(b1.size(), b2.size());
  EXPECT_NE(b1, b2);
}

TEST(StoreBlobSealing, KeyMismatchesAreClearErrors) {
  MemoryTicketStore a;
  fill(a);
  Bytes sealed, plain;
  ASSERT_TRUE(a.save(&sealed, kNow, sealed_options()).is_ok());
  ASSERT_TRUE(a.save(&plain, kNow).is_ok());
  MemoryTicketStore b;
  Status s = b.load(sealed.data(), sealed.size(), kNow);
  EXPECT_EQ(s.alert(), Alert::illegal_parameter) << s.what();
  // A key for an unsealed blob: refused, or whoever can write the file
  // could plant sessions of their choosing in a store that expects a seal.
  s = b.load(plain.data(), plain.size(), kNow, sealed_options());
  EXPECT_EQ(s.alert(), Alert::illegal_parameter) << s.what();
  uint8_t other[32];
  std::memcpy(other, kSealKey, 32);
  other[31] ^= 1;
  StoreBlobOptions o;
  o.seal_key = other;
  s = b.load(sealed.data(), sealed.size(), kNow, o);
  EXPECT_EQ(s.alert(), Alert::bad_record_mac) << s.what();
  EXPECT_EQ(b.size(), 0u);
}

TEST(StoreBlobSealing, TheNonceComesFromTheInjectedSource) {
  MemoryTicketStore a;
  FixedRandom r1(Bytes(12, 0x77)), r2(Bytes(12, 0x77));
  StoreBlobOptions o = sealed_options();
  o.random = &r1;
  Bytes b1, b2;
  ASSERT_TRUE(a.save(&b1, kNow, o).is_ok());
  o.random = &r2;
  ASSERT_TRUE(a.save(&b2, kNow, o).is_ok());
  EXPECT_EQ(b1, b2);
  EXPECT_EQ(Bytes(b1.begin() + kStoreHeaderLen, b1.begin() + kStoreSealedHeaderLen), Bytes(12, 0x77));
}

// ---------------------------------------------------------------- crafted blobs

// An unsealed blob with a valid digest over arbitrary header fields and body:
// what an attacker with write access to the file (but no seal) can make.
Bytes craft(uint16_t version, uint8_t flags, uint32_t count, const Bytes& body, const std::string& context = "") {
  Bytes b;
  Writer w(b);
  w.bytes(reinterpret_cast<const uint8_t*>("MACTLSTS"), 8);
  w.u16(version);
  w.u8(flags);
  w.u8(0);
  static const char kTag[] = "mactls ticket store context v1";
  HashCtx h(HashAlg::sha256);
  h.update(reinterpret_cast<const uint8_t*>(kTag), sizeof kTag);
  h.update(reinterpret_cast<const uint8_t*>(context.data()), context.size());
  uint8_t cd[32];
  h.peek(cd);
  w.bytes(cd, 32);
  w.u32(count);
  w.u32(uint32_t(body.size()));
  w.bytes(ByteView(body));
  uint8_t d[32];
  hash_once(HashAlg::sha256, ByteView(b), d);
  w.bytes(d, 32);
  return b;
}

Bytes body_of(const Bytes& blob) {
  return Bytes(blob.begin() + kStoreHeaderLen, blob.end() - 32);
}

TEST(StoreBlobCrafted, TheSameBodyRecraftedLoads) {
  MemoryTicketStore a;
  fill(a);
  Bytes blob;
  ASSERT_TRUE(a.save(&blob, kNow).is_ok());
  EXPECT_EQ(craft(kStoreFormatVersion, 0, 5, body_of(blob)), blob);
}

TEST(StoreBlobCrafted, AnotherFormatVersionOrMagicIsAClearError) {
  MemoryTicketStore a, b;
  fill(a);
  Bytes blob;
  ASSERT_TRUE(a.save(&blob, kNow).is_ok());
  Bytes v2 = craft(2, 0, 5, body_of(blob));
  Status s = b.load(v2.data(), v2.size(), kNow);
  EXPECT_EQ(s.alert(), Alert::protocol_version) << s.what();
  Bytes v0 = craft(0, 0, 5, body_of(blob));
  EXPECT_EQ(b.load(v0.data(), v0.size(), kNow).alert(), Alert::protocol_version);
  Bytes magic = blob;
  magic[0] = 'X';
  s = b.load(magic.data(), magic.size(), kNow);
  EXPECT_NE(std::string(s.what()).find("not a mactls ticket store"), std::string::npos) << s.what();
  Bytes flags = craft(kStoreFormatVersion, 0x02, 5, body_of(blob));
  EXPECT_EQ(b.load(flags.data(), flags.size(), kNow).alert(), Alert::decode_error);
  EXPECT_EQ(b.size(), 0u);
}

TEST(StoreBlobCrafted, ACountThatDisagreesWithTheBodyIsRefused) {
  MemoryTicketStore a, b;
  fill(a);
  Bytes blob;
  ASSERT_TRUE(a.save(&blob, kNow).is_ok());
  for (uint32_t n : {0u, 4u, 6u, 1000u, 0xffffffffu}) {
    Bytes c = craft(kStoreFormatVersion, 0, n, body_of(blob));
    EXPECT_EQ(b.load(c.data(), c.size(), kNow).alert(), Alert::decode_error) << n;
  }
  EXPECT_EQ(b.size(), 0u);
}

// Builds one entry field by field (layout in store_codec.h), with hooks to
// break each field.
struct EntryFields {
  std::string name = "example.com";
  std::string partition;
  uint16_t version = 0x0304;
  Bytes identity = Bytes(8, 0x11);
  Bytes session_id;
  uint8_t ems = 0;
  Bytes psk = Bytes(32, 0x22);
  uint16_t suite = 0x1301;
  uint32_t lifetime = 3600;
  int64_t received_ms = kNow, auth_s = kNowS, not_after_s = 0;
  Bytes build() const {
    Bytes b;
    Writer w(b);
    w.vec16(ByteView(reinterpret_cast<const uint8_t*>(name.data()), name.size()));
    w.u16(443);
    w.bytes(Bytes(32, 0x20).data(), 32);
    w.vec16(ByteView(reinterpret_cast<const uint8_t*>(partition.data()), partition.size()));
    w.u16(version);
    w.vec16(ByteView(identity));
    w.vec8(ByteView(session_id));
    w.u8(ems);
    w.vec8(ByteView(psk));
    w.u16(suite);
    w.u32(lifetime);
    w.u32(0);
    uint8_t t[8];
    store_be64(t, uint64_t(received_ms));
    w.bytes(t, 8);
    store_be64(t, uint64_t(auth_s));
    w.bytes(t, 8);
    store_be64(t, uint64_t(not_after_s));
    w.bytes(t, 8);
    w.u32(0);
    w.u32(0);
    w.u16(0);
    w.u8(0);
    return b;
  }
};

TEST(StoreBlobCrafted, AWellFormedCraftedEntryLoadsUnderItsKey) {
  MemoryTicketStore b;
  Bytes c = craft(kStoreFormatVersion, 0, 1, EntryFields().build());
  ASSERT_TRUE(b.load(c.data(), c.size(), kNow).is_ok());
  TicketKey k;
  k.server_name = "example.com";
  k.port = 443;
  k.context.fill(0x20);
  Ticket t;
  EXPECT_TRUE(b.take(k, kNow, &t));
}

TEST(StoreBlobCrafted, EveryMalformedFieldIsRefusedEvenUnderAValidDigest) {
  std::vector<std::pair<const char*, EntryFields>> cases;
  auto add = [&](const char* what, auto edit) {
    EntryFields f;
    edit(f);
    cases.push_back({what, f});
  };
  add("name over the bound", [](EntryFields& f) { f.name.assign(kStoreMaxName + 1, 'a'); });
  add("partition over the bound", [](EntryFields& f) { f.partition.assign(kStoreMaxName + 1, 'p'); });
  add("unknown version", [](EntryFields& f) { f.version = 0x0302; });
  add("1.3 without identity", [](EntryFields& f) { f.identity.clear(); });
  add("1.3 with a session id", [](EntryFields& f) { f.session_id = Bytes(32, 1); });
  add("1.3 with EMS", [](EntryFields& f) { f.ems = 1; });
  add("ems not a boolean", [](EntryFields& f) { f.ems = 2; });
  add("session id over 32", [](EntryFields& f) {
    f.version = 0x0303;
    f.session_id = Bytes(33, 1);
    f.psk = Bytes(48, 3);
  });
  add("1.3 PSK of no hash's length", [](EntryFields& f) { f.psk = Bytes(31, 2); });
  add("empty PSK", [](EntryFields& f) { f.psk.clear(); });
  add("PSK over 48", [](EntryFields& f) { f.psk = Bytes(49, 2); });
  add("1.2 master secret not 48", [](EntryFields& f) {
    f.version = 0x0303;
    f.session_id = Bytes(32, 1);
  });
  add("1.2 without id or ticket", [](EntryFields& f) {
    f.version = 0x0303;
    f.identity.clear();
    f.psk = Bytes(48, 3);
  });
  add("lifetime 0", [](EntryFields& f) { f.lifetime = 0; });
  add("lifetime over 7 days", [](EntryFields& f) { f.lifetime = 7 * 24 * 3600 + 1; });
  add("suite 0", [](EntryFields& f) { f.suite = 0; });
  add("received before 1970", [](EntryFields& f) { f.received_ms = -1; });
  add("received after 9999", [](EntryFields& f) { f.received_ms = (kStoreMaxUnixS + 1) * 1000; });
  add("authenticated at INT64_MIN", [](EntryFields& f) { f.auth_s = INT64_MIN; });
  add("authenticated after 9999", [](EntryFields& f) { f.auth_s = kStoreMaxUnixS + 1; });
  add("notAfter before 1970", [](EntryFields& f) { f.not_after_s = -5; });
  add("notAfter after 9999", [](EntryFields& f) { f.not_after_s = INT64_MAX; });
  MemoryTicketStore b;
  for (const auto& c : cases) {
    const Bytes entry = c.second.build();
    Bytes blob = craft(kStoreFormatVersion, 0, 1, entry);
    Status s = b.load(blob.data(), blob.size(), kNow);
    EXPECT_EQ(s.alert(), Alert::decode_error) << c.first << ": " << s.what();
    // The same entry cut short anywhere, under a valid digest.
    for (size_t n = 0; n < entry.size(); ++n) {
      Bytes cut = craft(kStoreFormatVersion, 0, 1, Bytes(entry.begin(), entry.begin() + long(n)));
      ASSERT_FALSE(b.load(cut.data(), cut.size(), kNow).is_ok()) << c.first << " cut at " << n;
    }
  }
  EXPECT_EQ(b.size(), 0u);
}

TEST(StoreBlobCrafted, OneBadEntryRefusesTheWholeBlob) {
  EntryFields good, bad;
  bad.lifetime = 0;
  Bytes body = good.build();
  Bytes second = bad.build();
  body.insert(body.end(), second.begin(), second.end());
  Bytes blob = craft(kStoreFormatVersion, 0, 2, body);
  MemoryTicketStore b;
  EXPECT_FALSE(b.load(blob.data(), blob.size(), kNow).is_ok());
  EXPECT_EQ(b.size(), 0u) << "the good entry before it is not loaded either";
}

TEST(StoreBlobCrafted, LoadedEntriesStillObeyTheStoreBounds) {
  MemoryTicketStore a;
  for (uint8_t i = 0; i < 8; ++i) a.insert(key(), full13(i));  // at most 4 kept
  MemoryTicketStore::Limits l;
  l.tickets_per_key = 8;
  MemoryTicketStore wide(l);
  for (uint8_t i = 0; i < 8; ++i) wide.insert(key(), full13(i));
  Bytes blob;
  ASSERT_TRUE(wide.save(&blob, kNow).is_ok());
  MemoryTicketStore b;  // 4 per key
  StoreLoadReport rep;
  ASSERT_TRUE(b.load(blob.data(), blob.size(), kNow, {}, &rep).is_ok());
  EXPECT_EQ(rep.loaded, 8u);
  EXPECT_EQ(b.size(), 4u);
  EXPECT_EQ(b.stats().evicted, 4u);
  Ticket t;
  ASSERT_TRUE(b.take(key(), kNow, &t));
  expect_same(t, full13(7));
}

}  // namespace
}  // namespace mactls
