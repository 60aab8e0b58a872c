// mactls crypto seam — public keys from SubjectPublicKeyInfo and signature
// verification over nettle (RSA PKCS#1 v1.5 and PSS, ECDSA P-256/P-384,
// Ed25519). Used by X.509 chain validation and by CertificateVerify.
#ifndef MACTLS_CRYPTO_SIGNATURE_H
#define MACTLS_CRYPTO_SIGNATURE_H

#include <cstddef>
#include <cstdint>
#include <memory>

#include "common/bytes.h"
#include "mactls/status.h"

namespace mactls {

/// RFC 8446 §4.2.3 SignatureScheme code points mactls knows.
enum class SignatureScheme : uint16_t {
  rsa_pkcs1_sha256 = 0x0401,
  rsa_pkcs1_sha384 = 0x0501,
  rsa_pkcs1_sha512 = 0x0601,
  ecdsa_secp256r1_sha256 = 0x0403,
  ecdsa_secp384r1_sha384 = 0x0503,
  rsa_pss_rsae_sha256 = 0x0804,
  rsa_pss_rsae_sha384 = 0x0805,
  rsa_pss_rsae_sha512 = 0x0806,
  ed25519 = 0x0807,
  rsa_pss_pss_sha256 = 0x0809,
  rsa_pss_pss_sha384 = 0x080a,
  rsa_pss_pss_sha512 = 0x080b,
};

/// "ecdsa_secp256r1_sha256", ... or "unknown".
const char* signature_scheme_name(uint16_t code);

enum class KeyType : uint8_t { none, rsa, rsa_pss, ec_p256, ec_p384, ed25519 };

/// A parsed public key. Opaque: the nettle key structures live behind it.
class PublicKey {
 public:
  PublicKey();
  ~PublicKey();
  PublicKey(PublicKey&&) noexcept;
  PublicKey& operator=(PublicKey&&) noexcept;
  PublicKey(const PublicKey&) = delete;
  PublicKey& operator=(const PublicKey&) = delete;

  /// Parses a DER SubjectPublicKeyInfo (RFC 5280 §4.1.2.7): rsaEncryption,
  /// id-RSASSA-PSS, id-ecPublicKey with P-256 or P-384 (uncompressed point,
  /// validated on the curve), id-Ed25519. Every bound is checked here,
  /// before any arithmetic, so that no key costs more than a bounded
  /// verification later: RSA moduli below `min_rsa_bits` (never below 1024)
  /// or above 8192 bits are unsupported_certificate; an RSA exponent that is
  /// even, below 3 or above 2^32 + 1 is bad_certificate. An id-RSASSA-PSS key
  /// with parameters (RFC 4055 §3.1) is bound to their hash; parameters
  /// mactls cannot honour (SHA-1, another MGF) are unsupported_certificate.
  /// Unknown algorithms: unsupported_certificate; malformed: bad_certificate.
  Status parse_spki(ByteView spki_der, unsigned min_rsa_bits = kRsaDefaultMinBits);

  /// Default RSA modulus floor (bits) of parse_spki.
  static constexpr unsigned kRsaDefaultMinBits = 2048;

  KeyType type() const;
  /// Modulus size in bits for RSA, curve size for EC, 256 for Ed25519.
  unsigned bits() const;

  /// Verifies `signature` over `message` (the message itself, not its hash)
  /// with `scheme`. The scheme must fit the key (RFC 8446 §4.2.3: rsa_pss_rsae
  /// with rsaEncryption keys, rsa_pss_pss with RSASSA-PSS keys and, for
  /// one with parameters, their hash only (RFC 4055 §3.3), the ECDSA curve
  /// must match); otherwise illegal_parameter. A bad signature is
  /// decrypt_error.
  Status verify(SignatureScheme scheme, ByteView message, ByteView signature) const;

  /// ECDSA over `message` hashed with SHA-256 (0), SHA-384 (1) or SHA-512
  /// (2), whatever the key's curve: X.509 allows any pairing, TLS 1.3
  /// CertificateVerify does not (use verify() there).
  Status verify_ecdsa_digest(int hash_id, ByteView message, ByteView signature) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace mactls

#endif  // MACTLS_CRYPTO_SIGNATURE_H
