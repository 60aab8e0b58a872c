#include "crypto/hash.h"

#include <nettle/hkdf.h>
#include <nettle/hmac.h>

#include <utility>

// <nettle/hkdf.h> #defines hkdf_extract and hkdf_expand to nettle's
// symbols, which would rename mactls's own functions below (and leave
// callers of hash.h with undefined references). Call nettle by its real
// names instead.
#undef hkdf_extract
#undef hkdf_expand

namespace mactls {

void HashCtx::reset(HashAlg alg) {
  alg_ = alg;
  if (alg == HashAlg::sha256)
    sha256_init(&u_.s256);
  else
    sha384_init(&u_.s384);
}

void HashCtx::update(ByteView data) {
  if (data.size == 0) return;
  if (alg_ == HashAlg::sha256)
    sha256_update(&u_.s256, data.size, data.data);
  else
    sha384_update(&u_.s384, data.size, data.data);
}

void HashCtx::peek(uint8_t* out) const {
  // nettle's digest() resets the context, so finish a copy.
  if (alg_ == HashAlg::sha256) {
    sha256_ctx c = u_.s256;
    sha256_digest(&c, SHA256_DIGEST_SIZE, out);
    secure_wipe(&c, sizeof c);
  } else {
    sha512_ctx c = u_.s384;
    sha384_digest(&c, SHA384_DIGEST_SIZE, out);
    secure_wipe(&c, sizeof c);
  }
}

void hash_once(HashAlg alg, ByteView data, uint8_t* out) {
  HashCtx h(alg);
  h.update(data);
  h.peek(out);
}

void HmacKey::set(HashAlg alg, ByteView key) {
  wipe();
  alg_ = alg;
  if (alg == HashAlg::sha256)
    hmac_sha256_set_key(&u_.s256, key.size, key.data);
  else
    hmac_sha384_set_key(&u_.s384, key.size, key.data);
  keyed_ = true;
}

HmacKey::HmacKey(HmacKey&& o) noexcept { *this = std::move(o); }

HmacKey& HmacKey::operator=(HmacKey&& o) noexcept {
  if (this != &o) {
    wipe();
    if (o.keyed_) {
      alg_ = o.alg_;
      if (alg_ == HashAlg::sha256)
        u_.s256 = o.u_.s256;
      else
        u_.s384 = o.u_.s384;
      keyed_ = true;
      o.wipe();
    }
  }
  return *this;
}

void HmacKey::wipe() {
  if (!keyed_) return;
  if (alg_ == HashAlg::sha256)
    secure_wipe(&u_.s256, sizeof u_.s256);
  else
    secure_wipe(&u_.s384, sizeof u_.s384);
  keyed_ = false;
}

// nettle's hmac_*_digest leaves the context keyed for the next message,
// which is what lets one HmacKey serve several MACs.
void HmacKey::mac(ByteView data, uint8_t* out) {
  if (alg_ == HashAlg::sha256) {
    hmac_sha256_update(&u_.s256, data.size, data.data);
    hmac_sha256_digest(&u_.s256, SHA256_DIGEST_SIZE, out);
  } else {
    hmac_sha384_update(&u_.s384, data.size, data.data);
    hmac_sha384_digest(&u_.s384, SHA384_DIGEST_SIZE, out);
  }
}

void HmacKey::expand(ByteView info, uint8_t* out, size_t len) {
  if (alg_ == HashAlg::sha256)
    nettle_hkdf_expand(&u_.s256, reinterpret_cast<nettle_hash_update_func*>(&hmac_sha256_update),
                       reinterpret_cast<nettle_hash_digest_func*>(&hmac_sha256_digest), SHA256_DIGEST_SIZE,
                       info.size, info.data, len, out);
  else
    nettle_hkdf_expand(&u_.s384, reinterpret_cast<nettle_hash_update_func*>(&hmac_sha384_update),
                       reinterpret_cast<nettle_hash_digest_func*>(&hmac_sha384_digest), SHA384_DIGEST_SIZE,
                       info.size, info.data, len, out);
}

void hmac(HashAlg alg, ByteView key, ByteView data, uint8_t* out) {
  HmacKey k(alg, key);
  k.mac(data, out);
}

void hkdf_extract(HashAlg alg, ByteView salt, ByteView ikm, Secret& prk) {
  uint8_t zeros[kMaxHashLen] = {};
  ByteView s = salt.empty() ? ByteView(zeros, hash_len(alg)) : salt;
  // HKDF-Extract(salt, IKM) = HMAC(salt, IKM) (RFC 5869 §2.2).
  HmacKey k(alg, s);
  k.mac(ikm, prk.prepare(hash_len(alg)));
}

void hkdf_expand(HashAlg alg, ByteView prk, ByteView info, uint8_t* out, size_t len) {
  HmacKey k(alg, prk);
  k.expand(info, out, len);
}

}  // namespace mactls
