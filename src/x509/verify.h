// mactls x509 — server certificate chain validation for TLS (RFC 5280 §6
// as a path search, RFC 4158; RFC 5937 for trust anchors; RFC 6125 for host
// names). The rules and budgets are in path_builder.h and README.md,
// "Certificate validation".
//
// Order of checks: every certificate is parsed (malformed → stop); the
// leaf's own path-independent rules (not a CA, EKU serverAuth, keyUsage
// digitalSignature, a usable key); then the path search; and only for a
// path that reaches an anchor, the leaf's validity and host name — so an
// untrusted leaf reports unknown_ca, never certificate_expired.
//
// Alert mapping (RFC 8446 §6.2):
//   no path to a trust anchor (no issuer found)      → unknown_ca
//   leaf, intermediate expired or not yet valid      → certificate_expired
//   a certificate's signature does not verify        → bad_certificate
//   issuer not a CA, pathLen exceeded, keyUsage/EKU,
//   name constraints, serial number, RSA exponent    → bad_certificate
//   CA certificate as the server's own               → bad_certificate
//   host name does not match                         → bad_certificate
//   a path-building budget exhausted                 → bad_certificate
//   unsupported key (size, curve), algorithm,
//   unknown critical extension                       → unsupported_certificate
//   malformed DER                                    → bad_certificate
// When no path is found, the failure reported is that of a candidate issuer
// that matched by name (e.g. the intermediate that is not a CA) rather
// than unknown_ca, as rustls-webpki ranks its errors.
#ifndef MACTLS_X509_VERIFY_H
#define MACTLS_X509_VERIFY_H

#include <array>
#include <string>
#include <vector>

#include "common/bytes.h"
#include "crypto/signature.h"
#include "mactls/status.h"
#include "mactls/trust.h"

namespace mactls {

class VerifyCache;

/// What one verification may spend and against what it checks.
struct VerifyOptions {
  std::string host;        ///< DNS name or IP literal the client connected to
  int64_t now_unix = 0;    ///< injected time
  size_t max_depth = 8;    ///< intermediates + anchor on the path (Limits::max_chain_depth)
  unsigned min_rsa_bits = 2048;              ///< Limits::min_rsa_bits (1024..2048)
  size_t max_signature_checks = 8;           ///< Limits::max_signature_checks
  size_t max_path_candidates = 64;           ///< Limits::max_path_candidates
  size_t max_name_constraint_checks = 4096;  ///< Limits::max_name_constraint_checks
  // Verification caches (x509/verify_cache.h); both nullptr = off.
  VerifyCache* signature_cache = nullptr;  ///< issuer signatures consulted before each check
  std::vector<std::array<uint8_t, 32>>* signatures_verified = nullptr;  ///< keys of signatures newly verified, to commit later
};

struct VerifiedChain {
  PublicKey leaf_key;                      ///< for CertificateVerify
  std::string leaf_summary;                ///< "CN=... (issuer CN=..., until ...)"
  std::vector<std::string> chain_summary;  ///< one line per certificate on the path, leaf first
  int64_t not_after = 0;                   ///< earliest notAfter (unix s) of the leaf and intermediates on the path
  // What the path search spent (filled on failure too, so tests assert budgets).
  size_t signature_checks = 0;             ///< certificate signatures verified
  size_t candidates_tried = 0;             ///< issuer candidates considered
  size_t name_constraint_checks = 0;       ///< name-constraint comparisons
  size_t signatures_cached = 0;            ///< signatures taken from the issuer-signature cache (not in signature_checks)
  bool chain_cache_hit = false;            ///< served from the verified-chain cache (verify_server_chain_cached)
  // The path found (for the verified-chain cache): indices into the
  // caller's certificates, leaf first, with each one's validity period.
  std::vector<size_t> path;
  std::vector<int64_t> path_not_before, path_not_after;
};

/// Validates the server's chain. certs[0] is the leaf; the others may come
/// in any order and may include unrelated certificates (path building with
/// backtracking, path_builder.h). Each certificate is parsed once, in
/// place. The counters in *out are filled whatever the result.
Status verify_server_chain(const ByteView* certs, size_t n, const TrustStore& anchors,
                           const VerifyOptions& opts, VerifiedChain* out);

}  // namespace mactls

#endif
