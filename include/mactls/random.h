// mactls — injected randomness.
#ifndef MACTLS_RANDOM_H
#define MACTLS_RANDOM_H

#include <cstddef>
#include <cstdint>
#include <vector>

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

/// Deterministic source for tests and transcript replay: hands out the
/// queued byte strings in order (each fill() consumes exactly `len` bytes
/// from the queue, spanning entries if needed); once the queue is empty it
/// produces a counter stream. Never use outside tests.
class FixedRandom final : public RandomSource {
 public:
  FixedRandom() = default;
  explicit FixedRandom(std::vector<uint8_t> bytes) { push(std::move(bytes)); }
  void push(std::vector<uint8_t> bytes);
  void fill(uint8_t* out, size_t len) override;

 private:
  std::vector<uint8_t> queue_;
  size_t pos_ = 0;
  uint8_t counter_ = 0;
};

}  // namespace mactls

#endif  // MACTLS_RANDOM_H
