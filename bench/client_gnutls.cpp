// The GnuTLS client as a peer: push/pull over memory buffers, chain and host
// name verified (gnutls_session_set_verify_cert), one key share, the newest
// ticket kept for the next connection.
#include <errno.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>

#include <cstring>

#include "bench.h"

namespace mactls::bench {
namespace {

const char* gnutls_group(uint16_t g) {
  switch (g) {
    case 0x001d: return "GROUP-X25519";
    case 0x0017: return "GROUP-SECP256R1";
    case 0x0018: return "GROUP-SECP384R1";
  }
  return "";
}

class GnutlsClient final : public BenchClient {
 public:
  GnutlsClient() { gnutls_global_init(); }
  ~GnutlsClient() override {
    forget_tickets();
    if (session_) gnutls_deinit(session_);
    if (prio_) gnutls_priority_deinit(prio_);
    if (cred_) gnutls_certificate_free_credentials(cred_);
    gnutls_global_deinit();
  }
  const char* name() const override { return "GnuTLS"; }

  bool setup(const Scenario& s, std::string* err) override {
    if (prio_) gnutls_priority_deinit(prio_);
    if (cred_) gnutls_certificate_free_credentials(cred_);
    prio_ = nullptr;
    cred_ = nullptr;
    forget_tickets();
    host_ = s.host;
    tls12_ = s.tls12;
    gnutls_certificate_allocate_credentials(&cred_);
    gnutls_datum_t ca = {reinterpret_cast<unsigned char*>(const_cast<char*>(s.root_pem.data())),
                         unsigned(s.root_pem.size())};
    if (gnutls_certificate_set_x509_trust_mem(cred_, &ca, GNUTLS_X509_FMT_PEM) != 1) {
      *err = "GnuTLS: trust anchor";
      return false;
    }
    std::string p = std::string("NORMAL:-VERS-ALL:") + (s.tls12 ? "+VERS-TLS1.2" : "+VERS-TLS1.3") + ":-GROUP-ALL";
    for (uint16_t g : s.client_groups()) p += std::string(":+") + gnutls_group(g);
    const char* where = nullptr;
    if (gnutls_priority_init(&prio_, p.c_str(), &where) < 0) {
      *err = "GnuTLS: priority string at " + std::string(where ? where : "?");
      return false;
    }
    return true;
  }

  void set_host(const std::string& host) override { host_ = host; }

  void forget_tickets() override {
    if (ticket_.data) gnutls_free(ticket_.data);
    ticket_ = {nullptr, 0};
  }
  bool has_ticket() const override { return ticket_.data != nullptr; }

  bool start(CpuMeter& m, Bytes& out) override {
    in_.clear();
    in_pos_ = 0;
    out_ = &out;
    done_ = false;
    m.begin();
    gnutls_init(&session_, GNUTLS_CLIENT);
    gnutls_priority_set(session_, prio_);
    gnutls_credentials_set(session_, GNUTLS_CRD_CERTIFICATE, cred_);
    gnutls_server_name_set(session_, GNUTLS_NAME_DNS, host_.data(), host_.size());
    gnutls_session_set_verify_cert(session_, host_.c_str(), 0);
    gnutls_transport_set_ptr(session_, this);
    gnutls_transport_set_push_function(session_, &GnutlsClient::push);
    gnutls_transport_set_pull_function(session_, &GnutlsClient::pull);
    if (ticket_.data) {
      gnutls_session_set_data(session_, ticket_.data, ticket_.size);
      if (!tls12_) forget_tickets();  // TLS 1.3: single use; a 1.2 session stays reusable
    }
    bool ok = drive();
    m.end();
    return ok;
  }

  bool feed(CpuMeter& m, const Bytes& in, Bytes& out) override {
    in_.assign(in.begin(), in.end());
    in_pos_ = 0;
    out_ = &out;
    m.begin();
    bool ok = drive();
    m.end();
    return ok;
  }

  bool handshake_done() const override { return done_; }
  bool resumed() const override { return session_ && gnutls_session_is_resumed(session_); }

  Negotiated negotiated() const override {
    Negotiated n;
    if (!session_) return n;
    switch (gnutls_protocol_get_version(session_)) {
      case GNUTLS_TLS1_3: n.version = 0x0304; break;
      case GNUTLS_TLS1_2: n.version = 0x0303; break;
      default: break;
    }
    const char* suite = gnutls_ciphersuite_get(session_);
    for (uint16_t id : {0x1301, 0x1302, 0x1303, 0xc02b}) {
      if (suite && strcmp(suite, suite_iana_name(id)) == 0) n.suite = id;
    }
    switch (gnutls_group_get(session_)) {
      case GNUTLS_GROUP_X25519: n.group = 0x001d; break;
      case GNUTLS_GROUP_SECP256R1: n.group = 0x0017; break;
      case GNUTLS_GROUP_SECP384R1: n.group = 0x0018; break;
      default: break;
    }
    return n;
  }

  void finish(CpuMeter& m) override {
    m.begin();
    if (session_) {
      if ((gnutls_session_get_flags(session_) & GNUTLS_SFLAGS_SESSION_TICKET) ||
          (tls12_ && done_ && !gnutls_session_is_resumed(session_))) {
        forget_tickets();
        gnutls_session_get_data2(session_, &ticket_);
      }
      gnutls_deinit(session_);
    }
    m.end();
    session_ = nullptr;
  }

  std::string last_error() const override { return error_; }

 private:
  static ssize_t push(gnutls_transport_ptr_t p, const void* data, size_t len) {
    auto* self = static_cast<GnutlsClient*>(p);
    const uint8_t* d = static_cast<const uint8_t*>(data);
    self->out_->insert(self->out_->end(), d, d + len);
    return ssize_t(len);
  }
  static ssize_t pull(gnutls_transport_ptr_t p, void* data, size_t len) {
    auto* self = static_cast<GnutlsClient*>(p);
    size_t avail = self->in_.size() - self->in_pos_;
    if (avail == 0) {
      gnutls_transport_set_errno(self->session_, EAGAIN);
      return -1;
    }
    size_t n = len < avail ? len : avail;
    memcpy(data, self->in_.data() + self->in_pos_, n);
    self->in_pos_ += n;
    return ssize_t(n);
  }

  bool drive() {
    if (!done_) {
      int rc = gnutls_handshake(session_);
      if (rc == GNUTLS_E_AGAIN) return true;
      if (rc < 0) {
        error_ = std::string("GnuTLS: ") + gnutls_strerror(rc);
        return false;
      }
      done_ = true;
    }
    uint8_t buf[256];
    int rc = int(gnutls_record_recv(session_, buf, sizeof buf));  // processes NewSessionTicket
    if (rc < 0 && rc != GNUTLS_E_AGAIN) {
      error_ = std::string("GnuTLS: ") + gnutls_strerror(rc);
      return false;
    }
    return true;
  }

  gnutls_certificate_credentials_t cred_ = nullptr;
  gnutls_priority_t prio_ = nullptr;
  gnutls_session_t session_ = nullptr;
  gnutls_datum_t ticket_ = {nullptr, 0};
  Bytes in_;
  size_t in_pos_ = 0;
  Bytes* out_ = nullptr;
  bool done_ = false, tls12_ = false;
  std::string host_, error_;
};

}  // namespace

std::unique_ptr<BenchClient> make_gnutls_client() { return std::make_unique<GnutlsClient>(); }

}  // namespace mactls::bench
