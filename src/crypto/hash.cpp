#include "crypto/hash.h"

#include <nettle/hkdf.h>
#include <nettle/hmac.h>

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

namespace {

// nettle's HMAC contexts differ in type per hash; these two small adapters
// let the HKDF and HMAC code below stay hash-agnostic.
struct HmacState {
  HashAlg alg;
  union {
    hmac_sha256_ctx s256;
    hmac_sha384_ctx s384;
  } u;
  HmacState(HashAlg a, ByteView key) : alg(a) {
    if (a == HashAlg::sha256)
      hmac_sha256_set_key(&u.s256, key.size, key.data);
    else
      hmac_sha384_set_key(&u.s384, key.size, key.data);
  }
  ~HmacState() { secure_wipe(&u, sizeof u); }
  void* ctx() { return &u; }
  nettle_hash_update_func* update_fn() const {
    return alg == HashAlg::sha256 ? reinterpret_cast<nettle_hash_update_func*>(&hmac_sha256_update)
                                  : reinterpret_cast<nettle_hash_update_func*>(&hmac_sha384_update);
  }
  nettle_hash_digest_func* digest_fn() const {
    return alg == HashAlg::sha256 ? reinterpret_cast<nettle_hash_digest_func*>(&hmac_sha256_digest)
                                  : reinterpret_cast<nettle_hash_digest_func*>(&hmac_sha384_digest);
  }
};

}  // namespace

void hmac(HashAlg alg, ByteView key, ByteView data, uint8_t* out) {
  HmacState st(alg, key);
  st.update_fn()(st.ctx(), data.size, data.data);
  st.digest_fn()(st.ctx(), hash_len(alg), out);
}

void hkdf_extract(HashAlg alg, ByteView salt, ByteView ikm, Secret& prk) {
  uint8_t zeros[kMaxHashLen] = {};
  ByteView s = salt.empty() ? ByteView(zeros, hash_len(alg)) : salt;
  HmacState st(alg, s);
  nettle_hkdf_extract(st.ctx(), st.update_fn(), st.digest_fn(), hash_len(alg), ikm.size, ikm.data,
               prk.prepare(hash_len(alg)));
}

void hkdf_expand(HashAlg alg, ByteView prk, ByteView info, uint8_t* out, size_t len) {
  HmacState st(alg, prk);
  nettle_hkdf_expand(st.ctx(), st.update_fn(), st.digest_fn(), hash_len(alg), info.size, info.data, len,
              out);
}

}  // namespace mactls
