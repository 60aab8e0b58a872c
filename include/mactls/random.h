// mactls — injected randomness.
#ifndef MACTLS_RANDOM_H
#define MACTLS_RANDOM_H

#include <cstddef>
#include <cstdint>
#include <vector>

namespace mactls {

/// A source of cryptographically secure random bytes. The engine never
/// calls the OS itself: the host supplies one (SystemRandom on POSIX; the G3
/// port plugs its own). fill() must not fail; a source that cannot produce
/// bytes must abort rather than return predictable data.
class RandomSource {
 public:
  virtual ~RandomSource() = default;
  virtual void fill(uint8_t* out, size_t len) = 0;
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
