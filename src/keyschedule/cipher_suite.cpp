#include "keyschedule/cipher_suite.h"

namespace mactls {

const CipherSuite kCipherSuites[kCipherSuiteCount] = {
    {TLS_AES_128_GCM_SHA256, "TLS_AES_128_GCM_SHA256", HashAlg::sha256, AeadAlg::aes128_gcm,
     aead_key_len(AeadAlg::aes128_gcm)},
    {TLS_AES_256_GCM_SHA384, "TLS_AES_256_GCM_SHA384", HashAlg::sha384, AeadAlg::aes256_gcm,
     aead_key_len(AeadAlg::aes256_gcm)},
    {TLS_CHACHA20_POLY1305_SHA256, "TLS_CHACHA20_POLY1305_SHA256", HashAlg::sha256,
     AeadAlg::chacha20_poly1305, aead_key_len(AeadAlg::chacha20_poly1305)},
};

const CipherSuite* find_cipher_suite(uint16_t code) {
  for (const CipherSuite& s : kCipherSuites)
    if (s.code == code) return &s;
  return nullptr;
}

const CipherSuite kCipherSuites12[kCipherSuite12Count] = {
    {TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256, "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
     HashAlg::sha256, AeadAlg::chacha20_poly1305, aead_key_len(AeadAlg::chacha20_poly1305)},
    {TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
     HashAlg::sha256, AeadAlg::aes128_gcm, aead_key_len(AeadAlg::aes128_gcm)},
    {TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384, "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
     HashAlg::sha384, AeadAlg::aes256_gcm, aead_key_len(AeadAlg::aes256_gcm)},
    {TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256, "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256",
     HashAlg::sha256, AeadAlg::chacha20_poly1305, aead_key_len(AeadAlg::chacha20_poly1305)},
    {TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256, "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
     HashAlg::sha256, AeadAlg::aes128_gcm, aead_key_len(AeadAlg::aes128_gcm)},
    {TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384, "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
     HashAlg::sha384, AeadAlg::aes256_gcm, aead_key_len(AeadAlg::aes256_gcm)},
};

const CipherSuite* find_cipher_suite12(uint16_t code) {
  for (const CipherSuite& s : kCipherSuites12)
    if (s.code == code) return &s;
  return nullptr;
}

bool suite12_uses_ecdsa(const CipherSuite& suite) {
  return suite.code == TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256 ||
         suite.code == TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384 ||
         suite.code == TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256;
}

}  // namespace mactls
