// mactls async — display names of the negotiated suite, group and signature
// scheme, for diagnostics. The tables live with the modules that own them
// (keyschedule/cipher_suite.h, crypto/kex.h, crypto/signature.h); this only
// adds "none" for "not negotiated".
#include "crypto/kex.h"
#include "crypto/signature.h"
#include "keyschedule/cipher_suite.h"
#include "mactls/connection.h"
#include "mactls/tls_ids.h"

namespace mactls {

// The public names (mactls/tls_ids.h) are the numbers the modules use.
static_assert(kGroupX25519 == uint16_t(NamedGroup::x25519), "x25519");
static_assert(kGroupSecp256r1 == uint16_t(NamedGroup::secp256r1), "secp256r1");
static_assert(kGroupSecp384r1 == uint16_t(NamedGroup::secp384r1), "secp384r1");
static_assert(kSigRsaPkcs1Sha256 == uint16_t(SignatureScheme::rsa_pkcs1_sha256), "rsa_pkcs1_sha256");
static_assert(kSigRsaPkcs1Sha384 == uint16_t(SignatureScheme::rsa_pkcs1_sha384), "rsa_pkcs1_sha384");
static_assert(kSigRsaPkcs1Sha512 == uint16_t(SignatureScheme::rsa_pkcs1_sha512), "rsa_pkcs1_sha512");
static_assert(kSigEcdsaSecp256r1Sha256 == uint16_t(SignatureScheme::ecdsa_secp256r1_sha256), "ecdsa p256");
static_assert(kSigEcdsaSecp384r1Sha384 == uint16_t(SignatureScheme::ecdsa_secp384r1_sha384), "ecdsa p384");
static_assert(kSigRsaPssRsaeSha256 == uint16_t(SignatureScheme::rsa_pss_rsae_sha256), "pss rsae 256");
static_assert(kSigRsaPssRsaeSha384 == uint16_t(SignatureScheme::rsa_pss_rsae_sha384), "pss rsae 384");
static_assert(kSigRsaPssRsaeSha512 == uint16_t(SignatureScheme::rsa_pss_rsae_sha512), "pss rsae 512");
static_assert(kSigEd25519 == uint16_t(SignatureScheme::ed25519), "ed25519");
static_assert(kSigRsaPssPssSha256 == uint16_t(SignatureScheme::rsa_pss_pss_sha256), "pss pss 256");
static_assert(kSigRsaPssPssSha384 == uint16_t(SignatureScheme::rsa_pss_pss_sha384), "pss pss 384");
static_assert(kSigRsaPssPssSha512 == uint16_t(SignatureScheme::rsa_pss_pss_sha512), "pss pss 512");

const char* tls_cipher_suite_name(uint16_t suite) {
  if (!suite) return "none";
  const CipherSuite* cs = find_cipher_suite(suite);
  if (!cs) cs = find_cipher_suite12(suite);
  return cs ? cs->name : "unknown";
}

const char* tls_group_name(uint16_t group) { return group ? group_name(group) : "none"; }

const char* tls_signature_scheme_name(uint16_t scheme) {
  return scheme ? signature_scheme_name(scheme) : "none";
}

}  // namespace mactls
