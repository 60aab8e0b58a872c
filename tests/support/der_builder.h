// Test support: DER built by hand, for certificates, keys and constraints
// that openssl will not make (RSA e = 1, malformed name constraints, ...).
#ifndef MACTLS_TESTS_SUPPORT_DER_BUILDER_H
#define MACTLS_TESTS_SUPPORT_DER_BUILDER_H

#include <cstdint>
#include <initializer_list>

#include "common/bytes.h"

namespace mactls::test {

/// One TLV: `tag`, the definite length (short form, or 0x81/0x82 long form
/// up to 65535 bytes), then `v`.
inline Bytes tlv(uint8_t tag, const Bytes& v) {
  Bytes out{tag};
  if (v.size() < 0x80) {
    out.push_back(uint8_t(v.size()));
  } else if (v.size() < 0x100) {
    out.push_back(0x81);
    out.push_back(uint8_t(v.size()));
  } else {
    out.push_back(0x82);
    out.push_back(uint8_t(v.size() >> 8));
    out.push_back(uint8_t(v.size()));
  }
  out.insert(out.end(), v.begin(), v.end());
  return out;
}

/// The parts one after another.
inline Bytes cat(std::initializer_list<Bytes> parts) {
  Bytes out;
  for (const Bytes& p : parts) out.insert(out.end(), p.begin(), p.end());
  return out;
}

}  // namespace mactls::test

#endif
