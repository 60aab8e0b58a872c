// mactls crypto seam — (EC)DHE over nettle: curve25519_mul for X25519
// (RFC 7748, clamping done by nettle) and ecc_point_mul for the NIST curves.
#include "crypto/kex.h"

#include <gmp.h>
#include <nettle/bignum.h>
#include <nettle/curve25519.h>
#include <nettle/ecc-curve.h>
#include <nettle/ecc.h>

#include <cstring>

namespace mactls {

namespace {

const ecc_curve* curve_of(NamedGroup g) {
  return g == NamedGroup::secp256r1 ? nettle_get_secp_256r1() : nettle_get_secp_384r1();
}

size_t coord_len(NamedGroup g) { return g == NamedGroup::secp256r1 ? 32 : 48; }

// gmp frees limbs without clearing them; a scalar must not linger in the heap.
void wipe_mpz(mpz_t z) {
  size_t n = mpz_size(z);
  if (n) {
    mp_limb_t* l = mpz_limbs_modify(z, mpz_size(z));
    secure_wipe(l, n * sizeof(mp_limb_t));
    mpz_limbs_finish(z, 0);
  }
}

void wipe_scalar(ecc_scalar* s) { secure_wipe(s->p, ecc_size(s->ecc) * sizeof(mp_limb_t)); }

// RAII for the nettle/gmp objects of one operation.
struct Mpz {
  mpz_t v;
  Mpz() { mpz_init(v); }
  ~Mpz() {
    wipe_mpz(v);
    mpz_clear(v);
  }
};
struct Point {
  ecc_point p;
  explicit Point(const ecc_curve* c) { ecc_point_init(&p, c); }
  ~Point() { ecc_point_clear(&p); }
};
struct Scalar {
  ecc_scalar s;
  explicit Scalar(const ecc_curve* c) { ecc_scalar_init(&s, c); }
  ~Scalar() {
    wipe_scalar(&s);
    ecc_scalar_clear(&s);
  }
};

// Uncompressed SEC 1 encoding: 0x04 || X || Y, fixed width.
void encode_point(const ecc_point* p, size_t clen, uint8_t* out) {
  Mpz x, y;
  ecc_point_get(p, x.v, y.v);
  out[0] = 0x04;
  nettle_mpz_get_str_256(clen, out + 1, x.v);
  nettle_mpz_get_str_256(clen, out + 1 + clen, y.v);
}

}  // namespace

const char* group_name(uint16_t code) {
  switch (code) {
    case uint16_t(NamedGroup::x25519): return "x25519";
    case uint16_t(NamedGroup::secp256r1): return "secp256r1";
    case uint16_t(NamedGroup::secp384r1): return "secp384r1";
  }
  return "unknown";
}

bool is_supported_group(uint16_t code) {
  return code == uint16_t(NamedGroup::x25519) || code == uint16_t(NamedGroup::secp256r1) ||
         code == uint16_t(NamedGroup::secp384r1);
}

size_t key_share_len(NamedGroup g) {
  switch (g) {
    case NamedGroup::x25519: return 32;
    case NamedGroup::secp256r1: return 65;
    case NamedGroup::secp384r1: return 97;
  }
  return 0;
}

size_t shared_secret_len(NamedGroup g) { return g == NamedGroup::secp384r1 ? 48 : 32; }

void KeyShare::wipe() {
  secure_wipe(priv_, sizeof priv_);
  has_key_ = false;
}

void KeyShare::generate(NamedGroup g, RandomSource& rng) {
  wipe();
  if (g == NamedGroup::x25519) {
    rng.fill(priv_, 32);
    group_ = g;
    curve25519_mul_g(pub_, priv_);
    has_key_ = true;
    return;
  }
  // Rejection sampling of a scalar in [1, n-1]: for P-256 and P-384 a
  // random string is out of range with probability below 2^-32.
  for (;;) {
    uint8_t cand[48];
    rng.fill(cand, coord_len(g));
    // A failed source fills zeros, which are rejected forever: stop, with
    // no key (the caller checks rng.failed()).
    if (rng.failed()) {
      secure_wipe(cand, sizeof cand);
      wipe();
      return;
    }
    Status s = set_private(g, ByteView(cand, coord_len(g)));
    secure_wipe(cand, sizeof cand);
    if (s.is_ok()) return;
  }
}

Status KeyShare::set_private(NamedGroup g, ByteView priv) {
  wipe();
  group_ = g;
  if (g == NamedGroup::x25519) {
    if (priv.size != 32) return Status::fail(Alert::internal_error, "X25519 private key must be 32 bytes");
    std::memcpy(priv_, priv.data, 32);
    curve25519_mul_g(pub_, priv_);
    has_key_ = true;
    return Status::ok();
  }
  const size_t clen = coord_len(g);
  if (priv.size != clen) return Status::fail(Alert::internal_error, "EC private key has the wrong length");
  const ecc_curve* c = curve_of(g);
  Mpz z;
  nettle_mpz_set_str_256_u(z.v, clen, priv.data);
  Scalar s(c);
  if (!ecc_scalar_set(&s.s, z.v)) return Status::fail(Alert::internal_error, "EC private key out of range");
  Point p(c);
  ecc_point_mul_g(&p.p, &s.s);
  encode_point(&p.p, clen, pub_);
  std::memcpy(priv_, priv.data, clen);
  has_key_ = true;
  return Status::ok();
}

Status KeyShare::compute_shared(ByteView peer, Secret& out) const {
  if (!has_key_) return Status::fail(Alert::internal_error, "no key share to combine");
  if (group_ == NamedGroup::x25519) {
    if (peer.size != 32) return Status::fail(Alert::illegal_parameter, "X25519 key share has the wrong length");
    uint8_t* q = out.prepare(32);
    curve25519_mul(q, priv_, peer.data);
    // RFC 7748 §6.1 / RFC 8446 §7.4.2: an all-zero result means a
    // small-order point; abort.
    uint8_t acc = 0;
    for (size_t i = 0; i < 32; ++i) acc |= q[i];
    if (acc == 0) {
      out.wipe();
      return Status::fail(Alert::illegal_parameter, "X25519 key share is a small-order point");
    }
    return Status::ok();
  }
  // RFC 8446 §4.2.8.2: uncompressed points only, validated on the curve.
  const size_t clen = coord_len(group_);
  if (peer.size != 1 + 2 * clen) return Status::fail(Alert::illegal_parameter, "EC key share has the wrong length");
  if (peer[0] != 0x04) return Status::fail(Alert::illegal_parameter, "EC key share is not an uncompressed point");
  const ecc_curve* c = curve_of(group_);
  Mpz x, y;
  nettle_mpz_set_str_256_u(x.v, clen, peer.data + 1);
  nettle_mpz_set_str_256_u(y.v, clen, peer.data + 1 + clen);
  Point pp(c);
  // ecc_point_set refuses coordinates >= p and points off the curve; the
  // point at infinity has no affine encoding, and the curves have cofactor
  // 1, so every accepted point has full order.
  if (!ecc_point_set(&pp.p, x.v, y.v)) return Status::fail(Alert::illegal_parameter, "EC key share is not a point on the curve");
  Mpz z;
  nettle_mpz_set_str_256_u(z.v, clen, priv_);
  Scalar s(c);
  if (!ecc_scalar_set(&s.s, z.v)) return Status::fail(Alert::internal_error, "EC private key out of range");
  Point r(c);
  ecc_point_mul(&r.p, &s.s, &pp.p);
  Mpz rx, ry;
  ecc_point_get(&r.p, rx.v, ry.v);
  nettle_mpz_get_str_256(clen, out.prepare(clen), rx.v);
  return Status::ok();
}

}  // namespace mactls
