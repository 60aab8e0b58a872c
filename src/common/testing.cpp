// The test doubles of mactls/testing.h (not for production; no connection
// of the library makes one on its own).
#include "mactls/testing.h"

namespace mactls {

void FixedRandom::push(std::vector<uint8_t> bytes) {
  queue_.insert(queue_.end(), bytes.begin(), bytes.end());
}

void FixedRandom::fill(uint8_t* out, size_t len) {
  for (size_t i = 0; i < len; ++i) out[i] = pos_ < queue_.size() ? queue_[pos_++] : counter_++;
}

}  // namespace mactls
