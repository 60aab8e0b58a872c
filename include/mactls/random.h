// mactls — injected randomness.
#ifndef MACTLS_RANDOM_H
#define MACTLS_RANDOM_H

#include <cstddef>
#include <cstdint>

namespace mactls {

/// A source of cryptographically secure random bytes. The engine never
/// calls the OS itself: the host supplies one (SystemRandom on POSIX; the G3
/// port plugs its own). A source that cannot produce bytes must never
/// return predictable data as if it were random: it either aborts
/// (system_random()) or fills zeros and reports failed() from then on, and
/// the engine checks failed() after every draw and fails the connection
/// before any of those bytes leave (the C façade's entropy callback works
/// this way).
class RandomSource {
 public:
  virtual ~RandomSource() = default;
  /// Writes `len` random bytes to `out` (zeros once failed()).
  virtual void fill(uint8_t* out, size_t len) = 0;
  /// True once a fill() could not produce random bytes; stays true.
  virtual bool failed() const { return false; }
};

/// getrandom(2)-backed source for POSIX hosts. Stateless; one shared
/// instance is returned.
RandomSource& system_random();

// A deterministic source for tests (FixedRandom) is in mactls/testing.h.

}  // namespace mactls

#endif  // MACTLS_RANDOM_H
