// mactls x509 — what a TrustStore holds (internal).
#ifndef MACTLS_X509_TRUST_IMPL_H
#define MACTLS_X509_TRUST_IMPL_H

#include <memory>
#include <vector>

#include "crypto/hash.h"
#include "crypto/signature.h"
#include "mactls/trust.h"
#include "x509/certificate.h"

namespace mactls {

struct TrustAnchor {
  Bytes owned;             ///< the DER when copied in (empty for embedded anchors)
  ParsedCertificate cert;  ///< views into `owned` or the embedded bytes
  PublicKey key;
};

struct TrustStore::Impl {
  // unique_ptr: anchors never move, so `cert`'s views stay valid.
  std::vector<std::unique_ptr<TrustAnchor>> anchors;
  HashCtx id{HashAlg::sha256};
  size_t skipped = 0;
};

/// The library's way to what a TrustStore holds (the public class keeps it
/// private).
struct TrustStoreAccess {
  static const TrustStore::Impl& impl(const TrustStore& t) { return *t.impl_; }
};

}  // namespace mactls

#endif
