#include "x509/path_builder.h"

#include <algorithm>

#include "x509/name_constraints.h"
#include "x509/verify_cache.h"

namespace mactls {

namespace {

// RFC 5280 §6.1: "self-issued" means subject and issuer names are equal.
bool self_issued(const ParsedCertificate& c) { return c.subject.equals(c.issuer); }

// May a key of this type have made a signature of this algorithm? A
// mismatch is rejected before any arithmetic.
bool sig_alg_fits(CertSigAlg alg, KeyType key) {
  switch (alg) {
    case CertSigAlg::rsa_pkcs1_sha256:
    case CertSigAlg::rsa_pkcs1_sha384:
    case CertSigAlg::rsa_pkcs1_sha512: return key == KeyType::rsa;
    case CertSigAlg::rsa_pss_sha256:
    case CertSigAlg::rsa_pss_sha384:
    case CertSigAlg::rsa_pss_sha512: return key == KeyType::rsa || key == KeyType::rsa_pss;
    case CertSigAlg::ecdsa_sha256:
    case CertSigAlg::ecdsa_sha384:
    case CertSigAlg::ecdsa_sha512: return key == KeyType::ec_p256 || key == KeyType::ec_p384;
    case CertSigAlg::ed25519: return key == KeyType::ed25519;
    case CertSigAlg::unsupported: return false;
  }
  return false;
}

// How well a candidate's subjectKeyIdentifier fits the child's
// authorityKeyIdentifier (RFC 4158 §3.5.12): 0 equal, 1 unknown, 2 different.
int key_id_rank(const ParsedCertificate& child, const ParsedCertificate& cand) {
  if (child.authority_key_id.empty() || cand.subject_key_id.empty()) return 1;
  return child.authority_key_id.equals(cand.subject_key_id) ? 0 : 2;
}

struct Candidate {
  bool anchor;
  size_t index;  // into anchors.anchors or the server's certificates
  int rank;
};

enum SigMemo : int8_t { kSigUnknown = 0, kSigGood = 1, kSigBad = 2 };
enum KeyState : int8_t { kKeyUnparsed = 0, kKeyGood = 1, kKeyBad = 2 };

class Search {
 public:
  Search(const ParsedCertificate* certs, size_t n, const TrustStore::Impl& anchors, const PathOptions& o,
         PathCounters* counters)
      : certs_(certs),
        n_(n),
        anchors_(anchors),
        o_(o),
        counters_(counters),
        keys_(n),
        key_state_(n, kKeyUnparsed),
        key_error_(n, Status::ok()),
        sig_memo_(n * (n + anchors.anchors.size()), kSigUnknown),
        key_class_(n),
        anchor_copy_(n, false),
        nc_left_(o.max_name_constraint_checks) {
    // Issuers with the same key verify the same signatures: a signature is
    // checked once per (certificate, key), however many copies of an
    // issuer (same key, other serial) a server sends.
    for (size_t i = 0; i < n; ++i) {
      key_class_[i] = i;
      bool found = false;
      for (size_t j = 1; j < i && !found; ++j)
        if (certs[j].spki.equals(certs[i].spki)) key_class_[i] = key_class_[j], found = true;
      for (size_t a = 0; a < anchors.anchors.size() && !found; ++a)
        if (anchors.anchors[a]->cert.spki.equals(certs[i].spki)) key_class_[i] = n + a, found = true;
    }
    // A server certificate that is byte for byte an anchor is the anchor:
    // it is tried as such, never again as an intermediate.
    for (size_t i = 1; i < n; ++i)
      for (const auto& a : anchors.anchors)
        if (a->cert.der.equals(certs[i].der)) anchor_copy_[i] = true;
  }

  Status run(CertPath* path) {
    path_.assign(1, 0);
    if (extend()) {
      path->certs = path_;
      path->anchor = found_;
      return Status::ok();
    }
    return exhausted_ ? fatal_ : best_;
  }

 private:
  // Cheap rejections of `c` as the issuer of the top of the path: no
  // public-key arithmetic, only comparisons (and name-constraint checks,
  // which are charged to their own budget).
  Status check_issuer(const ParsedCertificate& c, bool anchor, size_t candidate_index) {
    // Depth: the limit counts intermediates plus the anchor.
    if (anchor ? path_.size() > o_.max_depth : path_.size() + 1 > o_.max_depth)
      return Status::fail(Alert::bad_certificate, "certificate chain is longer than the limit");
    if (!anchor) {
      if (anchor_copy_[candidate_index]) return Status::fail(Alert::unknown_ca, "a copy of a trust anchor");
      // A loop: the same certificate, or the same subject and key, already on the path.
      for (size_t i : path_)
        if (i == candidate_index || certs_[i].der.equals(c.der) ||
            (certs_[i].subject.equals(c.subject) && certs_[i].spki.equals(c.spki)))
          return Status::fail(Alert::unknown_ca, "certificate chain loops");
      // RFC 5280 §6.1.3(a)(2). Anchors are exempt (see the header).
      if (o_.now_unix < c.not_before)
        return Status::fail(Alert::certificate_expired, "issuer certificate is not yet valid");
      if (o_.now_unix > c.not_after) return Status::fail(Alert::certificate_expired, "issuer certificate expired");
    }
    // RFC 5280 §4.2.1.9 / §6.1.4(k): an issuer must be a CA. An anchor
    // without basicConstraints (a v1 root) is trusted as configured; one
    // that says CA:FALSE (a device's self-signed certificate added as an
    // anchor) vouches for itself only (RFC 5937 §2).
    if (anchor ? (c.has_basic_constraints && !c.is_ca) : (!c.has_basic_constraints || !c.is_ca))
      return Status::fail(Alert::bad_certificate,
                          anchor ? "trust anchor is not a CA" : "intermediate certificate is not a CA");
    // §4.2.1.3 / §6.1.4(n).
    if (c.has_key_usage && !(c.key_usage & kKuKeyCertSign))
      return Status::fail(Alert::bad_certificate, "issuer certificate may not sign certificates (keyUsage)");
    // EKU chained through issuers, as in rustls-webpki and Chrome (CA/B
    // Forum BR §7.1.2): an issuer restricted to other purposes cannot issue
    // TLS server certificates; no extension means any purpose.
    if (c.has_eku && !c.eku_server_auth)
      return Status::fail(Alert::bad_certificate, "issuer certificate is not for TLS servers (extendedKeyUsage)");
    // §4.2.1.9 / §6.1.4(l)(m): pathLenConstraint counts the non-self-issued
    // intermediates below the issuer; the leaf is never counted.
    if (c.path_len >= 0) {
      size_t below = 0;
      for (size_t k = 1; k < path_.size(); ++k)
        if (!self_issued(certs_[path_[k]])) ++below;
      if (below > size_t(c.path_len))
        return Status::fail(Alert::bad_certificate, "certificate chain exceeds an issuer's path length constraint");
    }
    // §4.2.1.10 / §6.1.3(b)(c): the issuer's name constraints over every
    // certificate below it, self-issued intermediates excepted.
    if (c.has_name_constraints) {
      for (size_t k = 0; k < path_.size(); ++k) {
        const ParsedCertificate& below = certs_[path_[k]];
        if (k > 0 && self_issued(below)) continue;
        size_t before = nc_left_;
        Status s = check_name_constraints(c.name_constraints, below, &nc_left_);
        counters_->name_constraint_checks += before - nc_left_;
        if (!s.is_ok()) {
          if (nc_left_ == 0) exhaust("name-constraint comparison budget exhausted");
          return s;
        }
      }
    }
    return Status::ok();
  }

  // The key of candidate server certificate `i`, parsed once.
  Status server_key(size_t i, const PublicKey** key) {
    if (key_class_[i] < n_) i = key_class_[i];  // an earlier certificate with the same key
    if (key_state_[i] == kKeyUnparsed) {
      key_error_[i] = keys_[i].parse_spki(certs_[i].spki, o_.min_rsa_bits);
      key_state_[i] = key_error_[i].is_ok() ? kKeyGood : kKeyBad;
    }
    *key = &keys_[i];
    return key_error_[i];
  }

  void exhaust(const char* what) {
    if (!exhausted_) fatal_ = Status::fail(Alert::bad_certificate, what);
    exhausted_ = true;
  }

  // Keeps the most telling failure: one of a candidate that matched by
  // name beats "no issuer found" (unknown_ca); otherwise the first met.
  void note(const Status& s) {
    if (best_.alert() == Alert::unknown_ca && s.alert() != Alert::unknown_ca) best_ = s;
  }

  bool extend() {
    const size_t child_index = path_.back();
    const ParsedCertificate& child = certs_[child_index];
    std::vector<Candidate> cands;
    for (size_t i = 0; i < anchors_.anchors.size(); ++i)
      if (anchors_.anchors[i]->cert.subject.equals(child.issuer))
        cands.push_back({true, i, key_id_rank(child, anchors_.anchors[i]->cert)});
    for (size_t i = 1; i < n_; ++i)
      if (!certs_[i].der.empty() && certs_[i].subject.equals(child.issuer)) cands.push_back({false, i, key_id_rank(child, certs_[i])});
    std::stable_sort(cands.begin(), cands.end(), [](const Candidate& a, const Candidate& b) {
      if (a.anchor != b.anchor) return a.anchor;
      return a.rank < b.rank;
    });
    for (const Candidate& cand : cands) {
      if (counters_->candidates_tried >= o_.max_candidates) {
        exhaust("certificate path building tried too many issuer candidates");
        return false;
      }
      ++counters_->candidates_tried;
      const TrustAnchor* anchor = cand.anchor ? anchors_.anchors[cand.index].get() : nullptr;
      const ParsedCertificate& issuer = anchor ? anchor->cert : certs_[cand.index];
      Status s = check_issuer(issuer, anchor != nullptr, cand.index);
      if (exhausted_) return false;
      if (!s.is_ok()) {
        note(s);
        continue;
      }
      if (child.sig_alg == CertSigAlg::unsupported) {
        note(Status::fail(Alert::unsupported_certificate, "certificate signature algorithm not supported (e.g. SHA-1)"));
        continue;
      }
      const PublicKey* key = nullptr;
      if (anchor) {
        key = &anchor->key;
        if ((key->type() == KeyType::rsa || key->type() == KeyType::rsa_pss) && key->bits() < o_.min_rsa_bits) {
          note(Status::fail(Alert::unsupported_certificate, "trust anchor's RSA key is below the allowed size"));
          continue;
        }
      } else {
        Status ks = server_key(cand.index, &key);
        if (!ks.is_ok()) {
          note(ks);
          continue;
        }
      }
      if (!sig_alg_fits(child.sig_alg, key->type())) {
        note(Status::fail(Alert::bad_certificate, "certificate signature algorithm does not fit the issuer's key"));
        continue;
      }
      // The one expensive step, memoised per (certificate, issuer) and budgeted.
      const size_t issuer_id = anchor ? n_ + cand.index : key_class_[cand.index];
      int8_t& memo = sig_memo_[child_index * (n_ + anchors_.anchors.size()) + issuer_id];
      // Hook: the issuer-signature cache (verify_cache.h), consulted before
      // the budget — a remembered signature costs no check.
      CacheDigest cache_key{};
      if (memo == kSigUnknown && o_.signature_cache) {
        cache_key = signature_cache_key(anchor ? anchor->cert.spki : certs_[cand.index].spki, child);
        if (signature_cached(*o_.signature_cache, cache_key)) {
          memo = kSigGood;
          ++counters_->signatures_cached;
        }
      }
      if (memo == kSigUnknown) {
        if (counters_->signature_checks >= o_.max_signature_checks) {
          exhaust("certificate path building needs more signature checks than allowed");
          return false;
        }
        ++counters_->signature_checks;
        memo = verify_certificate_signature(child, *key).is_ok() ? kSigGood : kSigBad;
        if (memo == kSigGood && o_.signature_cache && o_.signatures_verified)
          o_.signatures_verified->push_back(cache_key);
      }
      if (memo != kSigGood) {
        note(Status::fail(Alert::bad_certificate, "certificate signature does not verify"));
        continue;
      }
      if (anchor) {
        found_ = anchor;
        return true;
      }
      path_.push_back(cand.index);
      if (extend()) return true;
      path_.pop_back();
      if (exhausted_) return false;
    }
    return false;
  }

  const ParsedCertificate* certs_;
  size_t n_;
  const TrustStore::Impl& anchors_;
  const PathOptions& o_;
  PathCounters* counters_;
  std::vector<PublicKey> keys_;
  std::vector<int8_t> key_state_;
  std::vector<Status> key_error_;
  std::vector<int8_t> sig_memo_;
  std::vector<size_t> key_class_;  // server certificate → first issuer id (server index or n + anchor) with its key
  std::vector<bool> anchor_copy_;
  std::vector<size_t> path_;
  size_t nc_left_;
  const TrustAnchor* found_ = nullptr;
  Status best_ = Status::fail(Alert::unknown_ca, "certificate chain does not lead to a trusted root");
  Status fatal_ = Status::ok();
  bool exhausted_ = false;
};

}  // namespace

Status build_path(const ParsedCertificate* certs, size_t n, const TrustStore::Impl& anchors, const PathOptions& opts,
                  CertPath* path, PathCounters* counters) {
  *path = CertPath();
  *counters = PathCounters();
  if (n == 0) return Status::fail(Alert::decode_error, "empty certificate chain");
  // A leaf that is itself a configured anchor (same DER) is trusted as it
  // stands, as Chrome does for a trusted leaf and rustls-webpki for a
  // self-signed anchor: no issuer above it, no signature to check.
  for (const auto& a : anchors.anchors)
    if (a->cert.der.equals(certs[0].der)) {
      path->certs.assign(1, 0);
      path->anchor = a.get();
      path->leaf_is_anchor = true;
      return Status::ok();
    }
  Search s(certs, n, anchors, opts, counters);
  Status st = s.run(path);
  // A leaf that names itself as its issuer (RFC 5280 §6.1 "self-issued")
  // and is not an anchor has nothing to chain to: say so in words the user
  // recognises, rather than "does not lead to a trusted root". The alert
  // stays unknown_ca (RFC 8446 §6.2).
  if (!st.is_ok() && st.alert() == Alert::unknown_ca && self_issued(certs[0]))
    return Status::fail(Alert::unknown_ca, "self-signed certificate: the server's certificate is its own issuer and is not a trust anchor");
  return st;
}

}  // namespace mactls
