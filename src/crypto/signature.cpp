// mactls crypto seam — SubjectPublicKeyInfo and signature checks over
// nettle/hogweed: RSA PKCS#1 v1.5 and PSS, ECDSA P-256/P-384, Ed25519.
#include "crypto/signature.h"

#include <gmp.h>
#include <nettle/bignum.h>
#include <nettle/ecc-curve.h>
#include <nettle/ecc.h>
#include <nettle/ecdsa.h>
#include <nettle/eddsa.h>
#include <nettle/rsa.h>
#include <nettle/sha2.h>

#include <cstring>

#include "common/der.h"

namespace mactls {

namespace {

// DER OID contents (without tag and length).
const uint8_t kOidRsaEncryption[] = {0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01};
const uint8_t kOidRsaPss[] = {0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0a};
const uint8_t kOidEcPublicKey[] = {0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01};
const uint8_t kOidP256[] = {0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07};
const uint8_t kOidP384[] = {0x2b, 0x81, 0x04, 0x00, 0x22};
const uint8_t kOidEd25519[] = {0x2b, 0x65, 0x70};

// RSA modulus bounds (bits): the default floor is kRsaDefaultMinBits; a
// caller may lower it to kRsaAbsoluteMinBits (intranet devices), never below.
constexpr unsigned kRsaAbsoluteMinBits = 1024;
constexpr unsigned kRsaMaxBits = 8192;

bool oid_is(ByteView v, const uint8_t* oid, size_t n) { return v.size == n && std::memcmp(v.data, oid, n) == 0; }

enum class Digest : uint8_t { sha256, sha384, sha512 };

size_t digest_len(Digest d) { return d == Digest::sha256 ? 32 : d == Digest::sha384 ? 48 : 64; }

void digest(Digest d, ByteView m, uint8_t* out) {
  switch (d) {
    case Digest::sha256: {
      sha256_ctx c;
      sha256_init(&c);
      sha256_update(&c, m.size, m.data);
      sha256_digest(&c, 32, out);
      break;
    }
    case Digest::sha384: {
      sha384_ctx c;
      sha384_init(&c);
      sha384_update(&c, m.size, m.data);
      sha384_digest(&c, 48, out);
      break;
    }
    case Digest::sha512: {
      sha512_ctx c;
      sha512_init(&c);
      sha512_update(&c, m.size, m.data);
      sha512_digest(&c, 64, out);
      break;
    }
  }
}

struct SchemeInfo {
  enum Kind : uint8_t { pkcs1, pss_rsae, pss_pss, ecdsa256, ecdsa384, ed25519 } kind;
  Digest digest;
};

bool scheme_info(SignatureScheme s, SchemeInfo& out) {
  switch (s) {
    case SignatureScheme::rsa_pkcs1_sha256: out = {SchemeInfo::pkcs1, Digest::sha256}; return true;
    case SignatureScheme::rsa_pkcs1_sha384: out = {SchemeInfo::pkcs1, Digest::sha384}; return true;
    case SignatureScheme::rsa_pkcs1_sha512: out = {SchemeInfo::pkcs1, Digest::sha512}; return true;
    case SignatureScheme::rsa_pss_rsae_sha256: out = {SchemeInfo::pss_rsae, Digest::sha256}; return true;
    case SignatureScheme::rsa_pss_rsae_sha384: out = {SchemeInfo::pss_rsae, Digest::sha384}; return true;
    case SignatureScheme::rsa_pss_rsae_sha512: out = {SchemeInfo::pss_rsae, Digest::sha512}; return true;
    case SignatureScheme::rsa_pss_pss_sha256: out = {SchemeInfo::pss_pss, Digest::sha256}; return true;
    case SignatureScheme::rsa_pss_pss_sha384: out = {SchemeInfo::pss_pss, Digest::sha384}; return true;
    case SignatureScheme::rsa_pss_pss_sha512: out = {SchemeInfo::pss_pss, Digest::sha512}; return true;
    case SignatureScheme::ecdsa_secp256r1_sha256: out = {SchemeInfo::ecdsa256, Digest::sha256}; return true;
    case SignatureScheme::ecdsa_secp384r1_sha384: out = {SchemeInfo::ecdsa384, Digest::sha384}; return true;
    case SignatureScheme::ed25519: out = {SchemeInfo::ed25519, Digest::sha512}; return true;
  }
  return false;
}

// RSASSA-PSS-params of an id-RSASSA-PSS key (RFC 4055 §3.1, §3.3) after the
// OID in `a`: absent → *hash = 0 (any hash). Present → the hash
// (1 SHA-256, 2 SHA-384, 3 SHA-512), MGF1 with the same hash and a minimum
// salt no longer than the hash (TLS uses salt = hash length, RFC 8446
// §4.2.3). A key bound to SHA-1 (the default when hashAlgorithm is absent)
// or to another shape cannot sign anything mactls accepts: unsupported.
Status parse_pss_key_params(DerReader& a, uint8_t* hash) {
  *hash = 0;
  if (a.empty()) return Status::ok();
  const Status bad = Status::fail(Alert::bad_certificate, "malformed RSASSA-PSS key parameters");
  const Status unsupported = Status::fail(Alert::unsupported_certificate, "RSASSA-PSS key parameters mactls cannot use");
  DerItem params;
  if (!a.expect(der::kSequence, params) || !a.empty()) return bad;
  DerReader p(params.value);
  DerItem hash_wrap, mgf_wrap, salt_wrap;
  if (p.peek_tag() != der::context(0, true) || !p.next(hash_wrap)) return unsupported;  // SHA-1 default
  DerItem halg, hoid;
  if (!der_single(hash_wrap.value, der::kSequence, halg)) return bad;
  DerReader hr(halg.value);
  if (!hr.expect(der::kOid, hoid)) return bad;
  static const uint8_t kSha2Arc[] = {0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02};
  if (hoid.value.size != 9 || std::memcmp(hoid.value.data, kSha2Arc, 8) != 0 || hoid.value[8] < 1 || hoid.value[8] > 3)
    return unsupported;
  *hash = hoid.value[8];
  const size_t hlen = *hash == 1 ? 32 : *hash == 2 ? 48 : 64;
  if (p.peek_tag() != der::context(1, true) || !p.next(mgf_wrap)) return unsupported;  // MGF1-SHA-1 default
  static const uint8_t kOidMgf1[] = {0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x08};
  DerItem mgf, moid, mhash, mhoid;
  if (!der_single(mgf_wrap.value, der::kSequence, mgf)) return bad;
  DerReader mr(mgf.value);
  if (!mr.expect(der::kOid, moid) || !oid_is(moid.value, kOidMgf1, sizeof kOidMgf1) || !mr.expect(der::kSequence, mhash))
    return unsupported;
  DerReader mh(mhash.value);
  if (!mh.expect(der::kOid, mhoid) || !mhoid.value.equals(hoid.value)) return unsupported;
  if (p.peek_tag() == der::context(2, true)) {
    DerItem salt;
    ByteView sm;
    if (!p.next(salt_wrap) || !der_single(salt_wrap.value, der::kInteger, salt) || !der_unsigned(salt, sm)) return bad;
    if (sm.size > 1 || (sm.size == 1 && sm[0] > hlen)) return unsupported;
  }
  if (!p.empty()) {  // trailerField: only the default, 1
    DerItem tf, tv;
    ByteView tm;
    if (!p.expect(der::context(3, true), tf) || !p.empty() || !der_single(tf.value, der::kInteger, tv) ||
        !der_unsigned(tv, tm) || tm.size != 1 || tm[0] != 1)
      return unsupported;
  }
  return Status::ok();
}

}  // namespace

const char* signature_scheme_name(uint16_t code) {
  switch (SignatureScheme(code)) {
    case SignatureScheme::rsa_pkcs1_sha256: return "rsa_pkcs1_sha256";
    case SignatureScheme::rsa_pkcs1_sha384: return "rsa_pkcs1_sha384";
    case SignatureScheme::rsa_pkcs1_sha512: return "rsa_pkcs1_sha512";
    case SignatureScheme::ecdsa_secp256r1_sha256: return "ecdsa_secp256r1_sha256";
    case SignatureScheme::ecdsa_secp384r1_sha384: return "ecdsa_secp384r1_sha384";
    case SignatureScheme::rsa_pss_rsae_sha256: return "rsa_pss_rsae_sha256";
    case SignatureScheme::rsa_pss_rsae_sha384: return "rsa_pss_rsae_sha384";
    case SignatureScheme::rsa_pss_rsae_sha512: return "rsa_pss_rsae_sha512";
    case SignatureScheme::ed25519: return "ed25519";
    case SignatureScheme::rsa_pss_pss_sha256: return "rsa_pss_pss_sha256";
    case SignatureScheme::rsa_pss_pss_sha384: return "rsa_pss_pss_sha384";
    case SignatureScheme::rsa_pss_pss_sha512: return "rsa_pss_pss_sha512";
  }
  return "unknown";
}

struct PublicKey::Impl {
  KeyType type = KeyType::none;
  unsigned bits = 0;
  rsa_public_key rsa;
  bool rsa_init = false;
  ecc_point ec;
  bool ec_init = false;
  uint8_t ed[32] = {};
  uint8_t pss_hash = 0;  ///< RSASSA-PSS key restricted to this hash: 0 any, 1 SHA-256, 2 SHA-384, 3 SHA-512
  ~Impl() {
    if (rsa_init) rsa_public_key_clear(&rsa);
    if (ec_init) ecc_point_clear(&ec);
  }
};

PublicKey::PublicKey() = default;
PublicKey::~PublicKey() = default;
PublicKey::PublicKey(PublicKey&&) noexcept = default;
PublicKey& PublicKey::operator=(PublicKey&&) noexcept = default;

KeyType PublicKey::type() const { return impl_ ? impl_->type : KeyType::none; }
unsigned PublicKey::bits() const { return impl_ ? impl_->bits : 0; }

Status PublicKey::parse_spki(ByteView spki, unsigned min_rsa_bits) {
  impl_.reset(new Impl());
  Impl& k = *impl_;
  const Status bad = Status::fail(Alert::bad_certificate, "malformed subject public key");
  DerItem seq, alg, key, oid;
  if (!der_single(spki, der::kSequence, seq)) return bad;
  DerReader r(seq.value);
  if (!r.expect(der::kSequence, alg) || !r.expect(der::kBitString, key) || !r.empty()) return bad;
  DerReader a(alg.value);
  if (!a.expect(der::kOid, oid)) return bad;
  // BIT STRING: the first byte counts unused bits; keys use whole bytes.
  if (key.value.empty() || key.value[0] != 0) return bad;
  ByteView bits = key.value.sub(1);

  if (oid_is(oid.value, kOidRsaEncryption, sizeof kOidRsaEncryption) ||
      oid_is(oid.value, kOidRsaPss, sizeof kOidRsaPss)) {
    const bool pss = oid.value.size == sizeof kOidRsaPss && oid.value[8] == 0x0a;
    uint8_t pss_hash = 0;
    if (pss) {
      // RFC 4055 §3.1: absent parameters leave the key unrestricted; present
      // ones bind it to one hash (used for both certificate signatures and
      // CertificateVerify, RFC 8446 §4.2.3).
      Status ps = parse_pss_key_params(a, &pss_hash);
      if (!ps.is_ok()) return ps;
    } else {
      // rsaEncryption: parameters NULL (RFC 3279 §2.3.1); absent tolerated.
      DerItem null_param;
      if (!a.empty() && (!a.expect(der::kNull, null_param) || !null_param.value.empty() || !a.empty())) return bad;
    }
    // RSAPublicKey ::= SEQUENCE { modulus INTEGER, publicExponent INTEGER }
    DerItem rk, n, e;
    ByteView nm, em;
    if (!der_single(bits, der::kSequence, rk)) return bad;
    DerReader kr(rk.value);
    if (!kr.expect(der::kInteger, n) || !kr.expect(der::kInteger, e) || !kr.empty() ||
        !der_unsigned(n, nm) || !der_unsigned(e, em))
      return bad;
    // Bounds before any arithmetic: the cost of a verification grows with
    // the modulus (cubically) and with the exponent's bit length.
    unsigned nbits = unsigned(nm.size * 8);
    for (uint8_t top = nm.size ? nm[0] : 0; top && !(top & 0x80); top <<= 1) --nbits;
    if (nm.empty()) nbits = 0;
    if (nbits < min_rsa_bits || nbits < kRsaAbsoluteMinBits || nbits > kRsaMaxBits)
      return Status::fail(Alert::unsupported_certificate, "RSA key size outside the allowed range (2048..8192 bits by default)");
    // Whole octets only, as the Mozilla Root Store Policy (§5.1) and
    // rustls-webpki require: an odd size is a sign of a broken generator.
    if (nbits % 8 != 0) return Status::fail(Alert::unsupported_certificate, "RSA modulus size is not a multiple of 8 bits");
    // Exponent: odd (an even e has no inverse mod lambda(n): no valid key),
    // at least 3 (e = 1 makes "verification" the identity) and at most
    // 2^32 + 1: every real key uses 65537 or 3; a longer exponent only adds
    // squarings to each verification (BoringSSL also caps e at 33 bits).
    if (em.empty() || !(em[em.size - 1] & 1) || em.size > 5 || (em.size == 5 && em[0] > 1) ||
        (em.size == 5 && (em[1] | em[2] | em[3]) != 0) || (em.size == 5 && em[4] > 1) || (em.size == 1 && em[0] < 3))
      return Status::fail(Alert::bad_certificate, "RSA public exponent is not odd, at least 3 and at most 2^32+1");
    rsa_public_key_init(&k.rsa);
    k.rsa_init = true;
    nettle_mpz_set_str_256_u(k.rsa.n, nm.size, nm.data);
    nettle_mpz_set_str_256_u(k.rsa.e, em.size, em.data);
    if (!(nm[nm.size - 1] & 1) || !rsa_public_key_prepare(&k.rsa)) return bad;  // an even modulus is no RSA key
    k.type = pss ? KeyType::rsa_pss : KeyType::rsa;
    k.bits = nbits;
    k.pss_hash = pss_hash;
    return Status::ok();
  }
  if (oid_is(oid.value, kOidEcPublicKey, sizeof kOidEcPublicKey)) {
    DerItem curve;
    if (!a.expect(der::kOid, curve) || !a.empty()) return bad;
    // The type is recorded only once the point is accepted: a rejected key
    // must not claim a curve whose point was never initialised.
    const ecc_curve* c;
    size_t clen;
    KeyType type;
    if (oid_is(curve.value, kOidP256, sizeof kOidP256)) {
      c = nettle_get_secp_256r1();
      clen = 32;
      type = KeyType::ec_p256;
    } else if (oid_is(curve.value, kOidP384, sizeof kOidP384)) {
      c = nettle_get_secp_384r1();
      clen = 48;
      type = KeyType::ec_p384;
    } else {
      return Status::fail(Alert::unsupported_certificate, "EC key on a curve mactls does not support");
    }
    if (bits.size != 1 + 2 * clen || bits[0] != 0x04) return bad;
    mpz_t x, y;
    mpz_init(x);
    mpz_init(y);
    nettle_mpz_set_str_256_u(x, clen, bits.data + 1);
    nettle_mpz_set_str_256_u(y, clen, bits.data + 1 + clen);
    ecc_point_init(&k.ec, c);
    k.ec_init = true;
    int on_curve = ecc_point_set(&k.ec, x, y);
    mpz_clear(x);
    mpz_clear(y);
    if (!on_curve) return bad;
    k.type = type;
    k.bits = unsigned(clen * 8);
    return Status::ok();
  }
  if (oid_is(oid.value, kOidEd25519, sizeof kOidEd25519)) {
    if (!a.empty() || bits.size != 32) return bad;  // RFC 8410 §3: parameters absent
    std::memcpy(k.ed, bits.data, 32);
    k.type = KeyType::ed25519;
    k.bits = 256;
    return Status::ok();
  }
  return Status::fail(Alert::unsupported_certificate, "public key algorithm mactls does not support");
}

Status PublicKey::verify(SignatureScheme scheme, ByteView message, ByteView signature) const {
  SchemeInfo si;
  if (!impl_ || !scheme_info(scheme, si)) return Status::fail(Alert::illegal_parameter, "unknown signature scheme");
  const Impl& k = *impl_;
  const Status mismatch = Status::fail(Alert::illegal_parameter, "signature scheme does not fit the key");
  const Status bad = Status::fail(Alert::decrypt_error, "signature does not verify");
  switch (si.kind) {
    case SchemeInfo::pkcs1:
    case SchemeInfo::pss_rsae:
    case SchemeInfo::pss_pss: {
      // §4.2.3: rsae schemes need an rsaEncryption key, pss schemes an
      // RSASSA-PSS key; PKCS#1 v1.5 works with rsaEncryption keys only.
      if (si.kind == SchemeInfo::pss_pss ? k.type != KeyType::rsa_pss : k.type != KeyType::rsa) return mismatch;
      // RFC 4055 §3.3: a PSS key with parameters verifies with its own hash only.
      if (k.pss_hash != 0 && k.pss_hash != uint8_t(si.digest) + 1) return mismatch;
      if (signature.size != k.rsa.size) return bad;
      uint8_t d[64];
      digest(si.digest, message, d);
      mpz_t s;
      mpz_init(s);
      nettle_mpz_set_str_256_u(s, signature.size, signature.data);
      int ok = 0;
      if (si.kind == SchemeInfo::pkcs1) {
        if (si.digest == Digest::sha256) ok = rsa_sha256_verify_digest(&k.rsa, d, s);
        else if (si.digest == Digest::sha512) ok = rsa_sha512_verify_digest(&k.rsa, d, s);
        else {
          // nettle has no rsa_sha384_verify_digest: verify the DigestInfo
          // encoding with the generic PKCS#1 v1.5 entry point.
          static const uint8_t kSha384Prefix[] = {0x30, 0x41, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01,
                                                  0x65, 0x03, 0x04, 0x02, 0x02, 0x05, 0x00, 0x04, 0x30};
          uint8_t info[sizeof kSha384Prefix + 48];
          std::memcpy(info, kSha384Prefix, sizeof kSha384Prefix);
          std::memcpy(info + sizeof kSha384Prefix, d, 48);
          ok = rsa_pkcs1_verify(&k.rsa, sizeof info, info, s);
        }
      } else {
        size_t salt = digest_len(si.digest);  // §4.2.3: salt length = digest length
        if (si.digest == Digest::sha256) ok = rsa_pss_sha256_verify_digest(&k.rsa, salt, d, s);
        else if (si.digest == Digest::sha384) ok = rsa_pss_sha384_verify_digest(&k.rsa, salt, d, s);
        else ok = rsa_pss_sha512_verify_digest(&k.rsa, salt, d, s);
      }
      mpz_clear(s);
      return ok ? Status::ok() : bad;
    }
    case SchemeInfo::ecdsa256:
    case SchemeInfo::ecdsa384:
      if (k.type != (si.kind == SchemeInfo::ecdsa256 ? KeyType::ec_p256 : KeyType::ec_p384)) return mismatch;
      return verify_ecdsa_digest(si.digest == Digest::sha256 ? 0 : 1, message, signature);
    case SchemeInfo::ed25519:
      if (k.type != KeyType::ed25519) return mismatch;
      if (signature.size != 64) return bad;
      return ed25519_sha512_verify(k.ed, message.size, message.data, signature.data) ? Status::ok() : bad;
  }
  return bad;
}

Status PublicKey::verify_ecdsa_digest(int hash_id, ByteView message, ByteView signature) const {
  const Status mismatch = Status::fail(Alert::illegal_parameter, "signature scheme does not fit the key");
  if (!impl_) return mismatch;  // never parsed: no key to check against
  const Impl& k = *impl_;
  const Status bad = Status::fail(Alert::decrypt_error, "signature does not verify");
  if (k.type != KeyType::ec_p256 && k.type != KeyType::ec_p384) return mismatch;
  // Ecdsa-Sig-Value ::= SEQUENCE { r INTEGER, s INTEGER }, strictly DER.
  DerItem seq, r, s;
  ByteView rm, sm;
  if (!der_single(signature, der::kSequence, seq)) return bad;
  DerReader rd(seq.value);
  if (!rd.expect(der::kInteger, r) || !rd.expect(der::kInteger, s) || !rd.empty() || !der_unsigned(r, rm) ||
      !der_unsigned(s, sm))
    return bad;
  Digest dg = hash_id == 0 ? Digest::sha256 : hash_id == 1 ? Digest::sha384 : Digest::sha512;
  uint8_t d[64];
  digest(dg, message, d);
  dsa_signature sig;
  dsa_signature_init(&sig);
  nettle_mpz_set_str_256_u(sig.r, rm.size, rm.data);
  nettle_mpz_set_str_256_u(sig.s, sm.size, sm.data);
  int ok = ecdsa_verify(&k.ec, digest_len(dg), d, &sig);
  dsa_signature_clear(&sig);
  return ok ? Status::ok() : bad;
}

}  // namespace mactls
