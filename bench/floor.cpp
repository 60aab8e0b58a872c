#include "floor.h"

#include <nettle/curve25519.h>
#include <nettle/ecc-curve.h>
#include <nettle/ecc.h>
#include <nettle/ecdsa.h>
#include <nettle/rsa.h>
#include <nettle/sha2.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <sys/random.h>

#include <cstring>

namespace mactls::bench {
namespace {

void mpz_from(mpz_t z, const uint8_t* p, size_t n) { mpz_import(z, n, 1, 1, 1, 0, p); }

void mpz_from_bn(mpz_t z, const BIGNUM* bn) {
  std::vector<uint8_t> b(size_t(BN_num_bytes(bn)));
  BN_bn2bin(bn, b.data());
  mpz_from(z, b.data(), b.size());
}

void nettle_random(void*, size_t len, uint8_t* out) {
  while (len) {
    ssize_t n = getrandom(out, len, 0);
    if (n <= 0) continue;
    out += n;
    len -= size_t(n);
  }
}

/// One signature to check: key, signed bytes, signature, algorithm.
struct Check {
  bool rsa = false, pss = false;
  bool sha384 = false;
  std::vector<uint8_t> message;
  // ECDSA
  const ecc_curve* curve = nullptr;
  ecc_point* pub = nullptr;
  dsa_signature sig;
  // RSA
  rsa_public_key rsa_pub;
  mpz_t rsa_sig;
  Check() {
    dsa_signature_init(&sig);
    rsa_public_key_init(&rsa_pub);
    mpz_init(rsa_sig);
  }
  ~Check() {
    if (pub) {
      ecc_point_clear(pub);
      delete pub;
    }
    dsa_signature_clear(&sig);
    rsa_public_key_clear(&rsa_pub);
    mpz_clear(rsa_sig);
  }
  Check(const Check&) = delete;
  Check& operator=(const Check&) = delete;

  bool load_key(EVP_PKEY* pk) {
    if (EVP_PKEY_base_id(pk) == EVP_PKEY_RSA) {
      rsa = true;
      BIGNUM *n = nullptr, *e = nullptr;
      EVP_PKEY_get_bn_param(pk, OSSL_PKEY_PARAM_RSA_N, &n);
      EVP_PKEY_get_bn_param(pk, OSSL_PKEY_PARAM_RSA_E, &e);
      mpz_from_bn(rsa_pub.n, n);
      mpz_from_bn(rsa_pub.e, e);
      BN_free(n);
      BN_free(e);
      return rsa_public_key_prepare(&rsa_pub) == 1;
    }
    uint8_t pt[200];
    size_t len = 0;
    if (!EVP_PKEY_get_octet_string_param(pk, OSSL_PKEY_PARAM_PUB_KEY, pt, sizeof pt, &len)) return false;
    curve = len == 65 ? nettle_get_secp_256r1() : nettle_get_secp_384r1();
    size_t c = (len - 1) / 2;
    pub = new ecc_point;
    ecc_point_init(pub, curve);
    mpz_t x, y;
    mpz_init(x);
    mpz_init(y);
    mpz_from(x, pt + 1, c);
    mpz_from(y, pt + 1 + c, c);
    bool ok = ecc_point_set(pub, x, y) == 1;
    mpz_clear(x);
    mpz_clear(y);
    return ok;
  }

  bool load_signature(const uint8_t* der, size_t len) {
    if (rsa) {
      mpz_from(rsa_sig, der, len);
      return true;
    }
    const uint8_t* p = der;
    ECDSA_SIG* s = d2i_ECDSA_SIG(nullptr, &p, long(len));
    if (!s) return false;
    mpz_from_bn(sig.r, ECDSA_SIG_get0_r(s));
    mpz_from_bn(sig.s, ECDSA_SIG_get0_s(s));
    ECDSA_SIG_free(s);
    return true;
  }

  /// The timed part: hash what was signed, verify.
  bool run() const {
    uint8_t d[SHA384_DIGEST_SIZE];
    size_t dl;
    if (sha384) {
      sha384_ctx h;
      sha384_init(&h);
      sha384_update(&h, message.size(), message.data());
      sha384_digest(&h, SHA384_DIGEST_SIZE, d);
      dl = SHA384_DIGEST_SIZE;
    } else {
      sha256_ctx h;
      sha256_init(&h);
      sha256_update(&h, message.size(), message.data());
      sha256_digest(&h, SHA256_DIGEST_SIZE, d);
      dl = SHA256_DIGEST_SIZE;
    }
    if (!rsa) return ecdsa_verify(pub, dl, d, &sig) == 1;
    if (pss) return rsa_pss_sha256_verify_digest(&rsa_pub, 32, d, rsa_sig) == 1;
    return rsa_sha256_verify_digest(&rsa_pub, d, rsa_sig) == 1;
  }
};

EVP_PKEY* cert_key(const Bytes& der, X509** keep) {
  const uint8_t* p = der.data();
  *keep = d2i_X509(nullptr, &p, long(der.size()));
  return *keep ? X509_get0_pubkey(*keep) : nullptr;
}

/// The signature over `cert` by `issuer_key` as a Check.
bool chain_check(const Bytes& cert_der, EVP_PKEY* issuer_key, bool sha384, Check* c) {
  const uint8_t* p = cert_der.data();
  X509* x = d2i_X509(nullptr, &p, long(cert_der.size()));
  if (!x) return false;
  uint8_t* tbs = nullptr;
  int n = i2d_re_X509_tbs(x, &tbs);
  c->message.assign(tbs, tbs + n);
  OPENSSL_free(tbs);
  const ASN1_BIT_STRING* sig = nullptr;
  X509_get0_signature(&sig, nullptr, x);
  c->sha384 = sha384;
  bool ok = c->load_key(issuer_key) &&
            c->load_signature(ASN1_STRING_get0_data(sig), size_t(ASN1_STRING_length(sig)));
  X509_free(x);
  return ok;
}

}  // namespace

struct Floor::Impl {
  uint16_t group = 0;
  bool tls12 = false;
  FloorRest rest;
  uint8_t peer25519[32];
  ecc_point* peer_nist = nullptr;
  std::vector<uint8_t> peer_x, peer_y;
  const ecc_curve* curve = nullptr;
  Check chain[2], cv;
  Bytes cv_sig;
  uint8_t priv25519[32] = {};
  ecc_scalar k;
  bool k_init = false;
  ~Impl() {
    if (k_init) ecc_scalar_clear(&k);
    if (peer_nist) {
      ecc_point_clear(peer_nist);
      delete peer_nist;
    }
  }
};

Floor::Floor() : m_(new Impl) {}
Floor::~Floor() = default;

bool Floor::setup(const Scenario& s, const std::string& leaf_key_path, std::string* err) {
  m_->group = s.group;
  m_->tls12 = s.tls12;
  if (!m_->rest.setup(s, err)) return false;
  // A peer key share, as the server would send.
  uint8_t priv[48];
  nettle_random(nullptr, sizeof priv, priv);
  if (s.group == 0x001d) {
    curve25519_mul_g(m_->peer25519, priv);
  } else {
    m_->curve = s.group == 0x0017 ? nettle_get_secp_256r1() : nettle_get_secp_384r1();
    ecc_scalar_init(&m_->k, m_->curve);
    m_->k_init = true;
    ecc_scalar k;
    ecc_scalar_init(&k, m_->curve);
    ecc_scalar_random(&k, nullptr, nettle_random);
    ecc_point p;
    ecc_point_init(&p, m_->curve);
    ecc_point_mul_g(&p, &k);
    mpz_t x, y;
    mpz_init(x);
    mpz_init(y);
    ecc_point_get(&p, x, y);
    size_t c = s.group == 0x0017 ? 32 : 48;
    m_->peer_x.assign(c, 0);
    m_->peer_y.assign(c, 0);
    mpz_export(m_->peer_x.data() + c - (mpz_sizeinbase(x, 256)), nullptr, 1, 1, 1, 0, x);
    mpz_export(m_->peer_y.data() + c - (mpz_sizeinbase(y, 256)), nullptr, 1, 1, 1, 0, y);
    mpz_clear(x);
    mpz_clear(y);
    ecc_point_clear(&p);
    ecc_scalar_clear(&k);
  }

  bool sha384 = s.digest == "sha384";
  X509 *root = nullptr, *in = nullptr, *leaf = nullptr;
  EVP_PKEY* root_key = cert_key(s.root_der, &root);
  EVP_PKEY* int_key = cert_key(s.int_der, &in);
  EVP_PKEY* leaf_key = cert_key(s.leaf_der, &leaf);
  bool ok = root_key && int_key && leaf_key && chain_check(s.leaf_der, int_key, sha384, &m_->chain[0]) &&
            chain_check(s.int_der, root_key, sha384, &m_->chain[1]);

  // A CertificateVerify signature made with the leaf's private key over the
  // RFC 8446 §4.4.3 content (the transcript hash is random here).
  if (ok) {
    bool cv384 = s.cv_scheme == 0x0503;
    const char ctx[] = "TLS 1.3, server CertificateVerify";  // sizeof: with the 0 separator
    size_t hl = cv384 ? 48 : 32;
    std::vector<uint8_t> content(64 + sizeof ctx + hl, 0x20);
    memcpy(content.data() + 64, ctx, sizeof ctx);
    nettle_random(nullptr, hl, content.data() + 64 + sizeof ctx);
    FILE* f = fopen(leaf_key_path.c_str(), "r");
    EVP_PKEY* priv_key = f ? PEM_read_PrivateKey(f, nullptr, nullptr, nullptr) : nullptr;
    if (f) fclose(f);
    EVP_MD_CTX* md = EVP_MD_CTX_new();
    EVP_PKEY_CTX* pctx = nullptr;
    size_t siglen = 0;
    std::vector<uint8_t> sig(1024);
    ok = priv_key && EVP_DigestSignInit(md, &pctx, cv384 ? EVP_sha384() : EVP_sha256(), nullptr, priv_key) == 1;
    if (ok && s.cv_scheme == 0x0804) {
      ok = EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) == 1 &&
           EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_DIGEST) == 1;
    }
    siglen = sig.size();
    ok = ok && EVP_DigestSign(md, sig.data(), &siglen, content.data(), content.size()) == 1;
    EVP_MD_CTX_free(md);
    EVP_PKEY_free(priv_key);
    sig.resize(siglen);
    m_->cv_sig = sig;
    m_->cv.message = content;
    m_->cv.sha384 = cv384;
    m_->cv.pss = s.cv_scheme == 0x0804;
    ok = ok && m_->cv.load_key(leaf_key) && m_->cv.load_signature(sig.data(), siglen);
  }
  X509_free(root);
  X509_free(in);
  X509_free(leaf);
  double ns;
  if (ok && !signatures(&ns)) {
    *err = "floor: a signature check failed on the scenario's own chain";
    return false;
  }
  if (!ok) *err = "floor: could not load the scenario's keys";
  return ok;
}

bool Floor::ecdhe_keygen(double* ns) {
  uint64_t t0 = thread_cpu_ns();
  if (m_->group == 0x001d) {
    uint8_t pub[32];
    nettle_random(nullptr, sizeof m_->priv25519, m_->priv25519);
    curve25519_mul_g(pub, m_->priv25519);
  } else {
    ecc_scalar_random(&m_->k, nullptr, nettle_random);
    ecc_point pub;
    ecc_point_init(&pub, m_->curve);
    ecc_point_mul_g(&pub, &m_->k);
    mpz_t x, y;
    mpz_init(x);
    mpz_init(y);
    ecc_point_get(&pub, x, y);  // our key share's encoding
    mpz_clear(x);
    mpz_clear(y);
    ecc_point_clear(&pub);
  }
  *ns = double(thread_cpu_ns() - t0);
  return true;
}

bool Floor::ecdhe_shared(double* ns) {
  uint64_t t0 = thread_cpu_ns();
  bool ok = true;
  if (m_->group == 0x001d) {
    uint8_t shared[32];
    curve25519_mul(shared, m_->priv25519, m_->peer25519);
  } else {
    ecc_point peer, shared;
    ecc_point_init(&peer, m_->curve);
    ecc_point_init(&shared, m_->curve);
    mpz_t x, y;
    mpz_init(x);
    mpz_init(y);
    mpz_from(x, m_->peer_x.data(), m_->peer_x.size());
    mpz_from(y, m_->peer_y.data(), m_->peer_y.size());
    ok = ecc_point_set(&peer, x, y) == 1;  // the peer's share, validated
    ecc_point_mul(&shared, &m_->k, &peer);
    ecc_point_get(&shared, x, nullptr);
    mpz_clear(x);
    mpz_clear(y);
    ecc_point_clear(&peer);
    ecc_point_clear(&shared);
  }
  *ns = double(thread_cpu_ns() - t0);
  return ok;
}

bool Floor::ecdhe(double* ns) {
  double a = 0, b = 0;
  bool ok = ecdhe_keygen(&a) && ecdhe_shared(&b);
  *ns = a + b;
  return ok;
}

bool Floor::signatures(double* ns) {
  uint64_t t0 = thread_cpu_ns();
  bool ok = m_->chain[0].run() && m_->chain[1].run() && m_->cv.run();
  *ns = double(thread_cpu_ns() - t0);
  return ok;
}

const Bytes& Floor::cv_content() const { return m_->cv.message; }
const Bytes& Floor::cv_signature() const { return m_->cv_sig; }

bool Floor::resumed(double* ns) {
  if (m_->tls12) {  // a TLS 1.2 resumption: no key exchange, no signature
    *ns = 0;
    return true;
  }
  return ecdhe(ns);
}

bool Floor::full(double* ns) {
  double a = 0, b = 0;
  bool ok = ecdhe(&a) && signatures(&b);
  *ns = a + b;
  return ok;
}

double Floor::rest(bool resumed) { return m_->rest.run(resumed); }

int Floor::spans_per_handshake(bool full) { return full ? 3 : 2; }

}  // namespace mactls::bench
