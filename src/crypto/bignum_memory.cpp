#include "crypto/bignum_memory.h"

#include <gmp.h>

#include <cstring>

#include "common/bytes.h"

namespace mactls {
namespace {

void* (*g_alloc)(size_t) = nullptr;
void* (*g_realloc)(void*, size_t, size_t) = nullptr;
void (*g_free)(void*, size_t) = nullptr;

void wiping_free(void* p, size_t n) {
  if (p) secure_wipe(p, n);
  g_free(p, n);
}

// A realloc may move the block and free the old one unwiped: move it here.
void* wiping_realloc(void* p, size_t old_n, size_t new_n) {
  if (!p) return g_alloc(new_n);
  void* q = g_alloc(new_n);
  std::memcpy(q, p, old_n < new_n ? old_n : new_n);
  wiping_free(p, old_n);
  return q;
}

bool install() {
  mp_get_memory_functions(&g_alloc, &g_realloc, &g_free);
  mp_set_memory_functions(g_alloc, &wiping_realloc, &wiping_free);
  return true;
}

}  // namespace

void install_wiping_bignum_memory() {
  static const bool installed = install();  // once, even with concurrent first Clients
  (void)installed;
}

}  // namespace mactls
