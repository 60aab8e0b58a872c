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

}  // namespace mactls
