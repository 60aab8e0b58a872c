// mactls — verification caches for full handshakes (issue 14).
//
// Two caches, both remembering only what a full verification already
// proved, both keyed so a changed input can never hit:
//
//  - the issuer-signature cache remembers certificate signatures that
//    verified, keyed by SHA-256 over (issuer SubjectPublicKeyInfo, signature
//    algorithm, signed tbsCertificate bytes, signature value), each length
//    prefixed. The path builder consults it right before checking a
//    signature: a hit counts as a verified signature and does not spend the
//    signature budget (Limits::max_signature_checks), so a new host under an
//    intermediate already seen pays for its leaf signature only.
//  - the verified-chain cache remembers a validated path keyed by SHA-256
//    over the exact DER of every certificate of the server's Certificate
//    message (in the order sent), the trust store's id and the verification
//    settings (depth, RSA floor and the three path budgets; not the host and
//    not the time). A hit skips parsing for path validation and every chain
//    signature; the leaf is still parsed, its key extracted for
//    CertificateVerify, the host name checked (RFC 6125), the validity of
//    every certificate on the path checked at the current time (RFC 5280
//    §6.1.3(a)(2); an intermediate no longer valid sends the chain through
//    full verification), and CertificateVerify verified (in TLS 1.2 the
//    ServerKeyExchange signature, RFC 5246 §7.4.3).
//
// Both versions use it, through one code path: the TLS 1.3 Certificate and
// the TLS 1.2 Certificate are validated alike.
//
// What is safe about it: nothing is cached but the outcome of checks whose
// inputs are all in the key; an entry is committed only after the
// handshake's CertificateVerify verified (TLS 1.2: after the server's
// Finished verified), never from a failed handshake;
// another set of anchors (TrustStore::id is a digest of them all, so it
// changes when one is added, and a store rebuilt without one has another
// id) or other limits give another key, so an entry made under them is
// never found. clear() drops and wipes everything at once, e.g. to give
// the memory back. Nothing held is secret (certificates are public), but
// it is wiped anyway.
//
// Lifetime and sharing: the host creates and owns one VerifyCache and
// points ClientConfig::verify_cache at it (nullptr = both caches off); it
// is thread-safe, so connections on several threads may share it. Who must
// outlive whom is stated once, for every object a config points to, at
// ClientConfig in mactls/client.h.
#ifndef MACTLS_VERIFY_CACHE_H
#define MACTLS_VERIFY_CACHE_H

#include <cstddef>
#include <cstdint>
#include <memory>

namespace mactls {

/// Both verification caches, bounded and LRU, shared by connections.
class VerifyCache {
 public:
  /// Bounds; the least recently used entry is evicted to fit.
  struct Limits {
    size_t max_chains = 32;          ///< verified chains kept
    size_t max_signatures = 256;     ///< verified certificate signatures kept
    size_t max_bytes = 64 * 1024;    ///< approximate bytes held by both caches together
  };
  /// Counters since construction (clear() keeps them).
  struct Stats {
    size_t chain_entries = 0;      ///< chains held now
    size_t signature_entries = 0;  ///< signatures held now
    size_t bytes = 0;              ///< approximate bytes held now
    uint64_t chain_hits = 0;       ///< lookups that found a chain
    uint64_t chain_misses = 0;     ///< lookups that did not
    uint64_t signature_hits = 0;   ///< signatures taken from the cache
    uint64_t evictions = 0;        ///< entries dropped to respect the bounds
  };

  /// With the default Limits.
  VerifyCache();
  /// With the given bounds (max_chains = 0 keeps no chains).
  explicit VerifyCache(Limits limits);
  ~VerifyCache();
  VerifyCache(const VerifyCache&) = delete;
  VerifyCache& operator=(const VerifyCache&) = delete;

  /// Drops and wipes every entry of both caches.
  void clear();
  /// A snapshot of the counters.
  Stats stats() const;

  /// Opaque: the caches themselves (src/x509/verify_cache.cpp).
  struct Impl;

 private:
  friend struct VerifyCacheAccess;  // the library's own access (src/x509/verify_cache.cpp)
  std::unique_ptr<Impl> impl_;
};

}  // namespace mactls

#endif  // MACTLS_VERIFY_CACHE_H
