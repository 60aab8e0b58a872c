// CertificateVerify parser and signature check against fixed public keys
// of every kind mactls accepts (signature decoding: DER ECDSA, RSA, EdDSA).
#include "crypto/signature.h"
#include "fuzz_common.h"
#include "handshake/messages.h"

using namespace mactls;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static PublicKey* keys = [] {
    static PublicKey k[4];
    const char* spki[4] = {fuzz::kSpkiP256, fuzz::kSpkiP384, fuzz::kSpkiRsa2048, fuzz::kSpkiEd25519};
    for (int i = 0; i < 4; ++i) fuzz::require(k[i].parse_spki(ByteView(fuzz::unhex(spki[i]))).is_ok(), "fixed key parses");
    return k;
  }();
  if (size < 1) return 0;
  CertificateVerifyMsg cv;
  if (!parse_certificate_verify(ByteView(data + 1, size - 1), &cv).is_ok()) return 0;
  uint8_t th[48] = {1, 2, 3};
  uint8_t content[130 + 48];
  size_t n = certificate_verify_content(ByteView(th, 32), content);
  Status s = keys[data[0] % 4].verify(SignatureScheme(cv.scheme), ByteView(content, n), cv.signature);
  fuzz::require(!s.is_ok(), "no forged signature verifies");
  return 0;
}
