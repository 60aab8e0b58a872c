// mactls async — display names of the negotiated suite, group and signature
// scheme, for diagnostics. The tables live with the modules that own them
// (keyschedule/cipher_suite.h, crypto/kex.h, crypto/signature.h); this only
// adds "none" for "not negotiated".
#include "crypto/kex.h"
#include "crypto/signature.h"
#include "keyschedule/cipher_suite.h"
#include "mactls/connection.h"

namespace mactls {

const char* tls_cipher_suite_name(uint16_t suite) {
  if (!suite) return "none";
  const CipherSuite* cs = find_cipher_suite(suite);
  if (!cs) cs = find_cipher_suite12(suite);
  return cs ? cs->name : "unknown";
}

const char* tls_group_name(uint16_t group) { return group ? group_name(group) : "none"; }

const char* tls_signature_scheme_name(uint16_t scheme) {
  return scheme ? signature_scheme_name(scheme) : "none";
}

}  // namespace mactls
