// mactls crypto seam — the three TLS 1.3 AEADs over nettle.
#ifndef MACTLS_CRYPTO_AEAD_H
#define MACTLS_CRYPTO_AEAD_H

#include <nettle/chacha-poly1305.h>
#include <nettle/gcm.h>

#include <cstddef>
#include <cstdint>

#include "common/bytes.h"

namespace mactls {

enum class AeadAlg : uint8_t { aes128_gcm, aes256_gcm, chacha20_poly1305 };

constexpr size_t kAeadNonceLen = 12;  // RFC 8446 §5.3: iv_length is 12 for all suites
constexpr size_t kAeadTagLen = 16;
constexpr size_t aead_key_len(AeadAlg a) { return a == AeadAlg::aes128_gcm ? 16 : 32; }

/// One AEAD key, expanded once and used for many records. The expanded key
/// is wiped on destruction and on rekey. seal/open may work in place
/// (out == in).
class Aead {
 public:
  Aead() = default;
  Aead(const Aead&) = delete;
  Aead& operator=(const Aead&) = delete;
  ~Aead() { clear(); }

  /// key must be aead_key_len(alg) bytes.
  void set_key(AeadAlg alg, const uint8_t* key);
  bool has_key() const { return keyed_; }
  AeadAlg alg() const { return alg_; }
  void clear();

  /// Encrypts in[len] with `aad` into out[len + kAeadTagLen].
  void seal(const uint8_t nonce[kAeadNonceLen], ByteView aad, const uint8_t* in, size_t len,
            uint8_t* out);
  /// Decrypts in[len] (ciphertext followed by a 16-byte tag) into
  /// out[len - kAeadTagLen]. Returns false, with out wiped, when len is
  /// shorter than a tag or the tag does not verify (compared in constant
  /// time).
  [[nodiscard]] bool open(const uint8_t nonce[kAeadNonceLen], ByteView aad, const uint8_t* in,
                          size_t len, uint8_t* out);

 private:
  AeadAlg alg_ = AeadAlg::aes128_gcm;
  bool keyed_ = false;
  union {
    gcm_aes128_ctx g128;
    gcm_aes256_ctx g256;
    chacha_poly1305_ctx cp;
  } u_;
};

}  // namespace mactls

#endif  // MACTLS_CRYPTO_AEAD_H
