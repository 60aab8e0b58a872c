#include "common/der.h"

namespace mactls {

bool DerReader::next(DerItem& out) {
  const size_t start = pos_;
  if (v_.size - pos_ < 2) return false;
  uint8_t tag = v_.data[pos_];
  if ((tag & 0x1f) == 0x1f) return false;  // high tag numbers: not used by X.509
  uint8_t l0 = v_.data[pos_ + 1];
  size_t p = pos_ + 2, len = 0;
  if (l0 < 0x80) {
    len = l0;
  } else {
    size_t n = l0 & 0x7f;
    // 0x80 is the indefinite form (BER only); more than 4 length bytes is
    // more than any certificate needs.
    if (n == 0 || n > 4 || v_.size - p < n) return false;
    if (v_.data[p] == 0) return false;  // not minimal
    for (size_t i = 0; i < n; ++i) len = (len << 8) | v_.data[p + i];
    p += n;
    if (len < 0x80) return false;  // should have used the short form
  }
  if (v_.size - p < len) return false;
  out.tag = tag;
  out.value = v_.sub(p, len);
  out.whole = v_.sub(start, p + len - start);
  pos_ = p + len;
  return true;
}

bool der_single(ByteView in, uint8_t tag, DerItem& out) {
  DerReader r(in);
  return r.expect(tag, out) && r.empty();
}

bool der_unsigned(const DerItem& item, ByteView& magnitude) {
  if (item.tag != der::kInteger || item.value.empty()) return false;
  ByteView v = item.value;
  if (v[0] & 0x80) return false;  // negative
  if (v.size > 1 && v[0] == 0 && !(v[1] & 0x80)) return false;  // non-minimal
  if (v.size > 1 && v[0] == 0) v = v.sub(1);
  magnitude = v;
  return true;
}

}  // namespace mactls
