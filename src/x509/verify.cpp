#include "x509/verify.h"

#include "x509/certificate.h"
#include "x509/name_constraints.h"
#include "x509/trust_impl.h"

namespace mactls {

namespace {

Status check_validity(const ParsedCertificate& c, int64_t now, bool leaf) {
  if (now < c.not_before)
    return Status::fail(Alert::certificate_expired, leaf ? "certificate is not yet valid" : "issuer certificate is not yet valid");
  if (now > c.not_after)
    return Status::fail(Alert::certificate_expired, leaf ? "certificate expired" : "issuer certificate expired");
  return Status::ok();
}

// May `issuer` issue certificates, with `below` non-self-issued
// intermediates already under it (RFC 5280 §4.2.1.9)?
Status check_issuer(const ParsedCertificate& issuer, size_t below) {
  if (!issuer.has_basic_constraints || !issuer.is_ca)
    return Status::fail(Alert::bad_certificate, "intermediate certificate is not a CA");
  if (issuer.path_len >= 0 && below > size_t(issuer.path_len))
    return Status::fail(Alert::bad_certificate, "certificate chain exceeds an issuer's path length constraint");
  if (issuer.has_key_usage && !(issuer.key_usage & kKuKeyCertSign))
    return Status::fail(Alert::bad_certificate, "issuer certificate may not sign certificates (keyUsage)");
  return Status::ok();
}

// RFC 5280 §6.1.3(b)(c), §6.1.4(g): the name constraints of each
// certificate on the path, and of the anchor that ends it (RFC 5937: what
// the anchor certificate states applies below it), are applied to every
// certificate below it, except self-issued intermediates (the leaf always).
// `path` lists the certificates leaf first, the anchor's own certificate
// excluded.
Status check_path_name_constraints(const std::vector<const ParsedCertificate*>& path, const ParsedCertificate* anchor) {
  size_t budget = kNameConstraintBudget;
  for (size_t k = 1; k <= path.size(); ++k) {
    const ParsedCertificate* constraining = k < path.size() ? path[k] : anchor;
    if (constraining == nullptr || !constraining->has_name_constraints) continue;
    for (size_t j = 0; j < k; ++j) {
      const ParsedCertificate& below = *path[j];
      if (j > 0 && below.subject.equals(below.issuer)) continue;
      MACTLS_TRY(check_name_constraints(constraining->name_constraints, below, &budget));
    }
  }
  return Status::ok();
}

}  // namespace

Status verify_server_chain(const ByteView* certs, size_t n, const TrustStore& store, const VerifyOptions& opts,
                           VerifiedChain* out) {
  if (n == 0) return Status::fail(Alert::decode_error, "empty certificate chain");
  const TrustStore::Impl& anchors = store.impl();
  // Parse every certificate once, in place.
  std::vector<ParsedCertificate> parsed(n);
  for (size_t i = 0; i < n; ++i) MACTLS_TRY(parse_certificate(certs[i], &parsed[i]));
  const ParsedCertificate& leaf = parsed[0];
  MACTLS_TRY(check_validity(leaf, opts.now_unix, true));
  if (leaf.has_eku && !leaf.eku_server_auth)
    return Status::fail(Alert::bad_certificate, "certificate is not for TLS servers (extendedKeyUsage)");
  if (leaf.has_key_usage && !(leaf.key_usage & kKuDigitalSignature))
    return Status::fail(Alert::bad_certificate, "certificate key may not sign (keyUsage)");
  if (!certificate_matches_host(leaf, opts.host))
    return Status::fail(Alert::bad_certificate, "host name does not match the certificate");
  MACTLS_TRY(out->leaf_key.parse_spki(leaf.spki));
  out->leaf_summary = certificate_summary(leaf);
  out->chain_summary.clear();
  out->chain_summary.push_back(out->leaf_summary);
  out->not_after = leaf.not_after;

  // Walk up from the leaf: at each step, an anchor that issued the current
  // certificate ends the path; otherwise an unused certificate from the
  // server's list whose subject is the current issuer and whose key
  // verifies the signature becomes the next link.
  std::vector<bool> used(n, false);
  used[0] = true;
  std::vector<const ParsedCertificate*> path{&leaf};
  size_t cur = 0;
  const ParsedCertificate* current = &leaf;
  Status first_failure = Status::fail(Alert::unknown_ca, "certificate chain does not lead to a trusted root");
  for (size_t depth = 0;; ++depth) {
    // The current certificate may itself be a trust anchor (same DER).
    for (const auto& a : anchors.anchors)
      if (depth > 0 && a->cert.der.equals(current->der)) {
        path.pop_back();  // the anchor itself
        return check_path_name_constraints(path, &a->cert);
      }
    for (const auto& a : anchors.anchors) {
      if (!a->cert.subject.equals(current->issuer)) continue;
      if (verify_certificate_signature(*current, a->key).is_ok()) return check_path_name_constraints(path, &a->cert);
      first_failure = Status::fail(Alert::bad_certificate, "certificate signature does not verify");
    }
    if (depth + 1 >= opts.max_depth)
      return Status::fail(Alert::bad_certificate, "certificate chain is longer than the limit");
    size_t next = n;
    for (size_t i = 1; i < n && next == n; ++i) {
      if (used[i] || !parsed[i].subject.equals(current->issuer)) continue;
      PublicKey k;
      if (!k.parse_spki(parsed[i].spki).is_ok()) continue;
      Status sig = verify_certificate_signature(*current, k);
      if (!sig.is_ok()) {
        first_failure = sig;
        continue;
      }
      MACTLS_TRY(check_issuer(parsed[i], depth));
      MACTLS_TRY(check_validity(parsed[i], opts.now_unix, false));
      next = i;
    }
    if (next == n) return first_failure;
    used[next] = true;
    cur = next;
    current = &parsed[cur];
    path.push_back(current);
    out->chain_summary.push_back(certificate_summary(*current));
    if (current->not_after < out->not_after) out->not_after = current->not_after;
  }
}

}  // namespace mactls
