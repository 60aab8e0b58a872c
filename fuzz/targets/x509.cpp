// DER / X.509: one certificate through the parser, its key through
// parse_spki, its names through the host matcher, and the chain validator
// with it as leaf and as its own anchor.
#include "crypto/signature.h"
#include "fuzz_common.h"
#include "mactls/trust.h"
#include "x509/certificate.h"
#include "x509/verify.h"

using namespace mactls;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  ByteView der(data, size);
  ParsedCertificate pc;
  if (!parse_certificate(der, &pc).is_ok()) return 0;
  fuzz::require(pc.der.size <= size && pc.tbs.size <= pc.der.size, "views stay inside the input");
  (void)certificate_matches_host(pc, "server.test");
  (void)certificate_matches_host(pc, "127.0.0.1");
  (void)name_common_name(pc.subject);
  (void)certificate_summary(pc);
  PublicKey k;
  (void)k.parse_spki(pc.spki);
  TrustStore anchors;
  (void)anchors.add_der(data, size);
  VerifyOptions o;
  o.host = "server.test";
  o.now_unix = 1790000000;
  VerifiedChain out;
  (void)verify_server_chain(&der, 1, anchors, o, &out);
  return 0;
}
