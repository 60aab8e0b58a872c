// Record unprotect. First byte: suite (bits 0-1), mode (bit 2), CCS allowed
// (bit 3). Raw mode feeds the rest as bytes from the wire, with read keys
// set when bit 4 is set (header checks, tags that fail, plaintext records).
// Sealed mode reads the rest as chunks [u16 length][inner plaintext] and
// seals each with the read key the harness knows — so the fuzzer controls
// TLSInnerPlaintext itself (content type, padding, sizes) behind valid tags.
#include "crypto/aead.h"
#include "fuzz_common.h"
#include "keyschedule/cipher_suite.h"
#include "keyschedule/key_schedule.h"
#include "record/record.h"

using namespace mactls;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  static const uint16_t kSuites[3] = {0x1301, 0x1302, 0x1303};
  const CipherSuite* cs = find_cipher_suite(kSuites[(data[0] & 3) % 3]);
  uint8_t secret[48];
  for (int i = 0; i < 48; ++i) secret[i] = uint8_t(0x40 + i);
  const ByteView sv(secret, hash_len(cs->hash));
  RecordReader reader;
  reader.set_allow_change_cipher_spec(data[0] & 8);
  Bytes wire;
  const bool sealed = data[0] & 4;
  if (!sealed) {
    if (data[0] & 16) fuzz::require(reader.set_keys(*cs, sv).is_ok(), "keys install");
    wire.assign(data + 1, data + size);
  } else {
    fuzz::require(reader.set_keys(*cs, sv).is_ok(), "keys install");
    TrafficKeys k;
    fuzz::require(traffic_keys(*cs, sv, k).is_ok(), "traffic keys");
    Aead aead;
    aead.set_key(cs->aead, k.key.view().data);
    Reader in(ByteView(data + 1, size - 1));
    uint64_t seq = 0;
    ByteView inner;
    while (in.vec16(inner)) {
      uint8_t nonce[kAeadNonceLen];
      std::memcpy(nonce, k.iv, kAeadNonceLen);
      for (int i = 0; i < 8; ++i) nonce[kAeadNonceLen - 1 - i] ^= uint8_t(seq >> (8 * i));
      ++seq;
      const size_t len = inner.size + kAeadTagLen;
      if (len > 0xffff) break;
      const uint8_t header[5] = {23, 3, 3, uint8_t(len >> 8), uint8_t(len)};
      size_t at = wire.size();
      wire.insert(wire.end(), header, header + 5);
      wire.resize(at + 5 + len);
      aead.seal(nonce, ByteView(header, 5), inner.data, inner.size, wire.data() + at + 5);
    }
  }
  ByteView rest(wire);
  for (int i = 0; i < 4096; ++i) {
    Record rec;
    Status s = reader.read(rest, rec);
    if (!s.is_ok()) {
      fuzz::require(s.alert() != Alert::close_notify, "a failure carries an alert");
      Record again;
      ByteView more(wire);
      fuzz::require(!reader.read(more, again).is_ok(), "errors are sticky");
      break;
    }
    if (!rec.present) break;
    fuzz::require(rec.payload.size <= 16384, "no record content above 2^14");
  }
  return 0;
}
