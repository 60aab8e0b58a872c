// mactls handshake — what the library and its tests may ask a Client that
// the public class does not offer (internal; not installed).
#ifndef MACTLS_HANDSHAKE_CLIENT_ACCESS_H
#define MACTLS_HANDSHAKE_CLIENT_ACCESS_H

#include <cstddef>

#include "mactls/client.h"

namespace mactls {

/// Friend of Client (mactls/client.h).
struct ClientAccess {
  /// The bytes of key material `c` holds now (traffic secrets, private
  /// keys, PSKs); 0 once close() or a failure has wiped them. The secret
  /// hygiene tests and the engine fuzzer check it.
  static size_t secret_bytes_held(const Client& c);
};

}  // namespace mactls

#endif  // MACTLS_HANDSHAKE_CLIENT_ACCESS_H
