// Test support: the friend that src/keyschedule/key_schedule.h declares for
// tests only, to read stage secrets that RFC 8448 lists (early, handshake
// and master secrets, the "derived" salts). Nothing in src/ defines it.
#ifndef MACTLS_TESTS_SUPPORT_KEYSCHEDULE_ACCESS_H
#define MACTLS_TESTS_SUPPORT_KEYSCHEDULE_ACCESS_H

#include "keyschedule/key_schedule.h"

namespace mactls {

struct KeyScheduleTestAccess {
  static ByteView secret(const EarlySecret& s) { return s.secret_.view(); }
  static ByteView secret(const HandshakeSecret& s) { return s.secret_.view(); }
  static ByteView secret(const MasterSecret& s) { return s.secret_.view(); }
  /// The library's own Derive-Secret(., "derived", "") of a stage.
  static void derived(const EarlySecret& s, Secret& out) { s.derived(out); }
  static void derived(const HandshakeSecret& s, Secret& out) { s.derived(out); }
};

}  // namespace mactls

#endif
