// mactls x509 — an X.509 v3 certificate parsed in place (RFC 5280 §4.1).
// Every field is a view into the DER the server sent: no copies, no
// per-field allocation, and each certificate is parsed once per handshake.
#ifndef MACTLS_X509_CERTIFICATE_H
#define MACTLS_X509_CERTIFICATE_H

#include <cstdint>
#include <string>

#include "common/bytes.h"
#include "crypto/signature.h"
#include "mactls/status.h"

namespace mactls {

/// How a certificate's signature is checked.
enum class CertSigAlg : uint8_t {
  rsa_pkcs1_sha256, rsa_pkcs1_sha384, rsa_pkcs1_sha512,
  rsa_pss_sha256, rsa_pss_sha384, rsa_pss_sha512,  // MGF1 with the same hash, salt = hash length
  ecdsa_sha256, ecdsa_sha384, ecdsa_sha512,
  ed25519,
  unsupported,  // e.g. sha1WithRSAEncryption: fine on a trust anchor, refused where a signature must be checked
};

/// keyUsage bits (RFC 5280 §4.2.1.3) mactls looks at.
constexpr uint16_t kKuDigitalSignature = 0x80;
constexpr uint16_t kKuKeyCertSign = 0x04;

struct ParsedCertificate {
  ByteView der;         ///< the whole certificate
  ByteView tbs;         ///< tbsCertificate TLV: the signed bytes
  CertSigAlg sig_alg = CertSigAlg::ed25519;
  ByteView signature;   ///< signatureValue without the unused-bits byte
  ByteView issuer;      ///< Name TLV, compared as DER for chaining
  ByteView subject;     ///< Name TLV
  ByteView spki;        ///< SubjectPublicKeyInfo TLV
  int64_t not_before = 0, not_after = 0;  ///< unix seconds
  bool has_basic_constraints = false;
  bool is_ca = false;
  int path_len = -1;    ///< -1: no pathLenConstraint
  bool has_key_usage = false;
  uint16_t key_usage = 0;  ///< first byte of the BIT STRING (bit 0 = 0x80)
  bool has_eku = false;
  bool eku_server_auth = false;  ///< id-kp-serverAuth or anyExtendedKeyUsage present
  bool has_san = false;
  ByteView san;         ///< GeneralNames contents
  ByteView serial;      ///< serialNumber INTEGER contents (as encoded)
  ByteView subject_key_id;    ///< subjectKeyIdentifier OCTET STRING contents; empty if absent
  ByteView authority_key_id;  ///< authorityKeyIdentifier keyIdentifier [0] contents; empty if absent
  bool has_name_constraints = false;
  ByteView name_constraints;  ///< NameConstraints SEQUENCE contents (RFC 5280 §4.2.1.10)
};

/// Where a certificate comes from: the server (every rule) or the
/// configured trust store (a few profile rules waived, see parse_certificate).
enum class CertRole : uint8_t { peer, anchor };

/// Parses DER strictly: outer and inner signature algorithms must match,
/// version v3 when extensions are present, validity times in the RFC 5280
/// §4.1.2.5 formats, no duplicate extensions, and no unknown critical
/// extension. Malformed: bad_certificate; unknown critical extension:
/// unsupported_certificate. A signature algorithm mactls cannot verify is
/// recorded as CertSigAlg::unsupported rather than refused: a trust
/// anchor's own signature is never checked (many roots are SHA-1 signed);
/// verify_certificate_signature refuses it where it matters. A peer's
/// serial number must be positive and at most 20 octets (RFC 5280
/// §4.1.2.2), else bad_certificate; an anchor's is not checked.
Status parse_certificate(ByteView der, ParsedCertificate* out, CertRole role = CertRole::peer);

/// Verifies `cert`'s signature with `issuer_key`: decrypt-style failures
/// come back as bad_certificate (a bad certificate, not a bad handshake).
Status verify_certificate_signature(const ParsedCertificate& cert, const PublicKey& issuer_key);

/// The commonName of a Name TLV (first CN), or "" if none; for diagnostics.
std::string name_common_name(ByteView name);

/// "CN=leaf (issuer CN=ca, until 2027-01-01)" for diagnostics.
std::string certificate_summary(const ParsedCertificate& cert);

/// Does the certificate's SAN match `host` (RFC 6125 §6.4)? DNS names
/// case-insensitively with a left-most whole-label wildcard only; IP
/// literals only against iPAddress entries. No SAN: no match (the subject
/// CN is not consulted, as in current browsers).
bool certificate_matches_host(const ParsedCertificate& cert, const std::string& host);

/// RFC 6125 DNS-ID matching of one presented name (exposed for tests).
bool dns_name_matches(ByteView presented, const std::string& host);

}  // namespace mactls

#endif
