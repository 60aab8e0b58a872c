#include "x509/name_constraints.h"

namespace mactls {

// Placeholder until subtree matching lands: a path with name constraints is
// refused rather than accepted unchecked (as a critical nameConstraints was
// refused before).
Status check_name_constraints(ByteView constraints, const ParsedCertificate&, size_t*) {
  (void)constraints;
  return Status::fail(Alert::unsupported_certificate, "name constraints are not supported yet");
}

}  // namespace mactls
