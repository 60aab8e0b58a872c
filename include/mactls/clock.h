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
/// Tests inject a ManualClock (mactls/testing.h).
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

}  // namespace mactls

#endif  // MACTLS_CLOCK_H
