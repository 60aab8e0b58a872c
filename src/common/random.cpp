#include <sys/random.h>

#include <cerrno>
#include <cstdlib>

#include "mactls/random.h"

namespace mactls {

namespace {
class SystemRandom final : public RandomSource {
 public:
  void fill(uint8_t* out, size_t len) override {
    while (len > 0) {
      ssize_t n = getrandom(out, len, 0);
      if (n < 0) {
        if (errno == EINTR) continue;
        // No randomness means no security: never return predictable bytes.
        std::abort();
      }
      out += n;
      len -= size_t(n);
    }
  }
};
}  // namespace

RandomSource& system_random() {
  static SystemRandom r;
  return r;
}

}  // namespace mactls
