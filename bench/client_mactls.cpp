// mactls under test: the public API only, as the browser uses it.
#include "bench.h"
#include "mactls/client.h"
#include "mactls/ticket_store.h"
#include "mactls/trust.h"
#include "mactls/verify_cache.h"

namespace mactls::bench {
namespace {

class MactlsClient final : public BenchClient {
 public:
  MactlsClient(VerifyCache* cache, char expect_cache) : cache_(cache), expect_cache_(expect_cache) {}

  const char* name() const override {
    return expect_cache_ == 'e' ? "mactls-e" : expect_cache_ == 'f' ? "mactls-f" : "mactls";
  }

  bool setup(const Scenario& s, std::string* err) override {
    trust_.reset(new TrustStore);
    Status st = trust_->add_der(s.root_der.data(), s.root_der.size());
    if (!st.is_ok()) {
      *err = "mactls: trust anchor: " + std::string(st.what());
      return false;
    }
    host_ = s.host;
    cfg_ = ClientConfig();
    cfg_.trust = trust_.get();
    cfg_.verify_cache = cache_;
    cfg_.groups = s.client_groups();
    cfg_.key_share_groups = {s.group};
    // One version, as every peer is configured; the default suites, as the
    // peers offer theirs (the server picks the scenario's).
    cfg_.min_version = cfg_.max_version = s.tls12 ? 0x0303 : 0x0304;
    store_.reset(new MemoryTicketStore);
    cfg_.tickets = store_.get();
    return true;
  }
  void set_host(const std::string& host) override { host_ = host; }

  void forget_tickets() override {
    store_.reset(new MemoryTicketStore);
    cfg_.tickets = store_.get();
  }
  bool has_ticket() const override { return store_->size() > 0; }

  bool start(CpuMeter& m, Bytes& out) override {
    error_.clear();
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

  Negotiated negotiated() const override {
    Negotiated n;
    if (!client_) return n;
    const ConnectionInfo& i = client_->info();
    n.version = i.version;
    n.suite = i.cipher_suite;
    n.group = i.group;
    n.sig_scheme = i.signature_scheme;
    return n;
  }

  std::string extra_check() const override {
    if (!client_ || expect_cache_ == 0 || client_->info().resumed) return {};
    const ConnectionInfo& i = client_->info();
    if (expect_cache_ == 'e' && !i.chain_cache_hit) return "the verified-chain cache did not hit";
    if (expect_cache_ == 'f' && (i.chain_cache_hit || i.cert_signatures_cached != 1)) {
      return "expected one issuer signature from the cache and no chain hit; got chain hit " +
             std::to_string(i.chain_cache_hit) + ", signatures cached " + std::to_string(i.cert_signatures_cached);
    }
    return {};
  }

  void finish(CpuMeter& m) override {
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
  VerifyCache* cache_;
  char expect_cache_;
  std::unique_ptr<TrustStore> trust_;
  std::unique_ptr<MemoryTicketStore> store_;
  ClientConfig cfg_;
  std::unique_ptr<Client> client_;
  std::string host_, error_;
};

}  // namespace

std::unique_ptr<BenchClient> make_mactls_client(VerifyCache* cache, char expect_cache) {
  return std::make_unique<MactlsClient>(cache, expect_cache);
}

}  // namespace mactls::bench
