// mactls — trust anchors for server certificate validation.
#ifndef MACTLS_TRUST_H
#define MACTLS_TRUST_H

#include <cstddef>
#include <cstdint>
#include <memory>

#include "mactls/status.h"

namespace mactls {

/// A root certificate compiled into the program (see tools/pem2cpp). The
/// bytes are not copied and must live as long as the TrustStore.
struct EmbeddedAnchor {
  const uint8_t* der;
  size_t len;
};

/// The set of trust anchors. Each anchor is parsed once when added (its
/// subject and public key are kept ready), so a handshake never reparses
/// roots. Not thread-safe for modification; concurrent handshakes may share
/// a store that is no longer being modified. The host owns it; how long it
/// must live is stated, with the other objects a config points to, at
/// ClientConfig in mactls/client.h.
class TrustStore {
 public:
  TrustStore();
  ~TrustStore();
  TrustStore(const TrustStore&) = delete;
  TrustStore& operator=(const TrustStore&) = delete;

  /// Adds every CERTIFICATE block of a PEM file (other blocks are skipped;
  /// certificates mactls cannot use, e.g. with unsupported keys, are skipped
  /// and counted in skipped()). Fails if the file cannot be read, holds
  /// no usable certificate, or ends inside a CERTIFICATE block; on failure
  /// no anchor has been added.
  Status add_pem_file(const char* path);
  /// As add_pem_file, from memory.
  Status add_pem(const char* data, size_t len);
  /// Adds one DER certificate (copied).
  Status add_der(const uint8_t* der, size_t len);
  /// Adds compiled-in anchors (not copied).
  Status add_embedded(const EmbeddedAnchor* list, size_t n);

  size_t size() const;
  /// Certificates skipped by add_pem/add_pem_file as unusable.
  size_t skipped() const;
  /// SHA-256 over every anchor's DER in insertion order: identifies this
  /// trust context (the ticket store keys tickets by it).
  void id(uint8_t out[32]) const;

  /// Opaque: what the store holds (src/x509/trust_impl.h).
  struct Impl;

 private:
  friend struct TrustStoreAccess;  // the library's own access (src/x509/trust_impl.h)
  std::unique_ptr<Impl> impl_;
};

}  // namespace mactls

#endif  // MACTLS_TRUST_H
