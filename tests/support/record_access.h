// Test support: the friend that src/record/record.h declares for tests
// only, to move a sequence number to the edge of its 64-bit range (2^64
// records cannot be sent in a test). Nothing in src/ defines it.
#ifndef MACTLS_TESTS_SUPPORT_RECORD_ACCESS_H
#define MACTLS_TESTS_SUPPORT_RECORD_ACCESS_H

#include <cstdint>

#include "record/record.h"

namespace mactls {

struct RecordTestAccess {
  static void set_sequence(RecordProtector& p, uint64_t seq) { p.seq_ = seq; }
  static void set_sequence(RecordReader& r, uint64_t seq) { r.protector_.seq_ = seq; }
};

}  // namespace mactls

#endif
