// The heap tests' view of the heap: this executable interposes malloc and
// free. While capturing, every block handed back is copied (after its
// destructors ran) into a static arena; while counting, live bytes are
// tracked. Neither ever allocates.
#ifndef MACTLS_TESTS_HYGIENE_HEAP_HOOKS_H
#define MACTLS_TESTS_HYGIENE_HEAP_HOOKS_H

#include <cstddef>
#include <cstdint>

#include "support/heap_tracker.h"

namespace mactls::test::heap {

extern bool capturing;
/// The captured bytes so far, and whether the arena overflowed.
const uint8_t* captured(size_t* len);
bool capture_overflowed();
void clear_capture();

extern HeapTracker tracker;

}  // namespace mactls::test::heap

#endif
