// KeyUpdate and CertificateRequest bodies (the two small post-flight parsers).
#include "fuzz_common.h"
#include "handshake/messages.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  if (data[0] & 1) {
    bool requested = false;
    mactls::Status s = mactls::parse_key_update(mactls::ByteView(data + 1, size - 1), &requested);
    if (s.is_ok()) mactls::fuzz::require(size == 2 && data[1] <= 1, "KeyUpdate is one byte, 0 or 1");
  } else {
    mactls::CertificateRequestMsg cr;
    (void)mactls::parse_certificate_request(mactls::ByteView(data + 1, size - 1), 64, &cr);
  }
  return 0;
}
