// mactls — injected time.
#ifndef MACTLS_CLOCK_H
#define MACTLS_CLOCK_H

#include <cstdint>

namespace mactls {

/// Time as the engine sees it. Two readings because they answer different
/// questions: a monotonic millisecond counter for connect/handshake
/// timeouts, and wall-clock milliseconds since the Unix epoch for
/// certificate validity, ticket ages (RFC 8446 §4.2.11.1 counts them in
/// milliseconds) and ticket expiry, which must survive a persistent store.
/// Tests inject a ManualClock.
class Clock {
 public:
  virtual ~Clock() = default;
  /// Milliseconds from an arbitrary fixed origin; never goes backwards.
  virtual uint64_t monotonic_ms() = 0;
  /// Milliseconds since 1970-01-01T00:00:00Z.
  virtual int64_t unix_ms() = 0;
  /// Seconds since 1970-01-01T00:00:00Z.
  int64_t unix_seconds() { return unix_ms() / 1000; }
};

/// The host's clocks (CLOCK_MONOTONIC and time()).
Clock& system_clock();

/// A clock that only moves when told to; for tests.
class ManualClock final : public Clock {
 public:
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

#endif  // MACTLS_CLOCK_H
