// mactls common — a strict, bounded DER reader (ITU-T X.690 §10). Definite
// lengths only, minimally encoded; low tag numbers only (every tag X.509
// needs is below 31). Values are views into the input: nothing is copied.
#ifndef MACTLS_COMMON_DER_H
#define MACTLS_COMMON_DER_H

#include <cstdint>

#include "common/bytes.h"

namespace mactls {

namespace der {
constexpr uint8_t kBoolean = 0x01, kInteger = 0x02, kBitString = 0x03, kOctetString = 0x04,
                  kNull = 0x05, kOid = 0x06, kUtf8String = 0x0c, kPrintableString = 0x13,
                  kIa5String = 0x16, kUtcTime = 0x17, kGeneralizedTime = 0x18, kSequence = 0x30,
                  kSet = 0x31;
constexpr uint8_t context(uint8_t n, bool constructed) { return uint8_t(0x80 | (constructed ? 0x20 : 0) | n); }
}  // namespace der

/// One TLV.
struct DerItem {
  uint8_t tag = 0;
  ByteView value;  ///< contents
  ByteView whole;  ///< tag, length and contents
};

/// Sequential reader over DER contents.
class DerReader {
 public:
  explicit DerReader(ByteView v) : v_(v) {}
  bool empty() const { return pos_ == v_.size; }
  /// Reads the next TLV; false on malformed or truncated encoding.
  [[nodiscard]] bool next(DerItem& out);
  /// Reads the next TLV and requires its tag.
  [[nodiscard]] bool expect(uint8_t tag, DerItem& out) { return next(out) && out.tag == tag; }
  /// Peeks at the next tag (0 at the end).
  uint8_t peek_tag() const { return empty() ? 0 : v_.data[pos_]; }

 private:
  ByteView v_;
  size_t pos_ = 0;
};

/// Parses a whole buffer as exactly one TLV of `tag`.
[[nodiscard]] bool der_single(ByteView in, uint8_t tag, DerItem& out);

/// A non-negative INTEGER's magnitude without leading zeros; false if it is
/// negative or not minimally encoded.
[[nodiscard]] bool der_unsigned(const DerItem& item, ByteView& magnitude);

}  // namespace mactls

#endif
