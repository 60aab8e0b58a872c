// mactls async — what the C façade's handles share (c_api.cpp for
// connections, c_engine.cpp for the bytes-in/bytes-out engine): the config
// and ticket-store handles, and the adapters that turn the host's entropy
// and clock callbacks into a RandomSource and a Clock. Internal.
#ifndef MACTLS_ASYNC_C_HANDLES_H
#define MACTLS_ASYNC_C_HANDLES_H

#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "mactls/client.h"
#include "mactls/clock.h"
#include "mactls/connection.h"
#include "mactls/mactls.h"
#include "mactls/random.h"
#include "mactls/ticket_store.h"
#include "mactls/trust.h"

namespace mactls::capi {

// Entropy from the host's callback. A failing callback leaves the source
// failed for good: it fills zeros from then on, and the engine, which
// checks failed() after each draw, fails the connection before any of
// those bytes leave (RandomSource's contract).
class CallbackRandom final : public RandomSource {
 public:
  CallbackRandom(mactls_entropy_fn fn, void* user) : fn_(fn), user_(user) {}
  void fill(uint8_t* out, size_t len) override {
    if (!failed_) {
      char err[256];
      std::memset(err, 0, sizeof err);
      if (fn_(user_, out, len, err, sizeof err) == 0) return;
      err[sizeof err - 1] = '\0';
      failed_ = true;
      reason_ = err[0] ? err : "the entropy callback failed without a reason";
    }
    std::memset(out, 0, len);
  }
  bool failed() const override { return failed_; }
  const std::string& reason() const { return reason_; }

 private:
  mactls_entropy_fn fn_;
  void* user_;
  bool failed_ = false;
  std::string reason_;
};

// Time from the host's callbacks; a missing one reads the system clock.
class CallbackClock final : public Clock {
 public:
  CallbackClock(mactls_monotonic_ms_fn mono, mactls_unix_ms_fn unix_ms, void* user)
      : mono_(mono), unix_(unix_ms), user_(user) {}
  uint64_t monotonic_ms() override {
    if (!mono_) return system_clock().monotonic_ms();
    // "Never goes backwards" is the Clock contract; a host clock that does
    // is held at its highest reading so deadlines cannot underflow.
    const uint64_t now = mono_(user_);
    if (now > last_mono_) last_mono_ = now;
    return last_mono_;
  }
  int64_t unix_ms() override { return unix_ ? unix_(user_) : system_clock().unix_ms(); }

 private:
  mactls_monotonic_ms_fn mono_;
  mactls_unix_ms_fn unix_;
  void* user_;
  uint64_t last_mono_ = 0;
};

/// Copies what `cfg` sets into `cc` (trust when non-empty, tickets, ALPN,
/// key log) and makes the entropy and clock adapters in `sources`, which
/// `cc` then points to and which must live as long as `cc` is used. False
/// only when out of memory.
struct HostSources {
  std::unique_ptr<CallbackRandom> random;
  std::unique_ptr<CallbackClock> clock;
};
bool make_client_config(const mactls_config& cfg, ClientConfig* cc, HostSources* sources);

/// Fills the engine's findings and the failure into *r; the connection
/// counters and times are left zero, the state to the caller.
void fill_engine_info(const ConnectionInfo& i, const Status& err, mactls_info* r);

/// The failure text when the host's entropy callback failed.
std::string entropy_failure_text(const CallbackRandom& random, const std::string& host);

}  // namespace mactls::capi

struct mactls_config {
  mactls::TrustStore trust;
  mactls::TicketStore* tickets = nullptr;  // not owned
  uint32_t connect_timeout_ms = mactls::ConnectionOptions().connect_timeout_ms;
  uint32_t handshake_timeout_ms = mactls::ConnectionOptions().handshake_timeout_ms;
  bool has_transport = false;
  mactls_transport transport{};
  void* transport_user = nullptr;
  mactls_entropy_fn entropy = nullptr;
  void* entropy_user = nullptr;
  mactls_monotonic_ms_fn clock_mono = nullptr;
  mactls_unix_ms_fn clock_unix = nullptr;
  void* clock_user = nullptr;
  mactls_keylog_fn keylog = nullptr;
  void* keylog_user = nullptr;
  std::vector<std::string> alpn;
  std::string error;
};

struct mactls_ticket_store {
  mactls::MemoryTicketStore store;
  std::string error;  // mactls_ticket_store_last_error
};


#endif  // MACTLS_ASYNC_C_HANDLES_H
