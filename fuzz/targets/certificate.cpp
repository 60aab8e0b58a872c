// Certificate message parser, then every certificate through the X.509
// parser and the chain validator (against an empty anchor set: the path
// building, name and validity checks still run).
#include "fuzz_common.h"
#include "handshake/messages.h"
#include "mactls/trust.h"
#include "x509/certificate.h"
#include "x509/verify.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  mactls::CertificateMsg cm;
  if (!mactls::parse_certificate(mactls::ByteView(data, size), 10, 64, &cm).is_ok()) return 0;
  for (const mactls::ByteView& c : cm.certs) {
    mactls::ParsedCertificate pc;
    (void)mactls::parse_certificate(c, &pc);
  }
  static mactls::TrustStore anchors;
  mactls::VerifyOptions o;
  o.host = "server.test";
  o.now_unix = 1790000000;
  mactls::VerifiedChain out;
  mactls::Status s = mactls::verify_server_chain(cm.certs.data(), cm.certs.size(), anchors, o, &out);
  mactls::fuzz::require(!s.is_ok(), "nothing verifies without anchors");
  return 0;
}
