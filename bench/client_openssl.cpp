// The OpenSSL 3 client as a peer: memory BIOs, chain and host name verified,
// one key share, the newest ticket kept for the next connection.
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/obj_mac.h>
#include <openssl/x509.h>

#include "bench.h"

namespace mactls::bench {
namespace {

class OpensslClient final : public BenchClient {
 public:
  ~OpensslClient() override {
    forget_tickets();
    if (ssl_) SSL_free(ssl_);
    if (ctx_) SSL_CTX_free(ctx_);
  }
  const char* name() const override { return "OpenSSL"; }

  bool setup(const Scenario& s, std::string* err) override {
    if (ctx_) SSL_CTX_free(ctx_);
    forget_tickets();
    ctx_ = SSL_CTX_new(TLS_client_method());
    host_ = s.host;
    tls12_ = s.tls12;
    const int version = s.tls12 ? TLS1_2_VERSION : TLS1_3_VERSION;
    std::string groups;
    for (uint16_t g : s.client_groups()) groups += std::string(groups.empty() ? "" : ":") + group_openssl_name(g);
    BIO* b = BIO_new_mem_buf(s.root_pem.data(), int(s.root_pem.size()));
    X509* root = PEM_read_bio_X509(b, nullptr, nullptr, nullptr);
    BIO_free(b);
    bool ok = ctx_ && root && X509_STORE_add_cert(SSL_CTX_get_cert_store(ctx_), root) &&
              SSL_CTX_set_min_proto_version(ctx_, version) && SSL_CTX_set_max_proto_version(ctx_, version) &&
              SSL_CTX_set1_groups_list(ctx_, groups.c_str());
    X509_free(root);
    if (!ok) {
      *err = "OpenSSL client set-up failed";
      return false;
    }
    SSL_CTX_set_verify(ctx_, SSL_VERIFY_PEER, nullptr);
    SSL_CTX_set_session_cache_mode(ctx_, SSL_SESS_CACHE_CLIENT | SSL_SESS_CACHE_NO_INTERNAL_STORE);
    SSL_CTX_set_app_data(ctx_, this);
    SSL_CTX_sess_set_new_cb(ctx_, &OpensslClient::on_new_session);
    return true;
  }

  void set_host(const std::string& host) override { host_ = host; }

  void forget_tickets() override {
    if (session_) SSL_SESSION_free(session_);
    session_ = nullptr;
  }
  bool has_ticket() const override { return session_ != nullptr; }

  bool start(CpuMeter& m, Bytes& out) override {
    m.begin();
    ssl_ = SSL_new(ctx_);
    rbio_ = BIO_new(BIO_s_mem());
    wbio_ = BIO_new(BIO_s_mem());
    SSL_set_bio(ssl_, rbio_, wbio_);
    SSL_set_connect_state(ssl_);
    SSL_set_tlsext_host_name(ssl_, host_.c_str());
    SSL_set1_host(ssl_, host_.c_str());
    if (session_) {
      SSL_set_session(ssl_, session_);
      // TLS 1.3: single use, the ticket is spent once offered. TLS 1.2: the
      // session stays reusable (RFC 5077 §3.3), as every 1.2 client keeps it.
      if (!tls12_) {
        SSL_SESSION_free(session_);
        session_ = nullptr;
      }
    }
    bool ok = drive(out);
    m.end();
    return ok;
  }

  bool feed(CpuMeter& m, const Bytes& in, Bytes& out) override {
    m.begin();
    BIO_write(rbio_, in.data(), int(in.size()));
    bool ok = drive(out);
    m.end();
    return ok;
  }

  bool handshake_done() const override { return ssl_ && SSL_is_init_finished(ssl_); }
  bool resumed() const override { return ssl_ && SSL_session_reused(ssl_); }

  Negotiated negotiated() const override {
    Negotiated n;
    if (!ssl_) return n;
    n.version = uint16_t(SSL_version(ssl_));
    const SSL_CIPHER* c = SSL_get_current_cipher(ssl_);
    n.suite = c ? uint16_t(SSL_CIPHER_get_protocol_id(c)) : 0;
    switch (SSL_get_negotiated_group(ssl_)) {
      case NID_X25519: n.group = 0x001d; break;
      case NID_X9_62_prime256v1: n.group = 0x0017; break;
      case NID_secp384r1: n.group = 0x0018; break;
    }
    return n;
  }

  void finish(CpuMeter& m) override {
    m.begin();
    if (ssl_) {
      // Without a shutdown state OpenSSL marks the session not resumable.
      SSL_set_shutdown(ssl_, SSL_SENT_SHUTDOWN | SSL_RECEIVED_SHUTDOWN);
      SSL_free(ssl_);
    }
    m.end();
    ssl_ = nullptr;
  }

  std::string last_error() const override { return error_; }

 private:
  static int on_new_session(SSL* ssl, SSL_SESSION* sess) {
    auto* self = static_cast<OpensslClient*>(SSL_CTX_get_app_data(SSL_get_SSL_CTX(ssl)));
    if (self->session_) SSL_SESSION_free(self->session_);
    self->session_ = sess;
    return 1;  // we own it now
  }

  bool drive(Bytes& out) {
    int rc;
    if (!SSL_is_init_finished(ssl_)) {
      rc = SSL_do_handshake(ssl_);
    } else {
      uint8_t buf[256];
      rc = SSL_read(ssl_, buf, sizeof buf);  // processes NewSessionTicket
    }
    bool ok = true;
    if (rc <= 0) {
      int e = SSL_get_error(ssl_, rc);
      if (e != SSL_ERROR_WANT_READ) {
        char buf[256];
        ERR_error_string_n(ERR_get_error(), buf, sizeof buf);
        error_ = std::string("OpenSSL client: ") + buf;
        ok = false;
      }
    }
    if (ok && rc == 1 && SSL_is_init_finished(ssl_)) {
      // Handshake just finished: try the ticket that may follow in the same flight.
      uint8_t buf[256];
      rc = SSL_read(ssl_, buf, sizeof buf);
    }
    uint8_t buf[16384];
    int n;
    while ((n = BIO_read(wbio_, buf, sizeof buf)) > 0) out.insert(out.end(), buf, buf + n);
    return ok;
  }

  SSL_CTX* ctx_ = nullptr;
  SSL* ssl_ = nullptr;
  BIO *rbio_ = nullptr, *wbio_ = nullptr;
  SSL_SESSION* session_ = nullptr;
  std::string host_, error_;
  bool tls12_ = false;
};

}  // namespace

std::unique_ptr<BenchClient> make_openssl_client() { return std::make_unique<OpensslClient>(); }

}  // namespace mactls::bench
