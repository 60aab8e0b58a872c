// The library's version, as compiled in (include/mactls/version.h is
// generated from project(VERSION) in CMakeLists.txt).
#include "mactls/version.h"

extern "C" const char* mactls_version(void) { return MACTLS_VERSION_STRING; }

namespace mactls {
const char* version() { return MACTLS_VERSION_STRING; }
}  // namespace mactls
