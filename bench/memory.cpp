// mactls_bench_memory: heap per connection and per stored ticket, measured
// by replaying the recorded transcripts with every allocation counted (the
// client alone runs: no server shares the heap). Prints JSON.
//
//   mactls_bench_memory TRANSCRIPT...
//
// malloc and friends are interposed in this executable only (the heap tests'
// hooks, tests/hygiene/heap_hooks.cpp); a block is counted when it is
// allocated while counting is on, and uncounted when it is freed — nettle's
// and gmp's allocations included.

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "mactls/ticket_store.h"
#include "hygiene/heap_hooks.h"
#include "transcript.h"

using mactls::test::heap::tracker;

using namespace mactls::bench;

int main(int argc, char** argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: %s TRANSCRIPT...\n", argv[0]);
    return 2;
  }
  printf("{\n  \"connections\": [");
  bool first = true;
  for (int a = 1; a < argc; ++a) {
    Transcript t;
    std::string err;
    if (!t.load(argv[a], &err)) {
      fprintf(stderr, "%s: %s\n", argv[a], err.c_str());
      return 1;
    }
    struct Phase {
      std::string name;
      size_t live;
    };
    std::vector<Phase> phases[2];
    size_t peak[2] = {0, 0}, allocs[2] = {0, 0}, leaked[2] = {0, 0};
    std::vector<size_t> top[2];
    ReplayHooks h;
    h.before_connection = [&](int) {
      tracker.reset();
      tracker.keep_peak_sizes = true;
      tracker.counting = true;
    };
    h.after_step = [&](int c, const char* phase) {
      tracker.counting = false;
      phases[c].push_back({phase, tracker.live});
      tracker.counting = true;
    };
    h.after_connection = [&](int c) {
      tracker.counting = false;
      peak[c] = tracker.peak;
      allocs[c] = tracker.allocations;
      leaked[c] = tracker.live;  // blocks of this connection still held (tickets stored in the store)
      top[c].assign(tracker.peak_sizes, tracker.peak_sizes + tracker.peak_count);
      std::sort(top[c].rbegin(), top[c].rend());
      if (top[c].size() > 8) top[c].resize(8);
    };
    if (!replay(t, h, &err)) {
      fprintf(stderr, "%s: %s\n", argv[a], err.c_str());
      return 1;
    }
    for (int c = 0; c < 2; ++c) {
      printf("%s\n    {\"scenario\": \"%c\", \"kind\": \"%s\", \"peak_heap\": %zu, \"allocations\": %zu, "
             "\"held_after\": %zu, \"phases\": {",
             first ? "" : ",", t.scenario, t.kind(c), peak[c], allocs[c], leaked[c]);
      first = false;
      for (size_t i = 0; i < phases[c].size(); ++i)
        printf("%s\"%s\": %zu", i ? ", " : "", phases[c][i].name.c_str(), phases[c][i].live);
      printf("}, \"largest_at_peak\": [");
      for (size_t i = 0; i < top[c].size(); ++i) printf("%s%zu", i ? ", " : "", top[c][i]);
      printf("]}");
    }
  }
  printf("\n  ],\n");

  // Bytes per stored ticket: the store's own accounting and the heap it takes.
  {
    mactls::MemoryTicketStore store;
    tracker.reset();
    tracker.keep_peak_sizes = false;
    tracker.counting = true;
    const int n = 64;
    for (int i = 0; i < n; ++i) {
      mactls::TicketKey key;
      key.server_name = "host" + std::to_string(i % 16) + ".example.com";
      key.port = 443;
      mactls::Ticket tk;
      tk.peer_identity = "CN=" + key.server_name + " (issuer CN=bench-a-int, until 2027-11-23)";
      tk.identity.assign(200, uint8_t(i));  // a typical OpenSSL/GnuTLS ticket is ~200-250 bytes
      tk.psk_len = 32;
      tk.cipher_suite = 0x1301;
      tk.lifetime_s = 7200;
      tk.received_unix_ms = 1000;
      tk.auth_unix_s = 1;
      store.insert(key, std::move(tk));
    }
    tracker.counting = false;
    printf("  \"ticket_store\": {\"tickets\": %zu, \"store_bytes\": %zu, \"heap_bytes\": %zu, "
           "\"ticket_identity_bytes\": 200}\n}\n",
           store.size(), store.bytes(), tracker.live);
  }
  return 0;
}
