// mactls crypto seam — hashes, HMAC and HKDF over nettle, with TLS names.
#ifndef MACTLS_CRYPTO_HASH_H
#define MACTLS_CRYPTO_HASH_H

#include <nettle/hmac.h>
#include <nettle/sha2.h>

#include <cstddef>
#include <cstdint>

#include "common/bytes.h"
#include "common/secret.h"

namespace mactls {

/// The two hashes of the TLS 1.3 cipher suites.
enum class HashAlg : uint8_t { sha256, sha384 };

constexpr size_t hash_len(HashAlg h) { return h == HashAlg::sha256 ? 32 : 48; }

/// A running hash (e.g. the handshake transcript) whose value can be read
/// mid-way without disturbing it (RFC 8446 §4.4.1 needs Transcript-Hash at
/// several points). Copyable: a copy is a snapshot of the state.
class HashCtx {
 public:
  explicit HashCtx(HashAlg alg = HashAlg::sha256) { reset(alg); }
  void reset(HashAlg alg);
  HashAlg alg() const { return alg_; }
  size_t size() const { return hash_len(alg_); }
  void update(ByteView data);
  void update(const uint8_t* p, size_t n) { update(ByteView(p, n)); }
  /// Writes the hash of everything fed so far into out[size()]; the running
  /// state is unchanged.
  void peek(uint8_t* out) const;

 private:
  HashAlg alg_ = HashAlg::sha256;
  union {
    sha256_ctx s256;
    sha512_ctx s384;  // nettle's sha384 runs on the sha512 context
  } u_;
};

/// One-shot hash: out[hash_len(alg)].
void hash_once(HashAlg alg, ByteView data, uint8_t* out);

/// HMAC(key, data): out[hash_len(alg)].
void hmac(HashAlg alg, ByteView key, ByteView data, uint8_t* out);

/// An HMAC key set up once: its inner and outer pads are hashed here, so
/// each MAC under it costs two hash compressions (for short data) instead of
/// four. The key schedule derives two to four secrets from each secret; this
/// is how it keys them once. Movable; wiped on destruction and when moved
/// from.
class HmacKey {
 public:
  HmacKey() = default;
  HmacKey(HashAlg alg, ByteView key) { set(alg, key); }
  HmacKey(HmacKey&& o) noexcept;
  HmacKey& operator=(HmacKey&& o) noexcept;
  HmacKey(const HmacKey&) = delete;
  HmacKey& operator=(const HmacKey&) = delete;
  ~HmacKey() { wipe(); }

  void set(HashAlg alg, ByteView key);
  bool keyed() const { return keyed_; }
  HashAlg alg() const { return alg_; }
  /// HMAC(key, data) into out[hash_len(alg)].
  void mac(ByteView data, uint8_t* out);
  /// HKDF-Expand(PRK = this key, info, len) (RFC 5869 §2.3), len <= 255 * HashLen.
  void expand(ByteView info, uint8_t* out, size_t len);
  void wipe();

 private:
  HashAlg alg_ = HashAlg::sha256;
  bool keyed_ = false;
  union {
    hmac_sha256_ctx s256;
    hmac_sha384_ctx s384;
  } u_;
};

/// RFC 5869 HKDF-Extract(salt, ikm) into prk (hash_len bytes). An empty
/// salt means HashLen zero bytes, as RFC 5869 §2.2 says.
void hkdf_extract(HashAlg alg, ByteView salt, ByteView ikm, Secret& prk);

/// RFC 5869 HKDF-Expand(prk, info, len) into out[len]; len <= 255*HashLen.
void hkdf_expand(HashAlg alg, ByteView prk, ByteView info, uint8_t* out, size_t len);

}  // namespace mactls

#endif  // MACTLS_CRYPTO_HASH_H
