// The key share made while TCP connects (issue 14): the time from
// Connection::Start() to the ClientHello leaving, over a transport whose
// connect completes 20 ms after it starts (an emulated round trip), with
// the ClientHello made when the connect completes (before:
// ConnectionOptions::hello_while_connecting = false) and while it runs
// (after: the default). Beside them, what making the ClientHello alone
// costs (Client::start(): randomness, the key pairs, the encoding).
// Prints a markdown table. A measurement, not a test: nothing is asserted.
//
//   mactls_bench_connect_delay [--rounds N] [--delay-ms D]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "mactls/client.h"
#include "mactls/connection.h"
#include "mactls/trust.h"
#include "support/pki.h"
#include "support/scripted_server.h"

namespace {

using mactls::ClientConfig;
using mactls::ConnectStatus;
using mactls::IoResult;
using Steady = std::chrono::steady_clock;

const char kHost[] = "delay.test";

double ms_since(Steady::time_point t0, Steady::time_point t1) {
  return std::chrono::duration<double, std::milli>(t1 - t0).count();
}

// A connect that completes `delay` after open(); the first send() is the
// ClientHello leaving, and its time is recorded.
class DelayedTransport final : public mactls::Transport {
 public:
  DelayedTransport(std::chrono::microseconds delay, Steady::time_point* sent_at)
      : delay_(delay), sent_at_(sent_at) {}
  ConnectStatus open(const std::string&, uint16_t) override {
    opened_ = Steady::now();
    return ConnectStatus::in_progress;
  }
  ConnectStatus poll_connect() override {
    return Steady::now() - opened_ >= delay_ ? ConnectStatus::connected : ConnectStatus::in_progress;
  }
  IoResult send(const uint8_t*, size_t len) override {
    if (*sent_at_ == Steady::time_point()) *sent_at_ = Steady::now();
    return IoResult::moved(len);
  }
  IoResult recv(uint8_t*, size_t) override { return IoResult::blocked(); }
  void close() override {}
  const char* error() const override { return ""; }

 private:
  std::chrono::microseconds delay_;
  Steady::time_point* sent_at_;
  Steady::time_point opened_;
};

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0 : v[v.size() / 2];
}

// Start() to the ClientHello's first byte on the wire, in ms. The host
// loop pumps without sleeping, so the figure is not rounded to a tick.
double start_to_hello(const ClientConfig& cfg, bool while_connecting, std::chrono::microseconds delay) {
  Steady::time_point sent_at;
  mactls::ConnectionOptions o;
  o.hello_while_connecting = while_connecting;
  auto c = mactls::Connection::New(cfg, std::unique_ptr<mactls::Transport>(new DelayedTransport(delay, &sent_at)),
                                   kHost, 443, o);
  const Steady::time_point t0 = Steady::now();
  if (!c->Start().is_ok()) {
    std::fprintf(stderr, "start failed: %s\n", c->last_error().c_str());
    std::exit(1);
  }
  while (sent_at == Steady::time_point()) {
    if (c->Pump() == mactls::ConnState::failed) {
      std::fprintf(stderr, "connection failed: %s\n", c->last_error().c_str());
      std::exit(1);
    }
  }
  return ms_since(t0, sent_at);
}

double build_hello(const ClientConfig& cfg) {
  mactls::Client client(cfg, kHost, 443);
  std::vector<uint8_t> out;
  const Steady::time_point t0 = Steady::now();
  if (!client.start(out).is_ok()) std::exit(1);
  return ms_since(t0, Steady::now());
}

}  // namespace

int main(int argc, char** argv) {
  int rounds = 40;
  int delay_ms = 20;
  for (int i = 1; i < argc; ++i) {
    if (!std::strcmp(argv[i], "--rounds") && i + 1 < argc) {
      rounds = std::max(1, std::atoi(argv[++i]));
    } else if (!std::strcmp(argv[i], "--delay-ms") && i + 1 < argc) {
      delay_ms = std::max(0, std::atoi(argv[++i]));
    } else {
      std::fprintf(stderr, "usage: %s [--rounds N] [--delay-ms D]\n", argv[0]);
      return 2;
    }
  }
  mactls::test::Pki pki;
  mactls::test::ServerIdentity id;
  if (!id.make(pki, "delay", kHost)) {
    std::fprintf(stderr, "could not make the PKI\n");
    return 1;
  }
  mactls::TrustStore trust;
  if (!trust.add_pem(id.root_pem.data(), id.root_pem.size()).is_ok()) return 1;

  struct Case {
    const char* name;
    std::vector<uint16_t> shares;
  };
  const Case cases[] = {
      {"x25519 (the default)", {0x001d}},
      {"secp256r1", {0x0017}},
      {"x25519 + secp256r1", {0x001d, 0x0017}},
      {"secp384r1", {0x0018}},
  };
  const std::chrono::microseconds delay(int64_t(delay_ms) * 1000);
  std::printf("Start() to the ClientHello leaving, %d ms emulated connect, median of %d (x86-64, ms)\n\n",
              delay_ms, rounds);
  std::printf("| key shares | make the ClientHello | before: made after the connect | after: made during it | saved |\n");
  std::printf("|---|---:|---:|---:|---:|\n");
  for (const Case& k : cases) {
    ClientConfig cfg;
    cfg.trust = &trust;
    cfg.key_share_groups = k.shares;
    std::vector<double> build, before, after;
    (void)build_hello(cfg);  // warm up
    for (int r = 0; r < rounds; ++r) {
      build.push_back(build_hello(cfg));
      // Alternate, so neither mode always runs right after the other's work.
      if (r % 2) {
        before.push_back(start_to_hello(cfg, false, delay));
        after.push_back(start_to_hello(cfg, true, delay));
      } else {
        after.push_back(start_to_hello(cfg, true, delay));
        before.push_back(start_to_hello(cfg, false, delay));
      }
    }
    const double b = median(before), a = median(after);
    std::printf("| %s | %.3f | %.3f | %.3f | %.3f |\n", k.name, median(build), b, a, b - a);
  }
  std::printf("\nBefore, the hello costs its making on top of the connect; after, it is made\n"
              "behind the connect and leaves the moment the connect completes (what is left\n"
              "above %d ms is the host loop's polling).\n",
              delay_ms);
  return 0;
}
