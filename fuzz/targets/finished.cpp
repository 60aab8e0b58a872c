// Finished: verify_data against a fixed key and transcript (constant-time
// compare, length handling).
#include "fuzz_common.h"
#include "keyschedule/key_schedule.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  const mactls::HashAlg h = data[0] & 1 ? mactls::HashAlg::sha384 : mactls::HashAlg::sha256;
  uint8_t secret[48], th[48];
  for (int i = 0; i < 48; ++i) secret[i] = uint8_t(i), th[i] = uint8_t(255 - i);
  bool ok = mactls::verify_finished(h, mactls::ByteView(secret, mactls::hash_len(h)),
                                    mactls::ByteView(th, mactls::hash_len(h)), mactls::ByteView(data + 1, size - 1));
  mactls::fuzz::require(!ok, "no guessed verify_data matches");
  return 0;
}
