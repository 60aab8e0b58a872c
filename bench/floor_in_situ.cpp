// The floor, in situ: the same nettle operations as Floor, timed at the
// points where a client meets them in a real exchange with the in-process
// server — our key share when the ClientHello is written, the shared secret
// and signature checks when the server's flight arrives — so they find the
// caches as the server's work left them, as every client in the harness
// does. An untimed mactls client carries the actual exchange.
#include "bench.h"
#include "floor.h"

namespace mactls::bench {
namespace {

class FloorInSitu final : public BenchClient {
 public:
  explicit FloorInSitu(Floor* floor) : floor_(floor), inner_(make_mactls_client()) {}
  const char* name() const override { return "floor-in-situ"; }
  bool setup(const Scenario& s, std::string* err) override { return inner_->setup(s, err); }
  void forget_tickets() override { inner_->forget_tickets(); }
  bool has_ticket() const override { return inner_->has_ticket(); }

  bool start(CpuMeter& m, Bytes& out) override {
    full_ = !inner_->has_ticket();
    feeds_ = 0;
    double ns = 0;
    if (!floor_->ecdhe_keygen(&ns)) return false;
    add(m, ns);
    CpuMeter untimed;
    return inner_->start(untimed, out);
  }

  bool feed(CpuMeter& m, const Bytes& in, Bytes& out) override {
    if (feeds_++ == 0) {  // the server's flight
      double ns = 0;
      if (!floor_->ecdhe_shared(&ns)) return false;
      add(m, ns);
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
  bool full_ = true;
  int feeds_ = 0;
};

}  // namespace

std::unique_ptr<BenchClient> make_floor_in_situ(Floor* floor) { return std::make_unique<FloorInSitu>(floor); }

}  // namespace mactls::bench
