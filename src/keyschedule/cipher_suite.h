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

}  // namespace mactls

#endif  // MACTLS_KEYSCHEDULE_CIPHER_SUITE_H
