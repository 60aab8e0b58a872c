// EncryptedExtensions body parser; the first byte picks what was offered.
#include "fuzz_common.h"
#include "handshake/messages.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  mactls::EncryptedExtensions ee;
  mactls::Status s = mactls::parse_encrypted_extensions(mactls::ByteView(data + 1, size - 1), data[0] & 1,
                                                        data[0] & 2, 64, &ee);
  if (s.is_ok() && ee.has_alpn) mactls::fuzz::require(data[0] & 1, "ALPN accepted only when offered");
  return 0;
}
