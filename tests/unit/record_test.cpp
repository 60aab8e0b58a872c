// Record layer (RFC 8446 §5): protection, the reader's checks with their
// exact alerts, fragmentation, the handshake reassembler and alerts.
// (RFC 8448 records are replayed in rfc8448_test.cpp.)
#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <string>

#include "keyschedule/cipher_suite.h"
#include "keyschedule/key_schedule.h"
#include "record/record.h"
#include "support/record_access.h"
#include "support/assert_status.h"
#include "support/rfc8448.h"
#include "support/vectors.h"

namespace mactls {
namespace {

using test::hex;

const CipherSuite& aes128() { return *find_cipher_suite(TLS_AES_128_GCM_SHA256); }

// A made-up 32-byte traffic secret (not from any trace).
Bytes secret_a() { return Bytes(32, 0x42); }
Bytes secret_b() { return Bytes(32, 0x43); }

// Builds a TLSCiphertext by hand, independently of RecordProtector, so the
// reader can be shown records the protector refuses to produce:
// nonce = iv XOR seq (RFC 8446 §5.3), AAD = header (§5.2).
Bytes craft(const CipherSuite& suite, ByteView secret, uint64_t seq, ByteView inner,
            uint8_t outer_type = 23, uint16_t version = 0x0303) {
  TrafficKeys k;
  EXPECT_TRUE(traffic_keys(suite, secret, k).is_ok());
  Aead aead;
  aead.set_key(suite.aead, k.key.data());
  uint8_t nonce[12];
  std::memcpy(nonce, k.iv, 12);
  for (int i = 0; i < 8; ++i) nonce[11 - i] ^= uint8_t(seq >> (8 * i));
  Bytes rec(5 + inner.size + 16);
  rec[0] = outer_type;
  store_be16(&rec[1], version);
  store_be16(&rec[3], uint16_t(inner.size + 16));
  aead.seal(nonce, ByteView(rec.data(), 5), inner.data, inner.size, rec.data() + 5);
  return rec;
}

Bytes inner(const std::string& content, uint8_t type, size_t zeros = 0) {
  Bytes b(content.begin(), content.end());
  b.push_back(type);
  b.insert(b.end(), zeros, 0);
  return b;
}

// Feeds all of `wire` to the reader in one call.
Status read_one(RecordReader& r, const Bytes& wire, Record& rec) {
  ByteView in(wire);
  return r.read(in, rec);
}

void expect_alert(Status s, Alert a, const char* why) {
  EXPECT_FALSE(s.is_ok()) << why;
  EXPECT_EQ(s.alert(), a) << why << " (got " << alert_name(s.alert()) << ": " << s.what() << ")";
}

// ---- Protection round trips ------------------------------------------------

TEST(RecordProtector, RoundTripsEverySuiteWithPadding) {
  for (const CipherSuite& suite : kCipherSuites) {
    Bytes secret(hash_len(suite.hash), 0x5a);
    RecordProtector w;
    RecordReader r;
    ASSERT_OK(w.set_keys(suite, secret));
    ASSERT_OK(r.set_keys(suite, secret));
    Bytes out;
    const std::string text = "GET / HTTP/1.1\r\n\r\n";
    ASSERT_OK(w.seal(ContentType::application_data,
                     ByteView(reinterpret_cast<const uint8_t*>(text.data()), text.size()), out,
                     100));
    EXPECT_EQ(out.size(), 5 + text.size() + 1 + 100 + 16) << suite.name;
    EXPECT_EQ(to_hex(ByteView(out).sub(0, 3)), "170303") << "opaque_type 23, version 0x0303";
    Record rec;
    ASSERT_OK(read_one(r, out, rec));
    ASSERT_TRUE(rec.present);
    EXPECT_TRUE(rec.encrypted);
    EXPECT_EQ(rec.type, ContentType::application_data);
    EXPECT_EQ(std::string(rec.payload.begin(), rec.payload.end()), text) << suite.name;
    EXPECT_EQ(w.sequence(), 1u);
    EXPECT_EQ(r.sequence(), 1u);
  }
}

// The crafted record (independent nonce/AAD construction) and the
// protector's output are the same bytes.
TEST(RecordProtector, MatchesAnIndependentConstruction) {
  RecordProtector w;
  ASSERT_OK(w.set_keys(aes128(), secret_a()));
  Bytes out;
  for (uint64_t seq = 0; seq < 3; ++seq) {
    out.clear();
    ASSERT_OK(w.seal(ContentType::handshake, hex("14000000"), out));
    EXPECT_EQ(to_hex(out), to_hex(craft(aes128(), secret_a(), seq, hex("1400000016"))));
  }
}

TEST(RecordProtector, RefusesOversizeAndKeylessRecords) {
  RecordProtector w;
  Bytes out;
  expect_alert(w.seal(ContentType::application_data, hex("00"), out), Alert::internal_error,
               "no keys");
  ASSERT_OK(w.set_keys(aes128(), secret_a()));
  Bytes big(kMaxPlaintextLen + 1, 'x');
  expect_alert(w.seal(ContentType::application_data, big, out), Alert::internal_error,
               "content over 2^14");
  Bytes full(kMaxPlaintextLen, 'x');
  expect_alert(w.seal(ContentType::application_data, full, out, 1), Alert::internal_error,
               "content + padding over 2^14 + 1");
  ASSERT_OK(w.seal(ContentType::application_data, full, out));
  EXPECT_EQ(out.size(), 5 + kMaxPlaintextLen + 1 + 16) << "a full record";
  expect_alert(w.write(ContentType::handshake, ByteView(), out), Alert::internal_error,
               "empty handshake payload");
  Status s = w.set_keys(aes128(), Bytes(31, 1));
  expect_alert(s, Alert::internal_error, "secret of the wrong length");
  EXPECT_FALSE(w.has_keys()) << "a failed set_keys leaves no keys";
}

TEST(RecordProtector, WriteFragmentsAbove2To14) {
  RecordProtector w;
  RecordReader r;
  ASSERT_OK(w.set_keys(aes128(), secret_a()));
  ASSERT_OK(r.set_keys(aes128(), secret_a()));
  Bytes payload(40000);
  for (size_t i = 0; i < payload.size(); ++i) payload[i] = uint8_t(i * 7);
  Bytes out;
  ASSERT_OK(w.write(ContentType::application_data, payload, out));
  EXPECT_EQ(w.sequence(), 3u) << "16384 + 16384 + 7232";
  ByteView in(out);
  Bytes joined;
  size_t records = 0;
  while (!in.empty()) {
    Record rec;
    ASSERT_OK(r.read(in, rec));
    ASSERT_TRUE(rec.present);
    EXPECT_LE(rec.payload.size, kMaxPlaintextLen);
    joined.insert(joined.end(), rec.payload.begin(), rec.payload.end());
    ++records;
  }
  EXPECT_EQ(records, 3u);
  EXPECT_EQ(joined, payload);
}

TEST(RecordWriter, PlaintextFragmentsAndKeepsTheVersion) {
  Bytes payload(20000, 0x01);
  Bytes out;
  ASSERT_OK(
      write_plaintext(ContentType::handshake, payload, out, kInitialClientHelloRecordVersion));
  ASSERT_EQ(out.size(), 20000u + 10);
  EXPECT_EQ(to_hex(ByteView(out).sub(0, 5)), "1603014000");  // 16384 bytes, version 0x0301
  EXPECT_EQ(to_hex(ByteView(out).sub(5 + 16384, 5)), "1603010e20");  // 3616 bytes
  Bytes bad;
  expect_alert(write_plaintext(ContentType::application_data, payload, bad),
               Alert::internal_error, "application data is always protected");
  expect_alert(write_plaintext(ContentType::alert, ByteView(), bad), Alert::internal_error,
               "empty alert");
  EXPECT_TRUE(bad.empty());
}

// ---- Reader: streaming -----------------------------------------------------

// RFC 8448 §3: the server's records, fed one byte at a time, come out as
// the listed payloads, and two records in one chunk come out one by one.
TEST(RecordReader, ReadsByteByByteAndOneRecordAtATime) {
  const test::Rfc8448Section* s3 = test::rfc8448_section("3");
  ASSERT_NE(s3, nullptr);
  ASSERT_GE(s3->records.size(), 2u);
  const test::Rfc8448Record& sh = s3->records[1];  // server ServerHello, plaintext
  RecordReader r;
  Record rec;
  for (size_t i = 0; i < sh.complete_record.size(); ++i) {
    ByteView one(&sh.complete_record[i], 1);
    ASSERT_OK(r.read(one, rec));
    EXPECT_TRUE(one.empty());
    EXPECT_EQ(rec.present, i + 1 == sh.complete_record.size()) << i;
  }
  EXPECT_EQ(to_hex(rec.payload), to_hex(sh.payload));
  EXPECT_FALSE(r.has_partial_record());

  Bytes two = sh.complete_record;
  two.insert(two.end(), sh.complete_record.begin(), sh.complete_record.end());
  ByteView in(two);
  ASSERT_OK(r.read(in, rec));
  ASSERT_TRUE(rec.present);
  EXPECT_EQ(in.size, sh.complete_record.size()) << "the second record stays in the input";
  ASSERT_OK(r.read(in, rec));
  ASSERT_TRUE(rec.present);
  EXPECT_TRUE(in.empty());
}

// ---- Reader: the exact alerts ----------------------------------------------

TEST(RecordReader, AnEmptyInputWithANullPointerIsHarmless) {
  // Found by the record fuzzer (UBSan: memcpy from a null pointer).
  RecordReader r;
  ByteView empty;
  Record rec;
  ASSERT_TRUE(r.read(empty, rec).is_ok());
  EXPECT_FALSE(rec.present);
  EXPECT_FALSE(r.has_partial_record());
}

TEST(RecordReader, TamperedTagIsBadRecordMac) {
  Bytes rec = craft(aes128(), secret_a(), 0, inner("hello", 23));
  for (size_t pos : {size_t(5), rec.size() - 1}) {  // first ciphertext byte, last tag byte
    Bytes bad = rec;
    bad[pos] ^= 0x01;
    RecordReader r;
    ASSERT_OK(r.set_keys(aes128(), secret_a()));
    Record out;
    expect_alert(read_one(r, bad, out), Alert::bad_record_mac, "tampered record");
  }
  // The right record under the wrong key fails the same way.
  RecordReader other;
  ASSERT_OK(other.set_keys(aes128(), secret_b()));
  Record out;
  expect_alert(read_one(other, rec, out), Alert::bad_record_mac, "wrong key");
}

TEST(RecordReader, ShortCiphertextIsBadRecordMac) {
  RecordReader r;
  ASSERT_OK(r.set_keys(aes128(), secret_a()));
  Bytes rec = hex("1703030005 0102030405");  // shorter than a tag
  Record out;
  expect_alert(read_one(r, rec, out), Alert::bad_record_mac, "5-byte ciphertext");
}

TEST(RecordReader, OversizeCiphertextIsRecordOverflowFromTheHeader) {
  RecordReader r;
  ASSERT_OK(r.set_keys(aes128(), secret_a()));
  Bytes header = hex("1703034101");  // 2^14 + 257
  Record out;
  ByteView in(header);
  expect_alert(r.read(in, out), Alert::record_overflow, "TLSCiphertext.length 2^14 + 257");

  RecordReader edge;
  ASSERT_OK(edge.set_keys(aes128(), secret_a()));
  Bytes ok_header = hex("1703034100");  // exactly 2^14 + 256 is allowed ...
  in = ByteView(ok_header);
  ASSERT_OK(edge.read(in, out));
  EXPECT_FALSE(out.present);
  EXPECT_TRUE(edge.has_partial_record()) << "... and waits for the body";
}

TEST(RecordReader, OversizePlaintextIsRecordOverflow) {
  RecordReader r;
  Bytes header = hex("1603034001");  // 2^14 + 1
  Record out;
  ByteView in(header);
  expect_alert(r.read(in, out), Alert::record_overflow, "TLSPlaintext.length 2^14 + 1");
}

TEST(RecordReader, OversizeInnerPlaintextIsRecordOverflow) {
  // 2^14 + 1 content bytes + type = 2^14 + 2 inner bytes: the ciphertext
  // length (2^14 + 18) passes the header check; the decrypted size does not.
  std::string content(kMaxPlaintextLen + 1, 'a');
  Bytes rec = craft(aes128(), secret_a(), 0, inner(content, 23));
  RecordReader r;
  ASSERT_OK(r.set_keys(aes128(), secret_a()));
  Record out;
  expect_alert(read_one(r, rec, out), Alert::record_overflow, "inner plaintext 2^14 + 2");

  // Padding counts too (§5.4): 2^14 content + type + 1 zero is too long ...
  Bytes padded = craft(aes128(), secret_a(), 0, inner(std::string(kMaxPlaintextLen, 'a'), 23, 1));
  RecordReader r2;
  ASSERT_OK(r2.set_keys(aes128(), secret_a()));
  expect_alert(read_one(r2, padded, out), Alert::record_overflow, "content + padding 2^14 + 2");
  // ... while 2^14 content + type is the maximum and fine.
  Bytes max = craft(aes128(), secret_a(), 0, inner(std::string(kMaxPlaintextLen, 'a'), 23));
  RecordReader r3;
  ASSERT_OK(r3.set_keys(aes128(), secret_a()));
  ASSERT_OK(read_one(r3, max, out));
  EXPECT_EQ(out.payload.size, kMaxPlaintextLen);
}

TEST(RecordReader, AllPaddingIsUnexpectedMessage) {
  Bytes zeros(10, 0);
  Bytes rec = craft(aes128(), secret_a(), 0, zeros);
  RecordReader r;
  ASSERT_OK(r.set_keys(aes128(), secret_a()));
  Record out;
  expect_alert(read_one(r, rec, out), Alert::unexpected_message, "no content type");
}

TEST(RecordReader, UnknownContentTypesAreUnexpectedMessage) {
  Record out;
  {
    RecordReader r;
    ASSERT_OK(r.set_keys(aes128(), secret_a()));
    expect_alert(read_one(r, craft(aes128(), secret_a(), 0, inner("x", 0x42)), out),
                 Alert::unexpected_message, "inner type 0x42");
  }
  {
    RecordReader r;
    ASSERT_OK(r.set_keys(aes128(), secret_a()));
    expect_alert(read_one(r, craft(aes128(), secret_a(), 0, inner("\x01", 20)), out),
                 Alert::unexpected_message, "protected change_cipher_spec");
  }
  for (uint8_t outer : {uint8_t(0), uint8_t(24), uint8_t(0x80), uint8_t('H')}) {
    RecordReader r;
    Bytes rec = {outer, 0x03, 0x03, 0x00, 0x01, 0x00};
    expect_alert(read_one(r, rec, out), Alert::unexpected_message, "unknown outer type");
  }
}

TEST(RecordReader, WrongRecordTypeForTheKeyStateIsUnexpectedMessage) {
  Record out;
  RecordReader plain;
  expect_alert(read_one(plain, hex("1703030001 41"), out), Alert::unexpected_message,
               "application data before keys");
  RecordReader keyed;
  ASSERT_OK(keyed.set_keys(aes128(), secret_a()));
  expect_alert(read_one(keyed, hex("1603030004 14000000"), out), Alert::unexpected_message,
               "plaintext handshake after keys");
  RecordReader keyed2;
  ASSERT_OK(keyed2.set_keys(aes128(), secret_a()));
  expect_alert(read_one(keyed2, hex("1503030002 0100"), out), Alert::unexpected_message,
               "plaintext alert after keys");
}

TEST(RecordReader, VersionSanity) {
  Record out;
  RecordReader r;
  // A major version other than 3 is not a TLS record at all.
  expect_alert(read_one(r, hex("16 0403 0001 01"), out), Alert::decode_error,
               "record version 4.3");
  RecordReader r2;
  expect_alert(read_one(r2, hex("16 0003 0001 01"), out), Alert::decode_error,
               "record version 0.3");
  // Plaintext: any 3.x is accepted (§5.1: the field MUST be ignored) ...
  for (const char* v : {"0300", "0301", "0303", "0304"}) {
    RecordReader ok;
    ASSERT_OK(read_one(ok, hex(std::string("16") + v + "0004 0e000000"), out));
    EXPECT_TRUE(out.present) << v;
  }
  // ... a protected record must say 0x0303 (Appendix D: MAY be validated).
  RecordReader keyed;
  ASSERT_OK(keyed.set_keys(aes128(), secret_a()));
  Bytes rec = craft(aes128(), secret_a(), 0, inner("x", 23), 23, 0x0301);
  expect_alert(read_one(keyed, rec, out), Alert::decode_error, "protected record version 0x0301");
}

TEST(RecordReader, EmptyHandshakeAndAlertRecords) {
  Record out;
  RecordReader r1;
  expect_alert(read_one(r1, hex("1603030000"), out), Alert::unexpected_message,
               "empty plaintext handshake (§5.1)");
  RecordReader r2;
  expect_alert(read_one(r2, hex("1503030000"), out), Alert::unexpected_message,
               "empty plaintext alert");
  RecordReader r3;
  ASSERT_OK(r3.set_keys(aes128(), secret_a()));
  expect_alert(read_one(r3, craft(aes128(), secret_a(), 0, inner("", 22, 5)), out),
               Alert::unexpected_message, "protected handshake with only padding (§5.4)");
  RecordReader r4;
  ASSERT_OK(r4.set_keys(aes128(), secret_a()));
  expect_alert(read_one(r4, craft(aes128(), secret_a(), 0, inner("", 21)), out),
               Alert::unexpected_message, "empty protected alert (§5.4)");
  RecordReader r5;
  ASSERT_OK(r5.set_keys(aes128(), secret_a()));
  const Bytes three = inner(std::string("\x02\x32\x00", 3), 21);
  expect_alert(read_one(r5, craft(aes128(), secret_a(), 0, three), out), Alert::decode_error,
               "three-byte alert");
  RecordReader r6;
  expect_alert(read_one(r6, hex("1503030001 02"), out), Alert::decode_error, "one-byte alert");
}

TEST(RecordReader, EmptyApplicationDataIsDroppedUpToALimit) {
  RecordProtector w;
  ASSERT_OK(w.set_keys(aes128(), secret_a()));
  Bytes wire;
  for (int i = 0; i < 3; ++i) ASSERT_OK(w.write(ContentType::application_data, ByteView(), wire));
  ASSERT_OK(w.write(ContentType::application_data, hex("41"), wire));
  for (int i = 0; i < 4; ++i) ASSERT_OK(w.write(ContentType::application_data, ByteView(), wire));

  // Limit 3: three empties, then data (resets the count), then the fourth
  // empty in a row is refused.
  RecordReader r(3);
  ASSERT_OK(r.set_keys(aes128(), secret_a()));
  ByteView in(wire);
  Record out;
  ASSERT_OK(r.read(in, out));
  ASSERT_TRUE(out.present) << "the three empty records are skipped in one call";
  EXPECT_EQ(to_hex(out.payload), "41");
  expect_alert(r.read(in, out), Alert::unexpected_message, "four empty records in a row");

  RecordReader lenient(4);
  ASSERT_OK(lenient.set_keys(aes128(), secret_a()));
  in = ByteView(wire);
  ASSERT_OK(lenient.read(in, out));
  ASSERT_OK(lenient.read(in, out));
  EXPECT_FALSE(out.present);
  EXPECT_TRUE(in.empty());
}

// RFC 8446 §5 and Appendix D.4: a plaintext CCS {0x01} is dropped while
// allowed, even between protected records; otherwise unexpected_message.
TEST(RecordReader, ChangeCipherSpecTolerance) {
  const Bytes ccs = hex("140303000101");
  Record out;
  RecordReader off;
  expect_alert(read_one(off, ccs, out), Alert::unexpected_message, "CCS not allowed");

  RecordReader on;
  on.set_allow_change_cipher_spec(true);
  ASSERT_OK(on.set_keys(aes128(), secret_a()));
  Bytes wire = ccs;
  Bytes rec = craft(aes128(), secret_a(), 0, inner("hi", 23));
  wire.insert(wire.end(), rec.begin(), rec.end());
  ByteView in(wire);
  ASSERT_OK(on.read(in, out));
  ASSERT_TRUE(out.present);
  EXPECT_EQ(std::string(out.payload.begin(), out.payload.end()), "hi");
  EXPECT_EQ(on.sequence(), 1u) << "the CCS used no sequence number";

  RecordReader bad_value;
  bad_value.set_allow_change_cipher_spec(true);
  expect_alert(read_one(bad_value, hex("140303000102"), out), Alert::unexpected_message,
               "CCS value 2");
  RecordReader bad_len;
  bad_len.set_allow_change_cipher_spec(true);
  expect_alert(read_one(bad_len, hex("14030300020101"), out), Alert::unexpected_message,
               "two-byte CCS");

  // Dropped CCS records count toward the empty-record limit.
  RecordReader spin(2);
  spin.set_allow_change_cipher_spec(true);
  Bytes three = ccs;
  three.insert(three.end(), ccs.begin(), ccs.end());
  three.insert(three.end(), ccs.begin(), ccs.end());
  expect_alert(read_one(spin, three, out), Alert::unexpected_message, "a stream of CCS");
}

// ---- Reader: sequence numbers ----------------------------------------------

TEST(RecordReader, RecordsOutOfOrderFail) {
  RecordProtector w;
  ASSERT_OK(w.set_keys(aes128(), secret_a()));
  Bytes first, second;
  ASSERT_OK(w.write(ContentType::application_data, hex("01"), first));
  ASSERT_OK(w.write(ContentType::application_data, hex("02"), second));
  RecordReader r;
  ASSERT_OK(r.set_keys(aes128(), secret_a()));
  Record out;
  expect_alert(read_one(r, second, out), Alert::bad_record_mac, "record 1 read as record 0");

  RecordReader replay;
  ASSERT_OK(replay.set_keys(aes128(), secret_a()));
  ASSERT_OK(read_one(replay, first, out));
  expect_alert(read_one(replay, first, out), Alert::bad_record_mac, "record 0 replayed");
}

TEST(RecordReader, KeyChangeResetsTheSequenceNumber) {
  RecordProtector w;
  RecordReader r;
  ASSERT_OK(w.set_keys(aes128(), secret_a()));
  ASSERT_OK(r.set_keys(aes128(), secret_a()));
  Bytes wire;
  Record out;
  for (int i = 0; i < 5; ++i) {
    wire.clear();
    ASSERT_OK(w.write(ContentType::application_data, hex("aa"), wire));
    ASSERT_OK(read_one(r, wire, out));
  }
  EXPECT_EQ(r.sequence(), 5u);
  ASSERT_OK(w.set_keys(aes128(), secret_b()));
  ASSERT_OK(r.set_keys(aes128(), secret_b()));
  EXPECT_EQ(w.sequence(), 0u);
  EXPECT_EQ(r.sequence(), 0u);
  wire.clear();
  ASSERT_OK(w.write(ContentType::application_data, hex("bb"), wire));
  EXPECT_EQ(to_hex(wire), to_hex(craft(aes128(), secret_b(), 0, inner("\xbb", 23))))
      << "the first record under new keys uses sequence number 0";
  ASSERT_OK(read_one(r, wire, out));
  EXPECT_EQ(to_hex(out.payload), "bb");
}

TEST(RecordReader, KeysCannotChangeInTheMiddleOfARecord) {
  RecordReader r;
  Bytes half = hex("1603030004 1400");  // a plaintext record, cut short
  ByteView in(half);
  Record out;
  ASSERT_OK(r.read(in, out));
  EXPECT_TRUE(r.has_partial_record());
  expect_alert(r.set_keys(aes128(), secret_a()), Alert::internal_error, "keys mid-record");
  EXPECT_FALSE(r.has_keys());
}

// RFC 8446 §5.3: sequence numbers never wrap.
TEST(RecordProtector, SequenceExhaustionRefusesInsteadOfWrapping) {
  RecordProtector w;
  RecordReader r;
  ASSERT_OK(w.set_keys(aes128(), secret_a()));
  ASSERT_OK(r.set_keys(aes128(), secret_a()));
  const uint64_t last_usable = ~uint64_t(0) - 1;
  RecordTestAccess::set_sequence(w, last_usable);
  RecordTestAccess::set_sequence(r, last_usable);
  Bytes wire;
  ASSERT_OK(w.write(ContentType::application_data, hex("ff"), wire));
  EXPECT_EQ(to_hex(wire), to_hex(craft(aes128(), secret_a(), last_usable, inner("\xff", 23))));
  Record out;
  ASSERT_OK(read_one(r, wire, out));
  EXPECT_EQ(to_hex(out.payload), "ff");

  Bytes more;
  expect_alert(w.write(ContentType::application_data, hex("00"), more), Alert::internal_error,
               "write at 2^64 - 1");
  expect_alert(w.seal(ContentType::application_data, hex("00"), more), Alert::internal_error,
               "seal at 2^64 - 1");
  EXPECT_TRUE(more.empty()) << "nothing appended on refusal";
  expect_alert(read_one(r, craft(aes128(), secret_a(), ~uint64_t(0), inner("\x01", 23)), out),
               Alert::internal_error, "read at 2^64 - 1");

  // A multi-record write that would run out refuses up front.
  RecordProtector w2;
  ASSERT_OK(w2.set_keys(aes128(), secret_a()));
  RecordTestAccess::set_sequence(w2, last_usable);
  Bytes two_records(kMaxPlaintextLen + 1, 1);
  expect_alert(w2.write(ContentType::application_data, two_records, more), Alert::internal_error,
               "two records, one sequence number left");
  EXPECT_TRUE(more.empty());
}

TEST(RecordReader, ErrorsAreSticky) {
  RecordReader r;
  Record out;
  expect_alert(read_one(r, hex("1703030001 41"), out), Alert::unexpected_message, "first error");
  Status again = read_one(r, hex("1603030004 0e000000"), out);
  expect_alert(again, Alert::unexpected_message, "a valid record after an error");
  EXPECT_FALSE(out.present);
}

// ---- Handshake reassembly (RFC 8446 §5.1) ----------------------------------

TEST(HandshakeReassembler, JoinsFragmentedMessages) {
  // A 10-byte Certificate-like message split 2 | 5 | 7 bytes: the header
  // itself is split across records.
  Bytes msg = hex("0b00000a 00112233445566778899");
  HandshakeReassembler ra;
  HandshakeMessage m;
  ASSERT_OK(ra.add(ByteView(msg).sub(0, 2)));
  EXPECT_FALSE(ra.next(m));
  ASSERT_OK(ra.add(ByteView(msg).sub(2, 5)));
  EXPECT_FALSE(ra.next(m));
  ASSERT_OK(ra.add(ByteView(msg).sub(7)));
  ASSERT_TRUE(ra.next(m));
  EXPECT_EQ(m.type, 11);
  EXPECT_EQ(to_hex(m.bytes), to_hex(msg));
  EXPECT_EQ(to_hex(m.body), "00112233445566778899");
  EXPECT_FALSE(ra.next(m));
  EXPECT_TRUE(ra.empty());
}

TEST(HandshakeReassembler, SplitsCoalescedMessages) {
  // EncryptedExtensions, an empty-bodied message and Finished in one record,
  // plus the first byte of a fourth.
  Bytes rec = hex("080000020000 05000000 1400000401020304 04");
  HandshakeReassembler ra;
  ASSERT_OK(ra.add(rec));
  HandshakeMessage m;
  ASSERT_TRUE(ra.next(m));
  EXPECT_EQ(to_hex(m.bytes), "080000020000");
  ASSERT_TRUE(ra.next(m));
  EXPECT_EQ(to_hex(m.bytes), "05000000");
  EXPECT_TRUE(m.body.empty());
  ASSERT_TRUE(ra.next(m));
  EXPECT_EQ(to_hex(m.bytes), "1400000401020304");
  EXPECT_FALSE(ra.next(m));
  EXPECT_FALSE(ra.empty()) << "a partial fourth message is held";
  ASSERT_OK(ra.add(hex("00000100")));
  ASSERT_TRUE(ra.next(m));
  EXPECT_EQ(to_hex(m.bytes), "0400000100");
}

TEST(HandshakeReassembler, OversizeClaimFailsOnTheHeaderAlone) {
  HandshakeReassembler ra(1000);
  expect_alert(ra.add(hex("0b0003e9")), Alert::decode_error, "claims 1001 bytes, limit 1000");
  HandshakeReassembler huge;  // default 64 KiB
  expect_alert(huge.add(hex("0bffffff")), Alert::decode_error, "claims 16 MiB");
  // The claim is judged when the header completes, even across records.
  HandshakeReassembler split(1000);
  ASSERT_OK(split.add(hex("0b00")));
  expect_alert(split.add(hex("03e9")), Alert::decode_error, "header completed later");
  // ... and a later message in the same record is judged too.
  HandshakeReassembler later(1000);
  expect_alert(later.add(hex("14000000 0b0003e9")), Alert::decode_error, "second message");
  // Exactly the limit is fine.
  HandshakeReassembler edge(1000);
  Bytes max = hex("0b0003e8");
  max.resize(4 + 1000, 0x55);
  ASSERT_OK(edge.add(max));
  HandshakeMessage m;
  ASSERT_TRUE(edge.next(m));
  EXPECT_EQ(m.body.size, 1000u);
}

TEST(HandshakeReassembler, MessagesMustNotSpanKeyChanges) {
  HandshakeMessage m;
  HandshakeReassembler partial;
  ASSERT_OK(partial.add(hex("020000560303")));  // ServerHello, cut short
  expect_alert(partial.check_key_change(), Alert::unexpected_message, "partial message");

  HandshakeReassembler extra;
  ASSERT_OK(extra.add(hex("0200000100 0800000100")));  // ServerHello then a plaintext EE
  ASSERT_TRUE(extra.next(m));
  expect_alert(extra.check_key_change(), Alert::unexpected_message,
               "a whole message under the old keys after the key-changing one");

  HandshakeReassembler aligned;
  ASSERT_OK(aligned.add(hex("0200000100")));
  ASSERT_TRUE(aligned.next(m));
  ASSERT_OK(aligned.check_key_change());
}

TEST(HandshakeReassembler, EmptyRecordIsRefusedAndMemoryCanBeReleased) {
  HandshakeReassembler ra;
  expect_alert(ra.add(ByteView()), Alert::unexpected_message, "empty handshake payload");
  Bytes big = hex("0b00fff0");
  big.resize(4 + 0xfff0, 1);
  for (size_t off = 0; off < big.size(); off += kMaxPlaintextLen)
    ASSERT_OK(ra.add(ByteView(big).sub(off, std::min(kMaxPlaintextLen, big.size() - off))));
  HandshakeMessage m;
  ASSERT_TRUE(ra.next(m));
  EXPECT_EQ(m.bytes.size, big.size());
  ra.release_memory();
  EXPECT_TRUE(ra.empty());
  ASSERT_OK(ra.add(hex("0400000100")));
  ASSERT_TRUE(ra.next(m));
  EXPECT_EQ(m.type, 4);
}

// ---- Alerts (RFC 8446 §6) --------------------------------------------------

TEST(Alerts, ParseAndEncode) {
  AlertMessage a;
  ASSERT_OK(parse_alert(hex("0100"), a));
  EXPECT_TRUE(a.is_closure());
  EXPECT_EQ(a.alert(), Alert::close_notify);
  ASSERT_OK(parse_alert(hex("0228"), a));
  EXPECT_FALSE(a.is_closure());
  EXPECT_EQ(a.alert(), Alert::handshake_failure);
  EXPECT_EQ(a.level, 2);
  ASSERT_OK(parse_alert(hex("02fe"), a));
  EXPECT_EQ(a.description, 0xfe) << "unknown descriptions are kept as received";
  EXPECT_FALSE(a.is_closure());
  expect_alert(parse_alert(hex("02"), a), Alert::decode_error, "one byte");
  expect_alert(parse_alert(hex("022800"), a), Alert::decode_error, "three bytes");

  uint8_t out[2];
  encode_alert(Alert::close_notify, out);
  EXPECT_EQ(to_hex(ByteView(out, 2)), "0100");
  encode_alert(Alert::user_canceled, out);
  EXPECT_EQ(to_hex(ByteView(out, 2)), "015a");
  encode_alert(Alert::decode_error, out);
  EXPECT_EQ(to_hex(ByteView(out, 2)), "0232");
}

}  // namespace
}  // namespace mactls
