// mactls x509 — certification path building (RFC 4158) from the server's
// leaf to a trust anchor, as a depth-first search that backtracks over
// every failure, under hard budgets.
//
// For each certificate on the partial path, the issuer candidates are the
// trust anchors and the server's certificates whose subject equals its
// issuer (RFC 5280 §6.1: names chain by exact DER equality here). They are
// tried in this order (RFC 4158 §3.5 "likely to lead to a path" first):
// anchors before server certificates, and within each group those whose
// subjectKeyIdentifier equals the certificate's authorityKeyIdentifier,
// then those where one of the two is absent, then key-identifier
// mismatches. Before any signature is checked, a candidate must pass every
// cheap rejection: not already on the path (loop: same DER, or same subject
// and key), validity at the verification time (intermediates only, see
// below), basicConstraints CA, keyUsage keyCertSign, extendedKeyUsage
// allowing serverAuth, pathLenConstraint, name constraints over every
// certificate below it, the depth limit, a key of an allowed size whose
// type fits the signature algorithm. A failure anywhere — including a bad
// signature or a dead end further up — moves on to the next candidate.
//
// Trust anchors (RFC 5937): what an anchor certificate states applies to
// the paths below it — CA (when it has basicConstraints; a v1 root without
// extensions may issue), keyUsage keyCertSign (when present), EKU,
// pathLenConstraint and name constraints. Its validity period is not
// enforced and its own signature is never checked, as in rustls-webpki and
// Chrome: an anchor is trusted by configuration, not by its dates.
//
// Budgets (per verification, so per full handshake): signature checks,
// candidates considered, and name-constraint comparisons. Exhausting one
// ends the search at once with bad_certificate — as rustls-webpki ends
// with MaximumSignatureChecksExceeded / MaximumPathBuildCallsExceeded,
// which rustls reports as bad_certificate — because no honest server needs
// such a chain. A signature checked once for a (certificate, issuer key)
// pair is remembered, so neither another branch of the search nor another
// copy of the same issuer pays for it again.
#ifndef MACTLS_X509_PATH_BUILDER_H
#define MACTLS_X509_PATH_BUILDER_H

#include <array>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "mactls/status.h"
#include "x509/certificate.h"
#include "x509/trust_impl.h"

namespace mactls {

class VerifyCache;

/// Inputs of one search besides the certificates.
struct PathOptions {
  int64_t now_unix = 0;                     ///< validity time of intermediates
  size_t max_depth = 8;                     ///< intermediates + anchor on a path (leaf excluded)
  unsigned min_rsa_bits = 2048;             ///< RSA floor for intermediate and anchor keys
  size_t max_signature_checks = 8;          ///< signature verifications in the whole search
  size_t max_candidates = 64;               ///< issuer candidates considered in the whole search
  size_t max_name_constraint_checks = 4096; ///< name-against-subtree comparisons in the whole search
  /// Issuer-signature cache (x509/verify_cache.h), consulted right before a
  /// signature would be checked: a hit counts as a verified signature and
  /// spends none of max_signature_checks. nullptr = off.
  VerifyCache* signature_cache = nullptr;
  /// With signature_cache: receives the key of every signature this search
  /// verified, for the caller to commit once the handshake succeeded.
  std::vector<std::array<uint8_t, 32>>* signatures_verified = nullptr;
};

/// What the search spent; filled whether it succeeds or fails.
struct PathCounters {
  size_t signature_checks = 0;        ///< signatures verified (cache hits not counted)
  size_t candidates_tried = 0;        ///< issuer candidates considered
  size_t name_constraint_checks = 0;  ///< comparisons charged by check_name_constraints
  size_t signatures_cached = 0;       ///< signatures taken from the issuer-signature cache
};

/// A path found: the server's certificates from the leaf up (indices into
/// the caller's array), then the anchor that issued the last of them.
struct CertPath {
  std::vector<size_t> certs;           ///< certs[0] == 0 (the leaf)
  const TrustAnchor* anchor = nullptr; ///< the anchor at the top
  bool leaf_is_anchor = false;         ///< the leaf is itself an anchor (same DER): no issuer above it
};

/// Searches a path from certs[0] (the leaf, whose own rules the caller
/// checks) to one of `anchors`. certs[1..n) are the other certificates the
/// server sent, in any order; one with an empty `der` (it did not parse) is
/// never a candidate. Returns ok with *path filled; otherwise the
/// most telling failure met: unknown_ca when no candidate issuer led
/// anywhere; the failure of a candidate that did match by name (not a CA,
/// expired: certificate_expired, bad signature, ...) in preference; and
/// bad_certificate at once when a budget runs out.
Status build_path(const ParsedCertificate* certs, size_t n, const TrustStore::Impl& anchors, const PathOptions& opts,
                  CertPath* path, PathCounters* counters);

}  // namespace mactls

#endif
