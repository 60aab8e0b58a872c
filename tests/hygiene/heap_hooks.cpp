#include "hygiene/heap_hooks.h"

#include <malloc.h>

#include <cstring>

extern "C" {
void* __libc_malloc(size_t);
void __libc_free(void*);
void* __libc_calloc(size_t, size_t);
void* __libc_realloc(void*, size_t);
void* __libc_memalign(size_t, size_t);
}

namespace mactls::test::heap {
namespace {

constexpr size_t kArena = 32u << 20;
uint8_t g_arena[kArena];
size_t g_used = 0;
bool g_overflow = false;

void on_free(void* p) {
  if (!p) return;
  tracker.on_free(p);
  if (capturing) {
    size_t n = malloc_usable_size(p);
    if (g_used + n <= kArena) {
      memcpy(g_arena + g_used, p, n);
      g_used += n;
    } else {
      g_overflow = true;
    }
  }
}

void on_alloc(void* p) {
  if (p && tracker.counting) tracker.on_alloc(p, malloc_usable_size(p));
}

}  // namespace

bool capturing = false;
HeapTracker tracker;

const uint8_t* captured(size_t* len) {
  *len = g_used;
  return g_arena;
}
bool capture_overflowed() { return g_overflow; }
void clear_capture() {
  g_used = 0;
  g_overflow = false;
}

}  // namespace mactls::test::heap

using mactls::test::heap::on_alloc;
using mactls::test::heap::on_free;

extern "C" {
void* malloc(size_t n) {
  void* p = __libc_malloc(n);
  on_alloc(p);
  return p;
}
void free(void* p) {
  on_free(p);
  __libc_free(p);
}
void* calloc(size_t a, size_t b) {
  void* p = __libc_calloc(a, b);
  on_alloc(p);
  return p;
}
void* realloc(void* old, size_t n) {
  // Through malloc + copy + free, so the old block is captured/uncounted.
  if (!old) return malloc(n);
  size_t old_n = malloc_usable_size(old);
  void* p = malloc(n);
  if (p) {
    memcpy(p, old, old_n < n ? old_n : n);
    free(old);
  }
  return p;
}
void* memalign(size_t a, size_t n) {
  void* p = __libc_memalign(a, n);
  on_alloc(p);
  return p;
}
int posix_memalign(void** out, size_t a, size_t n) {
  *out = __libc_memalign(a, n);
  on_alloc(*out);
  return *out ? 0 : 12;
}
void* aligned_alloc(size_t a, size_t n) {
  void* p = __libc_memalign(a, n);
  on_alloc(p);
  return p;
}
}
