#include "crypto/aead.h"

#include <cstring>

namespace mactls {

void Aead::set_key(AeadAlg alg, const uint8_t* key) {
  clear();
  alg_ = alg;
  switch (alg) {
    case AeadAlg::aes128_gcm: gcm_aes128_set_key(&u_.g128, key); break;
    case AeadAlg::aes256_gcm: gcm_aes256_set_key(&u_.g256, key); break;
    case AeadAlg::chacha20_poly1305: chacha_poly1305_set_key(&u_.cp, key); break;
  }
  keyed_ = true;
}

void Aead::clear() {
  // Not keyed since the last wipe: no key material in the union. Keyed:
  // only the active member held any (set_key wipes before switching).
  if (!keyed_) return;
  switch (alg_) {
    case AeadAlg::aes128_gcm: secure_wipe(&u_.g128, sizeof u_.g128); break;
    case AeadAlg::aes256_gcm: secure_wipe(&u_.g256, sizeof u_.g256); break;
    case AeadAlg::chacha20_poly1305: secure_wipe(&u_.cp, sizeof u_.cp); break;
  }
  keyed_ = false;
}

void Aead::seal(const uint8_t nonce[kAeadNonceLen], ByteView aad, const uint8_t* in, size_t len,
                uint8_t* out) {
  switch (alg_) {
    case AeadAlg::aes128_gcm:
      gcm_aes128_set_iv(&u_.g128, kAeadNonceLen, nonce);
      gcm_aes128_update(&u_.g128, aad.size, aad.data);
      gcm_aes128_encrypt(&u_.g128, len, out, in);
      gcm_aes128_digest(&u_.g128, kAeadTagLen, out + len);
      break;
    case AeadAlg::aes256_gcm:
      gcm_aes256_set_iv(&u_.g256, kAeadNonceLen, nonce);
      gcm_aes256_update(&u_.g256, aad.size, aad.data);
      gcm_aes256_encrypt(&u_.g256, len, out, in);
      gcm_aes256_digest(&u_.g256, kAeadTagLen, out + len);
      break;
    case AeadAlg::chacha20_poly1305:
      chacha_poly1305_set_nonce(&u_.cp, nonce);
      chacha_poly1305_update(&u_.cp, aad.size, aad.data);
      chacha_poly1305_encrypt(&u_.cp, len, out, in);
      chacha_poly1305_digest(&u_.cp, kAeadTagLen, out + len);
      break;
  }
}

bool Aead::open(const uint8_t nonce[kAeadNonceLen], ByteView aad, const uint8_t* in, size_t len,
                uint8_t* out) {
  if (len < kAeadTagLen) return false;
  size_t n = len - kAeadTagLen;
  // Keep the received tag aside: with out == in the decryption overwrites
  // only the first n bytes, but copying makes the in-place case obvious.
  uint8_t tag[kAeadTagLen];
  std::memcpy(tag, in + n, kAeadTagLen);
  uint8_t want[kAeadTagLen];
  switch (alg_) {
    case AeadAlg::aes128_gcm:
      gcm_aes128_set_iv(&u_.g128, kAeadNonceLen, nonce);
      gcm_aes128_update(&u_.g128, aad.size, aad.data);
      gcm_aes128_decrypt(&u_.g128, n, out, in);
      gcm_aes128_digest(&u_.g128, kAeadTagLen, want);
      break;
    case AeadAlg::aes256_gcm:
      gcm_aes256_set_iv(&u_.g256, kAeadNonceLen, nonce);
      gcm_aes256_update(&u_.g256, aad.size, aad.data);
      gcm_aes256_decrypt(&u_.g256, n, out, in);
      gcm_aes256_digest(&u_.g256, kAeadTagLen, want);
      break;
    case AeadAlg::chacha20_poly1305:
      chacha_poly1305_set_nonce(&u_.cp, nonce);
      chacha_poly1305_update(&u_.cp, aad.size, aad.data);
      chacha_poly1305_decrypt(&u_.cp, n, out, in);
      chacha_poly1305_digest(&u_.cp, kAeadTagLen, want);
      break;
  }
  bool good = ct_equal(tag, want, kAeadTagLen);
  if (!good && n) secure_wipe(out, n);
  return good;
}

}  // namespace mactls
