#include "x509/verify_cache.h"

#include <algorithm>
#include <list>
#include <map>
#include <mutex>
#include <utility>

#include "crypto/hash.h"

namespace mactls {

namespace {

// Per-entry bookkeeping (list and map nodes) added to the bytes held.
constexpr size_t kEntryOverhead = 96;

void put_len(HashCtx& h, size_t n) {
  uint8_t b[4];
  store_be32(b, uint32_t(n));
  h.update(b, 4);
}

void put_field(HashCtx& h, ByteView v) {
  put_len(h, v.size);
  h.update(v);
}

void put_tag(HashCtx& h, const char* tag) {
  size_t n = 0;
  while (tag[n]) ++n;
  h.update(reinterpret_cast<const uint8_t*>(tag), n + 1);  // with its NUL: tags never run into the data
}

void wipe_string(std::string& s) {
  if (!s.empty()) secure_wipe(&s[0], s.size());
  s.clear();
}

template <typename T>
void wipe_vector(std::vector<T>& v) {
  if (!v.empty()) secure_wipe(v.data(), v.size() * sizeof(T));
  v.clear();
}

}  // namespace

struct VerifyCache::Impl {
  struct ChainEntry {
    CacheDigest key;
    CachedChain chain;
    size_t bytes;
  };
  using ChainList = std::list<ChainEntry>;
  using SigList = std::list<CacheDigest>;

  Limits lim;
  mutable std::mutex mu;
  ChainList chains;  // front = most recently used
  std::map<CacheDigest, ChainList::iterator> chain_index;
  SigList sigs;      // front = most recently used
  std::map<CacheDigest, SigList::iterator> sig_index;
  size_t bytes = 0;
  Stats stats;

  static constexpr size_t sig_bytes() { return sizeof(CacheDigest) + kEntryOverhead; }

  void drop_chain(ChainList::iterator it) {
    bytes -= it->bytes;
    chain_index.erase(it->key);
    secure_wipe(it->key.data(), it->key.size());
    it->chain.wipe();
    chains.erase(it);
  }
  void drop_sig(SigList::iterator it) {
    bytes -= sig_bytes();
    sig_index.erase(*it);
    secure_wipe(it->data(), it->size());
    sigs.erase(it);
  }
  // Evicts least recently used entries until both caches fit their counts
  // and, together, the byte bound (chains first: they are the larger).
  void fit() {
    while (chains.size() > lim.max_chains) drop_chain(std::prev(chains.end())), ++stats.evictions;
    while (sigs.size() > lim.max_signatures) drop_sig(std::prev(sigs.end())), ++stats.evictions;
    while (bytes > lim.max_bytes && (!chains.empty() || !sigs.empty())) {
      if (!chains.empty())
        drop_chain(std::prev(chains.end()));
      else
        drop_sig(std::prev(sigs.end()));
      ++stats.evictions;
    }
  }
  void clear() {
    while (!chains.empty()) drop_chain(chains.begin());
    while (!sigs.empty()) drop_sig(sigs.begin());
  }
};

// The library's way to the caches (the public class keeps them private).
struct VerifyCacheAccess {
  static VerifyCache::Impl& impl(VerifyCache& c) { return *c.impl_; }
};

VerifyCache::VerifyCache() : impl_(new Impl()) {}

VerifyCache::VerifyCache(Limits limits) : impl_(new Impl()) { impl_->lim = limits; }

VerifyCache::~VerifyCache() { impl_->clear(); }

void VerifyCache::clear() {
  std::lock_guard<std::mutex> lock(impl_->mu);
  impl_->clear();
}

VerifyCache::Stats VerifyCache::stats() const {
  std::lock_guard<std::mutex> lock(impl_->mu);
  Stats s = impl_->stats;
  s.chain_entries = impl_->chains.size();
  s.signature_entries = impl_->sigs.size();
  s.bytes = impl_->bytes;
  return s;
}

// ---------------------------------------------------------------- keys

CacheDigest signature_cache_key(ByteView issuer_spki, const ParsedCertificate& cert) {
  HashCtx h(HashAlg::sha256);
  put_tag(h, "mactls issuer signature v1");
  put_field(h, issuer_spki);
  uint8_t alg = uint8_t(cert.sig_alg);
  h.update(&alg, 1);
  put_field(h, cert.tbs);
  put_field(h, cert.signature);
  CacheDigest d;
  h.peek(d.data());
  return d;
}

CacheDigest chain_cache_key(const ByteView* certs, size_t n, const TrustStore& trust, const VerifyOptions& opts) {
  HashCtx h(HashAlg::sha256);
  put_tag(h, "mactls verified chain v1");
  uint8_t id[32];
  trust.id(id);
  h.update(id, 32);
  put_len(h, opts.max_depth);
  put_len(h, opts.min_rsa_bits);
  put_len(h, opts.max_signature_checks);
  put_len(h, opts.max_path_candidates);
  put_len(h, opts.max_name_constraint_checks);
  put_len(h, n);
  for (size_t i = 0; i < n; ++i) put_field(h, certs[i]);
  CacheDigest d;
  h.peek(d.data());
  return d;
}

// ---------------------------------------------------------------- entries

size_t CachedChain::bytes() const {
  size_t b = path.size() * sizeof(uint32_t) + (not_before.size() + not_after.size()) * sizeof(int64_t) +
             leaf_summary.size() + kEntryOverhead;
  for (const std::string& s : chain_summary) b += s.size() + sizeof(std::string);
  return b;
}

void CachedChain::wipe() {
  wipe_vector(path);
  wipe_vector(not_before);
  wipe_vector(not_after);
  wipe_string(leaf_summary);
  for (std::string& s : chain_summary) wipe_string(s);
  chain_summary.clear();
}

bool signature_cached(VerifyCache& cache, const CacheDigest& key) {
  VerifyCache::Impl& m = VerifyCacheAccess::impl(cache);
  std::lock_guard<std::mutex> lock(m.mu);
  auto it = m.sig_index.find(key);
  if (it == m.sig_index.end()) return false;
  m.sigs.splice(m.sigs.begin(), m.sigs, it->second);
  ++m.stats.signature_hits;
  return true;
}

bool find_chain(VerifyCache& cache, const CacheDigest& key, CachedChain* out) {
  VerifyCache::Impl& m = VerifyCacheAccess::impl(cache);
  std::lock_guard<std::mutex> lock(m.mu);
  auto it = m.chain_index.find(key);
  if (it == m.chain_index.end()) {
    ++m.stats.chain_misses;
    return false;
  }
  m.chains.splice(m.chains.begin(), m.chains, it->second);
  ++m.stats.chain_hits;
  *out = it->second->chain;
  return true;
}

void PendingVerifyCache::commit(VerifyCache* cache) {
  if (cache) {
    VerifyCache::Impl& m = VerifyCacheAccess::impl(*cache);
    std::lock_guard<std::mutex> lock(m.mu);
    for (const CacheDigest& k : signatures) {
      auto it = m.sig_index.find(k);
      if (it != m.sig_index.end()) {
        m.sigs.splice(m.sigs.begin(), m.sigs, it->second);
        continue;
      }
      m.sigs.push_front(k);
      m.sig_index[k] = m.sigs.begin();
      m.bytes += VerifyCache::Impl::sig_bytes();
    }
    // One entry may take at most half the byte bound, so one odd chain
    // cannot flush the cache.
    const size_t b = chain.bytes();
    if (have_chain && m.lim.max_chains > 0 && b <= m.lim.max_bytes / 2) {
      auto it = m.chain_index.find(chain_key);
      if (it != m.chain_index.end()) m.drop_chain(it->second);
      m.chains.push_front(VerifyCache::Impl::ChainEntry{chain_key, std::move(chain), b});
      m.chain_index[chain_key] = m.chains.begin();
      m.bytes += b;
    }
    m.fit();
  }
  reset();
}

void PendingVerifyCache::reset() {
  have_chain = false;
  secure_wipe(chain_key.data(), chain_key.size());
  chain.wipe();
  for (CacheDigest& k : signatures) secure_wipe(k.data(), k.size());
  signatures.clear();
}

// ---------------------------------------------------------------- verification

namespace {

enum class HitResult { done, fall_back };

// Serves a verified-chain cache hit: everything that depends on the host or
// the time is checked now, exactly as verify_server_chain would.
HitResult serve_hit(const ByteView* certs, size_t n, const VerifyOptions& opts, const CachedChain& hit,
                    VerifiedChain* out, Status* result) {
  const size_t len = hit.path.size();
  if (len == 0 || hit.path[0] != 0 || hit.not_before.size() != len || hit.not_after.size() != len)
    return HitResult::fall_back;
  for (size_t k = 0; k < len; ++k)
    if (hit.path[k] >= n) return HitResult::fall_back;
  // RFC 5280 §6.1.3(a)(2): an intermediate no longer (or not yet) valid
  // may have a valid alternative; the full search decides.
  for (size_t k = 1; k < len; ++k)
    if (opts.now_unix < hit.not_before[k] || opts.now_unix > hit.not_after[k]) return HitResult::fall_back;
  ParsedCertificate leaf;
  *result = parse_certificate(certs[0], &leaf);
  if (!result->is_ok()) return HitResult::done;
  // The leaf's validity and host name, in verify_server_chain's order.
  if (opts.now_unix < leaf.not_before) {
    *result = Status::fail(Alert::certificate_expired, "certificate is not yet valid");
    return HitResult::done;
  }
  if (opts.now_unix > leaf.not_after) {
    *result = Status::fail(Alert::certificate_expired, "certificate expired");
    return HitResult::done;
  }
  if (!certificate_matches_host(leaf, opts.host)) {
    *result = Status::fail(Alert::bad_certificate, "host name does not match the certificate");
    return HitResult::done;
  }
  // The key CertificateVerify is checked with (RFC 8446 §4.4.3).
  *result = out->leaf_key.parse_spki(leaf.spki, opts.min_rsa_bits);
  if (!result->is_ok()) return HitResult::done;
  out->chain_cache_hit = true;
  out->leaf_summary = hit.leaf_summary;
  out->chain_summary = hit.chain_summary;
  out->not_after = leaf.not_after;
  for (size_t k = 0; k < len; ++k) {
    out->not_after = std::min(out->not_after, hit.not_after[k]);
    out->path.push_back(hit.path[k]);
  }
  out->path_not_before = hit.not_before;
  out->path_not_after = hit.not_after;
  return HitResult::done;
}

}  // namespace

Status verify_server_chain_cached(const ByteView* certs, size_t n, const TrustStore& trust, const VerifyOptions& opts,
                                  VerifyCache* cache, VerifiedChain* out, PendingVerifyCache* pending) {
  pending->reset();
  if (!cache || n == 0) return verify_server_chain(certs, n, trust, opts, out);
  const CacheDigest key = chain_cache_key(certs, n, trust, opts);
  CachedChain hit;
  if (find_chain(*cache, key, &hit)) {
    *out = VerifiedChain();
    Status s = Status::ok();
    HitResult r = serve_hit(certs, n, opts, hit, out, &s);
    hit.wipe();
    if (r == HitResult::done) return s;
    *out = VerifiedChain();
  }
  VerifyOptions o = opts;
  o.signature_cache = cache;
  o.signatures_verified = &pending->signatures;
  Status s = verify_server_chain(certs, n, trust, o, out);
  if (!s.is_ok()) {
    pending->reset();
    return s;
  }
  pending->have_chain = true;
  pending->chain_key = key;
  for (size_t i : out->path) pending->chain.path.push_back(uint32_t(i));
  pending->chain.not_before = out->path_not_before;
  pending->chain.not_after = out->path_not_after;
  pending->chain.leaf_summary = out->leaf_summary;
  pending->chain.chain_summary = out->chain_summary;
  return s;
}

}  // namespace mactls
