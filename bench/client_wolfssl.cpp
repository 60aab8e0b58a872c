// The wolfSSL client as a peer: I/O callbacks over memory buffers, chain and
// host name verified, one key share, the newest ticket kept for the next
// connection. (Its own translation unit: wolfSSL's OpenSSL-compatibility
// macros must not meet OpenSSL's headers.)
#include <wolfssl/options.h>
#include <wolfssl/ssl.h>

#include <cstring>

#include "bench.h"

namespace mactls::bench {
namespace {

int wolf_group(uint16_t g) {
  switch (g) {
    case 0x001d: return WOLFSSL_ECC_X25519;
    case 0x0017: return WOLFSSL_ECC_SECP256R1;
    case 0x0018: return WOLFSSL_ECC_SECP384R1;
  }
  return 0;
}

class WolfsslClient final : public BenchClient {
 public:
  WolfsslClient() { wolfSSL_Init(); }
  ~WolfsslClient() override {
    forget_tickets();
    if (ssl_) wolfSSL_free(ssl_);
    if (ctx_) wolfSSL_CTX_free(ctx_);
    wolfSSL_Cleanup();
  }
  const char* name() const override { return "wolfSSL"; }

  bool setup(const Scenario& s, std::string* err) override {
    if (ctx_) wolfSSL_CTX_free(ctx_);
    forget_tickets();
    host_ = s.host;
    group_ = wolf_group(s.group);
    groups_.clear();
    for (uint16_t g : s.client_groups()) groups_.push_back(wolf_group(g));
    tls12_ = s.tls12;
    ctx_ = wolfSSL_CTX_new(s.tls12 ? wolfTLSv1_2_client_method() : wolfTLSv1_3_client_method());
    if (!ctx_ ||
        wolfSSL_CTX_load_verify_buffer(ctx_, reinterpret_cast<const unsigned char*>(s.root_pem.data()),
                                       long(s.root_pem.size()), WOLFSSL_FILETYPE_PEM) != WOLFSSL_SUCCESS) {
      *err = "wolfSSL: trust anchor";
      return false;
    }
    wolfSSL_CTX_set_verify(ctx_, WOLFSSL_VERIFY_PEER, nullptr);
    wolfSSL_CTX_SetIORecv(ctx_, &WolfsslClient::recv_cb);
    wolfSSL_CTX_SetIOSend(ctx_, &WolfsslClient::send_cb);
    return true;
  }

  void set_host(const std::string& host) override { host_ = host; }

  void forget_tickets() override {
    if (session_) wolfSSL_SESSION_free(session_);
    session_ = nullptr;
  }
  bool has_ticket() const override { return session_ != nullptr; }

  bool start(CpuMeter& m, Bytes& out) override {
    in_.clear();
    in_pos_ = 0;
    out_ = &out;
    done_ = false;
    got_ticket_ = false;
    m.begin();
    ssl_ = wolfSSL_new(ctx_);
    wolfSSL_SetIOReadCtx(ssl_, this);
    wolfSSL_SetIOWriteCtx(ssl_, this);
    wolfSSL_UseSNI(ssl_, WOLFSSL_SNI_HOST_NAME, host_.data(), uint16_t(host_.size()));
    wolfSSL_check_domain_name(ssl_, host_.c_str());
    wolfSSL_set_groups(ssl_, groups_.data(), int(groups_.size()));
    if (tls12_) {
      wolfSSL_UseSessionTicket(ssl_);  // RFC 5077: ask for a ticket
    } else {
      wolfSSL_UseKeyShare(ssl_, word16(group_));
    }
    if (session_) {
      wolfSSL_set_session(ssl_, session_);
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
  bool resumed() const override { return ssl_ && wolfSSL_session_reused(ssl_); }

  Negotiated negotiated() const override {
    Negotiated n;
    if (!ssl_) return n;
    switch (wolfSSL_version(ssl_)) {
      case TLS1_3_VERSION: n.version = 0x0304; break;
      case TLS1_2_VERSION: n.version = 0x0303; break;
    }
    n.suite = uint16_t(wolfSSL_get_current_cipher_suite(ssl_));
    const char* curve = wolfSSL_get_curve_name(ssl_);
    if (curve) {
      std::string c = curve;
      if (c == "X25519") n.group = 0x001d;
      else if (c == "SECP256R1") n.group = 0x0017;
      else if (c == "SECP384R1") n.group = 0x0018;
    }
    return n;
  }

  void finish(CpuMeter& m) override {
    m.begin();
    if (ssl_) {
      if (got_ticket_ || (tls12_ && done_ && !wolfSSL_session_reused(ssl_))) {
        forget_tickets();
        session_ = wolfSSL_get1_session(ssl_);
      }
      wolfSSL_free(ssl_);
    }
    m.end();
    ssl_ = nullptr;
  }

  std::string last_error() const override { return error_; }

 private:
  static int recv_cb(WOLFSSL*, char* buf, int sz, void* ctx) {
    auto* self = static_cast<WolfsslClient*>(ctx);
    size_t avail = self->in_.size() - self->in_pos_;
    if (avail == 0) return WOLFSSL_CBIO_ERR_WANT_READ;
    size_t n = size_t(sz) < avail ? size_t(sz) : avail;
    memcpy(buf, self->in_.data() + self->in_pos_, n);
    self->in_pos_ += n;
    if (self->done_) self->got_ticket_ = true;  // post-handshake bytes: the ticket
    return int(n);
  }
  static int send_cb(WOLFSSL*, char* buf, int sz, void* ctx) {
    auto* self = static_cast<WolfsslClient*>(ctx);
    self->out_->insert(self->out_->end(), buf, buf + sz);
    return sz;
  }

  bool drive() {
    if (!done_) {
      int rc = wolfSSL_connect(ssl_);
      if (rc != WOLFSSL_SUCCESS) {
        int e = wolfSSL_get_error(ssl_, rc);
        if (e == WOLFSSL_ERROR_WANT_READ) return true;
        char buf[128];
        wolfSSL_ERR_error_string_n(e, buf, sizeof buf);
        error_ = std::string("wolfSSL: ") + buf;
        return false;
      }
      done_ = true;
      if (in_pos_ == in_.size()) return true;
    }
    char buf[256];
    int rc = wolfSSL_read(ssl_, buf, sizeof buf);  // processes NewSessionTicket
    if (rc <= 0) {
      int e = wolfSSL_get_error(ssl_, rc);
      if (e != WOLFSSL_ERROR_WANT_READ) {
        char msg[128];
        wolfSSL_ERR_error_string_n(e, msg, sizeof msg);
        error_ = std::string("wolfSSL: ") + msg;
        return false;
      }
    }
    return true;
  }

  WOLFSSL_CTX* ctx_ = nullptr;
  WOLFSSL* ssl_ = nullptr;
  WOLFSSL_SESSION* session_ = nullptr;
  int group_ = 0;
  std::vector<int> groups_;
  Bytes in_;
  size_t in_pos_ = 0;
  Bytes* out_ = nullptr;
  bool done_ = false, got_ticket_ = false, tls12_ = false;
  std::string host_, error_;
};

}  // namespace

std::unique_ptr<BenchClient> make_wolfssl_client() { return std::make_unique<WolfsslClient>(); }

}  // namespace mactls::bench
