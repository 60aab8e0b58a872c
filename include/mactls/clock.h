// mactls — injected time.
#ifndef MACTLS_CLOCK_H
#define MACTLS_CLOCK_H

#include <cstdint>

namespace mactls {

/// Time as the engine sees it. Two readings because they answer different
/// questions: a monotonic millisecond counter for timeouts and ticket ages,
/// and wall-clock seconds since the Unix epoch for certificate validity and
/// ticket expiry across time. Tests inject a ManualClock.
class Clock {
 public:
  virtual ~Clock() = default;
  /// Milliseconds from an arbitrary fixed origin; never goes backwards.
  virtual uint64_t monotonic_ms() = 0;
  /// Seconds since 1970-01-01T00:00:00Z.
  virtual int64_t unix_seconds() = 0;
};

/// The host's clocks (CLOCK_MONOTONIC and time()).
Clock& system_clock();

/// A clock that only moves when told to; for tests.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(int64_t unix_seconds = 1700000000, uint64_t mono_ms = 1000)
      : unix_(unix_seconds), mono_(mono_ms) {}
  uint64_t monotonic_ms() override { return mono_; }
  int64_t unix_seconds() override { return unix_; }
  /// Moves both clocks forward by `ms` milliseconds.
  void advance_ms(uint64_t ms) {
    mono_ += ms;
    sub_ms_ += ms;
    unix_ += static_cast<int64_t>(sub_ms_ / 1000);
    sub_ms_ %= 1000;
  }
  void set_unix_seconds(int64_t s) { unix_ = s; }

 private:
  int64_t unix_;
  uint64_t mono_;
  uint64_t sub_ms_ = 0;
};

}  // namespace mactls

#endif  // MACTLS_CLOCK_H
