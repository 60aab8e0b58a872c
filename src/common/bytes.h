// mactls — byte views, a bounds-checked big-endian reader and an appending
// writer. All multi-byte integers are assembled byte by byte, so nothing here
// depends on host endianness or alignment (the G3 is 32-bit big-endian).
#ifndef MACTLS_COMMON_BYTES_H
#define MACTLS_COMMON_BYTES_H

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

namespace mactls {

using Bytes = std::vector<uint8_t>;

/// A non-owning view of bytes. The viewed memory must outlive the view.
struct ByteView {
  const uint8_t* data = nullptr;
  size_t size = 0;

  constexpr ByteView() = default;
  constexpr ByteView(const uint8_t* d, size_t n) : data(d), size(n) {}
  ByteView(const Bytes& b) : data(b.data()), size(b.size()) {}  // NOLINT
  bool empty() const { return size == 0; }
  const uint8_t* begin() const { return data; }
  const uint8_t* end() const { return data + size; }
  uint8_t operator[](size_t i) const { return data[i]; }
  /// Sub-view [off, off+n); caller guarantees off+n <= size.
  ByteView sub(size_t off, size_t n) const { return ByteView(data + off, n); }
  ByteView sub(size_t off) const { return ByteView(data + off, size - off); }
  Bytes to_bytes() const { return Bytes(begin(), end()); }
  bool equals(ByteView o) const {
    return size == o.size && (size == 0 || std::memcmp(data, o.data, size) == 0);
  }
};

inline uint16_t load_be16(const uint8_t* p) {
  return static_cast<uint16_t>((p[0] << 8) | p[1]);
}
inline uint32_t load_be24(const uint8_t* p) {
  return (uint32_t(p[0]) << 16) | (uint32_t(p[1]) << 8) | p[2];
}
inline uint32_t load_be32(const uint8_t* p) {
  return (uint32_t(p[0]) << 24) | (uint32_t(p[1]) << 16) | (uint32_t(p[2]) << 8) | p[3];
}
inline void store_be16(uint8_t* p, uint16_t v) {
  p[0] = uint8_t(v >> 8);
  p[1] = uint8_t(v);
}
inline void store_be24(uint8_t* p, uint32_t v) {
  p[0] = uint8_t(v >> 16);
  p[1] = uint8_t(v >> 8);
  p[2] = uint8_t(v);
}
inline void store_be32(uint8_t* p, uint32_t v) {
  p[0] = uint8_t(v >> 24);
  p[1] = uint8_t(v >> 16);
  p[2] = uint8_t(v >> 8);
  p[3] = uint8_t(v);
}
inline void store_be64(uint8_t* p, uint64_t v) {
  for (int i = 7; i >= 0; --i) {
    p[i] = uint8_t(v);
    v >>= 8;
  }
}

/// Bounds-checked reader over a ByteView. Every read returns false (and
/// reads nothing) when the input is too short; callers map that to
/// decode_error. Length-prefixed vectors are returned as sub-views (no copy).
class Reader {
 public:
  explicit Reader(ByteView v) : v_(v) {}
  size_t remaining() const { return v_.size - pos_; }
  bool empty() const { return pos_ == v_.size; }
  size_t position() const { return pos_; }
  ByteView rest() const { return v_.sub(pos_); }

  [[nodiscard]] bool u8(uint8_t& out) {
    if (remaining() < 1) return false;
    out = v_.data[pos_++];
    return true;
  }
  [[nodiscard]] bool u16(uint16_t& out) {
    if (remaining() < 2) return false;
    out = load_be16(v_.data + pos_);
    pos_ += 2;
    return true;
  }
  [[nodiscard]] bool u24(uint32_t& out) {
    if (remaining() < 3) return false;
    out = load_be24(v_.data + pos_);
    pos_ += 3;
    return true;
  }
  [[nodiscard]] bool u32(uint32_t& out) {
    if (remaining() < 4) return false;
    out = load_be32(v_.data + pos_);
    pos_ += 4;
    return true;
  }
  /// Exactly n bytes as a view.
  [[nodiscard]] bool bytes(size_t n, ByteView& out) {
    if (remaining() < n) return false;
    out = v_.sub(pos_, n);
    pos_ += n;
    return true;
  }
  [[nodiscard]] bool skip(size_t n) {
    if (remaining() < n) return false;
    pos_ += n;
    return true;
  }
  /// opaque<min..max> with a 1-byte length prefix.
  [[nodiscard]] bool vec8(ByteView& out, size_t min = 0, size_t max = 0xff) {
    uint8_t n;
    size_t save = pos_;
    if (!u8(n) || n < min || n > max || !bytes(n, out)) return (pos_ = save, false);
    return true;
  }
  /// opaque<min..max> with a 2-byte length prefix.
  [[nodiscard]] bool vec16(ByteView& out, size_t min = 0, size_t max = 0xffff) {
    uint16_t n;
    size_t save = pos_;
    if (!u16(n) || n < min || n > max || !bytes(n, out)) return (pos_ = save, false);
    return true;
  }
  /// opaque<min..max> with a 3-byte length prefix.
  [[nodiscard]] bool vec24(ByteView& out, size_t min = 0, size_t max = 0xffffff) {
    uint32_t n;
    size_t save = pos_;
    if (!u24(n) || n < min || n > max || !bytes(n, out)) return (pos_ = save, false);
    return true;
  }

 private:
  ByteView v_;
  size_t pos_ = 0;
};

/// Appends big-endian fields to a Bytes buffer. Length prefixes are written
/// as placeholders and patched when the nested block is closed.
class Writer {
 public:
  explicit Writer(Bytes& out) : out_(out) {}
  void u8(uint8_t v) { out_.push_back(v); }
  void u16(uint16_t v) {
    uint8_t b[2];
    store_be16(b, v);
    out_.insert(out_.end(), b, b + 2);
  }
  void u24(uint32_t v) {
    uint8_t b[3];
    store_be24(b, v);
    out_.insert(out_.end(), b, b + 3);
  }
  void u32(uint32_t v) {
    uint8_t b[4];
    store_be32(b, v);
    out_.insert(out_.end(), b, b + 4);
  }
  void bytes(ByteView v) { out_.insert(out_.end(), v.begin(), v.end()); }
  void bytes(const uint8_t* p, size_t n) { out_.insert(out_.end(), p, p + n); }
  void vec8(ByteView v) { u8(uint8_t(v.size)); bytes(v); }
  void vec16(ByteView v) { u16(uint16_t(v.size)); bytes(v); }
  void vec24(ByteView v) { u24(uint32_t(v.size)); bytes(v); }

  /// Opens a length-prefixed block of `width` (1, 2 or 3) bytes; returns the
  /// offset to pass to close_block().
  size_t open_block(int width) {
    size_t at = out_.size();
    out_.insert(out_.end(), size_t(width), 0);
    return at;
  }
  /// Patches the length of a block opened at `at` with `width` bytes.
  void close_block(size_t at, int width) {
    size_t len = out_.size() - at - size_t(width);
    for (int i = width - 1; i >= 0; --i) {
      out_[at + size_t(i)] = uint8_t(len);
      len >>= 8;
    }
  }
  size_t size() const { return out_.size(); }
  Bytes& buffer() { return out_; }

 private:
  Bytes& out_;
};

/// Overwrites memory in a way the compiler may not elide.
void secure_wipe(void* p, size_t n);
inline void secure_wipe(Bytes& b) {
  if (!b.empty()) secure_wipe(b.data(), b.size());
  b.clear();
}

/// Constant-time equality of two equal-length buffers (time depends only on
/// n). Used for Finished, binders and any MAC comparison.
bool ct_equal(const uint8_t* a, const uint8_t* b, size_t n);
inline bool ct_equal(ByteView a, ByteView b) {
  return a.size == b.size && ct_equal(a.data, b.data, a.size);
}

/// Hex helpers for tests, diagnostics and key logs.
std::string to_hex(ByteView v);
/// Parses hex (whitespace ignored); returns false on odd length or bad digit.
bool from_hex(const std::string& hex, Bytes& out);

}  // namespace mactls

#endif  // MACTLS_COMMON_BYTES_H
