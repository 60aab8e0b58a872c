// mactls async — display names of negotiated groups and signature schemes,
// for diagnostics. The tables live with the crypto seam (crypto/kex.h,
// crypto/signature.h); this only adds "none" for "not negotiated".
#include "crypto/kex.h"
#include "crypto/signature.h"
#include "mactls/connection.h"

namespace mactls {

const char* tls_group_name(uint16_t group) { return group ? group_name(group) : "none"; }

const char* tls_signature_scheme_name(uint16_t scheme) {
  return scheme ? signature_scheme_name(scheme) : "none";
}

}  // namespace mactls
