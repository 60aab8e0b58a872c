// The floor, in situ: the same nettle operations as Floor, timed at the
// points where a client meets them in a real exchange with the in-process
// server — our key share when the ClientHello is written, the shared secret
// and signature checks when the server's flight arrives — so they find the
// caches as the server's work left them, as every client in the harness
// does. An untimed mactls client carries the actual exchange. TLS 1.2: the
// key pair is made when the server's flight arrives (after its
// ServerKeyExchange), and a resumption has no ECDHE and no signature.
// Runs in rounds of its own (main.cpp), so its untimed mactls work never
// sits between the peers' handshakes.
#include "bench.h"
#include "floor.h"

namespace mactls::bench {
namespace {

class FloorInSitu final : public BenchClient {
 public:
  explicit FloorInSitu(Floor* floor) : floor_(floor), inner_(make_mactls_client()) {}
  const char* name() const override { return "floor-in-situ"; }
  bool setup(const Scenario& s, std::string* err) override {
    tls12_ = s.tls12;
    return inner_->setup(s, err);
  }
  void set_host(const std::string& host) override { inner_->set_host(host); }
  void forget_tickets() override { inner_->forget_tickets(); }
  bool has_ticket() const override { return inner_->has_ticket(); }

  bool start(CpuMeter& m, Bytes& out) override {
    full_ = !inner_->has_ticket();
    feeds_ = 0;
    double ns = 0;
    if (!tls12_) {
      if (!floor_->ecdhe_keygen(&ns)) return false;
      add(m, ns);
    }
    CpuMeter untimed;
    return inner_->start(untimed, out);
  }

  bool feed(CpuMeter& m, const Bytes& in, Bytes& out) override {
    if (feeds_++ == 0) {  // the server's flight
      double ns = 0;
      if (tls12_ && full_) {
        if (!floor_->ecdhe_keygen(&ns)) return false;
        add(m, ns);
      }
      if (!tls12_ || full_) {
        if (!floor_->ecdhe_shared(&ns)) return false;
        add(m, ns);
      }
      if (full_) {
        if (!floor_->signatures(&ns)) return false;
        add(m, ns);
      }
    }
    CpuMeter untimed;
    return inner_->feed(untimed, in, out);
  }

  bool handshake_done() const override { return inner_->handshake_done(); }
  bool resumed() const override { return inner_->resumed(); }
  Negotiated negotiated() const override { return inner_->negotiated(); }
  void finish(CpuMeter&) override {
    CpuMeter untimed;
    inner_->finish(untimed);
  }
  std::string last_error() const override { return inner_->last_error(); }

 private:
  static void add(CpuMeter& m, double ns) {
    m.total_ns += uint64_t(ns);
    ++m.spans;
  }
  Floor* floor_;
  std::unique_ptr<BenchClient> inner_;
  bool full_ = true, tls12_ = false;
  int feeds_ = 0;
};

}  // namespace

std::unique_ptr<BenchClient> make_floor_in_situ(Floor* floor) { return std::make_unique<FloorInSitu>(floor); }

}  // namespace mactls::bench
