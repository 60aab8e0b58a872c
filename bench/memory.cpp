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
#include "transcript.h"

extern "C" {
void* __libc_malloc(size_t);
void __libc_free(void*);
void* __libc_calloc(size_t, size_t);
void* __libc_realloc(void*, size_t);
void* __libc_memalign(size_t, size_t);
}

namespace {

// Counted blocks: open addressing, no allocation inside the hooks.
constexpr size_t kSlots = 1 << 16;
struct Slot {
  void* p;
  size_t n;
};
Slot g_slots[kSlots];
bool g_counting = false;
size_t g_live = 0, g_peak = 0, g_blocks = 0, g_allocs = 0;
// The live blocks' sizes at the peak (for "where the heap goes").
size_t g_peak_sizes[4096];
size_t g_peak_count = 0;

size_t slot_of(void* p) { return (reinterpret_cast<uintptr_t>(p) >> 4) & (kSlots - 1); }

void snapshot_peak() {
  g_peak_count = 0;
  for (size_t i = 0; i < kSlots && g_peak_count < 4096; ++i)
    if (g_slots[i].p) g_peak_sizes[g_peak_count++] = g_slots[i].n;
}

void note_alloc(void* p) {
  if (!g_counting || !p) return;
  size_t n = malloc_usable_size(p);
  size_t i = slot_of(p);
  while (g_slots[i].p) i = (i + 1) & (kSlots - 1);
  g_slots[i] = {p, n};
  g_live += n;
  ++g_blocks;
  ++g_allocs;
  if (g_live > g_peak) {
    g_peak = g_live;
    snapshot_peak();
  }
}

void note_free(void* p) {
  if (!p) return;
  size_t i = slot_of(p);
  for (size_t probes = 0; probes < kSlots && g_slots[i].p; ++probes, i = (i + 1) & (kSlots - 1)) {
    if (g_slots[i].p == p) {
      g_live -= g_slots[i].n;
      --g_blocks;
      // Backward-shift delete keeps the probe chains intact.
      size_t j = i;
      for (;;) {
        g_slots[j] = {nullptr, 0};
        size_t k = j;
        for (;;) {
          k = (k + 1) & (kSlots - 1);
          if (!g_slots[k].p) return;
          size_t home = slot_of(g_slots[k].p);
          bool movable = (j <= k) ? (home <= j || home > k) : (home <= j && home > k);
          if (movable) break;
        }
        g_slots[j] = g_slots[k];
        j = k;
      }
    }
  }
}

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
      g_live = g_peak = g_allocs = 0;
      g_counting = true;
    };
    h.after_step = [&](int c, const char* phase) { phases[c].push_back({phase, g_live}); };
    h.after_connection = [&](int c) {
      g_counting = false;
      peak[c] = g_peak;
      allocs[c] = g_allocs;
      leaked[c] = g_live;  // blocks of this connection still held (tickets stored in the store)
      top[c].assign(g_peak_sizes, g_peak_sizes + g_peak_count);
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
    g_live = g_peak = 0;
    g_counting = true;
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
    g_counting = false;
    printf("  \"ticket_store\": {\"tickets\": %zu, \"store_bytes\": %zu, \"heap_bytes\": %zu, "
           "\"ticket_identity_bytes\": 200}\n}\n",
           store.size(), store.bytes(), g_live);
  }
  return 0;
}
