// Cipher-suite table, typed key-schedule stages and the transcript.
// (The RFC 8448 traces are replayed in rfc8448_test.cpp.)
#include <gtest/gtest.h>

#include "keyschedule/cipher_suite.h"
#include "keyschedule/key_schedule.h"
#include "keyschedule/transcript.h"
#include "support/rfc8448.h"
#include "support/keyschedule_access.h"
#include "support/vectors.h"

namespace mactls {
namespace {

using test::hex;

ByteView view(const uint8_t* p, HashAlg h) { return ByteView(p, hash_len(h)); }

// ---- Cipher suites (RFC 8446 §B.4) ----------------------------------------

TEST(CipherSuite, TableHasTheThreeTls13Suites) {
  const CipherSuite* a = find_cipher_suite(0x1301);
  const CipherSuite* b = find_cipher_suite(0x1302);
  const CipherSuite* c = find_cipher_suite(0x1303);
  ASSERT_TRUE(a && b && c);
  EXPECT_STREQ(a->name, "TLS_AES_128_GCM_SHA256");
  EXPECT_EQ(a->hash, HashAlg::sha256);
  EXPECT_EQ(a->aead, AeadAlg::aes128_gcm);
  EXPECT_EQ(a->key_len, 16u);
  EXPECT_STREQ(b->name, "TLS_AES_256_GCM_SHA384");
  EXPECT_EQ(b->hash, HashAlg::sha384);
  EXPECT_EQ(b->aead, AeadAlg::aes256_gcm);
  EXPECT_EQ(b->key_len, 32u);
  EXPECT_STREQ(c->name, "TLS_CHACHA20_POLY1305_SHA256");
  EXPECT_EQ(c->hash, HashAlg::sha256);
  EXPECT_EQ(c->aead, AeadAlg::chacha20_poly1305);
  EXPECT_EQ(c->key_len, 32u);
  for (const CipherSuite& s : kCipherSuites) EXPECT_EQ(s.key_len, aead_key_len(s.aead));
}

TEST(CipherSuite, UnknownCodesAreNotFound) {
  // 0x1304/0x1305 are the CCM suites (not implemented); 0x00ff is the SCSV;
  // 0xc02f is a TLS 1.2 suite.
  for (uint16_t code : {0x0000, 0x00ff, 0x1300, 0x1304, 0x1305, 0xc02f, 0x0113})
    EXPECT_EQ(find_cipher_suite(code), nullptr) << code;
}

// ---- Stages ----------------------------------------------------------------

// RFC 8448 §3: Early Secret with no PSK and its "derived" value.
TEST(KeySchedule, EarlySecretWithoutPsk) {
  const test::Rfc8448Section* s3 = test::rfc8448_section("3");
  ASSERT_NE(s3, nullptr);
  EarlySecret early = EarlySecret::without_psk(HashAlg::sha256);
  EXPECT_EQ(to_hex(KeyScheduleTestAccess::secret(early)), to_hex(s3->value("early_secret")));
  Secret binder;
  early.binder_key(binder);
  EXPECT_TRUE(binder.empty()) << "no binder key without a PSK";
}

TEST(KeySchedule, TransitionsConsumeTheStage) {
  // RFC 8448 §3 values, to show that what a consumed stage yields is not a
  // stale copy of the right answer.
  const test::Rfc8448Section* s3 = test::rfc8448_section("3");
  ASSERT_NE(s3, nullptr);
  EarlySecret early = EarlySecret::with_psk(HashAlg::sha256, s3->value("resumption_psk"));
  HandshakeSecret hs = std::move(early).into_handshake(s3->value("handshake_secret_ikm"));
  EXPECT_TRUE(early.consumed());
  EXPECT_FALSE(hs.consumed());
  Secret out;
  early.binder_key(out);
  EXPECT_TRUE(out.empty()) << "a consumed early stage yields nothing";
  HandshakeSecret again = std::move(early).into_handshake(s3->value("handshake_secret_ikm"));
  EXPECT_TRUE(again.consumed()) << "a consumed stage cannot start a new schedule";
  again.client_traffic(s3->value("client_handshake_traffic_secret_transcript_hash"), out);
  EXPECT_TRUE(out.empty());

  MasterSecret master = std::move(hs).into_master();
  EXPECT_TRUE(hs.consumed());
  hs.server_traffic(s3->value("server_handshake_traffic_secret_transcript_hash"), out);
  EXPECT_TRUE(out.empty());
  EXPECT_FALSE(master.consumed());

  // Moving a stage also empties the source.
  MasterSecret moved = std::move(master);
  EXPECT_TRUE(master.consumed());
  EXPECT_FALSE(moved.consumed());
  master.client_application_traffic(ByteView(), out);
  EXPECT_TRUE(out.empty());

  // An empty secret cannot become record keys.
  TrafficKeys keys;
  Status st = traffic_keys(*find_cipher_suite(TLS_AES_128_GCM_SHA256), out.view(), keys);
  EXPECT_FALSE(st.is_ok());
  EXPECT_EQ(st.alert(), Alert::internal_error);
}

// Oracle: tests/vectors/keyschedule_oracle.py (hashlib/hmac from RFC 8446
// §7.1/§7.3 and RFC 5869); RFC 8448 has no SHA-384 trace.
TEST(KeySchedule, Sha384ScheduleAndAes256Keys) {
  const HashAlg h = HashAlg::sha384;
  Bytes ikm(48);
  for (size_t i = 0; i < ikm.size(); ++i) ikm[i] = uint8_t(i);
  uint8_t th[48];
  const char* text = "mactls transcript";
  hash_once(h, ByteView(reinterpret_cast<const uint8_t*>(text), 17), th);

  EarlySecret early = EarlySecret::without_psk(h);
  EXPECT_EQ(to_hex(KeyScheduleTestAccess::secret(early)),
            "7ee8206f5570023e6dc7519eb1073bc4e791ad37b5c382aa10ba18e2357e716971f9362f2c2fe2a7"
            "6bfd78dfec4ea9b5");
  HandshakeSecret hs = std::move(early).into_handshake(ikm);
  EXPECT_EQ(to_hex(KeyScheduleTestAccess::secret(hs)),
            "deb1becd84738bdcbf73bdd28bd2209d2fe51b84986a4fbb63d7e3902c00a7d867db2d8e1af869b9"
            "52dcab5d7f482cab");
  Secret c_hs;
  hs.client_traffic(view(th, h), c_hs);
  EXPECT_EQ(to_hex(c_hs.view()),
            "1343f44ddd042268fc052475e2f9a438d6a7b7090d05f9c69a2378b4c5f7339b2daeb4f7bf4b15e2"
            "52eca477b38cda03");
  TrafficKeys keys;
  ASSERT_TRUE(traffic_keys(*find_cipher_suite(TLS_AES_256_GCM_SHA384), c_hs.view(), keys).is_ok());
  EXPECT_EQ(to_hex(keys.key.view()),
            "605cbbd94123162e6b9870544446128767b7f47b43f132fa69784cfa2bb471aa");
  EXPECT_EQ(to_hex(ByteView(keys.iv, 12)), "bc6eba75c5b025482d832af0");

  MasterSecret master = std::move(hs).into_master();
  EXPECT_EQ(to_hex(KeyScheduleTestAccess::secret(master)),
            "78f71f66fe0d83f65f92e4665b4e2acccb43632e32ebf128e19b5d95c60d4990721065aea51bb55a"
            "9eb9f81cd7cbf3e1");
  Secret c_ap;
  master.client_application_traffic(view(th, h), c_ap);
  EXPECT_EQ(to_hex(c_ap.view()),
            "0db444c2db62ef9055d796980e97c56db30f470a7c368e04fd0e70d96de046f362cd27a67c90ebd1"
            "571d402d8c7925aa");
  Secret next;
  next_traffic_secret(h, c_ap.view(), next);
  EXPECT_EQ(to_hex(next.view()),
            "3cc8073735e91ed1e8d76c87852aa93fe24b49a42c69ca71e43bb41fc663c403e389ce6badb35c34"
            "c3356589b7ea3240");
  Secret psk;
  const uint8_t nonce[4] = {0, 0, 0, 1};
  derive_resumption_psk(h, KeyScheduleTestAccess::secret(master), ByteView(nonce, 4), psk);
  EXPECT_EQ(to_hex(psk.view()),
            "ec1d4ed7d70835a359e3ea877240a813bf13ffecd8a7c1faff2939bb658201dd8c4d5457c36469dd"
            "041e4bd008bf557a");
}

// KeyUpdate (RFC 8446 §7.2) from RFC 8448 §3's
// client_application_traffic_secret_0; expected values from
// tests/vectors/keyschedule_oracle.py. Updating in place must work.
TEST(KeySchedule, NextTrafficSecretInPlace) {
  const test::Rfc8448Section* s3 = test::rfc8448_section("3");
  ASSERT_NE(s3, nullptr);
  Secret s(ByteView(s3->value("client_application_traffic_secret_0")));
  next_traffic_secret(HashAlg::sha256, s.view(), s);
  EXPECT_EQ(to_hex(s.view()), "fcdfcc72725aaee48bf64e4fd8b749cdbdbab39d90da0b26e2245ca6ea167207");
  next_traffic_secret(HashAlg::sha256, s.view(), s);
  EXPECT_EQ(to_hex(s.view()), "68474fe58c172143d0a009a76edd231b0d934f3058588ea0852662279e54a573");
  Secret bad;
  next_traffic_secret(HashAlg::sha384, s.view(), bad);  // 32-byte secret, 48-byte hash
  EXPECT_TRUE(bad.empty());
}

// RFC 8448 §3: server Finished. verify_finished accepts exactly the listed
// verify_data and nothing else.
TEST(KeySchedule, VerifyFinishedRejectsWrongData) {
  const test::Rfc8448Section* s3 = test::rfc8448_section("3");
  ASSERT_NE(s3, nullptr);
  const Bytes base = s3->value("server_handshake_traffic_secret");
  Bytes good = s3->value("server_verify_data");
  // Transcript-Hash(ClientHello .. CertificateVerify).
  HashCtx ctx(HashAlg::sha256);
  for (const char* m : {"client_ClientHello", "server_ServerHello", "server_EncryptedExtensions",
                        "server_Certificate", "server_CertificateVerify"})
    ctx.update(s3->value(m));
  uint8_t th[32];
  ctx.peek(th);
  EXPECT_TRUE(verify_finished(HashAlg::sha256, base, ByteView(th, 32), good));
  Bytes flipped = good;
  flipped[0] ^= 0x80;
  EXPECT_FALSE(verify_finished(HashAlg::sha256, base, ByteView(th, 32), flipped));
  EXPECT_FALSE(verify_finished(HashAlg::sha256, base, ByteView(th, 32),
                               ByteView(good.data(), good.size() - 1)));
  EXPECT_FALSE(verify_finished(HashAlg::sha256, ByteView(base.data(), 31), ByteView(th, 32), good))
      << "a base secret of the wrong length never verifies";
}

// ---- Transcript (RFC 8446 §4.4.1) -----------------------------------------

Bytes message(uint8_t type, size_t body_len, uint8_t fill) {
  Bytes m(4 + body_len, fill);
  m[0] = type;
  store_be24(&m[1], uint32_t(body_len));
  return m;
}

TEST(Transcript, BuffersUntilTheHashIsKnown) {
  Bytes ch = message(1, 300, 0xaa), sh = message(2, 90, 0xbb);
  Transcript t;
  t.add(ch);
  uint8_t out[48];
  EXPECT_FALSE(t.hash_known());
  EXPECT_EQ(t.current_hash(out), 0u) << "no hash before the suite is known";
  ASSERT_TRUE(t.set_hash(HashAlg::sha384).is_ok());
  t.add(sh);
  EXPECT_EQ(t.current_hash(out), 48u);
  Bytes both = ch;
  both.insert(both.end(), sh.begin(), sh.end());
  uint8_t want[48];
  hash_once(HashAlg::sha384, both, want);
  EXPECT_EQ(to_hex(ByteView(out, 48)), to_hex(ByteView(want, 48)));
  EXPECT_EQ(t.message_count(), 2u);

  EXPECT_TRUE(t.set_hash(HashAlg::sha384).is_ok()) << "same hash again is a no-op";
  Status st = t.set_hash(HashAlg::sha256);
  EXPECT_EQ(st.alert(), Alert::internal_error);
  EXPECT_FALSE(st.is_ok());
}

TEST(Transcript, HashWithPrefixLeavesTheTranscriptAlone) {
  Bytes ch1 = message(1, 200, 0x11), hrr = message(2, 60, 0x22), ch2 = message(1, 250, 0x33);
  Transcript t;
  uint8_t got[32], want[32];
  // Before the hash is known (first ClientHello): Hash(partial).
  ASSERT_TRUE(t.hash_with_prefix(HashAlg::sha256, ByteView(ch1).sub(0, 150), got).is_ok());
  hash_once(HashAlg::sha256, ByteView(ch1).sub(0, 150), want);
  EXPECT_EQ(to_hex(ByteView(got, 32)), to_hex(ByteView(want, 32)));

  t.add(ch1);
  ASSERT_TRUE(t.set_hash(HashAlg::sha256).is_ok());
  t.add(hrr);
  // After it: Hash(ch1 || hrr || partial of ch2).
  ASSERT_TRUE(t.hash_with_prefix(HashAlg::sha256, ByteView(ch2).sub(0, 100), got).is_ok());
  Bytes all;
  all.reserve(ch1.size() + hrr.size() + 100);  // one allocation: keeps GCC 12 -O3 -Warray-bounds quiet
  all.insert(all.end(), ch1.begin(), ch1.end());
  all.insert(all.end(), hrr.begin(), hrr.end());
  all.insert(all.end(), ch2.begin(), ch2.begin() + 100);
  hash_once(HashAlg::sha256, all, want);
  EXPECT_EQ(to_hex(ByteView(got, 32)), to_hex(ByteView(want, 32)));
  // ... and the running transcript did not take the prefix in.
  ASSERT_EQ(t.current_hash(got), 32u);
  all.resize(ch1.size() + hrr.size());
  hash_once(HashAlg::sha256, all, want);
  EXPECT_EQ(to_hex(ByteView(got, 32)), to_hex(ByteView(want, 32)));

  Status st = t.hash_with_prefix(HashAlg::sha384, ByteView(ch2), got);
  EXPECT_EQ(st.alert(), Alert::internal_error) << "a PSK hash other than the suite's";
  EXPECT_FALSE(st.is_ok());
}

// RFC 8446 §4.4.1: ClientHello1 becomes message_hash(254) 00 00 Hash.length
// Hash(ClientHello1); computed independently here.
TEST(Transcript, HelloRetryRequestSubstitutesMessageHash) {
  Bytes ch1 = message(1, 180, 0x01), hrr = message(2, 170, 0x02);
  Transcript t;
  t.add(ch1);
  EXPECT_EQ(t.restart_with_message_hash().alert(), Alert::internal_error)
      << "needs the HRR's hash first";
  ASSERT_TRUE(t.set_hash(HashAlg::sha384).is_ok());
  ASSERT_TRUE(t.restart_with_message_hash().is_ok());
  t.add(hrr);

  Bytes expect = {254, 0, 0, 48};
  uint8_t h1[48];
  hash_once(HashAlg::sha384, ch1, h1);
  expect.insert(expect.end(), h1, h1 + 48);
  expect.insert(expect.end(), hrr.begin(), hrr.end());
  uint8_t want[48], got[48];
  hash_once(HashAlg::sha384, expect, want);
  ASSERT_EQ(t.current_hash(got), 48u);
  EXPECT_EQ(to_hex(ByteView(got, 48)), to_hex(ByteView(want, 48)));

  Status st = t.restart_with_message_hash();
  EXPECT_FALSE(st.is_ok()) << "only one HelloRetryRequest";
  EXPECT_EQ(st.alert(), Alert::internal_error);
}

TEST(Transcript, MessageHashMustReplaceExactlyClientHello1) {
  Transcript t;
  t.add(message(1, 10, 1));
  t.add(message(2, 10, 2));  // HRR added too early
  ASSERT_TRUE(t.set_hash(HashAlg::sha256).is_ok());
  Status st = t.restart_with_message_hash();
  EXPECT_FALSE(st.is_ok());
  EXPECT_EQ(st.alert(), Alert::internal_error);
}

}  // namespace
}  // namespace mactls
