// Scenarios, the meter's calibration, the in-process OpenSSL server and the
// handshake loop shared by every client under test.
#include <openssl/err.h>
#include <openssl/ssl.h>

#include <algorithm>
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
  };
  static const Row kRows[] = {
      {'a', "X25519 + ECDSA P-256 chain + TLS_AES_128_GCM_SHA256", 0x001d, 0x1301, 0x0403, test::KeyKind::p256, "sha256"},
      {'b', "secp384r1 + ECDSA P-384 chain + TLS_AES_256_GCM_SHA384", 0x0018, 0x1302, 0x0503, test::KeyKind::p384, "sha384"},
      {'c', "X25519 + RSA-2048 chain (rsa_pss_rsae_sha256) + TLS_CHACHA20_POLY1305_SHA256", 0x001d, 0x1303, 0x0804,
       test::KeyKind::rsa2048, "sha256"},
      {'d', "X25519 + RSA-4096 chain + TLS_AES_128_GCM_SHA256", 0x001d, 0x1301, 0x0804, test::KeyKind::rsa4096, "sha256"},
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
  bool ok = ctx && SSL_CTX_set_min_proto_version(ctx, TLS1_3_VERSION) &&
            SSL_CTX_set_ciphersuites(ctx, suite_openssl_name(s.suite)) &&
            SSL_CTX_set1_groups_list(ctx, group_openssl_name(s.group)) &&
            SSL_CTX_use_certificate_chain_file(ctx, s.chain_pem_path.c_str()) == 1 &&
            SSL_CTX_use_PrivateKey_file(ctx, s.key_path.c_str(), SSL_FILETYPE_PEM) == 1 &&
            SSL_CTX_set_num_tickets(ctx, 1);
  if (ok && s.cv_scheme == 0x0804) ok = SSL_CTX_set1_sigalgs_list(ctx, "rsa_pss_rsae_sha256");
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

HandshakeResult run_handshake(BenchClient& c, OpensslServer& server, bool want_resumed) {
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
      failed = true;
    }
  }
  bool client_done = c.handshake_done();
  r.client_resumed = c.resumed();
  r.server_resumed = server.reused();
  bool server_done = server.handshake_done();
  c.finish(m);
  server.end();
  r.client_ns = double(m.total_ns) - meter_overhead_ns() * m.spans;
  if (failed) return r;
  if (!client_done || !server_done) {
    if (r.error.empty()) r.error = std::string(c.name()) + ": handshake did not complete";
    return r;
  }
  if (r.client_resumed != want_resumed || r.server_resumed != want_resumed) {
    r.error = std::string(c.name()) + ": resumed client=" + std::to_string(r.client_resumed) +
              " server=" + std::to_string(r.server_resumed) + ", wanted " + std::to_string(want_resumed);
    return r;
  }
  if (!c.has_ticket()) {
    r.error = std::string(c.name()) + ": no ticket received";
    return r;
  }
  r.ok = true;
  return r;
}

}  // namespace mactls::bench
