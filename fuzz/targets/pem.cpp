// PEM bundles into a trust store.
#include "fuzz_common.h"
#include "mactls/trust.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  mactls::TrustStore t;
  (void)t.add_pem(reinterpret_cast<const char*>(data), size);
  mactls::fuzz::require(t.size() <= size / 64 + 1, "no more anchors than the input can hold");
  return 0;
}
