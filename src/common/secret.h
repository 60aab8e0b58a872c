// mactls — fixed-size secret storage that wipes itself.
#ifndef MACTLS_COMMON_SECRET_H
#define MACTLS_COMMON_SECRET_H

#include <cstddef>
#include <cstdint>
#include <cstring>

#include "common/bytes.h"

namespace mactls {

/// Largest hash output mactls uses (SHA-384).
constexpr size_t kMaxHashLen = 48;

/// A secret of up to N bytes held inline (no heap), wiped on destruction
/// and on reassignment. Copying is allowed (the copy is wiped too) because
/// stages hand secrets on by value; moves wipe the source.
template <size_t N>
class SecretBuf {
 public:
  SecretBuf() = default;
  SecretBuf(const uint8_t* p, size_t n) { assign(p, n); }
  explicit SecretBuf(ByteView v) { assign(v.data, v.size); }
  SecretBuf(const SecretBuf& o) { assign(o.buf_, o.len_); }
  SecretBuf(SecretBuf&& o) noexcept {
    assign(o.buf_, o.len_);
    o.wipe();
  }
  SecretBuf& operator=(const SecretBuf& o) {
    if (this != &o) assign(o.buf_, o.len_);
    return *this;
  }
  SecretBuf& operator=(SecretBuf&& o) noexcept {
    if (this != &o) {
      assign(o.buf_, o.len_);
      o.wipe();
    }
    return *this;
  }
  ~SecretBuf() { wipe(); }

  /// Copies n bytes in; n must be <= N (larger inputs are truncated to N,
  /// which callers never do: every use sizes N for the largest hash).
  void assign(const uint8_t* p, size_t n) {
    wipe();
    len_ = n > N ? N : n;
    if (len_) std::memcpy(buf_, p, len_);
  }
  /// Sets the length and returns the buffer to write into.
  uint8_t* prepare(size_t n) {
    wipe();
    len_ = n > N ? N : n;
    return buf_;
  }
  void wipe() {
    secure_wipe(buf_, N);
    len_ = 0;
  }
  const uint8_t* data() const { return buf_; }
  uint8_t* data() { return buf_; }
  size_t size() const { return len_; }
  bool empty() const { return len_ == 0; }
  ByteView view() const { return ByteView(buf_, len_); }

 private:
  uint8_t buf_[N] = {};
  size_t len_ = 0;
};

/// A secret the size of a hash output.
using Secret = SecretBuf<kMaxHashLen>;

}  // namespace mactls

#endif  // MACTLS_COMMON_SECRET_H
