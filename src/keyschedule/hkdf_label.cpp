#include "keyschedule/hkdf_label.h"

#include <cstdlib>
#include <cstring>

namespace mactls {

void hkdf_expand_label(HmacKey& secret, const char* label, ByteView context, uint8_t* out,
                       size_t len) {
  // struct { uint16 length; opaque label<7..255>; opaque context<0..255>; }
  // Labels are compile-time constants and contexts are at most a hash, so
  // the whole HkdfLabel fits on the stack.
  uint8_t info[2 + 1 + 255 + 1 + 255];
  size_t llen = std::strlen(label);
  // Labels are constants of the label table and contexts are at most a
  // hash: anything longer is a programming error, never network input.
  if (llen > 255 - 6 || context.size > 255) std::abort();
  size_t n = 0;
  store_be16(info, uint16_t(len));
  n = 2;
  info[n++] = uint8_t(6 + llen);
  std::memcpy(info + n, "tls13 ", 6);
  n += 6;
  std::memcpy(info + n, label, llen);
  n += llen;
  info[n++] = uint8_t(context.size);
  if (context.size) std::memcpy(info + n, context.data, context.size);
  n += context.size;
  secret.expand(ByteView(info, n), out, len);
}

void hkdf_expand_label(HashAlg alg, ByteView secret, const char* label, ByteView context,
                       uint8_t* out, size_t len) {
  HmacKey k(alg, secret);
  hkdf_expand_label(k, label, context, out, len);
}

void hkdf_expand_label(HashAlg alg, ByteView secret, const char* label, ByteView context,
                       Secret& out) {
  size_t len = hash_len(alg);
  hkdf_expand_label(alg, secret, label, context, out.prepare(len), len);
}

void derive_secret(HashAlg alg, ByteView secret, const char* label, ByteView transcript_hash,
                   Secret& out) {
  hkdf_expand_label(alg, secret, label, transcript_hash, out);
}

}  // namespace mactls
