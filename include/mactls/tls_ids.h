// mactls — named code points for what a ClientConfig offers and what
// ConnectionInfo reports: protocol versions, cipher suites, named groups
// and signature schemes. Each is the IANA TLS registry number as a plain
// uint16_t, so ClientConfig's std::vector<uint16_t> fields take them as they
// are (`cfg.groups = {kGroupX25519, kGroupSecp256r1}`) and raw numbers still
// work. Only what mactls implements is named here; the C header
// (mactls/mactls.h) has the same numbers as MACTLS_SUITE_*, MACTLS_GROUP_*,
// MACTLS_SIG_* and MACTLS_TLS_1_*.
#ifndef MACTLS_TLS_IDS_H
#define MACTLS_TLS_IDS_H

#include <cstdint>

namespace mactls {

// ------------------------------------------------ versions (RFC 8446 §4.2.1)

constexpr uint16_t kVersionTls12 = 0x0303;  ///< TLS 1.2 (RFC 5246)
constexpr uint16_t kVersionTls13 = 0x0304;  ///< TLS 1.3 (RFC 8446)

// ------------------------------------- TLS 1.3 cipher suites (RFC 8446 §B.4)

constexpr uint16_t kTlsAes128GcmSha256 = 0x1301;        ///< TLS_AES_128_GCM_SHA256
constexpr uint16_t kTlsAes256GcmSha384 = 0x1302;        ///< TLS_AES_256_GCM_SHA384
constexpr uint16_t kTlsChacha20Poly1305Sha256 = 0x1303; ///< TLS_CHACHA20_POLY1305_SHA256

// ------------------- TLS 1.2 cipher suites (RFC 5289, RFC 7905; ECDHE + AEAD)

/// TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256
constexpr uint16_t kTlsEcdheEcdsaWithAes128GcmSha256 = 0xC02B;
/// TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384
constexpr uint16_t kTlsEcdheEcdsaWithAes256GcmSha384 = 0xC02C;
/// TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256
constexpr uint16_t kTlsEcdheEcdsaWithChacha20Poly1305Sha256 = 0xCCA9;
/// TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256
constexpr uint16_t kTlsEcdheRsaWithAes128GcmSha256 = 0xC02F;
/// TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384
constexpr uint16_t kTlsEcdheRsaWithAes256GcmSha384 = 0xC030;
/// TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256
constexpr uint16_t kTlsEcdheRsaWithChacha20Poly1305Sha256 = 0xCCA8;

// ------------------------------------------ named groups (RFC 8446 §4.2.7)

constexpr uint16_t kGroupSecp256r1 = 0x0017;  ///< secp256r1 (NIST P-256)
constexpr uint16_t kGroupSecp384r1 = 0x0018;  ///< secp384r1 (NIST P-384)
constexpr uint16_t kGroupX25519 = 0x001d;     ///< x25519 (RFC 7748)

// ------------------------------------- signature schemes (RFC 8446 §4.2.3)

constexpr uint16_t kSigRsaPkcs1Sha256 = 0x0401;      ///< rsa_pkcs1_sha256 (certificates; TLS 1.2 handshakes)
constexpr uint16_t kSigRsaPkcs1Sha384 = 0x0501;      ///< rsa_pkcs1_sha384
constexpr uint16_t kSigRsaPkcs1Sha512 = 0x0601;      ///< rsa_pkcs1_sha512
constexpr uint16_t kSigEcdsaSecp256r1Sha256 = 0x0403;  ///< ecdsa_secp256r1_sha256
constexpr uint16_t kSigEcdsaSecp384r1Sha384 = 0x0503;  ///< ecdsa_secp384r1_sha384
constexpr uint16_t kSigRsaPssRsaeSha256 = 0x0804;    ///< rsa_pss_rsae_sha256
constexpr uint16_t kSigRsaPssRsaeSha384 = 0x0805;    ///< rsa_pss_rsae_sha384
constexpr uint16_t kSigRsaPssRsaeSha512 = 0x0806;    ///< rsa_pss_rsae_sha512
constexpr uint16_t kSigEd25519 = 0x0807;             ///< ed25519
constexpr uint16_t kSigRsaPssPssSha256 = 0x0809;     ///< rsa_pss_pss_sha256
constexpr uint16_t kSigRsaPssPssSha384 = 0x080a;     ///< rsa_pss_pss_sha384
constexpr uint16_t kSigRsaPssPssSha512 = 0x080b;     ///< rsa_pss_pss_sha512

}  // namespace mactls

#endif  // MACTLS_TLS_IDS_H
