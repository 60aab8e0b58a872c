#include "common/bytes.h"

#include <cstring>

namespace mactls {

void secure_wipe(void* p, size_t n) {
  if (n == 0) return;
  // memset at full speed (key contexts are kilobytes: a byte-wise volatile
  // loop cost a resumed handshake microseconds), then a compiler barrier
  // that makes the zeroed memory observable, so the stores cannot be
  // dropped as dead. The same technique as glibc's explicit_bzero, written
  // out so it builds on any GCC/Clang target.
  memset(p, 0, n);
  __asm__ __volatile__("" : : "r"(p) : "memory");
}

bool ct_equal(const uint8_t* a, const uint8_t* b, size_t n) {
  uint8_t acc = 0;
  for (size_t i = 0; i < n; ++i) acc |= uint8_t(a[i] ^ b[i]);
  // Fold without a data-dependent branch.
  return ((uint32_t(acc) - 1) >> 8) & 1;
}

std::string to_hex(ByteView v) {
  static const char* digits = "0123456789abcdef";
  std::string s;
  s.reserve(v.size * 2);
  for (uint8_t b : v) {
    s.push_back(digits[b >> 4]);
    s.push_back(digits[b & 15]);
  }
  return s;
}

static int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool from_hex(const std::string& hex, Bytes& out) {
  out.clear();
  int hi = -1;
  for (char c : hex) {
    if (c == ' ' || c == '\n' || c == '\t' || c == '\r' || c == ':') continue;
    int d = hex_digit(c);
    if (d < 0) return false;
    if (hi < 0) {
      hi = d;
    } else {
      out.push_back(uint8_t(hi << 4 | d));
      hi = -1;
    }
  }
  return hi < 0;
}

}  // namespace mactls
