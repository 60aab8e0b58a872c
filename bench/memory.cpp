// mactls_bench_memory: heap per connection and per stored ticket, measured
// by replaying the recorded transcripts with every allocation counted (the
// client alone runs: no server shares the heap). Prints JSON.
//
//   mactls_bench_memory TRANSCRIPT...
//
// malloc and friends are interposed in this executable only; a block is
// counted when it is allocated while counting is on, and uncounted when it
// is freed — nettle's and gmp's allocations included.
#include <malloc.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "mactls/ticket_store.h"
#include "support/heap_tracker.h"
#include "transcript.h"

extern "C" {
void* __libc_malloc(size_t);
void __libc_free(void*);
void* __libc_calloc(size_t, size_t);
void* __libc_realloc(void*, size_t);
void* __libc_memalign(size_t, size_t);
}

namespace {

mactls::test::HeapTracker g_heap;

void note_alloc(void* p) {
  if (p && g_heap.counting) g_heap.on_alloc(p, malloc_usable_size(p));
}
void note_free(void* p) { g_heap.on_free(p); }

}  // namespace

extern "C" {
void* malloc(size_t n) {
  void* p = __libc_malloc(n);
  note_alloc(p);
  return p;
}
void free(void* p) {
  note_free(p);
  __libc_free(p);
}
void* calloc(size_t a, size_t b) {
  void* p = __libc_calloc(a, b);
  note_alloc(p);
  return p;
}
void* realloc(void* old, size_t n) {
  note_free(old);
  void* p = __libc_realloc(old, n);
  note_alloc(p);
  return p;
}
void* memalign(size_t a, size_t n) {
  void* p = __libc_memalign(a, n);
  note_alloc(p);
  return p;
}
int posix_memalign(void** out, size_t a, size_t n) {
  *out = __libc_memalign(a, n);
  note_alloc(*out);
  return *out ? 0 : 12;
}
void* aligned_alloc(size_t a, size_t n) {
  void* p = __libc_memalign(a, n);
  note_alloc(p);
  return p;
}
}

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
      g_heap.reset();
      g_heap.keep_peak_sizes = true;
      g_heap.counting = true;
    };
    h.after_step = [&](int c, const char* phase) {
      g_heap.counting = false;
      phases[c].push_back({phase, g_heap.live});
      g_heap.counting = true;
    };
    h.after_connection = [&](int c) {
      g_heap.counting = false;
      peak[c] = g_heap.peak;
      allocs[c] = g_heap.allocations;
      leaked[c] = g_heap.live;  // blocks of this connection still held (tickets stored in the store)
      top[c].assign(g_heap.peak_sizes, g_heap.peak_sizes + g_heap.peak_count);
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
             first ? "" : ",", t.scenario, c ? "resumed" : "full", peak[c], allocs[c], leaked[c]);
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
    g_heap.reset();
    g_heap.keep_peak_sizes = false;
    g_heap.counting = true;
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
    g_heap.counting = false;
    printf("  \"ticket_store\": {\"tickets\": %zu, \"store_bytes\": %zu, \"heap_bytes\": %zu, "
           "\"ticket_identity_bytes\": 200}\n}\n",
           store.size(), store.bytes(), g_heap.live);
  }
  return 0;
}
