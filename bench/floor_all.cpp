#include "floor_all.h"

#include <nettle/chacha-poly1305.h>
#include <nettle/gcm.h>
#include <nettle/hkdf.h>
#include <nettle/hmac.h>
#include <nettle/sha2.h>

#include <cstring>

namespace mactls::bench {
namespace {

/// HMAC with the suite's hash (nettle's HMAC; SHA-256 or SHA-384).
struct Mac {
  bool s384 = false;
  hmac_sha256_ctx a;
  hmac_sha384_ctx b;
  size_t size() const { return s384 ? SHA384_DIGEST_SIZE : SHA256_DIGEST_SIZE; }
  void set_key(size_t n, const uint8_t* k) {
    if (s384) hmac_sha384_set_key(&b, n, k);
    else hmac_sha256_set_key(&a, n, k);
  }
  void update(size_t n, const uint8_t* d) {
    if (s384) hmac_sha384_update(&b, n, d);
    else hmac_sha256_update(&a, n, d);
  }
  void digest(size_t n, uint8_t* out) {
    if (s384) hmac_sha384_digest(&b, n, out);
    else hmac_sha256_digest(&a, n, out);
  }
};

/// The running transcript hash, with snapshots (copy the state, finish it).
struct Hash {
  bool s384 = false;
  sha256_ctx a;
  sha512_ctx b;  // sha384 shares sha512's context
  void init() {
    if (s384) sha384_init(&b);
    else sha256_init(&a);
  }
  void add(const Bytes& m) {
    if (s384) sha384_update(&b, m.size(), m.data());
    else sha256_update(&a, m.size(), m.data());
  }
  void snapshot(uint8_t* out) const {
    Hash c = *this;
    if (s384) sha384_digest(&c.b, SHA384_DIGEST_SIZE, out);
    else sha256_digest(&c.a, SHA256_DIGEST_SIZE, out);
  }
};

/// RFC 8446 §7.1 HKDF-Expand-Label.
void expand_label(Mac& mac, const uint8_t* secret, const char* label, const uint8_t* ctx, size_t ctx_len,
                  size_t out_len, uint8_t* out) {
  uint8_t info[2 + 1 + 255 + 1 + 64];
  size_t ll = 6 + strlen(label), n = 0;
  info[n++] = uint8_t(out_len >> 8);
  info[n++] = uint8_t(out_len);
  info[n++] = uint8_t(ll);
  memcpy(info + n, "tls13 ", 6);
  memcpy(info + n + 6, label, ll - 6);
  n += ll;
  info[n++] = uint8_t(ctx_len);
  if (ctx_len) memcpy(info + n, ctx, ctx_len);
  n += ctx_len;
  mac.set_key(mac.size(), secret);
  if (mac.s384) {
    hkdf_expand(&mac.b, (nettle_hash_update_func*)hmac_sha384_update, (nettle_hash_digest_func*)hmac_sha384_digest,
                SHA384_DIGEST_SIZE, n, info, out_len, out);
  } else {
    hkdf_expand(&mac.a, (nettle_hash_update_func*)hmac_sha256_update, (nettle_hash_digest_func*)hmac_sha256_digest,
                SHA256_DIGEST_SIZE, n, info, out_len, out);
  }
}

void extract(Mac& mac, const uint8_t* salt, size_t salt_len, const uint8_t* ikm, size_t ikm_len, uint8_t* out) {
  mac.set_key(salt_len, salt);
  mac.update(ikm_len, ikm);
  mac.digest(mac.size(), out);
}

/// RFC 5246 §5 P_hash (the TLS 1.2 PRF with a SHA-256 suite).
void prf12(Mac& mac, const uint8_t* secret, size_t secret_len, const char* label, const uint8_t* seed,
           size_t seed_len, size_t out_len, uint8_t* out) {
  uint8_t a[SHA384_DIGEST_SIZE], block[SHA384_DIGEST_SIZE];
  size_t hl = mac.size(), ll = strlen(label);
  mac.set_key(secret_len, secret);
  mac.update(ll, reinterpret_cast<const uint8_t*>(label));  // A(1) = HMAC(secret, label + seed)
  mac.update(seed_len, seed);
  mac.digest(hl, a);
  for (size_t done = 0; done < out_len;) {
    mac.set_key(secret_len, secret);
    mac.update(hl, a);
    mac.update(ll, reinterpret_cast<const uint8_t*>(label));
    mac.update(seed_len, seed);
    mac.digest(hl, block);
    size_t n = out_len - done < hl ? out_len - done : hl;
    memcpy(out + done, block, n);
    done += n;
    if (done < out_len) {
      mac.set_key(secret_len, secret);
      mac.update(hl, a);
      mac.digest(hl, a);
    }
  }
}

}  // namespace

struct FloorRest::Impl {
  uint16_t suite = 0;
  bool tls12 = false, s384 = false, chacha = false, aes256 = false;
  size_t hl = 32;
  // TLS 1.3: CH, SH, EE, Certificate, CV, server Finished (full); CH with
  // the PSK, SH, EE, server Finished (resumed); then our Finished and a
  // NewSessionTicket. TLS 1.2: CH, SH, Certificate, SKE, SHD, CKE (full);
  // CH with the ticket, SH (resumed); then NewSessionTicket and the two
  // Finished (12-byte verify_data).
  std::vector<Bytes> full, res;
  Bytes nst, cfin;
  // The AEAD work: one key per direction and epoch, the records opened and sealed.
  Bytes record_buf = Bytes(16384 + 256);
  uint8_t sink[64];

  /// Keys an AEAD with `key`, opens (or seals) `len` bytes, computes the tag.
  void aead(const uint8_t* key, const uint8_t* iv, size_t len) {
    uint8_t aad[13] = {23, 3, 3, uint8_t((len + 16) >> 8), uint8_t(len + 16)};
    uint8_t* p = record_buf.data();
    if (chacha) {
      chacha_poly1305_ctx c;
      chacha_poly1305_set_key(&c, key);
      chacha_poly1305_set_nonce(&c, iv);
      chacha_poly1305_update(&c, 5, aad);
      chacha_poly1305_decrypt(&c, len, p, p);
      chacha_poly1305_digest(&c, 16, sink);
    } else if (aes256) {
      gcm_aes256_ctx c;
      gcm_aes256_set_key(&c, key);
      gcm_aes256_set_iv(&c, 12, iv);
      gcm_aes256_update(&c, 5, aad);
      gcm_aes256_decrypt(&c, len, p, p);
      gcm_aes256_digest(&c, 16, sink);
    } else {
      gcm_aes128_ctx c;
      gcm_aes128_set_key(&c, key);
      gcm_aes128_set_iv(&c, 12, iv);
      gcm_aes128_update(&c, tls12 ? 13 : 5, aad);
      gcm_aes128_decrypt(&c, len, p, p);
      gcm_aes128_digest(&c, 16, sink);
    }
  }
  /// Records under one key (set_key() first): each its own nonce and tag.
  void aead_many(const uint8_t* key, const uint8_t* iv, const std::vector<size_t>& lens) {
    uint8_t* p = record_buf.data();
    for (size_t len : lens) {
      uint8_t aad[5] = {23, 3, 3, uint8_t((len + 16) >> 8), uint8_t(len + 16)};
      if (chacha) {
        aead(key, iv, len);  // nettle's ChaCha key set-up is a copy
      } else if (aes256) {
        gcm_aes256_set_iv(&ctx256, 12, iv);
        gcm_aes256_update(&ctx256, 5, aad);
        gcm_aes256_decrypt(&ctx256, len, p, p);
        gcm_aes256_digest(&ctx256, 16, sink);
      } else {
        gcm_aes128_set_iv(&ctx128, 12, iv);
        gcm_aes128_update(&ctx128, 5, aad);
        gcm_aes128_decrypt(&ctx128, len, p, p);
        gcm_aes128_digest(&ctx128, 16, sink);
      }
    }
  }
  gcm_aes128_ctx ctx128;
  gcm_aes256_ctx ctx256;
  void set_key(const uint8_t* key) {
    if (aes256) gcm_aes256_set_key(&ctx256, key);
    else if (!chacha) gcm_aes128_set_key(&ctx128, key);
  }

  void run13(bool resumed) {
    const std::vector<Bytes>& m = resumed ? res : full;
    Mac mac;
    mac.s384 = s384;
    Hash t;
    t.s384 = s384;
    t.init();
    uint8_t zeros[48] = {0}, psk[48] = {1}, early[48], derived[48], hs[48], ms[48], th[48], empty_hash[48];
    uint8_t chts[48], shts[48], cats[48], sats[48], fk[48], vd[48], bk[48], key[32], iv[12];
    uint8_t rms[48], tpsk[48];
    size_t kl = aes256 || chacha ? 32 : 16;
    // The hash of the empty string, a constant a client keeps.
    memset(empty_hash, 0x11, sizeof empty_hash);
    extract(mac, zeros, hl, resumed ? psk : zeros, hl, early);
    if (resumed) {  // the binder over the truncated ClientHello
      expand_label(mac, early, "res binder", empty_hash, hl, hl, bk);
      expand_label(mac, bk, "finished", nullptr, 0, hl, fk);
      t.add(m[0]);
      t.snapshot(th);
      mac.set_key(hl, fk);
      mac.update(hl, th);
      mac.digest(hl, vd);
    } else {
      t.add(m[0]);
    }
    t.add(m[1]);  // ServerHello
    t.snapshot(th);
    expand_label(mac, early, "derived", empty_hash, hl, hl, derived);
    extract(mac, derived, hl, psk, hl, hs);  // the ECDHE shared secret as IKM
    expand_label(mac, hs, "c hs traffic", th, hl, hl, chts);
    expand_label(mac, hs, "s hs traffic", th, hl, hl, shts);
    // The server's encrypted flight: EE, [Certificate, CV], Finished.
    expand_label(mac, shts, "key", nullptr, 0, kl, key);
    expand_label(mac, shts, "iv", nullptr, 0, 12, iv);
    std::vector<size_t> lens;
    for (size_t i = 2; i < m.size(); ++i) lens.push_back(m[i].size() + 1);
    set_key(key);
    aead_many(key, iv, lens);
    for (size_t i = 2; i + 1 < m.size(); ++i) t.add(m[i]);
    t.snapshot(th);
    expand_label(mac, shts, "finished", nullptr, 0, hl, fk);
    mac.set_key(hl, fk);
    mac.update(hl, th);
    mac.digest(hl, vd);
    t.add(m.back());
    t.snapshot(th);
    expand_label(mac, hs, "derived", empty_hash, hl, hl, derived);
    extract(mac, derived, hl, zeros, hl, ms);
    expand_label(mac, ms, "c ap traffic", th, hl, hl, cats);
    expand_label(mac, ms, "s ap traffic", th, hl, hl, sats);
    // Our Finished, sealed under the client handshake key.
    expand_label(mac, chts, "finished", nullptr, 0, hl, fk);
    mac.set_key(hl, fk);
    mac.update(hl, th);
    mac.digest(hl, vd);
    expand_label(mac, chts, "key", nullptr, 0, kl, key);
    expand_label(mac, chts, "iv", nullptr, 0, 12, iv);
    aead(key, iv, cfin.size() + 1);
    t.add(cfin);
    t.snapshot(th);
    // Application keys both ways (the ticket arrives under the server's).
    expand_label(mac, cats, "key", nullptr, 0, kl, key);
    expand_label(mac, cats, "iv", nullptr, 0, 12, iv);
    set_key(key);
    expand_label(mac, sats, "key", nullptr, 0, kl, key);
    expand_label(mac, sats, "iv", nullptr, 0, 12, iv);
    aead(key, iv, nst.size() + 1);
    // The ticket's PSK.
    expand_label(mac, ms, "res master", th, hl, hl, rms);
    uint8_t nonce[8] = {0};
    expand_label(mac, rms, "resumption", nonce, sizeof nonce, hl, tpsk);
  }

  void run12(bool resumed) {
    const std::vector<Bytes>& m = resumed ? res : full;
    Mac mac;
    mac.s384 = s384;
    Hash t;
    t.s384 = s384;
    t.init();
    uint8_t pms[32] = {3}, master[48], th[48], seed[64] = {4}, kb[40], vd[12];
    for (const Bytes& x : m) t.add(x);
    if (!resumed) {  // RFC 7627: the master secret over the session hash (through the CKE)
      t.snapshot(th);
      prf12(mac, pms, sizeof pms, "extended master secret", th, hl, 48, master);
    } else {
      memset(master, 5, sizeof master);
      t.add(nst);
    }
    prf12(mac, master, 48, "key expansion", seed, 64, sizeof kb, kb);
    // Full: our Finished first, then the ticket and the server's; resumed:
    // the server's Finished first (RFC 5246 §7.3).
    for (int k = 0; k < 2; ++k) {
      bool ours = (k == 0) != resumed;
      t.snapshot(th);
      prf12(mac, master, 48, ours ? "client finished" : "server finished", th, hl, sizeof vd, vd);
      uint8_t nonce[12] = {0};  // RFC 5288 §3: the 4-byte salt from the key block, then the explicit 8
      memcpy(nonce, kb + 32 + (ours ? 0 : 4), 4);
      aead(kb + (ours ? 0 : 16), nonce, cfin.size() + 8);
      t.add(cfin);
      if (!resumed && k == 0) t.add(nst);
    }
  }
};

FloorRest::FloorRest() : m_(new Impl) {}
FloorRest::~FloorRest() = default;

bool FloorRest::setup(const Scenario& s, std::string* err) {
  Impl& m = *m_;
  m.suite = s.suite;
  m.tls12 = s.tls12;
  m.s384 = s.suite == 0x1302 || s.suite == 0xc02c;
  m.chacha = s.suite == 0x1303;
  m.aes256 = s.suite == 0x1302;
  if (!m.tls12 && s.suite != 0x1301 && s.suite != 0x1302 && s.suite != 0x1303) {
    *err = "floor: suite not covered";
    return false;
  }
  if (m.tls12 && s.suite != 0xc02b) {
    *err = "floor: TLS 1.2 suite not covered";
    return false;
  }
  m.hl = m.s384 ? 48 : 32;
  size_t cv_len = s.key == test::KeyKind::rsa2048 ? 260 : s.key == test::KeyKind::rsa4096 ? 516 : 4 + 104;
  size_t cert_len = s.leaf_der.size() + s.int_der.size() + 13;
  if (!m.tls12) {
    m.full = {message_of(1, 240), message_of(2, 86), message_of(8, 6), message_of(11, cert_len),
              message_of(15, cv_len), message_of(20, m.hl)};
    m.res = {message_of(1, 240 + 250), message_of(2, 126), message_of(8, 6), message_of(20, m.hl)};
    m.cfin = message_of(20, m.hl);
    m.nst = message_of(4, 200);
  } else {
    m.full = {message_of(1, 200), message_of(2, 80), message_of(11, cert_len - 4),
              message_of(12, 4 + 32 + cv_len), message_of(14, 0), message_of(16, 33)};
    m.res = {message_of(1, 200 + 4 + 160), message_of(2, 80)};
    m.cfin = message_of(20, 12);
    m.nst = message_of(4, 6 + 160);
  }
  return true;
}

double FloorRest::run(bool resumed) {
  uint64_t t0 = thread_cpu_ns();
  if (m_->tls12) m_->run12(resumed);
  else m_->run13(resumed);
  return double(thread_cpu_ns() - t0);
}

}  // namespace mactls::bench
