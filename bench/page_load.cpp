// Page-load simulation (issue 12, "Parallel connections at page load"): one
// host, a burst of N parallel connections (N = 2, 4, 6) followed by 4
// sequential ones, through the async API with and without the opt-in wait
// for a leading full handshake (ConnectionOptions::gate, wait_for_leader_ms),
// and for several per-key ticket counts of the store. The server is the
// tests' in-process scripted server (2 NewSessionTickets per connection,
// single-use tickets like OpenSSL's), behind in-memory pipes that deliver
// each direction after a simulated one-way delay; time is a manual clock
// advanced 1 ms per round of the cooperative loop, so runs are exact and
// repeatable. CPU is not simulated: the estimated G3 CPU per page is the
// count of full and resumed handshakes times the emulated G3's per
// handshake estimates for scenario a (bench/ppc/RESULTS_PPC.md: 86 ms full,
// 13.8 ms resumed at 333 MHz). Prints a Markdown table; numbers are
// reported, never asserted.
//
//   build/bench/mactls_bench_page_load > bench/PAGE_LOAD.md
#include <algorithm>
#include <ctime>
#include <cstdio>
#include <deque>
#include <memory>
#include <string>
#include <vector>

#include "mactls/connection.h"
#include "mactls/testing.h"
#include "mactls/ticket_store.h"
#include "mactls/trust.h"
#include "support/pki.h"
#include "support/scripted_server.h"

namespace mactls::test {
namespace {

constexpr double kG3FullMs = 86.0, kG3ResumedMs = 13.8;  // RESULTS_PPC.md, scenario a
constexpr uint64_t kOneWayMs = 10;                         // simulated network delay each way
const char* kHost = "page.test";

struct Delayed {
  uint64_t at;
  Bytes bytes;
};

// Client ↔ scripted server, each direction delivered kOneWayMs later.
struct Link {
  std::unique_ptr<ScriptedServer> server;
  std::deque<Delayed> to_server, to_client;
  ManualClock* clock = nullptr;
  bool gave_up = false;
  void step() {
    while (!to_server.empty() && to_server.front().at <= clock->monotonic_ms()) {
      Bytes reply;
      if (!server->receive(ByteView(to_server.front().bytes), reply)) gave_up = true;
      to_server.pop_front();
      if (!reply.empty()) to_client.push_back({clock->monotonic_ms() + kOneWayMs, std::move(reply)});
    }
  }
};

class LinkTransport final : public Transport {
 public:
  explicit LinkTransport(Link* l) : l_(l) {}
  ConnectStatus open(const std::string&, uint16_t) override { return ConnectStatus::in_progress; }
  ConnectStatus poll_connect() override { return ConnectStatus::connected; }
  IoResult send(const uint8_t* data, size_t len) override {
    l_->to_server.push_back({l_->clock->monotonic_ms() + kOneWayMs, Bytes(data, data + len)});
    return IoResult::moved(len);
  }
  IoResult recv(uint8_t* buf, size_t cap) override {
    if (l_->to_client.empty() || l_->to_client.front().at > l_->clock->monotonic_ms())
      return l_->gave_up ? IoResult::end() : IoResult::blocked();
    Bytes& b = l_->to_client.front().bytes;
    const size_t n = std::min(cap, b.size());
    std::copy(b.begin(), b.begin() + long(n), buf);
    b.erase(b.begin(), b.begin() + long(n));
    if (b.empty()) l_->to_client.pop_front();
    return IoResult::moved(n);
  }
  void close() override {}
  const char* error() const override { return ""; }

 private:
  Link* l_;
};

struct Outcome {
  int full = 0, resumed = 0, waited = 0, failed = 0;
  uint64_t max_wait_ms = 0, burst_done_ms = 0;
  size_t tickets_left = 0;
};

struct Setup {
  ServerIdentity* id;
  const TrustStore* trust;
};

// Runs `conns` connections to completion as one cooperative loop; counts.
void run_batch(std::vector<std::unique_ptr<Connection>>& conns, std::vector<std::unique_ptr<Link>>& links,
               ManualClock& clock, Outcome& out) {
  for (auto& c : conns) (void)c->Start();
  for (int tick = 0; tick < 100000; ++tick) {
    bool busy = false;
    for (size_t i = 0; i < conns.size(); ++i) {
      links[i]->step();
      Connection& c = *conns[i];
      const ConnState s = c.Pump();
      if (s == ConnState::open) {
        // Stay until the tickets are in, then close.
        const ConnectionInfo* inf = c.info();
        if (inf && (inf->tickets_stored >= 2 || inf->tickets_received >= 2)) c.Close();
      }
      if (c.state() != ConnState::closed && c.state() != ConnState::failed) busy = true;
    }
    if (!busy) break;
    clock.advance_ms(1);
  }
  for (auto& c : conns) {
    const ConnectionInfo* inf = c->info();
    if (c->state() == ConnState::failed || !inf || !inf->version) {
      std::fprintf(stderr, "connection failed: %s\n", c->last_error().c_str());
      out.failed++;
      continue;
    }
    (inf->resumed ? out.resumed : out.full)++;
    if (c->stats().waited_for_leader) {
      out.waited++;
      out.max_wait_ms = std::max(out.max_wait_ms, c->stats().leader_wait_ms);
    }
  }
}

Outcome page(const Setup& s, size_t burst, bool wait, size_t tickets_per_key, Outcome* seq) {
  MemoryTicketStore::Limits lim;
  lim.tickets_per_key = tickets_per_key;
  MemoryTicketStore store(lim);
  ManualClock clock;
  clock.set_unix_seconds(int64_t(time(nullptr)));  // the certificates are made now
  ServerTicketBook book;
  ResumptionGate gate;
  ClientConfig cfg;
  cfg.trust = s.trust;
  cfg.tickets = &store;
  cfg.clock = &clock;
  Outcome out;
  auto batch = [&](size_t n, Outcome& o) {
    std::vector<std::unique_ptr<Link>> links;
    std::vector<std::unique_ptr<Connection>> conns;
    for (size_t i = 0; i < n; ++i) {
      links.push_back(std::make_unique<Link>());
      links.back()->clock = &clock;
      links.back()->server = std::make_unique<ScriptedServer>(*s.id, ServerScript(), &book);
      ConnectionOptions o;
      if (wait) {
        o.gate = &gate;
        o.wait_for_leader_ms = 1000;
      }
      conns.push_back(Connection::New(cfg, std::unique_ptr<Transport>(new LinkTransport(links.back().get())),
                                      kHost, 443, o));
    }
    const uint64_t t0 = clock.monotonic_ms();
    run_batch(conns, links, clock, o);
    o.burst_done_ms = clock.monotonic_ms() - t0;
  };
  batch(burst, out);
  out.tickets_left = store.size();
  for (int i = 0; i < 4; ++i) batch(1, *seq);
  return out;
}

}  // namespace
}  // namespace mactls::test

int main() {
  using namespace mactls;
  using namespace mactls::test;
  Pki pki;
  ServerIdentity id;
  if (!id.make(pki, "page", kHost)) {
    std::fprintf(stderr, "cannot make the server identity\n");
    return 1;
  }
  TrustStore trust;
  if (!trust.add_pem(id.root_pem.data(), id.root_pem.size()).is_ok()) return 1;
  Setup s{&id, &trust};

  std::printf("# Page load: a burst of parallel connections, then 4 sequential ones\n\n");
  std::printf("Written by `build/bench/mactls_bench_page_load` (bench/page_load.cpp): one host, the in-process\n"
              "scripted server issuing 2 single-use tickets per connection, %llu ms each way, a cooperative\n"
              "loop pumping every connection each simulated millisecond. G3 CPU = full x %.0f ms + resumed x\n"
              "%.1f ms (emulated G3, scenario a, bench/ppc/RESULTS_PPC.md). \"wait\": ConnectionOptions::gate\n"
              "with wait_for_leader_ms = 1000.\n\n",
              static_cast<unsigned long long>(kOneWayMs), kG3FullMs, kG3ResumedMs);
  std::printf("| burst | wait | tickets/key | burst full | burst resumed | waited (max ms) | burst done (ms) | "
              "tickets left | G3 CPU burst (ms) | then 4 sequential: resumed |\n");
  std::printf("|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
  for (size_t burst : {size_t(2), size_t(4), size_t(6)}) {
    for (size_t tpk : {size_t(1), size_t(2), size_t(4), size_t(8)}) {
      for (bool wait : {false, true}) {
        Outcome seq;
        Outcome o = page(s, burst, wait, tpk, &seq);
        std::printf("| %zu | %s | %zu | %d | %d | %d (%llu) | %llu | %zu | %.0f | %d of 4%s |\n", burst,
                    wait ? "yes" : "no", tpk, o.full, o.resumed, o.waited,
                    static_cast<unsigned long long>(o.max_wait_ms), static_cast<unsigned long long>(o.burst_done_ms),
                    o.tickets_left, o.full * kG3FullMs + o.resumed * kG3ResumedMs, seq.resumed,
                    o.failed + seq.failed ? " (failures!)" : "");
      }
    }
  }
  return 0;
}
