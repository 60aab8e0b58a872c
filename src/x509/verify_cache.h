// mactls x509 — the verification caches' internals (the public face is
// include/mactls/verify_cache.h, which says what is cached and why it is
// safe). The path builder consults the issuer-signature cache through
// PathOptions; the engine verifies through verify_server_chain_cached and
// commits what a handshake learnt only after its CertificateVerify.
#ifndef MACTLS_X509_VERIFY_CACHE_H
#define MACTLS_X509_VERIFY_CACHE_H

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "common/bytes.h"
#include "mactls/status.h"
#include "mactls/trust.h"
#include "mactls/verify_cache.h"
#include "x509/certificate.h"
#include "x509/verify.h"

namespace mactls {

/// A cache key: SHA-256 over a length-prefixed, tagged encoding.
using CacheDigest = std::array<uint8_t, 32>;

/// The issuer-signature key of `cert` signed by the key in `issuer_spki`:
/// SHA-256 over (tag, SPKI, signature algorithm, tbsCertificate, signature),
/// each variable field with a 32-bit length before it.
CacheDigest signature_cache_key(ByteView issuer_spki, const ParsedCertificate& cert);

/// True when `key` is a remembered verified signature (the entry becomes
/// the most recently used, and the hit is counted).
bool signature_cached(VerifyCache& cache, const CacheDigest& key);

/// What the chain cache holds for one server certificate list.
struct CachedChain {
  std::vector<uint32_t> path;        ///< indices into the server's list, leaf (0) first
  std::vector<int64_t> not_before;   ///< per path certificate (unix s), same order
  std::vector<int64_t> not_after;    ///< per path certificate (unix s), same order
  std::string leaf_summary;          ///< VerifiedChain::leaf_summary
  std::vector<std::string> chain_summary;  ///< VerifiedChain::chain_summary
  /// Approximate bytes held, for the cache's byte bound.
  size_t bytes() const;
  /// Zeroes and empties everything.
  void wipe();
};

/// The chain key: SHA-256 over (tag, trust store id, max_depth,
/// min_rsa_bits, the three path budgets, the certificate count, then each
/// certificate's DER with its length), in the order the server sent them.
/// opts.host and opts.now_unix are deliberately not part of it.
CacheDigest chain_cache_key(const ByteView* certs, size_t n, const TrustStore& trust, const VerifyOptions& opts);

/// Copies out the chain remembered under `key`; false if none.
bool find_chain(VerifyCache& cache, const CacheDigest& key, CachedChain* out);

/// What one handshake learnt, held by the engine until its
/// CertificateVerify verified, then committed (RFC 8446 §4.4.3: only then
/// has the server proved it holds the leaf's key).
struct PendingVerifyCache {
  PendingVerifyCache() = default;
  PendingVerifyCache(const PendingVerifyCache&) = delete;
  PendingVerifyCache& operator=(const PendingVerifyCache&) = delete;
  ~PendingVerifyCache() { reset(); }
  bool have_chain = false;
  CacheDigest chain_key{};
  CachedChain chain;
  std::vector<CacheDigest> signatures;  ///< signatures verified in this handshake's search
  /// Inserts everything pending into `cache` (nullptr: nothing), then resets.
  void commit(VerifyCache* cache);
  /// Drops (and wipes) what is pending.
  void reset();
};

/// verify_server_chain with the caches: with `cache` nullptr it is exactly
/// verify_server_chain. Otherwise a chain-cache hit is served as described
/// in mactls/verify_cache.h (out->chain_cache_hit set, no signature
/// checked); a miss runs the full verification with the issuer-signature
/// cache consulted, and on success fills *pending for a later commit.
/// Nothing is inserted into the cache here.
Status verify_server_chain_cached(const ByteView* certs, size_t n, const TrustStore& trust, const VerifyOptions& opts,
                                  VerifyCache* cache, VerifiedChain* out, PendingVerifyCache* pending);

}  // namespace mactls

#endif
