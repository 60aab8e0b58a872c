// mactls key schedule — the three TLS 1.3 cipher suites (RFC 8446 §B.4).
//
// A cipher suite in TLS 1.3 names only the AEAD and the HKDF hash; key
// exchange and signatures are negotiated separately. mactls offers all
// three (the G3 has no AES instructions, so ChaCha20-Poly1305 is the fast
// one there; the server picks).
#ifndef MACTLS_KEYSCHEDULE_CIPHER_SUITE_H
#define MACTLS_KEYSCHEDULE_CIPHER_SUITE_H

#include <cstddef>
#include <cstdint>

#include "crypto/aead.h"
#include "crypto/hash.h"

namespace mactls {

/// CipherSuite code points (RFC 8446 §B.4).
constexpr uint16_t TLS_AES_128_GCM_SHA256 = 0x1301;
constexpr uint16_t TLS_AES_256_GCM_SHA384 = 0x1302;
constexpr uint16_t TLS_CHACHA20_POLY1305_SHA256 = 0x1303;

/// One TLS 1.3 cipher suite: its code point, its IANA name, the hash used by
/// HKDF and the transcript, and the record AEAD with its key length (the
/// iv length is always kAeadNonceLen = 12, RFC 8446 §5.3).
struct CipherSuite {
  uint16_t code;
  const char* name;  ///< IANA name, e.g. "TLS_AES_128_GCM_SHA256"; static
  HashAlg hash;
  AeadAlg aead;
  size_t key_len;  ///< == aead_key_len(aead): 16 or 32
};

/// Number of entries in kCipherSuites.
constexpr size_t kCipherSuiteCount = 3;

/// Every suite mactls implements, in the order the ClientHello offers them.
/// Static storage; entries never change.
extern const CipherSuite kCipherSuites[kCipherSuiteCount];

/// The suite with code point `code`, or nullptr if mactls does not implement
/// it (the engine then answers ServerHello with illegal_parameter, RFC 8446
/// §4.1.3). The pointer is to static storage.
const CipherSuite* find_cipher_suite(uint16_t code);

// ---- TLS 1.2 (RFC 5289, RFC 5288, RFC 7905) -------------------------------
//
// A TLS 1.2 suite also names the key exchange and the certificate's key
// type; mactls implements only ECDHE with AEADs, so a 1.2 suite is the same
// CipherSuite record (the hash is the PRF's, RFC 5246 §5) plus its
// authentication, and the record layer and ConnectionInfo handle both
// versions through one type.

/// TLS 1.2 CipherSuite code points (RFC 5289 §3.2, RFC 7905 §2).
constexpr uint16_t TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256 = 0xC02B;
constexpr uint16_t TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384 = 0xC02C;
constexpr uint16_t TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256 = 0xC02F;
constexpr uint16_t TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384 = 0xC030;
constexpr uint16_t TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256 = 0xCCA8;
constexpr uint16_t TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256 = 0xCCA9;

/// Number of entries in kCipherSuites12.
constexpr size_t kCipherSuite12Count = 6;

/// Every TLS 1.2 suite mactls implements, in the order the ClientHello
/// offers them (after the 1.3 suites): ECDSA before RSA, ChaCha20 first
/// within each (no AES instructions on the G3). Static storage.
extern const CipherSuite kCipherSuites12[kCipherSuite12Count];

/// The TLS 1.2 suite with code point `code`, or nullptr.
const CipherSuite* find_cipher_suite12(uint16_t code);

/// True for the ECDHE_ECDSA suites, false for ECDHE_RSA (RFC 8422 §2): the
/// server's certificate key and ServerKeyExchange signature must match.
bool suite12_uses_ecdsa(const CipherSuite& suite);

/// TLS 1.2 fixed_iv_length / implicit nonce part: 4 bytes salt for AES-GCM
/// (RFC 5288 §3), 12 bytes for ChaCha20-Poly1305 (RFC 7905 §2).
constexpr size_t fixed_iv_len12(AeadAlg a) { return a == AeadAlg::chacha20_poly1305 ? 12 : 4; }

/// TLS 1.2 record_iv_length: the explicit nonce sent in each record, 8
/// bytes for AES-GCM (RFC 5288 §3), none for ChaCha20-Poly1305 (RFC 7905 §2).
constexpr size_t explicit_nonce_len12(AeadAlg a) {
  return a == AeadAlg::chacha20_poly1305 ? 0 : 8;
}

}  // namespace mactls

#endif  // MACTLS_KEYSCHEDULE_CIPHER_SUITE_H
