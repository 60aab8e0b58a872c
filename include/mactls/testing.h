// mactls — test doubles for the injected clock and randomness.
//
// NOT FOR PRODUCTION. These make a connection deterministic so a test can
// replay a transcript byte for byte or move time past a ticket's lifetime
// without waiting: FixedRandom hands out predictable "random" bytes (a
// handshake made with it has no security at all) and ManualClock only moves
// when told to. They are installed because programs embedding mactls want
// the same in their own tests; no connection of the library makes one on
// its own, and production code must inject system_random()/system_clock() or the
// platform's own sources (mactls/random.h, mactls/clock.h).
#ifndef MACTLS_TESTING_H
#define MACTLS_TESTING_H

#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

#include "mactls/clock.h"
#include "mactls/random.h"

namespace mactls {

/// Deterministic RandomSource for tests and transcript replay: hands out
/// the queued byte strings in order (each fill() consumes exactly `len`
/// bytes from the queue, spanning entries if needed); once the queue is
/// empty it produces a counter stream. Never failed(). Not for production.
class FixedRandom final : public RandomSource {
 public:
  FixedRandom() = default;
  /// Queues `bytes` as the first output.
  explicit FixedRandom(std::vector<uint8_t> bytes) { push(std::move(bytes)); }
  /// Queues `bytes` after what is already queued.
  void push(std::vector<uint8_t> bytes);
  /// The next `len` queued bytes (then the counter stream).
  void fill(uint8_t* out, size_t len) override;

 private:
  std::vector<uint8_t> queue_;
  size_t pos_ = 0;
  uint8_t counter_ = 0;
};

/// A Clock that only moves when told to. Not for production.
class ManualClock final : public Clock {
 public:
  /// Starts at `unix_seconds` on the wall clock and `mono_ms` on the
  /// monotonic one.
  explicit ManualClock(int64_t unix_seconds = 1700000000, uint64_t mono_ms = 1000)
      : unix_ms_(unix_seconds * 1000), mono_(mono_ms) {}
  uint64_t monotonic_ms() override { return mono_; }
  int64_t unix_ms() override { return unix_ms_; }
  /// Moves both clocks forward by `ms` milliseconds.
  void advance_ms(uint64_t ms) {
    mono_ += ms;
    unix_ms_ += static_cast<int64_t>(ms);
  }
  /// Sets the wall clock only (the monotonic clock never jumps).
  void set_unix_seconds(int64_t s) { unix_ms_ = s * 1000; }

 private:
  int64_t unix_ms_;
  uint64_t mono_;
};

}  // namespace mactls

#endif  // MACTLS_TESTING_H
