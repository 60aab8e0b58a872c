// mactls under test: the public API only, as the browser uses it.
#include "bench.h"
#include "mactls/client.h"
#include "mactls/ticket_store.h"
#include "mactls/trust.h"

namespace mactls::bench {
namespace {

class MactlsClient final : public BenchClient {
 public:
  const char* name() const override { return "mactls"; }

  bool setup(const Scenario& s, std::string* err) override {
    trust_.reset(new TrustStore);
    Status st = trust_->add_der(s.root_der.data(), s.root_der.size());
    if (!st.is_ok()) {
      *err = "mactls: trust anchor: " + std::string(st.what());
      return false;
    }
    host_ = s.host;
    cv_scheme_ = s.cv_scheme;
    cfg_ = ClientConfig();
    cfg_.trust = trust_.get();
    cfg_.groups = {s.group};
    cfg_.key_share_groups = {s.group};
    store_.reset(new MemoryTicketStore);
    cfg_.tickets = store_.get();
    return true;
  }

  void forget_tickets() override {
    store_.reset(new MemoryTicketStore);
    cfg_.tickets = store_.get();
  }
  bool has_ticket() const override { return store_->size() > 0; }

  bool start(CpuMeter& m, Bytes& out) override {
    m.begin();
    client_.reset(new Client(cfg_, host_, 443));
    Status st = client_->start(out);
    m.end();
    return check(st);
  }

  bool feed(CpuMeter& m, const Bytes& in, Bytes& out) override {
    size_t used = 0;
    m.begin();
    Status st = client_->feed(in.data(), in.size(), &used, out);
    m.end();
    return check(st);
  }

  bool handshake_done() const override { return client_ && client_->handshake_done(); }
  bool resumed() const override { return client_ && client_->info().resumed; }

  void finish(CpuMeter& m) override {
    if (client_ && client_->handshake_done() && !client_->info().resumed &&
        client_->info().signature_scheme != cv_scheme_) {
      error_ = "mactls: CertificateVerify scheme " + std::to_string(client_->info().signature_scheme);
    }
    m.begin();
    client_.reset();
    m.end();
  }

  std::string last_error() const override { return error_; }

 private:
  bool check(const Status& st) {
    if (st.is_ok()) return true;
    error_ = "mactls: " + std::string(st.what());
    return false;
  }
  std::unique_ptr<TrustStore> trust_;
  std::unique_ptr<MemoryTicketStore> store_;
  ClientConfig cfg_;
  std::unique_ptr<Client> client_;
  std::string host_, error_;
  uint16_t cv_scheme_ = 0;
};

}  // namespace

std::unique_ptr<BenchClient> make_mactls_client() { return std::make_unique<MactlsClient>(); }

}  // namespace mactls::bench
