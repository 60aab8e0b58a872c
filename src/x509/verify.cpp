#include "x509/verify.h"

#include <algorithm>

#include "x509/certificate.h"
#include "x509/path_builder.h"
#include "x509/trust_impl.h"

namespace mactls {

Status verify_server_chain(const ByteView* certs, size_t n, const TrustStore& store, const VerifyOptions& opts,
                           VerifiedChain* out) {
  out->signature_checks = out->candidates_tried = out->name_constraint_checks = out->signatures_cached = 0;
  out->chain_cache_hit = false;
  out->path.clear();
  out->path_not_before.clear();
  out->path_not_after.clear();
  if (n == 0) return Status::fail(Alert::decode_error, "empty certificate chain");
  // Parse every certificate once, in place. The leaf must parse; another
  // certificate that does not (malformed, an unknown critical extension) is
  // left out of the search rather than failing the chain: a path that does
  // not use it is judged without it, as rustls-webpki and Chrome do.
  std::vector<ParsedCertificate> parsed(n);
  MACTLS_TRY(parse_certificate(certs[0], &parsed[0]));
  for (size_t i = 1; i < n; ++i)
    if (!parse_certificate(certs[i], &parsed[i]).is_ok()) parsed[i] = ParsedCertificate();

  // The leaf's own rules, which no path changes (cheap, before any search).
  const ParsedCertificate& leaf = parsed[0];
  // RFC 5280 §4.2.1.9: a CA key is for certificates; rustls-webpki and
  // Chrome refuse it as a TLS server's own (CaUsedAsEndEntity).
  if (leaf.has_basic_constraints && leaf.is_ca)
    return Status::fail(Alert::bad_certificate, "a CA certificate cannot be the server's own certificate");
  // RFC 5280 §4.2.1.10: nameConstraints "MUST be used only in a CA certificate".
  if (leaf.has_name_constraints)
    return Status::fail(Alert::bad_certificate, "a non-CA certificate carries name constraints");
  // RFC 5280 §4.2.1.12: serverAuth (or anyExtendedKeyUsage) when EKU is present.
  if (leaf.has_eku && !leaf.eku_server_auth)
    return Status::fail(Alert::bad_certificate, "certificate is not for TLS servers (extendedKeyUsage)");
  // RFC 5280 §4.2.1.3: a TLS 1.3 server key signs CertificateVerify; and
  // keyCertSign without the cA bit is malformed ("MUST also be asserted").
  if (leaf.has_key_usage && !(leaf.key_usage & kKuDigitalSignature))
    return Status::fail(Alert::bad_certificate, "certificate key may not sign (keyUsage)");
  if (leaf.has_key_usage && (leaf.key_usage & kKuKeyCertSign))
    return Status::fail(Alert::bad_certificate, "a non-CA certificate asserts keyCertSign (keyUsage)");
  MACTLS_TRY(out->leaf_key.parse_spki(leaf.spki, opts.min_rsa_bits));

  PathOptions po;
  po.now_unix = opts.now_unix;
  po.max_depth = opts.max_depth;
  po.min_rsa_bits = opts.min_rsa_bits;
  po.max_signature_checks = opts.max_signature_checks;
  po.max_candidates = opts.max_path_candidates;
  po.max_name_constraint_checks = opts.max_name_constraint_checks;
  po.signature_cache = opts.signature_cache;  // hook: issuer-signature cache
  po.signatures_verified = opts.signatures_verified;
  CertPath path;
  PathCounters spent;
  Status found = build_path(parsed.data(), n, TrustStoreAccess::impl(store), po, &path, &spent);
  out->signature_checks = spent.signature_checks;
  out->candidates_tried = spent.candidates_tried;
  out->name_constraint_checks = spent.name_constraint_checks;
  out->signatures_cached = spent.signatures_cached;
  MACTLS_TRY(found);

  // Only a path that reaches an anchor gets the leaf's validity and name
  // checked: before that, unknown_ca is the truthful answer.
  if (opts.now_unix < leaf.not_before) return Status::fail(Alert::certificate_expired, "certificate is not yet valid");
  if (opts.now_unix > leaf.not_after) return Status::fail(Alert::certificate_expired, "certificate expired");
  if (!certificate_matches_host(leaf, opts.host))
    return Status::fail(Alert::bad_certificate, "host name does not match the certificate");

  out->leaf_summary = certificate_summary(leaf);
  out->chain_summary.clear();
  out->not_after = leaf.not_after;
  for (size_t i : path.certs) {
    out->chain_summary.push_back(certificate_summary(parsed[i]));
    out->not_after = std::min(out->not_after, parsed[i].not_after);
    // For the verified-chain cache (verify_cache.h).
    out->path.push_back(i);
    out->path_not_before.push_back(parsed[i].not_before);
    out->path_not_after.push_back(parsed[i].not_after);
  }
  return Status::ok();
}

}  // namespace mactls
