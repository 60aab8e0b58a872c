#include <time.h>

#include "mactls/clock.h"

namespace mactls {

namespace {
class SystemClock final : public Clock {
 public:
  uint64_t monotonic_ms() override {
    timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return uint64_t(ts.tv_sec) * 1000u + uint64_t(ts.tv_nsec) / 1000000u;
  }
  int64_t unix_ms() override {
    timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return int64_t(ts.tv_sec) * 1000 + int64_t(ts.tv_nsec) / 1000000;
  }
};
}  // namespace

Clock& system_clock() {
  static SystemClock c;
  return c;
}

}  // namespace mactls
