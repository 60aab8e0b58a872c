// mactls crypto seam — (EC)DHE key shares over nettle: X25519, P-256, P-384.
#ifndef MACTLS_CRYPTO_KEX_H
#define MACTLS_CRYPTO_KEX_H

#include <cstddef>
#include <cstdint>

#include "common/bytes.h"
#include "common/secret.h"
#include "mactls/random.h"
#include "mactls/status.h"

namespace mactls {

/// RFC 8446 §4.2.7 NamedGroup code points mactls supports.
enum class NamedGroup : uint16_t {
  secp256r1 = 0x0017,
  secp384r1 = 0x0018,
  x25519 = 0x001d,
};

/// "x25519", "secp256r1", "secp384r1", or "unknown".
const char* group_name(uint16_t code);
bool is_supported_group(uint16_t code);

/// Length of a key_exchange value on the wire: 32 for X25519, 65 / 97 for
/// the uncompressed P-256 / P-384 points (RFC 8446 §4.2.8.2).
size_t key_share_len(NamedGroup g);
/// Length of the shared secret: 32 (X25519, P-256) or 48 (P-384).
size_t shared_secret_len(NamedGroup g);

/// One ephemeral key pair. The private scalar lives inline and is wiped by
/// wipe() and on destruction.
class KeyShare {
 public:
  KeyShare() = default;
  KeyShare(const KeyShare&) = delete;
  KeyShare& operator=(const KeyShare&) = delete;
  ~KeyShare() { wipe(); }

  /// Makes a fresh key pair from `rng`. When rng.failed() afterwards the
  /// share holds no usable key and must not be sent.
  void generate(NamedGroup g, RandomSource& rng);
  /// Uses a given private key (X25519: the 32-byte scalar as RFC 7748
  /// encodes it; P-256/P-384: the big-endian scalar, 32 / 48 bytes, in
  /// [1, n-1]). For replaying fixed transcripts (RFC 8448) and vector tests.
  /// Returns internal_error if the scalar is out of range.
  Status set_private(NamedGroup g, ByteView priv);

  bool has_key() const { return has_key_; }
  NamedGroup group() const { return group_; }
  /// Our key_exchange bytes (see key_share_len).
  ByteView public_key() const { return ByteView(pub_, key_share_len(group_)); }

  /// Validates the peer's key_exchange and derives the shared secret:
  /// X25519 per RFC 7748 (an all-zero result is rejected); NIST curves: the
  /// point must be uncompressed (0x04), of exact length, with coordinates
  /// below p and on the curve; the secret is the x coordinate (RFC 8446
  /// §7.4.2). Any failure is illegal_parameter.
  Status compute_shared(ByteView peer, Secret& out) const;

  void wipe();

 private:
  NamedGroup group_ = NamedGroup::x25519;
  bool has_key_ = false;
  uint8_t priv_[48] = {};  // X25519: 32 bytes; P-256: 32; P-384: 48 (big-endian)
  uint8_t pub_[97] = {};
};

}  // namespace mactls

#endif  // MACTLS_CRYPTO_KEX_H
