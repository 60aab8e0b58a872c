// TLS 1.2 record protection (RFC 5246 §6.2.3.3, RFC 5288 §3, RFC 7905 §2)
// through the shared record layer: records built by hand here, independently
// of RecordProtector, must match what it writes and be read back by the
// reader with the RFC 5246 alerts.
#include <gtest/gtest.h>

#include <cstring>
#include <string>

#include "keyschedule/cipher_suite.h"
#include "record/record.h"
#include "support/assert_status.h"
#include "support/record_access.h"

namespace mactls {
namespace {

struct Keys12 {
  const CipherSuite* suite;
  Bytes key, iv;
};

Keys12 keys_for(uint16_t code, uint8_t fill = 0x5a) {
  const CipherSuite* s = find_cipher_suite12(code);
  EXPECT_NE(s, nullptr);
  Keys12 k{s, Bytes(s->key_len, fill), Bytes(fixed_iv_len12(s->aead), 0)};
  for (size_t i = 0; i < k.iv.size(); ++i) k.iv[i] = uint8_t(0xa0 + i);
  return k;
}

// A TLS 1.2 AEAD record made from the RFC text alone: GCM nonce = salt ||
// explicit_nonce with explicit_nonce on the wire (RFC 5288 §3); ChaCha20
// nonce = iv XOR left-padded seq (RFC 7905 §2); additional_data = seq_num ||
// type || version || plaintext length (RFC 5246 §6.2.3.3).
Bytes craft12(const Keys12& k, uint64_t seq, uint8_t type, ByteView plain, uint64_t explicit_nonce,
              uint16_t version = 0x0303) {
  const bool gcm = k.suite->aead != AeadAlg::chacha20_poly1305;
  uint8_t nonce[12] = {};
  if (gcm) {
    std::memcpy(nonce, k.iv.data(), 4);
    store_be64(nonce + 4, explicit_nonce);
  } else {
    std::memcpy(nonce, k.iv.data(), 12);
    for (int i = 0; i < 8; ++i) nonce[11 - i] ^= uint8_t(seq >> (8 * i));
  }
  uint8_t aad[13];
  store_be64(aad, seq);
  aad[8] = type;
  store_be16(aad + 9, version);
  store_be16(aad + 11, uint16_t(plain.size));
  const size_t ex = gcm ? 8 : 0;
  Bytes rec(5 + ex + plain.size + 16);
  rec[0] = type;
  store_be16(&rec[1], version);
  store_be16(&rec[3], uint16_t(ex + plain.size + 16));
  if (gcm) store_be64(&rec[5], explicit_nonce);
  Aead aead;
  aead.set_key(k.suite->aead, k.key.data());
  aead.seal(nonce, ByteView(aad, 13), plain.data, plain.size, rec.data() + 5 + ex);
  return rec;
}

Bytes text(const std::string& s) { return Bytes(s.begin(), s.end()); }

Status read_one(RecordReader& r, const Bytes& wire, Record& rec) {
  ByteView in(wire);
  return r.read(in, rec);
}

class Record12Suites : public ::testing::TestWithParam<uint16_t> {};

TEST_P(Record12Suites, WriterMatchesTheRfcConstructionRecordByRecord) {
  Keys12 k = keys_for(GetParam());
  RecordProtector p;
  ASSERT_OK(p.set_keys12(*k.suite, k.key, k.iv));
  EXPECT_TRUE(p.tls12());
  Bytes out;
  ASSERT_OK(p.write(ContentType::handshake, text("finished!"), out));
  ASSERT_OK(p.write(ContentType::application_data, text("GET / HTTP/1.1"), out));
  ASSERT_OK(p.write(ContentType::application_data, ByteView(), out));  // empty is allowed
  Bytes want = craft12(k, 0, 22, text("finished!"), 0);
  Bytes r1 = craft12(k, 1, 23, text("GET / HTTP/1.1"), 1);
  Bytes r2 = craft12(k, 2, 23, ByteView(), 2);
  want.insert(want.end(), r1.begin(), r1.end());
  want.insert(want.end(), r2.begin(), r2.end());
  EXPECT_EQ(to_hex(out), to_hex(want));
  EXPECT_EQ(p.sequence(), 3u);
}

TEST_P(Record12Suites, ReaderOpensRecordsAndKeepsTheHeaderType) {
  Keys12 k = keys_for(GetParam());
  RecordReader r;
  r.set_tls12(true);
  ASSERT_OK(r.set_keys12(*k.suite, k.key, k.iv));
  // The server picks its explicit nonces; they need not be the sequence.
  Bytes wire = craft12(k, 0, 22, text("server finished"), 0x1122334455667788ull);
  Bytes b = craft12(k, 1, 23, text("HTTP/1.1 200 OK"), 7);
  Bytes c = craft12(k, 2, 21, Bytes{1, 0}, 9);
  wire.insert(wire.end(), b.begin(), b.end());
  wire.insert(wire.end(), c.begin(), c.end());
  ByteView in(wire);
  Record rec;
  ASSERT_OK(r.read(in, rec));
  ASSERT_TRUE(rec.present);
  EXPECT_TRUE(rec.encrypted);
  EXPECT_EQ(rec.type, ContentType::handshake);
  EXPECT_EQ(std::string(rec.payload.begin(), rec.payload.end()), "server finished");
  ASSERT_OK(r.read(in, rec));
  EXPECT_EQ(rec.type, ContentType::application_data);
  EXPECT_EQ(std::string(rec.payload.begin(), rec.payload.end()), "HTTP/1.1 200 OK");
  ASSERT_OK(r.read(in, rec));
  EXPECT_EQ(rec.type, ContentType::alert);
  EXPECT_EQ(rec.payload.size, 2u);
  EXPECT_EQ(r.sequence(), 3u);
}

TEST_P(Record12Suites, WriterAndReaderAgreeOnLargeFragmentedPayloads) {
  Keys12 k = keys_for(GetParam());
  RecordProtector p;
  ASSERT_OK(p.set_keys12(*k.suite, k.key, k.iv));
  Bytes payload(40000);
  for (size_t i = 0; i < payload.size(); ++i) payload[i] = uint8_t(i * 7);
  Bytes out;
  ASSERT_OK(p.write(ContentType::application_data, payload, out));
  RecordReader r;
  r.set_tls12(true);
  ASSERT_OK(r.set_keys12(*k.suite, k.key, k.iv));
  ByteView in(out);
  Bytes got;
  Record rec;
  size_t records = 0;
  while (!in.empty()) {
    ASSERT_OK(r.read(in, rec));
    ASSERT_TRUE(rec.present);
    EXPECT_LE(rec.payload.size, kMaxPlaintextLen);
    got.insert(got.end(), rec.payload.begin(), rec.payload.end());
    ++records;
  }
  EXPECT_EQ(records, 3u);
  EXPECT_EQ(got, payload);
}

TEST_P(Record12Suites, EveryAuthenticatedFieldIsChecked) {
  Keys12 k = keys_for(GetParam());
  auto expect_bad_mac = [&](const Bytes& wire, const char* what) {
    RecordReader r;
    r.set_tls12(true);
    ASSERT_OK(r.set_keys12(*k.suite, k.key, k.iv));
    Record rec;
    EXPECT_EQ(read_one(r, wire, rec).alert(), Alert::bad_record_mac) << what;
  };
  Bytes good = craft12(k, 0, 23, text("data"), 0);
  Bytes tag = good;
  tag.back() ^= 1;
  expect_bad_mac(tag, "tag");
  Bytes type = good;
  type[0] = 22;  // the header type is in the additional data
  expect_bad_mac(type, "type");
  expect_bad_mac(craft12(k, 1, 23, text("data"), 1), "sequence number");
  Bytes key = craft12(keys_for(GetParam(), 0x5b), 0, 23, text("data"), 0);
  expect_bad_mac(key, "key");
  if (k.suite->aead != AeadAlg::chacha20_poly1305) {
    Bytes nonce = good;
    nonce[5] ^= 1;  // the explicit nonce
    expect_bad_mac(nonce, "explicit nonce");
  }
}

INSTANTIATE_TEST_SUITE_P(AllSuites, Record12Suites,
                         ::testing::Values(TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
                                           TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
                                           TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256));

TEST(Record12, FragmentShorterThanNonceAndTagIsBadRecordMac) {
  Keys12 k = keys_for(TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256);
  RecordReader r;
  r.set_tls12(true);
  ASSERT_OK(r.set_keys12(*k.suite, k.key, k.iv));
  Bytes wire = {23, 3, 3, 0, 23};
  wire.resize(5 + 23, 0);  // 8 + 16 needed
  Record rec;
  EXPECT_EQ(read_one(r, wire, rec).alert(), Alert::bad_record_mac);
}

TEST(Record12, PlaintextOver2To14IsRecordOverflow) {
  Keys12 k = keys_for(TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256);
  RecordReader r;
  r.set_tls12(true);
  ASSERT_OK(r.set_keys12(*k.suite, k.key, k.iv));
  Bytes big(kMaxPlaintextLen + 1, 'x');
  Record rec;
  EXPECT_EQ(read_one(r, craft12(k, 0, 23, big, 0), rec).alert(), Alert::record_overflow);
}

TEST(Record12, HeaderClaimingMoreThanAnyAeadRecordIsRecordOverflow) {
  Keys12 k = keys_for(TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256);
  RecordReader r;
  r.set_tls12(true);
  ASSERT_OK(r.set_keys12(*k.suite, k.key, k.iv));
  Bytes wire = {23, 3, 3, 0, 0};
  store_be16(&wire[3], uint16_t(kMaxCiphertextLen + 1));
  Record rec;
  EXPECT_EQ(read_one(r, wire, rec).alert(), Alert::record_overflow);
}

TEST(Record12, WrongRecordVersionIsDecodeError) {
  Keys12 k = keys_for(TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256);
  RecordReader r;
  r.set_tls12(true);
  ASSERT_OK(r.set_keys12(*k.suite, k.key, k.iv));
  Record rec;
  EXPECT_EQ(read_one(r, craft12(k, 0, 23, text("x"), 0, 0x0301), rec).alert(),
            Alert::decode_error);
}

TEST(Record12, EmptyHandshakeIsUnexpectedEmptyApplicationDataIsSkipped) {
  Keys12 k = keys_for(TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256);
  {
    RecordReader r;
    r.set_tls12(true);
    ASSERT_OK(r.set_keys12(*k.suite, k.key, k.iv));
    Record rec;
    EXPECT_EQ(read_one(r, craft12(k, 0, 22, ByteView(), 0), rec).alert(),
              Alert::unexpected_message);
  }
  RecordReader r;
  r.set_tls12(true);
  ASSERT_OK(r.set_keys12(*k.suite, k.key, k.iv));
  Bytes wire = craft12(k, 0, 23, ByteView(), 0);
  Bytes next = craft12(k, 1, 23, text("after"), 1);
  wire.insert(wire.end(), next.begin(), next.end());
  Record rec;
  ASSERT_OK(read_one(r, wire, rec));
  ASSERT_TRUE(rec.present);
  EXPECT_EQ(std::string(rec.payload.begin(), rec.payload.end()), "after");
}

TEST(Record12, ChangeCipherSpecIsDeliveredWhileAllowedAndRefusedUnderKeys) {
  const Bytes ccs = {20, 3, 3, 0, 1, 1};
  {
    RecordReader r;
    r.set_tls12(true);
    Record rec;
    EXPECT_EQ(read_one(r, ccs, rec).alert(), Alert::unexpected_message);  // not expected now
  }
  {
    RecordReader r;
    r.set_tls12(true);
    r.set_allow_change_cipher_spec(true);
    Record rec;
    ASSERT_OK(read_one(r, ccs, rec));
    ASSERT_TRUE(rec.present);  // 1.3 drops it; in 1.2 it is the key change
    EXPECT_EQ(rec.type, ContentType::change_cipher_spec);
    EXPECT_FALSE(rec.encrypted);
  }
  {
    RecordReader r;
    r.set_tls12(true);
    r.set_allow_change_cipher_spec(true);
    Record rec;
    EXPECT_EQ(read_one(r, Bytes{20, 3, 3, 0, 1, 2}, rec).alert(), Alert::unexpected_message);
  }
  {
    Keys12 k = keys_for(TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256);
    RecordReader r;
    r.set_tls12(true);
    r.set_allow_change_cipher_spec(true);
    ASSERT_OK(r.set_keys12(*k.suite, k.key, k.iv));
    Record rec;  // a second CCS would be a renegotiation
    EXPECT_EQ(read_one(r, ccs, rec).alert(), Alert::unexpected_message);
  }
}

TEST(Record12, KeysAreCheckedWhenInstalled) {
  Keys12 k = keys_for(TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256);
  RecordProtector p;
  EXPECT_EQ(p.set_keys12(*k.suite, ByteView(k.key.data(), 15), k.iv).alert(), Alert::internal_error);
  EXPECT_EQ(p.set_keys12(*k.suite, k.key, Bytes(12)).alert(), Alert::internal_error);
  EXPECT_EQ(p.set_keys12(*find_cipher_suite(TLS_AES_128_GCM_SHA256), k.key, k.iv).alert(),
            Alert::internal_error);
  EXPECT_FALSE(p.has_keys());
  RecordReader r;  // not switched to 1.2
  EXPECT_EQ(r.set_keys12(*k.suite, k.key, k.iv).alert(), Alert::internal_error);
}

TEST(Record12, NoPaddingAndNoUnprotectableTypes) {
  Keys12 k = keys_for(TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256);
  RecordProtector p;
  ASSERT_OK(p.set_keys12(*k.suite, k.key, k.iv));
  Bytes out;
  EXPECT_EQ(p.write(ContentType::application_data, text("x"), out, 1).alert(),
            Alert::internal_error);
  EXPECT_EQ(p.seal(ContentType::change_cipher_spec, Bytes{1}, out).alert(), Alert::internal_error);
  EXPECT_EQ(p.seal(ContentType::application_data, Bytes(kMaxPlaintextLen + 1), out).alert(),
            Alert::internal_error);
  EXPECT_TRUE(out.empty());
}

TEST(Record12, SequenceNumberNeverWraps) {
  Keys12 k = keys_for(TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256);
  RecordProtector p;
  ASSERT_OK(p.set_keys12(*k.suite, k.key, k.iv));
  RecordTestAccess::set_sequence(p, ~uint64_t(0) - 1);
  Bytes out;
  ASSERT_OK(p.seal(ContentType::application_data, text("last"), out));
  EXPECT_EQ(p.seal(ContentType::application_data, text("one more"), out).alert(),
            Alert::internal_error);
}

TEST(Record12, SwitchingBackToTls13KeysClearsTheMode) {
  Keys12 k = keys_for(TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256);
  RecordProtector p;
  ASSERT_OK(p.set_keys12(*k.suite, k.key, k.iv));
  ASSERT_OK(p.set_keys(*find_cipher_suite(TLS_AES_128_GCM_SHA256), Bytes(32, 1)));
  EXPECT_FALSE(p.tls12());
}

}  // namespace
}  // namespace mactls
