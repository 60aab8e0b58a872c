// mactls x509 — server certificate chain validation for TLS (RFC 5280 §6,
// simplified to what a TLS client needs; RFC 6125 for host names).
//
// Alert mapping (RFC 8446 §6.2):
//   expired or not yet valid                         → certificate_expired
//   no path to a trust anchor                        → unknown_ca
//   a certificate's signature does not verify        → bad_certificate
//   issuer not a CA, pathLen exceeded, keyUsage/EKU  → bad_certificate
//   host name does not match                         → bad_certificate
//   unsupported key, algorithm, critical extension   → unsupported_certificate
//   malformed DER                                    → bad_certificate
#ifndef MACTLS_X509_VERIFY_H
#define MACTLS_X509_VERIFY_H

#include <string>
#include <vector>

#include "common/bytes.h"
#include "crypto/signature.h"
#include "mactls/status.h"
#include "mactls/trust.h"

namespace mactls {

struct VerifyOptions {
  std::string host;        ///< DNS name or IP literal the client connected to
  int64_t now_unix = 0;    ///< injected time
  size_t max_depth = 8;    ///< certificates on the path, anchor excluded
};

struct VerifiedChain {
  PublicKey leaf_key;                      ///< for CertificateVerify
  std::string leaf_summary;                ///< "CN=... (issuer CN=..., until ...)"
  std::vector<std::string> chain_summary;  ///< one line per certificate on the path, leaf first
  int64_t not_after = 0;                   ///< earliest notAfter (unix s) of the leaf and intermediates on the path
};

/// Validates the server's chain. certs[0] is the leaf; the others may come
/// in any order and may include unrelated certificates (order-tolerant
/// building). Each certificate is parsed once, in place.
Status verify_server_chain(const ByteView* certs, size_t n, const TrustStore& anchors,
                           const VerifyOptions& opts, VerifiedChain* out);

}  // namespace mactls

#endif
