// Scenarios, the meter's calibration, the in-process OpenSSL server and the
// handshake loop shared by every client under test.
#include <openssl/err.h>
#include <openssl/ssl.h>

#include <algorithm>
#include <cstdio>
#include <cstring>

#include "bench.h"

namespace mactls::bench {

double meter_overhead_ns() {
  static double cached = -1;
  if (cached >= 0) return cached;
  std::vector<uint64_t> v;
  for (int round = 0; round < 21; ++round) {
    CpuMeter m;
    for (int i = 0; i < 2000; ++i) {
      m.begin();
      m.end();
    }
    v.push_back(m.total_ns / 2000);
  }
  std::sort(v.begin(), v.end());
  cached = double(v[v.size() / 2]);
  return cached;
}

std::vector<Scenario> all_scenarios() {
  struct Row {
    char id;
    const char* title;
    uint16_t group, suite, cv_scheme;
    test::KeyKind key;
    const char* digest;
    bool tls12;
  };
  static const Row kRows[] = {
      {'a', "X25519 + ECDSA P-256 chain + TLS_AES_128_GCM_SHA256", 0x001d, 0x1301, 0x0403, test::KeyKind::p256,
       "sha256", false},
      {'b', "secp384r1 + ECDSA P-384 chain + TLS_AES_256_GCM_SHA384", 0x0018, 0x1302, 0x0503, test::KeyKind::p384,
       "sha384", false},
      {'c', "X25519 + RSA-2048 chain (rsa_pss_rsae_sha256) + TLS_CHACHA20_POLY1305_SHA256", 0x001d, 0x1303, 0x0804,
       test::KeyKind::rsa2048, "sha256", false},
      {'d', "X25519 + RSA-4096 chain + TLS_AES_128_GCM_SHA256", 0x001d, 0x1301, 0x0804, test::KeyKind::rsa4096, "sha256",
       false},
      // TLS 1.2: the ServerKeyExchange is signed with ecdsa_secp256r1_sha256.
      {'g', "TLS 1.2: X25519 + ECDSA P-256 chain + ECDHE-ECDSA-AES128-GCM-SHA256 (RFC 5077 ticket)", 0x001d, 0xc02b,
       0x0403, test::KeyKind::p256, "sha256", true},
  };
  std::vector<Scenario> out;
  for (const Row& r : kRows) {
    Scenario s;
    s.id = r.id;
    s.title = r.title;
    s.group = r.group;
    s.suite = r.suite;
    s.cv_scheme = r.cv_scheme;
    s.key = r.key;
    s.digest = r.digest;
    s.tls12 = r.tls12;
    out.push_back(s);
  }
  return out;
}

bool make_pki(test::Pki& pki, Scenario& s) {
  std::string p = std::string("bench-") + s.id;
  test::CertSpec root;
  root.name = s.root_name = p + "-root";
  root.key = s.key;
  root.ca = true;
  root.not_before_days = -2;
  root.not_after_days = 3650;
  root.digest = s.digest;
  root.key_usage = "critical,keyCertSign,cRLSign";
  if (!pki.issue(root)) return false;
  test::CertSpec in;
  in.name = s.int_name = p + "-int";
  in.key = s.key;
  in.issuer = root.name;
  in.ca = true;
  in.path_len = 0;
  in.digest = s.digest;
  in.key_usage = "critical,keyCertSign,cRLSign";
  if (!pki.issue(in)) return false;
  test::CertSpec leaf;
  leaf.name = s.leaf_name = p + "-leaf";
  leaf.key = s.key;
  leaf.issuer = in.name;
  leaf.dns_sans = {s.host};
  leaf.digest = s.digest;
  leaf.key_usage = "critical,digitalSignature";
  if (!pki.issue(leaf)) return false;
  s.chain_pem_path = pki.bundle_path(p + "-chain", {leaf.name, in.name});
  s.key_path = pki.key_path(leaf.name);
  s.root_pem = pki.cert_pem(root.name);
  s.root_der = pki.cert_der(root.name);
  s.int_der = pki.cert_der(in.name);
  s.leaf_der = pki.cert_der(leaf.name);
  return !s.root_der.empty() && !s.leaf_der.empty();
}

bool make_host_f(test::Pki& pki, const Scenario& a, Scenario* f) {
  *f = a;
  f->id = 'f';
  f->title = "a new host under the intermediate of (a)";
  f->host = "f.bench.mactls.test";
  test::CertSpec leaf;
  leaf.name = f->leaf_name = std::string("bench-") + a.id + "-leaf-f";
  leaf.key = a.key;
  leaf.issuer = a.int_name;
  leaf.dns_sans = {f->host};
  leaf.digest = a.digest;
  leaf.key_usage = "critical,digitalSignature";
  if (!pki.issue(leaf)) return false;
  f->chain_pem_path = pki.bundle_path(leaf.name + "-chain", {leaf.name, a.int_name});
  f->key_path = pki.key_path(leaf.name);
  f->leaf_der = pki.cert_der(leaf.name);
  return !f->leaf_der.empty();
}

const char* group_openssl_name(uint16_t g) {
  switch (g) {
    case 0x001d: return "X25519";
    case 0x0017: return "P-256";
    case 0x0018: return "P-384";
  }
  return "?";
}

const char* suite_openssl_name(uint16_t s) {
  switch (s) {
    case 0x1301: return "TLS_AES_128_GCM_SHA256";
    case 0x1302: return "TLS_AES_256_GCM_SHA384";
    case 0x1303: return "TLS_CHACHA20_POLY1305_SHA256";
    case 0xc02b: return "ECDHE-ECDSA-AES128-GCM-SHA256";
  }
  return "?";
}

const char* suite_iana_name(uint16_t s) {
  switch (s) {
    case 0x1301: return "TLS_AES_128_GCM_SHA256";
    case 0x1302: return "TLS_AES_256_GCM_SHA384";
    case 0x1303: return "TLS_CHACHA20_POLY1305_SHA256";
    case 0xc02b: return "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256";
  }
  return "?";
}

static std::string ossl_errors() {
  std::string out;
  unsigned long e;
  while ((e = ERR_get_error()) != 0) {
    char buf[256];
    ERR_error_string_n(e, buf, sizeof buf);
    if (!out.empty()) out += "; ";
    out += buf;
  }
  return out;
}

struct OpensslServer::Impl {
  SSL_CTX* ctx = nullptr;
  SSL* ssl = nullptr;
  BIO* rbio = nullptr;  // client → server
  BIO* wbio = nullptr;  // server → client
  std::string error;
};

OpensslServer::OpensslServer() : m_(new Impl) {}
OpensslServer::~OpensslServer() {
  end();
  if (m_->ctx) SSL_CTX_free(m_->ctx);
}

bool OpensslServer::init(const Scenario& s, std::string* err) {
  SSL_CTX* ctx = SSL_CTX_new(TLS_server_method());
  m_->ctx = ctx;
  int version = s.tls12 ? TLS1_2_VERSION : TLS1_3_VERSION;
  bool ok = ctx && SSL_CTX_set_min_proto_version(ctx, version) && SSL_CTX_set_max_proto_version(ctx, version) &&
            (s.tls12 ? SSL_CTX_set_cipher_list(ctx, suite_openssl_name(s.suite))
                     : SSL_CTX_set_ciphersuites(ctx, suite_openssl_name(s.suite))) &&
            SSL_CTX_set1_groups_list(ctx, group_openssl_name(s.group)) &&
            SSL_CTX_use_certificate_chain_file(ctx, s.chain_pem_path.c_str()) == 1 &&
            SSL_CTX_use_PrivateKey_file(ctx, s.key_path.c_str(), SSL_FILETYPE_PEM) == 1 &&
            SSL_CTX_set_num_tickets(ctx, 1);
  if (ok && s.cv_scheme == 0x0804) ok = SSL_CTX_set1_sigalgs_list(ctx, "rsa_pss_rsae_sha256");
  if (ok && s.cv_scheme == 0x0403) ok = SSL_CTX_set1_sigalgs_list(ctx, "ecdsa_secp256r1_sha256");
  // TLS 1.2: no session cache on the server, so a resumption can only be by
  // the RFC 5077 ticket the server issued (tickets stay on by default).
  if (ok && s.tls12) SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
  if (!ok && err) *err = "server set-up: " + ossl_errors();
  return ok;
}

bool OpensslServer::begin() {
  end();
  m_->ssl = SSL_new(m_->ctx);
  m_->rbio = BIO_new(BIO_s_mem());
  m_->wbio = BIO_new(BIO_s_mem());
  SSL_set_bio(m_->ssl, m_->rbio, m_->wbio);
  SSL_set_accept_state(m_->ssl);
  return true;
}

bool OpensslServer::step(const Bytes& in, Bytes& out) {
  if (!in.empty()) BIO_write(m_->rbio, in.data(), int(in.size()));
  int rc;
  if (!SSL_is_init_finished(m_->ssl)) {
    rc = SSL_do_handshake(m_->ssl);
  } else {
    uint8_t buf[256];
    rc = SSL_read(m_->ssl, buf, sizeof buf);
  }
  if (rc <= 0) {
    int e = SSL_get_error(m_->ssl, rc);
    if (e != SSL_ERROR_WANT_READ && e != SSL_ERROR_ZERO_RETURN) {
      m_->error = "server: SSL error " + std::to_string(e) + " " + ossl_errors();
      return false;
    }
  }
  uint8_t buf[16384];
  int n;
  while ((n = BIO_read(m_->wbio, buf, sizeof buf)) > 0) out.insert(out.end(), buf, buf + n);
  return true;
}

bool OpensslServer::handshake_done() const { return m_->ssl && SSL_is_init_finished(m_->ssl); }
bool OpensslServer::reused() const { return m_->ssl && SSL_session_reused(m_->ssl); }

void OpensslServer::end() {
  if (m_->ssl) SSL_free(m_->ssl);  // frees the BIOs too
  m_->ssl = nullptr;
  m_->rbio = m_->wbio = nullptr;
}

std::string OpensslServer::last_error() const { return m_->error; }

HandshakeResult run_handshake(BenchClient& c, OpensslServer& server, const Scenario& s, bool want_resumed) {
  HandshakeResult r;
  CpuMeter m;
  if (!want_resumed) c.forget_tickets();
  if (want_resumed && !c.has_ticket()) {
    r.error = std::string(c.name()) + ": no ticket to resume with";
    return r;
  }
  server.begin();
  Bytes to_server, to_client;
  if (!c.start(m, to_server)) {
    r.error = c.last_error();
    r.client_refused = true;
    c.finish(m);
    return r;
  }
  bool failed = false;
  for (int round = 0; round < 8 && !failed; ++round) {
    to_client.clear();
    if (!server.step(to_server, to_client)) {
      r.error = server.last_error();
      failed = true;
      break;
    }
    to_server.clear();
    if (to_client.empty()) break;
    if (!c.feed(m, to_client, to_server)) {
      r.error = c.last_error();
      r.client_refused = true;
      failed = true;
    }
  }
  bool client_done = c.handshake_done();
  r.client_resumed = c.resumed();
  r.server_resumed = server.reused();
  bool server_done = server.handshake_done();
  BenchClient::Negotiated got;
  std::string extra;
  if (client_done && !failed) {
    got = c.negotiated();
    extra = c.extra_check();
  }
  c.finish(m);
  server.end();
  r.client_ns = double(m.total_ns) - meter_overhead_ns() * m.spans;
  if (failed) return r;
  const std::string who = std::string(c.name()) + " (scenario " + s.id + "): ";
  if (!client_done || !server_done) {
    if (r.error.empty()) r.error = who + "handshake did not complete";
    return r;
  }
  if (r.client_resumed != want_resumed || r.server_resumed != want_resumed) {
    r.error = who + "resumed client=" + std::to_string(r.client_resumed) +
              " server=" + std::to_string(r.server_resumed) + ", wanted " + std::to_string(want_resumed);
    return r;
  }
  // The client's own account of what it negotiated must be the scenario's.
  auto hex = [](uint16_t v) {
    char b[8];
    snprintf(b, sizeof b, "%04x", v);
    return std::string(b);
  };
  const uint16_t want_version = s.tls12 ? 0x0303 : 0x0304;
  const bool key_exchange = !(s.tls12 && want_resumed);  // a 1.2 resumption has no ECDHE
  if (got.version != want_version) {
    r.error = who + "negotiated version " + hex(got.version) + ", scenario " + hex(want_version);
    return r;
  }
  if (got.suite != s.suite) {
    r.error = who + "negotiated suite " + hex(got.suite) + ", scenario " + hex(s.suite);
    return r;
  }
  if (key_exchange && got.group != s.group) {
    r.error = who + "negotiated group " + hex(got.group) + ", scenario " + hex(s.group);
    return r;
  }
  if (!want_resumed && got.sig_scheme != 0 && got.sig_scheme != s.cv_scheme) {
    r.error = who + "server signature scheme " + hex(got.sig_scheme) + ", scenario " + hex(s.cv_scheme);
    return r;
  }
  if (!extra.empty()) {
    r.error = who + extra;
    return r;
  }
  if (!c.has_ticket()) {
    r.error = who + "no ticket received";
    return r;
  }
  r.ok = true;
  return r;
}

bool refuses_wrong_host(BenchClient& c, OpensslServer& server, const Scenario& s, std::string* err) {
  c.set_host(wrong_host());
  HandshakeResult r = run_handshake(c, server, s, false);
  c.set_host(s.host);
  c.forget_tickets();
  if (r.ok) {
    *err = std::string(c.name()) + " (scenario " + s.id + ") accepted the server's certificate for " + wrong_host();
    return false;
  }
  if (!r.client_refused) {
    *err = std::string(c.name()) + " (scenario " + s.id + "), wrong-host control: failed, but not in the client: " +
           r.error;
    return false;
  }
  return true;
}

Bytes message_of(uint8_t type, size_t body_len) {
  Bytes m(4 + body_len, 0x5a);
  m[0] = type;
  m[1] = uint8_t(body_len >> 16);
  m[2] = uint8_t(body_len >> 8);
  m[3] = uint8_t(body_len);
  return m;
}

}  // namespace mactls::bench
